//! The database refuses changes to locked reports and forged audit rows; the API audits every move.

use super::*;

#[tokio::test]
async fn the_database_refuses_changes_to_locked_reports_and_forged_audit_rows() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let pid = submitted_report(&app, &a).await;
    put_report(&app, &a.token, &pid, "2026-Q2", "Tweede kwartaal").await;
    let q1 = format!("project_id = '{pid}' AND quarter = '2026-01-01'");
    let q2 = format!("project_id = '{pid}' AND quarter = '2026-04-01'");
    let report_id = format!("(SELECT id FROM quarterly_reports WHERE {q1})");

    for (sql, why) in [
        (
            format!("UPDATE quarterly_reports SET content = '{{}}' WHERE {q1}"),
            "locked",
        ),
        (
            format!("UPDATE quarterly_reports SET state = 'accepted' WHERE {q2}"),
            "cannot become",
        ),
        (
            format!(
                "UPDATE quarterly_reports SET state = 'submitted', content = '{{}}' WHERE {q2}"
            ),
            "does not change the figures",
        ),
        (
            format!("UPDATE quarterly_reports SET state = 'returned' WHERE {q1}"),
            "needs a reason",
        ),
        (
            format!("UPDATE quarterly_reports SET revision = 7 WHERE {q2}"),
            "revision closes only",
        ),
        (
            format!("UPDATE quarterly_reports SET quarter = '2026-07-01' WHERE {q2}"),
            "identity",
        ),
        (
            format!(
                "INSERT INTO quarterly_reports (id, organisation_id, project_id, quarter, state, content) \
                 VALUES (gen_random_uuid(), '{}', '{pid}', '2026-07-01', 'accepted', '{{}}')",
                a.organisation_id
            ),
            "starts as revision 1 of a draft",
        ),
        (
            format!(
                "INSERT INTO quarterly_report_events (organisation_id, project_id, report_id, revision, action, from_state, to_state, actor) \
                 VALUES ('{}', '{pid}', {report_id}, 1, 'accepted', 'submitted', 'accepted', 'user:{}')",
                a.organisation_id, a.admin_id
            ),
            "permission denied",
        ),
        (
            format!(
                "INSERT INTO quarterly_report_revisions (organisation_id, project_id, report_id, revision, state, content) \
                 VALUES ('{}', '{pid}', {report_id}, 9, 'accepted', '{{}}')",
                a.organisation_id
            ),
            "permission denied",
        ),
        (
            "UPDATE quarterly_report_events SET reason = 'rewritten'".to_string(),
            "permission denied",
        ),
        (
            "DELETE FROM quarterly_report_events".to_string(),
            "permission denied",
        ),
        (
            format!("DELETE FROM quarterly_reports WHERE {q2}"),
            "permission denied",
        ),
        (
            format!(
                "INSERT INTO plan_changes (organisation_id, project_id, entity, entity_id, action) \
                 VALUES ('{}', '{pid}', 'project', '{pid}', 'deleted')",
                a.organisation_id
            ),
            "permission denied",
        ),
        ("DELETE FROM plan_changes".to_string(), "permission denied"),
    ] {
        let refused = as_request(&app, &a, &sql)
            .await
            .expect_err(&format!("allowed: {sql}"));
        assert!(refused.contains(why), "{sql}: {refused}");
    }

    // What the API shows is untouched: Q1 submitted with its figures and two events.
    let (q1_report, _) = fetch(&app, &a.token, &report_path(&pid, "2026-Q1")).await;
    assert_eq!(q1_report["state"], "submitted");
    assert_eq!(q1_report["narrative"]["developments"], "Eerste kwartaal");
    let trail: Vec<Value> = events(&app, &a.token, &pid, "2026-Q1").await;
    let actions: Vec<&str> = trail
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "submitted"]);

    // A move the workflow allows, made in SQL, is audited by the database with the
    // transaction's actor, like the API's own (another admin: who submitted does not
    // accept, in SQL either).
    let (reviewer_id, reviewer) = app.user_with_role(&a, "admin").await;
    let second_admin = Tenant {
        organisation_id: a.organisation_id.clone(),
        admin_id: reviewer_id.clone(),
        admin_email: String::new(),
        token: reviewer,
    };
    assert!(
        as_request(
            &app,
            &a,
            &format!(
                "UPDATE quarterly_reports SET state = 'accepted', version = version + 1 WHERE {q1}"
            ),
        )
        .await
        .is_err_and(|e| e.contains("does not accept")),
        "the submitter accepted in SQL"
    );
    as_request(
        &app,
        &second_admin,
        &format!(
            "UPDATE quarterly_reports SET state = 'accepted', version = version + 1 WHERE {q1}"
        ),
    )
    .await
    .unwrap();
    let trail = events(&app, &a.token, &pid, "2026-Q1").await;
    let last = trail.last().unwrap();
    assert_eq!(last["action"], "accepted");
    assert_eq!(last["from_state"], "submitted");
    assert_eq!(last["actor"], format!("user:{reviewer_id}"));
}

#[tokio::test]
async fn the_api_moves_are_audited_and_a_return_closes_a_revision() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    // Who submits a report does not accept it: another admin does.
    let (reviewer_id, reviewer) = app.user_with_role(&a, "admin").await;
    let pid = submitted_report(&app, &a).await;
    let returned = act(
        &app,
        &a.token,
        &pid,
        "2026-Q1",
        "return",
        Some("Bereik ontbreekt"),
    )
    .await;
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["revision"], 2, "a return closes revision 1");
    let response = app
        .request(Method::PATCH, &report_path(&pid, "2026-Q1"), Some(&a.token))
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"narrative": {"developments": "Gecorrigeerd"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    act(&app, &a.token, &pid, "2026-Q1", "submit", None).await;
    act(&app, &reviewer, &pid, "2026-Q1", "accept", None).await;
    let reopened = act(&app, &a.token, &pid, "2026-Q1", "reopen", Some("Typefout")).await;
    assert_eq!(reopened["revision"], 3);

    // The version that was submitted first is kept whole, and so is the accepted one.
    let revision = async |n: u32| {
        let response = app
            .get(
                &format!("{}/revisions/{n}", report_path(&pid, "2026-Q1")),
                &a.token,
            )
            .await;
        assert_eq!(response.status(), 200, "revision {n}");
        json_of(response).await
    };
    let first = revision(1).await;
    assert_eq!(first["revision"], 1);
    assert_eq!(first["state"], "submitted");
    assert_eq!(
        first["content"]["narrative"]["developments"],
        "Eerste kwartaal"
    );
    let second = revision(2).await;
    assert_eq!(second["state"], "accepted");
    assert_eq!(
        second["content"]["narrative"]["developments"],
        "Gecorrigeerd"
    );
    let open = problem(
        app.get(
            &format!("{}/revisions/3", report_path(&pid, "2026-Q1")),
            &a.token,
        )
        .await,
        404,
    )
    .await;
    assert!(
        open["detail"].as_str().unwrap().contains("still open"),
        "{open}"
    );
    problem(
        app.get(
            &format!("{}/revisions/9", report_path(&pid, "2026-Q1")),
            &a.token,
        )
        .await,
        404,
    )
    .await;
    let b = app.tenant("Organisatie B").await;
    problem(
        app.get(
            &format!("{}/revisions/1", report_path(&pid, "2026-Q1")),
            &b.token,
        )
        .await,
        404,
    )
    .await;

    let trail = events(&app, &a.token, &pid, "2026-Q1").await;
    let summary: Vec<(String, i64, Option<String>)> = trail
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["revision"].as_i64().unwrap(),
                e["reason"].as_str().map(str::to_string),
            )
        })
        .collect();
    let expected: Vec<(String, i64, Option<String>)> = [
        ("created", 1, None),
        ("submitted", 1, None),
        ("returned", 2, Some("Bereik ontbreekt")),
        ("updated", 2, None),
        ("submitted", 2, None),
        ("accepted", 2, None),
        ("reopened", 3, Some("Typefout")),
    ]
    .into_iter()
    .map(|(a, r, why)| (a.to_string(), r, why.map(str::to_string)))
    .collect();
    assert_eq!(summary, expected);
    for event in &trail {
        let by = if event["action"] == "accepted" {
            &reviewer_id
        } else {
            &a.admin_id
        };
        assert_eq!(event["actor"], format!("user:{by}"), "{event}");
    }
}
