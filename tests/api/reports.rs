//! Quarterly reports (`/projects/{id}/quarterly-reports`): the quarters of a project
//! and when their reports are due, writing a report (PUT/PATCH with ETags, every figure
//! checked against the plan), the workflow (submit, accept, return, reopen) with its
//! revisions and audit trail, races between clients, the plan lines a report pins, and
//! tenant isolation.

use chrono::{Datelike, Days, NaiveDate};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{PlannedProject, create, planned_project, register_partners};
use crate::helpers::{Tenant, TestApp, etag_of, named_fields, problem, project_body, spawn_app};
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

/// POST `…/{quarter}/{action}`, with an optional body and If-Match.
pub(crate) async fn act(
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
pub(crate) async fn act_ok(
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

/// The report as stored and its ETag.
async fn stored(app: &TestApp, token: &str, pid: &str, quarter: &str) -> (Value, String) {
    fetch(app, token, &report_path(pid, quarter)).await
}

// --- the quarters and when they are due ----------------------------------------------

#[tokio::test]
async fn the_list_has_every_quarter_of_the_period_with_its_state_and_due_date() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let today = amsterdam_today();

    let items = fetch_list(&app, &t.token, pid).await;
    let expected = quarters((2024, 1), (2025, 4));
    let listed: Vec<&str> = items
        .iter()
        .map(|q| q["quarter"].as_str().unwrap())
        .collect();
    assert_eq!(listed, expected, "every quarter of 2024-2025, in order");
    for item in &items {
        let quarter = item["quarter"].as_str().unwrap();
        let due_on = quarter_end(quarter) + Days::new(30);
        assert_eq!(item["state"], "not_started", "{quarter}");
        assert!(item["revision"].is_null(), "{quarter}: no revision yet");
        assert!(item["updated_at"].is_null(), "{quarter}: never updated");
        assert_eq!(
            item["due_on"],
            due_on.to_string(),
            "{quarter}: 30 days after"
        );
        assert_eq!(item["due"], true, "{quarter} has ended and is not reported");
        assert_eq!(item["overdue"], json!(today > due_on), "{quarter} overdue");
    }

    // One report in every state.
    let content = full_content(&plan);
    for quarter in ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"] {
        create_report(&app, &t.token, pid, quarter, &content).await;
    }
    act_ok(&app, &t.token, pid, "2024-Q2", "submit", None).await;
    act_ok(&app, &t.token, pid, "2024-Q3", "submit", None).await;
    act_ok(&app, &t.token, pid, "2024-Q3", "accept", None).await;
    act_ok(&app, &t.token, pid, "2024-Q4", "submit", None).await;
    act_ok(
        &app,
        &t.token,
        pid,
        "2024-Q4",
        "return",
        Some("Bereik ontbreekt"),
    )
    .await;

    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.len(), 8);
    for (quarter, state, due) in [
        ("2024-Q1", "draft", true),
        ("2024-Q2", "submitted", false),
        ("2024-Q3", "accepted", false),
        ("2024-Q4", "returned", true),
        ("2025-Q1", "not_started", true),
    ] {
        let item = items.iter().find(|q| q["quarter"] == quarter).unwrap();
        let due_on = quarter_end(quarter) + Days::new(30);
        assert_eq!(item["state"], state, "{quarter}");
        assert_eq!(item["due"], due, "{quarter} ({state}) due");
        assert_eq!(
            item["overdue"],
            json!(due && today > due_on),
            "{quarter} ({state}) overdue"
        );
        assert_eq!(item["due_on"], due_on.to_string(), "{quarter}");
        if state == "not_started" {
            assert!(item["revision"].is_null() && item["updated_at"].is_null());
        } else {
            // A return closes the submitted revision and starts the next.
            let revision = if state == "returned" { 2 } else { 1 };
            assert_eq!(item["revision"], revision, "{quarter}");
            let (report, _) = stored(&app, &t.token, pid, quarter).await;
            assert_eq!(item["updated_at"], report["updated_at"], "{quarter}");
            assert_eq!(report["due_on"], item["due_on"], "{quarter} report due_on");
        }
    }

    // A project running now: quarters that have not ended are not due.
    let (current, _) = app
        .project(&t.token, &{
            let mut body = project_body("Lopend project");
            body["start_date"] = json!(format!("{}-01-01", today.year() - 1));
            body["end_date"] = json!(format!("{}-12-31", today.year() + 1));
            body
        })
        .await;
    let items = fetch_list(&app, &t.token, &id_of(&current)).await;
    assert_eq!(items.len(), 12, "three years of quarters");
    for item in &items {
        let quarter = item["quarter"].as_str().unwrap();
        let end = quarter_end(quarter);
        let due_on = end + Days::new(30);
        assert_eq!(
            item["due"],
            json!(today > end),
            "{quarter} due (today {today})"
        );
        assert_eq!(
            item["overdue"],
            json!(today > end && today > due_on),
            "{quarter} overdue (today {today})"
        );
    }
}

#[tokio::test]
async fn due_dates_follow_the_organisation_setting_and_the_earliest_reporting_duty() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    // The organisation's report_due_days (admins only, with If-Match).
    let (_, org_etag) = fetch(&app, &t.token, "/api/v1/organisation").await;
    let response = app
        .send_if_match(
            Method::PATCH,
            "/api/v1/organisation",
            &t.token,
            &org_etag,
            Some(&json!({"report_due_days": 45})),
        )
        .await;
    assert_eq!(response.status(), 200, "PATCH report_due_days");
    assert_eq!(json_of(response).await["report_due_days"], 45);
    let item = quarter_status(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(item["due_on"], "2025-05-15", "2025-03-31 + 45 days");

    // Reporting duties: the earliest of the applications that still count.
    let collection = lines_path(pid, "fund-applications");
    let application = |funder: &str, extra: Value, due_on: &str| {
        let mut body = json!({
            "funder_name": funder,
            "funder_kind": "private_fund",
            "amount_requested": "1000",
            "reporting_duties": [{"quarter": "2025-Q2", "due_on": due_on}]
        });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        body
    };
    create(
        &app,
        &t.token,
        &collection,
        &application("Fonds Later", json!({}), "2099-12-31"),
    )
    .await;
    let earliest = create(
        &app,
        &t.token,
        &collection,
        &application(
            "Fonds Vroeg",
            json!({"status": "submitted", "submitted_on": "2025-03-01"}),
            "2098-06-30",
        ),
    )
    .await
    .0;
    create(
        &app,
        &t.token,
        &collection,
        &application(
            "Fonds Afgewezen",
            json!({"status": "rejected", "submitted_on": "2025-03-01", "decided_on": "2025-05-01"}),
            "2025-07-15",
        ),
    )
    .await;
    create(
        &app,
        &t.token,
        &collection,
        &application(
            "Fonds Ingetrokken",
            json!({"status": "withdrawn"}),
            "2025-07-10",
        ),
    )
    .await;

    let item = quarter_status(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(
        item["due_on"], "2098-06-30",
        "the earliest duty of a draft or submitted application; rejected and withdrawn ones do not count"
    );
    assert_eq!(item["due"], true, "the quarter has ended, nothing reported");
    assert_eq!(item["overdue"], false, "not past 2098-06-30");
    // Other quarters keep the organisation's setting.
    let item = quarter_status(&app, &t.token, pid, "2025-Q3").await;
    assert_eq!(item["due_on"], "2025-11-14", "2025-09-30 + 45 days");
    assert_eq!(
        item["overdue"],
        json!(amsterdam_today() > date("2025-11-14"))
    );
    // The report itself shows the same date.
    create_report(&app, &t.token, pid, "2025-Q2", &full_content(&plan)).await;
    let (report, _) = stored(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(report["due_on"], "2098-06-30");

    // Withdrawing the earliest application leaves the next duty.
    let path = format!("{collection}/{}", id_of(&earliest));
    let (_, etag) = fetch(&app, &t.token, &path).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"status": "withdrawn"})),
        )
        .await;
    assert_eq!(response.status(), 200, "withdraw the application");
    let item = quarter_status(&app, &t.token, pid, "2025-Q2").await;
    assert_eq!(item["due_on"], "2099-12-31");
}

// --- writing a report ----------------------------------------------------------------

#[tokio::test]
async fn the_first_put_creates_a_draft_and_later_puts_need_the_current_etag() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let path = report_path(pid, "2025-Q1");
    let content = full_content(&plan);

    let response = put(&app, &coordinator, &path, &content).await;
    assert_eq!(response.status(), 201, "first PUT creates");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, path);
    let etag = etag_of(&response);
    let created = json_of(response).await;
    assert_content(&created, &content, "created");
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["quarter"], "2025-Q1");
    assert_eq!(created["state"], "draft");
    assert_eq!(created["revision"], 1);
    assert_eq!(created["due_on"], "2025-04-30", "2025-03-31 + 30 days");
    assert!(created["id"].is_string() && created["created_at"].is_string());
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (created.clone(), etag.clone()),
        "GET gives what PUT answered"
    );

    // Create-only on an existing report.
    let other = variant(&plan, "B");
    let response = app
        .request(Method::PUT, &path, Some(&coordinator))
        .header("If-None-Match", "*")
        .json(&other)
        .send()
        .await
        .unwrap();
    problem(response, 412).await;
    // Replacing needs If-Match: missing, then stale.
    problem(put(&app, &coordinator, &path, &other).await, 428).await;
    problem(
        app.send_if_match(Method::PUT, &path, &coordinator, "\"999999\"", Some(&other))
            .await,
        412,
    )
    .await;
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (created.clone(), etag.clone()),
        "refused PUTs changed nothing"
    );

    // With the current ETag.
    let response = app
        .send_if_match(Method::PUT, &path, &coordinator, &etag, Some(&other))
        .await;
    assert_eq!(response.status(), 200, "PUT with the current ETag");
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag);
    let replaced = json_of(response).await;
    assert_content(&replaced, &other, "replaced");
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["state"], "draft");
    assert_eq!(replaced["revision"], 1);
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (replaced.clone(), new_etag.clone())
    );
    // The old ETag is stale now.
    problem(
        app.send_if_match(Method::PUT, &path, &coordinator, &etag, Some(&content))
            .await,
        412,
    )
    .await;

    // The same body again changes nothing.
    let response = app
        .send_if_match(Method::PUT, &path, &coordinator, &new_etag, Some(&other))
        .await;
    assert_eq!(response.status(), 200, "same body again");
    assert_eq!(etag_of(&response), new_etag, "idempotent: ETag unchanged");
    assert_eq!(json_of(response).await, replaced, "idempotent: same report");
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (replaced, new_etag)
    );

    // Every section is optional.
    let (empty, _) = create_report(&app, &coordinator, pid, "2025-Q2", &json!({})).await;
    assert_eq!(empty["state"], "draft");
    for section in SECTIONS {
        assert!(
            is_empty_section(&empty[section]),
            "{section} empty: {}",
            empty[section]
        );
    }
}

#[tokio::test]
async fn only_quarters_of_the_project_period_can_be_reported() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = full_content(&plan);

    for quarter in ["2023-Q4", "2026-Q1", "2030-Q2"] {
        let response = put(&app, &t.token, &report_path(pid, quarter), &content).await;
        let body = problem(response, 422).await;
        assert_eq!(
            named_fields(&body),
            ["quarter"],
            "{quarter} names the parameter"
        );
    }
    for malformed in ["2026Q3", "2025-Q5", "25-Q1"] {
        let path = report_path(pid, malformed);
        problem(put(&app, &t.token, &path, &content).await, 404).await;
        problem(app.get(&path, &t.token).await, 404).await;
    }
    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.len(), 8);
    assert!(
        items.iter().all(|q| q["state"] == "not_started"),
        "nothing was stored"
    );
}

/// Invalid variants of `full_content` and the pointers each must name; `prefix`: the
/// pointers only need to start with it (duplicates may name the item or its key).
fn invalid_contents(plan: &Plan) -> Vec<(String, Value, Vec<String>, bool)> {
    let full = full_content(plan);
    let mut cases: Vec<(String, Value, Vec<String>, bool)> = Vec::new();
    let mut exact = |name: &str, pointer: &str, value: Value| {
        cases.push((
            name.to_string(),
            with_at(&full, pointer, value),
            vec![pointer.to_string()],
            false,
        ));
    };
    // Negative counts.
    exact("negative contacts", "/reach/key_person_contacts", json!(-1));
    exact(
        "negative referrals per partner",
        "/reach/per_partner/0/received",
        json!(-4),
    );
    exact("negative meetings", "/network/network_meetings", json!(-2));
    exact("negative count", "/communication/0/count", json!(-1));
    exact(
        "negative reach",
        "/communication/1/estimated_reach",
        json!(-80),
    );
    // Figures that contradict each other.
    exact(
        "more new than total",
        "/reach/per_target_group/0/new",
        json!(31),
    );
    exact(
        "more new partners than active",
        "/network/new_partners",
        json!(7),
    );
    // References outside the plan.
    let unknown = uuid::Uuid::new_v4().to_string();
    for (name, id) in [
        ("unknown", &unknown),
        ("another project's", &plan.other.group),
    ] {
        exact(
            &format!("{name} target group"),
            "/reach/per_target_group/1/target_group_id",
            json!(id),
        );
    }
    for (name, id) in [
        ("unknown", &unknown),
        ("another project's", &plan.other.line),
    ] {
        exact(
            &format!("{name} budget line"),
            "/budget/spent/1/budget_line_id",
            json!(id),
        );
    }
    for (name, id) in [
        ("unknown", &unknown),
        ("another project's", &plan.other.link),
    ] {
        exact(
            &format!("{name} partner in per_partner"),
            "/reach/per_partner/1/project_partner_id",
            json!(id),
        );
        exact(
            &format!("{name} partner in level_changes"),
            "/network/level_changes/0/project_partner_id",
            json!(id),
        );
    }
    exact(
        "activity without planned hours",
        "/budget/hours/1/activity",
        json!("training"),
    );
    exact(
        "language not in the plan",
        "/communication/2/language",
        json!("fr"),
    );
    // Amounts: strings with at most two decimals, not negative.
    exact("three decimals", "/budget/spent/0/amount", json!("12.345"));
    exact("amount as number", "/budget/spent/0/amount", json!(12.5));
    exact("negative amount", "/budget/spent/1/amount", json!("-1.00"));
    exact(
        "cost with three decimals",
        "/communication/0/cost",
        json!("1.999"),
    );
    exact("hours not a number", "/budget/hours/0/hours", json!("veel"));
    // Duplicates.
    for (name, array) in [
        ("target group twice", "/reach/per_target_group"),
        ("partner twice in per_partner", "/reach/per_partner"),
        ("partner twice in level_changes", "/network/level_changes"),
        ("channel and language twice", "/communication"),
        ("budget line twice", "/budget/spent"),
        ("activity twice", "/budget/hours"),
    ] {
        let (doc, pointer) = duplicated(&full, array, 0);
        cases.push((name.to_string(), doc, vec![pointer], true));
    }
    // Same channel and language with different figures is still a duplicate.
    let doc = with_at(
        &full,
        "/communication/5",
        json!({"channel": "flyers", "language": "tr", "count": 1, "estimated_reach": 1, "cost": "1.00"}),
    );
    cases.push((
        "channel and language twice, other figures".into(),
        doc,
        vec!["/communication/5".into()],
        true,
    ));
    cases
}

fn assert_names(problem: &Value, expected: &[String], prefix: bool, context: &str) {
    let named = named_fields(problem);
    if prefix {
        assert!(
            !named.is_empty() && named.iter().all(|n| n.starts_with(&expected[0])),
            "{context}: expected pointers under {}, got {named:?} in {problem}",
            expected[0]
        );
    } else {
        assert_eq!(named, expected, "{context}: pointers in {problem}");
    }
}

#[tokio::test]
async fn figures_that_break_the_rules_or_leave_the_plan_are_422_and_nothing_is_stored() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    // The full content is valid, so each case fails for its one reason.
    let (existing, etag) =
        create_report(&app, &t.token, pid, "2025-Q2", &full_content(&plan)).await;
    let existing_path = report_path(pid, "2025-Q2");
    let new_path = report_path(pid, "2025-Q1");

    let mut failures = Vec::new();
    for (name, body, pointers, prefix) in invalid_contents(&plan) {
        // On create.
        let response = put(&app, &t.token, &new_path, &body).await;
        if response.status() != 422 {
            failures.push(format!("create, {name}: {}", response.status()));
        } else {
            let problem = problem(response, 422).await;
            assert_names(&problem, &pointers, prefix, &format!("create, {name}"));
        }
        // On replace.
        let response = app
            .send_if_match(Method::PUT, &existing_path, &t.token, &etag, Some(&body))
            .await;
        if response.status() != 422 {
            failures.push(format!("replace, {name}: {}", response.status()));
        } else {
            let problem = problem(response, 422).await;
            assert_names(&problem, &pointers, prefix, &format!("replace, {name}"));
        }
    }
    // Through PATCH, a section at a time.
    for (name, patch, pointer) in [
        (
            "new > total",
            json!({"reach": {"per_target_group": [
                {"target_group_id": plan.groups[0], "new": 5, "total": 2}
            ]}}),
            "/reach/per_target_group/0/new",
        ),
        (
            "new partners > active",
            json!({"network": {"new_partners": 10}}),
            "/network/new_partners",
        ),
        (
            "language not in the plan",
            json!({"communication": [{"channel": "radio", "language": "de", "count": 1}]}),
            "/communication/0/language",
        ),
    ] {
        let response = app
            .send_if_match(Method::PATCH, &existing_path, &t.token, &etag, Some(&patch))
            .await;
        if response.status() != 422 {
            failures.push(format!("patch, {name}: {}", response.status()));
        } else {
            let problem = problem(response, 422).await;
            assert_names(
                &problem,
                &[pointer.to_string()],
                false,
                &format!("patch, {name}"),
            );
        }
    }
    assert!(failures.is_empty(), "not refused with 422: {failures:#?}");

    assert_eq!(
        stored(&app, &t.token, pid, "2025-Q2").await,
        (existing, etag),
        "the existing report is unchanged"
    );
    let item = quarter_status(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(item["state"], "not_started", "no report was created");
    assert_eq!(
        actions(&events(&app, &t.token, pid, "2025-Q2").await),
        ["created"],
        "no event for refused writes"
    );
}

#[tokio::test]
async fn every_language_of_the_plan_and_dutch_may_be_reported() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    // tr and nl: target group, ar: target group, ti: translation, pap: communication
    // target, nl: always; and an effort in no particular language.
    let mut content = full_content(&plan);
    content["communication"]
        .as_array_mut()
        .unwrap()
        .push(json!({"channel": "social_media", "count": 12}));
    let (report, _) = create_report(&app, &t.token, &plan.pid, "2024-Q1", &content).await;
    let languages: Vec<Value> = report["communication"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["language"].clone())
        .collect();
    assert_eq!(
        languages,
        [
            json!("tr"),
            json!("ar"),
            json!("pap"),
            json!("ti"),
            json!("nl"),
            Value::Null
        ]
    );
    assert_content(
        &json!({"communication": &report["communication"].as_array().unwrap()[..5]}),
        &json!({"communication": &full_content(&plan)["communication"]}),
        "five efforts as sent",
    );
}

#[tokio::test]
async fn patch_merges_into_the_report_and_needs_if_match() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &coordinator).await;
    let pid = &plan.pid;
    let path = report_path(pid, "2025-Q3");
    let content = full_content(&plan);
    let (_, etag) = create_report(&app, &coordinator, pid, "2025-Q3", &content).await;

    let patch = json!({
        "narrative": {"obstacles": "Minder vrijwilligers in de zomer."},
        "network": {"network_meetings": 5},
        "budget": {"spent": [{"budget_line_id": plan.lines[1], "amount": "10.00"}]},
        "communication": null
    });
    let response = app
        .request(Method::PATCH, &path, Some(&coordinator))
        .json(&patch)
        .send()
        .await
        .unwrap();
    problem(response, 428).await;
    let response = app
        .send_if_match(Method::PATCH, &path, &coordinator, &etag, Some(&patch))
        .await;
    assert_eq!(response.status(), 200, "PATCH with the current ETag");
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag);
    let patched = json_of(response).await;

    // Fields sent replace, the rest stays.
    let mut narrative = content["narrative"].clone();
    narrative["obstacles"] = json!("Minder vrijwilligers in de zomer.");
    assert_eq!(patched["narrative"], narrative);
    let mut network = content["network"].clone();
    network["network_meetings"] = json!(5);
    assert_eq!(patched["network"], network);
    // Lists are replaced as a whole.
    assert_eq!(
        patched["budget"]["spent"],
        json!([{"budget_line_id": plan.lines[1], "amount": "10.00"}])
    );
    assert_eq!(patched["budget"]["hours"], content["budget"]["hours"]);
    // null clears.
    assert!(
        is_empty_section(&patched["communication"]),
        "communication cleared: {}",
        patched["communication"]
    );
    assert_eq!(patched["reach"], content["reach"]);
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q3").await,
        (patched.clone(), new_etag.clone())
    );
    // Stale ETag.
    problem(
        app.send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &etag,
            Some(&json!({"network": {"network_meetings": 6}})),
        )
        .await,
        412,
    )
    .await;
    // Clearing one figure.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &new_etag,
            Some(&json!({"reach": {"key_person_contacts": null}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cleared = json_of(response).await;
    assert!(cleared["reach"]["key_person_contacts"].is_null());
    assert_eq!(
        cleared["reach"]["per_target_group"],
        content["reach"]["per_target_group"]
    );
    // PATCH does not create.
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(pid, "2025-Q4"),
            &coordinator,
            "\"1\"",
            Some(&json!({"network": {"network_meetings": 1}})),
        )
        .await;
    assert_eq!(
        response.status(),
        404,
        "PATCH of a report that does not exist"
    );
    assert_eq!(
        quarter_status(&app, &coordinator, pid, "2025-Q4").await["state"],
        "not_started"
    );
}

// --- the workflow --------------------------------------------------------------------

#[tokio::test]
async fn every_allowed_move_of_the_workflow() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    create_report(&app, &coordinator, pid, q, &full_content(&plan)).await;

    let check = |report: &Value, state: &str, revision: i64| {
        assert_eq!(report["state"], state, "state in {report}");
        assert_eq!(report["revision"], revision, "revision in {report}");
    };
    // draft → submitted (coordinator), without a body.
    let report = act_ok(&app, &coordinator, pid, q, "submit", None).await;
    check(&report, "submitted", 1);
    // submitted → returned (admin, with a reason).
    let report = act_ok(
        &app,
        &t.token,
        pid,
        q,
        "return",
        Some("Bereik per doelgroep ontbreekt"),
    )
    .await;
    // A return closes revision 1 (as it was submitted) and starts revision 2.
    check(&report, "returned", 2);
    // A returned report can be edited…
    let (_, etag) = stored(&app, &coordinator, pid, q).await;
    let fixed = variant(&plan, "aangevuld");
    let response = app
        .send_if_match(
            Method::PUT,
            &report_path(pid, q),
            &coordinator,
            &etag,
            Some(&fixed),
        )
        .await;
    assert_eq!(response.status(), 200, "edit a returned report");
    let edited = json_of(response).await;
    check(&edited, "returned", 2);
    assert_content(&edited, &fixed, "edited while returned");
    // …and submitted again (returned → submitted), with a body.
    let report = act_ok(&app, &coordinator, pid, q, "submit", Some("Aangevuld")).await;
    check(&report, "submitted", 2);
    // submitted → accepted.
    let report = act_ok(&app, &t.token, pid, q, "accept", None).await;
    check(&report, "accepted", 2);
    assert_content(&report, &fixed, "accepted as submitted");
    // accepted → draft, a new revision.
    let report = act_ok(
        &app,
        &t.token,
        pid,
        q,
        "reopen",
        Some("Cijfers gecorrigeerd"),
    )
    .await;
    check(&report, "draft", 3);
    // draft → submitted (admin may submit too), then submitted → draft by reopen.
    let report = act_ok(&app, &t.token, pid, q, "submit", None).await;
    check(&report, "submitted", 3);
    let report = act_ok(&app, &t.token, pid, q, "reopen", Some("Nog een correctie")).await;
    check(&report, "draft", 4);
    let (now, _) = stored(&app, &coordinator, pid, q).await;
    check(&now, "draft", 4);
    let item = quarter_status(&app, &coordinator, pid, q).await;
    assert_eq!(
        (item["state"].clone(), item["revision"].clone()),
        (json!("draft"), json!(4))
    );
}

#[tokio::test]
async fn forbidden_moves_are_409_naming_the_allowed_ones() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = full_content(&plan);
    let reason = json!({"reason": "Omdat het moet"});

    // One report in each state.
    for q in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] {
        create_report(&app, &t.token, pid, q, &content).await;
    }
    act_ok(&app, &t.token, pid, "2025-Q2", "submit", None).await;
    act_ok(&app, &t.token, pid, "2025-Q3", "submit", None).await;
    act_ok(&app, &t.token, pid, "2025-Q3", "accept", None).await;
    act_ok(&app, &t.token, pid, "2025-Q4", "submit", None).await;
    act_ok(&app, &t.token, pid, "2025-Q4", "return", Some("Onvolledig")).await;

    let mut failures = Vec::new();
    for (q, state, forbidden, allowed) in [
        (
            "2025-Q1",
            "draft",
            vec!["accept", "return", "reopen"],
            vec!["submit"],
        ),
        (
            "2025-Q2",
            "submitted",
            vec!["submit"],
            vec!["accept", "reopen", "return"],
        ),
        (
            "2025-Q3",
            "accepted",
            vec!["submit", "accept", "return"],
            vec!["reopen"],
        ),
        (
            "2025-Q4",
            "returned",
            vec!["accept", "return", "reopen"],
            vec!["submit"],
        ),
    ] {
        let before = stored(&app, &t.token, pid, q).await;
        assert_eq!(before.0["state"], state);
        for action in forbidden {
            let response = act(&app, &t.token, pid, q, action, Some(&reason), None).await;
            if response.status() != 409 {
                failures.push(format!("{action} on {state}: {}", response.status()));
                continue;
            }
            let body = problem(response, 409).await;
            assert_eq!(
                body["type"], INVALID_TRANSITION,
                "{action} on {state}: {body}"
            );
            let named: Vec<String> = body["allowed"]
                .as_array()
                .unwrap_or_else(|| panic!("allowed in {body}"))
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            assert_eq!(sorted(named), allowed, "{action} on {state}: allowed moves");
        }
        assert_eq!(
            stored(&app, &t.token, pid, q).await,
            before,
            "{state} report unchanged"
        );
    }
    assert!(
        failures.is_empty(),
        "forbidden moves not refused with 409: {failures:#?}"
    );

    // A quarter without a report has nothing to move.
    let response = act(&app, &t.token, pid, "2024-Q1", "submit", None, None).await;
    assert!(
        [404, 409].contains(&response.status().as_u16()),
        "submit without a report: {}",
        response.status()
    );
    assert_eq!(
        quarter_status(&app, &t.token, pid, "2024-Q1").await["state"],
        "not_started"
    );
}

#[tokio::test]
async fn roles_decide_who_writes_submits_and_decides() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let (_, viewer) = app.user_with_role(&t, "viewer").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let content = full_content(&plan);

    // Viewers read but never write.
    problem(
        put(&app, &viewer, &report_path(pid, q), &content).await,
        403,
    )
    .await;
    assert_eq!(
        quarter_status(&app, &viewer, pid, q).await["state"],
        "not_started"
    );
    let (report, etag) = create_report(&app, &coordinator, pid, q, &content).await;
    problem(
        app.send_if_match(
            Method::PUT,
            &report_path(pid, q),
            &viewer,
            &etag,
            Some(&variant(&plan, "v")),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.send_if_match(
            Method::PATCH,
            &report_path(pid, q),
            &viewer,
            &etag,
            Some(&json!({"network": {"network_meetings": 1}})),
        )
        .await,
        403,
    )
    .await;
    problem(act(&app, &viewer, pid, q, "submit", None, None).await, 403).await;
    assert_eq!(stored(&app, &viewer, pid, q).await, (report, etag));
    for path in [
        reports_path(pid),
        format!("{}/revisions", report_path(pid, q)),
        format!("{}/events", report_path(pid, q)),
    ] {
        assert_eq!(
            app.get(&path, &viewer).await.status(),
            200,
            "viewer reads {path}"
        );
    }

    // Coordinators submit but do not decide.
    act_ok(&app, &coordinator, pid, q, "submit", None).await;
    let reason = json!({"reason": "Controle"});
    for action in ["accept", "return", "reopen"] {
        for token in [&coordinator, &viewer] {
            problem(
                act(&app, token, pid, q, action, Some(&reason), None).await,
                403,
            )
            .await;
        }
    }
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "submitted");
    // Accepted: coordinators cannot reopen either.
    act_ok(&app, &t.token, pid, q, "accept", None).await;
    problem(
        act(&app, &coordinator, pid, q, "reopen", Some(&reason), None).await,
        403,
    )
    .await;
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "accepted");
}

#[tokio::test]
async fn return_and_reopen_need_a_reason_and_a_stale_etag_is_412() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let (_, first_etag) = create_report(&app, &t.token, pid, q, &full_content(&plan)).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(pid, q),
            &t.token,
            &first_etag,
            Some(&json!({"network": {"network_meetings": 8}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let current = etag_of(&response);

    // A stale If-Match on a move is 412, a current one is honoured.
    problem(
        act(&app, &t.token, pid, q, "submit", None, Some(&first_etag)).await,
        412,
    )
    .await;
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "draft");
    let response = act(&app, &t.token, pid, q, "submit", None, Some(&current)).await;
    assert_eq!(response.status(), 200, "submit with the current ETag");
    let submitted_etag = etag_of(&response);
    assert_ne!(submitted_etag, current, "a move changes the version");
    assert_eq!(json_of(response).await["state"], "submitted");

    for action in ["return", "reopen"] {
        for body in [
            None,
            Some(json!({})),
            Some(json!({"reason": null})),
            Some(json!({"reason": ""})),
        ] {
            let before = stored(&app, &t.token, pid, q).await;
            let response = act(&app, &t.token, pid, q, action, body.as_ref(), None).await;
            let problem = problem(response, 422).await;
            assert_eq!(
                named_fields(&problem),
                ["/reason"],
                "{action} with {body:?}"
            );
            assert_eq!(
                stored(&app, &t.token, pid, q).await,
                before,
                "{action} changed nothing"
            );
        }
        problem(
            act(
                &app,
                &t.token,
                pid,
                q,
                action,
                Some(&json!({"reason": "Te laat"})),
                Some(&current),
            )
            .await,
            412,
        )
        .await;
    }
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "submitted");
    let response = act(
        &app,
        &t.token,
        pid,
        q,
        "return",
        Some(&json!({"reason": "Te laat"})),
        Some(&submitted_etag),
    )
    .await;
    assert_eq!(response.status(), 200, "return with the current ETag");
    assert_eq!(json_of(response).await["state"], "returned");
}

#[tokio::test]
async fn submitted_and_accepted_reports_are_locked() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = full_content(&plan);
    for q in ["2025-Q1", "2025-Q2"] {
        create_report(&app, &t.token, pid, q, &content).await;
        act_ok(&app, &t.token, pid, q, "submit", None).await;
    }
    act_ok(&app, &t.token, pid, "2025-Q2", "accept", None).await;

    for (q, state) in [("2025-Q1", "submitted"), ("2025-Q2", "accepted")] {
        let path = report_path(pid, q);
        let before = stored(&app, &t.token, pid, q).await;
        let (_, etag) = &before;
        for (method, body) in [
            (Method::PUT, variant(&plan, "na indienen")),
            (
                Method::PATCH,
                json!({"narrative": {"obstacles": "Achteraf aangepast"}}),
            ),
        ] {
            let response = app
                .send_if_match(method.clone(), &path, &t.token, etag, Some(&body))
                .await;
            let problem = problem(response, 409).await;
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                detail.contains(state),
                "{method} on a {state} report: detail names the state: {detail}"
            );
        }
        assert_eq!(
            stored(&app, &t.token, pid, q).await,
            before,
            "{state} unchanged"
        );
        let events = events(&app, &t.token, pid, q).await;
        assert!(
            !actions(&events).contains(&"updated".to_string()),
            "no update recorded: {events:?}"
        );
    }
}

#[tokio::test]
async fn reopening_closes_the_revision_and_keeps_it_as_it_was() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2024-Q4";
    let first = full_content(&plan);
    create_report(&app, &t.token, pid, q, &first).await;
    act_ok(&app, &t.token, pid, q, "submit", None).await;
    act_ok(&app, &t.token, pid, q, "accept", None).await;

    let revisions_path = format!("{}/revisions", report_path(pid, q));
    let revisions = fetch_revisions(&app, &t.token, &revisions_path).await;
    assert_eq!(revisions["closed"], json!([]), "nothing closed yet");
    assert_eq!(revisions["current"]["revision"], 1);

    let reopened = act_ok(&app, &t.token, pid, q, "reopen", Some("Verkeerde cijfers")).await;
    assert_eq!(
        (reopened["state"].clone(), reopened["revision"].clone()),
        (json!("draft"), json!(2))
    );
    assert_content(&reopened, &first, "revision 2 starts from revision 1");

    // Editing revision 2 leaves revision 1 as it was.
    let (_, etag) = stored(&app, &t.token, pid, q).await;
    let second = variant(&plan, "gecorrigeerd");
    let response = app
        .send_if_match(
            Method::PUT,
            &report_path(pid, q),
            &t.token,
            &etag,
            Some(&second),
        )
        .await;
    assert_eq!(response.status(), 200, "edit the reopened report");
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(pid, q),
            &t.token,
            &etag_of(&response),
            Some(&json!({"network": {"active_partners": 9}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let current = json_of(response).await;

    let revisions = fetch_revisions(&app, &t.token, &revisions_path).await;
    let closed = revisions["closed"].as_array().expect("closed");
    assert_eq!(closed.len(), 1, "one closed revision: {revisions}");
    assert_eq!(closed[0]["revision"], 1);
    assert_eq!(closed[0]["state"], "accepted");
    assert_content(&closed[0]["content"], &first, "closed revision 1");
    assert!(closed[0]["closed_at"].is_string());
    assert_eq!(revisions["current"]["revision"], 2);
    assert_eq!(revisions["current"]["state"], "draft");
    assert_eq!(revisions["current"], current, "current is the report");
    assert_eq!(current["network"]["active_partners"], 9);
    assert_eq!(current["narrative"], second["narrative"]);

    // Reopening a submitted revision closes it as submitted.
    act_ok(&app, &t.token, pid, q, "submit", None).await;
    act_ok(&app, &t.token, pid, q, "reopen", Some("Nog niet klaar")).await;
    let revisions = fetch_revisions(&app, &t.token, &revisions_path).await;
    let closed = revisions["closed"].as_array().expect("closed");
    assert_eq!(closed.len(), 2);
    assert_eq!(
        closed
            .iter()
            .map(|r| r["revision"].clone())
            .collect::<Vec<_>>(),
        [json!(1), json!(2)],
        "oldest first"
    );
    assert_eq!(closed[1]["state"], "submitted");
    assert_content(&closed[1]["content"], &current, "closed revision 2");
    assert_content(&closed[0]["content"], &first, "revision 1 still as it was");
    assert_eq!(revisions["current"]["revision"], 3);
    let closed_at: Vec<chrono::DateTime<chrono::FixedOffset>> = closed
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r["closed_at"].as_str().unwrap()).unwrap())
        .collect();
    assert!(closed_at[0] <= closed_at[1]);

    // A quarter without a report has no revisions.
    problem(
        app.get(
            &format!("{}/revisions", report_path(pid, "2025-Q1")),
            &t.token,
        )
        .await,
        404,
    )
    .await;
}

async fn fetch_revisions(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    json_of(response).await
}

#[tokio::test]
async fn the_audit_trail_says_who_did_what_when_and_why() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (coordinator_id, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q2";
    let path = report_path(pid, q);

    let (_, etag) = create_report(&app, &coordinator, pid, q, &full_content(&plan)).await;
    let response = app
        .send_if_match(
            Method::PUT,
            &path,
            &coordinator,
            &etag,
            Some(&variant(&plan, "2")),
        )
        .await;
    assert_eq!(response.status(), 200);
    act_ok(&app, &coordinator, pid, q, "submit", None).await;
    act_ok(
        &app,
        &t.token,
        pid,
        q,
        "return",
        Some("Bereik per partner ontbreekt"),
    )
    .await;
    let (_, etag) = stored(&app, &coordinator, pid, q).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &etag,
            Some(&json!({"network": {"network_meetings": 4}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    act_ok(&app, &coordinator, pid, q, "submit", None).await;
    act_ok(&app, &t.token, pid, q, "accept", Some("Akkoord")).await;
    act_ok(
        &app,
        &t.token,
        pid,
        q,
        "reopen",
        Some("Subsidiegever vraagt correctie"),
    )
    .await;

    let trail = events(&app, &t.token, pid, q).await;
    let coordinator_actor = json!(format!("user:{coordinator_id}"));
    let admin_actor = json!(format!("user:{}", t.admin_id));
    let expected = [
        (
            "created",
            Value::Null,
            "draft",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "updated",
            json!("draft"),
            "draft",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "submitted",
            json!("draft"),
            "submitted",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "returned",
            json!("submitted"),
            "returned",
            &admin_actor,
            json!("Bereik per partner ontbreekt"),
        ),
        (
            "updated",
            json!("returned"),
            "returned",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "submitted",
            json!("returned"),
            "submitted",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "accepted",
            json!("submitted"),
            "accepted",
            &admin_actor,
            json!("Akkoord"),
        ),
        (
            "reopened",
            json!("accepted"),
            "draft",
            &admin_actor,
            json!("Subsidiegever vraagt correctie"),
        ),
    ];
    assert_eq!(
        actions(&trail),
        expected.iter().map(|e| e.0).collect::<Vec<_>>(),
        "oldest first: {trail:#?}"
    );
    for (event, (action, from, to, actor, reason)) in trail.iter().zip(expected.iter()) {
        assert_eq!(event["from_state"], *from, "{action} from: {event}");
        assert_eq!(event["to_state"], *to, "{action} to: {event}");
        assert_eq!(&event["actor"], *actor, "{action} actor: {event}");
        assert_eq!(event["reason"], *reason, "{action} reason: {event}");
        assert!(event["at"].is_string() && event["id"].is_i64(), "{event}");
    }
    // The return closes revision 1 and the reopen revision 2; each event names the
    // revision it left the report in.
    let revisions: Vec<i64> = trail
        .iter()
        .map(|e| e["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(revisions, [1, 1, 1, 2, 2, 2, 2, 3], "{trail:#?}");
    let ids: Vec<i64> = trail.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids ascending: {ids:?}"
    );
    let at: Vec<chrono::DateTime<chrono::FixedOffset>> = trail
        .iter()
        .map(|e| chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap()).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "times ascending");

    // A quarter without a report has no trail.
    problem(
        app.get(&format!("{}/events", report_path(pid, "2025-Q3")), &t.token)
            .await,
        404,
    )
    .await;
}

// --- races ---------------------------------------------------------------------------

#[tokio::test]
async fn two_clients_editing_with_the_same_etag_one_wins_the_other_gets_412() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let path = report_path(pid, q);
    create_report(&app, &t.token, pid, q, &full_content(&plan)).await;

    for round in 0..3 {
        let (_, etag) = stored(&app, &t.token, pid, q).await;
        let (a, b) = (
            variant(&plan, &format!("A{round}")),
            variant(&plan, &format!("B{round}")),
        );
        let (method, a_body, b_body) = if round == 1 {
            (
                Method::PATCH,
                json!({"narrative": a["narrative"]}),
                json!({"narrative": b["narrative"]}),
            )
        } else {
            (Method::PUT, a.clone(), b.clone())
        };
        let (ra, rb) = tokio::join!(
            app.send_if_match(method.clone(), &path, &t.token, &etag, Some(&a_body)),
            app.send_if_match(method.clone(), &path, &coordinator, &etag, Some(&b_body)),
        );
        let statuses = (ra.status().as_u16(), rb.status().as_u16());
        let (winner, winner_etag) = match statuses {
            (200, 412) => (&a, etag_of(&ra)),
            (412, 200) => (&b, etag_of(&rb)),
            other => {
                panic!("round {round} ({method}): expected one 200 and one 412, got {other:?}")
            }
        };
        let (report, stored_etag) = stored(&app, &t.token, pid, q).await;
        assert_content(
            &report,
            winner,
            &format!("round {round}: the winner's content"),
        );
        assert_eq!(
            stored_etag, winner_etag,
            "round {round}: the winner's version"
        );
    }
    let updates = actions(&events(&app, &t.token, pid, q).await)
        .iter()
        .filter(|a| *a == "updated")
        .count();
    assert_eq!(updates, 3, "one update per round");
}

#[tokio::test]
async fn two_clients_submitting_at_once_one_gets_409() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    for q in ["2025-Q1", "2025-Q2", "2025-Q3"] {
        create_report(&app, &coordinator, pid, q, &full_content(&plan)).await;
        let (ra, rb) = tokio::join!(
            act(&app, &coordinator, pid, q, "submit", None, None),
            act(&app, &t.token, pid, q, "submit", None, None),
        );
        let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{q}: one submit wins");
        let loser = if ra.status() == 409 { ra } else { rb };
        let body = problem(loser, 409).await;
        assert_eq!(body["type"], INVALID_TRANSITION, "{q}: {body}");
        assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "submitted");
        let submitted = actions(&events(&app, &t.token, pid, q).await)
            .iter()
            .filter(|a| *a == "submitted")
            .count();
        assert_eq!(submitted, 1, "{q}: submitted once");
    }
}

#[tokio::test]
async fn two_clients_creating_the_same_quarter_at_once_lose_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    for q in ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"] {
        let path = report_path(pid, q);
        let (a, b) = (
            variant(&plan, &format!("{q} A")),
            variant(&plan, &format!("{q} B")),
        );
        let (ra, rb) = tokio::join!(
            put(&app, &t.token, &path, &a),
            put(&app, &coordinator, &path, &b)
        );
        let statuses = [ra.status().as_u16(), rb.status().as_u16()];
        let created = statuses.iter().filter(|s| **s == 201).count();
        assert!(
            created >= 1 && statuses.iter().all(|s| [201, 409, 428].contains(s)),
            "{q}: one 201, the other 201, 409 or 428; got {statuses:?}"
        );
        let (report, _) = stored(&app, &t.token, pid, q).await;
        assert_eq!(report["revision"], 1);
        assert_eq!(report["state"], "draft");
        let developments = &report["narrative"]["developments"];
        assert!(
            *developments == a["narrative"]["developments"]
                || *developments == b["narrative"]["developments"],
            "{q}: content is one of the two bodies: {developments}"
        );
        assert!(
            report["narrative"] == a["narrative"] || report["narrative"] == b["narrative"],
            "{q}: not a mixture"
        );
        assert_content(
            &report,
            &json!({"reach": a["reach"], "network": a["network"], "budget": a["budget"], "communication": a["communication"]}),
            q,
        );
        if created == 1 {
            // The single creator's body is the one stored.
            let winner = if statuses[0] == 201 { &a } else { &b };
            assert_content(&report, winner, &format!("{q}: the creator's body"));
            let creations = actions(&events(&app, &t.token, pid, q).await)
                .iter()
                .filter(|a| *a == "created")
                .count();
            assert_eq!(creations, 1, "{q}: created once");
        }
    }
    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.len(), 8, "still one entry per quarter");
}

// --- the plan lines a report pins ----------------------------------------------------

#[tokio::test]
async fn lines_a_report_refers_to_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    // Refers to the first target group, budget line and partner link only.
    let content = json!({
        "reach": {
            "per_target_group": [{"target_group_id": plan.groups[0], "new": 1, "total": 2}],
            "per_partner": [{"project_partner_id": plan.links[0], "received": 1, "made": 0}]
        },
        "budget": {"spent": [{"budget_line_id": plan.lines[0], "amount": "10.00"}]},
        "communication": [{"channel": "flyers", "language": "tr", "count": 10}]
    });
    let report = create_report(&app, &t.token, pid, "2025-Q1", &content).await;
    act_ok(&app, &t.token, pid, "2025-Q1", "submit", None).await;
    let report_before = stored(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(report.0["id"], report_before.0["id"]);

    for (segment, used, unused) in [
        ("target-groups", &plan.groups[0], &plan.groups[1]),
        ("budget-lines", &plan.lines[0], &plan.lines[1]),
        ("partners", &plan.links[0], &plan.links[1]),
    ] {
        let used_path = format!("{}/{used}", lines_path(pid, segment));
        let (line, etag) = fetch(&app, &t.token, &used_path).await;
        let response = app
            .send_if_match(Method::DELETE, &used_path, &t.token, &etag, None)
            .await;
        problem(response, 409).await;
        assert_eq!(
            fetch(&app, &t.token, &used_path).await,
            (line, etag),
            "{segment}: the used line is still there"
        );
        // A line no report uses can go.
        let unused_path = format!("{}/{unused}", lines_path(pid, segment));
        let (_, etag) = fetch(&app, &t.token, &unused_path).await;
        let response = app
            .send_if_match(Method::DELETE, &unused_path, &t.token, &etag, None)
            .await;
        assert!(
            response.status().is_success(),
            "{segment}: an unused line is deleted, got {}",
            response.status()
        );
        problem(app.get(&unused_path, &t.token).await, 404).await;
    }
    assert_eq!(stored(&app, &t.token, pid, "2025-Q1").await, report_before);
}

#[tokio::test]
async fn the_period_cannot_shrink_past_a_reported_quarter() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    create_report(&app, &t.token, pid, "2025-Q3", &full_content(&plan)).await;
    let path = format!("/api/v1/projects/{pid}");
    let (before, etag) = fetch(&app, &t.token, &path).await;

    for change in [
        json!({"end_date": "2025-06-30"}),
        json!({"start_date": "2025-10-01"}),
    ] {
        let response = app
            .send_if_match(Method::PATCH, &path, &t.token, &etag, Some(&change))
            .await;
        assert_eq!(response.status(), 409, "PATCH {change}");
        problem(response, 409).await;
        assert_eq!(
            fetch(&app, &t.token, &path).await,
            (before.clone(), etag.clone()),
            "project unchanged after {change}"
        );
    }
    assert_eq!(fetch_list(&app, &t.token, pid).await.len(), 8);

    // Leaving out a quarter nothing refers to is fine.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"end_date": "2025-09-30"})),
        )
        .await;
    assert_eq!(
        response.status(),
        200,
        "shrink to the reported quarter's end"
    );
    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.last().unwrap()["quarter"], "2025-Q3");
    assert_eq!(items.len(), 7);
}

// --- tenant isolation ----------------------------------------------------------------

#[tokio::test]
async fn another_organisation_gets_404_on_every_report_endpoint() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b: Tenant = app.tenant("Organisatie B").await;
    let plan = plan(&app, &a.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let content = full_content(&plan);
    let (_, etag) = create_report(&app, &a.token, pid, q, &content).await;
    act_ok(&app, &a.token, pid, q, "submit", None).await;
    let before = stored(&app, &a.token, pid, q).await;
    let etag_now = before.1.clone();
    let path = report_path(pid, q);
    let reason = json!({"reason": "Van buiten"});

    let mut answers = Vec::new();
    answers.push(("GET list", app.get(&reports_path(pid), &b.token).await));
    answers.push(("GET report", app.get(&path, &b.token).await));
    answers.push((
        "GET revisions",
        app.get(&format!("{path}/revisions"), &b.token).await,
    ));
    answers.push((
        "GET events",
        app.get(&format!("{path}/events"), &b.token).await,
    ));
    answers.push(("PUT", put(&app, &b.token, &path, &content).await));
    answers.push((
        "PUT If-Match",
        app.send_if_match(Method::PUT, &path, &b.token, &etag_now, Some(&content))
            .await,
    ));
    answers.push((
        "PUT new quarter",
        put(&app, &b.token, &report_path(pid, "2025-Q2"), &content).await,
    ));
    answers.push((
        "PATCH",
        app.send_if_match(
            Method::PATCH,
            &path,
            &b.token,
            &etag,
            Some(&json!({"network": {"network_meetings": 1}})),
        )
        .await,
    ));
    for action in ["submit", "accept", "return", "reopen"] {
        answers.push((
            action,
            act(&app, &b.token, pid, q, action, Some(&reason), None).await,
        ));
    }
    let mut wrong = Vec::new();
    for (what, response) in answers {
        if response.status() != 404 {
            wrong.push(format!("{what}: {}", response.status()));
        } else {
            problem(response, 404).await;
        }
    }
    assert!(
        wrong.is_empty(),
        "not 404 for another organisation: {wrong:?}"
    );

    assert_eq!(stored(&app, &a.token, pid, q).await, before, "unchanged");
    assert_eq!(
        quarter_status(&app, &a.token, pid, "2025-Q2").await["state"],
        "not_started"
    );
    assert_eq!(
        actions(&events(&app, &a.token, pid, q).await),
        ["created", "submitted"]
    );
}

// --- preconditions on create, retries, and what a report keeps in the plan -------------

#[tokio::test]
async fn if_match_star_on_a_quarter_without_report_is_412_and_a_retried_create_is_200() {
    let app = spawn_app().await;
    let admin = app.tenant("Retry").await;
    let plan = plan(&app, &admin.token).await;
    let path = report_path(&plan.pid, "2024-Q2");
    let body = json!({"narrative": {"developments": "Eerste bijeenkomst."}});
    let star = app
        .send_if_match(Method::PUT, &path, &admin.token, "*", Some(&body))
        .await;
    problem(star, 412).await;
    assert_eq!(
        quarter_status(&app, &admin.token, &plan.pid, "2024-Q2").await["state"],
        "not_started"
    );
    let (created, etag) = create_report(&app, &admin.token, &plan.pid, "2024-Q2", &body).await;
    // The client never saw the 201 and sends the same PUT again.
    let retry = put(&app, &admin.token, &path, &body).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(etag_of(&retry), etag, "nothing changed");
    assert_eq!(json_of(retry).await["id"], created["id"]);
    // A different body without If-Match still needs the ETag.
    let other = json!({"narrative": {"developments": "Tweede versie."}});
    problem(put(&app, &admin.token, &path, &other).await, 428).await;
    assert_eq!(
        actions(&events(&app, &admin.token, &plan.pid, "2024-Q2").await),
        ["created"]
    );
}

#[tokio::test]
async fn the_last_hours_line_of_an_activity_a_report_uses_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.tenant("Hours").await;
    let plan = plan(&app, &admin.token).await;
    let extra = create(
        &app,
        &admin.token,
        &lines_path(&plan.pid, "hours"),
        &json!({"activity": "outreach", "quarter": "2024-Q3", "hours": "10", "hourly_rate": "50"}),
    )
    .await
    .0;
    create_report(
        &app,
        &admin.token,
        &plan.pid,
        "2024-Q2",
        &json!({"budget": {"hours": [{"activity": "outreach", "hours": "12.50"}]}}),
    )
    .await;
    let hours: Vec<Value> = json_of(app.get(&lines_path(&plan.pid, "hours"), &admin.token).await)
        .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["activity"] == "outreach")
        .cloned()
        .collect();
    assert_eq!(hours.len(), 2);
    // One of two outreach lines may go; the last one may not.
    let first = format!("{}/{}", lines_path(&plan.pid, "hours"), id_of(&extra));
    let gone = app
        .send_if_match(Method::DELETE, &first, &admin.token, "*", None)
        .await;
    assert_eq!(gone.status(), 204);
    let remaining = hours.iter().find(|h| h["id"] != extra["id"]).unwrap();
    let last = format!("{}/{}", lines_path(&plan.pid, "hours"), id_of(remaining));
    let refused = problem(
        app.send_if_match(Method::DELETE, &last, &admin.token, "*", None)
            .await,
        409,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("quarterly reports"),
        "{refused}"
    );
    assert_eq!(app.get(&last, &admin.token).await.status(), 200);
}

#[tokio::test]
async fn a_partner_link_a_report_names_in_a_level_change_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = json!({
        "network": {"level_changes": [{"project_partner_id": plan.links[1], "level": "coordinate"}]}
    });
    create_report(&app, &t.token, pid, "2025-Q3", &content).await;
    let path = format!("{}/{}", lines_path(pid, "partners"), plan.links[1]);
    let (_, etag) = fetch(&app, &t.token, &path).await;
    let refused = problem(
        app.send_if_match(Method::DELETE, &path, &t.token, &etag, None)
            .await,
        409,
    )
    .await;
    assert_eq!(
        refused["errors"][0]["message"], "used by quarterly reports 2025-Q3",
        "{refused}"
    );
    fetch(&app, &t.token, &path).await;
}
