//! A non-trivial plan to summarise.

use super::*;

// --- a non-trivial plan --------------------------------------------------------------

/// What was sent to build a plan, to compute the expected figures from.
pub(super) struct Seed {
    pub(super) hours: Vec<Value>,
    pub(super) budget_lines: Vec<Value>,
    pub(super) translation_costs: Vec<Value>,
    pub(super) fund_applications: Vec<Value>,
    /// The register's funders the applications name: id → (name, kind).
    pub(super) funders: std::collections::BTreeMap<String, (String, String)>,
}

pub(super) fn translation(
    item: &str,
    targets: &[&str],
    unit: &str,
    quantity: &str,
    price: &str,
) -> Value {
    json!({
        "item": item,
        "source_language": "nl",
        "target_languages": targets,
        "unit": unit,
        "quantity": quantity,
        "unit_price": price
    })
}

/// Seven hours lines over five activities and six quarters, nine budget lines over
/// eight categories (six phased), three translation jobs, six fund applications from
/// three funders in every status, a target group, a target, an evaluation moment and a
/// partner. The project runs 2026-01-01 to 2027-12-31.
pub(super) async fn seed(app: &TestApp, token: &str, pid: &str) -> Seed {
    let hours = vec![
        hours_line("outreach", "2026-Q1", "12.5", "47.35"), // 591.875 → 591.88
        hours_line("outreach", "2026-Q2", "20.25", "47.35"), // 958.8375 → 958.84
        hours_line("key_person_meetings", "2026-Q1", "8.75", "52.10"), // 455.875 → 455.88
        hours_line("caregiver_conversations", "2026-Q3", "33.33", "41.17"), // 1372.1961
        hours_line("coordination", "2026-Q2", "100", "55.55"),
        hours_line("coordination", "2027-Q1", "7.5", "63.33"), // 474.975 → 474.98
        hours_line("training", "2027-Q4", "0.01", "999.99"),   // 9.9999 → 10.00
    ];
    let budget_lines = vec![
        budget_line(
            "personnel",
            "Coördinator, 8 uur per week",
            "12000.00",
            &[
                ("2026-Q1", "3000"),
                ("2026-Q2", "3000.00"),
                ("2026-Q3", "3000.00"),
                ("2026-Q4", "3000.00"),
            ],
        ),
        budget_line(
            "communication",
            "Flyers in het Turks en Arabisch",
            "1234.56",
            &[("2026-Q1", "1000.00"), ("2026-Q2", "234.56")],
        ),
        budget_line(
            "venue",
            "Zaalhuur bijeenkomsten",
            "450.5",
            &[("2026-Q3", "225.25"), ("2027-Q1", "225.25")],
        ),
        budget_line("communication", "Website", "799.99", &[]),
        budget_line("materials", "Koffie en thee", "89.95", &[]),
        budget_line(
            "activities",
            "Buurtfeest",
            "2500",
            &[("2026-Q2", "1250.01"), ("2027-Q4", "1249.99")],
        ),
        budget_line("overhead", "Overhead", "1500.00", &[]),
        budget_line("translation", "Beëdigd vertaler", "300.00", &[]),
        budget_line(
            "interpretation",
            "Tolken bij gesprekken",
            "620.40",
            &[("2027-Q2", "620.40")],
        ),
    ];
    let translation_costs = vec![
        translation(
            "Flyer 'Zorgt u voor een naaste?'",
            &["tr", "ar"],
            "words",
            "1250",
            "0.12",
        ),
        translation(
            "Brochure mantelzorgondersteuning",
            &["ar"],
            "pages",
            "4",
            "35.50",
        ),
        translation(
            "Uitlegvideo",
            &["tr", "ar", "ti"],
            "minutes",
            "12.5",
            "8.40",
        ),
    ];
    for body in &hours {
        create(app, token, &lines_path(pid, "hours"), body).await;
    }
    let mut budget_line_ids = Vec::new();
    for body in &budget_lines {
        budget_line_ids.push(id_of(
            &create(app, token, &lines_path(pid, "budget-lines"), body)
                .await
                .0,
        ));
    }
    for body in &translation_costs {
        let created = create(app, token, &lines_path(pid, "translation-costs"), body)
            .await
            .0;
        let langs = body["target_languages"].as_array().unwrap().len() as i128;
        let expected = product(text(&body["quantity"]), text(&body["unit_price"])) * langs;
        assert_eq!(created["total"], json!(money(expected)), "total of {body}");
    }
    let mut funders = std::collections::BTreeMap::new();
    let mut funder = async |name: &str, kind: &str| {
        let id = register_funder(app, token, name, kind).await;
        funders.insert(id.clone(), (name.to_string(), kind.to_string()));
        id
    };
    let utrecht = funder("Gemeente Utrecht", "municipality").await;
    let oranje = funder("Oranje Fonds", "fund").await;
    let sluyterman = funder("Fonds Sluyterman", "fund").await;
    let fund_applications = vec![
        json!({
            "funder_id": utrecht,
            "programme": "Mantelzorg en welzijn 2026", "budget_line_ids": [budget_line_ids[0]],
            "amount_requested": "10000", "amount_granted": "10000.00", "status": "granted",
            "submitted_on": "2025-10-01", "decided_on": "2025-12-15"
        }),
        json!({
            "funder_id": utrecht,
            "amount_requested": "2500.50", "status": "submitted", "submitted_on": "2026-03-01"
        }),
        json!({
            "funder_id": oranje,
            "budget_line_ids": [budget_line_ids[1], budget_line_ids[5]],
            "amount_requested": "8000.00", "amount_granted": "6250.75",
            "status": "partially_granted", "submitted_on": "2025-11-01", "decided_on": "2026-01-20"
        }),
        json!({
            "funder_id": oranje,
            "amount_requested": "3000", "status": "rejected",
            "submitted_on": "2025-11-15", "decided_on": "2026-02-01"
        }),
        json!({
            "funder_id": sluyterman,
            "amount_requested": "1999.99", "status": "draft"
        }),
        json!({
            "funder_id": sluyterman,
            "amount_requested": "4000.00", "status": "withdrawn", "submitted_on": "2026-01-10"
        }),
    ];
    for body in &fund_applications {
        create(app, token, &lines_path(pid, "fund-applications"), body).await;
    }

    // Parts that do not count in the summary, but are part of the document.
    let group = create(app, token, &lines_path(pid, "target-groups"), &json!({"name": "Turks-Nederlandse mantelzorgers", "description": null, "languages": ["tr", "nl"]}))
.await
.0;
    create(app, token, &lines_path(pid, "targets"), &json!({"theme": "reach", "quarter": "2026-Q2", "target_group_id": group["id"], "planned": "40"}))
.await;
    create(
        app,
        token,
        &lines_path(pid, "evaluation-moments"),
        &json!({"planned_on": "2026-12-15", "subject": "Tussenevaluatie met sleutelpersonen"}),
    )
    .await;
    let response = app
        .post(
            "/api/v1/partners",
            token,
            &json!({"name": format!("Moskee Ulu Camii {pid}"), "category": "religious"}),
        )
        .await;
    assert_eq!(response.status(), 201, "create partner");
    let partner = json_of(response).await;
    create(
        app,
        token,
        &lines_path(pid, "partners"),
        &json!({
            "partner_id": partner["id"], "functions": ["referrer", "collaboration_partner"],
            "current_level": "in_contact", "desired_level": "collaborate"
        }),
    )
    .await;

    Seed {
        hours,
        budget_lines,
        translation_costs,
        fund_applications,
        funders,
    }
}
