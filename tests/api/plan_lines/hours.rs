//! Hours: amounts, quarters, uniqueness.

use super::*;

#[tokio::test]
async fn hours_are_created_and_amounts_are_answered_with_two_decimals() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Uren").await;
    let collection = lines_path(&pid, HOURS);

    let response = app
        .post(
            &collection,
            &tenant.token,
            &hours_body("outreach", "2026-Q3"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert_eq!(location, format!("/api/v1/projects/{pid}/hours/{id}"));
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["activity"], "outreach");
    assert_eq!(created["quarter"], "2026-Q3");
    assert_eq!(created["hours"], "120.50");
    assert_eq!(created["hourly_rate"], "45.00");
    assert_eq!(created["notes"], "Twee sleutelpersonen");
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());
    let (got, got_etag) = fetch(&app, &tenant.token, &location).await;
    assert_eq!((got, got_etag), (created.clone(), etag));

    // Fewer decimals in, always two out; the bounds themselves are accepted.
    for (i, (hours, rate, hours_out, rate_out)) in [
        ("120.5", "45", "120.50", "45.00"),
        ("0", "0", "0.00", "0.00"),
        ("10000", "1000.00", "10000.00", "1000.00"),
        ("7.25", "0.5", "7.25", "0.50"),
    ]
    .into_iter()
    .enumerate()
    {
        let body = json!({
            "activity": ACTIVITIES[i + 1],
            "quarter": "2026-Q1",
            "hours": hours,
            "hourly_rate": rate,
            "notes": null
        });
        let (line, _) = create(&app, &tenant.token, &lines_path(&pid, HOURS), &body).await;
        assert_eq!(
            (line["hours"].as_str(), line["hourly_rate"].as_str()),
            (Some(hours_out), Some(rate_out)),
            "{body}"
        );
        assert!(line["notes"].is_null());
    }
    let all = all_items(&app, &tenant.token, &collection).await;
    assert_eq!(all.len(), 5);
    assert_eq!(all[0], created);
}

#[tokio::test]
async fn invalid_activity_quarter_or_amounts_are_422_at_that_field() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Uren").await;
    let collection = lines_path(&pid, HOURS);
    let with = |field: &str, value: Value| {
        let mut body = hours_body("outreach", "2026-Q3");
        body[field] = value;
        body
    };
    let cases = [
        (with("activity", json!("fundraising")), "/activity"),
        (with("quarter", json!("2026-Q5")), "/quarter"),
        (with("quarter", json!("2026Q3")), "/quarter"),
        (with("quarter", json!("2026-Q0")), "/quarter"),
        (with("hours", json!(120.5)), "/hours"),
        (with("hours", json!("1.234")), "/hours"),
        (with("hours", json!("-1")), "/hours"),
        (with("hours", json!("10000.01")), "/hours"),
        (with("hours", json!("veel")), "/hours"),
        (with("hourly_rate", json!(45)), "/hourly_rate"),
        (with("hourly_rate", json!("1000.01")), "/hourly_rate"),
        (with("hourly_rate", json!("-0.01")), "/hourly_rate"),
        (with("hourly_rate", json!("45.001")), "/hourly_rate"),
        (with("colour", json!("blauw")), "/colour"),
    ];
    for (body, pointer) in cases {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }
    let mut body = hours_body("outreach", "2026-Q3");
    body.as_object_mut().unwrap().remove("hours");
    assert_rejected(&app, &tenant.token, &collection, &body, &["/hours"]).await;
}

#[tokio::test]
async fn the_quarter_must_overlap_the_project_period() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    // A period that starts and ends in the middle of a quarter.
    let (project, _) = app
        .project(
            &tenant.token,
            &json!({"name": "Kort project", "start_date": "2026-02-15", "end_date": "2026-08-10"}),
        )
        .await;
    let pid = id_of(&project);
    let collection = lines_path(&pid, HOURS);
    for quarter in ["2025-Q4", "2026-Q4", "2030-Q1"] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &hours_body("outreach", quarter),
            &["/quarter"],
        )
        .await;
    }
    for (activity, quarter) in [
        ("outreach", "2026-Q1"),
        ("training", "2026-Q2"),
        ("other", "2026-Q3"),
    ] {
        let (line, _) = create(
            &app,
            &tenant.token,
            &lines_path(&pid, HOURS),
            &hours_body(activity, quarter),
        )
        .await;
        assert_eq!(line["quarter"], quarter);
    }

    // Moving a line out of the period is refused as well.
    let first = id_of(&all_items(&app, &tenant.token, &collection).await[0]);
    let path = line_path(&pid, HOURS, &first);
    let (_, etag) = fetch(&app, &tenant.token, &path).await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"quarter": "2026-Q4"})),
        Refused::Invalid(&["/quarter"]),
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&hours_body("outreach", "2025-Q4")),
        Refused::Invalid(&["/quarter"]),
    )
    .await;
}

#[tokio::test]
async fn a_second_line_for_the_same_activity_and_quarter_is_409() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Uren").await;
    let other_pid = new_project(&app, &tenant.token, "Ander project").await;
    let collection = lines_path(&pid, HOURS);
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("outreach", "2026-Q3"),
    )
    .await;

    let before = all_items(&app, &tenant.token, &collection).await;
    let mut again = hours_body("outreach", "2026-Q3");
    again["hours"] = json!("10.00");
    let response = app.post(&collection, &tenant.token, &again).await;
    problem(response, 409).await;
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        before,
        "nothing stored"
    );

    // Another quarter, another activity or another project is fine.
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("outreach", "2026-Q4"),
    )
    .await;
    let (training, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("training", "2026-Q3"),
    )
    .await;
    create(
        &app,
        &tenant.token,
        &lines_path(&other_pid, HOURS),
        &hours_body("outreach", "2026-Q3"),
    )
    .await;

    // Moving a line onto a taken activity and quarter is a 409 too.
    let path = line_path(&pid, HOURS, &id_of(&training));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"activity": "outreach"})),
        Refused::Conflict,
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&hours_body("outreach", "2026-Q3")),
        Refused::Conflict,
    )
    .await;
}
