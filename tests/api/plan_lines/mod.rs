//! Plan lines of a project: target groups (`/target-groups`) and planned hours
//! (`/hours`), and their own rules (languages, quarters, amounts, uniqueness). What
//! every part shares (roles, tenancy, If-Match/ETag, 405, merge patch, paging, delete)
//! is in [`crate::contract`].

mod changes;
mod hours;
mod project_delete;
mod target_groups;

use crate::helpers::{Refused, assert_rejected, assert_write_refused, create};
use crate::helpers::{
    all_items, fetch, id_of, json_of, line_path, lines_path, new_project, version,
};
use crate::helpers::{etag_of, problem, project_body, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

const TARGET_GROUPS: &str = "target-groups";
const HOURS: &str = "hours";

const ACTIVITIES: [&str; 8] = [
    "outreach",
    "key_person_meetings",
    "caregiver_conversations",
    "network_meetings",
    "communication",
    "coordination",
    "training",
    "other",
];

fn target_group_body(name: &str) -> Value {
    json!({
        "name": name,
        "description": "Mantelzorgers met een Turkse achtergrond in Oost",
        "languages": ["tr", "nl"]
    })
}

fn hours_body(activity: &str, quarter: &str) -> Value {
    json!({
        "activity": activity,
        "quarter": quarter,
        "hours": "120.50",
        "hourly_rate": "45.00",
        "notes": "Twee sleutelpersonen"
    })
}

/// The `i`-th of a set of distinct, valid bodies for `segment`.
fn sample(segment: &str, i: usize) -> Value {
    match segment {
        TARGET_GROUPS => target_group_body(&format!("Doelgroep {i}")),
        HOURS => hours_body(ACTIVITIES[i % 8], &format!("2026-Q{}", 1 + (i / 8) % 4)),
        other => panic!("unknown segment {other}"),
    }
}
