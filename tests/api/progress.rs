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

use crate::helpers::{TestApp, named_fields, problem, project_body, spawn_app};
use crate::helpers::{budget_line, create, hours_line, write_ok};
use crate::helpers::{id_of, json_of, lines_path};
use reqwest::Method;
use serde_json::{Value, json};

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

// --- the fixture -----------------------------------------------------------------------

struct Fixture {
    app: TestApp,
    admin: crate::helpers::Tenant,
    pid: String,
    g1: String,
    g2: String,
    l1: String,
    l2: String,
    l3: String,
}

fn target(theme: &str, quarter: Option<&str>, subject: Value, planned: &str) -> Value {
    let mut body = json!({"theme": theme, "quarter": quarter, "planned": planned});
    for (key, value) in subject.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// A partner in the register linked to the project at `level` since `since`, then
/// moved along the ladder by `moves` (level, date), each a PATCH of the link.
async fn partner_link(
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
async fn report(app: &TestApp, token: &str, pid: &str, quarter: &str, content: &Value) {
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

async fn act(app: &TestApp, token: &str, pid: &str, quarter: &str, action: &str, state: &str) {
    let path = lines_path(pid, &format!("quarterly-reports/{quarter}/{action}"));
    let response = app.post(&path, token, &json!({})).await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("POST {path}: {status} {text}");
    }
    assert_eq!(json_of(response).await["state"], state, "{path}");
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let admin = app.tenant("Steunpunt Voortgang").await;
    let token = admin.token.clone();
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
    act(&app, &token, &pid, "2025-Q1", "submit", "submitted").await;
    act(&app, &token, &pid, "2025-Q1", "accept", "accepted").await;

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
    act(&app, &token, &pid, "2025-Q3", "submit", "submitted").await;

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

// --- expected series ------------------------------------------------------------------

/// `-` stands for `null`.
const N: &str = "-";
const QUARTERS: [&str; 4] = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"];

fn figure(value: &str) -> Value {
    if value == N {
        Value::Null
    } else {
        json!(value)
    }
}

/// A series as the server should write it: per quarter `[planned, actual, variance,
/// cumulative_planned, cumulative_actual, cumulative_variance]`, and for the project
/// `[planned, actual, variance]`.
fn series(subject: Value, rows: [[&str; 6]; 4], project: [&str; 3]) -> Value {
    json!({
        "subject": subject,
        "quarters": QUARTERS
            .iter()
            .zip(rows)
            .map(|(quarter, r)| json!({
                "quarter": quarter,
                "planned": figure(r[0]),
                "actual": figure(r[1]),
                "variance": figure(r[2]),
                "cumulative_planned": figure(r[3]),
                "cumulative_actual": figure(r[4]),
                "cumulative_variance": figure(r[5]),
            }))
            .collect::<Vec<_>>(),
        "planned": figure(project[0]),
        "actual": figure(project[1]),
        "variance": figure(project[2]),
    })
}

/// Asserts that `section` holds exactly the `expected` series (in any order).
fn assert_section(progress: &Value, include: &str, section: &str, expected: &[Value]) {
    let actual = progress[section]
        .as_array()
        .unwrap_or_else(|| panic!("{section} is not a list: {progress}"));
    let subjects: Vec<&Value> = actual.iter().map(|s| &s["subject"]).collect();
    let mut wanted: Vec<&Value> = expected.iter().map(|s| &s["subject"]).collect();
    let mut got = subjects.clone();
    got.sort_by_key(|v| v.to_string());
    wanted.sort_by_key(|v| v.to_string());
    assert_eq!(got, wanted, "include={include}: the subjects of {section}");
    for want in expected {
        let found = actual
            .iter()
            .find(|s| s["subject"] == want["subject"])
            .unwrap();
        assert_eq!(
            found, want,
            "include={include}, {section}, subject {}",
            want["subject"]
        );
    }
}

/// Expected figures by `include`: accepted, submitted, draft.
#[derive(Clone, Copy, PartialEq)]
enum Inc {
    Accepted,
    Submitted,
    Draft,
}

fn reach(f: &Fixture, inc: Inc) -> Vec<Value> {
    use Inc::*;
    // New caregivers per report: Q1 (accepted) G1 8, G2 6; Q2 (draft) G1 14, G2 none
    // (only a total); Q3 (submitted) G1 22, G2 2.
    let all = json!({"target_group_id": null});
    let g1 = json!({"target_group_id": f.g1});
    let g2 = json!({"target_group_id": f.g2});
    match inc {
        Accepted => vec![
            // All groups: planned Q1 12, Q3 30 (project 12+30=42); actual Q1 8+6=14.
            series(
                all,
                [
                    ["12", "14", "2", "12", "14", "2"],
                    [N, "0", N, "12", "14", "2"],
                    ["30", "0", "-30", "42", "14", "-28"], // 12+30; 14-42
                    [N, "0", N, "42", "14", "-28"],
                ],
                ["42", "14", "-28"],
            ),
            // G1: planned 10/15/20/25 (cumulative 10/25/45/70), project target 60.
            series(
                g1,
                [
                    ["10", "8", "-2", "10", "8", "-2"],
                    ["15", "0", "-15", "25", "8", "-17"],
                    ["20", "0", "-20", "45", "8", "-37"],
                    ["25", "0", "-25", "70", "8", "-62"],
                ],
                ["60", "8", "-52"], // the whole-project target, not 70
            ),
            // G2: planned 5/8/–/12 (cumulative 5/13/13/25), project 5+8+12=25.
            series(
                g2,
                [
                    ["5", "6", "1", "5", "6", "1"],
                    ["8", "0", "-8", "13", "6", "-7"],
                    [N, "0", N, "13", "6", "-7"],
                    ["12", "0", "-12", "25", "6", "-19"],
                ],
                ["25", "6", "-19"],
            ),
        ],
        Submitted => vec![
            // All groups: actual Q1 14, Q3 22+2=24; cumulative 14, 14, 38, 38.
            series(
                all,
                [
                    ["12", "14", "2", "12", "14", "2"],
                    [N, "0", N, "12", "14", "2"],
                    ["30", "24", "-6", "42", "38", "-4"], // 24-30; 38-42
                    [N, "0", N, "42", "38", "-4"],
                ],
                ["42", "38", "-4"],
            ),
            // G1: actual 8, 0 (draft), 22; cumulative 8, 8, 30, 30.
            series(
                g1,
                [
                    ["10", "8", "-2", "10", "8", "-2"],
                    ["15", "0", "-15", "25", "8", "-17"],
                    ["20", "22", "2", "45", "30", "-15"],
                    ["25", "0", "-25", "70", "30", "-40"],
                ],
                ["60", "30", "-30"],
            ),
            // G2: actual 6, 0, 2; cumulative 6, 6, 8, 8.
            series(
                g2,
                [
                    ["5", "6", "1", "5", "6", "1"],
                    ["8", "0", "-8", "13", "6", "-7"],
                    [N, "2", N, "13", "8", "-5"],
                    ["12", "0", "-12", "25", "8", "-17"],
                ],
                ["25", "8", "-17"],
            ),
        ],
        Draft => vec![
            // All groups: actual 14, 14+0=14, 24; cumulative 14, 28, 52, 52.
            series(
                all,
                [
                    ["12", "14", "2", "12", "14", "2"],
                    [N, "14", N, "12", "28", "16"],       // 28-12
                    ["30", "24", "-6", "42", "52", "10"], // 52-42
                    [N, "0", N, "42", "52", "10"],
                ],
                ["42", "52", "10"],
            ),
            // G1: actual 8, 14, 22; cumulative 8, 22, 44, 44.
            series(
                g1,
                [
                    ["10", "8", "-2", "10", "8", "-2"],
                    ["15", "14", "-1", "25", "22", "-3"],
                    ["20", "22", "2", "45", "44", "-1"],
                    ["25", "0", "-25", "70", "44", "-26"],
                ],
                ["60", "44", "-16"],
            ),
            // G2: the draft has no "new" for G2, so as with submitted.
            series(
                g2,
                [
                    ["5", "6", "1", "5", "6", "1"],
                    ["8", "0", "-8", "13", "6", "-7"],
                    [N, "2", N, "13", "8", "-5"],
                    ["12", "0", "-12", "25", "8", "-17"],
                ],
                ["25", "8", "-17"],
            ),
        ],
    }
}

/// The same whatever `include`: levels come from the links' history, not from reports.
fn partners() -> Vec<Value> {
    // At the end of Q1/Q2/Q3/Q4:
    //   P1 collaborate, collaborate, work_as_one, work_as_one
    //   P2 in_contact,  collaborate, collaborate, collaborate
    //   P3 collaborate, collaborate, collaborate, coordinate
    // At or above collaborate: 2, 3, 3, 2. At or above work_as_one: 0, 0, 1, 1.
    vec![
        // A state: the cumulative figures are the quarter's own (the planned one carried
        // from the last quarter with a target), the project's the last quarter's.
        series(
            json!({"level": "collaborate"}),
            [
                ["1", "2", "1", "1", "2", "1"],
                ["2", "3", "1", "2", "3", "1"],
                [N, "3", N, "2", "3", "1"], // no target for Q3: Q2's 2 still holds
                ["3", "2", "-1", "3", "2", "-1"],
            ],
            ["3", "2", "-1"], // the last target, 3 (not 1+2+3); the state at the end, 2
        ),
        // Only a whole-project target (1).
        series(
            json!({"level": "work_as_one"}),
            [
                [N, "0", N, N, "0", N],
                [N, "0", N, N, "0", N],
                [N, "1", N, N, "1", N],
                [N, "1", N, N, "1", N],
            ],
            ["1", "1", "0"],
        ),
    ]
}

fn communication(inc: Inc) -> Vec<Value> {
    use Inc::*;
    // Items per report:
    //   Q1 (accepted)  social_media/tr 4, social_media/ar 3, flyers/tr 2, newsletter/– 1
    //   Q2 (draft)     social_media/– 5, radio/tr 1
    //   Q3 (submitted) social_media/nl 6, video/tr 3, social_media/tr 2
    // social_media (any language): Q1 4+3=7, Q2 5, Q3 6+2=8.
    // tr (any channel): Q1 4+2=6, Q2 1, Q3 3+2=5.
    let social = json!({"channel": "social_media", "language": null});
    let turkish = json!({"channel": null, "language": "tr"});
    match inc {
        Accepted => vec![
            // planned 10 a quarter, cumulative 10/20/30/40, project 40.
            series(
                social,
                [
                    ["10", "7", "-3", "10", "7", "-3"],
                    ["10", "0", "-10", "20", "7", "-13"],
                    ["10", "0", "-10", "30", "7", "-23"],
                    ["10", "0", "-10", "40", "7", "-33"],
                ],
                ["40", "7", "-33"],
            ),
            // planned Q1 3, Q3 5 (cumulative 3/3/8/8), project target 12.
            series(
                turkish,
                [
                    ["3", "6", "3", "3", "6", "3"],
                    [N, "0", N, "3", "6", "3"],
                    ["5", "0", "-5", "8", "6", "-2"],
                    [N, "0", N, "8", "6", "-2"],
                ],
                ["12", "6", "-6"],
            ),
        ],
        Submitted => vec![
            series(
                social,
                [
                    ["10", "7", "-3", "10", "7", "-3"],
                    ["10", "0", "-10", "20", "7", "-13"],
                    ["10", "8", "-2", "30", "15", "-15"], // 7+8; 15-30
                    ["10", "0", "-10", "40", "15", "-25"],
                ],
                ["40", "15", "-25"],
            ),
            series(
                turkish,
                [
                    ["3", "6", "3", "3", "6", "3"],
                    [N, "0", N, "3", "6", "3"],
                    ["5", "5", "0", "8", "11", "3"], // 6+5; 11-8
                    [N, "0", N, "8", "11", "3"],
                ],
                ["12", "11", "-1"],
            ),
        ],
        Draft => vec![
            series(
                social,
                [
                    ["10", "7", "-3", "10", "7", "-3"],
                    ["10", "5", "-5", "20", "12", "-8"], // 7+5; 12-20
                    ["10", "8", "-2", "30", "20", "-10"], // 12+8; 20-30
                    ["10", "0", "-10", "40", "20", "-20"],
                ],
                ["40", "20", "-20"],
            ),
            series(
                turkish,
                [
                    ["3", "6", "3", "3", "6", "3"],
                    [N, "1", N, "3", "7", "4"],      // 6+1; 7-3
                    ["5", "5", "0", "8", "12", "4"], // 7+5; 12-8
                    [N, "0", N, "8", "12", "4"],
                ],
                ["12", "12", "0"], // 12-12
            ),
        ],
    }
}

fn hours(inc: Inc) -> Vec<Value> {
    use Inc::*;
    // Hours per report: Q1 (accepted) outreach 18.5; Q2 (draft) outreach 26,
    // coordination 9.75; Q3 (submitted) outreach 31.25, coordination 4.
    // Planned: outreach 20/25.5/30/– (cumulative 20/45.5/75.5/75.5, project 75.50);
    // coordination –/10.25/–/12 (cumulative –/10.25/10.25/22.25, project 22.25).
    let outreach = json!({"activity": "outreach"});
    let coordination = json!({"activity": "coordination"});
    match inc {
        Accepted => vec![
            series(
                outreach,
                [
                    ["20.00", "18.50", "-1.50", "20.00", "18.50", "-1.50"],
                    ["25.50", "0.00", "-25.50", "45.50", "18.50", "-27.00"],
                    ["30.00", "0.00", "-30.00", "75.50", "18.50", "-57.00"],
                    [N, "0.00", N, "75.50", "18.50", "-57.00"],
                ],
                ["75.50", "18.50", "-57.00"],
            ),
            series(
                coordination,
                [
                    [N, "0.00", N, N, "0.00", N],
                    ["10.25", "0.00", "-10.25", "10.25", "0.00", "-10.25"],
                    [N, "0.00", N, "10.25", "0.00", "-10.25"],
                    ["12.00", "0.00", "-12.00", "22.25", "0.00", "-22.25"],
                ],
                ["22.25", "0.00", "-22.25"],
            ),
        ],
        Submitted => vec![
            series(
                outreach,
                [
                    ["20.00", "18.50", "-1.50", "20.00", "18.50", "-1.50"],
                    ["25.50", "0.00", "-25.50", "45.50", "18.50", "-27.00"],
                    // 31.25-30; 18.5+31.25=49.75; 49.75-75.5
                    ["30.00", "31.25", "1.25", "75.50", "49.75", "-25.75"],
                    [N, "0.00", N, "75.50", "49.75", "-25.75"],
                ],
                ["75.50", "49.75", "-25.75"],
            ),
            series(
                coordination,
                [
                    [N, "0.00", N, N, "0.00", N],
                    ["10.25", "0.00", "-10.25", "10.25", "0.00", "-10.25"],
                    [N, "4.00", N, "10.25", "4.00", "-6.25"], // 4-10.25
                    ["12.00", "0.00", "-12.00", "22.25", "4.00", "-18.25"], // 4-22.25
                ],
                ["22.25", "4.00", "-18.25"],
            ),
        ],
        Draft => vec![
            series(
                outreach,
                [
                    ["20.00", "18.50", "-1.50", "20.00", "18.50", "-1.50"],
                    // 26-25.5; 18.5+26=44.5; 44.5-45.5
                    ["25.50", "26.00", "0.50", "45.50", "44.50", "-1.00"],
                    // 44.5+31.25=75.75; 75.75-75.5
                    ["30.00", "31.25", "1.25", "75.50", "75.75", "0.25"],
                    [N, "0.00", N, "75.50", "75.75", "0.25"],
                ],
                ["75.50", "75.75", "0.25"],
            ),
            series(
                coordination,
                [
                    [N, "0.00", N, N, "0.00", N],
                    ["10.25", "9.75", "-0.50", "10.25", "9.75", "-0.50"],
                    [N, "4.00", N, "10.25", "13.75", "3.50"], // 9.75+4; 13.75-10.25
                    ["12.00", "0.00", "-12.00", "22.25", "13.75", "-8.50"], // 13.75-22.25
                ],
                ["22.25", "13.75", "-8.50"],
            ),
        ],
    }
}

fn spend_per_budget_line(f: &Fixture, inc: Inc) -> Vec<Value> {
    use Inc::*;
    // Spent per report: Q1 (accepted) L1 950, L2 720.40; Q2 (draft) L1 1000, L3 150.25;
    // Q3 (submitted) L1 1100.50, L2 300, L3 99.75.
    // L1: phases 1000 a quarter (cumulative 1000/2000/3000/4000), amount 4000.00.
    // L2: phases Q1 700, Q3 500 (cumulative 700/700/1200/1200), amount 1200.00.
    // L3: no phases, amount 450.50.
    let l1 = json!({"budget_line_id": f.l1, "category": "personnel"});
    let l2 = json!({"budget_line_id": f.l2, "category": "communication"});
    let l3 = json!({"budget_line_id": f.l3, "category": "communication"});
    let l2_submitted = [
        ["700.00", "720.40", "20.40", "700.00", "720.40", "20.40"],
        [N, "0.00", N, "700.00", "720.40", "20.40"],
        // 300-500; 720.40+300=1020.40; 1020.40-1200
        [
            "500.00", "300.00", "-200.00", "1200.00", "1020.40", "-179.60",
        ],
        [N, "0.00", N, "1200.00", "1020.40", "-179.60"],
    ];
    match inc {
        Accepted => vec![
            series(
                l1,
                [
                    ["1000.00", "950.00", "-50.00", "1000.00", "950.00", "-50.00"],
                    [
                        "1000.00", "0.00", "-1000.00", "2000.00", "950.00", "-1050.00",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "3000.00", "950.00", "-2050.00",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "4000.00", "950.00", "-3050.00",
                    ],
                ],
                ["4000.00", "950.00", "-3050.00"],
            ),
            series(
                l2,
                [
                    ["700.00", "720.40", "20.40", "700.00", "720.40", "20.40"],
                    [N, "0.00", N, "700.00", "720.40", "20.40"],
                    ["500.00", "0.00", "-500.00", "1200.00", "720.40", "-479.60"],
                    [N, "0.00", N, "1200.00", "720.40", "-479.60"],
                ],
                ["1200.00", "720.40", "-479.60"],
            ),
            series(
                l3,
                [
                    [N, "0.00", N, N, "0.00", N],
                    [N, "0.00", N, N, "0.00", N],
                    [N, "0.00", N, N, "0.00", N],
                    [N, "0.00", N, N, "0.00", N],
                ],
                ["450.50", "0.00", "-450.50"],
            ),
        ],
        Submitted => vec![
            series(
                l1,
                [
                    ["1000.00", "950.00", "-50.00", "1000.00", "950.00", "-50.00"],
                    [
                        "1000.00", "0.00", "-1000.00", "2000.00", "950.00", "-1050.00",
                    ],
                    // 1100.50-1000; 950+1100.50=2050.50; 2050.50-3000
                    [
                        "1000.00", "1100.50", "100.50", "3000.00", "2050.50", "-949.50",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "4000.00", "2050.50", "-1949.50",
                    ],
                ],
                ["4000.00", "2050.50", "-1949.50"],
            ),
            series(l2, l2_submitted, ["1200.00", "1020.40", "-179.60"]),
            series(
                l3,
                [
                    [N, "0.00", N, N, "0.00", N],
                    [N, "0.00", N, N, "0.00", N],
                    [N, "99.75", N, N, "99.75", N],
                    [N, "0.00", N, N, "99.75", N],
                ],
                ["450.50", "99.75", "-350.75"], // 99.75-450.50
            ),
        ],
        Draft => vec![
            series(
                l1,
                [
                    ["1000.00", "950.00", "-50.00", "1000.00", "950.00", "-50.00"],
                    // 1000-1000; 950+1000=1950; 1950-2000
                    ["1000.00", "1000.00", "0.00", "2000.00", "1950.00", "-50.00"],
                    // 1950+1100.50=3050.50; 3050.50-3000
                    [
                        "1000.00", "1100.50", "100.50", "3000.00", "3050.50", "50.50",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "4000.00", "3050.50", "-949.50",
                    ],
                ],
                ["4000.00", "3050.50", "-949.50"],
            ),
            // The draft spends nothing on L2.
            series(l2, l2_submitted, ["1200.00", "1020.40", "-179.60"]),
            series(
                l3,
                [
                    [N, "0.00", N, N, "0.00", N],
                    [N, "150.25", N, N, "150.25", N],
                    [N, "99.75", N, N, "250.00", N], // 150.25+99.75
                    [N, "0.00", N, N, "250.00", N],
                ],
                ["450.50", "250.00", "-200.50"], // 250-450.50
            ),
        ],
    }
}

fn spend_per_category(inc: Inc) -> Vec<Value> {
    use Inc::*;
    // personnel = L1 alone. communication = L2 + L3: phases Q1 700, Q3 500
    // (cumulative 700/700/1200/1200), amounts 1200.00+450.50=1650.50; spent
    // Q1 720.40, Q2 (draft) 150.25, Q3 (submitted) 300+99.75=399.75.
    let personnel = json!({"category": "personnel"});
    let communication = json!({"category": "communication"});
    match inc {
        Accepted => vec![
            series(
                personnel,
                [
                    ["1000.00", "950.00", "-50.00", "1000.00", "950.00", "-50.00"],
                    [
                        "1000.00", "0.00", "-1000.00", "2000.00", "950.00", "-1050.00",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "3000.00", "950.00", "-2050.00",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "4000.00", "950.00", "-3050.00",
                    ],
                ],
                ["4000.00", "950.00", "-3050.00"],
            ),
            series(
                communication,
                [
                    ["700.00", "720.40", "20.40", "700.00", "720.40", "20.40"],
                    [N, "0.00", N, "700.00", "720.40", "20.40"],
                    ["500.00", "0.00", "-500.00", "1200.00", "720.40", "-479.60"],
                    [N, "0.00", N, "1200.00", "720.40", "-479.60"],
                ],
                ["1650.50", "720.40", "-930.10"], // 720.40-1650.50
            ),
        ],
        Submitted => vec![
            series(
                personnel,
                [
                    ["1000.00", "950.00", "-50.00", "1000.00", "950.00", "-50.00"],
                    [
                        "1000.00", "0.00", "-1000.00", "2000.00", "950.00", "-1050.00",
                    ],
                    [
                        "1000.00", "1100.50", "100.50", "3000.00", "2050.50", "-949.50",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "4000.00", "2050.50", "-1949.50",
                    ],
                ],
                ["4000.00", "2050.50", "-1949.50"],
            ),
            series(
                communication,
                [
                    ["700.00", "720.40", "20.40", "700.00", "720.40", "20.40"],
                    [N, "0.00", N, "700.00", "720.40", "20.40"],
                    // 399.75-500; 720.40+399.75=1120.15; 1120.15-1200
                    [
                        "500.00", "399.75", "-100.25", "1200.00", "1120.15", "-79.85",
                    ],
                    [N, "0.00", N, "1200.00", "1120.15", "-79.85"],
                ],
                ["1650.50", "1120.15", "-530.35"], // 1120.15-1650.50
            ),
        ],
        Draft => vec![
            series(
                personnel,
                [
                    ["1000.00", "950.00", "-50.00", "1000.00", "950.00", "-50.00"],
                    ["1000.00", "1000.00", "0.00", "2000.00", "1950.00", "-50.00"],
                    [
                        "1000.00", "1100.50", "100.50", "3000.00", "3050.50", "50.50",
                    ],
                    [
                        "1000.00", "0.00", "-1000.00", "4000.00", "3050.50", "-949.50",
                    ],
                ],
                ["4000.00", "3050.50", "-949.50"],
            ),
            series(
                communication,
                [
                    ["700.00", "720.40", "20.40", "700.00", "720.40", "20.40"],
                    // 720.40+150.25=870.65; 870.65-700
                    [N, "150.25", N, "700.00", "870.65", "170.65"],
                    // 870.65+399.75=1270.40; 1270.40-1200
                    ["500.00", "399.75", "-100.25", "1200.00", "1270.40", "70.40"],
                    [N, "0.00", N, "1200.00", "1270.40", "70.40"],
                ],
                ["1650.50", "1270.40", "-380.10"], // 1270.40-1650.50
            ),
        ],
    }
}

fn assert_progress(f: &Fixture, progress: &Value, include: &str, inc: Inc) {
    assert_eq!(progress["include"], include, "{progress}");
    assert_eq!(progress["quarters"], json!(QUARTERS));
    assert_section(progress, include, "reach", &reach(f, inc));
    assert_section(progress, include, "partners", &partners());
    assert_section(progress, include, "communication", &communication(inc));
    assert_section(progress, include, "hours", &hours(inc));
    assert_section(
        progress,
        include,
        "spend_per_budget_line",
        &spend_per_budget_line(f, inc),
    );
    assert_section(
        progress,
        include,
        "spend_per_category",
        &spend_per_category(inc),
    );
}

// --- tests ----------------------------------------------------------------------------

#[tokio::test]
async fn only_accepted_reports_count_with_include_accepted() {
    let f = fixture().await;
    let progress = progress_at(&f.app, &f.admin.token, &f.pid, "?include=accepted").await;
    assert_progress(&f, &progress, "accepted", Inc::Accepted);
}

#[tokio::test]
async fn submitted_and_accepted_reports_count_by_default() {
    let f = fixture().await;
    let submitted = progress_at(&f.app, &f.admin.token, &f.pid, "?include=submitted").await;
    assert_progress(&f, &submitted, "submitted", Inc::Submitted);
    let default = progress_at(&f.app, &f.admin.token, &f.pid, "").await;
    assert_eq!(default, submitted, "submitted is the default");
}

#[tokio::test]
async fn drafts_count_only_with_include_draft() {
    let f = fixture().await;
    let progress = progress_at(&f.app, &f.admin.token, &f.pid, "?include=draft").await;
    assert_progress(&f, &progress, "draft", Inc::Draft);
    // The draft for Q2 shows nowhere else.
    for query in ["", "?include=submitted", "?include=accepted"] {
        let other = progress_at(&f.app, &f.admin.token, &f.pid, query).await;
        let g1 = other["reach"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["subject"]["target_group_id"] == json!(f.g1))
            .expect("G1");
        assert_eq!(g1["quarters"][1]["actual"], "0", "{query}");
    }
}

#[tokio::test]
async fn the_progress_series_follow_the_plan() {
    // The fixture's own figures, to make sure the plan the expectations rest on is what
    // the server stored.
    let f = fixture().await;
    let (app, token, pid) = (&f.app, &f.admin.token, &f.pid);
    let lines = json_of(app.get(&lines_path(pid, "budget-lines"), token).await).await;
    let lines: Vec<Value> = lines["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!([l["id"], l["category"], l["amount"]]))
        .collect();
    assert_eq!(
        lines,
        [
            json!([f.l1, "personnel", "4000.00"]),
            json!([f.l2, "communication", "1200.00"]),
            json!([f.l3, "communication", "450.50"]),
        ]
    );
    let groups = json_of(app.get(&lines_path(pid, "target-groups"), token).await).await;
    let groups: Vec<Value> = groups["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["id"].clone())
        .collect();
    assert_eq!(groups, [json!(f.g1), json!(f.g2)]);
    let quarters = json_of(app.get(&lines_path(pid, "quarterly-reports"), token).await).await;
    let states: Vec<Value> = quarters["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!([q["quarter"], q["state"]]))
        .collect();
    assert_eq!(
        states,
        [
            json!(["2025-Q1", "accepted"]),
            json!(["2025-Q2", "draft"]),
            json!(["2025-Q3", "submitted"]),
            json!(["2025-Q4", "not_started"]),
        ]
    );
}

#[tokio::test]
async fn a_bogus_include_is_422_and_names_the_parameter() {
    let f = fixture().await;
    for query in ["include=bogus", "include=Accepted"] {
        let response = f
            .app
            .get(
                &lines_path(&f.pid, &format!("progress?{query}")),
                &f.admin.token,
            )
            .await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), ["include"], "{query}: {body}");
    }
}

#[tokio::test]
async fn a_viewer_reads_progress_and_another_organisation_gets_404() {
    let f = fixture().await;
    let (_, viewer) = f.app.user_with_role(&f.admin, "viewer").await;
    for query in ["", "?include=accepted", "?include=draft"] {
        let as_admin = progress_at(&f.app, &f.admin.token, &f.pid, query).await;
        let as_viewer = progress_at(&f.app, &viewer, &f.pid, query).await;
        assert_eq!(as_viewer, as_admin, "{query}");
    }

    let stranger = f.app.tenant("Andere Organisatie").await;
    let response = f
        .app
        .get(&lines_path(&f.pid, "progress"), &stranger.token)
        .await;
    problem(response, 404).await;
    let response = f
        .app
        .get(
            &lines_path(&f.pid, "progress?include=draft"),
            &stranger.token,
        )
        .await;
    problem(response, 404).await;
    let unknown = uuid::Uuid::new_v4().to_string();
    let response = f
        .app
        .get(&lines_path(&unknown, "progress"), &f.admin.token)
        .await;
    problem(response, 404).await;
}
