//! The fixture: a project with a plan and reports in every state.

use super::*;

// --- the fixture -----------------------------------------------------------------------

pub(super) struct Fixture {
    pub(super) app: TestApp,
    pub(super) admin: crate::helpers::Tenant,
    pub(super) pid: String,
    pub(super) g1: String,
    pub(super) g2: String,
    pub(super) l1: String,
    pub(super) l2: String,
    pub(super) l3: String,
}

pub(super) fn target(theme: &str, quarter: Option<&str>, subject: Value, planned: &str) -> Value {
    let mut body = json!({"theme": theme, "quarter": quarter, "planned": planned});
    for (key, value) in subject.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// A partner in the register linked to the project at `level` since `since`, then
/// moved along the ladder by `moves` (level, date), each a PATCH of the link.
pub(super) async fn partner_link(
    app: &TestApp,
    token: &str,
    pid: &str,
    name: &str,
    level: &str,
    since: &str,
    moves: &[(&str, &str)],
) -> String {
    let partner = create(
        app,
        token,
        "/api/v1/partners",
        &json!({"name": format!("{name} {pid}"), "category": "welfare"}),
    )
    .await
    .0;
    let link = create(
        app,
        token,
        &lines_path(pid, "partners"),
        &json!({
            "partner_id": partner["id"], "functions": ["referrer"],
            "current_level": level, "desired_level": "work_as_one", "level_since": since
        }),
    )
    .await
    .0;
    let id = id_of(&link);
    let path = lines_path(pid, &format!("partners/{id}"));
    let mut last = link;
    for (level, since) in moves {
        last = write_ok(
            app,
            token,
            &path,
            Method::PATCH,
            None,
            &json!({"current_level": level, "level_since": since}),
        )
        .await
        .0;
        assert_eq!(last["current_level"], json!(level));
        assert_eq!(last["level_since"], json!(since));
    }
    // The history the server keeps: the level the link started at, then every move.
    let history: Vec<Value> = last["level_history"]
        .as_array()
        .expect("level_history")
        .iter()
        .map(|h| json!([h["level"], h["reached_on"]]))
        .collect();
    let expected: Vec<Value> = std::iter::once((level, since))
        .chain(moves.iter().copied())
        .map(|(l, d)| json!([l, d]))
        .collect();
    assert_eq!(history, expected, "level history of {name}");
    id
}

/// PUTs a new report (201) for `quarter`.
pub(super) async fn report(app: &TestApp, token: &str, pid: &str, quarter: &str, content: &Value) {
    let path = lines_path(pid, &format!("quarterly-reports/{quarter}"));
    let response = app
        .request(Method::PUT, &path, Some(token))
        .json(content)
        .send()
        .await
        .expect("request");
    let status = response.status();
    if status != 201 {
        let text = response.text().await.unwrap_or_default();
        panic!("PUT {path}: {status} {text}");
    }
    let created = json_of(response).await;
    assert_eq!(created["state"], "draft");
}
pub(super) async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let admin = app.tenant("Steunpunt Voortgang").await;
    let token = admin.token.clone();
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&admin, "admin").await;
    let mut body = project_body("Voortgang 2025");
    body["start_date"] = json!("2025-01-01");
    body["end_date"] = json!("2025-12-31");
    let (project, _) = app.project(&token, &body).await;
    let pid = id_of(&project);

    // Target groups, G1 then G2.
    let g1 = id_of(
        &create(
            &app,
            &token,
            &lines_path(&pid, "target-groups"),
            &json!({"name": "Turks-Nederlandse mantelzorgers", "languages": ["tr"]}),
        )
        .await
        .0,
    );
    let g2 = id_of(
        &create(
            &app,
            &token,
            &lines_path(&pid, "target-groups"),
            &json!({"name": "Marokkaans-Nederlandse mantelzorgers", "languages": ["ar"]}),
        )
        .await
        .0,
    );

    // Budget lines.
    let l1 = id_of(
        &create(
            &app,
            &token,
            &lines_path(&pid, "budget-lines"),
            &budget_line(
                "personnel",
                "Coördinator",
                "4000.00",
                &[
                    ("2025-Q1", "1000.00"),
                    ("2025-Q2", "1000.00"),
                    ("2025-Q3", "1000.00"),
                    ("2025-Q4", "1000.00"),
                ],
            ),
        )
        .await
        .0,
    );
    let l2 = id_of(
        &create(
            &app,
            &token,
            &lines_path(&pid, "budget-lines"),
            &budget_line(
                "communication",
                "Flyers in het Turks en Arabisch",
                "1200.00",
                &[("2025-Q1", "700.00"), ("2025-Q3", "500.00")],
            ),
        )
        .await
        .0,
    );
    let l3 = id_of(
        &create(
            &app,
            &token,
            &lines_path(&pid, "budget-lines"),
            &budget_line("communication", "Advertenties", "450.50", &[]),
        )
        .await
        .0,
    );

    // Planned hours.
    for line in [
        hours_line("outreach", "2025-Q1", "20", "50.00"),
        hours_line("outreach", "2025-Q2", "25.5", "50.00"),
        hours_line("outreach", "2025-Q3", "30", "50.00"),
        hours_line("coordination", "2025-Q2", "10.25", "60.00"),
        hours_line("coordination", "2025-Q4", "12", "60.00"),
    ] {
        create(&app, &token, &lines_path(&pid, "hours"), &line).await;
    }

    // Targets.
    let reach_g1 = json!({"target_group_id": g1});
    let reach_g2 = json!({"target_group_id": g2});
    let social = json!({"channel": "social_media"});
    let turkish = json!({"language": "tr"});
    let collaborate = json!({"ladder_level": "collaborate"});
    for body in [
        target("reach", Some("2025-Q1"), reach_g1.clone(), "10"),
        target("reach", Some("2025-Q2"), reach_g1.clone(), "15"),
        target("reach", Some("2025-Q3"), reach_g1.clone(), "20"),
        target("reach", Some("2025-Q4"), reach_g1.clone(), "25"),
        target("reach", None, reach_g1.clone(), "60"),
        target("reach", Some("2025-Q1"), reach_g2.clone(), "5"),
        target("reach", Some("2025-Q2"), reach_g2.clone(), "8"),
        target("reach", Some("2025-Q4"), reach_g2.clone(), "12"),
        target("reach", Some("2025-Q1"), json!({}), "12"),
        target("reach", Some("2025-Q3"), json!({}), "30"),
        target("partners", Some("2025-Q1"), collaborate.clone(), "1"),
        target("partners", Some("2025-Q2"), collaborate.clone(), "2"),
        target("partners", Some("2025-Q4"), collaborate.clone(), "3"),
        target(
            "partners",
            None,
            json!({"ladder_level": "work_as_one"}),
            "1",
        ),
        target("communication", Some("2025-Q1"), social.clone(), "10"),
        target("communication", Some("2025-Q2"), social.clone(), "10"),
        target("communication", Some("2025-Q3"), social.clone(), "10"),
        target("communication", Some("2025-Q4"), social.clone(), "10"),
        target("communication", Some("2025-Q1"), turkish.clone(), "3"),
        target("communication", Some("2025-Q3"), turkish.clone(), "5"),
        target("communication", None, turkish.clone(), "12"),
    ] {
        create(&app, &token, &lines_path(&pid, "targets"), &body).await;
    }

    // Partner links and their moves along the ladder (know_of_each_other < in_contact <
    // coordinate < collaborate < work_as_one). Ends of the quarters: 03-31, 06-30,
    // 09-30, 12-31.
    // P1: coordinate before the project, collaborate from 2025-02-15 (Q1), work_as_one
    //     from 2025-08-01 (Q3).
    partner_link(
        &app,
        &token,
        &pid,
        "Buurthuis De Brug",
        "coordinate",
        "2024-11-01",
        &[("collaborate", "2025-02-15"), ("work_as_one", "2025-08-01")],
    )
    .await;
    // P2: in_contact before the project, collaborate from 2025-06-30 (the last day of Q2).
    partner_link(
        &app,
        &token,
        &pid,
        "Moskee Ulu Camii",
        "in_contact",
        "2024-06-01",
        &[("collaborate", "2025-06-30")],
    )
    .await;
    // P3: collaborate from 2025-01-10, back to coordinate from 2025-10-05 (Q4).
    partner_link(
        &app,
        &token,
        &pid,
        "Huisartsenpraktijk Oost",
        "collaborate",
        "2025-01-10",
        &[("coordinate", "2025-10-05")],
    )
    .await;

    // Q1: accepted.
    report(
        &app,
        &token,
        &pid,
        "2025-Q1",
        &json!({
            "reach": {"per_target_group": [
                {"target_group_id": g1, "new": 8, "total": 10},
                {"target_group_id": g2, "new": 6, "total": 6}
            ]},
            "communication": [
                {"channel": "social_media", "language": "tr", "count": 4},
                {"channel": "social_media", "language": "ar", "count": 3},
                {"channel": "flyers", "language": "tr", "count": 2, "estimated_reach": 200, "cost": "80.00"},
                {"channel": "newsletter", "count": 1}
            ],
            "budget": {
                "spent": [
                    {"budget_line_id": l1, "amount": "950.00"},
                    {"budget_line_id": l2, "amount": "720.40"}
                ],
                "hours": [{"activity": "outreach", "hours": "18.5"}]
            }
        }),
    )
    .await;
    assert_eq!(
        act_ok(&app, &token, &pid, "2025-Q1", "submit", None).await["state"],
        "submitted"
    );
    assert_eq!(
        act_ok(&app, &reviewer, &pid, "2025-Q1", "accept", None).await["state"],
        "accepted"
    );

    // Q2: a draft. G2 reports a total but no "new".
    report(
        &app,
        &token,
        &pid,
        "2025-Q2",
        &json!({
            "reach": {"per_target_group": [
                {"target_group_id": g1, "new": 14, "total": 20},
                {"target_group_id": g2, "total": 5}
            ]},
            "communication": [
                {"channel": "social_media", "count": 5},
                {"channel": "radio", "language": "tr", "count": 1}
            ],
            "budget": {
                "spent": [
                    {"budget_line_id": l1, "amount": "1000"},
                    {"budget_line_id": l3, "amount": "150.25"}
                ],
                "hours": [
                    {"activity": "outreach", "hours": "26"},
                    {"activity": "coordination", "hours": "9.75"}
                ]
            }
        }),
    )
    .await;

    // Q3: submitted.
    report(
        &app,
        &token,
        &pid,
        "2025-Q3",
        &json!({
            "reach": {"per_target_group": [
                {"target_group_id": g1, "new": 22, "total": 30},
                {"target_group_id": g2, "new": 2, "total": 4}
            ]},
            "communication": [
                {"channel": "social_media", "language": "nl", "count": 6},
                {"channel": "video", "language": "tr", "count": 3},
                {"channel": "social_media", "language": "tr", "count": 2}
            ],
            "budget": {
                "spent": [
                    {"budget_line_id": l1, "amount": "1100.50"},
                    {"budget_line_id": l2, "amount": "300"},
                    {"budget_line_id": l3, "amount": "99.75"}
                ],
                "hours": [
                    {"activity": "outreach", "hours": "31.25"},
                    {"activity": "coordination", "hours": "4"}
                ]
            }
        }),
    )
    .await;
    assert_eq!(
        act_ok(&app, &token, &pid, "2025-Q3", "submit", None).await["state"],
        "submitted"
    );

    Fixture {
        app,
        admin,
        pid,
        g1,
        g2,
        l1,
        l2,
        l3,
    }
}
