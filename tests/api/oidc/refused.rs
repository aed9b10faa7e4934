//! What a provider's token must be: signed by its key with the key's algorithm, for this
//! service's audience, in time, from a registered issuer; and an issuer's tokens never
//! map into another account. Registering checks the settings.

use base64::Engine;
use serde_json::{Value, json};

use super::{AUDIENCE, Provider, register, sign, unauthorized};
use crate::helpers::{named_fields, problem, spawn_app};

fn user() -> Value {
    json!({"sub": "u", "email": "u@steunpunt.example", "groups": ["zorg-lezers"]})
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn forged_confused_and_misaddressed_tokens_are_refused() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Streng").await;
    let provider = Provider::start(&["rsa-1", "ec-1"]).await;
    register(&app, &org, &provider, json!({})).await;
    let good = provider.token("rsa-1", user());
    assert_eq!(app.get("/api/v1/users/me", &good).await.status(), 200);
    let now = chrono::Utc::now().timestamp();

    // Signed with another key under a kid of the provider.
    let forged = sign("rsa-2", Some("rsa-1"), provider.claims(user()));
    assert!(unauthorized(&app, &forged).await.contains("signature"));
    // An ES256 signature under the RSA key's kid: the key pins RS256.
    let confused = sign("ec-1", Some("rsa-1"), provider.claims(user()));
    assert!(unauthorized(&app, &confused).await.contains("RS256"));
    // HS256 with the provider's public key as the secret: not a provider's token at all.
    let public = super::jwk("rsa-1").to_string();
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: Some("rsa-1".into()),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        },
        &provider.claims(user()),
        &jsonwebtoken::EncodingKey::from_secret(public.as_bytes()),
    )
    .unwrap();
    unauthorized(&app, &hs).await;
    // alg none.
    let none = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","kid":"rsa-1"}"#),
        b64(provider.claims(user()).to_string().as_bytes())
    );
    unauthorized(&app, &none).await;
    // Another audience, expired, not yet valid, no exp.
    for (claims, reason) in [
        (json!({"aud": "een-andere-dienst"}), "audience"),
        (json!({"exp": now - 3600, "iat": now - 7200}), "expired"),
        (json!({"nbf": now + 3600}), "not valid yet"),
    ] {
        let mut all = user();
        for (k, v) in claims.as_object().unwrap() {
            all[k] = v.clone();
        }
        let token = provider.token("rsa-1", all);
        let detail = unauthorized(&app, &token).await;
        assert!(detail.contains(reason), "{reason}: {detail}");
    }
    let mut claims = provider.claims(user());
    claims.as_object_mut().unwrap().remove("exp");
    let token = sign("rsa-1", Some("rsa-1"), claims);
    assert!(unauthorized(&app, &token).await.contains("exp"));
    // An issuer nobody registered, with a key that would verify.
    let mut claims = provider.claims(user());
    claims["iss"] = json!("https://login.onbekend.example");
    let token = sign("rsa-1", Some("rsa-1"), claims);
    assert!(unauthorized(&app, &token).await.contains("issuer"));
}

#[tokio::test]
async fn an_issuer_belongs_to_one_account_and_its_tokens_never_map_into_another() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt A").await;
    let b = app.tenant("Steunpunt B").await;
    let provider_a = Provider::start(&["rsa-1"]).await;
    let provider_b = Provider::start(&["rsa-2"]).await;
    register(&app, &a, &provider_a, json!({})).await;
    register(&app, &b, &provider_b, json!({})).await;
    // B cannot register A's issuer.
    let response = app
        .post(
            "/api/v1/identity-providers",
            &b.token,
            &json!({"name": "Ook", "issuer": provider_a.issuer, "audience": AUDIENCE, "user_claim": "email"}),
        )
        .await;
    let conflict = problem(response, 409).await;
    assert!(conflict.to_string().contains("/issuer"), "{conflict}");

    // A's admin, named by B's provider: B's account has no such user, and the address
    // belongs to A, so nobody is made.
    let token = provider_b.token(
        "rsa-2",
        json!({"sub": "x", "email": a.admin_email, "groups": ["zorg-beheer"]}),
    );
    assert!(unauthorized(&app, &token).await.contains("another account"));
    // Through A's provider, A's admin is A's admin.
    let token = provider_a.token(
        "rsa-1",
        json!({"sub": "x", "email": a.admin_email, "groups": ["zorg-beheer"]}),
    );
    let me: Value = app
        .get("/api/v1/users/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], a.admin_id.as_str());
    // B's admin cannot see A's provider.
    let listed = crate::helpers::all_items(&app, &b.token, "/api/v1/identity-providers").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["issuer"], provider_b.issuer);
}

#[tokio::test]
async fn registering_checks_the_settings_and_stores_nothing_when_one_is_wrong() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Instellingen").await;
    let base = json!({"name": "Intranet", "issuer": "https://login.example.nl/realms/zorg",
                      "audience": AUDIENCE, "user_claim": "email"});
    let with = |changes: Value| {
        let mut body = base.clone();
        for (k, v) in changes.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, fields) in [
        (
            with(json!({"issuer": "http://login.example.nl"})),
            vec!["/issuer"],
        ),
        (with(json!({"issuer": "login.example.nl"})), vec!["/issuer"]),
        (
            with(json!({"jwks_uri": "ftp://login.example.nl/keys"})),
            vec!["/jwks_uri"],
        ),
        (
            with(json!({"role_mapping": [{"value": "a", "role": "viewer"}]})),
            vec!["/roles_claim"],
        ),
        (
            with(json!({"roles_claim": "groups", "role_mapping": [
                {"value": "a", "role": "viewer"}, {"value": "a", "role": "admin"},
                {"value": "b", "role": "reviewer"}]})),
            vec!["/role_mapping/1/value", "/role_mapping/2/role"],
        ),
        (
            with(json!({"service_clients": true})),
            vec!["/service_scopes"],
        ),
        (
            with(json!({"service_clients": true, "service_scopes": ["plans:read", "plans:read"]})),
            vec!["/service_scopes/1"],
        ),
        (
            with(json!({"default_role": "reviewer"})),
            vec!["/default_role"],
        ),
    ] {
        let response = app
            .post("/api/v1/identity-providers", &org.token, &body)
            .await;
        let p = problem(response, 422).await;
        assert_eq!(named_fields(&p), fields, "{body}: {p}");
    }
    assert!(
        crate::helpers::all_items(&app, &org.token, "/api/v1/identity-providers")
            .await
            .is_empty()
    );
    // A coordinator may not register one.
    let (_, coordinator) = app.user_with_role(&org, "coordinator").await;
    problem(
        app.post("/api/v1/identity-providers", &coordinator, &base)
            .await,
        403,
    )
    .await;
    // Valid, then read back as stored.
    let response = app
        .post("/api/v1/identity-providers", &org.token, &base)
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["active"], true);
    assert_eq!(created["create_users"], false);
    assert_eq!(created["role_mapping"], json!([]));
}
