//! Signing in and every way a bearer token can be wrong.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, PASSWORD, Tenant, TestApp, problem, spawn_app};

async fn claims_for(app: &TestApp, tenant: &Tenant) -> Value {
    let _ = app;
    let now = Utc::now().timestamp();
    json!({
        "sub": tenant.admin_id, "org": tenant.organisation_id, "role": "admin", "sv": 0,
        "iat": now, "nbf": now, "exp": now + 600,
        "iss": "mantelmonitor", "aud": "mantelmonitor-api", "jti": uuid::Uuid::new_v4(),
    })
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

/// Asserts 401 problem+json with a Bearer challenge.
async fn refused(app: &TestApp, authorization: Option<&str>) -> Value {
    let mut request = app.request(Method::GET, "/api/v1/projects", None);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    let response = request.send().await.unwrap();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_string());
    assert!(
        challenge
            .as_deref()
            .is_some_and(|c| c.starts_with("Bearer realm=\"mantelmonitor\"")),
        "{challenge:?}"
    );
    problem(response, 401).await
}

#[tokio::test]
async fn login_returns_a_bearer_token_that_works() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let response = app
        .request(Method::POST, "/api/v1/auth/token", None)
        .json(&json!({"email": tenant.admin_email.to_uppercase(), "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let token = body["access_token"].as_str().unwrap();
    let me: Value = app
        .get("/api/v1/users/me", token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"].as_str(), Some(tenant.admin_id.as_str()));
    assert_eq!(me["role"], "admin");
}

#[tokio::test]
async fn wrong_credentials_get_one_generic_answer() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Zuid").await;
    let mut details = Vec::new();
    for (email, password) in [
        (tenant.admin_email.as_str(), "not the password at all"),
        ("nobody@nowhere.example", PASSWORD),
        ("nul\u{0}byte@x.example", PASSWORD),
    ] {
        let response = app
            .request(Method::POST, "/api/v1/auth/token", None)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        details.push(problem(response, 401).await["detail"].clone());
    }
    assert!(details.windows(2).all(|w| w[0] == w[1]), "{details:?}");
}

#[tokio::test]
async fn every_malformed_or_foreign_token_is_refused_with_401() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt West").await;
    let claims = claims_for(&app, &tenant).await;
    // The correctly made token works, so each failure below is due to its one difference.
    let good = sign(&claims, Algorithm::HS256, JWT_SECRET.as_bytes());
    assert_eq!(app.get("/api/v1/projects", &good).await.status(), 200);

    let with = |key: &str, value: Value| {
        let mut c = claims.clone();
        c[key] = value;
        sign(&c, Algorithm::HS256, JWT_SECRET.as_bytes())
    };
    let now = Utc::now().timestamp();
    let header_none = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let cases: Vec<(&str, String)> = vec![
        ("missing header", String::new()),
        ("basic scheme", "Basic YWRtaW46YWRtaW4=".into()),
        ("empty bearer", "Bearer ".into()),
        ("garbage", "Bearer not-a-token".into()),
        ("alg none", format!("Bearer {header_none}.{payload}.")),
        (
            "other algorithm",
            format!(
                "Bearer {}",
                sign(&claims, Algorithm::HS384, JWT_SECRET.as_bytes())
            ),
        ),
        (
            "wrong key",
            format!(
                "Bearer {}",
                sign(
                    &claims,
                    Algorithm::HS256,
                    b"another-secret-another-secret-another"
                )
            ),
        ),
        (
            "expired",
            format!("Bearer {}", with("exp", json!(now - 120))),
        ),
        (
            "not yet valid",
            format!("Bearer {}", with("nbf", json!(now + 600))),
        ),
        (
            "wrong audience",
            format!("Bearer {}", with("aud", json!("someone-else"))),
        ),
        (
            "wrong issuer",
            format!("Bearer {}", with("iss", json!("https://idp.example"))),
        ),
        (
            "unknown user",
            format!("Bearer {}", with("sub", json!(uuid::Uuid::new_v4()))),
        ),
        (
            "other organisation",
            format!("Bearer {}", with("org", json!(uuid::Uuid::new_v4()))),
        ),
        ("tampered payload", {
            let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
            let mut c = claims.clone();
            c["role"] = json!("admin");
            c["sub"] = json!(uuid::Uuid::new_v4());
            parts[1] = URL_SAFE_NO_PAD.encode(c.to_string());
            format!("Bearer {}", parts.join("."))
        }),
        (
            "unknown api token",
            format!("Bearer mm_{}", URL_SAFE_NO_PAD.encode([7u8; 48])),
        ),
    ];
    for (case, value) in cases {
        let header = (!value.is_empty()).then_some(value.as_str());
        let body = refused(&app, header).await;
        assert!(!body["detail"].as_str().unwrap().is_empty(), "{case}");
    }
}

#[tokio::test]
async fn an_expired_token_names_the_reason() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Oost").await;
    let mut claims = claims_for(&app, &tenant).await;
    claims["exp"] = json!(Utc::now().timestamp() - 120);
    let body = refused(
        &app,
        Some(&format!(
            "Bearer {}",
            sign(&claims, Algorithm::HS256, JWT_SECRET.as_bytes())
        )),
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn roles_decide_what_a_signed_in_user_may_do() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Rollen").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (_, coordinator) = app.user_with_role(&tenant, "coordinator").await;
    let body = crate::helpers::project_body("Rollen");
    problem(app.post("/api/v1/projects", &viewer, &body).await, 403).await;
    assert_eq!(
        app.post("/api/v1/projects", &coordinator, &body)
            .await
            .status(),
        201
    );
    assert_eq!(app.get("/api/v1/projects", &viewer).await.status(), 200);
    problem(app.get("/api/v1/users", &coordinator).await, 403).await;
    problem(app.get("/api/v1/api-tokens", &viewer).await, 403).await;
    assert_eq!(app.get("/api/v1/users", &tenant.token).await.status(), 200);
}
