//! Projects: create, read, list (paging and filters), replace, update, delete, the
//! If-Match/ETag rules, validation and who may do what.

mod create;
mod filters;
mod if_match;
mod paging;
mod roles;
mod validation;

use crate::helpers::{TestApp, etag_of, named_fields, problem, project_body, spawn_app};
use crate::helpers::{all_items, assert_rejected, id_of, json_of, send_without_if_match};
use crate::helpers::{sorted, without};
use reqwest::Method;
use serde_json::{Value, json};

const PROJECTS: &str = "/api/v1/projects";

fn project_path(id: &str) -> String {
    format!("{PROJECTS}/{id}")
}
/// A valid body with the given name and period (dates as `YYYY-MM-DD`).
fn body_in(name: &str, start: &str, end: &str) -> Value {
    json!({"name": name, "start_date": start, "end_date": end})
}

/// `project_body(name)` with some fields set (or removed, when `null` is given for a
/// required one via [`without`]).
fn body_with(name: &str, fields: Value) -> Value {
    let mut body = project_body(name);
    for (key, value) in fields.as_object().expect("object") {
        body[key] = value.clone();
    }
    body
}
/// GET a project: status 200, its JSON and ETag.
async fn fetch(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    crate::helpers::fetch(app, token, &project_path(id)).await
}

/// Every project the caller can see, following the cursors.
async fn all_projects(app: &TestApp, token: &str) -> Vec<Value> {
    all_items(app, token, PROJECTS).await
}

async fn count_projects(app: &TestApp, token: &str) -> usize {
    all_projects(app, token).await.len()
}

/// Ids of the projects a filtered list returns (one page of up to 200).
async fn ids_for(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app.get(&format!("{PROJECTS}?{query}"), token).await;
    assert_eq!(response.status(), 200, "list with {query}");
    let page = json_of(response).await;
    assert!(page["next_cursor"].is_null(), "one page for {query}");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}
