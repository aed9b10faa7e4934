//! A write that changes nothing changes nothing: the same ETag, the same `updated_at`,
//! no history row; an intranet that writes back what it read sees no change and keeps
//! its ETag for the next conditional write.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    create, etag_of, fetch, json_of, lines_path, new_project, planned_project, register_partners,
    spawn_app,
};

fn history_count(history: &Value) -> usize {
    history["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn writing_back_what_was_read_keeps_the_etag_and_the_history() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let token = &org.token;

    // A project, PUT back as it was created.
    let pid = new_project(&app, token, "Mantelzorg in de wijk").await;
    let path = format!("/api/v1/projects/{pid}");
    let (project, tag) = fetch(&app, token, &path).await;
    let mut body = project.clone();
    for read_only in ["id", "created_at", "updated_at"] {
        body.as_object_mut().unwrap().remove(read_only);
    }
    let again = app
        .send_if_match(Method::PUT, &path, token, &tag, Some(&body))
        .await;
    assert_eq!(again.status(), 200);
    assert_eq!(etag_of(&again), tag);
    assert_eq!(json_of(again).await["updated_at"], project["updated_at"]);

    // A line, PATCHed with its own value.
    let (line, line_tag) = create(
        &app,
        token,
        &lines_path(&pid, "target-groups"),
        &json!({"name": "Turkse mantelzorgers", "languages": ["tr"]}),
    )
    .await;
    let line_path = format!(
        "{}/{}",
        lines_path(&pid, "target-groups"),
        line["id"].as_str().unwrap()
    );
    let same = app
        .send_if_match(
            Method::PATCH,
            &line_path,
            token,
            &line_tag,
            Some(&json!({"languages": ["tr"]})),
        )
        .await;
    assert_eq!(same.status(), 200);
    assert_eq!(etag_of(&same), line_tag);

    // The organisation's settings, sent as they are.
    let (organisation, org_tag) = fetch(&app, token, "/api/v1/organisation").await;
    let same = app
        .send_if_match(
            Method::PATCH,
            "/api/v1/organisation",
            token,
            &org_tag,
            Some(&json!({"name": organisation["name"], "report_due_days": organisation["report_due_days"]})),
        )
        .await;
    assert_eq!(same.status(), 200);
    assert_eq!(etag_of(&same), org_tag);

    // A real change still moves both.
    let changed = app
        .send_if_match(
            Method::PATCH,
            &line_path,
            token,
            &line_tag,
            Some(&json!({"languages": ["tr", "nl"]})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_ne!(etag_of(&changed), line_tag);
}

#[tokio::test]
async fn a_whole_plan_put_back_as_read_changes_nothing() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let token = &org.token;
    let partners = register_partners(&app, token).await;
    let planned = planned_project(
        &app,
        token,
        "Mantelzorg in de wijk",
        &partners,
        [("outreach", "2024-Q1"), ("coordination", "2024-Q2")],
    )
    .await;
    let plan_path = format!("/api/v1/projects/{}/plan", planned.pid);
    let history_path = format!("/api/v1/projects/{}/history?limit=200", planned.pid);
    let history = history_count(&json_of(app.get(&history_path, token).await).await);
    let (plan, tag) = fetch(&app, token, &plan_path).await;

    // Every night, the intranet writes back its copy.
    for _ in 0..2 {
        let answer = app
            .send_if_match(Method::PUT, &plan_path, token, &tag, Some(&plan))
            .await;
        assert_eq!(answer.status(), 200);
        assert_eq!(etag_of(&answer), tag, "the plan's ETag stays");
        let written = json_of(answer).await;
        assert_eq!(
            written["project"]["updated_at"],
            plan["project"]["updated_at"]
        );
        assert_eq!(written, plan, "the plan as it was");
    }
    assert_eq!(
        history_count(&json_of(app.get(&history_path, token).await).await),
        history,
        "no history rows"
    );
    let (_, still) = fetch(&app, token, &plan_path).await;
    assert_eq!(still, tag);
}
