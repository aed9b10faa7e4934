//! Locked reports, revisions and the audit trail.

use super::*;

#[tokio::test]
async fn submitted_and_accepted_reports_are_locked() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = full_content(&plan);
    for q in ["2025-Q1", "2025-Q2"] {
        create_report(&app, &t.token, pid, q, &content).await;
        act_ok(&app, &t.token, pid, q, "submit", None).await;
    }
    act_ok(&app, &reviewer, pid, "2025-Q2", "accept", None).await;

    for (q, state) in [("2025-Q1", "submitted"), ("2025-Q2", "accepted")] {
        let path = report_path(pid, q);
        let before = stored(&app, &t.token, pid, q).await;
        let (_, etag) = &before;
        for (method, body) in [
            (Method::PUT, variant(&plan, "na indienen")),
            (
                Method::PATCH,
                json!({"narrative": {"obstacles": "Achteraf aangepast"}}),
            ),
        ] {
            let response = app
                .send_if_match(method.clone(), &path, &t.token, etag, Some(&body))
                .await;
            let problem = problem(response, 409).await;
            let detail = problem["detail"].as_str().unwrap();
            assert!(
                detail.contains(state),
                "{method} on a {state} report: detail names the state: {detail}"
            );
        }
        assert_eq!(
            stored(&app, &t.token, pid, q).await,
            before,
            "{state} unchanged"
        );
        let events = events(&app, &t.token, pid, q).await;
        assert!(
            !actions(&events).contains(&"updated".to_string()),
            "no update recorded: {events:?}"
        );
    }
}

#[tokio::test]
async fn reopening_closes_the_revision_and_keeps_it_as_it_was() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2024-Q4";
    let first = full_content(&plan);
    create_report(&app, &t.token, pid, q, &first).await;
    act_ok(&app, &t.token, pid, q, "submit", None).await;
    act_ok(&app, &reviewer, pid, q, "accept", None).await;

    let revisions_path = format!("{}/revisions", report_path(pid, q));
    let revisions = fetch_revisions(&app, &t.token, &revisions_path).await;
    assert_eq!(revisions["closed"], json!([]), "nothing closed yet");
    assert_eq!(revisions["current"]["revision"], 1);

    let reopened = act_ok(&app, &t.token, pid, q, "reopen", Some("Verkeerde cijfers")).await;
    assert_eq!(
        (reopened["state"].clone(), reopened["revision"].clone()),
        (json!("draft"), json!(2))
    );
    assert_content(&reopened, &first, "revision 2 starts from revision 1");

    // Editing revision 2 leaves revision 1 as it was.
    let (_, etag) = stored(&app, &t.token, pid, q).await;
    let second = variant(&plan, "gecorrigeerd");
    let response = app
        .send_if_match(
            Method::PUT,
            &report_path(pid, q),
            &t.token,
            &etag,
            Some(&second),
        )
        .await;
    assert_eq!(response.status(), 200, "edit the reopened report");
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(pid, q),
            &t.token,
            &etag_of(&response),
            Some(&json!({"network": {"active_partners": 9}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let current = json_of(response).await;

    let revisions = fetch_revisions(&app, &t.token, &revisions_path).await;
    let closed = revisions["closed"].as_array().expect("closed");
    assert_eq!(closed.len(), 1, "one closed revision: {revisions}");
    assert_eq!(closed[0]["revision"], 1);
    assert_eq!(closed[0]["state"], "accepted");
    assert_content(&closed[0]["content"], &first, "closed revision 1");
    assert!(closed[0]["closed_at"].is_string());
    assert_eq!(revisions["current"]["revision"], 2);
    assert_eq!(revisions["current"]["state"], "draft");
    assert_eq!(revisions["current"], current, "current is the report");
    assert_eq!(current["network"]["active_partners"], 9);
    assert_eq!(current["narrative"], second["narrative"]);

    // Reopening a submitted revision closes it as submitted.
    act_ok(&app, &t.token, pid, q, "submit", None).await;
    act_ok(&app, &t.token, pid, q, "reopen", Some("Nog niet klaar")).await;
    let revisions = fetch_revisions(&app, &t.token, &revisions_path).await;
    let closed = revisions["closed"].as_array().expect("closed");
    assert_eq!(closed.len(), 2);
    assert_eq!(
        closed
            .iter()
            .map(|r| r["revision"].clone())
            .collect::<Vec<_>>(),
        [json!(1), json!(2)],
        "oldest first"
    );
    assert_eq!(closed[1]["state"], "submitted");
    assert_content(&closed[1]["content"], &current, "closed revision 2");
    assert_content(&closed[0]["content"], &first, "revision 1 still as it was");
    assert_eq!(revisions["current"]["revision"], 3);
    let closed_at: Vec<chrono::DateTime<chrono::FixedOffset>> = closed
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r["closed_at"].as_str().unwrap()).unwrap())
        .collect();
    assert!(closed_at[0] <= closed_at[1]);

    // A quarter without a report has no revisions.
    problem(
        app.get(
            &format!("{}/revisions", report_path(pid, "2025-Q1")),
            &t.token,
        )
        .await,
        404,
    )
    .await;
}

async fn fetch_revisions(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get(path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    json_of(response).await
}

#[tokio::test]
async fn the_audit_trail_says_who_did_what_when_and_why() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (coordinator_id, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q2";
    let path = report_path(pid, q);

    let (_, etag) = create_report(&app, &coordinator, pid, q, &full_content(&plan)).await;
    let response = app
        .send_if_match(
            Method::PUT,
            &path,
            &coordinator,
            &etag,
            Some(&variant(&plan, "2")),
        )
        .await;
    assert_eq!(response.status(), 200);
    act_ok(&app, &coordinator, pid, q, "submit", None).await;
    act_ok(
        &app,
        &t.token,
        pid,
        q,
        "return",
        Some("Bereik per partner ontbreekt"),
    )
    .await;
    let (_, etag) = stored(&app, &coordinator, pid, q).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &etag,
            Some(&json!({"network": {"network_meetings": 4}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    act_ok(&app, &coordinator, pid, q, "submit", None).await;
    act_ok(&app, &t.token, pid, q, "accept", Some("Akkoord")).await;
    act_ok(
        &app,
        &t.token,
        pid,
        q,
        "reopen",
        Some("Subsidiegever vraagt correctie"),
    )
    .await;

    let trail = events(&app, &t.token, pid, q).await;
    let coordinator_actor = json!(format!("user:{coordinator_id}"));
    let admin_actor = json!(format!("user:{}", t.admin_id));
    let expected = [
        (
            "created",
            Value::Null,
            "draft",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "updated",
            json!("draft"),
            "draft",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "submitted",
            json!("draft"),
            "submitted",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "returned",
            json!("submitted"),
            "returned",
            &admin_actor,
            json!("Bereik per partner ontbreekt"),
        ),
        (
            "updated",
            json!("returned"),
            "returned",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "submitted",
            json!("returned"),
            "submitted",
            &coordinator_actor,
            Value::Null,
        ),
        (
            "accepted",
            json!("submitted"),
            "accepted",
            &admin_actor,
            json!("Akkoord"),
        ),
        (
            "reopened",
            json!("accepted"),
            "draft",
            &admin_actor,
            json!("Subsidiegever vraagt correctie"),
        ),
    ];
    assert_eq!(
        actions(&trail),
        expected.iter().map(|e| e.0).collect::<Vec<_>>(),
        "oldest first: {trail:#?}"
    );
    for (event, (action, from, to, actor, reason)) in trail.iter().zip(expected.iter()) {
        assert_eq!(event["from_state"], *from, "{action} from: {event}");
        assert_eq!(event["to_state"], *to, "{action} to: {event}");
        assert_eq!(&event["actor"], *actor, "{action} actor: {event}");
        assert_eq!(event["reason"], *reason, "{action} reason: {event}");
        assert!(event["at"].is_string() && event["id"].is_i64(), "{event}");
    }
    // The return closes revision 1 and the reopen revision 2; each event names the
    // revision it left the report in.
    let revisions: Vec<i64> = trail
        .iter()
        .map(|e| e["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(revisions, [1, 1, 1, 2, 2, 2, 2, 3], "{trail:#?}");
    let ids: Vec<i64> = trail.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids ascending: {ids:?}"
    );
    let at: Vec<chrono::DateTime<chrono::FixedOffset>> = trail
        .iter()
        .map(|e| chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap()).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "times ascending");

    // A quarter without a report has no trail.
    problem(
        app.get(&format!("{}/events", report_path(pid, "2025-Q3")), &t.token)
            .await,
        404,
    )
    .await;
}
