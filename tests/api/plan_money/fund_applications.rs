//! Fund applications: fields, amounts and dates.

use super::*;

#[tokio::test]
async fn a_fund_application_is_created_as_sent_and_a_minimal_one_starts_as_draft() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fondsen").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Mantelzorg", "fund").await;
    let municipality =
        register_funder(&app, &tenant.token, "Gemeente Utrecht", "municipality").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let (l1, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(1),
    )
    .await;
    let (l2, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(2),
    )
    .await;

    let body = json!({
        "funder_id": municipality,
        "programme": "Mantelzorg en welzijn 2026",
        "budget_line_ids": [id_of(&l2), id_of(&l1)],
        "amount_requested": "25000.5",
        "amount_granted": null,
        "status": "submitted",
        "submitted_on": "2026-02-01",
        "decided_on": null,
        "grant_start": "2026-04-01",
        "grant_end": "2027-03-31",
        "reference": "UTR-2026-017",
        "conditions": "Tussentijdse rapportage per kwartaal",
        "reporting_duties": [
            {"quarter": "2026-Q2", "due_on": "2026-07-31"},
            {"quarter": "2026-Q3", "due_on": "2026-10-31"}
        ]
    });
    let response = app.post(&collection, &tenant.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert_eq!(location, line_path(&pid, FUND_APPLICATIONS, &id));
    assert_eq!(created["project_id"], json!(pid));
    for same in [
        "funder_id",
        "programme",
        "status",
        "submitted_on",
        "decided_on",
        "amount_granted",
        "grant_start",
        "grant_end",
        "reference",
        "conditions",
        "reporting_duties",
    ] {
        assert_eq!(created[same], body[same], "{same} as sent");
    }
    assert_eq!(created["amount_requested"], "25000.50");
    assert_eq!(created["report_reviewer"], "funder", "the default");
    assert_eq!(
        sorted(strings(&created["budget_line_ids"])),
        sorted(vec![id_of(&l1), id_of(&l2)])
    );
    assert_eq!(
        keys(&created),
        [
            "amount_granted",
            "amount_requested",
            "budget_line_ids",
            "conditions",
            "created_at",
            "decided_on",
            "funder_id",
            "grant_end",
            "grant_start",
            "id",
            "programme",
            "project_id",
            "reference",
            "report_reviewer",
            "reporting_duties",
            "status",
            "submitted_on",
            "updated_at"
        ]
    );
    assert_eq!(
        fetch(&app, &tenant.token, &location).await,
        (created.clone(), etag)
    );

    // Only the required fields: a draft with nothing else.
    let (minimal, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &fund_body(&funder),
    )
    .await;
    assert_eq!(minimal["status"], "draft");
    assert_eq!(minimal["funder_id"], json!(funder));
    assert_eq!(minimal["amount_requested"], "5000.00");
    assert_eq!(minimal["budget_line_ids"], json!([]));
    assert_eq!(minimal["reporting_duties"], json!([]));
    for empty in [
        "programme",
        "amount_granted",
        "submitted_on",
        "decided_on",
        "grant_start",
        "grant_end",
        "reference",
        "conditions",
    ] {
        assert!(minimal[empty].is_null(), "{empty} is null");
    }
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        [created, minimal]
    );
}

#[tokio::test]
async fn the_amount_granted_must_fit_the_status_and_the_amount_requested() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fondsen").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Mantelzorg", "fund").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let base = json!({
        "funder_id": funder,
        "amount_requested": "1000",
        "submitted_on": "2026-03-01",
        "decided_on": "2026-05-01"
    });
    let app_with = |status: &str, granted: Value| {
        with(&base, json!({"status": status, "amount_granted": granted}))
    };

    for (body, pointer) in [
        // Never more than requested.
        (app_with("granted", json!("1000.01")), "/amount_granted"),
        (
            app_with("partially_granted", json!("1500")),
            "/amount_granted",
        ),
        // Granted in full: equal to requested.
        (app_with("granted", json!("999.99")), "/amount_granted"),
        (app_with("granted", json!(null)), "/amount_granted"),
        (
            without(&app_with("granted", json!(null)), "amount_granted"),
            "/amount_granted",
        ),
        // Partially: more than 0.
        (app_with("partially_granted", json!("0")), "/amount_granted"),
        (
            app_with("partially_granted", json!(null)),
            "/amount_granted",
        ),
        // Rejected: 0 or nothing.
        (app_with("rejected", json!("0.01")), "/amount_granted"),
        // Undecided: nothing granted, not even 0.
        (app_with("draft", json!("100")), "/amount_granted"),
        (app_with("submitted", json!("0")), "/amount_granted"),
        (app_with("withdrawn", json!("1000")), "/amount_granted"),
        (
            without(&app_with("draft", json!("100")), "status"),
            "/amount_granted",
        ),
        // Requested: more than 0, at most 10000000, two decimals.
        (
            with(&fund_body(&funder), json!({"amount_requested": "0"})),
            "/amount_requested",
        ),
        (
            with(
                &fund_body(&funder),
                json!({"amount_requested": "10000000.01"}),
            ),
            "/amount_requested",
        ),
        (
            with(&fund_body(&funder), json!({"amount_requested": "12.345"})),
            "/amount_requested",
        ),
        (
            without(&fund_body(&funder), "amount_requested"),
            "/amount_requested",
        ),
        (
            with(&fund_body(&funder), json!({"amount_granted": 5})),
            "/amount_granted",
        ),
        (
            with(&fund_body(&funder), json!({"status": "approved"})),
            "/status",
        ),
        (without(&fund_body(&funder), "funder_id"), "/funder_id"),
        (
            with(
                &fund_body(&funder),
                json!({"funder_id": "Gemeente Utrecht"}),
            ),
            "/funder_id",
        ),
        // The register's entry, not a name: a funder of the register is required.
        (
            with(
                &fund_body(&funder),
                json!({"funder_name": "Gemeente Utrecht"}),
            ),
            "/funder_name",
        ),
        (
            with(&fund_body(&funder), json!({"total": "5000"})),
            "/total",
        ),
    ] {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }

    // Recorded as it stands, in any status.
    for (body, status, granted) in [
        (
            app_with("granted", json!("1000")),
            "granted",
            json!("1000.00"),
        ),
        (
            app_with("partially_granted", json!("250.5")),
            "partially_granted",
            json!("250.50"),
        ),
        (app_with("rejected", json!("0")), "rejected", json!("0.00")),
        (app_with("rejected", json!(null)), "rejected", json!(null)),
        (app_with("withdrawn", json!(null)), "withdrawn", json!(null)),
        (app_with("submitted", json!(null)), "submitted", json!(null)),
        (app_with("draft", json!(null)), "draft", json!(null)),
        (
            with(
                &fund_body(&funder),
                json!({"amount_requested": "10000000", "status": null}),
            ),
            "draft",
            json!(null),
        ),
    ] {
        let (line, _) = create(
            &app,
            &tenant.token,
            &lines_path(&pid, FUND_APPLICATIONS),
            &body,
        )
        .await;
        assert_eq!(line["status"], status, "{body}");
        assert_eq!(line["amount_granted"], granted, "{body}");
    }
}

#[tokio::test]
async fn a_decision_needs_a_decision_date_and_dates_must_be_in_order() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fondsen").await;
    let funder = register_funder(&app, &tenant.token, "Gemeente Amsterdam", "municipality").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let base = json!({
        "funder_id": funder,
        "amount_requested": "1000",
        "submitted_on": "2026-03-01"
    });

    for (changes, pointers) in [
        (
            json!({"status": "granted", "amount_granted": "1000"}),
            vec!["/decided_on"],
        ),
        (
            json!({"status": "partially_granted", "amount_granted": "10"}),
            vec!["/decided_on"],
        ),
        (
            json!({"status": "rejected", "decided_on": null}),
            vec!["/decided_on"],
        ),
        (
            json!({"status": "granted", "amount_granted": null}),
            vec!["/decided_on", "/amount_granted"],
        ),
        (
            json!({"status": "rejected", "decided_on": "2026-02-28"}),
            vec!["/decided_on"],
        ),
        (
            json!({"grant_start": "2026-04-01", "grant_end": "2026-03-31"}),
            vec!["/grant_end"],
        ),
        (json!({"submitted_on": "2026-02-30"}), vec!["/submitted_on"]),
        (json!({"grant_start": "april"}), vec!["/grant_start"]),
        (json!({"reference": "r".repeat(201)}), vec!["/reference"]),
        (json!({"programme": "p".repeat(201)}), vec!["/programme"]),
        (json!({"conditions": "c".repeat(4001)}), vec!["/conditions"]),
    ] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &with(&base, changes),
            &pointers,
        )
        .await;
    }

    // Same-day dates are fine; so are the text limits.
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(
            &base,
            json!({
                "status": "rejected",
                "decided_on": "2026-03-01",
                "grant_start": "2026-04-01",
                "grant_end": "2026-04-01",
                "reference": "r".repeat(200),
                "programme": "p".repeat(200),
                "conditions": "c".repeat(4000)
            }),
        ),
    )
    .await;
    assert_eq!(line["decided_on"], "2026-03-01");
    assert_eq!(line["grant_end"], "2026-04-01");
    // Undecided applications need no decision date.
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(&base, json!({"status": "submitted"})),
    )
    .await;
    assert!(line["decided_on"].is_null());
}
