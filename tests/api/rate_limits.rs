//! Sign-in limits per client address and per account, and the optional per-token limit.

use std::time::Duration;

use mantelmonitor::config::Rate;
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, problem, spawn_app, spawn_app_with};

async fn sign_in(app: &TestApp, email: &str, password: &str, forwarded: Option<&str>) -> Response {
    let mut request = app
        .request(Method::POST, "/api/v1/auth/token", None)
        .json(&json!({"email": email, "password": password}));
    if let Some(address) = forwarded {
        request = request.header("X-Forwarded-For", address);
    }
    request.send().await.expect("sign-in request")
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

/// Everything a client sees of a refused sign-in, except the request id.
async fn answer(response: Response) -> (u16, Option<String>, Option<String>, Value) {
    let status = response.status().as_u16();
    let challenge = header(&response, "www-authenticate");
    let limit = header(&response, "ratelimit");
    (status, challenge, limit, response.json().await.unwrap())
}

/// Asserts a 429 of `policy` (`q` per `w` seconds) and returns its Retry-After.
async fn assert_limited(response: Response, policy: &str, q: u32, w: u64) -> u64 {
    let retry_after: u64 = header(&response, "retry-after")
        .expect("Retry-After")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=w).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(
        header(&response, "ratelimit-policy").as_deref(),
        Some(format!("\"{policy}\";q={q};w={w}").as_str())
    );
    assert_eq!(
        header(&response, "ratelimit").as_deref(),
        Some(format!("\"{policy}\";r=0;t={retry_after}").as_str())
    );
    let body = problem(response, 429).await;
    assert_eq!(body["type"], "urn:mantelmonitor:problem:rate-limited");
    retry_after
}

#[tokio::test]
async fn sign_in_from_one_address_gets_429_with_ratelimit_headers() {
    let app = spawn_app_with(|s| {
        s.login_rate_per_address = Some(Rate::per(3, 60));
        s.login_rate_per_account = None;
    })
    .await;
    let tenant = app.tenant("Steunpunt Adres").await; // its sign-in is the first of three
    for _ in 0..2 {
        let wrong = sign_in(&app, &tenant.admin_email, "not the password", None).await;
        problem(wrong, 401).await;
    }
    // One request comes back every 20 s; even the right password waits for it.
    let refused = sign_in(&app, &tenant.admin_email, PASSWORD, None).await;
    let retry_after = assert_limited(refused, "login-address", 3, 60).await;
    assert!(retry_after > 10, "{retry_after}");
    let other_account = sign_in(&app, "nobody@example.org", PASSWORD, None).await;
    assert_limited(other_account, "login-address", 3, 60).await;
    // Other requests from the address are not sign-ins and go on.
    assert_eq!(
        app.get("/api/v1/projects", &tenant.token).await.status(),
        200
    );
}

#[tokio::test]
async fn a_locked_account_answers_exactly_like_a_wrong_password_known_or_unknown() {
    let app = spawn_app_with(|s| {
        s.login_rate_per_account = Some(Rate::per(2, 60));
        s.login_rate_per_address = None;
    })
    .await;
    let tenant = app.tenant("Steunpunt Slot").await; // one of the account's two attempts
    let known = tenant.admin_email.clone();
    let unknown = "nobody-here@steunpunt-slot.example".to_string();
    sign_in(&app, &unknown, PASSWORD, None).await; // the same one attempt for it

    let wrong = answer(sign_in(&app, &known, "not the password", None).await).await;
    assert_eq!(wrong.0, 401);
    assert_eq!(
        wrong.2, None,
        "no RateLimit header that could tell the lock-out apart"
    );
    assert_eq!(
        answer(sign_in(&app, &unknown, "not the password", None).await).await,
        wrong
    );
    // Both are locked now: the right password, other spellings of the email, and the
    // unknown email all get exactly the wrong-password answer.
    for (email, password) in [
        (known.as_str(), PASSWORD),
        (&known.to_uppercase(), PASSWORD),
        (&format!("  {known} "), "not the password"),
        (unknown.as_str(), PASSWORD),
    ] {
        let locked = answer(sign_in(&app, email, password, None).await).await;
        assert_eq!(locked, wrong, "{email}");
    }
    // Another account is not affected.
    let (_, other_token) = app.user_with_role(&tenant, "viewer").await;
    assert_eq!(
        app.get("/api/v1/users/me", &other_token).await.status(),
        200
    );
}

#[tokio::test]
async fn the_right_password_works_again_after_the_window() {
    let app = spawn_app_with(|s| {
        s.login_rate_per_account = Some(Rate::per(1, 2));
        s.login_rate_per_address = None;
    })
    .await;
    let tenant = app.tenant("Steunpunt Venster").await; // uses the one attempt
    let locked = sign_in(&app, &tenant.admin_email, PASSWORD, None).await;
    problem(locked, 401).await;
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let again = sign_in(&app, &tenant.admin_email, PASSWORD, None).await;
    assert_eq!(again.status(), 200);
}

#[tokio::test]
async fn the_client_ip_header_counts_only_when_configured() {
    let limited = |s: &mut mantelmonitor::config::Settings| {
        s.login_rate_per_address = Some(Rate::per(2, 60));
        s.login_rate_per_account = None;
    };
    // Not configured: a client cannot dodge the limit by sending the header.
    let app = spawn_app_with(limited).await;
    for address in ["203.0.113.1", "203.0.113.2"] {
        problem(
            sign_in(&app, "a@example.org", "wrong", Some(address)).await,
            401,
        )
        .await;
    }
    let spoofed = sign_in(&app, "a@example.org", "wrong", Some("203.0.113.3")).await;
    assert_limited(spoofed, "login-address", 2, 60).await;

    // Configured: the last address in it (the one the proxy added) is the client.
    let app = spawn_app_with(|s| {
        limited(s);
        s.trusted_client_ip_header = Some("X-Forwarded-For".into());
    })
    .await;
    for forwarded in ["203.0.113.1", "198.51.100.7, 203.0.113.1"] {
        problem(
            sign_in(&app, "a@example.org", "wrong", Some(forwarded)).await,
            401,
        )
        .await;
    }
    let same_client = sign_in(
        &app,
        "a@example.org",
        "wrong",
        Some("192.0.2.1, 203.0.113.1"),
    )
    .await;
    assert_limited(same_client, "login-address", 2, 60).await;
    let other_client = sign_in(
        &app,
        "a@example.org",
        "wrong",
        Some("203.0.113.1, 203.0.113.2"),
    )
    .await;
    problem(other_client, 401).await;
    // Without the header, the proxy's own address is the key: a budget of its own.
    problem(sign_in(&app, "a@example.org", "wrong", None).await, 401).await;
}

#[tokio::test]
async fn the_per_token_limit_is_off_by_default() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Vrij").await;
    for _ in 0..40 {
        assert_eq!(
            app.get("/api/v1/projects", &tenant.token).await.status(),
            200
        );
    }
}

#[tokio::test]
async fn the_per_token_limit_counts_each_token_on_every_operation() {
    let app = spawn_app_with(|s| s.api_rate_per_token = Some(Rate::per(3, 60))).await;
    let a = app.tenant("Steunpunt Teller A").await;
    let b = app.tenant("Steunpunt Teller B").await;
    assert_eq!(app.get("/api/v1/projects", &a.token).await.status(), 200);
    assert_eq!(app.get("/api/v1/users/me", &a.token).await.status(), 200);
    let created = app
        .post(
            "/api/v1/projects",
            &a.token,
            &json!({"name": "Teller", "start_date": "2026-01-01", "end_date": "2026-12-31"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let limited = app.get("/api/v1/organisation", &a.token).await;
    assert_limited(limited, "api-token", 3, 60).await;
    // Another actor has a budget of its own; unauthenticated requests are not counted.
    assert_eq!(app.get("/api/v1/projects", &b.token).await.status(), 200);
    let anonymous = app
        .request(Method::GET, "/health/live", None)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 200);
}
