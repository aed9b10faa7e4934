//! A planned project to report on, shared by the report and figure tests.

use serde_json::{Value, json};

use super::{TestApp, create, id_of, lines_path, project_body};

/// A project (2024-01-01 to 2025-12-31, all quarters past) with two target groups
/// (`tr`+`nl`, `ar`), two budget lines, planned hours for two activities, a translation
/// into `ti`, a communication target in `pap` and links to two partners.
pub struct PlannedProject {
    pub pid: String,
    pub groups: [String; 2],
    pub lines: [String; 2],
    pub links: [String; 2],
}

/// Two partners in the organisation's register: a mosque and a migrant organisation.
pub async fn register_partners(app: &TestApp, token: &str) -> [String; 2] {
    let mut ids = Vec::new();
    for name in ["Moskee Ulu Camii", "Stichting Salam"] {
        let body = json!({"name": name, "category": "migrant_organisation"});
        ids.push(id_of(
            &create(app, token, "/api/v1/partners", &body).await.0,
        ));
    }
    [ids[0].clone(), ids[1].clone()]
}

/// A funder in the organisation's register; its id.
pub async fn register_funder(app: &TestApp, token: &str, name: &str, kind: &str) -> String {
    let body = json!({"name": name, "kind": kind});
    id_of(&create(app, token, "/api/v1/funders", &body).await.0)
}

/// Creates a [`PlannedProject`] called `name`, with 40 hours at 50 euros for each
/// `(activity, quarter)` of `hours`, linked to `partners`.
pub async fn planned_project(
    app: &TestApp,
    token: &str,
    name: &str,
    partners: &[String; 2],
    hours: [(&str, &str); 2],
) -> PlannedProject {
    let mut body = project_body(name);
    body["start_date"] = json!("2024-01-01");
    body["end_date"] = json!("2025-12-31");
    let (project, _) = app.project(token, &body).await;
    let pid = id_of(&project);
    let add = async |segment: &str, body: Value| {
        id_of(
            &create(app, token, &lines_path(&pid, segment), &body)
                .await
                .0,
        )
    };

    let group = |name: &str, languages: Value| json!({"name": name, "languages": languages});
    let groups = [
        add(
            "target-groups",
            group("Turks-Nederlandse mantelzorgers", json!(["tr", "nl"])),
        )
        .await,
        add(
            "target-groups",
            group("Arabischtalige mantelzorgers", json!(["ar"])),
        )
        .await,
    ];
    let line = |description: &str, amount: &str| json!({"category": "communication", "description": description, "amount": amount});
    let lines = [
        add("budget-lines", line("Flyers", "5000.00")).await,
        add("budget-lines", line("Koffie en thee", "400.00")).await,
    ];
    for (activity, quarter) in hours {
        let body =
            json!({"activity": activity, "quarter": quarter, "hours": "40", "hourly_rate": "50"});
        add("hours", body).await;
    }
    let translation = json!({
        "item": "Uitlegvideo", "source_language": "nl", "target_languages": ["ti"],
        "unit": "flat", "quantity": "1", "unit_price": "250"
    });
    add("translation-costs", translation).await;
    let target = json!({
        "theme": "communication", "quarter": null, "channel": "radio", "language": "pap",
        "planned": "4"
    });
    add("targets", target).await;
    let link = |partner: &str| {
        json!({
            "partner_id": partner, "functions": ["referrer"],
            "current_level": "in_contact", "desired_level": "collaborate"
        })
    };
    let links = [
        add("partners", link(&partners[0])).await,
        add("partners", link(&partners[1])).await,
    ];
    PlannedProject {
        pid,
        groups,
        lines,
        links,
    }
}
