//! The whole plan: the summary (every figure recomputed here from the line items, in
//! whole cents), the plan as one document (read, written back, all or nothing, ETags
//! and roles) and the plan's history (who changed what, newest first, paged).

mod document;
mod document_refused;
mod document_states;
mod expected;
mod history;
mod seed;
mod summary;

use std::collections::BTreeMap;

use crate::helpers::{TestApp, etag_of, named_fields, problem, project_body, spawn_app};
use crate::helpers::{budget_line, create, hours_line};
use crate::helpers::{id_of, json_of, lines_path, new_project, register_funder};
use expected::*;
use reqwest::{Method, Response};
use seed::*;
use serde_json::{Value, json};

const CATEGORIES: [&str; 10] = [
    "personnel",
    "communication",
    "translation",
    "interpretation",
    "materials",
    "activities",
    "venue",
    "training",
    "overhead",
    "other",
];

// --- exact money, in whole cents ----------------------------------------------------

/// An amount string (`"47.35"`, `"12.5"`, `"3000"`, `"-0.10"`) in cents.
fn cents(amount: &str) -> i128 {
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(
        !whole.is_empty()
            && fraction.len() <= 2
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.chars().all(|c| c.is_ascii_digit()),
        "not an amount with at most two decimals: {amount:?}"
    );
    let value =
        whole.parse::<i128>().unwrap() * 100 + format!("{fraction:0<2}").parse::<i128>().unwrap();
    if negative { -value } else { value }
}

/// Cents as an amount string with two decimals.
fn money(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `a × b` of two amounts, in cents, rounded to the cent (half a cent up).
fn product(a: &str, b: &str) -> i128 {
    let exact = cents(a) * cents(b); // in 1/10000 of a euro
    assert!(exact >= 0);
    (exact + 50) / 100
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

// --- requests ------------------------------------------------------------------------

async fn summary(app: &TestApp, token: &str, pid: &str) -> Value {
    let response = app.get(&lines_path(pid, "summary"), token).await;
    assert_eq!(response.status(), 200, "GET summary");
    json_of(response).await
}

async fn get_plan(app: &TestApp, token: &str, pid: &str) -> (Value, String) {
    let response = app.get(&lines_path(pid, "plan"), token).await;
    assert_eq!(response.status(), 200, "GET plan");
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

async fn put_plan(app: &TestApp, token: &str, pid: &str, etag: &str, doc: &Value) -> Response {
    app.send_if_match(
        Method::PUT,
        &lines_path(pid, "plan"),
        token,
        etag,
        Some(doc),
    )
    .await
}

/// Every change of the plan's history, newest first, following the cursors.
async fn history(app: &TestApp, token: &str, pid: &str) -> Vec<Value> {
    let base = lines_path(pid, "history");
    let mut items = Vec::new();
    let mut path = format!("{base}?limit=200");
    for _ in 0..50 {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "GET {path}");
        let page = json_of(response).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{base}?limit=200&cursor={next}"),
            None => return items,
        }
    }
    panic!("the history never ended");
}

/// The items of a list (a single page is enough for these small fixtures).
async fn list(app: &TestApp, token: &str, pid: &str, segment: &str) -> Vec<Value> {
    let response = app.get(&lines_path(pid, segment), token).await;
    assert_eq!(response.status(), 200, "GET {segment}");
    let page = json_of(response).await;
    page["items"].as_array().expect("items").clone()
}

/// PUTs `doc`, expects a 422 naming exactly `pointer`, and checks that the plan, its
/// ETag, its summary and its history are exactly as before.
async fn assert_plan_refused(app: &TestApp, token: &str, pid: &str, doc: &Value, pointer: &str) {
    let (before, etag) = get_plan(app, token, pid).await;
    let summary_before = summary(app, token, pid).await;
    let history_before = history(app, token, pid).await;

    let response = put_plan(app, token, pid, &etag, doc).await;
    assert_eq!(response.status(), 422, "PUT plan with a bad {pointer}");
    let problem = problem(response, 422).await;
    assert_eq!(named_fields(&problem), [pointer], "{problem}");

    assert_eq!(
        get_plan(app, token, pid).await,
        (before, etag),
        "nothing of the document was stored"
    );
    assert_eq!(summary(app, token, pid).await, summary_before);
    assert_eq!(history(app, token, pid).await, history_before, "no history");
}
