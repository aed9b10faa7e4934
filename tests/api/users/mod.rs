//! Users, the signed-in user, password changes, roles, and API tokens.
//!
//! This file holds what the tests share: the expected fields and the helpers that
//! create users and tokens and read responses. The tests are in the submodules, by theme.

mod admins;
mod api_tokens;
mod crud;
mod deactivation;
mod isolation;
mod me;
mod roles;
mod scopes;
mod validation;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, Tenant, TestApp, etag_of};

const NEW_PASSWORD: &str = "another quite long passphrase";
const USER_FIELDS: [&str; 7] = [
    "active",
    "created_at",
    "email",
    "id",
    "name",
    "role",
    "updated_at",
];
const TOKEN_FIELDS: [&str; 9] = [
    "created_at",
    "created_by",
    "expires_at",
    "id",
    "last_used_at",
    "name",
    "revoked_at",
    "role",
    "scopes",
];

// ---------------------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------------------

fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.org", uuid::Uuid::new_v4().simple())
}

fn field_names(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("expected a JSON object, got {value}"))
        .keys()
        .cloned()
        .collect()
}

fn set_of(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|f| (*f).to_string()).collect()
}

fn timestamp(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a timestamp, got {value}"))
        .parse()
        .expect("RFC 3339 timestamp")
}

/// Reads a successful JSON body and checks that no password material is in it.
async fn json_body(response: Response) -> Value {
    let text = response.text().await.expect("body");
    for leak in ["password", "$argon2", "secret_hash", "tokens_valid_after"] {
        assert!(!text.contains(leak), "response leaks {leak}: {text}");
    }
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A user created through the API, with the email and password to sign in.
struct Member {
    id: String,
    email: String,
    etag: String,
    body: Value,
}

async fn create_user_with_email(app: &TestApp, token: &str, email: &str, role: &str) -> Member {
    let response = app
        .post(
            "/api/v1/users",
            token,
            &json!({"email": email, "name": format!("{role} user"), "role": role, "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 201, "create user {email}");
    let etag = etag_of(&response);
    let body = json_body(response).await;
    Member {
        id: body["id"].as_str().expect("id").to_string(),
        email: email.to_string(),
        etag,
        body,
    }
}

async fn create_user(app: &TestApp, token: &str, role: &str) -> Member {
    create_user_with_email(app, token, &unique_email(role), role).await
}

/// GETs a resource that must exist; returns its body and ETag.
async fn get_ok(app: &TestApp, path: &str, token: &str) -> (Value, String) {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let etag = etag_of(&response);
    (json_body(response).await, etag)
}

/// GETs a list or other resource without an ETag.
async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    json_body(response).await
}

async fn status_of(app: &TestApp, path: &str, token: &str) -> u16 {
    app.get(path, token).await.status().as_u16()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.request(Method::POST, "/api/v1/auth/token", None)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login request")
        .status()
        .as_u16()
}

async fn patch(app: &TestApp, path: &str, token: &str, etag: &str, body: &Value) -> Response {
    app.send_if_match(Method::PATCH, path, token, etag, Some(body))
        .await
}

async fn delete(app: &TestApp, path: &str, token: &str, etag: &str) -> Response {
    app.send_if_match(Method::DELETE, path, token, etag, None)
        .await
}

/// Follows `next_cursor` from the first page until it is null; returns the items and
/// the number of pages.
async fn all_pages(app: &TestApp, path: &str, token: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let response = app.get(&url, token).await;
        assert_eq!(response.status(), 200, "GET {url}");
        let page = json_body(response).await;
        let page_items = page["items"].as_array().expect("items").clone();
        assert!(page_items.len() <= limit, "page larger than limit: {page}");
        items.extend(page_items);
        pages += 1;
        assert!(pages <= 50, "paging does not end");
        match &page["next_cursor"] {
            Value::String(next) => {
                assert_eq!(page["items"].as_array().unwrap().len(), limit);
                cursor = Some(next.clone());
            }
            Value::Null => break,
            other => panic!("next_cursor is neither a string nor null: {other}"),
        }
    }
    (items, pages)
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// The ids on the single page of a small list.
async fn list_ids(app: &TestApp, path: &str, token: &str) -> Vec<String> {
    let page = get_json(app, &format!("{path}?limit=200"), token).await;
    assert!(page["next_cursor"].is_null(), "more than one page: {page}");
    ids(page["items"].as_array().expect("items"))
}

async fn create_api_token(app: &TestApp, tenant: &Tenant, body: &Value) -> (Value, String) {
    let response = app.post("/api/v1/api-tokens", &tenant.token, body).await;
    assert_eq!(response.status(), 201, "create API token {body}");
    let etag = etag_of(&response);
    (json_body(response).await, etag)
}

/// Returns the token's id and secret.
async fn api_token(app: &TestApp, tenant: &Tenant, role: &str) -> (String, String) {
    let (body, _) = create_api_token(
        app,
        tenant,
        &json!({"name": format!("{role} integration"), "role": role}),
    )
    .await;
    (
        body["id"].as_str().unwrap().to_string(),
        body["secret"].as_str().unwrap().to_string(),
    )
}

/// Sleeps until the wall clock is in a later whole second. Access tokens record when
/// they were issued to the second (`iat`), so "sessions issued before this change" is
/// only decidable for a session from an earlier second; the same-second case is
/// covered by the tests marked BUG below.
async fn until_next_second() {
    let into_second = u64::from(Utc::now().timestamp_subsec_millis());
    tokio::time::sleep(Duration::from_millis(1_000 - into_second.min(999) + 50)).await;
}

/// Sleeps until the start of a fresh second, so that the next few fast steps happen
/// within that second.
async fn start_of_a_second() {
    until_next_second().await;
}
