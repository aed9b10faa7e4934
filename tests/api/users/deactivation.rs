//! Deactivating a user ends their sessions and sign-in until they are reactivated,
//! including a session from the same second.

use serde_json::json;

use crate::helpers::{PASSWORD, etag_of, problem, spawn_app};

use super::{
    create_user, get_ok, json_body, login_status, patch, start_of_a_second, status_of,
    until_next_second,
};

#[tokio::test]
async fn deactivated_users_lose_their_session_and_cannot_sign_in_until_reactivated() {
    let app = spawn_app().await;
    let org = app.tenant("Deactivation").await;
    let user = create_user(&app, &org.token, "coordinator").await;
    let old_token = app.login(&user.email, PASSWORD).await;
    assert_eq!(status_of(&app, "/api/v1/users/me", &old_token).await, 200);
    until_next_second().await;

    let path = format!("/api/v1/users/{}", user.id);
    let response = patch(
        &app,
        &path,
        &org.token,
        &user.etag,
        &json!({"active": false}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    assert_eq!(json_body(response).await["active"], false);

    problem(app.get("/api/v1/users/me", &old_token).await, 401).await;
    problem(app.get("/api/v1/projects", &old_token).await, 401).await;
    assert_eq!(login_status(&app, &user.email, PASSWORD).await, 401);
    let (listed, _) = get_ok(&app, &path, &org.token).await;
    assert_eq!(listed["active"], false);

    let response = patch(&app, &path, &org.token, &etag, &json!({"active": true})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await["active"], true);
    let new_token = app.login(&user.email, PASSWORD).await;
    let (me, _) = get_ok(&app, "/api/v1/users/me", &new_token).await;
    assert_eq!(
        (me["id"].as_str(), me["active"].as_bool()),
        (Some(user.id.as_str()), Some(true))
    );
    // Deactivation ended the old session for good.
    problem(app.get("/api/v1/users/me", &old_token).await, 401).await;
}

#[tokio::test]
async fn a_session_from_the_same_second_as_a_deactivation_stays_ended_after_reactivation() {
    let app = spawn_app().await;
    let org = app.tenant("Same second deactivation").await;
    let user = create_user(&app, &org.token, "coordinator").await;
    let path = format!("/api/v1/users/{}", user.id);
    start_of_a_second().await;
    let old_token = app.login(&user.email, PASSWORD).await;
    let off = patch(&app, &path, &org.token, "*", &json!({"active": false})).await;
    assert_eq!(off.status(), 200);
    let on = patch(&app, &path, &org.token, "*", &json!({"active": true})).await;
    assert_eq!(on.status(), 200);
    problem(app.get("/api/v1/users/me", &old_token).await, 401).await;
}
