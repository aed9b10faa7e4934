//! The network side of a plan: targets (`/targets`), evaluation moments
//! (`/evaluation-moments`), the nine-step roadmap (`/roadmap`), the organisation's
//! partner register (`/partners`) and a project's partner links (`/projects/{id}/partners`)
//! with their level history, and the rule that a project's period cannot shrink past
//! the lines planned in it. What every part shares (roles, tenancy, If-Match/ETag, 405,
//! merge patch, paging) is in [`crate::contract`].

mod evaluation_moments;
mod partner_register;
mod project_partners;
mod project_period;
mod roadmap;
mod targets;

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

/// A communication budget line whose amount is the sum of its `phases` (1000 euros
/// when it has none).
fn budget_line_body(phases: &[(&str, &str)]) -> Value {
    let total: Decimal = phases
        .iter()
        .map(|(_, a)| Decimal::from_str(a).unwrap())
        .sum();
    let amount = if phases.is_empty() {
        "1000.00".to_string()
    } else {
        total.to_string()
    };
    crate::helpers::budget_line(
        "communication",
        "Flyers in het Turks en Arabisch",
        &amount,
        phases,
    )
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
