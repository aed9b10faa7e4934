//! Staff sign in with the organisation's identity provider: made just in time with the
//! mapped role, known users found by email, deactivation ends access whatever the
//! provider says, and service clients act with their scopes.

use std::sync::atomic::Ordering;

use reqwest::Method;
use serde_json::json;

use super::{Provider, register, unauthorized};
use crate::helpers::{all_items, etag_of, problem, project_body, spawn_app};

#[tokio::test]
async fn a_user_signs_in_with_the_organisation_s_provider_and_is_made_with_the_mapped_role() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Intranet").await;
    let provider = Provider::start(&["rsa-1", "ec-1", "ed-1"]).await;
    let registered = register(&app, &org, &provider, json!({})).await;
    assert_eq!(registered["issuer"], provider.issuer);
    assert!(registered["jwks_uri"].is_null(), "found through discovery");

    // First sign-in: made, a coordinator through the group.
    let token = provider.token(
        "rsa-1",
        json!({"sub": "u-1", "email": "Fatma.Yilmaz@steunpunt.example", "name": "Fatma Yilmaz",
               "groups": ["zorg-coordinatoren", "iets-anders"]}),
    );
    let response = app.get("/api/v1/users/me", &token).await;
    assert_eq!(response.status(), 200);
    let me: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        me["email"], "Fatma.Yilmaz@steunpunt.example",
        "as the provider writes it"
    );
    assert_eq!(me["name"], "Fatma Yilmaz");
    assert_eq!(me["role"], "coordinator");
    let response = app
        .post(
            "/api/v1/projects",
            &token,
            &project_body("Via het intranet"),
        )
        .await;
    assert_eq!(response.status(), 201, "a coordinator writes plans");
    assert!(provider.discovery_fetches.load(Ordering::SeqCst) >= 1);
    let users = all_items(&app, &org.token, "/api/v1/users").await;
    assert_eq!(users.len(), 2, "the admin and the user made: {users:?}");
    // Made by the provider, the user has no password here.
    let response = app
        .request(Method::POST, "/api/v1/auth/token", None)
        .json(&json!({"email": "Fatma.Yilmaz@steunpunt.example", "password": "!identity-provider"}))
        .send()
        .await
        .unwrap();
    problem(response, 401).await;

    // The same user again, now in the admins' group: the role follows the provider.
    let token = provider.token(
        "ec-1",
        json!({"sub": "u-1", "email": "fatma.yilmaz@steunpunt.example", "groups": "zorg-beheer"}),
    );
    let me: serde_json::Value = app
        .get("/api/v1/users/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin", "ES256 key, groups as one text");
    assert_eq!(
        all_items(&app, &org.token, "/api/v1/users").await.len(),
        2,
        "no second user"
    );

    // No group that maps, and no default role: refused.
    let token = provider.token(
        "ed-1",
        json!({"sub": "u-2", "email": "jan@steunpunt.example", "groups": ["iets-anders"]}),
    );
    let refused = problem(app.get("/api/v1/users/me", &token).await, 403).await;
    assert!(
        refused["detail"].as_str().unwrap().contains("groups"),
        "{refused}"
    );
    assert_eq!(
        all_items(&app, &org.token, "/api/v1/users").await.len(),
        2,
        "nobody made"
    );

    // An existing user with a password is found by email, and deactivating them ends
    // their access through the provider too.
    let (id, _) = app.user_with_role(&org, "viewer").await;
    let (user, etag) =
        crate::helpers::fetch(&app, &org.token, &format!("/api/v1/users/{id}")).await;
    let email = user["email"].as_str().unwrap().to_string();
    let token = provider.token(
        "ed-1",
        json!({"sub": "u-3", "email": email, "groups": ["zorg-lezers"]}),
    );
    let me: serde_json::Value = app
        .get("/api/v1/users/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], id.as_str(), "EdDSA key; the user who was there");
    let response = app
        .send_if_match(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            &org.token,
            &etag,
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(response.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert!(unauthorized(&app, &token).await.contains("deactivated"));
}

#[tokio::test]
async fn without_just_in_time_users_only_known_users_sign_in_and_unverified_emails_never() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Bekend").await;
    let provider = Provider::start(&["rsa-1"]).await;
    register(
        &app,
        &org,
        &provider,
        json!({"create_users": false, "roles_claim": null, "role_mapping": []}),
    )
    .await;
    let token = provider.token(
        "rsa-1",
        json!({"sub": "x", "email": "nieuw@steunpunt.example"}),
    );
    assert!(
        unauthorized(&app, &token)
            .await
            .contains("does not make users")
    );
    // The admin, known by email, keeps their own role (no roles claim configured).
    let token = provider.token("rsa-1", json!({"sub": "a", "email": org.admin_email}));
    let me: serde_json::Value = app
        .get("/api/v1/users/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin");
    let token = provider.token(
        "rsa-1",
        json!({"sub": "a", "email": org.admin_email, "email_verified": false}),
    );
    assert!(unauthorized(&app, &token).await.contains("not verified"));
}

#[tokio::test]
async fn service_clients_act_with_their_scopes_only_where_allowed() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Koppeling").await;
    let provider = Provider::start(&["rsa-1"]).await;
    let registered = register(
        &app,
        &org,
        &provider,
        json!({"service_clients": true, "service_scopes": ["reports:read", "plans:read"]}),
    )
    .await;
    assert_eq!(
        registered["service_scopes"],
        json!(["plans:read", "reports:read"])
    );
    let client = provider.token(
        "rsa-1",
        json!({"sub": "intranet-sync", "client_id": "intranet-sync", "scope": "api"}),
    );
    let response = app.get("/api/v1/projects", &client).await;
    assert_eq!(response.status(), 200);
    let refused = problem(
        app.post("/api/v1/projects", &client, &project_body("Nee"))
            .await,
        403,
    )
    .await;
    assert_eq!(refused["missing_scope"], "plans:write");

    // Switched off: the same kind of token is refused.
    let id = registered["id"].as_str().unwrap();
    let path = format!("/api/v1/identity-providers/{id}");
    let (_, etag) = crate::helpers::fetch(&app, &org.token, &path).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &org.token,
            &etag,
            Some(&json!({"service_clients": false})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_ne!(etag_of(&response), etag);
    let client = provider.token(
        "rsa-1",
        json!({"sub": "intranet-sync", "client_id": "intranet-sync"}),
    );
    assert!(
        unauthorized(&app, &client)
            .await
            .contains("service clients")
    );
}

#[tokio::test]
async fn switching_off_or_removing_a_provider_ends_its_tokens_at_once() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Uit").await;
    let provider = Provider::start(&["rsa-1"]).await;
    let registered = register(&app, &org, &provider, json!({})).await;
    let path = format!(
        "/api/v1/identity-providers/{}",
        registered["id"].as_str().unwrap()
    );
    let user = json!({"sub": "u", "email": "u@steunpunt.example", "groups": ["zorg-lezers"]});
    let token = provider.token("rsa-1", user.clone());
    assert_eq!(app.get("/api/v1/users/me", &token).await.status(), 200);

    // PUT replaces the settings, with the current ETag only.
    let (current, etag) = crate::helpers::fetch(&app, &org.token, &path).await;
    let mut off = current.clone();
    for key in ["id", "created_at", "updated_at"] {
        off.as_object_mut().unwrap().remove(key);
    }
    off["active"] = json!(false);
    let stale = app
        .send_if_match(Method::PUT, &path, &org.token, "\"999\"", Some(&off))
        .await;
    problem(stale, 412).await;
    assert_eq!(
        app.get("/api/v1/users/me", &token).await.status(),
        200,
        "still on"
    );
    let response = app
        .send_if_match(Method::PUT, &path, &org.token, &etag, Some(&off))
        .await;
    assert_eq!(response.status(), 200);
    assert!(unauthorized(&app, &token).await.contains("switched off"));

    // On again, then removed.
    let (_, etag) = crate::helpers::fetch(&app, &org.token, &path).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &org.token,
            &etag,
            Some(&json!({"active": true})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let token = provider.token("rsa-1", user.clone());
    assert_eq!(app.get("/api/v1/users/me", &token).await.status(), 200);
    let (_, etag) = crate::helpers::fetch(&app, &org.token, &path).await;
    let response = app
        .send_if_match(Method::DELETE, &path, &org.token, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(unauthorized(&app, &token).await.contains("issuer"));
    problem(app.get(&path, &org.token).await, 404).await;
    // The audit trail keeps who registered and removed it.
    let audit: serde_json::Value = app
        .get("/api/v1/audit?entity=identity_provider", &org.token)
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"created") && actions.contains(&"deleted"),
        "{actions:?}"
    );
}
