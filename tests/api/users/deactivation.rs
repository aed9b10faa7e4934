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

#[tokio::test]
async fn a_session_ended_behind_the_service_s_back_ends_within_a_second() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let app = spawn_app().await;
    let org = app.tenant("Elders beëindigd").await;
    let user = create_user(&app, &org.token, "coordinator").await;
    let token = app.login(&user.email, PASSWORD).await;
    assert_eq!(status_of(&app, "/api/v1/users/me", &token).await, 200);

    // Another instance of the service (or the CLI) ends the session: this one hears of
    // it only from the database.
    let mut owner = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let ended = diesel::sql_query(format!(
        "UPDATE users SET session_version = session_version + 1 WHERE id = '{}'",
        user.id
    ))
    .execute(&mut owner)
    .await
    .unwrap();
    assert_eq!(ended, 1);
    let started = std::time::Instant::now();
    let mut status = 200;
    while started.elapsed() < std::time::Duration::from_millis(1_500) {
        status = status_of(&app, "/api/v1/users/me", &token).await;
        if status == 401 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    assert_eq!(status, 401, "the ended session still works after {took:?}");
    assert!(took < std::time::Duration::from_secs(1), "took {took:?}");
}
