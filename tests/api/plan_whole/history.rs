//! The plan's history: who changed what, newest first.

use super::*;

/// A project and one budget line created by a coordinator (a user), the line's amount
/// changed by an API token, then the line deleted by the coordinator.
struct Story {
    app: TestApp,
    admin: String,
    user_id: String,
    user: String,
    token_id: String,
    pid: String,
    line_id: String,
}

async fn story() -> Story {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (user_id, user) = app.user_with_role(&tenant, "coordinator").await;
    let pid = new_project(&app, &user, "Geschiedenis").await;
    let response = app
        .post(
            &lines_path(&pid, "budget-lines"),
            &user,
            &budget_line("communication", "Flyers", "1000.00", &[]),
        )
        .await;
    assert_eq!(response.status(), 201);
    let etag = etag_of(&response);
    let line_id = id_of(&json_of(response).await);
    let path = lines_path(&pid, &format!("budget-lines/{line_id}"));

    let response = app
        .post(
            "/api/v1/api-tokens",
            &tenant.token,
            &json!({"name": "Intranet koppeling", "role": "coordinator"}),
        )
        .await;
    assert_eq!(response.status(), 201, "create API token");
    let created = json_of(response).await;
    let token_id = id_of(&created);
    let secret = text(&created["secret"]).to_string();
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &secret,
            &etag,
            Some(&json!({"amount": "1250.50"})),
        )
        .await;
    assert_eq!(response.status(), 200, "PATCH with the API token");
    let etag = etag_of(&response);

    let response = app
        .send_if_match(Method::DELETE, &path, &user, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    Story {
        admin: tenant.token,
        app,
        user_id,
        user,
        token_id,
        pid,
        line_id,
    }
}

#[tokio::test]
async fn the_history_shows_who_changed_what_newest_first() {
    let s = story().await;
    let changes = history(&s.app, &s.user, &s.pid).await;
    assert!(changes.len() >= 4, "{changes:#?}");

    let deleted = &changes[0];
    assert_eq!(deleted["entity"], "budget_line");
    assert_eq!(deleted["entity_id"], json!(s.line_id));
    assert_eq!(deleted["action"], "deleted");
    assert_eq!(deleted["actor"]["kind"], "user");
    assert_eq!(deleted["actor"]["id"], json!(s.user_id));
    assert!(deleted["after"].is_null(), "{deleted}");
    assert!(deleted["before"].is_object(), "{deleted}");

    let updated = &changes[1];
    assert_eq!(updated["entity"], "budget_line");
    assert_eq!(updated["entity_id"], json!(s.line_id));
    assert_eq!(updated["action"], "updated");
    assert_eq!(
        updated["actor"],
        json!({"kind": "api_token", "id": s.token_id, "name": "Intranet koppeling"})
    );
    assert_eq!(
        updated["before"],
        json!({"amount": "1000.00"}),
        "only the changed field"
    );
    assert_eq!(
        updated["after"],
        json!({"amount": "1250.50"}),
        "only the changed field"
    );

    let created = &changes[2];
    assert_eq!(created["entity"], "budget_line");
    assert_eq!(created["entity_id"], json!(s.line_id));
    assert_eq!(created["action"], "created");
    assert_eq!(
        created["actor"],
        json!({"kind": "user", "id": s.user_id, "name": "coordinator"})
    );
    assert!(created["before"].is_null(), "{created}");

    // Older: the project's creation, by the same user.
    assert!(
        changes[3..].iter().any(|c| c["entity"] == "project"
            && c["entity_id"] == json!(s.pid)
            && c["action"] == "created"
            && c["actor"]["kind"] == "user"
            && c["actor"]["id"] == json!(s.user_id)),
        "{changes:#?}"
    );
    for change in &changes[3..] {
        assert_ne!(change["entity_id"], json!(s.line_id), "{change}");
    }

    // Newest first: ids go down, times never go up.
    for pair in changes.windows(2) {
        assert!(
            pair[0]["id"].as_i64().unwrap() > pair[1]["id"].as_i64().unwrap(),
            "{pair:?}"
        );
        let newer = chrono::DateTime::parse_from_rfc3339(text(&pair[0]["changed_at"])).unwrap();
        let older = chrono::DateTime::parse_from_rfc3339(text(&pair[1]["changed_at"])).unwrap();
        assert!(newer >= older, "{pair:?}");
    }
}

#[tokio::test]
async fn the_history_pages_one_change_at_a_time_through_every_change_once() {
    let s = story().await;
    let all = history(&s.app, &s.user, &s.pid).await;
    let base = lines_path(&s.pid, "history");
    let mut walked = Vec::new();
    let mut path = format!("{base}?limit=1");
    loop {
        let response = s.app.get(&path, &s.user).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = json_of(response).await;
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{page}");
        walked.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{base}?limit=1&cursor={next}"),
            None => break,
        }
        assert!(walked.len() <= all.len(), "the pages never end");
    }
    assert_eq!(walked, all, "every change once, newest first");

    for query in ["limit=0", "limit=201", "limit=veel"] {
        let response = s.app.get(&format!("{base}?{query}"), &s.user).await;
        assert_eq!(
            named_fields(&problem(response, 422).await),
            ["limit"],
            "{query}"
        );
    }
    let response = s.app.get(&format!("{base}?cursor=nope"), &s.user).await;
    assert_eq!(named_fields(&problem(response, 422).await), ["cursor"]);
}

#[tokio::test]
async fn a_viewer_reads_the_history_and_another_organisation_gets_404() {
    let s = story().await;
    let tenant_view = history(&s.app, &s.admin, &s.pid).await;
    let viewer = {
        // The viewer belongs to the same organisation as the admin.
        let email = format!("viewer-{}@example.org", uuid::Uuid::new_v4().simple());
        let response = s
            .app
            .post(
                "/api/v1/users",
                &s.admin,
                &json!({"email": email, "name": "Lezer", "role": "viewer", "password": crate::helpers::PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), 201);
        s.app.login(&email, crate::helpers::PASSWORD).await
    };
    assert_eq!(history(&s.app, &viewer, &s.pid).await, tenant_view);

    let stranger = s.app.tenant("Organisatie B").await;
    problem(
        s.app
            .get(&lines_path(&s.pid, "history"), &stranger.token)
            .await,
        404,
    )
    .await;
    let unknown = uuid::Uuid::new_v4().to_string();
    problem(
        s.app.get(&lines_path(&unknown, "history"), &s.admin).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_refused_write_adds_nothing_to_the_history() {
    let s = story().await;
    let app = &s.app;
    let line = create(
        app,
        &s.user,
        &lines_path(&s.pid, "budget-lines"),
        &budget_line("venue", "Zaal", "300.00", &[]),
    )
    .await
    .0;
    let path = lines_path(&s.pid, &format!("budget-lines/{}", id_of(&line)));
    let line_etag = etag_of(&app.get(&path, &s.user).await);
    let before = history(app, &s.user, &s.pid).await;
    let (plan, plan_etag) = get_plan(app, &s.user, &s.pid).await;

    let response = app
        .post(
            &lines_path(&s.pid, "budget-lines"),
            &s.user,
            &budget_line("venue", "Zaal 2", "12.345", &[]),
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["/amount"]);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &s.user,
            &line_etag,
            Some(&json!({"amount": "-5"})),
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["/amount"]);
    let mut doc = plan.clone();
    doc["budget_lines"][0]["amount"] = json!("1.001");
    let response = put_plan(app, &s.user, &s.pid, &plan_etag, &doc).await;
    assert_eq!(
        named_fields(&problem(response, 422).await),
        ["/budget_lines/0/amount"]
    );

    assert_eq!(
        history(app, &s.user, &s.pid).await,
        before,
        "no entry for a refused write"
    );
    assert_eq!(get_plan(app, &s.user, &s.pid).await, (plan, plan_etag));
}
