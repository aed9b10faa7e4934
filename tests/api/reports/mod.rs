//! Quarterly reports (`/projects/{id}/quarterly-reports`): the quarters of a project
//! and when their reports are due, writing a report (PUT/PATCH with ETags, every figure
//! checked against the plan), the workflow (submit, accept, return, reopen) with its
//! revisions and audit trail, races between clients, the plan lines a report pins, and
//! tenant isolation.

mod patching;
mod pinned_lines;
mod quarters;
mod races;
mod references;
mod retries;
mod revisions;
mod tenancy;
mod workflow;
mod worklist;
mod writing;

use chrono::{Datelike, Days, NaiveDate};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{PlannedProject, create, planned_project, register_funder, register_partners};
use crate::helpers::{Tenant, TestApp, etag_of, named_fields, problem, project_body, spawn_app};
use crate::helpers::{act, act_ok, stored};
use crate::helpers::{
    amsterdam_today, fetch, id_of, json_of, lines_path, report_path, reports_path, sorted,
};

const INVALID_TRANSITION: &str = "urn:mantelmonitor:problem:invalid-transition";

// --- small helpers -------------------------------------------------------------------

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("date {text}"))
}

/// The last day of a quarter `YYYY-Qn`.
fn quarter_end(quarter: &str) -> NaiveDate {
    let (year, q) = quarter.split_once("-Q").expect("quarter");
    let (year, q): (i32, u32) = (year.parse().unwrap(), q.parse().unwrap());
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)
    }
    .unwrap();
    next - Days::new(1)
}

fn quarters(from: (i32, u32), to: (i32, u32)) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut q) = from;
    while (y, q) <= to {
        out.push(format!("{y}-Q{q}"));
        (y, q) = if q == 4 { (y + 1, 1) } else { (y, q + 1) };
    }
    out
}

/// Sets `value` at a JSON pointer; an index one past the end of an array appends.
fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    let parent = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent} in {pointer}"));
    match parent {
        Value::Array(items) => {
            let index: usize = last.parse().unwrap();
            if index == items.len() {
                items.push(value);
            } else {
                items[index] = value;
            }
        }
        Value::Object(map) => {
            map.insert(last.to_string(), value);
        }
        other => panic!("cannot set {pointer} in {other}"),
    }
}

fn with_at(doc: &Value, pointer: &str, value: Value) -> Value {
    let mut doc = doc.clone();
    set(&mut doc, pointer, value);
    doc
}

/// A copy of the item at `from` appended to its array (a duplicate).
fn duplicated(doc: &Value, array: &str, from: usize) -> (Value, String) {
    let mut doc = doc.clone();
    let items = doc.pointer_mut(array).unwrap().as_array_mut().unwrap();
    let copy = items[from].clone();
    items.push(copy);
    let index = items.len() - 1;
    (doc, format!("{array}/{index}"))
}

const SECTIONS: [&str; 5] = ["reach", "network", "communication", "budget", "narrative"];

/// Asserts that a report (or a revision's content) holds every section of `sent`.
fn assert_content(report: &Value, sent: &Value, context: &str) {
    for section in SECTIONS {
        if let Some(expected) = sent.get(section) {
            assert_eq!(&report[section], expected, "{context}: section {section}");
        }
    }
}

/// A section as read back after it was cleared: absent, null or empty all through.
fn is_empty_section(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(is_empty_section),
        _ => false,
    }
}

// --- a plan to report on -------------------------------------------------------------

/// Lines of a second project of the same organisation.
struct Other {
    group: String,
    line: String,
    link: String,
}

/// A [`PlannedProject`] with hours for outreach (2024-Q2) and coordination (2024-Q3),
/// and a second project of the same organisation with lines of its own.
struct Plan {
    pid: String,
    groups: [String; 2],
    lines: [String; 2],
    links: [String; 2],
    other: Other,
}

async fn plan(app: &TestApp, token: &str) -> Plan {
    let partners = register_partners(app, token).await;
    let hours = [("outreach", "2024-Q2"), ("coordination", "2024-Q3")];
    let PlannedProject {
        pid,
        groups,
        lines,
        links,
    } = planned_project(app, token, "Mantelzorg in Oost", &partners, hours).await;
    let mut body = project_body("Mantelzorg in Oost");
    body["start_date"] = json!("2024-01-01");
    body["end_date"] = json!("2025-12-31");
    let group = |name: &str, languages: Value| json!({"name": name, "languages": languages});
    let line = |description: &str, amount: &str| json!({"category": "communication", "description": description, "amount": amount});
    let link = |partner: &str| {
        json!({
            "partner_id": partner, "functions": ["referrer"],
            "current_level": "in_contact", "desired_level": "collaborate"
        })
    };

    // A second project of the same organisation, with lines of its own.
    let (second, _) = app.project(token, &body).await;
    let second = id_of(&second);
    let other_group = create(
        app,
        token,
        &lines_path(&second, "target-groups"),
        &group("Turks-Nederlandse mantelzorgers", json!(["tr"])),
    )
    .await
    .0;
    let other_line = create(
        app,
        token,
        &lines_path(&second, "budget-lines"),
        &line("Flyers", "100.00"),
    )
    .await
    .0;
    let other_link = create(
        app,
        token,
        &lines_path(&second, "partners"),
        &link(&partners[0]),
    )
    .await
    .0;

    Plan {
        pid,
        groups,
        lines,
        links,
        other: Other {
            group: id_of(&other_group),
            line: id_of(&other_line),
            link: id_of(&other_link),
        },
    }
}

/// A report with every section and every figure filled in, all valid for `plan`.
fn full_content(plan: &Plan) -> Value {
    json!({
        "reach": {
            "per_target_group": [
                {"target_group_id": plan.groups[0], "new": 12, "total": 30},
                {"target_group_id": plan.groups[1], "new": 0, "total": 4}
            ],
            "key_person_contacts": 9,
            "activity_participants": 41,
            "referrals_received": 5,
            "referrals_made": 3,
            "per_partner": [
                {"project_partner_id": plan.links[0], "received": 4, "made": 1},
                {"project_partner_id": plan.links[1], "received": 1, "made": 2}
            ]
        },
        "network": {
            "active_partners": 6,
            "new_partners": 2,
            "network_meetings": 3,
            "level_changes": [{"project_partner_id": plan.links[0], "level": "coordinate"}]
        },
        "communication": [
            {"channel": "flyers", "language": "tr", "count": 200, "estimated_reach": 150, "cost": "120.50"},
            {"channel": "flyers", "language": "ar", "count": 100, "estimated_reach": 80, "cost": "60.25"},
            {"channel": "radio", "language": "pap", "count": 2, "estimated_reach": 1000, "cost": "0.00"},
            {"channel": "video", "language": "ti", "count": 1, "estimated_reach": 300, "cost": "250.00"},
            {"channel": "information_meeting", "language": "nl", "count": 3, "estimated_reach": 45, "cost": "35.00"}
        ],
        "budget": {
            "spent": [
                {"budget_line_id": plan.lines[0], "amount": "1250.00"},
                {"budget_line_id": plan.lines[1], "amount": "89.95"}
            ],
            "hours": [
                {"activity": "outreach", "hours": "12.50"},
                {"activity": "coordination", "hours": "30.00"}
            ]
        },
        "narrative": {
            "developments": "Twee nieuwe sleutelpersonen in de moskee.",
            "obstacles": "Weinig bereik onder Arabischtalige mantelzorgers.",
            "signals": "Vraag naar respijtzorg in het Turks.",
            "next_quarter": "Voorlichting in het buurthuis."
        }
    })
}

/// `full_content` with another narrative, so two bodies are told apart.
fn variant(plan: &Plan, tag: &str) -> Value {
    with_at(
        &full_content(plan),
        "/narrative/developments",
        json!(format!("Versie {tag}")),
    )
}

// --- report requests -----------------------------------------------------------------

async fn put(app: &TestApp, token: &str, path: &str, body: &Value) -> Response {
    app.request(Method::PUT, path, Some(token))
        .json(body)
        .send()
        .await
        .expect("request")
}

/// Creates the report by a first PUT (201) and returns it with its ETag.
async fn create_report(
    app: &TestApp,
    token: &str,
    pid: &str,
    quarter: &str,
    body: &Value,
) -> (Value, String) {
    let response = put(app, token, &report_path(pid, quarter), body).await;
    let status = response.status();
    if status != 201 {
        let text = response.text().await.unwrap_or_default();
        panic!("first PUT of {quarter}: {status} {text}");
    }
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

/// The list's entry for `quarter`.
async fn quarter_status(app: &TestApp, token: &str, pid: &str, quarter: &str) -> Value {
    let list = fetch_list(app, token, pid).await;
    list.into_iter()
        .find(|q| q["quarter"] == quarter)
        .unwrap_or_else(|| panic!("{quarter} listed"))
}

/// The quarters of the project, in the order listed.
async fn fetch_list(app: &TestApp, token: &str, pid: &str) -> Vec<Value> {
    let response = app.get(&reports_path(pid), token).await;
    assert_eq!(response.status(), 200, "GET quarterly-reports");
    let body = json_of(response).await;
    body["items"].as_array().expect("items").clone()
}

/// The report's audit trail.
pub(crate) async fn events(app: &TestApp, token: &str, pid: &str, quarter: &str) -> Vec<Value> {
    let path = format!("{}/events", report_path(pid, quarter));
    let response = app.get(&path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let body = json_of(response).await;
    body["items"].as_array().expect("items").clone()
}

fn actions(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}
