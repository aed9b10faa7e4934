//! Browsers (CORS): pages on an allowed origin (the configuration's, or one an
//! organisation's admin lists) call the API; preflights are answered for every
//! documented method with the headers the API reads; the answers expose the headers a
//! page needs; other origins get no CORS headers at all.

use reqwest::{Method, Response};
use serde_json::json;

use crate::helpers::{TestApp, json_of, named_fields, problem, spawn_app_with};

const CONFIGURED: &str = "http://intranet.example.org:8081";

async fn preflight(app: &TestApp, path: &str, origin: &str, method: &str) -> Response {
    app.client
        .request(Method::OPTIONS, app.url(path))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header(
            "Access-Control-Request-Headers",
            "authorization,content-type,if-match,idempotency-key",
        )
        .send()
        .await
        .expect("preflight")
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
}

async fn app() -> TestApp {
    spawn_app_with(|s| s.cors_origins = vec![CONFIGURED.to_string()]).await
}

#[tokio::test]
async fn a_configured_origin_gets_its_preflights_and_readable_answers() {
    let app = app().await;
    let org = app.tenant("Steunpunt Noord").await;
    for (path, method) in [
        ("/api/v1/projects", "POST"),
        (
            "/api/v1/projects/01a2425a-1d78-7406-823e-988b5c59dd72",
            "PATCH",
        ),
        ("/api/v1/organisation", "PATCH"),
        ("/api/v1/exports/quarterly-figures", "GET"),
        (
            "/api/v1/projects/01a2425a-1d78-7406-823e-988b5c59dd72/target-groups/01a2425a-1d78-7406-823e-988b5c59dd72",
            "DELETE",
        ),
    ] {
        let answer = preflight(&app, path, CONFIGURED, method).await;
        assert_eq!(answer.status(), 200, "{method} {path}");
        assert_eq!(
            header(&answer, "access-control-allow-origin").as_deref(),
            Some(CONFIGURED)
        );
        let methods = header(&answer, "access-control-allow-methods").unwrap();
        assert!(methods.contains(&method.to_ascii_lowercase()), "{methods}");
        let headers = header(&answer, "access-control-allow-headers").unwrap();
        for wanted in [
            "authorization",
            "content-type",
            "if-match",
            "if-none-match",
            "idempotency-key",
        ] {
            assert!(headers.contains(wanted), "{wanted} in {headers}");
        }
        assert!(header(&answer, "access-control-max-age").is_some());
        assert!(
            header(&answer, "access-control-allow-credentials").is_none(),
            "bearer tokens, no cookies"
        );
    }

    // The answer itself, success or problem, is readable with the headers a page needs.
    let answer = app
        .client
        .get(app.url("/api/v1/organisation"))
        .header("Origin", CONFIGURED)
        .bearer_auth(&org.token)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        header(&answer, "access-control-allow-origin").as_deref(),
        Some(CONFIGURED)
    );
    let exposed = header(&answer, "access-control-expose-headers").unwrap();
    for wanted in [
        "etag",
        "location",
        "x-request-id",
        "retry-after",
        "ratelimit",
        "content-disposition",
    ] {
        assert!(exposed.contains(wanted), "{wanted} in {exposed}");
    }
    assert!(
        header(&answer, "vary")
            .unwrap_or_default()
            .contains("origin")
    );
    let refused = app
        .client
        .get(app.url("/api/v1/organisation"))
        .header("Origin", CONFIGURED)
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&refused, "access-control-allow-origin").as_deref(),
        Some(CONFIGURED)
    );
    problem(refused, 401).await;
}

#[tokio::test]
async fn other_origins_get_no_cors_headers() {
    let app = app().await;
    let org = app.tenant("Steunpunt Noord").await;
    for origin in ["http://evil.example", "http://intranet.example.org", "null"] {
        let answer = preflight(&app, "/api/v1/projects", origin, "POST").await;
        assert!(
            header(&answer, "access-control-allow-origin").is_none(),
            "{origin}"
        );
        assert!(
            header(&answer, "access-control-allow-methods").is_none(),
            "{origin}"
        );
        assert_eq!(
            header(&answer, "content-type").as_deref(),
            Some("application/problem+json")
        );
        assert!(
            answer.status().is_client_error(),
            "{origin}: {}",
            answer.status()
        );

        // The request itself is served (a server cannot stop a non-browser client), but a
        // browser keeps the answer from the page.
        let answer = app
            .client
            .get(app.url("/api/v1/organisation"))
            .header("Origin", origin)
            .bearer_auth(&org.token)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert!(
            header(&answer, "access-control-allow-origin").is_none(),
            "{origin}"
        );
    }
}

#[tokio::test]
async fn an_admin_lists_the_organisations_own_origins() {
    let app = app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let intranet = "https://intranet.noord.nl";
    assert!(
        header(
            &preflight(&app, "/api/v1/projects", intranet, "GET").await,
            "access-control-allow-origin"
        )
        .is_none()
    );

    let change = |origins: serde_json::Value| {
        let app = &app;
        let token = org.token.clone();
        async move {
            app.send_if_match(
                Method::PATCH,
                "/api/v1/organisation",
                &token,
                "*",
                Some(&json!({"allowed_origins": origins})),
            )
            .await
        }
    };
    let response = change(json!([
        "HTTPS://Intranet.Noord.NL/",
        "https://intranet.noord.nl:443",
        "http://localhost:3000"
    ]))
    .await;
    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    assert_eq!(
        body["allowed_origins"],
        json!([intranet, "http://localhost:3000"])
    );
    assert_eq!(
        json_of(app.get("/api/v1/organisation", &org.token).await).await["allowed_origins"],
        json!([intranet, "http://localhost:3000"])
    );
    // At once, in this process.
    let answer = preflight(&app, "/api/v1/projects", intranet, "POST").await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        header(&answer, "access-control-allow-origin").as_deref(),
        Some(intranet)
    );

    for (bad, pointer) in [
        (json!(["intranet.noord.nl"]), "/allowed_origins/0"),
        (
            json!([intranet, "https://intranet.noord.nl/app"]),
            "/allowed_origins/1",
        ),
        (json!(["https://*.noord.nl"]), "/allowed_origins/0"),
        (
            json!(
                (0..21)
                    .map(|i| format!("https://a{i}.nl"))
                    .collect::<Vec<_>>()
            ),
            "/allowed_origins",
        ),
        (json!(null), "/allowed_origins"),
    ] {
        let refused = problem(change(bad.clone()).await, 422).await;
        assert!(
            named_fields(&refused).contains(&pointer.to_string()),
            "{bad}: {refused}"
        );
    }

    // Emptied: that origin is refused again.
    assert_eq!(change(json!([])).await.status(), 200);
    let answer = preflight(&app, "/api/v1/projects", intranet, "POST").await;
    assert!(header(&answer, "access-control-allow-origin").is_none());
    // Coordinators do not change it.
    let (_, coordinator) = app.user_with_role(&org, "coordinator").await;
    let refused = app
        .send_if_match(
            Method::PATCH,
            "/api/v1/organisation",
            &coordinator,
            "*",
            Some(&json!({"allowed_origins": [intranet]})),
        )
        .await;
    assert_eq!(refused.status(), 403);
}
