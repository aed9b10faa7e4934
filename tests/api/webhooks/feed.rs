//! The change feed: every event once, in commit order, paged by a cursor that stays.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::app_with_fast_webhooks;
use crate::helpers::{TestApp, act_ok, new_project, problem, report_path};

async fn page(app: &TestApp, token: &str, after: Option<&str>, limit: i64) -> Value {
    let path = match after {
        Some(after) => format!("/api/v1/events?after={after}&limit={limit}"),
        None => format!("/api/v1/events?limit={limit}"),
    };
    let response = app.get(&path, token).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_feed_gives_every_event_once_in_commit_order_and_its_cursor_stays() {
    let app = app_with_fast_webhooks(Duration::from_secs(86_400)).await;
    let org = app.tenant("Steunpunt Feed").await;
    let other = app.tenant("Steunpunt Anders").await;
    let pid = new_project(&app, &org.token, "Mantelzorg in Noord").await;
    new_project(&app, &other.token, "Niet van ons").await;
    let (_, coordinator) = app.user_with_role(&org, "coordinator").await;
    let response = app
        .request(
            Method::PUT,
            &report_path(&pid, "2026-Q1"),
            Some(&coordinator),
        )
        .header("If-None-Match", "*")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    act_ok(&app, &coordinator, &pid, "2026-Q1", "submit", None).await;
    act_ok(&app, &org.token, &pid, "2026-Q1", "accept", None).await;

    // Two at a time, following the cursor.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..10 {
        let body = page(&app, &org.token, after.as_deref(), 2).await;
        let items = body["items"].as_array().unwrap().clone();
        after = Some(body["next_cursor"].as_str().unwrap().to_string());
        if items.is_empty() {
            break;
        }
        seen.extend(items);
    }
    let kinds: Vec<&str> = seen.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        kinds,
        ["plan.changed", "report.submitted", "report.accepted"],
        "{seen:?}"
    );
    assert!(
        seen.iter().all(|e| e["data"]["project_id"] == pid.as_str()),
        "only our account's"
    );
    let ids: std::collections::BTreeSet<&str> =
        seen.iter().filter_map(|e| e["id"].as_str()).collect();
    assert_eq!(ids.len(), 3);

    // Nothing new: the same cursor back. Something new: only that.
    let cursor = after.unwrap();
    let body = page(&app, &org.token, Some(&cursor), 50).await;
    assert_eq!(body["items"], json!([]));
    assert_eq!(body["next_cursor"], cursor.as_str());
    act_ok(
        &app,
        &org.token,
        &pid,
        "2026-Q1",
        "reopen",
        Some("Een correctie."),
    )
    .await;
    let body = page(&app, &org.token, Some(&cursor), 50).await;
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["type"], "report.reopened");
    assert_eq!(items[0]["data"]["reason"], "Een correctie.");

    // A cursor it did not give is a 422 naming the parameter.
    let response = app
        .get("/api/v1/events?after=bm9uc2Vuc2U", &org.token)
        .await;
    let p = problem(response, 422).await;
    assert!(p.to_string().contains("after"), "{p}");
}

#[tokio::test]
async fn past_due_quarters_become_overdue_events_once() {
    let app = app_with_fast_webhooks(Duration::from_secs(86_400)).await;
    let org = app.tenant("Steunpunt Laat").await;
    let body =
        json!({"name": "Al lang bezig", "start_date": "2025-01-01", "end_date": "2025-06-30"});
    let response = app.post("/api/v1/projects", &org.token, &body).await;
    assert_eq!(response.status(), 201);
    // The check runs every second here; give it two rounds.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let body = page(&app, &org.token, None, 50).await;
    let overdue: Vec<&Value> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "report.overdue")
        .collect();
    let quarters: Vec<&str> = overdue
        .iter()
        .filter_map(|e| e["data"]["quarter"].as_str())
        .collect();
    assert_eq!(quarters, ["2025-Q1", "2025-Q2"], "once each: {overdue:?}");
    assert_eq!(overdue[0]["data"]["due_on"], "2025-04-30");
}
