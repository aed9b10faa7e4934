//! Progress against the plan (`GET /projects/{id}/progress`): every figure of a
//! non-trivial project worked out by hand, for each `include` (accepted, submitted —
//! the default — and draft), plus the errors and who may read it.
//!
//! The fixture: a project over 2025 (2025-Q1 … 2025-Q4, all in the past so that level
//! changes may be dated inside the quarters) with
//!
//! - two target groups, G1 (Turkish, tr) and G2 (Moroccan, ar);
//! - reach targets: G1 10/15/20/25 per quarter and 60 for the whole project; G2 5/8/–/12
//!   per quarter; all groups (no group) 12 in Q1 and 30 in Q3;
//! - partners targets: `collaborate` 1/2/–/3 per quarter; `work_as_one` 1 for the whole
//!   project; three partner links whose levels move during the year;
//! - communication targets: `social_media` (any language) 10 per quarter; language `tr`
//!   (any channel) 3 in Q1, 5 in Q3 and 12 for the whole project;
//! - planned hours: outreach 20/25.5/30/– and coordination –/10.25/–/12;
//! - budget lines: L1 personnel 4000.00 phased 1000 per quarter; L2 communication
//!   1200.00 phased 700 (Q1) + 500 (Q3); L3 communication 450.50, not phased;
//! - reports: Q1 accepted, Q2 a draft, Q3 submitted, Q4 none.

mod fixture;
mod series;
mod series_follow_the_plan;
mod spend;

use crate::helpers::{TestApp, named_fields, problem, project_body, spawn_app};
use crate::helpers::{act_ok, budget_line, create, hours_line, write_ok};
use crate::helpers::{id_of, json_of, lines_path};
use fixture::*;
use reqwest::Method;
use serde_json::{Value, json};
use series::*;
use spend::*;

// --- requests ------------------------------------------------------------------------

async fn progress_at(app: &TestApp, token: &str, pid: &str, query: &str) -> Value {
    let path = lines_path(pid, &format!("progress{query}"));
    let response = app.get(&path, token).await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("GET {path}: {status} {text}");
    }
    json_of(response).await
}
