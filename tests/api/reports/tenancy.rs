//! Tenant isolation.

use super::*;

#[tokio::test]
async fn another_organisation_gets_404_on_every_report_endpoint() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b: Tenant = app.tenant("Organisatie B").await;
    let plan = plan(&app, &a.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let content = full_content(&plan);
    let (_, etag) = create_report(&app, &a.token, pid, q, &content).await;
    act_ok(&app, &a.token, pid, q, "submit", None).await;
    let before = stored(&app, &a.token, pid, q).await;
    let etag_now = before.1.clone();
    let path = report_path(pid, q);
    let reason = json!({"reason": "Van buiten"});

    let mut answers = Vec::new();
    answers.push(("GET list", app.get(&reports_path(pid), &b.token).await));
    answers.push(("GET report", app.get(&path, &b.token).await));
    answers.push((
        "GET revisions",
        app.get(&format!("{path}/revisions"), &b.token).await,
    ));
    answers.push((
        "GET events",
        app.get(&format!("{path}/events"), &b.token).await,
    ));
    answers.push(("PUT", put(&app, &b.token, &path, &content).await));
    answers.push((
        "PUT If-Match",
        app.send_if_match(Method::PUT, &path, &b.token, &etag_now, Some(&content))
            .await,
    ));
    answers.push((
        "PUT new quarter",
        put(&app, &b.token, &report_path(pid, "2025-Q2"), &content).await,
    ));
    answers.push((
        "PATCH",
        app.send_if_match(
            Method::PATCH,
            &path,
            &b.token,
            &etag,
            Some(&json!({"network": {"network_meetings": 1}})),
        )
        .await,
    ));
    for action in ["submit", "accept", "return", "reopen"] {
        answers.push((
            action,
            act(&app, &b.token, pid, q, action, Some(&reason), None).await,
        ));
    }
    let mut wrong = Vec::new();
    for (what, response) in answers {
        if response.status() != 404 {
            wrong.push(format!("{what}: {}", response.status()));
        } else {
            problem(response, 404).await;
        }
    }
    assert!(
        wrong.is_empty(),
        "not 404 for another organisation: {wrong:?}"
    );

    assert_eq!(stored(&app, &a.token, pid, q).await, before, "unchanged");
    assert_eq!(
        quarter_status(&app, &a.token, pid, "2025-Q2").await["state"],
        "not_started"
    );
    assert_eq!(
        actions(&events(&app, &a.token, pid, q).await),
        ["created", "submitted"]
    );
}
