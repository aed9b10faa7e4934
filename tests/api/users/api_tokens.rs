//! API tokens: the secret shown once, the token's role, revoking, expiry, and a
//! tampered secret.

use std::time::Duration;

use chrono::{SubsecRound, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{etag_of, named_fields, problem, project_body, spawn_app};

use super::{
    TOKEN_FIELDS, api_token, create_api_token, delete, field_names, get_json, get_ok, ids,
    json_body, list_ids, set_of, status_of, timestamp,
};

#[tokio::test]
async fn an_api_token_secret_is_shown_once_and_acts_with_the_token_role() {
    let app = spawn_app().await;
    let org = app.tenant("Tokens").await;
    let response = app
        .post(
            "/api/v1/api-tokens",
            &org.token,
            &json!({"name": "Intranet koppeling", "role": "viewer"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(etag_of(&response), "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created = json_body(response).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/api/v1/api-tokens/{id}"));
    let mut expected_fields = set_of(&TOKEN_FIELDS);
    expected_fields.insert("secret".into());
    assert_eq!(field_names(&created), expected_fields);
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("mm_") && secret.len() > 40, "{secret}");
    assert_eq!(created["name"], "Intranet koppeling");
    assert_eq!(created["role"], "viewer");
    assert_eq!(created["created_by"], org.admin_id.as_str());
    for unset in ["revoked_at", "last_used_at"] {
        assert!(created[unset].is_null(), "{unset}: {created}");
    }
    // Every scope of the role, for the default lifetime of a year.
    assert_eq!(
        created["scopes"],
        json!(["plans:read", "reports:read", "exports:read"])
    );
    let lifetime = timestamp(&created["expires_at"]) - timestamp(&created["created_at"]);
    assert!(
        (lifetime - chrono::Duration::days(365)).num_seconds().abs() < 60,
        "{lifetime}"
    );

    // Never shown again.
    let response = app.get(&location, &org.token).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains(&secret[3..]), "GET shows the secret");
    let fetched: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(field_names(&fetched), set_of(&TOKEN_FIELDS));
    let response = app.get("/api/v1/api-tokens", &org.token).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains(&secret[3..]), "the list shows the secret");
    let list: Value = serde_json::from_str(&text).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(ids(items), vec![id.clone()]);
    assert!(items[0].get("secret").is_none());

    // The secret is a bearer token with the viewer role.
    assert_eq!(status_of(&app, "/api/v1/projects", &secret).await, 200);
    let response = app
        .post(
            "/api/v1/projects",
            &secret,
            &project_body("Lotgenotencontact"),
        )
        .await;
    problem(response, 403).await;
    problem(app.get("/api/v1/users", &secret).await, 403).await;
    problem(app.get("/api/v1/api-tokens", &secret).await, 403).await;
    let (organisation, _) = get_ok(&app, "/api/v1/organisation", &secret).await;
    assert_eq!(organisation["id"], org.organisation_id.as_str());
    let projects = get_json(&app, "/api/v1/projects", &org.token).await;
    assert_eq!(
        projects["items"].as_array().map(Vec::len),
        Some(0),
        "no project was created"
    );

    let (used, _) = get_ok(&app, &location, &org.token).await;
    let last_used = timestamp(&used["last_used_at"]);
    assert!(last_used >= timestamp(&used["created_at"]) - chrono::Duration::minutes(1));
    assert!(last_used <= Utc::now() + chrono::Duration::seconds(5));
}

#[tokio::test]
async fn a_revoked_token_stops_working_and_cannot_be_revoked_twice() {
    let app = spawn_app().await;
    let org = app.tenant("Revoking").await;
    let (id, secret) = api_token(&app, &org, "admin").await;
    let path = format!("/api/v1/api-tokens/{id}");
    assert_eq!(status_of(&app, "/api/v1/users", &secret).await, 200);
    let (_, etag) = get_ok(&app, &path, &org.token).await;

    let response = app
        .request(Method::DELETE, &path, Some(&org.token))
        .send()
        .await
        .unwrap();
    problem(response, 428).await;
    problem(delete(&app, &path, &org.token, "\"7\"").await, 412).await;
    assert_eq!(
        status_of(&app, "/api/v1/users", &secret).await,
        200,
        "still works"
    );

    let response = delete(&app, &path, &org.token, &etag).await;
    assert_eq!(response.status(), 204);
    problem(app.get("/api/v1/users", &secret).await, 401).await;
    problem(app.get("/api/v1/projects", &secret).await, 401).await;

    problem(app.get(&path, &org.token).await, 404).await;
    let listed = list_ids(&app, "/api/v1/api-tokens", &org.token).await;
    assert!(listed.is_empty(), "revoked tokens are gone from the list");
    problem(delete(&app, &path, &org.token, "*").await, 404).await;
}

#[tokio::test]
async fn a_token_expiry_must_be_in_the_future_and_nothing_is_stored_otherwise() {
    let app = spawn_app().await;
    let org = app.tenant("Expiry rules").await;
    let past = (Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let far = (Utc::now() + chrono::Duration::days(3 * 365)).to_rfc3339();
    let cases = [
        (
            json!({"name": "Old", "role": "viewer", "expires_at": past}),
            vec!["/expires_at"],
        ),
        (
            json!({"name": "Far", "role": "viewer", "expires_at": far}),
            vec!["/expires_at"],
        ),
        (json!({"name": "   ", "role": "viewer"}), vec!["/name"]),
        (json!({"name": "Bad role", "role": "owner"}), vec!["/role"]),
        (
            json!({"name": "Extra", "role": "viewer", "secret": "mm_mine"}),
            vec!["/secret"],
        ),
    ];
    for (body, fields) in cases {
        let invalid = problem(app.post("/api/v1/api-tokens", &org.token, &body).await, 422).await;
        assert_eq!(named_fields(&invalid), fields, "for {body}");
        assert!(
            list_ids(&app, "/api/v1/api-tokens", &org.token)
                .await
                .is_empty(),
            "nothing stored after {body}"
        );
    }
}

#[tokio::test]
async fn a_token_stops_working_once_its_expiry_has_passed() {
    let app = spawn_app().await;
    let org = app.tenant("Expiring").await;
    let expires_at = Utc::now().trunc_subsecs(3) + chrono::Duration::seconds(3);
    let (created, _) = create_api_token(
        &app,
        &org,
        &json!({"name": "Short lived", "role": "viewer", "expires_at": expires_at.to_rfc3339()}),
    )
    .await;
    assert_eq!(timestamp(&created["expires_at"]), expires_at);
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(status_of(&app, "/api/v1/projects", secret).await, 200);

    let remaining = (expires_at - Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(remaining + Duration::from_millis(500)).await;
    problem(app.get("/api/v1/projects", secret).await, 401).await;
    let path = format!("/api/v1/api-tokens/{}", created["id"].as_str().unwrap());
    let (token, _) = get_ok(&app, &path, &org.token).await;
    assert!(token["revoked_at"].is_null(), "expired, not revoked");
}

#[tokio::test]
async fn a_tampered_secret_is_refused() {
    let app = spawn_app().await;
    let org = app.tenant("Tampering").await;
    let (_, secret) = api_token(&app, &org, "admin").await;
    let flip = |s: &str, at: usize| {
        let mut chars: Vec<char> = s.chars().collect();
        chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    let last = secret.chars().count() - 1;
    for tampered in [
        flip(&secret, last),
        flip(&secret, 5),
        format!("{secret}A"),
        secret[..last].to_string(),
        "mm_not-a-token".to_string(),
    ] {
        assert_ne!(tampered, secret);
        problem(app.get("/api/v1/users", &tampered).await, 401).await;
    }
    assert_eq!(
        status_of(&app, "/api/v1/users", &secret).await,
        200,
        "the real one works"
    );
}
