//! The quarters and when they are due.

use super::*;

#[tokio::test]
async fn the_list_has_every_quarter_of_the_period_with_its_state_and_due_date() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let today = amsterdam_today();

    let items = fetch_list(&app, &t.token, pid).await;
    let expected = quarters((2024, 1), (2025, 4));
    let listed: Vec<&str> = items
        .iter()
        .map(|q| q["quarter"].as_str().unwrap())
        .collect();
    assert_eq!(listed, expected, "every quarter of 2024-2025, in order");
    for item in &items {
        let quarter = item["quarter"].as_str().unwrap();
        let due_on = quarter_end(quarter) + Days::new(30);
        assert_eq!(item["state"], "not_started", "{quarter}");
        assert!(item["revision"].is_null(), "{quarter}: no revision yet");
        assert!(item["updated_at"].is_null(), "{quarter}: never updated");
        assert_eq!(
            item["due_on"],
            due_on.to_string(),
            "{quarter}: 30 days after"
        );
        assert_eq!(item["due"], true, "{quarter} has ended and is not reported");
        assert_eq!(item["overdue"], json!(today > due_on), "{quarter} overdue");
    }

    // One report in every state.
    let content = full_content(&plan);
    for quarter in ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"] {
        create_report(&app, &t.token, pid, quarter, &content).await;
    }
    act_ok(&app, &t.token, pid, "2024-Q2", "submit", None).await;
    act_ok(&app, &t.token, pid, "2024-Q3", "submit", None).await;
    act_ok(&app, &reviewer, pid, "2024-Q3", "accept", None).await;
    act_ok(&app, &t.token, pid, "2024-Q4", "submit", None).await;
    act_ok(
        &app,
        &t.token,
        pid,
        "2024-Q4",
        "return",
        Some("Bereik ontbreekt"),
    )
    .await;

    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.len(), 8);
    for (quarter, state, due) in [
        ("2024-Q1", "draft", true),
        ("2024-Q2", "submitted", false),
        ("2024-Q3", "accepted", false),
        ("2024-Q4", "returned", true),
        ("2025-Q1", "not_started", true),
    ] {
        let item = items.iter().find(|q| q["quarter"] == quarter).unwrap();
        let due_on = quarter_end(quarter) + Days::new(30);
        assert_eq!(item["state"], state, "{quarter}");
        assert_eq!(item["due"], due, "{quarter} ({state}) due");
        assert_eq!(
            item["overdue"],
            json!(due && today > due_on),
            "{quarter} ({state}) overdue"
        );
        assert_eq!(item["due_on"], due_on.to_string(), "{quarter}");
        if state == "not_started" {
            assert!(item["revision"].is_null() && item["updated_at"].is_null());
        } else {
            // A return closes the submitted revision and starts the next.
            let revision = if state == "returned" { 2 } else { 1 };
            assert_eq!(item["revision"], revision, "{quarter}");
            let (report, _) = stored(&app, &t.token, pid, quarter).await;
            assert_eq!(item["updated_at"], report["updated_at"], "{quarter}");
            assert_eq!(report["due_on"], item["due_on"], "{quarter} report due_on");
        }
    }

    // A project running now: quarters that have not ended are not due.
    let (current, _) = app
        .project(&t.token, &{
            let mut body = project_body("Lopend project");
            body["start_date"] = json!(format!("{}-01-01", today.year() - 1));
            body["end_date"] = json!(format!("{}-12-31", today.year() + 1));
            body
        })
        .await;
    let items = fetch_list(&app, &t.token, &id_of(&current)).await;
    assert_eq!(items.len(), 12, "three years of quarters");
    for item in &items {
        let quarter = item["quarter"].as_str().unwrap();
        let end = quarter_end(quarter);
        let due_on = end + Days::new(30);
        assert_eq!(
            item["due"],
            json!(today > end),
            "{quarter} due (today {today})"
        );
        assert_eq!(
            item["overdue"],
            json!(today > end && today > due_on),
            "{quarter} overdue (today {today})"
        );
    }
}

#[tokio::test]
async fn due_dates_follow_the_organisation_setting_and_the_earliest_reporting_duty() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    // The organisation's report_due_days (admins only, with If-Match).
    let (_, org_etag) = fetch(&app, &t.token, "/api/v1/organisation").await;
    let response = app
        .send_if_match(
            Method::PATCH,
            "/api/v1/organisation",
            &t.token,
            &org_etag,
            Some(&json!({"report_due_days": 45})),
        )
        .await;
    assert_eq!(response.status(), 200, "PATCH report_due_days");
    assert_eq!(json_of(response).await["report_due_days"], 45);
    let item = quarter_status(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(item["due_on"], "2025-05-15", "2025-03-31 + 45 days");

    // Reporting duties: the earliest of the applications that still count.
    let collection = lines_path(pid, "fund-applications");
    let mut funders = std::collections::HashMap::new();
    for name in [
        "Fonds Later",
        "Fonds Vroeg",
        "Fonds Afgewezen",
        "Fonds Ingetrokken",
    ] {
        funders.insert(name, register_funder(&app, &t.token, name, "fund").await);
    }
    let application = |funder: &str, extra: Value, due_on: &str| {
        let mut body = json!({
            "funder_id": funders[funder],
            "amount_requested": "1000",
            "reporting_duties": [{"quarter": "2025-Q2", "due_on": due_on}]
        });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    create(
        &app,
        &t.token,
        &collection,
        &application("Fonds Later", json!({}), "2099-12-31"),
    )
    .await;
    let earliest = create(
        &app,
        &t.token,
        &collection,
        &application(
            "Fonds Vroeg",
            json!({"status": "submitted", "submitted_on": "2025-03-01"}),
            "2098-06-30",
        ),
    )
    .await
    .0;
    create(
        &app,
        &t.token,
        &collection,
        &application(
            "Fonds Afgewezen",
            json!({"status": "rejected", "submitted_on": "2025-03-01", "decided_on": "2025-05-01"}),
            "2025-07-15",
        ),
    )
    .await;
    create(
        &app,
        &t.token,
        &collection,
        &application(
            "Fonds Ingetrokken",
            json!({"status": "withdrawn"}),
            "2025-07-10",
        ),
    )
    .await;

    let item = quarter_status(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(
        item["due_on"], "2098-06-30",
        "the earliest duty of a draft or submitted application; rejected and withdrawn ones do not count"
    );
    assert_eq!(item["due"], true, "the quarter has ended, nothing reported");
    assert_eq!(item["overdue"], false, "not past 2098-06-30");
    // Other quarters keep the organisation's setting.
    let item = quarter_status(&app, &t.token, pid, "2025-Q3").await;
    assert_eq!(item["due_on"], "2025-11-14", "2025-09-30 + 45 days");
    assert_eq!(
        item["overdue"],
        json!(amsterdam_today() > date("2025-11-14"))
    );
    // The report itself shows the same date.
    create_report(&app, &t.token, pid, "2025-Q2", &full_content(&plan)).await;
    let (report, _) = stored(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(report["due_on"], "2098-06-30");

    // Withdrawing the earliest application leaves the next duty.
    let path = format!("{collection}/{}", id_of(&earliest));
    let (_, etag) = fetch(&app, &t.token, &path).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"status": "withdrawn"})),
        )
        .await;
    assert_eq!(response.status(), 200, "withdraw the application");
    let item = quarter_status(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(item["due_on"], "2099-12-31");
    let (report, _) = stored(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(report["due_on"], "2099-12-31", "the report follows");
}
