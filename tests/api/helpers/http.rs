//! Reading responses: ETags, problems, JSON, lists; the paths of plan parts.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::TestApp;

pub fn etag_of(response: &Response) -> String {
    response
        .headers()
        .get("etag")
        .expect("ETag header")
        .to_str()
        .unwrap()
        .to_string()
}

/// A valid project body with the given name.
pub fn project_body(name: &str) -> Value {
    json!({
        "name": name,
        "summary": "Bereik van mantelzorgers met een migratieachtergrond",
        "organisation_role": "direct_support",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31"
    })
}

/// Asserts a problem+json response with `status` and returns its body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "content type"
    );
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(body["status"].as_u64(), Some(u64::from(status)));
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:mantelmonitor:problem:"))
    );
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

/// The pointers (or parameter/header names) a problem names.
pub fn named_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    e["pointer"]
                        .as_str()
                        .or(e["parameter"].as_str())
                        .or(e["header"].as_str())
                })
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

// --- shared by the plan and report tests -------------------------------------------

/// `/api/v1/projects/{project_id}/{segment}`: a part of a project.
pub fn lines_path(project_id: &str, segment: &str) -> String {
    format!("/api/v1/projects/{project_id}/{segment}")
}

/// One line of a part of a project.
pub fn line_path(project_id: &str, segment: &str, id: &str) -> String {
    format!("/api/v1/projects/{project_id}/{segment}/{id}")
}

/// The `id` of an item, which must be a string.
pub fn id_of(item: &Value) -> String {
    item["id"].as_str().expect("id").to_string()
}

pub async fn json_of(response: Response) -> Value {
    response.json().await.expect("json body")
}

/// The number in an ETag `"<n>"`.
pub fn version(etag: &str) -> u64 {
    etag.trim_matches('"')
        .parse()
        .unwrap_or_else(|_| panic!("ETag {etag} is not \"<n>\""))
}

/// A project (2026-01-01 to 2027-12-31) and its id.
pub async fn new_project(app: &TestApp, token: &str, name: &str) -> String {
    let (project, _) = app.project(token, &project_body(name)).await;
    id_of(&project)
}

/// GET an item: status 200, its JSON and ETag.
pub async fn fetch(app: &TestApp, token: &str, path: &str) -> (Value, String) {
    let response = app.get(path, token).await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("GET {path}: {status} {text}");
    }
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

/// Every item of a collection, following the cursors.
pub async fn all_items(app: &TestApp, token: &str, collection: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = format!("{collection}?limit=200");
    for _ in 0..100 {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "list {path}");
        let page = json_of(response).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{collection}?limit=200&cursor={next}"),
            None => return items,
        }
    }
    panic!("the list never ended");
}

/// A request without If-Match.
pub async fn send_without_if_match(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Response {
    let mut builder = app.request(method, path, Some(token));
    if let Some(body) = body {
        builder = builder.json(body);
    }
    builder.send().await.expect("request")
}
