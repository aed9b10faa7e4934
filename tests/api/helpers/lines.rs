//! Writing items that carry an ETag (plan lines, partners, roadmap steps) and checking
//! that a refused write stores nothing.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use super::{TestApp, all_items, etag_of, fetch, json_of, named_fields, problem, version};

/// POSTs `body` to `collection`, asserts 201 and returns the JSON and ETag.
pub async fn create(app: &TestApp, token: &str, collection: &str, body: &Value) -> (Value, String) {
    let response = app.post(collection, token, body).await;
    let status = response.status();
    if status != 201 {
        let text = response.text().await.unwrap_or_default();
        panic!("create at {collection} with {body}: expected 201, got {status}: {text}");
    }
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

/// POSTs `body`, expects a 422 validation problem naming exactly `pointers` (in any
/// order), each with a message, checks that nothing was stored, and returns the problem.
pub async fn assert_rejected(
    app: &TestApp,
    token: &str,
    collection: &str,
    body: &Value,
    pointers: &[&str],
) -> Value {
    let before = all_items(app, token, collection).await;
    let response = app.post(collection, token, body).await;
    assert_eq!(response.status(), 422, "POST {collection} {body}");
    let problem = problem(response, 422).await;
    assert_eq!(
        sorted(named_fields(&problem)),
        sorted(pointers.iter().map(|p| p.to_string()).collect()),
        "pointers for {body}: {problem}"
    );
    assert_eq!(
        problem["type"], "urn:mantelmonitor:problem:validation",
        "for {body}"
    );
    for error in problem["errors"].as_array().expect("errors") {
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "every error says what is wrong: {error}"
        );
    }
    assert_eq!(
        before,
        all_items(app, token, collection).await,
        "nothing stored for {body}"
    );
    problem
}

/// POSTs `body`, expects a 409 problem and checks that nothing was stored.
pub async fn assert_conflict(app: &TestApp, token: &str, collection: &str, body: &Value) {
    let before = all_items(app, token, collection).await;
    let response = app.post(collection, token, body).await;
    assert_eq!(response.status(), 409, "POST {collection} {body}");
    problem(response, 409).await;
    assert_eq!(
        before,
        all_items(app, token, collection).await,
        "nothing stored for {body}"
    );
}

/// How a write is expected to be refused.
pub enum Refused<'a> {
    /// 409.
    Conflict,
    /// 422 naming exactly these pointers (in any order).
    Invalid(&'a [&'a str]),
}

/// Sends a write with `If-Match: etag` (the item's current ETag when `None`), expects
/// it refused as `expected` (problem+json), checks the item and its version are
/// unchanged, and returns the problem.
pub async fn assert_write_refused(
    app: &TestApp,
    token: &str,
    path: &str,
    method: Method,
    etag: Option<&str>,
    body: Option<&Value>,
    expected: Refused<'_>,
) -> Value {
    let (status, pointers) = match expected {
        Refused::Conflict => (409, None),
        Refused::Invalid(pointers) => (422, Some(pointers)),
    };
    let (before, before_etag) = fetch(app, token, path).await;
    let etag = etag.unwrap_or(&before_etag);
    let response = app
        .send_if_match(method.clone(), path, token, etag, body)
        .await;
    assert_eq!(
        response.status().as_u16(),
        status,
        "{method} {path} {body:?}"
    );
    let problem = problem(response, status).await;
    if let Some(pointers) = pointers {
        assert_eq!(
            sorted(named_fields(&problem)),
            sorted(pointers.iter().map(|p| p.to_string()).collect()),
            "{method} {body:?}: {problem}"
        );
    }
    let (after, after_etag) = fetch(app, token, path).await;
    assert_eq!(after, before, "{method} {path} {body:?} changed nothing");
    assert_eq!(
        after_etag, before_etag,
        "{method} {body:?} kept the version"
    );
    problem
}

/// Sends a write with `If-Match: etag` (the item's current ETag when `None`), expects
/// 200, checks the version went up and GET gives what the write answered; returns the
/// new JSON and ETag.
pub async fn write_ok(
    app: &TestApp,
    token: &str,
    path: &str,
    method: Method,
    etag: Option<&str>,
    body: &Value,
) -> (Value, String) {
    let (before, current) = fetch(app, token, path).await;
    let etag = etag.map_or(current, str::to_string);
    let response = app
        .send_if_match(method.clone(), path, token, &etag, Some(body))
        .await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("{method} {path} {body}: expected 200, got {status}: {text}");
    }
    let new_etag = etag_of(&response);
    let written = json_of(response).await;
    // A write that changes nothing keeps the version (and updated_at); any other raises it.
    if written == before {
        assert_eq!(new_etag, etag, "{method} {path} {body} changed nothing");
    } else {
        assert!(
            version(&new_etag) > version(&etag),
            "{new_etag} after {etag}"
        );
    }
    assert_eq!(
        fetch(app, token, path).await,
        (written.clone(), new_etag.clone()),
        "GET after {method} gives what {method} answered"
    );
    (written, new_etag)
}

/// DELETE with the item's current ETag; returns the response.
pub async fn delete_current(app: &TestApp, token: &str, path: &str) -> Response {
    let (_, etag) = fetch(app, token, path).await;
    app.send_if_match(Method::DELETE, path, token, &etag, None)
        .await
}

/// A planned hours line without notes.
pub fn hours_line(activity: &str, quarter: &str, hours: &str, rate: &str) -> Value {
    json!({"activity": activity, "quarter": quarter, "hours": hours, "hourly_rate": rate, "notes": null})
}

/// A budget line, phased per `(quarter, amount)` when `phases` is not empty.
pub fn budget_line(
    category: &str,
    description: &str,
    amount: &str,
    phases: &[(&str, &str)],
) -> Value {
    let mut line = json!({"category": category, "description": description, "amount": amount});
    if !phases.is_empty() {
        line["phases"] = phases
            .iter()
            .map(|(q, a)| json!({"quarter": q, "amount": a}))
            .collect();
    }
    line
}

/// `base` with the top-level fields of `changes` set (a `null` sets null).
pub fn with(base: &Value, changes: Value) -> Value {
    let mut body = base.clone();
    for (key, value) in changes.as_object().expect("object").clone() {
        body[key.as_str()] = value;
    }
    body
}

/// `base` without `field`.
pub fn without(base: &Value, field: &str) -> Value {
    let mut body = base.clone();
    body.as_object_mut().expect("object").remove(field);
    body
}

pub fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}
