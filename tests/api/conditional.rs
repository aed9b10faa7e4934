//! Conditional reads: `If-None-Match` with the current ETag is 304 without a body, on
//! single resources (their version) and on computed answers (a weak ETag of the
//! content: lists, the summary); `HEAD` answers as `GET` without the body.

use reqwest::{Method, Response};

use crate::helpers::{TestApp, etag_of, new_project, spawn_app};

async fn get_if(app: &TestApp, path: &str, token: &str, tag: &str) -> Response {
    app.request(Method::GET, path, Some(token))
        .header("If-None-Match", tag)
        .send()
        .await
        .expect("GET")
}

#[tokio::test]
async fn the_current_etag_is_not_modified_and_another_is_the_whole_answer() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &org.token, "Mantelzorg in de wijk").await;
    let path = format!("/api/v1/projects/{pid}");
    let first = app.get(&path, &org.token).await;
    let tag = etag_of(&first);
    assert_eq!(tag, "\"1\"");

    for same in [tag.as_str(), "W/\"1\"", "\"7\", \"1\"", "*"] {
        let answer = get_if(&app, &path, &org.token, same).await;
        assert_eq!(answer.status(), 304, "{same}");
        assert_eq!(etag_of(&answer), tag);
        assert!(answer.headers().get("content-type").is_none());
        assert!(answer.bytes().await.unwrap().is_empty());
    }
    let other = get_if(&app, &path, &org.token, "\"2\"").await;
    assert_eq!(other.status(), 200);
    assert!(!other.bytes().await.unwrap().is_empty());

    // A computed answer: a weak ETag of its content, which changes with it.
    let list = app.get("/api/v1/projects", &org.token).await;
    let weak = etag_of(&list);
    assert!(weak.starts_with("W/\""), "{weak}");
    assert_eq!(
        get_if(&app, "/api/v1/projects", &org.token, &weak)
            .await
            .status(),
        304
    );
    let summary = format!("{path}/summary");
    let summary_tag = etag_of(&app.get(&summary, &org.token).await);
    assert_eq!(
        get_if(&app, &summary, &org.token, &summary_tag)
            .await
            .status(),
        304
    );
    new_project(&app, &org.token, "Respijtzorg").await;
    let changed = get_if(&app, "/api/v1/projects", &org.token, &weak).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(etag_of(&changed), weak);

    // Not a read: If-None-Match does not turn an error or a write into a 304.
    let missing = get_if(
        &app,
        "/api/v1/projects/01a2425a-1d78-7406-823e-988b5c59dd72",
        &org.token,
        "*",
    )
    .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn head_answers_as_get_without_the_body() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &org.token, "Mantelzorg in de wijk").await;
    for path in [
        format!("/api/v1/projects/{pid}"),
        "/api/v1/projects".to_string(),
        format!("/api/v1/projects/{pid}/plan"),
        "/api/v1/vocabularies".to_string(),
    ] {
        let get = app.get(&path, &org.token).await;
        let head = app
            .request(Method::HEAD, &path, Some(&org.token))
            .send()
            .await
            .expect("HEAD");
        assert_eq!(head.status(), 200, "{path}");
        assert_eq!(etag_of(&head), etag_of(&get), "{path}");
        assert_eq!(
            head.headers()["content-type"],
            get.headers()["content-type"]
        );
        assert!(head.bytes().await.unwrap().is_empty(), "{path}");
    }
    let unauthenticated = app
        .request(Method::HEAD, &format!("/api/v1/projects/{pid}"), None)
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    assert!(
        unauthenticated.bytes().await.unwrap().is_empty(),
        "a HEAD's problem has no body"
    );
    // The connection stays usable: no stray body was left on it.
    for _ in 0..3 {
        let head = app
            .request(
                Method::HEAD,
                "/api/v1/projects/not-a-uuid",
                Some(&org.token),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 404);
        assert_eq!(app.get("/api/v1/projects", &org.token).await.status(), 200);
    }
}
