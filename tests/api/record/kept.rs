//! A reported project is never deleted.

use super::*;

async fn delete_project(app: &TestApp, token: &str, pid: &str) -> reqwest::Response {
    app.send_if_match(
        Method::DELETE,
        &format!("/api/v1/projects/{pid}"),
        token,
        "*",
        None,
    )
    .await
}

#[tokio::test]
async fn a_reported_project_is_never_deleted() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&a, "admin").await;
    let pid = submitted_report(&app, &a).await;
    put_report(&app, &a.token, &pid, "2026-Q3", "Concept").await;
    act(&app, &reviewer, &pid, "2026-Q1", "accept", None).await;

    let (_, coordinator) = app.user_with_role(&a, "coordinator").await;
    problem(delete_project(&app, &coordinator, &pid).await, 403).await;

    let refused = problem(delete_project(&app, &a.token, &pid).await, 409).await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("2026-Q1") && !detail.contains("2026-Q3"),
        "{detail}"
    );
    assert!(detail.contains("completed or cancelled"), "{detail}");
    let (report, _) = fetch(&app, &a.token, &report_path(&pid, "2026-Q1")).await;
    assert_eq!(report["state"], "accepted");

    // Not even the owner's own SQL takes it away.
    let mut owner = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let refused = owner
        .batch_execute(&format!("DELETE FROM projects WHERE id = '{pid}'"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("reported quarters: 2026-Q1"),
        "{refused}"
    );

    // Reopened to a draft, its closed revision still keeps it.
    act(&app, &a.token, &pid, "2026-Q1", "reopen", Some("Correctie")).await;
    let refused = problem(delete_project(&app, &a.token, &pid).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("2026-Q1"));

    // A project with only drafts goes, drafts and all.
    let drafts = new_project(&app, &a.token, "Alleen concepten").await;
    put_report(&app, &a.token, &drafts, "2026-Q2", "Nog niet ingediend").await;
    assert_eq!(delete_project(&app, &a.token, &drafts).await.status(), 204);
    problem(
        app.get(&format!("/api/v1/projects/{drafts}"), &a.token)
            .await,
        404,
    )
    .await;
    let left: Count = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM quarterly_reports WHERE project_id = '{drafts}'"
    ))
    .get_result(&mut owner)
    .await
    .unwrap();
    assert_eq!(left.n, 0);
}
