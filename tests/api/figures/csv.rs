//! CSV: separators, byte-order marks, Dutch headers and planted errors.

use super::*;

#[tokio::test]
async fn csv_with_commas_or_semicolons_bom_and_dutch_headers_equals_json() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let figures = every_figure(&p);
    let n = figures.len();

    // JSON for 2025-Q1.
    let json_answer = ok(
        send_json(&app, &coordinator, &every_figure_json(&p, "2025-Q1")).await,
        "JSON",
    )
    .await;

    // Comma-separated, decimal point, English headers in another order, for 2025-Q2.
    let cells = |quarter: &str, comma: bool| -> Vec<Cells> {
        figures
            .iter()
            .map(|(figure, subject, _, point, dutch)| {
                Cells::new(
                    &p.pid,
                    quarter,
                    figure,
                    subject.as_deref().unwrap_or(""),
                    if comma { dutch } else { point },
                )
            })
            .collect()
    };
    let csv = csv_text(
        &["quarter", "project_id", "figure", "subject", "value"],
        [1, 0, 2, 3, 4],
        &cells("2025-Q2", false),
        ',',
    );
    assert!(
        csv.contains(",40.5\n") && csv.contains("\"Twee nieuwe sleutelpersonen, in de moskee.\"")
    );
    let comma_answer = ok(send_csv(&app, &coordinator, csv).await, "comma CSV").await;

    // Semicolon-separated, decimal comma, BOM, Dutch headers (Excel in Dutch), 2025-Q3.
    let csv = format!(
        "\u{feff}{}",
        crlf(&csv_text(
            &DUTCH,
            [0, 1, 2, 3, 4],
            &cells("2025-Q3", true),
            ';'
        ))
    );
    assert!(csv.contains(";40,5\r\n") && csv.contains(";1250,50\r\n"));
    let dutch_answer = ok(
        send(&app, &coordinator, "", "text/csv; charset=utf-8", csv, None).await,
        "Dutch CSV",
    )
    .await;

    for (answer, quarter) in [
        (&json_answer, "2025-Q1"),
        (&comma_answer, "2025-Q2"),
        (&dutch_answer, "2025-Q3"),
    ] {
        assert_eq!(
            *answer,
            outcome(false, &[(&p.pid, quarter, true, n)]),
            "{quarter}"
        );
        let (report, _) = stored(&app, &coordinator, &p.pid, quarter).await;
        assert_eq!(report["state"], "draft", "{quarter}");
        assert_eq!(
            figures_of(&report),
            every_figure_expected(&p),
            "{quarter} holds the same figures as the JSON submission"
        );
    }
}

/// The rows of the large upload: per (project, quarter) reach per target group, spent
/// per budget line, hours per activity, counts without subject and communication counts
/// per channel/language; 300 rows in all, the groups interleaved.
fn large_upload(
    projects: [&PlannedProject; 2],
    quarters: &[&str],
) -> (Vec<Cells>, Vec<(String, String, usize)>) {
    const CHANNELS: [&str; 11] = [
        "social_media",
        "newsletter",
        "local_newspaper",
        "flyers",
        "video",
        "website",
        "information_meeting",
        "radio",
        "messaging_groups",
        "partner_channels",
        "in_person",
    ];
    const LANGUAGES: [&str; 6] = ["tr", "ar", "nl", "ti", "pap", ""];
    let mut groups: Vec<(String, String, Vec<Cells>)> = Vec::new();
    let mut index = 0;
    for p in projects {
        for quarter in quarters {
            let k = index as u64;
            let c = |figure: &str, subject: &str, value: String| {
                Cells::new(&p.pid, quarter, figure, subject, &value)
            };
            let mut rows = vec![
                c("reach_new", &p.groups[0], (10 + k).to_string()),
                c("reach_total", &p.groups[0], (30 + k).to_string()),
                c("reach_new", &p.groups[1], (2 + k).to_string()),
                c("reach_total", &p.groups[1], (20 + k).to_string()),
                c("spent", &p.lines[0], format!("{}.50", 1000 + k)),
                c("spent", &p.lines[1], format!("{}.95", 80 + k)),
                c("hours_spent", "outreach", format!("{}.25", 12 + k)),
                c("hours_spent", "key_person_meetings", format!("{}.5", 7 + k)),
                c("key_person_contacts", "", (9 + k).to_string()),
                c("activity_participants", "", (41 + k).to_string()),
                c("referrals_received", "", (5 + k).to_string()),
                c("referrals_made", "", (3 + k).to_string()),
                c("active_partners", "", (6 + k).to_string()),
                c("new_partners", "", "2".to_string()),
                c("network_meetings", "", (1 + k).to_string()),
            ];
            let communication = if index % 2 == 0 { 23 } else { 22 };
            for i in 0..communication {
                let channel = CHANNELS[i % CHANNELS.len()];
                let language = LANGUAGES[i / CHANNELS.len()];
                let subject = if language.is_empty() {
                    channel.to_string()
                } else {
                    format!("{channel}/{language}")
                };
                rows.push(c(
                    "communication_count",
                    &subject,
                    (100 * k as usize + i).to_string(),
                ));
            }
            groups.push((p.pid.clone(), quarter.to_string(), rows));
            index += 1;
        }
    }
    let longest = groups.iter().map(|g| g.2.len()).max().unwrap();
    let mut all = Vec::new();
    for i in 0..longest {
        for group in &groups {
            if let Some(r) = group.2.get(i) {
                all.push(r.clone());
            }
        }
    }
    let counts = groups
        .into_iter()
        .map(|(pid, quarter, rows)| (pid, quarter, rows.len()))
        .collect();
    (all, counts)
}

/// The index in `rows` of the row setting `figure` (with `subject`) for a report.
fn find(rows: &[Cells], pid: &str, quarter: &str, figure: &str, subject: &str) -> usize {
    rows.iter()
        .position(|r| r.0[0] == pid && r.0[1] == quarter && r.0[2] == figure && r.0[3] == subject)
        .unwrap_or_else(|| panic!("no row {figure} {subject} for {quarter}"))
}

#[tokio::test]
async fn a_large_csv_with_planted_errors_names_each_cell_and_stores_nothing_until_fixed() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let partners = register_partners(&app, &t.token).await;
    let a = project_plan(&app, &t.token, "Mantelzorg in Oost", &partners).await;
    let b = project_plan(&app, &t.token, "Mantelzorg in West", &partners).await;
    let stranger = app.tenant("Steunpunt Noord").await;
    let theirs = one_project(&app, &stranger).await;

    let quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"];
    let (good, counts) = large_upload([&a, &b], &quarters);
    assert_eq!(good.len(), 300, "300 rows");
    let line = |index: usize| index as u64 + 2;

    // Plant one error on each of eight rows.
    let mut bad = good.clone();
    let mut expected: Vec<(u64, String, &str)> = Vec::new();
    let mut plant = |index: usize, column: usize, value: String, name: &str, hint: &'static str| {
        bad[index].0[column] = value;
        expected.push((line(index), name.to_string(), hint));
    };
    let i = find(&good, &a.pid, "2025-Q1", "key_person_contacts", "");
    plant(i, 2, "key_persons".into(), "figure", "key_persons");
    let i = find(&good, &b.pid, "2025-Q3", "network_meetings", "");
    plant(i, 4, "-2".into(), "value", "-2");
    // reach_new above reach_total (which is 20 + k < 45) for the Arabic-speaking group.
    let i = find(&good, &a.pid, "2025-Q2", "reach_new", &a.groups[1]);
    plant(i, 4, "45".into(), "value", "total");
    let i = find(&good, &a.pid, "2025-Q3", "spent", &a.lines[1]);
    plant(i, 3, b.lines[0].clone(), "subject", "budget line");
    let i = find(&good, &b.pid, "2025-Q1", "hours_spent", "outreach");
    plant(i, 1, "2025Q1".into(), "quarter", "2025Q1");
    let i = find(&good, &b.pid, "2025-Q4", "activity_participants", "");
    plant(i, 1, "2023-Q4".into(), "quarter", "outside");
    let i = find(
        &good,
        &a.pid,
        "2025-Q4",
        "hours_spent",
        "key_person_meetings",
    );
    plant(i, 4, "7.125".into(), "value", "7.125");
    let i = find(&good, &b.pid, "2025-Q2", "communication_count", "flyers/tr");
    plant(i, 0, theirs.pid.clone(), "project_id", "organisation");
    assert_eq!(expected.len(), 8);

    let csv = csv_text(&ENGLISH, [0, 1, 2, 3, 4], &bad, ',');
    let found = problem(send_csv(&app, &coordinator, csv).await, 422).await;
    // Every planted problem, field by field, and nothing else.
    let named = cells_named(&found);
    let wanted = sorted(
        expected
            .iter()
            .map(|(row, column, _)| (*row, column.clone()))
            .collect::<Vec<_>>(),
    );
    let mut mismatch = Vec::new();
    if named != wanted {
        mismatch.push(format!(
            "422 names {named:?}\nexpected  {wanted:?}\nmissing   {:?}\nunexpected {:?}\n{found:#}",
            wanted
                .iter()
                .filter(|c| !named.contains(c))
                .collect::<Vec<_>>(),
            named
                .iter()
                .filter(|c| !wanted.contains(c))
                .collect::<Vec<_>>(),
        ));
    }
    for (row, column, hint) in &expected {
        let error = found["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["row"] == json!(row) && e["column"] == json!(column));
        if let Some(error) = error {
            let message = error["message"].as_str().unwrap_or_default();
            if !message.contains(hint) {
                mismatch.push(format!("row {row} {column}: {message:?} lacks {hint:?}"));
            }
        }
    }

    // Nothing at all was stored, in either project, nor in the stranger's.
    for pid in [&a.pid, &b.pid] {
        assert!(
            all_not_started(&states(&app, &coordinator, pid).await),
            "nothing stored for {pid}"
        );
    }
    assert!(all_not_started(
        &states(&app, &stranger.token, &theirs.pid).await
    ));

    // The fixed file goes through.
    let csv = csv_text(&ENGLISH, [0, 1, 2, 3, 4], &good, ',');
    let answer = ok(send_csv(&app, &coordinator, csv).await, "the fixed file").await;
    assert_eq!(answer["dry_run"], false);
    assert_eq!(answer["rows"], 300);
    let listed: Vec<(String, String, bool, u64)> = sorted(
        answer["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .map(|r| {
                (
                    r["project_id"].as_str().unwrap().to_string(),
                    r["quarter"].as_str().unwrap().to_string(),
                    r["created"].as_bool().unwrap(),
                    r["rows"].as_u64().unwrap(),
                )
            })
            .collect(),
    );
    let wanted: Vec<(String, String, bool, u64)> = sorted(
        counts
            .iter()
            .map(|(pid, q, n)| (pid.clone(), q.clone(), true, *n as u64))
            .collect(),
    );
    assert_eq!(
        listed, wanted,
        "each (project, quarter) created, with its rows"
    );

    for pid in [&a.pid, &b.pid] {
        let states = states(&app, &coordinator, pid).await;
        for (quarter, state) in &states {
            let expected = if quarter.starts_with("2025") {
                "draft"
            } else {
                "not_started"
            };
            assert_eq!(state, expected, "{pid} {quarter}");
        }
    }
    // Spot checks: project A 2025-Q2 is group 1, project B 2025-Q4 is group 7.
    let (report, _) = stored(&app, &coordinator, &a.pid, "2025-Q2").await;
    assert_eq!(
        without_nulls(&report["reach"]["per_target_group"]),
        json!([
            {"target_group_id": a.groups[0], "new": 11, "total": 31},
            {"target_group_id": a.groups[1], "new": 3, "total": 21}
        ])
    );
    assert_eq!(
        report["budget"]["spent"],
        json!([
            {"budget_line_id": a.lines[0], "amount": "1001.50"},
            {"budget_line_id": a.lines[1], "amount": "81.95"}
        ])
    );
    assert_eq!(
        report["budget"]["hours"],
        json!([
            {"activity": "outreach", "hours": "13.25"},
            {"activity": "key_person_meetings", "hours": "8.50"}
        ])
    );
    assert_eq!(report["reach"]["key_person_contacts"], 10);
    let communication = report["communication"].as_array().unwrap();
    assert_eq!(communication.len(), 22, "22 channel/language pairs");
    let radio_ar = communication
        .iter()
        .find(|c| c["channel"] == "radio" && c["language"] == "ar")
        .expect("radio/ar");
    assert_eq!(radio_ar["count"], 100 + 18, "the 19th pair");
    assert!(
        !communication
            .iter()
            .any(|c| c["channel"] == "social_media" && c["language"] == "nl"),
        "the 23rd pair belongs to the even groups only"
    );
    let (report, _) = stored(&app, &coordinator, &a.pid, "2025-Q1").await;
    let communication = report["communication"].as_array().unwrap();
    assert_eq!(communication.len(), 23);
    let pair = communication
        .iter()
        .find(|c| c["channel"] == "social_media" && c["language"] == "nl")
        .expect("social_media/nl");
    assert_eq!(pair["count"], 22, "the 23rd pair of the first group");
    assert_eq!(report["reach"]["key_person_contacts"], 9, "the fixed row");
    let (report, _) = stored(&app, &coordinator, &b.pid, "2025-Q4").await;
    assert_eq!(report["reach"]["activity_participants"], 48);
    assert_eq!(report["network"]["network_meetings"], 8);
    let no_language = report["communication"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["language"].is_null())
        .count();
    assert_eq!(no_language, 0, "22 pairs, all with a language");

    assert!(mismatch.is_empty(), "{}", mismatch.join("\n\n"));
}
