//! The table: one entry per part that `plan_parts!` (`src/plan/mod.rs`) declares. A new
//! part needs one entry here, and the contracts run against it.

use std::future::Future;
use std::pin::Pin;

use serde_json::json;

use super::{At, Items, Part, Refs};
use crate::helpers::{TestApp, amsterdam_today, create, id_of, register_funder};

pub static PARTS: [Part; 11] = [
    Part {
        name: "target groups",
        at: At::Project("target-groups"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "name": format!("Doelgroep {i}"),
                "description": "Mantelzorgers met een Turkse achtergrond in Oost",
                "languages": ["tr", "nl"]
            })
        },
        changed: |_| json!({"name": "Arabischtalige mantelzorgers", "languages": ["ar"]}),
        patch: ("name", || json!("Gewijzigd")),
        clears: Some("description"),
        required: "name",
        invalid: (|| json!({"name": "   "}), "/name"),
    },
    Part {
        name: "hours",
        at: At::Project("hours"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "activity": ACTIVITIES[i % 8],
                "quarter": format!("2026-Q{}", 1 + (i / 8) % 4),
                "hours": "120.50",
                "hourly_rate": "45.00",
                "notes": "Twee sleutelpersonen"
            })
        },
        changed: |_| json!({"activity": "training", "quarter": "2027-Q2", "hours": "16.00", "hourly_rate": "60.00"}),
        patch: ("hours", || json!("80.00")),
        clears: Some("notes"),
        required: "activity",
        invalid: (|| json!({"activity": "fundraising"}), "/activity"),
    },
    Part {
        name: "budget lines",
        at: At::Project("budget-lines"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "category": "communication",
                "description": format!("Begrotingsregel {i}"),
                "amount": "1500.00",
                "phases": [
                    {"quarter": "2026-Q2", "amount": "500.00"},
                    {"quarter": "2026-Q3", "amount": "1000.00"}
                ]
            })
        },
        changed: |_| json!({"category": "translation", "description": "Vertaling folder", "amount": "800.00", "phases": []}),
        patch: ("description", || json!("Gewijzigd")),
        clears: None,
        required: "description",
        invalid: (|| json!({"category": "catering"}), "/category"),
    },
    Part {
        name: "translation costs",
        at: At::Project("translation-costs"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "item": format!("Folder {i}"),
                "source_language": "nl",
                "target_languages": ["tr", "ar"],
                "unit": "words",
                "quantity": "800",
                "unit_price": "0.12"
            })
        },
        changed: |_| {
            json!({
                "item": "Ondertiteling uitlegvideo", "source_language": "nl",
                "target_languages": ["ti"], "unit": "minutes", "quantity": "12",
                "unit_price": "9.50"
            })
        },
        patch: ("item", || json!("Gewijzigd")),
        clears: None,
        required: "item",
        invalid: (|| json!({"unit": "lines"}), "/unit"),
    },
    Part {
        name: "fund applications",
        at: At::Project("fund-applications"),
        items: Items::Created,
        setup: funders,
        sample: |refs, i| {
            json!({
                "funder_id": refs[i % 2],
                "programme": "Mantelzorg en welzijn 2026",
                "amount_requested": "5000"
            })
        },
        changed: |refs| {
            json!({
                "funder_id": refs[1],
                "amount_requested": "12000.50", "reference": "GU-2026-17"
            })
        },
        patch: ("programme", || json!("Gewijzigd")),
        clears: Some("programme"),
        required: "funder_id",
        // A funder that is not in the register.
        invalid: (
            || json!({"funder_id": uuid::Uuid::new_v4().to_string()}),
            "/funder_id",
        ),
    },
    Part {
        name: "targets",
        at: At::Project("targets"),
        items: Items::Created,
        setup: a_target_group,
        sample: |refs, i| {
            json!({
                "theme": "reach",
                "quarter": format!("{}-Q{}", 2026 + (i / 4) % 2, 1 + i % 4),
                "target_group_id": refs[0],
                "planned": "120",
                "notes": "Via sleutelpersonen"
            })
        },
        changed: |_| json!({"theme": "hours", "quarter": "2026-Q2", "activity": "outreach", "planned": "40.50"}),
        patch: ("notes", || json!("Gewijzigd")),
        clears: Some("notes"),
        required: "planned",
        invalid: (|| json!({"planned": "-1"}), "/planned"),
    },
    Part {
        name: "evaluation moments",
        at: At::Project("evaluation-moments"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "planned_on": format!("2026-{:02}-15", 1 + i % 12),
                "subject": format!("Evaluatie {i} met sleutelpersonen"),
                "outcome_notes": "Nog te bespreken"
            })
        },
        changed: |_| json!({"planned_on": "2027-06-30", "subject": "Eindevaluatie"}),
        patch: ("subject", || json!("Gewijzigd")),
        clears: Some("outcome_notes"),
        required: "subject",
        invalid: (|| json!({"planned_on": "2028-01-01"}), "/planned_on"),
    },
    Part {
        name: "roadmap",
        at: At::Project("roadmap"),
        items: Items::Fixed {
            keys: &["1", "2", "3", "4", "5", "6", "7", "8", "9"],
            unknown: &["0", "10", "abc", "-1"],
        },
        setup: nothing,
        sample: |_, i| {
            let status = ["in_progress", "done", "skipped"][i % 3];
            json!({
                "status": status,
                "notes": format!("Stap {i}: gesprekken met moskeebesturen")
            })
        },
        changed: |_| json!({"status": "done"}),
        patch: ("notes", || json!("Gewijzigd")),
        clears: Some("notes"),
        required: "status",
        invalid: (|| json!({"status": "finished"}), "/status"),
    },
    Part {
        name: "partners",
        at: At::Organisation("partners"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "name": format!("Partner {i}"),
                "category": "religious",
                "notes": "Vrijdaggebed, vrouwengroep op dinsdag",
                "contacts": [
                    {"name": "Fatma Yılmaz", "role": "Sleutelpersoon", "email": "f.yilmaz@example.org", "phone": "+31 6 12345678"}
                ]
            })
        },
        changed: |_| json!({"name": "Wijkteam Oost", "category": "municipality", "contacts": []}),
        patch: ("name", || json!("Gewijzigd")),
        clears: Some("notes"),
        required: "name",
        invalid: (|| json!({"category": "bank"}), "/category"),
    },
    Part {
        name: "funders",
        at: At::Organisation("funders"),
        items: Items::Created,
        setup: nothing,
        sample: |_, i| {
            json!({
                "name": format!("Fonds {i}"),
                "kind": "fund",
                "kvk_number": "41197236",
                "notes": "Aanvragen voor 1 maart en 1 september",
                "contacts": [
                    {"name": "Anouk de Vries", "role": "Programmamanager", "email": "a.devries@example.org"}
                ]
            })
        },
        changed: |_| json!({"name": "Gemeente Utrecht", "kind": "municipality", "municipality_code": "GM0344", "contacts": []}),
        patch: ("name", || json!("Gewijzigd")),
        clears: Some("notes"),
        required: "kind",
        invalid: (|| json!({"kvk_number": "1234"}), "/kvk_number"),
    },
    Part {
        name: "project partners",
        at: At::Project("partners"),
        items: Items::Created,
        setup: partners,
        sample: |refs, i| {
            json!({
                "partner_id": refs[i],
                "functions": ["referrer", "knowledge_partner"],
                "current_level": "in_contact",
                "desired_level": "collaborate",
                "level_since": (amsterdam_today() - chrono::Days::new(60)).to_string(),
                "notes": "Via de imam"
            })
        },
        changed: |refs| {
            json!({
                "partner_id": refs[0], "functions": ["collaboration_partner"],
                "current_level": "in_contact", "desired_level": "work_as_one"
            })
        },
        patch: ("notes", || json!("Gewijzigd")),
        clears: Some("notes"),
        required: "current_level",
        invalid: (
            || json!({"current_level": "best_friends"}),
            "/current_level",
        ),
    },
];

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

type Refd<'a> = Pin<Box<dyn Future<Output = Refs> + Send + 'a>>;

fn nothing<'a>(_: &'a TestApp, _: &'a str, _: &'a str) -> Refd<'a> {
    Box::pin(async { Vec::new() })
}

/// One target group of the project, for targets to aim at.
fn a_target_group<'a>(app: &'a TestApp, token: &'a str, pid: &'a str) -> Refd<'a> {
    Box::pin(async move {
        let collection = format!("/api/v1/projects/{pid}/target-groups");
        let body = json!({"name": "Turkse mantelzorgers", "languages": ["tr"]});
        vec![id_of(&create(app, token, &collection, &body).await.0)]
    })
}

/// Two funders in the organisation's register, for applications to name.
fn funders<'a>(app: &'a TestApp, token: &'a str, _: &'a str) -> Refd<'a> {
    Box::pin(async move {
        let mut ids = Vec::new();
        for kind in ["fund", "municipality"] {
            let name = format!("Financier {kind} {}", uuid::Uuid::new_v4().simple());
            ids.push(register_funder(app, token, &name, kind).await);
        }
        ids
    })
}

/// Eight partners in the organisation's register, one per link (a partner is linked to
/// a project once).
fn partners<'a>(app: &'a TestApp, token: &'a str, _: &'a str) -> Refd<'a> {
    Box::pin(async move {
        let mut ids = Vec::new();
        for i in 0..8 {
            let name = format!("Partner {i} {}", uuid::Uuid::new_v4().simple());
            let body = json!({"name": name, "category": "migrant_organisation"});
            ids.push(id_of(
                &create(app, token, "/api/v1/partners", &body).await.0,
            ));
        }
        ids
    })
}
