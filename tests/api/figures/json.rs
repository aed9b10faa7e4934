//! JSON rows: every figure in its field, roles, locked reports and errors at the row.

use super::*;

#[tokio::test]
async fn json_rows_create_the_quarters_draft_with_every_figure_in_its_field() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (coordinator_id, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;

    let mut rows = every_figure_json(&p, "2025-Q3");
    // One row for another quarter, to see both reports made.
    rows.push(row(
        &p.pid,
        "2025-Q4",
        "key_person_contacts",
        None,
        json!(7),
    ));
    let n = rows.len();
    let answer = ok(send_json(&app, &coordinator, &rows).await, "JSON rows").await;
    assert_eq!(
        answer,
        outcome(
            false,
            &[
                (p.pid.as_str(), "2025-Q3", true, n - 1),
                (p.pid.as_str(), "2025-Q4", true, 1)
            ]
        ),
        "the outcome lists each report made and its rows"
    );

    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q3").await;
    assert_eq!(report["state"], "draft");
    assert_eq!(report["project_id"], json!(p.pid));
    assert_eq!(report["quarter"], "2025-Q3");
    assert_eq!(
        figures_of(&report),
        every_figure_expected(&p),
        "every figure landed in its field"
    );
    let (q4, _) = stored(&app, &coordinator, &p.pid, "2025-Q4").await;
    assert_eq!(q4["state"], "draft");
    assert_eq!(q4["reach"]["key_person_contacts"], 7);
    assert!(q4["reach"]["activity_participants"].is_null());

    let states = states(&app, &coordinator, &p.pid).await;
    for (quarter, state) in &states {
        let expected = if quarter == "2025-Q3" || quarter == "2025-Q4" {
            "draft"
        } else {
            "not_started"
        };
        assert_eq!(state, expected, "{quarter}");
    }
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q3").await,
        ["created"]
    );
    let response = app
        .get(
            &format!("{}/events", report_path(&p.pid, "2025-Q3")),
            &t.token,
        )
        .await;
    let trail = json_of(response).await;
    assert_eq!(
        trail["items"][0]["actor"],
        json!(format!("user:{coordinator_id}")),
        "the coordinator created it"
    );
}

#[tokio::test]
async fn coordinators_and_admins_submit_figures_viewers_may_not() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let (_, viewer) = app.user_with_role(&t, "viewer").await;
    let p = one_project(&app, &t).await;
    let rows = |q: &str| vec![row(&p.pid, q, "key_person_contacts", None, json!(3))];

    problem(send_json(&app, &viewer, &rows("2025-Q1")).await, 403).await;
    let csv = csv_text(
        &ENGLISH,
        [0, 1, 2, 3, 4],
        &[Cells::new(
            &p.pid,
            "2025-Q1",
            "key_person_contacts",
            "",
            "3",
        )],
        ',',
    );
    problem(send_csv(&app, &viewer, csv).await, 403).await;
    assert!(
        all_not_started(&states(&app, &viewer, &p.pid).await),
        "the viewer stored nothing"
    );

    ok(
        send_json(&app, &coordinator, &rows("2025-Q1")).await,
        "coordinator",
    )
    .await;
    ok(send_json(&app, &t.token, &rows("2025-Q2")).await, "admin").await;
    let states = states(&app, &viewer, &p.pid).await;
    assert_eq!(states["2025-Q1"], "draft");
    assert_eq!(states["2025-Q2"], "draft");
}

#[tokio::test]
async fn draft_and_returned_reports_change_submitted_and_accepted_ones_are_locked() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let body = report_body(&p);
    for quarter in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] {
        put_report(&app, &coordinator, &p.pid, quarter, &body).await;
    }
    act_ok(&app, &coordinator, &p.pid, "2025-Q2", "submit", None).await;
    act_ok(
        &app,
        &t.token,
        &p.pid,
        "2025-Q2",
        "return",
        Some("Bereik ontbreekt"),
    )
    .await;
    act_ok(&app, &coordinator, &p.pid, "2025-Q3", "submit", None).await;
    act_ok(&app, &coordinator, &p.pid, "2025-Q4", "submit", None).await;
    act_ok(&app, &reviewer, &p.pid, "2025-Q4", "accept", None).await;

    // A draft and a returned report change; the figures not sent stay.
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(99)),
        row(
            &p.pid,
            "2025-Q1",
            "reach_total",
            Some(&p.groups[0]),
            json!(20),
        ),
        row(&p.pid, "2025-Q2", "key_person_contacts", None, json!(98)),
    ];
    let answer = ok(
        send_json(&app, &coordinator, &rows).await,
        "draft and returned",
    )
    .await;
    assert_eq!(
        answer,
        outcome(
            false,
            &[
                (p.pid.as_str(), "2025-Q1", false, 2),
                (p.pid.as_str(), "2025-Q2", false, 1)
            ]
        )
    );
    let (q1, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(q1["state"], "draft");
    assert_eq!(q1["reach"]["key_person_contacts"], 99);
    assert_eq!(
        without_nulls(&q1["reach"]["per_target_group"]),
        json!([{"target_group_id": p.groups[0], "new": 1, "total": 20}]),
        "reach_total replaced, new kept"
    );
    assert_eq!(
        q1["network"]["active_partners"], 3,
        "untouched figures stay"
    );
    assert_eq!(q1["narrative"]["developments"], "Begin.");
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q1").await,
        ["created", "updated"]
    );
    let (q2, _) = stored(&app, &coordinator, &p.pid, "2025-Q2").await;
    assert_eq!(q2["state"], "returned", "stays returned");
    assert_eq!(q2["reach"]["key_person_contacts"], 98);

    // Rows for a submitted or an accepted report: 422 at their quarter, nothing stored.
    let (q1_before, q1_etag) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    let (q3_before, q3_etag) = stored(&app, &coordinator, &p.pid, "2025-Q3").await;
    let (q4_before, q4_etag) = stored(&app, &coordinator, &p.pid, "2025-Q4").await;
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(50)),
        row(&p.pid, "2025-Q3", "key_person_contacts", None, json!(1)),
        row(&p.pid, "2025-Q3", "network_meetings", None, json!(2)),
        row(&p.pid, "2025-Q4", "key_person_contacts", None, json!(3)),
    ];
    let found = problem(send_json(&app, &coordinator, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        [
            "/figures/1/quarter",
            "/figures/2/quarter",
            "/figures/3/quarter"
        ],
        "{found}"
    );
    let message = message_at(&found, |e| e["pointer"] == "/figures/1/quarter");
    assert!(message.contains("submitted"), "{message}");
    let message = message_at(&found, |e| e["pointer"] == "/figures/3/quarter");
    assert!(message.contains("accepted"), "{message}");
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q1").await,
        (q1_before, q1_etag),
        "the draft's row was not stored either"
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q3").await,
        (q3_before, q3_etag)
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q4").await,
        (q4_before, q4_etag)
    );
}

#[tokio::test]
async fn json_errors_point_at_the_row_and_its_field() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let partners = register_partners(&app, &t.token).await;
    let p = project_plan(&app, &t.token, "Mantelzorg in Oost", &partners).await;
    let other = project_plan(&app, &t.token, "Mantelzorg in West", &partners).await;
    let pid = p.pid.as_str();
    let q = "2025-Q1";

    // Rows that cannot be read.
    let rows = vec![
        row(pid, q, "key_person_contacts", None, json!(4)),
        row(pid, q, "activity_participants", None, json!("veel")),
        row(pid, q, "reach_old", Some(&p.groups[0]), json!(3)),
        row(pid, "2025-Q7", "referrals_made", None, json!(1)),
        row("project-7", q, "referrals_received", None, json!(1)),
        row(pid, q, "spent", None, json!("10.00")),
        row(pid, q, "hours_spent", Some("outreach"), json!("1.505")),
        row(pid, q, "referrals_made", None, json!(-1)),
        row(pid, q, "network_meetings", Some("flyers"), json!(1)),
    ];
    let found = problem(send_json(&app, &t.token, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        sorted(vec![
            "/figures/1/value".to_string(),
            "/figures/2/figure".into(),
            "/figures/3/quarter".into(),
            "/figures/4/project_id".into(),
            "/figures/5/subject".into(),
            "/figures/6/value".into(),
            "/figures/7/value".into(),
            "/figures/8/subject".into(),
        ]),
        "{found}"
    );

    // Rows that read but break the report's rules or are not in the plan.
    let rows = vec![
        row(pid, q, "reach_new", Some(&p.groups[0]), json!(25)),
        row(pid, q, "reach_total", Some(&p.groups[0]), json!(20)),
        row(pid, q, "spent", Some(&other.lines[0]), json!("10.00")),
        row(pid, q, "communication_count", Some("flyers/de"), json!(5)),
        row(pid, q, "hours_spent", Some("training"), json!("2")),
        row(pid, q, "active_partners", None, json!(1)),
        row(pid, q, "new_partners", None, json!(2)),
        row(pid, q, "reach_total", Some(&other.groups[0]), json!(2)),
        row(pid, "2023-Q4", "key_person_contacts", None, json!(1)),
    ];
    let found = problem(send_json(&app, &t.token, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        sorted(vec![
            "/figures/0/value".to_string(),
            "/figures/2/subject".into(),
            "/figures/3/subject".into(),
            "/figures/4/subject".into(),
            "/figures/6/value".into(),
            "/figures/7/subject".into(),
            "/figures/8/quarter".into(),
        ]),
        "new > total names the reach_new row; new_partners > active_partners the new_partners row: {found}"
    );
    assert!(
        all_not_started(&states(&app, &t.token, pid).await),
        "nothing stored"
    );
    assert!(all_not_started(&states(&app, &t.token, &other.pid).await));
}
