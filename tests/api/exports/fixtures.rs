//! The export's files, byte for byte: both CSV dialects of both layouts for a small plan
//! with accents, `;`, quotes, a line break and hostile cells, against the fixtures in
//! `fixtures/` (rewrite them with `UPDATE_FIXTURES=1` after a deliberate change, and
//! read the diff). The same files and both XLSX layouts are left in
//! `target/tmp/export-samples/` for `.ci/run`, which reads them back with Python's csv
//! module, pandas, openpyxl and LibreOffice.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Tenant, TestApp, act_ok, create, id_of, lines_path, project_body, register_funder, report_path,
    spawn_app,
};

const EXPORT: &str = "/api/v1/exports/quarterly-figures";

/// Where the files are left for `.ci/run`.
pub fn samples_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-samples")
}

/// A project of `org` (2025), with a plan, an application to "Gemeente Utrecht" of its
/// funder register and two reports: 2025-Q1 accepted, 2025-Q2 submitted. Returns its id
/// and the register entry's.
pub async fn reported_project(app: &TestApp, org: &Tenant, second_admin: &str) -> (String, String) {
    let token = &org.token;
    let mut body = project_body("Mantelzorg in de wijk; \"Oost\"");
    body["start_date"] = json!("2025-01-01");
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
    let turkish = add(
        "target-groups",
        json!({"name": "Turkse mantelzorgers", "languages": ["tr"]}),
    )
    .await;
    let young = add(
        "target-groups",
        json!({"name": "Jonge mantelzorgers; \"mantelkids\"", "languages": ["nl"]}),
    )
    .await;
    let partner = id_of(
        &create(
            app,
            token,
            "/api/v1/partners",
            &json!({"name": "Moskee Ayasofya, Zuid", "category": "religious"}),
        )
        .await
        .0,
    );
    let link = add(
        "partners",
        json!({"partner_id": partner, "functions": ["referrer"],
               "current_level": "in_contact", "desired_level": "collaborate"}),
    )
    .await;
    let line = add(
        "budget-lines",
        json!({"category": "communication", "description": "Flyers én posters", "amount": "1000.00",
               "phases": [{"quarter": "2025-Q1", "amount": "500.00"}, {"quarter": "2025-Q2", "amount": "500.00"}]}),
    )
    .await;
    add(
        "hours",
        json!({"activity": "outreach", "quarter": "2025-Q1", "hours": "40", "hourly_rate": "50"}),
    )
    .await;
    for (quarter, planned) in [("2025-Q1", "10"), ("2025-Q2", "12")] {
        add(
            "targets",
            json!({"theme": "reach", "quarter": quarter, "target_group_id": turkish, "planned": planned}),
        )
        .await;
    }
    add(
        "targets",
        json!({"theme": "communication", "quarter": "2025-Q1", "channel": "flyers", "language": "tr", "planned": "50"}),
    )
    .await;
    let funder = register_funder(app, token, "Gemeente Utrecht", "municipality").await;
    add(
        "fund-applications",
        json!({"funder_id": funder, "amount_requested": "5000", "status": "submitted",
               "submitted_on": "2024-11-15", "reference": "UTR-2025/017"}),
    )
    .await;

    let first = json!({
        "reach": {
            "per_target_group": [
                {"target_group_id": turkish, "new": 8, "total": 12},
                {"target_group_id": young, "new": 3, "total": null}
            ],
            "key_person_contacts": 4,
            "referrals_received": 2,
            "per_partner": [{"project_partner_id": link, "received": 2, "made": null}]
        },
        "network": {"active_partners": 5, "level_changes": [{"project_partner_id": link, "level": "coordinate"}]},
        "communication": [
            {"channel": "flyers", "language": "tr", "count": 40, "estimated_reach": 300, "cost": "120.50"},
            {"channel": "radio", "language": null, "count": 1}
        ],
        "budget": {
            "spent": [{"budget_line_id": line, "amount": "450.00"}],
            "hours": [{"activity": "outreach", "hours": "55.50"}]
        },
        "narrative": {
            "developments": "=HYPERLINK(\"http://example.com\")",
            "obstacles": "Regel één\nRegel twee; \"citaat\"",
            "signals": "@team: +31 6 hoort bij -2"
        }
    });
    let second = json!({
        "reach": {"per_target_group": [{"target_group_id": turkish, "new": 15, "total": 20}]},
        "budget": {"spent": [{"budget_line_id": line, "amount": "610.25"}], "hours": []}
    });
    for (quarter, content) in [("2025-Q1", &first), ("2025-Q2", &second)] {
        let response = app
            .request(Method::PUT, &report_path(&pid, quarter), Some(token))
            .json(content)
            .send()
            .await
            .expect("PUT report");
        assert_eq!(response.status(), 201, "report {quarter}");
        act_ok(app, token, &pid, quarter, "submit", None).await;
    }
    act_ok(app, second_admin, &pid, "2025-Q1", "accept", None).await;
    (pid, funder)
}

/// GET the export with `query`; the response, asserted 200.
pub async fn export(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    let response = app.get(&format!("{EXPORT}?{query}"), token).await;
    assert_eq!(response.status(), 200, "export {query}");
    response
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/api/exports/fixtures")
        .join(name)
}

#[tokio::test]
async fn both_dialects_of_both_layouts_are_written_byte_for_byte() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Oost").await;
    let (_, second_admin) = app.user_with_role(&org, "admin").await;
    reported_project(&app, &org, &second_admin).await;
    let samples = samples_dir();
    std::fs::create_dir_all(&samples).expect("samples directory");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();

    for (layout, dialect) in [
        ("long", "excel-nl"),
        ("long", "rfc4180"),
        ("wide", "excel-nl"),
        ("wide", "rfc4180"),
    ] {
        let lang = if dialect == "excel-nl" { "nl" } else { "en" };
        let response = export(
            &app,
            &org.token,
            &format!("layout={layout}&dialect={dialect}&lang={lang}"),
        )
        .await;
        assert_eq!(
            response.headers()["content-type"],
            "text/csv; charset=utf-8"
        );
        let what = if lang == "nl" {
            "kwartaalcijfers"
        } else {
            "quarterly-figures"
        };
        assert_eq!(
            response.headers()["content-disposition"],
            format!(
                "attachment; filename=\"{what}-steunpunt-oost-2025-Q1-2025-Q2.csv\"; \
                 filename*=UTF-8''{what}-steunpunt-oost-2025-Q1-2025-Q2.csv"
            )
        );
        let bytes = response.bytes().await.expect("body");
        let name = format!("{layout}-{dialect}.csv");
        std::fs::write(samples.join(&name), &bytes).expect("sample");
        if update {
            std::fs::write(fixture(&name), &bytes).expect("fixture");
            continue;
        }
        let expected =
            std::fs::read(fixture(&name)).expect("fixture (UPDATE_FIXTURES=1 writes it)");
        assert!(
            bytes.as_ref() == expected.as_slice(),
            "{name} differs from its fixture:\n{}",
            String::from_utf8_lossy(&bytes)
        );
    }

    for layout in ["long", "wide"] {
        let response = export(&app, &org.token, &format!("layout={layout}&format=xlsx")).await;
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let bytes = response.bytes().await.expect("body");
        assert!(bytes.starts_with(b"PK\x03\x04"), "a zip file");
        std::fs::write(samples.join(format!("{layout}.xlsx")), &bytes).expect("sample");
    }
}

#[tokio::test]
async fn the_scope_narrows_the_file_and_bad_parameters_are_named() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Oost").await;
    let (_, second_admin) = app.user_with_role(&org, "admin").await;
    let (pid, _) = reported_project(&app, &org, &second_admin).await;
    let other = id_of(
        &app.project(&org.token, &project_body("Ander project"))
            .await
            .0,
    );

    let lines = async |query: &str| -> Vec<String> {
        let text = export(
            &app,
            &org.token,
            &format!("dialect=rfc4180&lang=en&{query}"),
        )
        .await
        .text()
        .await
        .expect("text");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| {
                let r = r.expect("record");
                format!("{}|{}|{}", &r[4], &r[6], &r[9])
            })
            .collect()
    };
    let all = lines("").await;
    assert!(
        all.iter().any(|l| l.starts_with("2025-Q2|Submitted|")),
        "{all:?}"
    );
    let accepted = lines("states=accepted").await;
    assert!(!accepted.is_empty());
    assert!(accepted.iter().all(|l| l.starts_with("2025-Q1|Accepted|")));
    assert_eq!(lines("from=2025-Q2").await, lines("states=submitted").await);
    assert!(lines("to=2024-Q4").await.is_empty());
    assert_eq!(lines(&format!("project_id={pid}")).await, all);
    assert!(lines(&format!("project_id={other}")).await.is_empty());

    // Cumulative figures count earlier quarters whatever `from` says.
    let text = export(&app, &org.token, "dialect=rfc4180&lang=en&from=2025-Q2")
        .await
        .text()
        .await
        .unwrap();
    let reach = text
        .lines()
        .find(|l| l.contains("Caregivers reached for the first time,Target group,Turkse"))
        .expect("the Q2 reach row");
    assert!(reach.ends_with(",12,15,22,23,3,"), "{reach}");

    // Without `lang`, the account's report language.
    let dutch = export(&app, &org.token, "").await.text().await.unwrap();
    assert!(dutch.starts_with("\u{feff}\"Organisatie\";"), "{dutch}");
    let changed = app
        .send_if_match(
            Method::PATCH,
            "/api/v1/organisation",
            &org.token,
            "*",
            Some(&json!({"report_language": "en"})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let english = export(&app, &org.token, "").await.text().await.unwrap();
    assert!(
        english.starts_with("\u{feff}\"Organisation\";"),
        "{english}"
    );

    for (query, field) in [
        ("states=accepted,done", "states"),
        ("from=2025-Q3&to=2025-Q1", "to"),
        ("format=xlsx&dialect=rfc4180", "dialect"),
        ("layout=tall", "layout"),
        ("lang=de", "lang"),
    ] {
        let response = app.get(&format!("{EXPORT}?{query}"), &org.token).await;
        let problem = crate::helpers::problem(response, 422).await;
        assert!(
            crate::helpers::named_fields(&problem).contains(&field.to_string()),
            "{query}: {problem}"
        );
    }
}

#[tokio::test]
async fn a_funder_linked_to_two_organisations_gets_one_file_with_every_breakdown() {
    let app = spawn_app().await;
    let (utrecht, code) = app.funder_account("Gemeente Utrecht").await;
    let mut applications = Vec::new();
    for name in ["Steunpunt Oost", "Steunpunt West"] {
        let org = app.tenant(name).await;
        let (_, second_admin) = app.user_with_role(&org, "admin").await;
        let (pid, entry) = reported_project(&app, &org, &second_admin).await;
        crate::funders::shared::linked(&app, &org, &entry, &code, &utrecht).await;
        let listed = crate::helpers::json_of(
            app.get(&lines_path(&pid, "fund-applications"), &org.token)
                .await,
        )
        .await;
        applications.push(id_of(&listed["items"][0]));
    }
    let response = export(&app, &utrecht.token, "").await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains("kwartaalcijfers-gemeente-utrecht-2025-Q1-2025-Q2.csv"),
        "{disposition}"
    );
    let bytes = response.bytes().await.expect("body");
    std::fs::create_dir_all(samples_dir()).expect("samples directory");
    std::fs::write(samples_dir().join("funder-long-excel-nl.csv"), &bytes).expect("sample");

    let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    // Both organisations, each with every row of its own file: 20 figures.
    for org in ["Steunpunt Oost", "Steunpunt West"] {
        let theirs: Vec<_> = records.iter().filter(|r| &r[0] == org).collect();
        assert_eq!(theirs.len(), 20, "{org}");
        // Every breakdown: per target group, partner, channel and language, budget line,
        // activity.
        for (kind, subject) in [
            ("Doelgroep", "Turkse mantelzorgers"),
            ("Doelgroep", "Jonge mantelzorgers; \"mantelkids\""),
            ("Partner", "Moskee Ayasofya, Zuid"),
            ("Kanaal", "Flyers"),
            ("Begrotingspost", "Flyers én posters"),
            ("Activiteit", "Outreach en werving"),
        ] {
            assert!(
                theirs.iter().any(|r| &r[10] == kind && &r[11] == subject),
                "{org}: no {kind} {subject}"
            );
        }
        assert!(theirs.iter().all(|r| &r[2] == "Gemeente Utrecht"));
    }

    // One application in scope: its project alone.
    let one = export(
        &app,
        &utrecht.token,
        &format!("fund_application_id={}&dialect=rfc4180", applications[1]),
    )
    .await
    .text()
    .await
    .unwrap();
    assert_eq!(
        one.lines()
            .filter(|l| l.starts_with("Steunpunt West,"))
            .count(),
        20
    );
    assert!(!one.contains("Steunpunt Oost,"), "{one}");
}
