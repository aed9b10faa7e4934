//! Every kind of bad input gets a problem+json answer naming what is wrong, and
//! nothing is stored half.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{named_fields, problem, project_body, spawn_app, spawn_app_with};

async fn project_count(app: &crate::helpers::TestApp, token: &str) -> usize {
    let list: Value = app
        .get("/api/v1/projects", token)
        .await
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn malformed_bodies_are_rejected_with_the_right_status_and_nothing_is_stored() {
    let app = spawn_app().await;
    let t = app.tenant("Foutjes").await;
    let post_raw = |body: &'static [u8], content_type: Option<&'static str>| {
        let mut request = app
            .request(Method::POST, "/api/v1/projects", Some(&t.token))
            .body(body);
        if let Some(ct) = content_type {
            request = request.header("Content-Type", ct);
        }
        request.send()
    };
    let body = problem(
        post_raw(b"{\"name\": ", Some("application/json"))
            .await
            .unwrap(),
        400,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("not valid JSON"));
    problem(post_raw(b"", Some("application/json")).await.unwrap(), 400).await;
    problem(
        post_raw(b"\xff\xfe{}", Some("application/json"))
            .await
            .unwrap(),
        400,
    )
    .await;
    let nested: &'static [u8] = Box::leak("[".repeat(10_000).into_bytes().into_boxed_slice());
    // Deep nesting is refused at the first wrong type, long before it could exhaust the stack.
    problem(
        post_raw(nested, Some("application/json")).await.unwrap(),
        422,
    )
    .await;
    problem(
        post_raw(b"name=x", Some("application/x-www-form-urlencoded"))
            .await
            .unwrap(),
        415,
    )
    .await;
    problem(post_raw(b"{}", None).await.unwrap(), 415).await;
    assert_eq!(project_count(&app, &t.token).await, 0);
}

#[tokio::test]
async fn wrong_shapes_name_the_field() {
    let app = spawn_app().await;
    let t = app.tenant("Vormen").await;
    let cases = [
        (
            json!({"name": 5, "start_date": "2026-01-01", "end_date": "2026-12-31"}),
            "/name",
        ),
        (
            json!({"name": "x", "start_date": "1 januari", "end_date": "2026-12-31"}),
            "/start_date",
        ),
        (
            json!({"name": "x", "end_date": "2026-12-31"}),
            "/start_date",
        ),
        (
            json!({"name": "x", "start_date": "2026-01-01", "end_date": "2026-12-31", "colour": "red"}),
            "/colour",
        ),
        (
            json!({"name": "x", "start_date": "2026-01-01", "end_date": "2026-12-31", "status": "archived"}),
            "/status",
        ),
        (
            json!({"name": "x\u{0}y", "start_date": "2026-01-01", "end_date": "2026-12-31"}),
            "/name",
        ),
        (
            json!({"name": "x", "start_date": "2026-01-01", "end_date": "2025-12-31"}),
            "/end_date",
        ),
    ];
    for (body, pointer) in cases {
        let response = app.post("/api/v1/projects", &t.token, &body).await;
        let problem = problem(response, 422).await;
        assert_eq!(named_fields(&problem), vec![pointer.to_string()], "{body}");
    }
    assert_eq!(project_count(&app, &t.token).await, 0);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let app = spawn_app_with(|s| s.max_body_bytes = 2048).await;
    let t = app.tenant("Groot").await;
    let mut body = project_body("Groot");
    body["summary"] = json!("x".repeat(3000));
    problem(app.post("/api/v1/projects", &t.token, &body).await, 413).await;
    assert_eq!(project_count(&app, &t.token).await, 0);
}

#[tokio::test]
async fn unknown_routes_wrong_methods_and_bad_ids_are_problems_too() {
    let app = spawn_app().await;
    let t = app.tenant("Routes").await;
    problem(app.get("/api/v1/nothing-here", &t.token).await, 404).await;
    problem(app.get("/api/v1/projects/not-a-uuid", &t.token).await, 404).await;
    for method in [
        Method::PUT,
        Method::DELETE,
        Method::TRACE,
        Method::from_bytes(b"QUERY").unwrap(),
    ] {
        let response = app
            .request(method.clone(), "/api/v1/projects", Some(&t.token))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], "GET, POST", "{method}");
        let body = problem(response, 405).await;
        assert_eq!(body["allowed"], json!(["GET", "POST"]));
    }
    let response = app
        .request(
            Method::POST,
            "/api/v1/projects/00000000-0000-0000-0000-000000000000",
            Some(&t.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "DELETE, GET, PATCH, PUT");
    problem(response, 405).await;
    // A fixed path is preferred over a template that also matches it, whatever the body.
    for content_type in [None, Some("text/plain"), Some("application/json")] {
        let mut request = app.request(Method::PATCH, "/api/v1/users/me", Some(&t.token));
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type).body("{}");
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.headers()["allow"], "GET", "{content_type:?}");
        problem(response, 405).await;
    }
}

#[tokio::test]
async fn query_parameters_are_checked_and_named() {
    let app = spawn_app().await;
    let t = app.tenant("Query").await;
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("status=archived", "status"),
        ("active_from=gisteren", "active_from"),
        ("cursor=%%%", "cursor"),
        ("colour=red", "colour"),
    ] {
        let body = problem(
            app.get(&format!("/api/v1/projects?{query}"), &t.token)
                .await,
            422,
        )
        .await;
        assert_eq!(named_fields(&body), vec![parameter.to_string()], "{query}");
    }
}

#[tokio::test]
async fn conflicts_and_preconditions_have_their_own_statuses() {
    let app = spawn_app().await;
    let t = app.tenant("Precondities").await;
    let (project, etag) = app.project(&t.token, &project_body("Etag")).await;
    let path = format!("/api/v1/projects/{}", project["id"].as_str().unwrap());
    let response = app
        .request(Method::PATCH, &path, Some(&t.token))
        .json(&json!({"name": "zonder"}))
        .send()
        .await
        .unwrap();
    let body = problem(response, 428).await;
    assert!(body["detail"].as_str().unwrap().contains("If-Match"));
    app.send_if_match(
        Method::PATCH,
        &path,
        &t.token,
        &etag,
        Some(&json!({"name": "eerste"})),
    )
    .await;
    problem(
        app.send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"name": "tweede"})),
        )
        .await,
        412,
    )
    .await;
    let body = problem(
        app.send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            "v1",
            Some(&json!({"name": "x"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&body), vec!["If-Match".to_string()]);
    let current: Value = app.get(&path, &t.token).await.json().await.unwrap();
    assert_eq!(current["name"], "eerste");

    let user = json!({"email": "dubbel@example.org", "role": "viewer", "password": "long enough password"});
    assert_eq!(
        app.post("/api/v1/users", &t.token, &user).await.status(),
        201
    );
    let body = problem(app.post("/api/v1/users", &t.token, &user).await, 409).await;
    assert_eq!(named_fields(&body), vec!["/email".to_string()]);
}

/// What a user reads in a problem: what to write instead, in their words, never the
/// parser's ("variant", "invalid type", "trailing input", "Path deserialize error").
#[tokio::test]
async fn problems_say_what_to_write_without_library_jargon() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (project, _) = app.project(&org.token, &project_body("Mantelzorg")).await;
    let pid = project["id"].as_str().unwrap().to_string();
    let mut dutch_date = project_body("Datum");
    dutch_date["start_date"] = json!("01-04-2026");
    let mut typo = project_body("Tikfout");
    typo["statsu"] = json!("active");
    let mut status = project_body("Status");
    status["status"] = json!("busy");
    let money = json!({"category": "venue", "description": "Zaal", "amount": 1250.5});
    for (path, body, pointer, wanted) in [
        (
            "/api/v1/projects".to_string(),
            dutch_date,
            "/start_date",
            "2026-04-01",
        ),
        (
            "/api/v1/projects".to_string(),
            typo,
            "/statsu",
            "did you mean `status`?",
        ),
        (
            "/api/v1/projects".to_string(),
            status,
            "/status",
            "\"busy\" is not one of: draft, active",
        ),
        (
            format!("/api/v1/projects/{pid}/budget-lines"),
            money,
            "/amount",
            "\"1250.50\"",
        ),
    ] {
        let refused = problem(app.post(&path, &org.token, &body).await, 422).await;
        let error = refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["pointer"] == pointer)
            .unwrap_or_else(|| panic!("{pointer}: {refused}"))
            .clone();
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(wanted), "{pointer}: {message}");
        for jargon in [
            "variant",
            "invalid type",
            "trailing input",
            "floating point",
        ] {
            assert!(
                !refused.to_string().contains(jargon),
                "{pointer}: {refused}"
            );
        }
    }
    let missing = problem(
        app.get("/api/v1/projects/not-a-uuid", &org.token).await,
        404,
    )
    .await;
    let detail = missing["detail"].as_str().unwrap();
    assert!(
        detail.contains("/api/v1/projects/not-a-uuid") && detail.contains("UUID"),
        "{detail}"
    );
    assert!(!detail.contains("deserialize"), "{detail}");
}
