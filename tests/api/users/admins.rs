//! Admins and themselves, and the last active admin: an organisation always keeps one,
//! also when two admins deactivate each other at once.

use serde_json::json;

use crate::helpers::{PASSWORD, named_fields, problem, spawn_app};

use super::{all_pages, api_token, create_user, delete, get_ok, json_body, patch, status_of};

#[tokio::test]
async fn admins_cannot_deactivate_demote_or_delete_themselves() {
    let app = spawn_app().await;
    let org = app.tenant("Self").await;
    let (me, etag) = get_ok(&app, "/api/v1/users/me", &org.token).await;
    let path = format!("/api/v1/users/{}", org.admin_id);

    for body in [
        json!({"active": false}),
        json!({"role": "viewer"}),
        json!({"role": "coordinator", "name": "Demoted"}),
    ] {
        problem(patch(&app, &path, &org.token, &etag, &body).await, 409).await;
    }
    problem(delete(&app, &path, &org.token, &etag).await, 409).await;
    problem(delete(&app, &path, &org.token, "*").await, 409).await;

    let (after, after_etag) = get_ok(&app, "/api/v1/users/me", &org.token).await;
    assert_eq!((&after, &after_etag), (&me, &etag));
    assert_eq!(after["role"], "admin");
    assert_eq!(after["active"], true);

    // Changing one's own name (staying an active admin) is fine.
    let response = patch(
        &app,
        &path,
        &org.token,
        &etag,
        &json!({"name": "Beheerder", "role": "admin", "active": true}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await["name"], "Beheerder");
}

#[tokio::test]
async fn with_two_admins_one_can_demote_the_other() {
    let app = spawn_app().await;
    let org = app.tenant("Two admins").await;
    let other = create_user(&app, &org.token, "admin").await;
    let other_token = app.login(&other.email, PASSWORD).await;
    assert_eq!(status_of(&app, "/api/v1/users", &other_token).await, 200);

    let path = format!("/api/v1/users/{}", other.id);
    let response = patch(
        &app,
        &path,
        &org.token,
        &other.etag,
        &json!({"role": "coordinator"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_body(response).await["role"], "coordinator");

    let (me, _) = get_ok(&app, "/api/v1/users/me", &other_token).await;
    assert_eq!(me["role"], "coordinator");
    problem(app.get("/api/v1/users", &other_token).await, 403).await;
    // …and cannot promote themselves back.
    problem(
        patch(&app, &path, &other_token, "*", &json!({"role": "admin"})).await,
        403,
    )
    .await;
    let (after, _) = get_ok(&app, &path, &org.token).await;
    assert_eq!(after["role"], "coordinator");
}

#[tokio::test]
async fn the_organisation_always_keeps_an_active_admin() {
    let app = spawn_app().await;
    let org = app.tenant("Last admin").await;
    // An admin API token is not a user, so only the last-admin rule stops it.
    let (_, admin_secret) = api_token(&app, &org, "admin").await;
    let path = format!("/api/v1/users/{}", org.admin_id);
    let (before, etag) = get_ok(&app, &path, &org.token).await;

    for body in [json!({"role": "viewer"}), json!({"active": false})] {
        let conflict = problem(patch(&app, &path, &admin_secret, "*", &body).await, 409).await;
        assert_eq!(named_fields(&conflict), vec!["/role"], "for {body}");
    }
    problem(delete(&app, &path, &admin_secret, "*").await, 409).await;
    let (after, after_etag) = get_ok(&app, &path, &org.token).await;
    assert_eq!((after, after_etag), (before, etag));
    assert_eq!(status_of(&app, "/api/v1/users", &org.token).await, 200);

    // With a second admin, the first may go; then the second is the last.
    let second = create_user(&app, &org.token, "admin").await;
    let response = patch(&app, &path, &admin_secret, "*", &json!({"role": "viewer"})).await;
    assert_eq!(response.status(), 200);
    let second_path = format!("/api/v1/users/{}", second.id);
    let conflict = problem(
        patch(
            &app,
            &second_path,
            &admin_secret,
            "*",
            &json!({"active": false}),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(named_fields(&conflict), vec!["/role"]);
    problem(delete(&app, &second_path, &admin_secret, "*").await, 409).await;
    let (still, _) = get_ok(&app, &second_path, &admin_secret).await;
    assert_eq!(
        (still["role"].as_str(), still["active"].as_bool()),
        (Some("admin"), Some(true))
    );
}

#[tokio::test]
async fn two_admins_deactivating_each_other_at_once_leave_one_active_admin() {
    let app = spawn_app().await;
    let org = app.tenant("Race").await;
    let other = create_user(&app, &org.token, "admin").await;
    let other_token = app.login(&other.email, PASSWORD).await;
    let a_path = format!("/api/v1/users/{}", org.admin_id);
    let b_path = format!("/api/v1/users/{}", other.id);
    let off = json!({"active": false});

    let (a_to_b, b_to_a) = tokio::join!(
        patch(&app, &b_path, &org.token, "*", &off),
        patch(&app, &a_path, &other_token, "*", &off),
    );
    let mut statuses = [a_to_b.status().as_u16(), b_to_a.status().as_u16()];
    statuses.sort_unstable();
    assert!(
        statuses == [200, 401] || statuses == [200, 409],
        "exactly one deactivation wins: {statuses:?}"
    );
    let survivor = if a_to_b.status() == 200 {
        &org.token
    } else {
        &other_token
    };
    let (users, _) = all_pages(&app, "/api/v1/users", survivor, 10).await;
    let active_admins = users
        .iter()
        .filter(|u| u["role"] == "admin" && u["active"] == true)
        .count();
    assert_eq!(active_admins, 1);
}
