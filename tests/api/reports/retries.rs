//! Preconditions on create, retries, and what a report keeps in the plan.

use super::*;

#[tokio::test]
async fn if_match_star_on_a_quarter_without_report_is_412_and_a_retried_create_is_200() {
    let app = spawn_app().await;
    let admin = app.tenant("Retry").await;
    let plan = plan(&app, &admin.token).await;
    let path = report_path(&plan.pid, "2024-Q2");
    let body = json!({"narrative": {"developments": "Eerste bijeenkomst."}});
    let star = app
        .send_if_match(Method::PUT, &path, &admin.token, "*", Some(&body))
        .await;
    problem(star, 412).await;
    assert_eq!(
        quarter_status(&app, &admin.token, &plan.pid, "2024-Q2").await["state"],
        "not_started"
    );
    let (created, etag) = create_report(&app, &admin.token, &plan.pid, "2024-Q2", &body).await;
    // The client never saw the 201 and sends the same PUT again.
    let retry = put(&app, &admin.token, &path, &body).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(etag_of(&retry), etag, "nothing changed");
    assert_eq!(json_of(retry).await["id"], created["id"]);
    // A different body without If-Match still needs the ETag.
    let other = json!({"narrative": {"developments": "Tweede versie."}});
    problem(put(&app, &admin.token, &path, &other).await, 428).await;
    assert_eq!(
        actions(&events(&app, &admin.token, &plan.pid, "2024-Q2").await),
        ["created"]
    );
}

#[tokio::test]
async fn the_last_hours_line_of_an_activity_a_report_uses_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.tenant("Hours").await;
    let plan = plan(&app, &admin.token).await;
    let extra = create(
        &app,
        &admin.token,
        &lines_path(&plan.pid, "hours"),
        &json!({"activity": "outreach", "quarter": "2024-Q3", "hours": "10", "hourly_rate": "50"}),
    )
    .await
    .0;
    create_report(
        &app,
        &admin.token,
        &plan.pid,
        "2024-Q2",
        &json!({"budget": {"hours": [{"activity": "outreach", "hours": "12.50"}]}}),
    )
    .await;
    let hours: Vec<Value> = json_of(app.get(&lines_path(&plan.pid, "hours"), &admin.token).await)
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["activity"] == "outreach")
        .cloned()
        .collect();
    assert_eq!(hours.len(), 2);
    // One of two outreach lines may go; the last one may not.
    let first = format!("{}/{}", lines_path(&plan.pid, "hours"), id_of(&extra));
    let gone = app
        .send_if_match(Method::DELETE, &first, &admin.token, "*", None)
        .await;
    assert_eq!(gone.status(), 204);
    let remaining = hours.iter().find(|h| h["id"] != extra["id"]).unwrap();
    let last = format!("{}/{}", lines_path(&plan.pid, "hours"), id_of(remaining));
    let refused = problem(
        app.send_if_match(Method::DELETE, &last, &admin.token, "*", None)
            .await,
        409,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("quarterly reports"),
        "{refused}"
    );
    assert_eq!(app.get(&last, &admin.token).await.status(), 200);
}

#[tokio::test]
async fn a_partner_link_a_report_names_in_a_level_change_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = json!({
        "network": {"level_changes": [{"project_partner_id": plan.links[1], "level": "coordinate"}]}
    });
    create_report(&app, &t.token, pid, "2025-Q3", &content).await;
    let path = format!("{}/{}", lines_path(pid, "partners"), plan.links[1]);
    let (_, etag) = fetch(&app, &t.token, &path).await;
    let refused = problem(
        app.send_if_match(Method::DELETE, &path, &t.token, &etag, None)
            .await,
        409,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["message"], "used by quarterly reports 2025-Q3",
        "{refused}"
    );
    fetch(&app, &t.token, &path).await;
}
