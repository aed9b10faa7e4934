//! Health checks, request ids, docs.

use crate::helpers::spawn_app;
use reqwest::Method;

#[tokio::test]
async fn health_checks_answer_without_a_token_and_ready_checks_the_database() {
    let app = spawn_app().await;
    for path in ["/health/live", "/health/ready"] {
        let response = app.request(Method::GET, path, None).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_sane_one_is_echoed() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/health/live", None)
        .send()
        .await
        .unwrap();
    let generated = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        uuid::Uuid::parse_str(&generated).map(|u| u.get_version_num()),
        Ok(4)
    );
    let response = app
        .request(Method::GET, "/nope", None)
        .header("X-Request-Id", "intranet-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "intranet-42");
    let response = app
        .request(Method::GET, "/health/live", None)
        .header("X-Request-Id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_ne!(response.headers()["x-request-id"], "bad id with spaces");
}

#[tokio::test]
async fn docs_are_served_from_the_binary_without_a_cdn() {
    let app = spawn_app().await;
    let response = app
        .request(Method::GET, "/docs", None)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 307);
    assert_eq!(response.headers()["location"], "/docs/");
    let page = app
        .request(Method::GET, "/docs/", None)
        .send()
        .await
        .unwrap();
    // Only this server's own assets, never framed.
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    let page = page.text().await.unwrap();
    assert!(page.contains("swagger"), "the docs page is Swagger UI");
    for cdn in ["unpkg.com", "jsdelivr", "cdnjs", "googleapis"] {
        assert!(!page.contains(cdn), "docs page links to {cdn}");
    }
    let config = app
        .request(Method::GET, "/docs/swagger-initializer.js", None)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(config.contains("/api/v1/openapi.json"));
    // Swagger UI's online validator would send the document's address to swagger.io.
    assert!(
        config.contains("\"validatorUrl\": \"none\"")
            || config.contains("\"validatorUrl\":\"none\""),
        "{config}"
    );
    let served = app
        .request(Method::GET, "/api/v1/openapi.json", None)
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(
        served.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let served: serde_json::Value = served.json().await.unwrap();
    let committed: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/openapi.json"
    )))
    .unwrap();
    assert_eq!(
        served, committed,
        "the document served is the committed one"
    );
    let bundle = app
        .request(Method::GET, "/docs/swagger-ui-bundle.js", None)
        .send()
        .await
        .unwrap();
    assert_eq!(bundle.status(), 200);
    assert!(
        bundle.bytes().await.unwrap().len() > 100_000,
        "the UI bundle is embedded"
    );
}
