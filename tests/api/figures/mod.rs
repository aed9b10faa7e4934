//! Bulk quarterly figures (`POST /quarterly-figures`): rows of `project_id, quarter,
//! figure, subject, value` as JSON or CSV (comma or semicolon, decimal point or comma,
//! byte-order mark, Dutch headers) create or change the quarters' reports; errors name
//! the row and column; one bad row stores nothing; dry runs; idempotent retries; roles
//! and tenant isolation.

mod csv;
mod csv_refused;
mod json;
mod limits;
mod planned;
mod retries;
mod tenancy;

use std::collections::BTreeMap;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{PlannedProject, planned_project, register_partners};
use crate::helpers::{Tenant, TestApp, named_fields, problem, spawn_app};
use crate::helpers::{act_ok, json_of, report_path, reports_path, sorted, stored};
pub(crate) use planned::*;

const FIGURES: &str = "/api/v1/quarterly-figures";

// --- small helpers -------------------------------------------------------------------

/// The state of every quarter of the project, by quarter.
pub(crate) async fn states(app: &TestApp, token: &str, pid: &str) -> BTreeMap<String, String> {
    let response = app.get(&reports_path(pid), token).await;
    assert_eq!(response.status(), 200, "GET quarterly-reports");
    let body = json_of(response).await;
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|q| {
            (
                q["quarter"].as_str().unwrap().to_string(),
                q["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn all_not_started(states: &BTreeMap<String, String>) -> bool {
    !states.is_empty() && states.values().all(|s| s == "not_started")
}

/// The report's audit trail: its actions, oldest first.
pub(crate) async fn actions(app: &TestApp, token: &str, pid: &str, quarter: &str) -> Vec<String> {
    let path = format!("{}/events", report_path(pid, quarter));
    let response = app.get(&path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let body = json_of(response).await;
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn put_report(app: &TestApp, token: &str, pid: &str, quarter: &str, body: &Value) {
    let response = app
        .request(Method::PUT, &report_path(pid, quarter), Some(token))
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status();
    if status != 201 {
        let text = response.text().await.unwrap_or_default();
        panic!("first PUT of {quarter}: {status} {text}");
    }
}

/// A JSON value without its nulls, so an absent field and a null one compare equal.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

const SECTIONS: [&str; 5] = ["reach", "network", "communication", "budget", "narrative"];

/// The figures of a report, every section, nulls left out.
fn figures_of(report: &Value) -> Value {
    let mut out = serde_json::Map::new();
    for section in SECTIONS {
        out.insert(section.into(), without_nulls(&report[section]));
    }
    Value::Object(out)
}

pub(crate) fn replayed(response: &Response) -> Option<String> {
    response
        .headers()
        .get("Idempotent-Replayed")
        .map(|v| v.to_str().unwrap().to_string())
}

// --- submitting figures --------------------------------------------------------------

/// POSTs figures with a content type, an optional query and Idempotency-Key.
pub(crate) async fn send(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
    key: Option<&str>,
) -> Response {
    let mut builder = app
        .request(Method::POST, &format!("{FIGURES}{query}"), Some(token))
        .header("Content-Type", content_type)
        .body(body);
    if let Some(key) = key {
        builder = builder.header("Idempotency-Key", key);
    }
    builder.send().await.expect("request")
}

pub(crate) async fn send_json(app: &TestApp, token: &str, rows: &[Value]) -> Response {
    let body = json!({ "figures": rows }).to_string();
    send(app, token, "", "application/json", body, None).await
}

pub(crate) async fn send_csv(app: &TestApp, token: &str, csv: String) -> Response {
    send(app, token, "", "text/csv", csv, None).await
}

/// A submission that must succeed; returns its outcome.
pub(crate) async fn ok(response: Response, context: &str) -> Value {
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("{context}: {status} {text}");
    }
    json_of(response).await
}

pub(crate) fn row(
    pid: &str,
    quarter: &str,
    figure: &str,
    subject: Option<&str>,
    value: Value,
) -> Value {
    match subject {
        Some(subject) => json!({
            "project_id": pid, "quarter": quarter, "figure": figure,
            "subject": subject, "value": value
        }),
        None => json!({"project_id": pid, "quarter": quarter, "figure": figure, "value": value}),
    }
}

/// One CSV row as text cells, in the order `project_id, quarter, figure, subject, value`.
#[derive(Clone, Debug)]
struct Cells([String; 5]);

impl Cells {
    fn new(pid: &str, quarter: &str, figure: &str, subject: &str, value: &str) -> Self {
        Cells([
            pid.into(),
            quarter.into(),
            figure.into(),
            subject.into(),
            value.into(),
        ])
    }
}

/// Quotes a cell when it holds the separator, a quote or a line break.
fn cell(text: &str, separator: char) -> String {
    if text.contains(separator) || text.contains('"') || text.contains('\n') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// With Windows line ends, as Excel writes them (and RFC 4180 asks).
fn crlf(csv: &str) -> String {
    csv.replace('\n', "\r\n")
}

/// A CSV file: the header line, then the rows; `order` picks the columns by index.
fn csv_text(header: &[&str], order: [usize; 5], rows: &[Cells], separator: char) -> String {
    let sep = separator.to_string();
    let mut out = header.join(&sep);
    out.push('\n');
    for r in rows {
        let line: Vec<String> = order.iter().map(|&i| cell(&r.0[i], separator)).collect();
        out.push_str(&line.join(&sep));
        out.push('\n');
    }
    out
}

const ENGLISH: [&str; 5] = ["project_id", "quarter", "figure", "subject", "value"];
const DUTCH: [&str; 5] = ["project", "kwartaal", "cijfer", "onderwerp", "waarde"];

/// The (row, column) cells a CSV problem names, sorted, after checking each error has
/// a row, a column, no pointer and a message.
pub(crate) fn cells_named(problem: &Value) -> Vec<(u64, String)> {
    let errors = problem["errors"].as_array().expect("errors");
    let mut out: Vec<(u64, String)> = errors
        .iter()
        .map(|e| {
            assert!(
                e.get("pointer").is_none(),
                "a CSV error has no pointer: {e}"
            );
            assert!(
                e["message"].as_str().is_some_and(|m| !m.is_empty()),
                "a message: {e}"
            );
            (
                e["row"].as_u64().unwrap_or_else(|| panic!("row in {e}")),
                e["column"]
                    .as_str()
                    .unwrap_or_else(|| panic!("column in {e}"))
                    .to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The message of the error at `pointer` (JSON) or `(row, column)` (CSV).
fn message_at(problem: &Value, matches: impl Fn(&Value) -> bool) -> String {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| matches(e))
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no such error in {problem}"))
        .to_string()
}
