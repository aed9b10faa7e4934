//! Dry runs, and retries with an Idempotency-Key.

use super::*;

#[tokio::test]
async fn a_dry_run_answers_what_would_happen_and_stores_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    put_report(&app, &coordinator, &p.pid, "2025-Q2", &report_body(&p)).await;
    let before = stored(&app, &coordinator, &p.pid, "2025-Q2").await;

    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(
            &p.pid,
            "2025-Q1",
            "spent",
            Some(&p.lines[0]),
            json!("12.50"),
        ),
        row(&p.pid, "2025-Q2", "key_person_contacts", None, json!(6)),
    ];
    let body = json!({ "figures": rows }).to_string();
    let response = send(
        &app,
        &coordinator,
        "?dry_run=true",
        "application/json",
        body.clone(),
        None,
    )
    .await;
    let answer = ok(response, "dry run").await;
    assert_eq!(
        answer,
        outcome(
            true,
            &[
                (p.pid.as_str(), "2025-Q1", true, 2),
                (p.pid.as_str(), "2025-Q2", false, 1)
            ]
        )
    );
    assert_eq!(
        states(&app, &coordinator, &p.pid).await["2025-Q1"],
        "not_started"
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q2").await,
        before,
        "the draft did not change"
    );

    // A dry run checks as much as a real one.
    let bad = json!({"figures": [row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(-5))]});
    let found = problem(
        send(
            &app,
            &coordinator,
            "?dry_run=true",
            "application/json",
            bad.to_string(),
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&found), ["/figures/0/value"]);

    // The real run does what the dry run said.
    let answer = ok(
        send(&app, &coordinator, "", "application/json", body, None).await,
        "real run",
    )
    .await;
    assert_eq!(
        answer,
        outcome(
            false,
            &[
                (p.pid.as_str(), "2025-Q1", true, 2),
                (p.pid.as_str(), "2025-Q2", false, 1)
            ]
        )
    );
    let (q1, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(q1["reach"]["key_person_contacts"], 5);
    let (q2, _) = stored(&app, &coordinator, &p.pid, "2025-Q2").await;
    assert_eq!(q2["reach"]["key_person_contacts"], 6);
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_applies_nothing() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let key = "3f0c2a44-5d1e-4c8e-9d7a-1b2c3d4e5f60";
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(&p.pid, "2025-Q1", "reach_new", Some(&p.groups[0]), json!(3)),
        row(
            &p.pid,
            "2025-Q1",
            "reach_total",
            Some(&p.groups[0]),
            json!(8),
        ),
    ];
    let body = json!({ "figures": rows }).to_string();
    let post = |body: String, token: String, key: &'static str| {
        let app = &app;
        async move { send(app, &token, "", "application/json", body, Some(key)).await }
    };

    let first = post(body.clone(), coordinator.clone(), key).await;
    assert_eq!(first.status(), 200);
    assert_eq!(replayed(&first), None, "the first answer is not a replay");
    let first = json_of(first).await;
    assert_eq!(
        first,
        outcome(false, &[(p.pid.as_str(), "2025-Q1", true, 3)])
    );
    let after_first = stored(&app, &coordinator, &p.pid, "2025-Q1").await;

    let retry = post(body.clone(), coordinator.clone(), key).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(replayed(&retry).as_deref(), Some("true"));
    assert_eq!(
        json_of(retry).await,
        first,
        "the first answer, created: true"
    );
    assert_eq!(
        stored(&app, &coordinator, &p.pid, "2025-Q1").await,
        after_first,
        "the report did not change"
    );
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q1").await,
        ["created"]
    );

    // Someone edits the report; a late retry must not overwrite that.
    let (_, etag) = after_first;
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(&p.pid, "2025-Q1"),
            &coordinator,
            &etag,
            Some(&json!({"reach": {"key_person_contacts": 7}})),
        )
        .await;
    assert_eq!(response.status(), 200, "PATCH");
    let retry = post(body.clone(), coordinator.clone(), key).await;
    assert_eq!(retry.status(), 200);
    assert_eq!(replayed(&retry).as_deref(), Some("true"));
    assert_eq!(json_of(retry).await, first);
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(
        report["reach"]["key_person_contacts"], 7,
        "the retry applied nothing"
    );
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q1").await,
        ["created", "updated"],
        "only the PATCH updated"
    );

    // The same key with another body.
    let other = json!({"figures": [row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(6))]});
    let found = problem(post(other.to_string(), coordinator.clone(), key).await, 422).await;
    assert_eq!(named_fields(&found), ["Idempotency-Key"], "{found}");
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 7);

    // Another organisation's keys are its own: the very same key and body from there
    // is no replay of our answer (their projects differ, so it fails as foreign rows),
    // and their own body with the key is applied there.
    let stranger = app.tenant("Steunpunt Noord").await;
    let theirs = one_project(&app, &stranger).await;
    let response = post(body.clone(), stranger.token.clone(), key).await;
    assert_eq!(replayed(&response), None, "not our answer");
    let found = problem(response, 422).await;
    assert!(
        !named_fields(&found).is_empty()
            && named_fields(&found)
                .iter()
                .all(|f| f.ends_with("/project_id")),
        "{found}"
    );
    let their_body =
        json!({"figures": [row(&theirs.pid, "2025-Q1", "key_person_contacts", None, json!(11))]});
    let response = post(their_body.to_string(), stranger.token.clone(), key).await;
    assert_eq!(response.status(), 200);
    assert_eq!(replayed(&response), None, "not a replay");
    assert_eq!(
        json_of(response).await,
        outcome(false, &[(theirs.pid.as_str(), "2025-Q1", true, 1)])
    );
    let (report, _) = stored(&app, &stranger.token, &theirs.pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 11);
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 7, "ours unchanged");
}

#[tokio::test]
async fn two_concurrent_requests_with_the_same_key_apply_once_and_answer_alike() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let p = one_project(&app, &t).await;
    let body = json!({"figures": every_figure_json(&p, "2025-Q2")}).to_string();
    let n = every_figure(&p).len();
    let key = "c0ffee00-0000-4000-8000-000000000001";

    let (one, two) = tokio::join!(
        send(
            &app,
            &coordinator,
            "",
            "application/json",
            body.clone(),
            Some(key)
        ),
        send(
            &app,
            &coordinator,
            "",
            "application/json",
            body.clone(),
            Some(key)
        ),
    );
    assert_eq!(one.status(), 200, "first");
    assert_eq!(two.status(), 200, "second");
    let replays = [replayed(&one), replayed(&two)];
    assert_eq!(
        replays
            .iter()
            .filter(|r| r.as_deref() == Some("true"))
            .count(),
        1,
        "exactly one is the replay: {replays:?}"
    );
    let (one, two) = (json_of(one).await, json_of(two).await);
    assert_eq!(one, two, "the same answer");
    assert_eq!(one, outcome(false, &[(p.pid.as_str(), "2025-Q2", true, n)]));
    assert_eq!(
        actions(&app, &t.token, &p.pid, "2025-Q2").await,
        ["created"]
    );
    let (report, _) = stored(&app, &coordinator, &p.pid, "2025-Q2").await;
    assert_eq!(figures_of(&report), every_figure_expected(&p));
}
