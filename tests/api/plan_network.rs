//! The network side of a plan: targets (`/targets`), evaluation moments
//! (`/evaluation-moments`), the nine-step roadmap (`/roadmap`), the organisation's
//! partner register (`/partners`) and a project's partner links (`/projects/{id}/partners`)
//! with their level history, and the rule that a project's period cannot shrink past
//! the lines planned in it. What every part shares (roles, tenancy, If-Match/ETag, 405,
//! merge patch, paging) is in [`crate::contract`].

use std::str::FromStr;

use crate::helpers::{Refused, assert_conflict, assert_rejected, assert_write_refused};
use crate::helpers::{Tenant, TestApp, create, delete_current, write_ok};
use crate::helpers::{
    all_items, fetch, id_of, json_of, line_path, lines_path, new_project, version,
};
use crate::helpers::{etag_of, named_fields, problem, spawn_app};
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{Value, json};

const TARGETS: &str = "targets";
const EVALUATIONS: &str = "evaluation-moments";
const ROADMAP: &str = "roadmap";
const LINKS: &str = "partners";
const REGISTER: &str = "/api/v1/partners";

fn partner_path(id: &str) -> String {
    format!("{REGISTER}/{id}")
}

/// An amount string as a decimal, so `"120"` and `"120.00"` compare equal.
fn amount(value: &Value) -> Decimal {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("amount {value} is a string"));
    Decimal::from_str(text).unwrap_or_else(|_| panic!("amount {text} is a decimal"))
}

async fn target_group(app: &TestApp, token: &str, pid: &str, name: &str) -> String {
    let (group, _) = create(
        app,
        token,
        &lines_path(pid, "target-groups"),
        &json!({"name": name, "description": null, "languages": ["tr", "nl"]}),
    )
    .await;
    id_of(&group)
}

fn budget_line_body(phases: &[(&str, &str)]) -> Value {
    let total: Decimal = phases
        .iter()
        .map(|(_, a)| Decimal::from_str(a).unwrap())
        .sum();
    json!({
        "category": "communication",
        "description": "Flyers in het Turks en Arabisch",
        "amount": if phases.is_empty() { "1000.00".to_string() } else { total.to_string() },
        "phases": phases
            .iter()
            .map(|(q, a)| json!({"quarter": q, "amount": a}))
            .collect::<Vec<_>>(),
    })
}

async fn budget_line(app: &TestApp, token: &str, pid: &str, phases: &[(&str, &str)]) -> String {
    let (line, _) = create(
        app,
        token,
        &lines_path(pid, "budget-lines"),
        &budget_line_body(phases),
    )
    .await;
    id_of(&line)
}

fn partner_body(name: &str) -> Value {
    json!({
        "name": name,
        "category": "religious",
        "notes": "Vrijdaggebed, vrouwengroep op dinsdag",
        "contacts": [
            {"name": "Fatma Yılmaz", "role": "Sleutelpersoon", "email": "f.yilmaz@example.org", "phone": "+31 6 12345678"},
            {"name": "Ahmet Demir", "role": null, "email": null, "phone": null}
        ]
    })
}

async fn partner(app: &TestApp, token: &str, name: &str) -> String {
    let (created, _) = create(app, token, REGISTER, &partner_body(name)).await;
    id_of(&created)
}

fn link_body(partner_id: &str) -> Value {
    json!({
        "partner_id": partner_id,
        "functions": ["referrer", "knowledge_partner"],
        "current_level": "in_contact",
        "desired_level": "collaborate",
        "level_since": days_ago(60),
        "notes": "Via de imam"
    })
}

/// A date `n` days before today (UTC), so it is never in the future.
fn days_ago(n: u64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(n)).to_string()
}

/// Today's date in the Netherlands, where the server dates level changes.
fn todays() -> [String; 1] {
    [crate::helpers::amsterdam_today().to_string()]
}

/// The fields of a contact, nulls for the ones left out.
fn contact_fields(contact: &Value) -> Value {
    json!({
        "name": contact["name"],
        "role": contact["role"],
        "email": contact["email"],
        "phone": contact["phone"],
    })
}

fn contacts_of(partner: &Value) -> Vec<Value> {
    partner["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .map(contact_fields)
        .collect()
}

// --- targets --------------------------------------------------------------------------

#[tokio::test]
async fn a_target_of_every_theme_is_created_and_read_back_as_sent() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Doelen").await;
    let collection = lines_path(&pid, TARGETS);
    let group = target_group(&app, &t.token, &pid, "Turkse mantelzorgers").await;
    let line = budget_line(&app, &t.token, &pid, &[]).await;

    let bodies = [
        json!({"theme": "reach", "quarter": "2026-Q3", "target_group_id": group, "planned": "120", "notes": "Via sleutelpersonen"}),
        json!({"theme": "reach", "quarter": null, "planned": "400"}),
        json!({"theme": "partners", "quarter": "2026-Q4", "ladder_level": "coordinate", "planned": "5"}),
        json!({"theme": "communication", "quarter": "2027-Q1", "channel": "flyers", "language": "tr", "planned": "3"}),
        json!({"theme": "communication", "quarter": "2027-Q1", "channel": "radio", "planned": "2"}),
        json!({"theme": "hours", "quarter": "2026-Q2", "activity": "outreach", "planned": "40.50"}),
        json!({"theme": "spend", "quarter": "2026-Q2", "budget_line_id": line, "planned": "1250.75"}),
        json!({"theme": "spend", "quarter": "2026-Q2", "category": "translation", "planned": "300"}),
    ];
    let mut created = Vec::new();
    for body in &bodies {
        let response = app.post(&collection, &t.token, body).await;
        assert_eq!(response.status(), 201, "create {body}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let etag = etag_of(&response);
        version(&etag);
        let target = json_of(response).await;
        let id = id_of(&target);
        assert_eq!(location, line_path(&pid, TARGETS, &id));
        assert_eq!(target["project_id"], json!(pid));
        for field in [
            "theme",
            "quarter",
            "target_group_id",
            "ladder_level",
            "channel",
            "language",
            "activity",
            "budget_line_id",
            "category",
            "notes",
        ] {
            assert_eq!(target[field], body[field], "{field} of {body}");
        }
        assert_eq!(amount(&target["planned"]), amount(&body["planned"]));
        assert!(target["created_at"].is_string() && target["updated_at"].is_string());
        assert_eq!(
            fetch(&app, &t.token, &location).await,
            (target.clone(), etag)
        );
        created.push(target);
    }
    assert_eq!(all_items(&app, &t.token, &collection).await, created);
}

#[tokio::test]
async fn a_subject_field_that_does_not_apply_to_the_theme_is_422_at_that_field() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Doelen").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let collection = lines_path(&pid, TARGETS);
    let group = target_group(&app, &t.token, &pid, "Eigen groep").await;
    let foreign_group = target_group(&app, &t.token, &other, "Andere groep").await;
    let line = budget_line(&app, &t.token, &pid, &[]).await;
    let foreign_line = budget_line(&app, &t.token, &other, &[]).await;
    let unknown = uuid::Uuid::new_v4().to_string();

    for (body, pointer) in [
        (
            json!({"theme": "reach", "ladder_level": "in_contact", "planned": "10"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "reach", "channel": "flyers", "planned": "10"}),
            "/channel",
        ),
        (
            json!({"theme": "reach", "target_group_id": foreign_group, "planned": "10"}),
            "/target_group_id",
        ),
        (
            json!({"theme": "reach", "target_group_id": unknown, "planned": "10"}),
            "/target_group_id",
        ),
        (
            json!({"theme": "partners", "planned": "3"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "partners", "ladder_level": null, "planned": "3"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "partners", "ladder_level": "best_friends", "planned": "3"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "partners", "ladder_level": "coordinate", "activity": "outreach", "planned": "3"}),
            "/activity",
        ),
        (
            json!({"theme": "communication", "target_group_id": group, "planned": "2"}),
            "/target_group_id",
        ),
        (
            json!({"theme": "communication", "channel": "carrier_pigeon", "planned": "2"}),
            "/channel",
        ),
        (
            json!({"theme": "communication", "language": "xx", "planned": "2"}),
            "/language",
        ),
        (
            json!({"theme": "hours", "budget_line_id": line, "planned": "8"}),
            "/budget_line_id",
        ),
        (
            json!({"theme": "hours", "language": "ar", "planned": "8"}),
            "/language",
        ),
        (
            json!({"theme": "spend", "budget_line_id": line, "category": "communication", "planned": "100"}),
            "/category",
        ),
        (
            json!({"theme": "spend", "activity": "training", "planned": "100"}),
            "/activity",
        ),
        (
            json!({"theme": "spend", "budget_line_id": foreign_line, "planned": "100"}),
            "/budget_line_id",
        ),
        (json!({"theme": "visits", "planned": "1"}), "/theme"),
        (json!({"theme": "reach"}), "/planned"),
    ] {
        assert_rejected(&app, &t.token, &collection, &body, &[pointer]).await;
    }

    // A merge patch whose result breaks the rule is refused the same way.
    let (reach, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "reach", "target_group_id": group, "planned": "10"}),
    )
    .await;
    let path = line_path(&pid, TARGETS, &id_of(&reach));
    for (body, pointer) in [
        (json!({"ladder_level": "collaborate"}), "/ladder_level"),
        (
            json!({"target_group_id": foreign_group}),
            "/target_group_id",
        ),
        (json!({"theme": "hours"}), "/target_group_id"),
    ] {
        assert_write_refused(
            &app,
            &t.token,
            &path,
            Method::PATCH,
            None,
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
}

#[tokio::test]
async fn counts_are_whole_numbers_but_hours_and_spend_may_have_decimals() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Aantallen").await;
    let collection = lines_path(&pid, TARGETS);

    for body in [
        json!({"theme": "reach", "planned": "12.50"}),
        json!({"theme": "reach", "planned": "12.5"}),
        json!({"theme": "partners", "ladder_level": "in_contact", "planned": "2.5"}),
        json!({"theme": "communication", "planned": "0.10"}),
    ] {
        assert_rejected(&app, &t.token, &collection, &body, &["/planned"]).await;
    }
    for planned in ["-1", "1.234", "veel"] {
        let body = json!({"theme": "hours", "planned": planned});
        assert_rejected(&app, &t.token, &collection, &body, &["/planned"]).await;
    }

    let (reach, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "reach", "planned": "12"}),
    )
    .await;
    assert_eq!(amount(&reach["planned"]), Decimal::from(12));
    let (hours, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "hours", "planned": "12.50"}),
    )
    .await;
    assert_eq!(
        amount(&hours["planned"]),
        Decimal::from_str("12.5").unwrap()
    );
    let (spend, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "spend", "planned": "1250.75"}),
    )
    .await;
    assert_eq!(
        amount(&spend["planned"]),
        Decimal::from_str("1250.75").unwrap()
    );

    // Changing a count to a fraction is refused too.
    let path = line_path(&pid, TARGETS, &id_of(&reach));
    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        Some(&json!({"planned": "12.25"})),
        Refused::Invalid(&["/planned"]),
    )
    .await;
}

#[tokio::test]
async fn a_target_quarter_must_lie_inside_the_project_period() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Kwartalen").await;
    let collection = lines_path(&pid, TARGETS);

    for quarter in ["2025-Q4", "2028-Q1", "2026-Q5", "2026-3", "Q1-2026"] {
        let body = json!({"theme": "reach", "quarter": quarter, "planned": "10"});
        assert_rejected(&app, &t.token, &collection, &body, &["/quarter"]).await;
    }
    // The first and last quarter of the period, and the whole project, are fine.
    for quarter in [json!("2026-Q1"), json!("2027-Q4"), Value::Null] {
        let body = json!({"theme": "reach", "quarter": quarter, "planned": "10"});
        let (target, _) = create(&app, &t.token, &collection, &body).await;
        assert_eq!(target["quarter"], quarter);
    }
    let (target, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "hours", "planned": "10"}),
    )
    .await;
    assert!(
        target["quarter"].is_null(),
        "absent quarter: the whole project"
    );
}

#[tokio::test]
async fn a_second_target_with_the_same_theme_subject_and_quarter_is_409() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Dubbel").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let collection = lines_path(&pid, TARGETS);
    let group = target_group(&app, &t.token, &pid, "Groep").await;

    let cases = [
        json!({"theme": "reach", "quarter": "2026-Q3", "target_group_id": group, "planned": "10"}),
        json!({"theme": "reach", "quarter": null, "target_group_id": group, "planned": "10"}),
        json!({"theme": "reach", "quarter": "2026-Q3", "planned": "10"}),
        json!({"theme": "reach", "quarter": null, "planned": "10"}),
        json!({"theme": "partners", "quarter": "2026-Q3", "ladder_level": "coordinate", "planned": "4"}),
        json!({"theme": "communication", "quarter": "2026-Q3", "channel": "flyers", "language": "tr", "planned": "4"}),
        json!({"theme": "communication", "quarter": "2026-Q3", "channel": "flyers", "planned": "4"}),
        json!({"theme": "hours", "quarter": null, "planned": "100"}),
        json!({"theme": "spend", "quarter": "2026-Q3", "category": "venue", "planned": "100"}),
    ];
    // Each differs from the others in subject or quarter, so all are accepted once.
    for body in &cases {
        create(&app, &t.token, &collection, body).await;
    }
    // The same again (with another planned figure) is refused, nothing stored.
    for body in &cases {
        let mut again = body.clone();
        again["planned"] = json!("7");
        again["notes"] = json!("nog een keer");
        assert_conflict(&app, &t.token, &collection, &again).await;
    }
    // Another project may have the same.
    create(
        &app,
        &t.token,
        &lines_path(&other, TARGETS),
        &json!({"theme": "reach", "quarter": null, "planned": "10"}),
    )
    .await;

    // Changing a target so it equals another is refused too.
    let (moved, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "partners", "quarter": "2026-Q3", "ladder_level": "collaborate", "planned": "2"}),
    )
    .await;
    assert_write_refused(
        &app,
        &t.token,
        &line_path(&pid, TARGETS, &id_of(&moved)),
        Method::PATCH,
        None,
        Some(&json!({"ladder_level": "coordinate"})),
        Refused::Conflict,
    )
    .await;
}

#[tokio::test]
async fn a_target_group_or_budget_line_a_target_refers_to_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Verwijzingen").await;
    let group = target_group(&app, &t.token, &pid, "Groep").await;
    let line = budget_line(&app, &t.token, &pid, &[]).await;
    let (reach, _) = create(
        &app,
        &t.token,
        &lines_path(&pid, TARGETS),
        &json!({"theme": "reach", "target_group_id": group, "planned": "10"}),
    )
    .await;
    let (spend, _) = create(
        &app,
        &t.token,
        &lines_path(&pid, TARGETS),
        &json!({"theme": "spend", "budget_line_id": line, "planned": "500"}),
    )
    .await;

    let referred = [
        (
            line_path(&pid, "target-groups", &group),
            line_path(&pid, TARGETS, &id_of(&reach)),
        ),
        (
            line_path(&pid, "budget-lines", &line),
            line_path(&pid, TARGETS, &id_of(&spend)),
        ),
    ];
    for (path, target) in &referred {
        assert_write_refused(
            &app,
            &t.token,
            path,
            Method::DELETE,
            None,
            None,
            Refused::Conflict,
        )
        .await;
        fetch(&app, &t.token, target).await;
    }
    // Once the target is gone, so can the line be.
    for (path, target) in &referred {
        assert_eq!(delete_current(&app, &t.token, target).await.status(), 204);
        assert_eq!(delete_current(&app, &t.token, path).await.status(), 204);
        problem(app.get(path, &t.token).await, 404).await;
    }
}

// --- evaluation moments ---------------------------------------------------------------

#[tokio::test]
async fn evaluation_moments_are_dated_inside_the_project_period() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Evaluatie").await;
    let collection = lines_path(&pid, EVALUATIONS);

    let body = json!({"planned_on": "2026-12-15", "subject": "Tussenevaluatie met sleutelpersonen", "outcome_notes": null});
    let response = app.post(&collection, &t.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    let moment = json_of(response).await;
    assert_eq!(location, line_path(&pid, EVALUATIONS, &id_of(&moment)));
    assert_eq!(moment["project_id"], json!(pid));
    assert_eq!(moment["planned_on"], "2026-12-15");
    assert_eq!(moment["subject"], body["subject"]);
    assert!(moment["outcome_notes"].is_null());
    assert_eq!(
        fetch(&app, &t.token, &location).await,
        (moment.clone(), etag)
    );

    // The first and last day of the period are inside it; 500 characters is the limit.
    create(
        &app,
        &t.token,
        &collection,
        &json!({"planned_on": "2026-01-01", "subject": "Start"}),
    )
    .await;
    create(
        &app,
        &t.token,
        &collection,
        &json!({"planned_on": "2027-12-31", "subject": "ë".repeat(500)}),
    )
    .await;

    for (body, pointer) in [
        (
            json!({"planned_on": "2025-12-31", "subject": "Te vroeg"}),
            "/planned_on",
        ),
        (
            json!({"planned_on": "2028-01-01", "subject": "Te laat"}),
            "/planned_on",
        ),
        (
            json!({"planned_on": "2026-02-30", "subject": "Geen dag"}),
            "/planned_on",
        ),
        (json!({"subject": "Zonder datum"}), "/planned_on"),
        (
            json!({"planned_on": "2026-06-01", "subject": ""}),
            "/subject",
        ),
        (
            json!({"planned_on": "2026-06-01", "subject": "   "}),
            "/subject",
        ),
        (
            json!({"planned_on": "2026-06-01", "subject": "ë".repeat(501)}),
            "/subject",
        ),
        (json!({"planned_on": "2026-06-01"}), "/subject"),
    ] {
        assert_rejected(&app, &t.token, &collection, &body, &[pointer]).await;
    }

    // Moving it outside the period is refused; recording the outcome works.
    assert_write_refused(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        Some(&json!({"planned_on": "2028-03-01"})),
        Refused::Invalid(&["/planned_on"]),
    )
    .await;
    let (patched, _) = write_ok(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        &json!({"outcome_notes": "Drie nieuwe sleutelpersonen gevonden"}),
    )
    .await;
    assert_eq!(
        patched["outcome_notes"],
        "Drie nieuwe sleutelpersonen gevonden"
    );
    assert_eq!(patched["planned_on"], "2026-12-15");
    assert_eq!(patched["subject"], moment["subject"]);
}

// --- roadmap --------------------------------------------------------------------------

#[tokio::test]
async fn a_new_project_has_nine_roadmap_steps_in_order_not_started() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Stappenplan").await;
    let collection = lines_path(&pid, ROADMAP);

    let page = json_of(app.get(&collection, &t.token).await).await;
    let steps = page["items"].as_array().expect("items").clone();
    assert!(page["next_cursor"].is_null());
    assert_eq!(
        steps
            .iter()
            .map(|s| s["step"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(steps[0]["title"], "Explore why extra attention is needed");
    assert_eq!(steps[8]["title"], "Carry it out");
    for step in &steps {
        assert_eq!(step["status"], "not_started", "{step}");
        assert!(step["notes"].is_null(), "{step}");
        assert!(step["title"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(step["updated_at"].is_string());
        let (got, etag) = fetch(
            &app,
            &t.token,
            &line_path(&pid, ROADMAP, &step["step"].to_string()),
        )
        .await;
        assert_eq!(&got, step);
        version(&etag);
    }

    // Paging by four: 4 + 4 + 1, in step order.
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let mut path = format!("{collection}?limit=4");
    loop {
        let response = app.get(&path, &t.token).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = json_of(response).await;
        let items = page["items"].as_array().expect("items");
        sizes.push(items.len());
        seen.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{collection}?limit=4&cursor={next}"),
            None => break,
        }
        assert!(sizes.len() < 10, "the pages never end");
    }
    assert_eq!(sizes, [4, 4, 1]);
    assert_eq!(seen, steps);
}

#[tokio::test]
async fn a_roadmap_step_status_and_notes_change_with_put_and_patch() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Stappenplan").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let path = line_path(&pid, ROADMAP, "3");
    let (before, stale) = fetch(&app, &t.token, &path).await;

    // If-Match is required.
    let response = app
        .request(Method::PATCH, &path, Some(&t.token))
        .json(&json!({"status": "done"}))
        .send()
        .await
        .unwrap();
    problem(response, 428).await;

    let (put, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PUT,
        None,
        &json!({"status": "in_progress", "notes": "Gesprekken met moskeebesturen"}),
    )
    .await;
    assert_eq!(put["step"], 3);
    assert_eq!(put["title"], before["title"]);
    assert_eq!(put["status"], "in_progress");
    assert_eq!(put["notes"], "Gesprekken met moskeebesturen");

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &stale,
            Some(&json!({"status": "done"})),
        )
        .await;
    problem(response, 412).await;

    let (patched, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"status": "done"}),
    )
    .await;
    assert_eq!(patched["status"], "done");
    assert_eq!(
        patched["notes"], "Gesprekken met moskeebesturen",
        "notes kept"
    );
    let (cleared, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"notes": null}),
    )
    .await;
    assert!(cleared["notes"].is_null());
    assert_eq!(cleared["status"], "done");
    let (skipped, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PUT,
        None,
        &json!({"status": "skipped"}),
    )
    .await;
    assert_eq!(skipped["status"], "skipped");

    for (method, body, pointer) in [
        (Method::PATCH, json!({"status": "finished"}), "/status"),
        (Method::PATCH, json!({"status": null}), "/status"),
        (Method::PUT, json!({"notes": "zonder status"}), "/status"),
        (Method::PATCH, json!({"title": "Eigen titel"}), "/title"),
        (Method::PATCH, json!({"notes": "n".repeat(20001)}), "/notes"),
    ] {
        assert_write_refused(
            &app,
            &t.token,
            &path,
            method,
            None,
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }

    // Only that step of that project changed.
    let steps = all_items(&app, &t.token, &lines_path(&pid, ROADMAP)).await;
    for step in &steps {
        let expected = if step["step"] == 3 {
            "skipped"
        } else {
            "not_started"
        };
        assert_eq!(step["status"], expected, "{step}");
    }
    for step in all_items(&app, &t.token, &lines_path(&other, ROADMAP)).await {
        assert_eq!(step["status"], "not_started", "other project: {step}");
    }
}

// --- the partner register -------------------------------------------------------------

#[tokio::test]
async fn a_partner_is_created_with_contacts_and_its_name_is_unique_in_the_organisation() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let body = partner_body("Moskee Ulu Camii");

    let response = app.post(REGISTER, &a.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    let created = json_of(response).await;
    assert_eq!(location, partner_path(&id_of(&created)));
    assert_eq!(created["name"], "Moskee Ulu Camii");
    assert_eq!(created["category"], "religious");
    assert_eq!(created["notes"], body["notes"]);
    assert_eq!(
        contacts_of(&created),
        body["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(contact_fields)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        fetch(&app, &a.token, &location).await,
        (created.clone(), etag)
    );
    assert_eq!(
        all_items(&app, &a.token, REGISTER).await,
        std::slice::from_ref(&created)
    );

    // Without contacts is fine too.
    let (bare, _) = create(
        &app,
        &a.token,
        REGISTER,
        &json!({"name": "Wijkteam Oost", "category": "municipality"}),
    )
    .await;
    assert_eq!(bare["contacts"], json!([]));

    assert_conflict(&app, &a.token, REGISTER, &partner_body("Moskee Ulu Camii")).await;
    assert_write_refused(
        &app,
        &a.token,
        &partner_path(&id_of(&bare)),
        Method::PATCH,
        None,
        Some(&json!({"name": "Moskee Ulu Camii"})),
        Refused::Conflict,
    )
    .await;
    // Another organisation has its own register.
    create(&app, &b.token, REGISTER, &partner_body("Moskee Ulu Camii")).await;

    for (body, pointer) in [
        (json!({"name": "", "category": "welfare"}), "/name"),
        (json!({"name": "   ", "category": "welfare"}), "/name"),
        (
            json!({"name": "n".repeat(201), "category": "welfare"}),
            "/name",
        ),
        (json!({"name": "Bank", "category": "bank"}), "/category"),
        (json!({"name": "Zonder categorie"}), "/category"),
        (
            json!({"name": "Contact zonder naam", "category": "school", "contacts": [{"role": "Docent"}]}),
            "/contacts/0/name",
        ),
    ] {
        assert_rejected(&app, &a.token, REGISTER, &body, &[pointer]).await;
    }
}

#[tokio::test]
async fn contacts_left_out_are_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (created, _) = create(&app, &t.token, REGISTER, &partner_body("Stichting Salam")).await;
    let path = partner_path(&id_of(&created));
    let kept = created["contacts"][1].clone();

    // A merge patch without `contacts` keeps them.
    let (patched, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"notes": "Nieuwe notitie"}),
    )
    .await;
    assert_eq!(contacts_of(&patched), contacts_of(&created));

    // PUT with only the second contact: the first is gone.
    let put_body =
        json!({"name": "Stichting Salam", "category": "migrant_organisation", "contacts": [kept]});
    let (replaced, _) = write_ok(&app, &t.token, &path, Method::PUT, None, &put_body).await;
    assert_eq!(contacts_of(&replaced), [contact_fields(&kept)]);
    assert!(replaced["notes"].is_null(), "PUT clears what it leaves out");
    let text = app.get(&path, &t.token).await.text().await.unwrap();
    assert!(
        !text.contains("Fatma") && !text.contains("f.yilmaz@example.org"),
        "{text}"
    );

    // PATCH with an empty list: none left, in the item and in the list.
    let (emptied, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"contacts": []}),
    )
    .await;
    assert_eq!(emptied["contacts"], json!([]));
    assert_eq!(fetch(&app, &t.token, &path).await.0["contacts"], json!([]));
    let listed = all_items(&app, &t.token, REGISTER).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["contacts"], json!([]));
    let text = app.get(REGISTER, &t.token).await.text().await.unwrap();
    assert!(!text.contains("Ahmet") && !text.contains("Fatma"), "{text}");
}

#[tokio::test]
async fn an_invalid_contact_email_is_422_at_its_index_and_nothing_is_stored() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let mut body = partner_body("Buurthuis De Brug");
    body["contacts"][1]["email"] = json!("geen-adres");
    assert_rejected(&app, &t.token, REGISTER, &body, &["/contacts/1/email"]).await;
    body["contacts"][1]["email"] = json!("a@@example.org");
    assert_rejected(&app, &t.token, REGISTER, &body, &["/contacts/1/email"]).await;

    let (created, _) = create(&app, &t.token, REGISTER, &partner_body("Buurthuis De Brug")).await;
    let path = partner_path(&id_of(&created));
    let contacts = json!([{"name": "Nieuwe naam", "email": "niet geldig"}]);
    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        Some(&json!({"contacts": contacts})),
        Refused::Invalid(&["/contacts/0/email"]),
    )
    .await;
    let mut put_body = partner_body("Buurthuis De Brug");
    put_body["contacts"][0]["email"] = json!("@example.org");
    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::PUT,
        None,
        Some(&put_body),
        Refused::Invalid(&["/contacts/0/email"]),
    )
    .await;
}

#[tokio::test]
async fn another_organisations_partner_or_an_unknown_one_cannot_be_linked() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let (created, etag) = create(&app, &a.token, REGISTER, &partner_body("Moskee Ulu Camii")).await;
    let id = id_of(&created);
    let b_pid = new_project(&app, &b.token, "Project B").await;

    // Refused at /partner_id, as an id that names nothing is.
    let collection = lines_path(&b_pid, LINKS);
    for partner_id in [id.clone(), uuid::Uuid::new_v4().to_string()] {
        assert_rejected(
            &app,
            &b.token,
            &collection,
            &link_body(&partner_id),
            &["/partner_id"],
        )
        .await;
    }
    assert_eq!(
        fetch(&app, &a.token, &partner_path(&id)).await,
        (created, etag),
        "unchanged"
    );
}

// --- project partners -----------------------------------------------------------------

#[tokio::test]
async fn a_project_partner_keeps_a_history_of_its_levels() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Netwerk").await;
    let partner_id = partner(&app, &t.token, "Moskee Ulu Camii").await;
    let collection = lines_path(&pid, LINKS);

    let body = link_body(&partner_id);
    let response = app.post(&collection, &t.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    let link = json_of(response).await;
    assert_eq!(location, line_path(&pid, LINKS, &id_of(&link)));
    assert_eq!(link["project_id"], json!(pid));
    assert_eq!(link["partner_id"], json!(partner_id));
    assert_eq!(link["partner_name"], "Moskee Ulu Camii");
    assert_eq!(link["functions"], body["functions"]);
    assert_eq!(link["current_level"], "in_contact");
    assert_eq!(link["desired_level"], "collaborate");
    assert_eq!(link["level_since"], json!(days_ago(60)));
    assert_eq!(link["notes"], "Via de imam");
    let history = link["level_history"].as_array().expect("level_history");
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["level"], "in_contact");
    assert!(history[0]["previous_level"].is_null());
    assert_eq!(history[0]["reached_on"], json!(days_ago(60)));
    assert!(history[0]["recorded_at"].is_string());
    assert_eq!(fetch(&app, &t.token, &location).await, (link.clone(), etag));

    // Changes that leave the level alone add nothing.
    for patch in [
        json!({"notes": "Ook via de vrouwengroep"}),
        json!({"desired_level": "work_as_one"}),
        json!({"current_level": "in_contact"}),
    ] {
        let (patched, _) = write_ok(&app, &t.token, &location, Method::PATCH, None, &patch).await;
        assert_eq!(
            patched["level_history"], link["level_history"],
            "after {patch}"
        );
        assert_eq!(patched["current_level"], "in_contact");
    }

    // A new level with a date: recorded with that date and the old level.
    let (moved, _) = write_ok(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        &json!({"current_level": "coordinate", "level_since": days_ago(30)}),
    )
    .await;
    assert_eq!(moved["current_level"], "coordinate");
    assert_eq!(moved["level_since"], json!(days_ago(30)));
    let history = moved["level_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(
        history[0], link["level_history"][0],
        "the first entry stays"
    );
    assert_eq!(history[1]["level"], "coordinate");
    assert_eq!(history[1]["previous_level"], "in_contact");
    assert_eq!(history[1]["reached_on"], json!(days_ago(30)));

    // Renaming the partner in the register shows in the link.
    write_ok(
        &app,
        &t.token,
        &partner_path(&partner_id),
        Method::PATCH,
        None,
        &json!({"name": "Ulu Camii"}),
    )
    .await;
    assert_eq!(
        fetch(&app, &t.token, &location).await.0["partner_name"],
        "Ulu Camii"
    );

    // A new level without a date (the stored level_since is of the old level).
    let (moved, _) = write_ok(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        &json!({"current_level": "collaborate"}),
    )
    .await;
    let history = moved["level_history"].as_array().unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(history[2]["level"], "collaborate");
    assert_eq!(history[2]["previous_level"], "coordinate");
    // Oldest first.
    let recorded: Vec<&str> = history
        .iter()
        .map(|h| h["recorded_at"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::FixedOffset>> = recorded
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r).expect("recorded_at"))
        .collect();
    assert!(
        parsed.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {recorded:?}"
    );
    // ... is reached today.
    let today = todays();
    let reached = history[2]["reached_on"].as_str().unwrap().to_string();
    assert!(
        today.contains(&reached),
        "reached_on {reached}, today {today:?}"
    );
    assert_eq!(moved["level_since"], json!(reached));
}

#[tokio::test]
async fn a_partner_is_linked_once_per_project_with_valid_functions_and_dates() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Netwerk").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let partner_id = partner(&app, &t.token, "Moskee Ulu Camii").await;
    let second = partner(&app, &t.token, "Wijkteam Oost").await;
    let collection = lines_path(&pid, LINKS);

    create(&app, &t.token, &collection, &link_body(&partner_id)).await;
    let mut again = link_body(&partner_id);
    again["functions"] = json!(["collaboration_partner"]);
    assert_conflict(&app, &t.token, &collection, &again).await;
    // The same partner in another project is fine.
    create(
        &app,
        &t.token,
        &lines_path(&other, LINKS),
        &link_body(&partner_id),
    )
    .await;

    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
    for (change, pointer) in [
        (json!({"functions": []}), "/functions"),
        (json!({"functions": ["sponsor"]}), "/functions/0"),
        (json!({"current_level": "best_friends"}), "/current_level"),
        (json!({"desired_level": null}), "/desired_level"),
        (json!({"level_since": tomorrow}), "/level_since"),
        (json!({"partner_id": "geen-uuid"}), "/partner_id"),
        (json!({"notes": "n".repeat(4001)}), "/notes"),
    ] {
        let mut body = link_body(&second);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        assert_rejected(&app, &t.token, &collection, &body, &[pointer]).await;
    }
    // A function named twice is refused somewhere in /functions.
    let before = all_items(&app, &t.token, &collection).await;
    let mut body = link_body(&second);
    body["functions"] = json!(["referrer", "referrer"]);
    let response = app.post(&collection, &t.token, &body).await;
    let named = named_fields(&problem(response, 422).await);
    assert!(
        !named.is_empty() && named.iter().all(|p| p.starts_with("/functions")),
        "{named:?}"
    );
    assert_eq!(
        all_items(&app, &t.token, &collection).await,
        before,
        "nothing stored"
    );

    // A level change dated in the future is refused on PATCH too.
    let (link, _) = create(&app, &t.token, &collection, &link_body(&second)).await;
    assert_write_refused(
        &app,
        &t.token,
        &line_path(&pid, LINKS, &id_of(&link)),
        Method::PATCH,
        None,
        Some(&json!({"current_level": "collaborate", "level_since": tomorrow})),
        Refused::Invalid(&["/level_since"]),
    )
    .await;
}

#[tokio::test]
async fn a_partner_linked_to_a_project_cannot_be_deleted_until_the_link_is() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Netwerk").await;
    let partner_id = partner(&app, &t.token, "Moskee Ulu Camii").await;
    let path = partner_path(&partner_id);
    let (link, _) = create(
        &app,
        &t.token,
        &lines_path(&pid, LINKS),
        &link_body(&partner_id),
    )
    .await;
    let link_path = line_path(&pid, LINKS, &id_of(&link));

    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::DELETE,
        None,
        None,
        Refused::Conflict,
    )
    .await;
    assert_eq!(
        fetch(&app, &t.token, &link_path).await.0,
        link,
        "the link is untouched"
    );

    assert_eq!(
        delete_current(&app, &t.token, &link_path).await.status(),
        204
    );
    problem(app.get(&link_path, &t.token).await, 404).await;
    let response = delete_current(&app, &t.token, &path).await;
    assert_eq!(response.status(), 204);
    problem(app.get(&path, &t.token).await, 404).await;
    assert!(all_items(&app, &t.token, REGISTER).await.is_empty());
}

// --- the project period ---------------------------------------------------------------

/// A project with an hours line, an evaluation moment, a target and a budget line phase
/// in 2026-Q4, and one of each inside 2026-Q1..Q3. Returns the project id and the ids of
/// the 2026-Q4 lines and of the early ones.
async fn project_with_lines(app: &TestApp, t: &Tenant) -> (String, Vec<String>, Vec<String>) {
    let pid = new_project(app, &t.token, "Periode").await;
    let mut late = Vec::new();
    let mut early = Vec::new();
    for (quarter, date, ids) in [
        ("2026-Q4", "2026-11-15", &mut late),
        ("2026-Q2", "2026-05-15", &mut early),
    ] {
        let (hours, _) = create(
            app,
            &t.token,
            &lines_path(&pid, "hours"),
            &json!({"activity": "outreach", "quarter": quarter, "hours": "10", "hourly_rate": "50"}),
        )
        .await;
        let (moment, _) = create(
            app,
            &t.token,
            &lines_path(&pid, EVALUATIONS),
            &json!({"planned_on": date, "subject": "Evaluatie"}),
        )
        .await;
        let (target, _) = create(
            app,
            &t.token,
            &lines_path(&pid, TARGETS),
            &json!({"theme": "reach", "quarter": quarter, "planned": "25"}),
        )
        .await;
        let line = budget_line(
            app,
            &t.token,
            &pid,
            &[("2026-Q1", "100.00"), (quarter, "250.00")],
        )
        .await;
        ids.extend([id_of(&hours), id_of(&moment), id_of(&target), line]);
    }
    // Whole-project targets never fall outside.
    create(
        app,
        &t.token,
        &lines_path(&pid, TARGETS),
        &json!({"theme": "hours", "quarter": null, "planned": "100"}),
    )
    .await;
    (pid, late, early)
}

#[tokio::test]
async fn shrinking_the_period_past_existing_lines_is_409_naming_each_line() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (pid, late, early) = project_with_lines(&app, &t).await;
    let path = format!("/api/v1/projects/{pid}");
    let (before, etag) = fetch(&app, &t.token, &path).await;

    for change in [
        json!({"end_date": "2026-09-30"}),
        json!({"start_date": "2026-07-01"}),
    ] {
        let response = app
            .send_if_match(Method::PATCH, &path, &t.token, &etag, Some(&change))
            .await;
        assert_eq!(response.status(), 409, "PATCH {change}");
        let body = problem(response, 409).await;
        let messages: Vec<String> = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("errors in {body}"))
            .iter()
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect();
        let all = messages.join("\n");
        let offending = if change.get("start_date").is_some() {
            &early
        } else {
            &late
        };
        for id in offending {
            assert!(
                all.contains(id.as_str()),
                "{change}: {id} named in {messages:?}"
            );
        }
        assert_eq!(
            fetch(&app, &t.token, &path).await,
            (before.clone(), etag.clone()),
            "project unchanged"
        );
    }
    // Lines that still fit are not named.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"end_date": "2026-09-30"})),
        )
        .await;
    let all = problem(response, 409).await.to_string();
    for id in &early {
        assert!(
            !all.contains(id.as_str()),
            "{id} fits and is not named: {all}"
        );
    }
}

#[tokio::test]
async fn shrinking_the_period_without_conflicts_succeeds() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (pid, _, _) = project_with_lines(&app, &t).await;
    let path = format!("/api/v1/projects/{pid}");

    let (project, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"end_date": "2026-12-31"}),
    )
    .await;
    assert_eq!(project["end_date"], "2026-12-31");
    assert_eq!(project["start_date"], "2026-01-01");
    // The exact end of the last line's quarter/date is fine as well.
    let (project, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"start_date": "2026-01-01", "end_date": "2026-12-31", "name": "Korter"}),
    )
    .await;
    assert_eq!(project["name"], "Korter");
    // Now a new line after the new end is refused.
    assert_rejected(
        &app,
        &t.token,
        &lines_path(&pid, EVALUATIONS),
        &json!({"planned_on": "2027-02-01", "subject": "Te laat"}),
        &["/planned_on"],
    )
    .await;
}
