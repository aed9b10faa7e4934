//! A project period cannot shrink past the lines planned in it.

use super::*;

/// A project with an hours line, an evaluation moment, a target and a budget line phase
/// in 2026-Q4, and one of each inside 2026-Q1..Q3. Returns the project id and the ids of
/// the 2026-Q4 lines and of the early ones.
async fn project_with_lines(app: &TestApp, t: &Tenant) -> (String, Vec<String>, Vec<String>) {
    let pid = new_project(app, &t.token, "Periode").await;
    let mut late = Vec::new();
    let mut early = Vec::new();
    for (quarter, date, ids) in [
        ("2026-Q4", "2026-11-15", &mut late),
        ("2026-Q2", "2026-05-15", &mut early),
    ] {
        let (hours, _) = create(
            app,
            &t.token,
            &lines_path(&pid, "hours"),
            &json!({"activity": "outreach", "quarter": quarter, "hours": "10", "hourly_rate": "50"}),
        )
        .await;
        let (moment, _) = create(
            app,
            &t.token,
            &lines_path(&pid, EVALUATIONS),
            &json!({"planned_on": date, "subject": "Evaluatie"}),
        )
        .await;
        let (target, _) = create(
            app,
            &t.token,
            &lines_path(&pid, TARGETS),
            &json!({"theme": "reach", "quarter": quarter, "planned": "25"}),
        )
        .await;
        let line = budget_line(
            app,
            &t.token,
            &pid,
            &[("2026-Q1", "100.00"), (quarter, "250.00")],
        )
        .await;
        ids.extend([id_of(&hours), id_of(&moment), id_of(&target), line]);
    }
    // Whole-project targets never fall outside.
    create(
        app,
        &t.token,
        &lines_path(&pid, TARGETS),
        &json!({"theme": "hours", "quarter": null, "planned": "100"}),
    )
    .await;
    (pid, late, early)
}

#[tokio::test]
async fn shrinking_the_period_past_existing_lines_is_409_naming_each_line() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (pid, late, early) = project_with_lines(&app, &t).await;
    let path = format!("/api/v1/projects/{pid}");
    let (before, etag) = fetch(&app, &t.token, &path).await;

    for change in [
        json!({"end_date": "2026-09-30"}),
        json!({"start_date": "2026-07-01"}),
    ] {
        let response = app
            .send_if_match(Method::PATCH, &path, &t.token, &etag, Some(&change))
            .await;
        assert_eq!(response.status(), 409, "PATCH {change}");
        let body = problem(response, 409).await;
        let messages: Vec<String> = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("errors in {body}"))
            .iter()
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect();
        let all = messages.join("\n");
        let offending = if change.get("start_date").is_some() {
            &early
        } else {
            &late
        };
        for id in offending {
            assert!(
                all.contains(id.as_str()),
                "{change}: {id} named in {messages:?}"
            );
        }
        assert_eq!(
            fetch(&app, &t.token, &path).await,
            (before.clone(), etag.clone()),
            "project unchanged"
        );
    }
    // Lines that still fit are not named.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"end_date": "2026-09-30"})),
        )
        .await;
    let all = problem(response, 409).await.to_string();
    for id in &early {
        assert!(
            !all.contains(id.as_str()),
            "{id} fits and is not named: {all}"
        );
    }
}

#[tokio::test]
async fn shrinking_the_period_without_conflicts_succeeds() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (pid, _, _) = project_with_lines(&app, &t).await;
    let path = format!("/api/v1/projects/{pid}");

    let (project, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"end_date": "2026-12-31"}),
    )
    .await;
    assert_eq!(project["end_date"], "2026-12-31");
    assert_eq!(project["start_date"], "2026-01-01");
    // The exact end of the last line's quarter/date is fine as well.
    let (project, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"start_date": "2026-01-01", "end_date": "2026-12-31", "name": "Korter"}),
    )
    .await;
    assert_eq!(project["name"], "Korter");
    // Now a new line after the new end is refused.
    assert_rejected(
        &app,
        &t.token,
        &lines_path(&pid, EVALUATIONS),
        &json!({"planned_on": "2027-02-01", "subject": "Te laat"}),
        &["/planned_on"],
    )
    .await;
}
