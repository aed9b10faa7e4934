//! The money side of a project plan: budget lines (`/budget-lines`, optionally phased
//! per quarter), translation costs (`/translation-costs`, with a total the service
//! computes) and fund applications (`/fund-applications`, with amount rules, dates,
//! covered budget lines, reporting duties and an enforced status lifecycle). What every
//! part shares (roles, tenancy, If-Match/ETag, 405, merge patch) is in
//! [`crate::contract`].

mod budget_line_changes;
mod budget_lines;
mod covered_budget_lines;
mod fund_applications;
mod fund_coverage_and_duties;
mod fund_lifecycle;
mod funders;
mod translation_costs;

use crate::helpers::{Refused, assert_rejected, assert_write_refused, create, write_ok};
use crate::helpers::{
    TestApp, etag_of, problem, register_funder, sorted, spawn_app, with, without,
};
use crate::helpers::{
    all_items, fetch, id_of, json_of, line_path, lines_path, new_project, version,
};
use reqwest::Method;
use serde_json::{Value, json};

const BUDGET_LINES: &str = "budget-lines";
const TRANSLATION_COSTS: &str = "translation-costs";
const FUND_APPLICATIONS: &str = "fund-applications";

const INVALID_TRANSITION: &str = "urn:mantelmonitor:problem:invalid-transition";

// --- helpers ----------------------------------------------------------------------------

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

fn budget_line_body() -> Value {
    json!({
        "category": "communication",
        "description": "Flyers in het Turks en Arabisch",
        "amount": "1500",
        "phases": [
            {"quarter": "2026-Q3", "amount": "1000"},
            {"quarter": "2026-Q2", "amount": "500"}
        ]
    })
}

/// The `i`-th of a set of distinct, valid budget lines.
fn budget_sample(i: usize) -> Value {
    with(
        &budget_line_body(),
        json!({"description": format!("Begrotingsregel {i}")}),
    )
}

fn translation_body() -> Value {
    json!({
        "item": "Flyer 'Zorgt u voor een naaste?'",
        "source_language": "nl",
        "target_languages": ["tr", "ar"],
        "unit": "words",
        "quantity": "800",
        "unit_price": "0.12"
    })
}

fn fund_body(funder: &str) -> Value {
    json!({
        "funder_id": funder,
        "amount_requested": "5000"
    })
}

fn keys(item: &Value) -> Vec<String> {
    sorted(item.as_object().expect("object").keys().cloned().collect())
}
