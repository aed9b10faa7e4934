//! The signed-in user (`/users/me`) and changing one's own password: the rules, and the
//! end of the old sessions.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, etag_of, named_fields, problem, spawn_app};

use super::{
    NEW_PASSWORD, USER_FIELDS, api_token, create_user, field_names, get_ok, json_body,
    login_status, set_of, start_of_a_second, status_of, until_next_second,
};

#[tokio::test]
async fn me_returns_the_signed_in_user_and_api_tokens_get_404() {
    let app = spawn_app().await;
    let org = app.tenant("Me").await;
    let response = app.get("/api/v1/users/me", &org.token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(etag_of(&response), "\"1\"");
    let me = json_body(response).await;
    assert_eq!(field_names(&me), set_of(&USER_FIELDS));
    assert_eq!(me["id"], org.admin_id.as_str());
    assert_eq!(me["email"], org.admin_email.as_str());
    assert_eq!(me["role"], "admin");
    assert_eq!(me["active"], true);

    let viewer = create_user(&app, &org.token, "viewer").await;
    let viewer_token = app.login(&viewer.email, PASSWORD).await;
    let (viewer_me, _) = get_ok(&app, "/api/v1/users/me", &viewer_token).await;
    assert_eq!(viewer_me, viewer.body);

    let (_, secret) = api_token(&app, &org, "admin").await;
    problem(app.get("/api/v1/users/me", &secret).await, 404).await;
    let response = app
        .post(
            "/api/v1/users/me/password",
            &secret,
            &json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    problem(response, 404).await;
    // Without any token: 401.
    let response = app
        .request(Method::GET, "/api/v1/users/me", None)
        .send()
        .await
        .unwrap();
    problem(response, 401).await;
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_a_long_new_one() {
    let app = spawn_app().await;
    let org = app.tenant("Password rules").await;
    let user = create_user(&app, &org.token, "viewer").await;
    let token = app.login(&user.email, PASSWORD).await;

    let cases = [
        (
            json!({"current_password": "not my password at all", "new_password": NEW_PASSWORD}),
            vec!["/current_password"],
        ),
        (
            json!({"current_password": PASSWORD, "new_password": "elevenchars"}),
            vec!["/new_password"],
        ),
        (
            json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
            vec!["/confirm"],
        ),
        (
            json!({"new_password": NEW_PASSWORD}),
            vec!["/current_password"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post("/api/v1/users/me/password", &token, &body).await;
        let invalid = problem(response, 422).await;
        assert_eq!(named_fields(&invalid), fields, "for {body}");
    }
    // Nothing changed: same version, same session, same password.
    let (me, etag) = get_ok(&app, "/api/v1/users/me", &token).await;
    assert_eq!((me, etag), (user.body, user.etag));
    assert_eq!(login_status(&app, &user.email, PASSWORD).await, 200);
    assert_eq!(login_status(&app, &user.email, NEW_PASSWORD).await, 401);
    assert_eq!(login_status(&app, &user.email, "elevenchars").await, 401);
}

#[tokio::test]
async fn a_password_change_ends_old_sessions_and_only_the_new_password_signs_in() {
    let app = spawn_app().await;
    let org = app.tenant("Password change").await;
    let user = create_user(&app, &org.token, "coordinator").await;
    let old_token = app.login(&user.email, PASSWORD).await;
    until_next_second().await;

    let response = app
        .post(
            "/api/v1/users/me/password",
            &old_token,
            &json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 204);
    assert!(response.bytes().await.unwrap().is_empty());

    problem(app.get("/api/v1/users/me", &old_token).await, 401).await;
    assert_eq!(login_status(&app, &user.email, PASSWORD).await, 401);
    let new_token = app.login(&user.email, NEW_PASSWORD).await;
    let (me, _) = get_ok(&app, "/api/v1/users/me", &new_token).await;
    assert_eq!(me["id"], user.id.as_str());
    // The admin's own session is untouched.
    assert_eq!(status_of(&app, "/api/v1/users", &org.token).await, 200);
}

#[tokio::test]
async fn a_password_change_ends_a_session_issued_in_the_same_second() {
    let app = spawn_app().await;
    let org = app.tenant("Same second password").await;
    let user = create_user(&app, &org.token, "coordinator").await;
    start_of_a_second().await;
    let old_token = app.login(&user.email, PASSWORD).await;
    let response = app
        .post(
            "/api/v1/users/me/password",
            &old_token,
            &json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 204);
    problem(app.get("/api/v1/users/me", &old_token).await, 401).await;
}
