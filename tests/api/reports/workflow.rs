//! The workflow: allowed and forbidden moves, roles, reasons.

use super::*;

#[tokio::test]
async fn every_allowed_move_of_the_workflow() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    create_report(&app, &coordinator, pid, q, &full_content(&plan)).await;

    let check = |report: &Value, state: &str, revision: i64| {
        assert_eq!(report["state"], state, "state in {report}");
        assert_eq!(report["revision"], revision, "revision in {report}");
    };
    // draft → submitted (coordinator), without a body.
    let report = act_ok(&app, &coordinator, pid, q, "submit", None).await;
    check(&report, "submitted", 1);
    // submitted → returned (admin, with a reason).
    let report = act_ok(
        &app,
        &t.token,
        pid,
        q,
        "return",
        Some("Bereik per doelgroep ontbreekt"),
    )
    .await;
    // A return closes revision 1 (as it was submitted) and starts revision 2.
    check(&report, "returned", 2);
    // A returned report can be edited…
    let (_, etag) = stored(&app, &coordinator, pid, q).await;
    let fixed = variant(&plan, "aangevuld");
    let response = app
        .send_if_match(
            Method::PUT,
            &report_path(pid, q),
            &coordinator,
            &etag,
            Some(&fixed),
        )
        .await;
    assert_eq!(response.status(), 200, "edit a returned report");
    let edited = json_of(response).await;
    check(&edited, "returned", 2);
    assert_content(&edited, &fixed, "edited while returned");
    // …and submitted again (returned → submitted), with a body.
    let report = act_ok(&app, &coordinator, pid, q, "submit", Some("Aangevuld")).await;
    check(&report, "submitted", 2);
    // submitted → accepted.
    let report = act_ok(&app, &reviewer, pid, q, "accept", None).await;
    check(&report, "accepted", 2);
    assert_content(&report, &fixed, "accepted as submitted");
    // accepted → draft, a new revision.
    let report = act_ok(
        &app,
        &t.token,
        pid,
        q,
        "reopen",
        Some("Cijfers gecorrigeerd"),
    )
    .await;
    check(&report, "draft", 3);
    // draft → submitted (admin may submit too), then submitted → draft by reopen.
    let report = act_ok(&app, &t.token, pid, q, "submit", None).await;
    check(&report, "submitted", 3);
    let report = act_ok(&app, &t.token, pid, q, "reopen", Some("Nog een correctie")).await;
    check(&report, "draft", 4);
    let (now, _) = stored(&app, &coordinator, pid, q).await;
    check(&now, "draft", 4);
    let item = quarter_status(&app, &coordinator, pid, q).await;
    assert_eq!(
        (item["state"].clone(), item["revision"].clone()),
        (json!("draft"), json!(4))
    );
}

#[tokio::test]
async fn forbidden_moves_are_409_naming_the_allowed_ones() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = full_content(&plan);
    let reason = json!({"reason": "Omdat het moet"});

    // One report in each state.
    for q in ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"] {
        create_report(&app, &t.token, pid, q, &content).await;
    }
    act_ok(&app, &t.token, pid, "2025-Q2", "submit", None).await;
    act_ok(&app, &t.token, pid, "2025-Q3", "submit", None).await;
    act_ok(&app, &reviewer, pid, "2025-Q3", "accept", None).await;
    act_ok(&app, &t.token, pid, "2025-Q4", "submit", None).await;
    act_ok(&app, &t.token, pid, "2025-Q4", "return", Some("Onvolledig")).await;

    let mut failures = Vec::new();
    for (q, state, forbidden, allowed) in [
        (
            "2025-Q1",
            "draft",
            vec!["accept", "return", "reopen"],
            vec!["submit"],
        ),
        (
            "2025-Q2",
            "submitted",
            vec!["submit"],
            vec!["accept", "reopen", "return"],
        ),
        (
            "2025-Q3",
            "accepted",
            vec!["submit", "accept", "return"],
            vec!["reopen"],
        ),
        (
            "2025-Q4",
            "returned",
            vec!["accept", "return", "reopen"],
            vec!["submit"],
        ),
    ] {
        let before = stored(&app, &t.token, pid, q).await;
        assert_eq!(before.0["state"], state);
        for action in forbidden {
            let response = act(&app, &t.token, pid, q, action, Some(&reason), None).await;
            if response.status() != 409 {
                failures.push(format!("{action} on {state}: {}", response.status()));
                continue;
            }
            let body = problem(response, 409).await;
            assert_eq!(
                body["type"], INVALID_TRANSITION,
                "{action} on {state}: {body}"
            );
            let named: Vec<String> = body["allowed"]
                .as_array()
                .unwrap_or_else(|| panic!("allowed in {body}"))
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            assert_eq!(sorted(named), allowed, "{action} on {state}: allowed moves");
        }
        assert_eq!(
            stored(&app, &t.token, pid, q).await,
            before,
            "{state} report unchanged"
        );
    }
    assert!(
        failures.is_empty(),
        "forbidden moves not refused with 409: {failures:#?}"
    );

    // A quarter without a report has nothing to move.
    let response = act(&app, &t.token, pid, "2024-Q1", "submit", None, None).await;
    assert!(
        [404, 409].contains(&response.status().as_u16()),
        "submit without a report: {}",
        response.status()
    );
    assert_eq!(
        quarter_status(&app, &t.token, pid, "2024-Q1").await["state"],
        "not_started"
    );
}

#[tokio::test]
async fn roles_decide_who_writes_submits_and_decides() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    // Who submits a report does not accept it: another admin does.
    let (_, reviewer) = app.user_with_role(&t, "admin").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let (_, viewer) = app.user_with_role(&t, "viewer").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let content = full_content(&plan);

    // Viewers read but never write.
    problem(
        put(&app, &viewer, &report_path(pid, q), &content).await,
        403,
    )
    .await;
    assert_eq!(
        quarter_status(&app, &viewer, pid, q).await["state"],
        "not_started"
    );
    let (report, etag) = create_report(&app, &coordinator, pid, q, &content).await;
    problem(
        app.send_if_match(
            Method::PUT,
            &report_path(pid, q),
            &viewer,
            &etag,
            Some(&variant(&plan, "v")),
        )
        .await,
        403,
    )
    .await;
    problem(
        app.send_if_match(
            Method::PATCH,
            &report_path(pid, q),
            &viewer,
            &etag,
            Some(&json!({"network": {"network_meetings": 1}})),
        )
        .await,
        403,
    )
    .await;
    problem(act(&app, &viewer, pid, q, "submit", None, None).await, 403).await;
    assert_eq!(stored(&app, &viewer, pid, q).await, (report, etag));
    for path in [
        reports_path(pid),
        format!("{}/revisions", report_path(pid, q)),
        format!("{}/events", report_path(pid, q)),
    ] {
        assert_eq!(
            app.get(&path, &viewer).await.status(),
            200,
            "viewer reads {path}"
        );
    }

    // Coordinators submit but do not decide.
    act_ok(&app, &coordinator, pid, q, "submit", None).await;
    let reason = json!({"reason": "Controle"});
    for action in ["accept", "return", "reopen"] {
        for token in [&coordinator, &viewer] {
            problem(
                act(&app, token, pid, q, action, Some(&reason), None).await,
                403,
            )
            .await;
        }
    }
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "submitted");
    // Accepted: coordinators cannot reopen either.
    act_ok(&app, &reviewer, pid, q, "accept", None).await;
    problem(
        act(&app, &coordinator, pid, q, "reopen", Some(&reason), None).await,
        403,
    )
    .await;
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "accepted");
}

#[tokio::test]
async fn return_and_reopen_need_a_reason_and_a_stale_etag_is_412() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let q = "2025-Q1";
    let (_, first_etag) = create_report(&app, &t.token, pid, q, &full_content(&plan)).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(pid, q),
            &t.token,
            &first_etag,
            Some(&json!({"network": {"network_meetings": 8}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let current = etag_of(&response);

    // A stale If-Match on a move is 412, a current one is honoured.
    problem(
        act(&app, &t.token, pid, q, "submit", None, Some(&first_etag)).await,
        412,
    )
    .await;
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "draft");
    // The body JSON null, which the document allows for a move without a reason.
    let null = serde_json::Value::Null;
    let response = act(
        &app,
        &t.token,
        pid,
        q,
        "submit",
        Some(&null),
        Some(&current),
    )
    .await;
    assert_eq!(
        response.status(),
        200,
        "submit with the current ETag and a null body"
    );
    let submitted_etag = etag_of(&response);
    assert_ne!(submitted_etag, current, "a move changes the version");
    assert_eq!(json_of(response).await["state"], "submitted");

    for action in ["return", "reopen"] {
        for body in [
            None,
            Some(json!({})),
            Some(json!({"reason": null})),
            Some(json!({"reason": ""})),
        ] {
            let before = stored(&app, &t.token, pid, q).await;
            let response = act(&app, &t.token, pid, q, action, body.as_ref(), None).await;
            let problem = problem(response, 422).await;
            assert_eq!(
                named_fields(&problem),
                ["/reason"],
                "{action} with {body:?}"
            );
            assert_eq!(
                stored(&app, &t.token, pid, q).await,
                before,
                "{action} changed nothing"
            );
        }
        problem(
            act(
                &app,
                &t.token,
                pid,
                q,
                action,
                Some(&json!({"reason": "Te laat"})),
                Some(&current),
            )
            .await,
            412,
        )
        .await;
    }
    assert_eq!(stored(&app, &t.token, pid, q).await.0["state"], "submitted");
    let response = act(
        &app,
        &t.token,
        pid,
        q,
        "return",
        Some(&json!({"reason": "Te laat"})),
        Some(&submitted_etag),
    )
    .await;
    assert_eq!(response.status(), 200, "return with the current ETag");
    assert_eq!(json_of(response).await["state"], "returned");
}
