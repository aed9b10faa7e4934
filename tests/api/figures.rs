//! Bulk quarterly figures (`POST /quarterly-figures`): rows of `project_id, quarter,
//! figure, subject, value` as JSON or CSV (comma or semicolon, decimal point or comma,
//! byte-order mark, Dutch headers) create or change the quarters' reports; errors name
//! the row and column; one bad row stores nothing; dry runs; idempotent retries; roles
//! and tenant isolation.

use std::collections::BTreeMap;

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{PlannedProject, planned_project, register_partners};
use crate::helpers::{Tenant, TestApp, named_fields, problem, spawn_app};
use crate::helpers::{fetch, json_of, report_path, reports_path, sorted};

const FIGURES: &str = "/api/v1/quarterly-figures";

// --- small helpers -------------------------------------------------------------------

/// The report as stored and its ETag.
pub(crate) async fn stored(
    app: &TestApp,
    token: &str,
    pid: &str,
    quarter: &str,
) -> (Value, String) {
    fetch(app, token, &report_path(pid, quarter)).await
}

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

/// A workflow move that must succeed.
async fn act_ok(app: &TestApp, token: &str, pid: &str, quarter: &str, action: &str) {
    let mut builder = app.request(
        Method::POST,
        &format!("{}/{action}", report_path(pid, quarter)),
        Some(token),
    );
    if action == "return" {
        builder = builder.json(&json!({"reason": "Bereik ontbreekt"}));
    }
    let response = builder.send().await.expect("request");
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("{action} {quarter}: {status} {text}");
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

// --- a plan to report on -------------------------------------------------------------

/// The hours a figures test plans: outreach in 2024-Q2, key person meetings in 2024-Q3.
const HOURS: [(&str, &str); 2] = [("outreach", "2024-Q2"), ("key_person_meetings", "2024-Q3")];

async fn project_plan(
    app: &TestApp,
    token: &str,
    name: &str,
    partners: &[String; 2],
) -> PlannedProject {
    planned_project(app, token, name, partners, HOURS).await
}

/// An organisation with one planned project.
pub(crate) async fn one_project(app: &TestApp, t: &Tenant) -> PlannedProject {
    let partners = register_partners(app, &t.token).await;
    project_plan(app, &t.token, "Mantelzorg in Oost", &partners).await
}

/// Every kind of figure once, as (figure, subject, JSON value, CSV value with a point,
/// CSV value with a decimal comma).
type FigureCase = (&'static str, Option<String>, Value, String, String);
/// A value as JSON, as CSV with a decimal point, and as CSV with a decimal comma.
type Written = (Value, String, String);

fn every_figure(p: &PlannedProject) -> Vec<FigureCase> {
    let s = |t: &str| Some(t.to_string());
    let n = |v: u64| (json!(v), v.to_string(), v.to_string());
    let dec = |json_text: &str, point: &str, comma: &str| {
        (json!(json_text), point.to_string(), comma.to_string())
    };
    let text = |t: &str| (json!(t), t.to_string(), t.to_string());
    let items: Vec<(&'static str, Option<String>, Written)> = vec![
        ("reach_new", s(&p.groups[0]), n(12)),
        ("reach_total", s(&p.groups[0]), n(30)),
        ("reach_new", s(&p.groups[1]), n(0)),
        ("reach_total", s(&p.groups[1]), n(4)),
        ("key_person_contacts", None, n(9)),
        ("activity_participants", None, n(41)),
        ("referrals_received", None, n(5)),
        ("referrals_made", None, n(3)),
        ("partner_referrals_received", s(&p.links[0]), n(4)),
        ("partner_referrals_made", s(&p.links[0]), n(1)),
        ("active_partners", None, n(6)),
        ("new_partners", None, n(2)),
        ("network_meetings", None, n(3)),
        ("level_change", s(&p.links[1]), text("coordinate")),
        ("communication_count", s("flyers/tr"), n(200)),
        ("communication_reach", s("flyers/tr"), n(150)),
        (
            "communication_cost",
            s("flyers/tr"),
            dec("120.50", "120.50", "120,50"),
        ),
        ("communication_count", s("radio/pap"), n(2)),
        ("communication_count", s("information_meeting"), n(3)),
        (
            "spent",
            s(&p.lines[0]),
            dec("1250.50", "1250.50", "1250,50"),
        ),
        ("spent", s(&p.lines[1]), dec("89.95", "89.95", "89,95")),
        ("hours_spent", s("outreach"), dec("40.50", "40.5", "40,5")),
        ("hours_spent", s("key_person_meetings"), dec("7", "7", "7")),
        (
            "developments",
            None,
            text("Twee nieuwe sleutelpersonen, in de moskee."),
        ),
        (
            "obstacles",
            None,
            text("Weinig bereik onder Arabischtaligen."),
        ),
        (
            "signals",
            None,
            text("Vraag naar respijtzorg in het Turks."),
        ),
        ("next_quarter", None, text("Voorlichting in het buurthuis.")),
    ];
    items
        .into_iter()
        .map(|(f, subject, (j, point, comma))| (f, subject, j, point, comma))
        .collect()
}

/// What a report holds after `every_figure`, nulls left out.
fn every_figure_expected(p: &PlannedProject) -> Value {
    json!({
        "reach": {
            "per_target_group": [
                {"target_group_id": p.groups[0], "new": 12, "total": 30},
                {"target_group_id": p.groups[1], "new": 0, "total": 4}
            ],
            "key_person_contacts": 9,
            "activity_participants": 41,
            "referrals_received": 5,
            "referrals_made": 3,
            "per_partner": [{"project_partner_id": p.links[0], "received": 4, "made": 1}]
        },
        "network": {
            "active_partners": 6,
            "new_partners": 2,
            "network_meetings": 3,
            "level_changes": [{"project_partner_id": p.links[1], "level": "coordinate"}]
        },
        "communication": [
            {"channel": "flyers", "language": "tr", "count": 200, "estimated_reach": 150, "cost": "120.50"},
            {"channel": "radio", "language": "pap", "count": 2},
            {"channel": "information_meeting", "count": 3}
        ],
        "budget": {
            "spent": [
                {"budget_line_id": p.lines[0], "amount": "1250.50"},
                {"budget_line_id": p.lines[1], "amount": "89.95"}
            ],
            "hours": [
                {"activity": "outreach", "hours": "40.50"},
                {"activity": "key_person_meetings", "hours": "7.00"}
            ]
        },
        "narrative": {
            "developments": "Twee nieuwe sleutelpersonen, in de moskee.",
            "obstacles": "Weinig bereik onder Arabischtaligen.",
            "signals": "Vraag naar respijtzorg in het Turks.",
            "next_quarter": "Voorlichting in het buurthuis."
        }
    })
}

fn every_figure_json(p: &PlannedProject, quarter: &str) -> Vec<Value> {
    every_figure(p)
        .into_iter()
        .map(|(figure, subject, value, _, _)| {
            row(&p.pid, quarter, figure, subject.as_deref(), value)
        })
        .collect()
}

/// A report body for a PUT, valid for the plan.
fn report_body(p: &PlannedProject) -> Value {
    json!({
        "reach": {
            "per_target_group": [{"target_group_id": p.groups[0], "new": 1, "total": 2}],
            "key_person_contacts": 1
        },
        "network": {"active_partners": 3, "new_partners": 1, "network_meetings": 1},
        "communication": [{"channel": "flyers", "language": "ar", "count": 10}],
        "budget": {"spent": [{"budget_line_id": p.lines[1], "amount": "10.00"}]},
        "narrative": {"developments": "Begin."}
    })
}

pub(crate) fn outcome(dry_run: bool, reports: &[(&str, &str, bool, usize)]) -> Value {
    let rows: usize = reports.iter().map(|r| r.3).sum();
    json!({
        "dry_run": dry_run,
        "rows": rows,
        "reports": reports.iter().map(|(pid, quarter, created, rows)| json!({
            "project_id": pid, "quarter": quarter, "created": created, "rows": rows
        })).collect::<Vec<_>>()
    })
}

// --- JSON ----------------------------------------------------------------------------

#[tokio::test]
async fn json_rows_create_the_quarters_draft_with_every_figure_in_its_field() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (coordinator_id, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;

    let mut rows = every_figure_json(&p, "2025-Q3");
    // One row for another quarter, to see both reports made.
    rows.push(row(
        &p.pid,
        "2025-Q4",
        "key_person_contacts",
        None,
        json!(7),
    ));
    let n = rows.len();
    let answer = ok(send_json(&app, &coordinator, &rows).await, "JSON rows").await;
    assert_eq!(
        answer,
        outcome(
            false,
            &[
                (p.pid.as_str(), "2025-Q3", true, n - 1),
                (p.pid.as_str(), "2025-Q4", true, 1)
            ]
        ),
        "the outcome lists each report made and its rows"
    );

    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q3").await;
    assert_eq!(report["state"], "draft");
    assert_eq!(report["project_id"], json!(p.pid));
    assert_eq!(report["quarter"], "2025-Q3");
    assert_eq!(
        figures_of(&report),
        every_figure_expected(&p),
        "every figure landed in its field"
    );
    let (q4, _) = stored(&app, &coordinator, &p.pid, "2025-Q4").await;
    assert_eq!(q4["state"], "draft");
    assert_eq!(q4["reach"]["key_person_contacts"], 7);
    assert!(q4["reach"]["activity_participants"].is_null());

    let states = states(&app, &coordinator, &p.pid).await;
    for (quarter, state) in &states {
        let expected = if quarter == "2025-Q3" || quarter == "2025-Q4" {
            "draft"
        } else {
            "not_started"
        };
        assert_eq!(state, expected, "{quarter}");
    }
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q3").await,
        ["created"]
    );
    let response = app
        .get(
            &format!("{}/events", report_path(&p.pid, "2025-Q3")),
            &t.token,
        )
        .await;
    let trail = json_of(response).await;
    assert_eq!(
        trail["items"][0]["actor"],
        json!(format!("user:{coordinator_id}")),
        "the coordinator created it"
    );
}

#[tokio::test]
async fn coordinators_and_admins_submit_figures_viewers_may_not() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let (_, viewer) = app.user_with_role(&t, "viewer").await;
    let p = one_project(&app, &t).await;
    let rows = |q: &str| vec![row(&p.pid, q, "key_person_contacts", None, json!(3))];

    problem(send_json(&app, &viewer, &rows("2025-Q1")).await, 403).await;
    let csv = csv_text(
        &ENGLISH,
        [0, 1, 2, 3, 4],
        &[Cells::new(
            &p.pid,
            "2025-Q1",
            "key_person_contacts",
            "",
            "3",
        )],
        ',',
    );
    problem(send_csv(&app, &viewer, csv).await, 403).await;
    assert!(
        all_not_started(&states(&app, &viewer, &p.pid).await),
        "the viewer stored nothing"
    );

    ok(
        send_json(&app, &coordinator, &rows("2025-Q1")).await,
        "coordinator",
    )
    .await;
    ok(send_json(&app, &t.token, &rows("2025-Q2")).await, "admin").await;
    let states = states(&app, &viewer, &p.pid).await;
    assert_eq!(states["2025-Q1"], "draft");
    assert_eq!(states["2025-Q2"], "draft");
}

#[tokio::test]
async fn draft_and_returned_reports_change_submitted_and_accepted_ones_are_locked() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let body = report_body(&p);
    for quarter in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] {
        put_report(&app, &coordinator, &p.pid, quarter, &body).await;
    }
    act_ok(&app, &coordinator, &p.pid, "2025-Q2", "submit").await;
    act_ok(&app, &t.token, &p.pid, "2025-Q2", "return").await;
    act_ok(&app, &coordinator, &p.pid, "2025-Q3", "submit").await;
    act_ok(&app, &coordinator, &p.pid, "2025-Q4", "submit").await;
    act_ok(&app, &t.token, &p.pid, "2025-Q4", "accept").await;

    // A draft and a returned report change; the figures not sent stay.
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(99)),
        row(
            &p.pid,
            "2025-Q1",
            "reach_total",
            Some(&p.groups[0]),
            json!(20),
        ),
        row(&p.pid, "2025-Q2", "key_person_contacts", None, json!(98)),
    ];
    let answer = ok(
        send_json(&app, &coordinator, &rows).await,
        "draft and returned",
    )
    .await;
    assert_eq!(
        answer,
        outcome(
            false,
            &[
                (p.pid.as_str(), "2025-Q1", false, 2),
                (p.pid.as_str(), "2025-Q2", false, 1)
            ]
        )
    );
    let (q1, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(q1["state"], "draft");
    assert_eq!(q1["reach"]["key_person_contacts"], 99);
    assert_eq!(
        without_nulls(&q1["reach"]["per_target_group"]),
        json!([{"target_group_id": p.groups[0], "new": 1, "total": 20}]),
        "reach_total replaced, new kept"
    );
    assert_eq!(
        q1["network"]["active_partners"], 3,
        "untouched figures stay"
    );
    assert_eq!(q1["narrative"]["developments"], "Begin.");
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q1").await,
        ["created", "updated"]
    );
    let (q2, _) = stored(&app, &coordinator, &p.pid, "2025-Q2").await;
    assert_eq!(q2["state"], "returned", "stays returned");
    assert_eq!(q2["reach"]["key_person_contacts"], 98);

    // Rows for a submitted or an accepted report: 422 at their quarter, nothing stored.
    let (q1_before, q1_etag) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    let (q3_before, q3_etag) = stored(&app, &coordinator, &p.pid, "2025-Q3").await;
    let (q4_before, q4_etag) = stored(&app, &coordinator, &p.pid, "2025-Q4").await;
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(50)),
        row(&p.pid, "2025-Q3", "key_person_contacts", None, json!(1)),
        row(&p.pid, "2025-Q3", "network_meetings", None, json!(2)),
        row(&p.pid, "2025-Q4", "key_person_contacts", None, json!(3)),
    ];
    let found = problem(send_json(&app, &coordinator, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        [
            "/figures/1/quarter",
            "/figures/2/quarter",
            "/figures/3/quarter"
        ],
        "{found}"
    );
    let message = message_at(&found, |e| e["pointer"] == "/figures/1/quarter");
    assert!(message.contains("submitted"), "{message}");
    let message = message_at(&found, |e| e["pointer"] == "/figures/3/quarter");
    assert!(message.contains("accepted"), "{message}");
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q1").await,
        (q1_before, q1_etag),
        "the draft's row was not stored either"
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q3").await,
        (q3_before, q3_etag)
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q4").await,
        (q4_before, q4_etag)
    );
}

#[tokio::test]
async fn json_errors_point_at_the_row_and_its_field() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let partners = register_partners(&app, &t.token).await;
    let p = project_plan(&app, &t.token, "Mantelzorg in Oost", &partners).await;
    let other = project_plan(&app, &t.token, "Mantelzorg in West", &partners).await;
    let pid = p.pid.as_str();
    let q = "2025-Q1";

    // Rows that cannot be read.
    let rows = vec![
        row(pid, q, "key_person_contacts", None, json!(4)),
        row(pid, q, "activity_participants", None, json!("veel")),
        row(pid, q, "reach_old", Some(&p.groups[0]), json!(3)),
        row(pid, "2025-Q7", "referrals_made", None, json!(1)),
        row("project-7", q, "referrals_received", None, json!(1)),
        row(pid, q, "spent", None, json!("10.00")),
        row(pid, q, "hours_spent", Some("outreach"), json!("1.505")),
        row(pid, q, "referrals_made", None, json!(-1)),
        row(pid, q, "network_meetings", Some("flyers"), json!(1)),
    ];
    let found = problem(send_json(&app, &t.token, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        sorted(vec![
            "/figures/1/value".to_string(),
            "/figures/2/figure".into(),
            "/figures/3/quarter".into(),
            "/figures/4/project_id".into(),
            "/figures/5/subject".into(),
            "/figures/6/value".into(),
            "/figures/7/value".into(),
            "/figures/8/subject".into(),
        ]),
        "{found}"
    );

    // Rows that read but break the report's rules or are not in the plan.
    let rows = vec![
        row(pid, q, "reach_new", Some(&p.groups[0]), json!(25)),
        row(pid, q, "reach_total", Some(&p.groups[0]), json!(20)),
        row(pid, q, "spent", Some(&other.lines[0]), json!("10.00")),
        row(pid, q, "communication_count", Some("flyers/de"), json!(5)),
        row(pid, q, "hours_spent", Some("training"), json!("2")),
        row(pid, q, "active_partners", None, json!(1)),
        row(pid, q, "new_partners", None, json!(2)),
        row(pid, q, "reach_total", Some(&other.groups[0]), json!(2)),
        row(pid, "2023-Q4", "key_person_contacts", None, json!(1)),
    ];
    let found = problem(send_json(&app, &t.token, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        sorted(vec![
            "/figures/0/value".to_string(),
            "/figures/2/subject".into(),
            "/figures/3/subject".into(),
            "/figures/4/subject".into(),
            "/figures/6/value".into(),
            "/figures/7/subject".into(),
            "/figures/8/quarter".into(),
        ]),
        "new > total names the reach_new row; new_partners > active_partners the new_partners row: {found}"
    );
    assert!(
        all_not_started(&states(&app, &t.token, pid).await),
        "nothing stored"
    );
    assert!(all_not_started(&states(&app, &t.token, &other.pid).await));
}

// --- CSV -----------------------------------------------------------------------------

#[tokio::test]
async fn csv_with_commas_or_semicolons_bom_and_dutch_headers_equals_json() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let figures = every_figure(&p);
    let n = figures.len();

    // JSON for 2025-Q1.
    let json_answer = ok(
        send_json(&app, &coordinator, &every_figure_json(&p, "2025-Q1")).await,
        "JSON",
    )
    .await;

    // Comma-separated, decimal point, English headers in another order, for 2025-Q2.
    let cells = |quarter: &str, comma: bool| -> Vec<Cells> {
        figures
            .iter()
            .map(|(figure, subject, _, point, dutch)| {
                Cells::new(
                    &p.pid,
                    quarter,
                    figure,
                    subject.as_deref().unwrap_or(""),
                    if comma { dutch } else { point },
                )
            })
            .collect()
    };
    let csv = csv_text(
        &["quarter", "project_id", "figure", "subject", "value"],
        [1, 0, 2, 3, 4],
        &cells("2025-Q2", false),
        ',',
    );
    assert!(
        csv.contains(",40.5\n") && csv.contains("\"Twee nieuwe sleutelpersonen, in de moskee.\"")
    );
    let comma_answer = ok(send_csv(&app, &coordinator, csv).await, "comma CSV").await;

    // Semicolon-separated, decimal comma, BOM, Dutch headers (Excel in Dutch), 2025-Q3.
    let csv = format!(
        "\u{feff}{}",
        crlf(&csv_text(
            &DUTCH,
            [0, 1, 2, 3, 4],
            &cells("2025-Q3", true),
            ';'
        ))
    );
    assert!(csv.contains(";40,5\r\n") && csv.contains(";1250,50\r\n"));
    let dutch_answer = ok(
        send(&app, &coordinator, "", "text/csv; charset=utf-8", csv, None).await,
        "Dutch CSV",
    )
    .await;

    for (answer, quarter) in [
        (&json_answer, "2025-Q1"),
        (&comma_answer, "2025-Q2"),
        (&dutch_answer, "2025-Q3"),
    ] {
        assert_eq!(
            *answer,
            outcome(false, &[(&p.pid, quarter, true, n)]),
            "{quarter}"
        );
        let (report, _) = stored(&app, &coordinator, &p.pid, quarter).await;
        assert_eq!(report["state"], "draft", "{quarter}");
        assert_eq!(
            figures_of(&report),
            every_figure_expected(&p),
            "{quarter} holds the same figures as the JSON submission"
        );
    }
}

/// The rows of the large upload: per (project, quarter) reach per target group, spent
/// per budget line, hours per activity, counts without subject and communication counts
/// per channel/language; 300 rows in all, the groups interleaved.
fn large_upload(
    projects: [&PlannedProject; 2],
    quarters: &[&str],
) -> (Vec<Cells>, Vec<(String, String, usize)>) {
    const CHANNELS: [&str; 11] = [
        "social_media",
        "newsletter",
        "local_newspaper",
        "flyers",
        "video",
        "website",
        "information_meeting",
        "radio",
        "messaging_groups",
        "partner_channels",
        "in_person",
    ];
    const LANGUAGES: [&str; 6] = ["tr", "ar", "nl", "ti", "pap", ""];
    let mut groups: Vec<(String, String, Vec<Cells>)> = Vec::new();
    let mut index = 0;
    for p in projects {
        for quarter in quarters {
            let k = index as u64;
            let c = |figure: &str, subject: &str, value: String| {
                Cells::new(&p.pid, quarter, figure, subject, &value)
            };
            let mut rows = vec![
                c("reach_new", &p.groups[0], (10 + k).to_string()),
                c("reach_total", &p.groups[0], (30 + k).to_string()),
                c("reach_new", &p.groups[1], (2 + k).to_string()),
                c("reach_total", &p.groups[1], (20 + k).to_string()),
                c("spent", &p.lines[0], format!("{}.50", 1000 + k)),
                c("spent", &p.lines[1], format!("{}.95", 80 + k)),
                c("hours_spent", "outreach", format!("{}.25", 12 + k)),
                c("hours_spent", "key_person_meetings", format!("{}.5", 7 + k)),
                c("key_person_contacts", "", (9 + k).to_string()),
                c("activity_participants", "", (41 + k).to_string()),
                c("referrals_received", "", (5 + k).to_string()),
                c("referrals_made", "", (3 + k).to_string()),
                c("active_partners", "", (6 + k).to_string()),
                c("new_partners", "", "2".to_string()),
                c("network_meetings", "", (1 + k).to_string()),
            ];
            let communication = if index % 2 == 0 { 23 } else { 22 };
            for i in 0..communication {
                let channel = CHANNELS[i % CHANNELS.len()];
                let language = LANGUAGES[i / CHANNELS.len()];
                let subject = if language.is_empty() {
                    channel.to_string()
                } else {
                    format!("{channel}/{language}")
                };
                rows.push(c(
                    "communication_count",
                    &subject,
                    (100 * k as usize + i).to_string(),
                ));
            }
            groups.push((p.pid.clone(), quarter.to_string(), rows));
            index += 1;
        }
    }
    let longest = groups.iter().map(|g| g.2.len()).max().unwrap();
    let mut all = Vec::new();
    for i in 0..longest {
        for group in &groups {
            if let Some(r) = group.2.get(i) {
                all.push(r.clone());
            }
        }
    }
    let counts = groups
        .into_iter()
        .map(|(pid, quarter, rows)| (pid, quarter, rows.len()))
        .collect();
    (all, counts)
}

/// The index in `rows` of the row setting `figure` (with `subject`) for a report.
fn find(rows: &[Cells], pid: &str, quarter: &str, figure: &str, subject: &str) -> usize {
    rows.iter()
        .position(|r| r.0[0] == pid && r.0[1] == quarter && r.0[2] == figure && r.0[3] == subject)
        .unwrap_or_else(|| panic!("no row {figure} {subject} for {quarter}"))
}

#[tokio::test]
async fn a_large_csv_with_planted_errors_names_each_cell_and_stores_nothing_until_fixed() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let partners = register_partners(&app, &t.token).await;
    let a = project_plan(&app, &t.token, "Mantelzorg in Oost", &partners).await;
    let b = project_plan(&app, &t.token, "Mantelzorg in West", &partners).await;
    let stranger = app.tenant("Steunpunt Noord").await;
    let theirs = one_project(&app, &stranger).await;

    let quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"];
    let (good, counts) = large_upload([&a, &b], &quarters);
    assert_eq!(good.len(), 300, "300 rows");
    let line = |index: usize| index as u64 + 2;

    // Plant one error on each of eight rows.
    let mut bad = good.clone();
    let mut expected: Vec<(u64, String, &str)> = Vec::new();
    let mut plant = |index: usize, column: usize, value: String, name: &str, hint: &'static str| {
        bad[index].0[column] = value;
        expected.push((line(index), name.to_string(), hint));
    };
    let i = find(&good, &a.pid, "2025-Q1", "key_person_contacts", "");
    plant(i, 2, "key_persons".into(), "figure", "key_persons");
    let i = find(&good, &b.pid, "2025-Q3", "network_meetings", "");
    plant(i, 4, "-2".into(), "value", "-2");
    // reach_new above reach_total (which is 20 + k < 45) for the Arabic-speaking group.
    let i = find(&good, &a.pid, "2025-Q2", "reach_new", &a.groups[1]);
    plant(i, 4, "45".into(), "value", "total");
    let i = find(&good, &a.pid, "2025-Q3", "spent", &a.lines[1]);
    plant(i, 3, b.lines[0].clone(), "subject", "budget line");
    let i = find(&good, &b.pid, "2025-Q1", "hours_spent", "outreach");
    plant(i, 1, "2025Q1".into(), "quarter", "2025Q1");
    let i = find(&good, &b.pid, "2025-Q4", "activity_participants", "");
    plant(i, 1, "2023-Q4".into(), "quarter", "outside");
    let i = find(
        &good,
        &a.pid,
        "2025-Q4",
        "hours_spent",
        "key_person_meetings",
    );
    plant(i, 4, "7.125".into(), "value", "7.125");
    let i = find(&good, &b.pid, "2025-Q2", "communication_count", "flyers/tr");
    plant(i, 0, theirs.pid.clone(), "project_id", "organisation");
    assert_eq!(expected.len(), 8);

    let csv = csv_text(&ENGLISH, [0, 1, 2, 3, 4], &bad, ',');
    let found = problem(send_csv(&app, &coordinator, csv).await, 422).await;
    // Every planted problem, field by field, and nothing else.
    let named = cells_named(&found);
    let wanted = sorted(
        expected
            .iter()
            .map(|(row, column, _)| (*row, column.clone()))
            .collect::<Vec<_>>(),
    );
    let mut mismatch = Vec::new();
    if named != wanted {
        mismatch.push(format!(
            "422 names {named:?}\nexpected  {wanted:?}\nmissing   {:?}\nunexpected {:?}\n{found:#}",
            wanted
                .iter()
                .filter(|c| !named.contains(c))
                .collect::<Vec<_>>(),
            named
                .iter()
                .filter(|c| !wanted.contains(c))
                .collect::<Vec<_>>(),
        ));
    }
    for (row, column, hint) in &expected {
        let error = found["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["row"] == json!(row) && e["column"] == json!(column));
        if let Some(error) = error {
            let message = error["message"].as_str().unwrap_or_default();
            if !message.contains(hint) {
                mismatch.push(format!("row {row} {column}: {message:?} lacks {hint:?}"));
            }
        }
    }

    // Nothing at all was stored, in either project, nor in the stranger's.
    for pid in [&a.pid, &b.pid] {
        assert!(
            all_not_started(&states(&app, &coordinator, pid).await),
            "nothing stored for {pid}"
        );
    }
    assert!(all_not_started(
        &states(&app, &stranger.token, &theirs.pid).await
    ));

    // The fixed file goes through.
    let csv = csv_text(&ENGLISH, [0, 1, 2, 3, 4], &good, ',');
    let answer = ok(send_csv(&app, &coordinator, csv).await, "the fixed file").await;
    assert_eq!(answer["dry_run"], false);
    assert_eq!(answer["rows"], 300);
    let listed: Vec<(String, String, bool, u64)> = sorted(
        answer["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .map(|r| {
                (
                    r["project_id"].as_str().unwrap().to_string(),
                    r["quarter"].as_str().unwrap().to_string(),
                    r["created"].as_bool().unwrap(),
                    r["rows"].as_u64().unwrap(),
                )
            })
            .collect(),
    );
    let wanted: Vec<(String, String, bool, u64)> = sorted(
        counts
            .iter()
            .map(|(pid, q, n)| (pid.clone(), q.clone(), true, *n as u64))
            .collect(),
    );
    assert_eq!(
        listed, wanted,
        "each (project, quarter) created, with its rows"
    );

    for pid in [&a.pid, &b.pid] {
        let states = states(&app, &coordinator, pid).await;
        for (quarter, state) in &states {
            let expected = if quarter.starts_with("2025") {
                "draft"
            } else {
                "not_started"
            };
            assert_eq!(state, expected, "{pid} {quarter}");
        }
    }
    // Spot checks: project A 2025-Q2 is group 1, project B 2025-Q4 is group 7.
    let (report, _) = stored(&app, &coordinator, &a.pid, "2025-Q2").await;
    assert_eq!(
        without_nulls(&report["reach"]["per_target_group"]),
        json!([
            {"target_group_id": a.groups[0], "new": 11, "total": 31},
            {"target_group_id": a.groups[1], "new": 3, "total": 21}
        ])
    );
    assert_eq!(
        report["budget"]["spent"],
        json!([
            {"budget_line_id": a.lines[0], "amount": "1001.50"},
            {"budget_line_id": a.lines[1], "amount": "81.95"}
        ])
    );
    assert_eq!(
        report["budget"]["hours"],
        json!([
            {"activity": "outreach", "hours": "13.25"},
            {"activity": "key_person_meetings", "hours": "8.50"}
        ])
    );
    assert_eq!(report["reach"]["key_person_contacts"], 10);
    let communication = report["communication"].as_array().unwrap();
    assert_eq!(communication.len(), 22, "22 channel/language pairs");
    let radio_ar = communication
        .iter()
        .find(|c| c["channel"] == "radio" && c["language"] == "ar")
        .expect("radio/ar");
    assert_eq!(radio_ar["count"], 100 + 18, "the 19th pair");
    assert!(
        !communication
            .iter()
            .any(|c| c["channel"] == "social_media" && c["language"] == "nl"),
        "the 23rd pair belongs to the even groups only"
    );
    let (report, _) = stored(&app, &coordinator, &a.pid, "2025-Q1").await;
    let communication = report["communication"].as_array().unwrap();
    assert_eq!(communication.len(), 23);
    let pair = communication
        .iter()
        .find(|c| c["channel"] == "social_media" && c["language"] == "nl")
        .expect("social_media/nl");
    assert_eq!(pair["count"], 22, "the 23rd pair of the first group");
    assert_eq!(report["reach"]["key_person_contacts"], 9, "the fixed row");
    let (report, _) = stored(&app, &coordinator, &b.pid, "2025-Q4").await;
    assert_eq!(report["reach"]["activity_participants"], 48);
    assert_eq!(report["network"]["network_meetings"], 8);
    let no_language = report["communication"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["language"].is_null())
        .count();
    assert_eq!(no_language, 0, "22 pairs, all with a language");

    assert!(mismatch.is_empty(), "{}", mismatch.join("\n\n"));
}

#[tokio::test]
async fn empty_submissions_unknown_columns_and_other_content_types_are_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;

    // No figures.
    let found = problem(send_json(&app, &t.token, &[]).await, 422).await;
    assert!(!found["errors"].as_array().unwrap().is_empty(), "{found}");
    problem(send_csv(&app, &t.token, String::new()).await, 422).await;
    problem(
        send_csv(
            &app,
            &t.token,
            "project_id,quarter,figure,subject,value\r\n".into(),
        )
        .await,
        422,
    )
    .await;

    // Not JSON or CSV.
    let csv = csv_text(
        &ENGLISH,
        [0, 1, 2, 3, 4],
        &[Cells::new(
            &p.pid,
            "2025-Q1",
            "key_person_contacts",
            "",
            "3",
        )],
        ',',
    );
    problem(
        send(&app, &t.token, "", "text/plain", csv.clone(), None).await,
        415,
    )
    .await;

    // An unknown column: row 1, named by its header.
    let with_colour = csv_text(
        &["project_id", "quarter", "figure", "kleur", "value"],
        [0, 1, 2, 3, 4],
        &[Cells::new(
            &p.pid,
            "2025-Q1",
            "key_person_contacts",
            "rood",
            "3",
        )],
        ',',
    );
    let found = problem(send_csv(&app, &t.token, with_colour).await, 422).await;
    assert_eq!(cells_named(&found), [(1, "kleur".to_string())], "{found}");

    assert!(all_not_started(&states(&app, &t.token, &p.pid).await));
    // The same file as text/csv is fine.
    ok(send_csv(&app, &t.token, csv).await, "text/csv").await;
}

// --- dry runs and retries ------------------------------------------------------------

#[tokio::test]
async fn a_dry_run_answers_what_would_happen_and_stores_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    put_report(&app, &coordinator, &p.pid, "2025-Q2", &report_body(&p)).await;
    let before = stored(&app, &coordinator, &p.pid, "2025-Q2").await;

    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(
            &p.pid,
            "2025-Q1",
            "spent",
            Some(&p.lines[0]),
            json!("12.50"),
        ),
        row(&p.pid, "2025-Q2", "key_person_contacts", None, json!(6)),
    ];
    let body = json!({ "figures": rows }).to_string();
    let response = send(
        &app,
        &coordinator,
        "?dry_run=true",
        "application/json",
        body.clone(),
        None,
    )
    .await;
    let answer = ok(response, "dry run").await;
    assert_eq!(
        answer,
        outcome(
            true,
            &[
                (p.pid.as_str(), "2025-Q1", true, 2),
                (p.pid.as_str(), "2025-Q2", false, 1)
            ]
        )
    );
    assert_eq!(
        states(&app, &coordinator, &p.pid).await["2025-Q1"],
        "not_started"
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q2").await,
        before,
        "the draft did not change"
    );

    // A dry run checks as much as a real one.
    let bad = json!({"figures": [row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(-5))]});
    let found = problem(
        send(
            &app,
            &coordinator,
            "?dry_run=true",
            "application/json",
            bad.to_string(),
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&found), ["/figures/0/value"]);

    // The real run does what the dry run said.
    let answer = ok(
        send(&app, &coordinator, "", "application/json", body, None).await,
        "real run",
    )
    .await;
    assert_eq!(
        answer,
        outcome(
            false,
            &[
                (p.pid.as_str(), "2025-Q1", true, 2),
                (p.pid.as_str(), "2025-Q2", false, 1)
            ]
        )
    );
    let (q1, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(q1["reach"]["key_person_contacts"], 5);
    let (q2, _) = stored(&app, &coordinator, &p.pid, "2025-Q2").await;
    assert_eq!(q2["reach"]["key_person_contacts"], 6);
}

pub(crate) fn replayed(response: &Response) -> Option<String> {
    response
        .headers()
        .get("Idempotent-Replayed")
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_applies_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let key = "3f0c2a44-5d1e-4c8e-9d7a-1b2c3d4e5f60";
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(&p.pid, "2025-Q1", "reach_new", Some(&p.groups[0]), json!(3)),
        row(
            &p.pid,
            "2025-Q1",
            "reach_total",
            Some(&p.groups[0]),
            json!(8),
        ),
    ];
    let body = json!({ "figures": rows }).to_string();
    let post = |body: String, token: String, key: &'static str| {
        let app = &app;
        async move { send(app, &token, "", "application/json", body, Some(key)).await }
    };

    let first = post(body.clone(), coordinator.clone(), key).await;
    assert_eq!(first.status(), 200);
    assert_eq!(replayed(&first), None, "the first answer is not a replay");
    let first = json_of(first).await;
    assert_eq!(
        first,
        outcome(false, &[(p.pid.as_str(), "2025-Q1", true, 3)])
    );
    let after_first = stored(&app, &coordinator, &p.pid, "2025-Q1").await;

    let retry = post(body.clone(), coordinator.clone(), key).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(replayed(&retry).as_deref(), Some("true"));
    assert_eq!(
        json_of(retry).await,
        first,
        "the first answer, created: true"
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q1").await,
        after_first,
        "the report did not change"
    );
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q1").await,
        ["created"]
    );

    // Someone edits the report; a late retry must not overwrite that.
    let (_, etag) = after_first;
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(&p.pid, "2025-Q1"),
            &coordinator,
            &etag,
            Some(&json!({"reach": {"key_person_contacts": 7}})),
        )
        .await;
    assert_eq!(response.status(), 200, "PATCH");
    let retry = post(body.clone(), coordinator.clone(), key).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(replayed(&retry).as_deref(), Some("true"));
    assert_eq!(json_of(retry).await, first);
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(
        report["reach"]["key_person_contacts"], 7,
        "the retry applied nothing"
    );
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q1").await,
        ["created", "updated"],
        "only the PATCH updated"
    );

    // The same key with another body.
    let other = json!({"figures": [row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(6))]});
    let found = problem(post(other.to_string(), coordinator.clone(), key).await, 422).await;
    assert_eq!(named_fields(&found), ["Idempotency-Key"], "{found}");
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 7);

    // Another organisation's keys are its own: the very same key and body from there
    // is no replay of our answer (their projects differ, so it fails as foreign rows),
    // and their own body with the key is applied there.
    let stranger = app.tenant("Steunpunt Noord").await;
    let theirs = one_project(&app, &stranger).await;
    let response = post(body.clone(), stranger.token.clone(), key).await;
    assert_eq!(replayed(&response), None, "not our answer");
    let found = problem(response, 422).await;
    assert!(
        !named_fields(&found).is_empty()
            && named_fields(&found)
                .iter()
                .all(|f| f.ends_with("/project_id")),
        "{found}"
    );
    let their_body =
        json!({"figures": [row(&theirs.pid, "2025-Q1", "key_person_contacts", None, json!(11))]});
    let response = post(their_body.to_string(), stranger.token.clone(), key).await;
    assert_eq!(response.status(), 200);
    assert_eq!(replayed(&response), None, "not a replay");
    assert_eq!(
        json_of(response).await,
        outcome(false, &[(theirs.pid.as_str(), "2025-Q1", true, 1)])
    );
    let (report, _) = stored(&app, &stranger.token, &theirs.pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 11);
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 7, "ours unchanged");
}

#[tokio::test]
async fn two_concurrent_requests_with_the_same_key_apply_once_and_answer_alike() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let body = json!({"figures": every_figure_json(&p, "2025-Q2")}).to_string();
    let n = every_figure(&p).len();
    let key = "c0ffee00-0000-4000-8000-000000000001";

    let (one, two) = tokio::join!(
        send(
            &app,
            &coordinator,
            "",
            "application/json",
            body.clone(),
            Some(key)
        ),
        send(
            &app,
            &coordinator,
            "",
            "application/json",
            body.clone(),
            Some(key)
        ),
    );
    assert_eq!(one.status(), 200, "first");
    assert_eq!(two.status(), 200, "second");
    let replays = [replayed(&one), replayed(&two)];
    assert_eq!(
        replays
            .iter()
            .filter(|r| r.as_deref() == Some("true"))
            .count(),
        1,
        "exactly one is the replay: {replays:?}"
    );
    let (one, two) = (json_of(one).await, json_of(two).await);
    assert_eq!(one, two, "the same answer");
    assert_eq!(one, outcome(false, &[(p.pid.as_str(), "2025-Q2", true, n)]));
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q2").await,
        ["created"]
    );
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q2").await;
    assert_eq!(figures_of(&report), every_figure_expected(&p));
}

// --- tenancy -------------------------------------------------------------------------

#[tokio::test]
async fn another_organisations_projects_are_refused_and_left_untouched() {
    let app = spawn_app().await;
    let ours = app.tenant("Steunpunt Oost").await;
    let theirs = app.tenant("Steunpunt Noord").await;
    let p = one_project(&app, &ours).await;
    let q = one_project(&app, &theirs).await;
    put_report(&app, &theirs.token, &q.pid, "2025-Q1", &report_body(&q)).await;
    let their_report = stored(&app, &theirs.token, &q.pid, "2025-Q1").await;
    let their_states = states(&app, &theirs.token, &q.pid).await;

    // JSON: their project id, with otherwise valid rows (their own subjects even).
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(&q.pid, "2025-Q1", "key_person_contacts", None, json!(500)),
        row(
            &q.pid,
            "2025-Q2",
            "spent",
            Some(&q.lines[0]),
            json!("99.00"),
        ),
    ];
    let found = problem(send_json(&app, &ours.token, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        ["/figures/1/project_id", "/figures/2/project_id"],
        "{found}"
    );

    // CSV: the same, by line (the header is line 1) and column, whatever the line ends.
    let csv = csv_text(
        &ENGLISH,
        [0, 1, 2, 3, 4],
        &[
            Cells::new(&p.pid, "2025-Q1", "key_person_contacts", "", "5"),
            Cells::new(&q.pid, "2025-Q1", "key_person_contacts", "", "500"),
        ],
        ',',
    );
    let found = problem(send_csv(&app, &ours.token, csv.clone()).await, 422).await;
    assert_eq!(
        cells_named(&found),
        [(3, "project_id".to_string())],
        "LF: {found}"
    );
    let found = problem(send_csv(&app, &ours.token, crlf(&csv)).await, 422).await;
    assert_eq!(
        cells_named(&found),
        [(3, "project_id".to_string())],
        "CRLF, as Excel writes: {found}"
    );

    // A dry run tells nothing about them either.
    let body = json!({"figures": [row(&q.pid, "2025-Q3", "key_person_contacts", None, json!(1))]});
    let found = problem(
        send(
            &app,
            &ours.token,
            "?dry_run=true",
            "application/json",
            body.to_string(),
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&found), ["/figures/0/project_id"]);

    assert_eq!(
        stored(&app, &theirs.token, &q.pid, "2025-Q1").await,
        their_report,
        "their report is unchanged"
    );
    assert_eq!(states(&app, &theirs.token, &q.pid).await, their_states);
    assert!(
        all_not_started(&states(&app, &ours.token, &p.pid).await),
        "our valid row was not stored either"
    );
}
