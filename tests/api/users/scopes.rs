//! Scoped API tokens: a token does what its scopes say within its role, never more than
//! its role or its maker, tokens made before scopes keep their role's, and new tokens
//! live as long as configured.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, Tenant, TestApp, named_fields, new_project, problem, project_body, report_path,
    spawn_app, spawn_app_migrated_from, spawn_app_with,
};

use super::{create_api_token, status_of, timestamp};

/// A new token of `role` with `scopes`; its secret.
async fn scoped(app: &TestApp, tenant: &Tenant, role: &str, scopes: &[&str]) -> String {
    let (body, _) = create_api_token(
        app,
        tenant,
        &json!({"name": "Formulier", "role": role, "scopes": scopes}),
    )
    .await;
    assert_eq!(
        body["scopes"],
        json!(scopes),
        "in the order of the scopes list: {body}"
    );
    body["secret"].as_str().unwrap().to_string()
}

/// A 403 for the missing `scope`: the problem names it, and so does the challenge
/// (RFC 6750, section 3.1).
async fn lacks(response: Response, scope: &str) {
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = problem(response, 403).await;
    assert_eq!(body["type"], "urn:mantelmonitor:problem:insufficient-scope");
    assert_eq!(body["missing_scope"], scope, "{body}");
    assert!(body["detail"].as_str().unwrap().contains(scope), "{body}");
    assert!(
        challenge.contains(r#"error="insufficient_scope""#)
            && challenge.contains(&format!(r#"scope="{scope}""#)),
        "{challenge}"
    );
}

async fn put_report(app: &TestApp, token: &str, pid: &str, quarter: &str) -> Response {
    app.request(Method::PUT, &report_path(pid, quarter), Some(token))
        .header("If-None-Match", "*")
        .json(&json!({}))
        .send()
        .await
        .expect("request")
}

async fn post_empty(app: &TestApp, token: &str, path: &str) -> Response {
    app.request(Method::POST, path, Some(token))
        .send()
        .await
        .expect("request")
}

const EXPORT: &str = "/api/v1/exports/quarterly-figures?format=csv";

#[tokio::test]
async fn a_token_does_what_its_scopes_say_and_no_more() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Formulier").await;
    let pid = new_project(&app, &org.token, "Mantelzorg in Oost").await;
    let form = scoped(&app, &org, "coordinator", &["plans:read", "reports:write"]).await;

    // Within its scopes.
    assert_eq!(status_of(&app, "/api/v1/projects", &form).await, 200);
    assert_eq!(
        status_of(&app, &format!("/api/v1/projects/{pid}/plan"), &form).await,
        200
    );
    assert_eq!(put_report(&app, &form, &pid, "2026-Q1").await.status(), 201);
    // Reading its own account needs no scope.
    assert_eq!(status_of(&app, "/api/v1/organisation", &form).await, 200);
    assert_eq!(status_of(&app, "/api/v1/vocabularies", &form).await, 200);

    // Outside them, though the role coordinator may.
    lacks(
        app.post("/api/v1/projects", &form, &project_body("Nieuw"))
            .await,
        "plans:write",
    )
    .await;
    lacks(
        app.get(&report_path(&pid, "2026-Q1"), &form).await,
        "reports:read",
    )
    .await;
    let submit = format!("{}/submit", report_path(&pid, "2026-Q1"));
    lacks(post_empty(&app, &form, &submit).await, "reports:submit").await;
    lacks(app.get(EXPORT, &form).await, "exports:read").await;
    // Outside the role: the role answers, not a scope.
    let refused = problem(app.get("/api/v1/users", &form).await, 403).await;
    assert_eq!(refused["type"], "urn:mantelmonitor:problem:forbidden");
    assert!(refused.get("missing_scope").is_none(), "{refused}");

    // What was refused did not happen: one project, the report still a draft.
    let projects = crate::helpers::all_items(&app, &org.token, "/api/v1/projects").await;
    assert_eq!(projects.len(), 1);
    let (report, _) = crate::helpers::fetch(&app, &org.token, &report_path(&pid, "2026-Q1")).await;
    assert_eq!(report["state"], "draft");

    // A token with the scope submits; a viewer's token with exports:read downloads.
    let submitter = scoped(&app, &org, "coordinator", &["reports:submit"]).await;
    assert_eq!(post_empty(&app, &submitter, &submit).await.status(), 200);
    let reader = scoped(&app, &org, "viewer", &["exports:read"]).await;
    assert_eq!(status_of(&app, EXPORT, &reader).await, 200);
    lacks(app.get("/api/v1/projects", &reader).await, "plans:read").await;
}

#[tokio::test]
async fn a_token_holds_no_more_than_its_role_and_its_maker() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Sleutels").await;
    let refused = |body: Value| {
        let app = &app;
        let org = &org;
        async move {
            let response = app.post("/api/v1/api-tokens", &org.token, &body).await;
            problem(response, 422).await
        }
    };
    let with =
        |role: &str, scopes: Value| json!({"name": "Koppeling", "role": role, "scopes": scopes});

    let p = refused(with("viewer", json!(["plans:read", "plans:write"]))).await;
    assert_eq!(named_fields(&p), ["/scopes/1"], "{p}");
    assert!(p.to_string().contains("plans:write"), "{p}");
    let p = refused(with("coordinator", json!(["reports:read", "reports:read"]))).await;
    assert_eq!(named_fields(&p), ["/scopes/1"], "{p}");
    let p = refused(with("coordinator", json!(["reports:review"]))).await;
    assert_eq!(
        named_fields(&p),
        ["/scopes/0"],
        "an organisation's coordinator does not review: {p}"
    );
    let p = refused(with("coordinator", json!([]))).await;
    assert_eq!(named_fields(&p), ["/scopes"], "{p}");
    let p = refused(with("coordinator", json!(["plans:delete"]))).await;
    assert_eq!(named_fields(&p), ["/scopes/0"], "{p}");
    assert!(
        p.to_string().contains("plans:write"),
        "lists the scopes: {p}"
    );
    let listed = crate::helpers::all_items(&app, &org.token, "/api/v1/api-tokens").await;
    assert!(listed.is_empty(), "nothing stored: {listed:?}");

    // A token that manages tokens makes tokens within its own scopes.
    let keeper = scoped(&app, &org, "admin", &["plans:read", "admin"]).await;
    let maker = Tenant {
        organisation_id: org.organisation_id.clone(),
        admin_id: org.admin_id.clone(),
        admin_email: org.admin_email.clone(),
        token: keeper.clone(),
    };
    let made = scoped(&app, &maker, "viewer", &["plans:read"]).await;
    assert_eq!(status_of(&app, "/api/v1/projects", &made).await, 200);
    for (body, field) in [
        (with("viewer", json!(["reports:read"])), "/scopes/0"),
        (json!({"name": "Alles", "role": "admin"}), "/scopes"),
    ] {
        let response = app.post("/api/v1/api-tokens", &keeper, &body).await;
        let p = problem(response, 422).await;
        assert_eq!(named_fields(&p), [field], "{body}: {p}");
    }
    let tokens = crate::helpers::all_items(&app, &org.token, "/api/v1/api-tokens").await;
    let made_by_token = tokens
        .iter()
        .find(|t| t["scopes"] == json!(["plans:read"]) && t["role"] == "viewer")
        .expect("listed");
    assert!(made_by_token["created_by"].is_null(), "{made_by_token}");
    // An admin's token without the scope admin makes none.
    let reading_admin = scoped(&app, &org, "admin", &["plans:read"]).await;
    lacks(
        app.post(
            "/api/v1/api-tokens",
            &reading_admin,
            &json!({"name": "Meer", "role": "viewer"}),
        )
        .await,
        "admin",
    )
    .await;
    // Left out, the scopes are the role's; the list shows each token's.
    let (whole, _) = create_api_token(
        &app,
        &org,
        &json!({"name": "Intranet", "role": "coordinator"}),
    )
    .await;
    assert_eq!(
        whole["scopes"],
        json!([
            "plans:read",
            "plans:write",
            "reports:read",
            "reports:write",
            "reports:submit",
            "exports:read"
        ])
    );
}

#[tokio::test]
async fn a_funder_account_s_tokens_hold_the_funder_s_scopes() {
    let app = spawn_app().await;
    let (funder, _) = app.funder_account("Fonds Sleutels").await;
    let reviewer = scoped(
        &app,
        &funder,
        "reviewer",
        &["reports:read", "reports:review"],
    )
    .await;
    assert_eq!(
        status_of(&app, "/api/v1/quarterly-reports", &reviewer).await,
        200
    );
    let response = app
        .post(
            "/api/v1/api-tokens",
            &funder.token,
            &json!({"name": "Schrijven", "role": "admin", "scopes": ["plans:write"]}),
        )
        .await;
    let p = problem(response, 422).await;
    assert_eq!(
        named_fields(&p),
        ["/scopes/0"],
        "a funder account never writes plans: {p}"
    );
}

/// A token made before scopes: the row as migration 000015 left it, with a secret the
/// test knows.
#[tokio::test]
async fn a_token_made_before_scopes_keeps_every_scope_of_its_role() {
    let id = mantelmonitor::domain::ApiTokenId::generate();
    let issued = mantelmonitor::auth::api_token::issue(id);
    let hex: String = issued
        .secret_hash
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let hash = mantelmonitor::auth::password::hash(PASSWORD).expect("hash");
    let seed = format!(
        "INSERT INTO organisations (id, name) VALUES
             ('0195a000-0000-7000-8000-00000000000a', 'Steunpunt Oud');
         INSERT INTO users (id, organisation_id, email, name, password_hash, role) VALUES
             ('0195a000-0000-7000-8000-0000000000a1', '0195a000-0000-7000-8000-00000000000a',
              'admin@oud.example', 'Beheer Oud', '{hash}', 'admin');
         INSERT INTO api_tokens (id, organisation_id, name, role, secret_hash, created_by) VALUES
             ('{id}', '0195a000-0000-7000-8000-00000000000a', 'Oude koppeling', 'coordinator',
              '\\x{hex}', '0195a000-0000-7000-8000-0000000000a1');"
    );
    let app = spawn_app_migrated_from("2026-12-04-000015", &seed).await;
    let admin = app.login("admin@oud.example", PASSWORD).await;
    let token = issued.token;

    let response = app
        .post("/api/v1/projects", &token, &project_body("Oud en nieuw"))
        .await;
    assert_eq!(response.status(), 201, "it still writes plans");
    let pid = crate::helpers::id_of(&crate::helpers::json_of(response).await);
    assert_eq!(
        put_report(&app, &token, &pid, "2026-Q1").await.status(),
        201
    );
    assert_eq!(status_of(&app, EXPORT, &token).await, 200);
    problem(app.get("/api/v1/users", &token).await, 403).await;
    let listed = crate::helpers::all_items(&app, &admin, "/api/v1/api-tokens").await;
    assert_eq!(
        listed[0]["scopes"],
        json!([
            "plans:read",
            "plans:write",
            "reports:read",
            "reports:write",
            "reports:submit",
            "exports:read"
        ])
    );
    assert!(listed[0]["expires_at"].is_null(), "no expiry, as made");
}

#[tokio::test]
async fn new_tokens_live_as_long_as_configured() {
    let app = spawn_app_with(|settings| {
        settings.api_token_lifetimes.default_days = 7;
        settings.api_token_lifetimes.max_days = 30;
    })
    .await;
    let org = app.tenant("Steunpunt Termijn").await;
    let (made, _) = create_api_token(&app, &org, &json!({"name": "Kort", "role": "viewer"})).await;
    let lifetime = timestamp(&made["expires_at"]) - timestamp(&made["created_at"]);
    assert!(
        (lifetime - chrono::Duration::days(7)).num_seconds().abs() < 60,
        "{lifetime}"
    );

    let at = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
    let (made, _) = create_api_token(
        &app,
        &org,
        &json!({"name": "Maand", "role": "viewer", "expires_at": at(29)}),
    )
    .await;
    assert!(made["expires_at"].is_string());
    let response = app
        .post(
            "/api/v1/api-tokens",
            &org.token,
            &json!({"name": "Te lang", "role": "viewer", "expires_at": at(31)}),
        )
        .await;
    let p = problem(response, 422).await;
    assert_eq!(named_fields(&p), ["/expires_at"]);
    assert!(p.to_string().contains("30 days"), "{p}");
}
