//! Budget lines: fields and phases.

use super::*;

#[tokio::test]
async fn a_budget_line_is_created_with_201_location_etag_and_phases_sorted_by_quarter() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Begroting").await;
    let collection = lines_path(&pid, BUDGET_LINES);

    let body = json!({
        "category": "translation",
        "description": "Vertaling folders",
        "amount": "1000",
        "phases": [
            {"quarter": "2027-Q1", "amount": "0.01"},
            {"quarter": "2026-Q3", "amount": "999.99"}
        ]
    });
    let response = app.post(&collection, &tenant.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "id is a UUID: {id}");
    assert_eq!(location, line_path(&pid, BUDGET_LINES, &id));
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["category"], "translation");
    assert_eq!(created["description"], "Vertaling folders");
    assert_eq!(created["amount"], "1000.00");
    assert_eq!(
        created["phases"],
        json!([
            {"quarter": "2026-Q3", "amount": "999.99"},
            {"quarter": "2027-Q1", "amount": "0.01"}
        ]),
        "phases sorted by quarter, two decimals"
    );
    assert_eq!(
        keys(&created),
        [
            "amount",
            "category",
            "created_at",
            "description",
            "id",
            "phases",
            "project_id",
            "updated_at"
        ]
    );
    let (got, got_etag) = fetch(&app, &tenant.token, &location).await;
    assert_eq!((got, got_etag), (created.clone(), etag));

    // Without phases: an empty list. Every category is accepted; the bounds of the
    // amount too.
    let categories = [
        "personnel",
        "communication",
        "translation",
        "interpretation",
        "materials",
        "activities",
        "venue",
        "training",
        "overhead",
        "other",
    ];
    let mut expected = vec![created];
    for (i, category) in categories.iter().enumerate() {
        let (amount, answered) = match i {
            0 => ("0", "0.00"),
            1 => ("10000000", "10000000.00"),
            2 => ("12.5", "12.50"),
            _ => ("750.25", "750.25"),
        };
        let body = json!({
            "category": category,
            "description": "é".repeat(if i == 3 { 500 } else { 10 }),
            "amount": amount
        });
        let (line, _) = create(&app, &tenant.token, &lines_path(&pid, BUDGET_LINES), &body).await;
        assert_eq!(line["category"], *category);
        assert_eq!(line["amount"], answered, "{body}");
        assert_eq!(line["phases"], json!([]), "not phased");
        expected.push(line);
    }
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        expected,
        "listed in creation order"
    );
}

#[tokio::test]
async fn invalid_budget_line_fields_are_422_at_that_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Begroting").await;
    let collection = lines_path(&pid, BUDGET_LINES);
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_line_body(),
    )
    .await;
    let base = budget_line_body();
    let cases = [
        (with(&base, json!({"category": "catering"})), "/category"),
        (with(&base, json!({"description": ""})), "/description"),
        (with(&base, json!({"description": "   "})), "/description"),
        (
            with(&base, json!({"description": "d".repeat(501)})),
            "/description",
        ),
        (
            with(&base, json!({"amount": "10000000.01", "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": "1.234", "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": "-5", "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": 1500, "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": "veel", "phases": []})),
            "/amount",
        ),
        (without(&base, "amount"), "/amount"),
        (without(&base, "description"), "/description"),
        (with(&base, json!({"currency": "EUR"})), "/currency"),
        (
            with(
                &base,
                json!({"phases": [{"quarter": "2026-Q2", "amount": "veel"}]}),
            ),
            "/phases/0/amount",
        ),
        // Valid JSON of the wrong type for an enum field is still 422, not 400.
        (with(&base, json!({"category": null})), "/category"),
        (with(&base, json!({"category": 7})), "/category"),
    ];
    for (body, pointer) in cases {
        let problem = assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
        assert_eq!(problem["type"], "urn:mantelmonitor:problem:validation");
    }
}

#[tokio::test]
async fn phases_are_quarters_of_the_project_each_once_adding_up_exactly_to_the_amount() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fasering").await;
    let collection = lines_path(&pid, BUDGET_LINES);
    let phased = |amount: &str, phases: Value| json!({"category": "venue", "description": "Zaalhuur", "amount": amount, "phases": phases});

    for (body, pointer) in [
        (
            phased("100", json!([{"quarter": "2025-Q4", "amount": "100"}])),
            "/phases/0/quarter",
        ),
        (
            phased(
                "100",
                json!([{"quarter": "2026-Q1", "amount": "50"}, {"quarter": "2028-Q1", "amount": "50"}]),
            ),
            "/phases/1/quarter",
        ),
        (
            phased(
                "100",
                json!([{"quarter": "2026-Q3", "amount": "50"}, {"quarter": "2026-Q3", "amount": "50"}]),
            ),
            "/phases/1/quarter",
        ),
        (
            phased("100", json!([{"quarter": "2026-Q5", "amount": "100"}])),
            "/phases/0/quarter",
        ),
    ] {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }

    // Phases that do not add up: 422 at /phases, saying what they add up to.
    for (amount, phases, sum) in [
        (
            "1000",
            json!([{"quarter": "2026-Q3", "amount": "400.10"}, {"quarter": "2026-Q4", "amount": "600.25"}]),
            "1000.35",
        ),
        (
            "1000",
            json!([{"quarter": "2026-Q3", "amount": "999.99"}]),
            "999.99",
        ),
    ] {
        let problem = assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &phased(amount, phases),
            &["/phases"],
        )
        .await;
        let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(sum), "the message names {sum}: {message}");
    }

    // Exactly adding up, fewer decimals in, in any order: fine.
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &phased(
            "1000.35",
            json!([
                {"quarter": "2027-Q4", "amount": "0.25"},
                {"quarter": "2026-Q1", "amount": "400.1"},
                {"quarter": "2026-Q4", "amount": "600"}
            ]),
        ),
    )
    .await;
    assert_eq!(
        line["phases"],
        json!([
            {"quarter": "2026-Q1", "amount": "400.10"},
            {"quarter": "2026-Q4", "amount": "600.00"},
            {"quarter": "2027-Q4", "amount": "0.25"}
        ])
    );

    // A period starting and ending inside a quarter: those quarters count.
    let (short, _) = app
        .project(
            &tenant.token,
            &json!({"name": "Kort project", "start_date": "2026-02-15", "end_date": "2026-08-10"}),
        )
        .await;
    let short = id_of(&short);
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&short, BUDGET_LINES),
        &phased(
            "30",
            json!([{"quarter": "2026-Q3", "amount": "10"}, {"quarter": "2026-Q1", "amount": "20"}]),
        ),
    )
    .await;
    assert_eq!(line["phases"][0]["quarter"], "2026-Q1");
    assert_rejected(
        &app,
        &tenant.token,
        &lines_path(&short, BUDGET_LINES),
        &phased(
            "30",
            json!([{"quarter": "2026-Q2", "amount": "10"}, {"quarter": "2026-Q4", "amount": "20"}]),
        ),
        &["/phases/1/quarter"],
    )
    .await;
}
