//! Users through the API: creating, listing and paging, getting, updating with
//! `If-Match` (and `428`/`412` without or with a stale one), and deleting.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, Tenant, etag_of, named_fields, problem, spawn_app};

use super::{
    USER_FIELDS, all_pages, create_api_token, create_user, create_user_with_email, delete,
    field_names, get_ok, ids, json_body, list_ids, login_status, patch, set_of, status_of,
    timestamp, unique_email,
};

#[tokio::test]
async fn admin_creates_a_user_with_location_etag_and_no_password_in_the_response() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Oost").await;
    let email = unique_email("Fatma.Yilmaz");
    let response = app
        .post(
            "/api/v1/users",
            &org.token,
            &json!({"email": email, "name": "Fatma Yilmaz", "role": "coordinator", "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let etag = etag_of(&response);
    assert_eq!(etag, "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let created = json_body(response).await;
    let id = created["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "id is a UUID: {id}");
    assert_eq!(location, format!("/api/v1/users/{id}"));
    assert_eq!(field_names(&created), set_of(&USER_FIELDS));
    assert_eq!(created["email"], email.as_str(), "case is kept as given");
    assert_eq!(created["name"], "Fatma Yilmaz");
    assert_eq!(created["role"], "coordinator");
    assert_eq!(created["active"], true);
    assert_eq!(created["created_at"], created["updated_at"]);

    let (fetched, fetched_etag) = get_ok(&app, &location, &org.token).await;
    assert_eq!(fetched, created);
    assert_eq!(fetched_etag, etag);

    // The list carries no password material either (json_body checks), and the new
    // user can sign in with the password that was set.
    let listed = list_ids(&app, "/api/v1/users", &org.token).await;
    assert_eq!(listed, vec![org.admin_id.clone(), id.to_string()]);
    let token = app.login(&email, PASSWORD).await;
    let (me, _) = get_ok(&app, "/api/v1/users/me", &token).await;
    assert_eq!(me["id"], id);
    assert_eq!(me["role"], "coordinator");
}

#[tokio::test]
async fn users_list_pages_through_every_user_once_in_creation_order() {
    let app = spawn_app().await;
    let org = app.tenant("Paging").await;
    let mut expected = vec![org.admin_id.clone()];
    for role in ["viewer", "coordinator", "viewer", "admin"] {
        expected.push(create_user(&app, &org.token, role).await.id);
    }

    let (items, pages) = all_pages(&app, "/api/v1/users", &org.token, 2).await;
    assert_eq!(pages, 3, "5 users in pages of 2");
    assert_eq!(ids(&items), expected, "every user once, oldest first");
    for item in &items {
        assert_eq!(field_names(item), set_of(&USER_FIELDS));
    }
    let (again, _) = all_pages(&app, "/api/v1/users", &org.token, 2).await;
    assert_eq!(ids(&again), expected, "the order is stable");
    let (one_page, pages) = all_pages(&app, "/api/v1/users", &org.token, 5).await;
    assert_eq!((ids(&one_page), pages), (expected, 1));

    let bad_limit = problem(app.get("/api/v1/users?limit=0", &org.token).await, 422).await;
    assert_eq!(named_fields(&bad_limit), vec!["limit"]);
    let bad_cursor = problem(
        app.get("/api/v1/users?cursor=not-a-cursor", &org.token)
            .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&bad_cursor), vec!["cursor"]);
}

#[tokio::test]
async fn patch_with_if_match_changes_name_and_role_and_the_etag() {
    let app = spawn_app().await;
    let org = app.tenant("Patching").await;
    let user = create_user(&app, &org.token, "viewer").await;
    let user_token = app.login(&user.email, PASSWORD).await;
    let path = format!("/api/v1/users/{}", user.id);

    let response = patch(
        &app,
        &path,
        &org.token,
        &user.etag,
        &json!({"name": "Jan de Vries", "role": "coordinator"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    assert_eq!(etag, "\"2\"");
    assert_ne!(etag, user.etag);
    let updated = json_body(response).await;
    assert_eq!(field_names(&updated), set_of(&USER_FIELDS));
    assert_eq!(updated["name"], "Jan de Vries");
    assert_eq!(updated["role"], "coordinator");
    assert_eq!(updated["email"], user.email.as_str());
    assert_eq!(updated["active"], true);
    assert_eq!(updated["created_at"], user.body["created_at"]);
    assert!(timestamp(&updated["updated_at"]) > timestamp(&user.body["updated_at"]));

    let (fetched, fetched_etag) = get_ok(&app, &path, &org.token).await;
    assert_eq!((fetched, fetched_etag), (updated, etag));
    // The user's existing session has the new role at once.
    let (me, _) = get_ok(&app, "/api/v1/users/me", &user_token).await;
    assert_eq!(me["role"], "coordinator");
    assert_eq!(me["name"], "Jan de Vries");
}

#[tokio::test]
async fn writes_without_if_match_are_428_and_with_a_stale_one_412_and_change_nothing() {
    let app = spawn_app().await;
    let org = app.tenant("Preconditions").await;
    let user = create_user(&app, &org.token, "viewer").await;
    let path = format!("/api/v1/users/{}", user.id);

    let response = app
        .request(Method::PATCH, &path, Some(&org.token))
        .json(&json!({"name": "No precondition"}))
        .send()
        .await
        .unwrap();
    problem(response, 428).await;
    let response = app
        .request(Method::DELETE, &path, Some(&org.token))
        .send()
        .await
        .unwrap();
    problem(response, 428).await;
    let (unchanged, etag) = get_ok(&app, &path, &org.token).await;
    assert_eq!((unchanged, etag), (user.body.clone(), "\"1\"".to_string()));

    let response = patch(
        &app,
        &path,
        &org.token,
        &user.etag,
        &json!({"name": "First"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let first = json_body(response).await;

    // The ETag of version 1 is stale now.
    let response = patch(
        &app,
        &path,
        &org.token,
        &user.etag,
        &json!({"name": "Second", "role": "admin"}),
    )
    .await;
    problem(response, 412).await;
    problem(delete(&app, &path, &org.token, &user.etag).await, 412).await;
    let (after, etag) = get_ok(&app, &path, &org.token).await;
    assert_eq!(etag, "\"2\"");
    assert_eq!(after, first);
    assert_eq!(after["name"], "First");
    assert_eq!(after["role"], "viewer");
}

#[tokio::test]
async fn if_match_star_updates_whatever_the_current_version() {
    let app = spawn_app().await;
    let org = app.tenant("Star").await;
    let user = create_user(&app, &org.token, "viewer").await;
    let path = format!("/api/v1/users/{}", user.id);
    for (name, version) in [("Once", "\"2\""), ("Twice", "\"3\"")] {
        let response = patch(&app, &path, &org.token, "*", &json!({"name": name})).await;
        assert_eq!(response.status(), 200);
        assert_eq!(etag_of(&response), version);
        assert_eq!(json_body(response).await["name"], name);
    }
    let (after, etag) = get_ok(&app, &path, &org.token).await;
    assert_eq!(
        (after["name"].as_str(), etag.as_str()),
        (Some("Twice"), "\"3\"")
    );
}

#[tokio::test]
async fn deleting_a_user_with_if_match_removes_them_and_their_session() {
    let app = spawn_app().await;
    let org = app.tenant("Deleting").await;
    let user = create_user(&app, &org.token, "coordinator").await;
    let user_token = app.login(&user.email, PASSWORD).await;
    let path = format!("/api/v1/users/{}", user.id);

    let response = delete(&app, &path, &org.token, &user.etag).await;
    assert_eq!(response.status(), 204);
    assert!(response.bytes().await.unwrap().is_empty());

    problem(app.get(&path, &org.token).await, 404).await;
    assert_eq!(
        list_ids(&app, "/api/v1/users", &org.token).await,
        vec![org.admin_id.clone()]
    );
    assert_eq!(login_status(&app, &user.email, PASSWORD).await, 401);
    problem(app.get("/api/v1/users/me", &user_token).await, 401).await;
    problem(delete(&app, &path, &org.token, "*").await, 404).await;
    // The email is free again.
    create_user_with_email(&app, &org.token, &user.email, "viewer").await;
}

#[tokio::test]
async fn deleting_a_user_keeps_the_api_tokens_they_created() {
    let app = spawn_app().await;
    let org = app.tenant("Token creators").await;
    let second_admin = create_user(&app, &org.token, "admin").await;
    let second = Tenant {
        organisation_id: org.organisation_id.clone(),
        admin_id: second_admin.id.clone(),
        admin_email: second_admin.email.clone(),
        token: app.login(&second_admin.email, PASSWORD).await,
    };
    let (created, _) = create_api_token(
        &app,
        &second,
        &json!({"name": "Koppeling", "role": "viewer"}),
    )
    .await;
    assert_eq!(created["created_by"], second_admin.id.as_str());

    let path = format!("/api/v1/users/{}", second_admin.id);
    assert_eq!(
        delete(&app, &path, &org.token, &second_admin.etag)
            .await
            .status(),
        204
    );

    let token_path = format!("/api/v1/api-tokens/{}", created["id"].as_str().unwrap());
    let (token, _) = get_ok(&app, &token_path, &org.token).await;
    assert!(token["created_by"].is_null(), "{token}");
    assert!(token["revoked_at"].is_null());
    let secret = created["secret"].as_str().unwrap();
    assert_eq!(status_of(&app, "/api/v1/projects", secret).await, 200);
}
