//! Quarterly reports: their paths, reading one, and moving it through the workflow.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::{TestApp, fetch, json_of};

/// `/api/v1/projects/{project_id}/quarterly-reports`.
pub fn reports_path(project_id: &str) -> String {
    format!("/api/v1/projects/{project_id}/quarterly-reports")
}

/// The quarterly report of a project for a quarter such as `2026-Q3`.
pub fn report_path(project_id: &str, quarter: &str) -> String {
    format!("/api/v1/projects/{project_id}/quarterly-reports/{quarter}")
}

/// The report as stored and its ETag.
pub async fn stored(app: &TestApp, token: &str, pid: &str, quarter: &str) -> (Value, String) {
    fetch(app, token, &report_path(pid, quarter)).await
}

/// POST `…/{quarter}/{action}`, with an optional body and If-Match.
pub async fn act(
    app: &TestApp,
    token: &str,
    pid: &str,
    quarter: &str,
    action: &str,
    body: Option<&Value>,
    if_match: Option<&str>,
) -> Response {
    let mut builder = app.request(
        Method::POST,
        &format!("{}/{action}", report_path(pid, quarter)),
        Some(token),
    );
    if let Some(body) = body {
        builder = builder.json(body);
    }
    if let Some(etag) = if_match {
        builder = builder.header("If-Match", etag);
    }
    builder.send().await.expect("request")
}

/// A move that must succeed; returns the report it answers.
pub async fn act_ok(
    app: &TestApp,
    token: &str,
    pid: &str,
    quarter: &str,
    action: &str,
    reason: Option<&str>,
) -> Value {
    let body = reason.map(|r| json!({"reason": r}));
    let response = act(app, token, pid, quarter, action, body.as_ref(), None).await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("{action} {quarter}: {status} {text}");
    }
    json_of(response).await
}
