//! The plan lines a report pins.

use super::*;

#[tokio::test]
async fn lines_a_report_refers_to_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    // Refers to the first target group, budget line and partner link only.
    let content = json!({
        "reach": {
            "per_target_group": [{"target_group_id": plan.groups[0], "new": 1, "total": 2}],
            "per_partner": [{"project_partner_id": plan.links[0], "received": 1, "made": 0}]
        },
        "budget": {"spent": [{"budget_line_id": plan.lines[0], "amount": "10.00"}]},
        "communication": [{"channel": "flyers", "language": "tr", "count": 10}]
    });
    let report = create_report(&app, &t.token, pid, "2025-Q1", &content).await;
    act_ok(&app, &t.token, pid, "2025-Q1", "submit", None).await;
    let report_before = stored(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(report.0["id"], report_before.0["id"]);

    for (segment, used, unused) in [
        ("target-groups", &plan.groups[0], &plan.groups[1]),
        ("budget-lines", &plan.lines[0], &plan.lines[1]),
        ("partners", &plan.links[0], &plan.links[1]),
    ] {
        let used_path = format!("{}/{used}", lines_path(pid, segment));
        let (line, etag) = fetch(&app, &t.token, &used_path).await;
        let response = app
            .send_if_match(Method::DELETE, &used_path, &t.token, &etag, None)
            .await;
        problem(response, 409).await;
        assert_eq!(
            fetch(&app, &t.token, &used_path).await,
            (line, etag),
            "{segment}: the used line is still there"
        );
        // A line no report uses can go.
        let unused_path = format!("{}/{unused}", lines_path(pid, segment));
        let (_, etag) = fetch(&app, &t.token, &unused_path).await;
        let response = app
            .send_if_match(Method::DELETE, &unused_path, &t.token, &etag, None)
            .await;
        assert!(
            response.status().is_success(),
            "{segment}: an unused line is deleted, got {}",
            response.status()
        );
        problem(app.get(&unused_path, &t.token).await, 404).await;
    }
    assert_eq!(stored(&app, &t.token, pid, "2025-Q1").await, report_before);
}

#[tokio::test]
async fn the_period_cannot_shrink_past_a_reported_quarter() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    create_report(&app, &t.token, pid, "2025-Q3", &full_content(&plan)).await;
    let path = format!("/api/v1/projects/{pid}");
    let (before, etag) = fetch(&app, &t.token, &path).await;

    for change in [
        json!({"end_date": "2025-06-30"}),
        json!({"start_date": "2025-10-01"}),
    ] {
        let response = app
            .send_if_match(Method::PATCH, &path, &t.token, &etag, Some(&change))
            .await;
        assert_eq!(response.status(), 409, "PATCH {change}");
        problem(response, 409).await;
        assert_eq!(
            fetch(&app, &t.token, &path).await,
            (before.clone(), etag.clone()),
            "project unchanged after {change}"
        );
    }
    assert_eq!(fetch_list(&app, &t.token, pid).await.len(), 8);

    // Leaving out a quarter nothing refers to is fine.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"end_date": "2025-09-30"})),
        )
        .await;
    assert_eq!(
        response.status(),
        200,
        "shrink to the reported quarter's end"
    );
    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.last().unwrap()["quarter"], "2025-Q3");
    assert_eq!(items.len(), 7);
}
