//! Roles: coordinators and viewers are refused every admin endpoint, and only admins
//! update the organisation.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{PASSWORD, etag_of, problem, spawn_app};

use super::{
    api_token, create_user, delete, get_json, get_ok, ids, json_body, list_ids, patch, status_of,
    unique_email,
};

#[tokio::test]
async fn coordinators_and_viewers_are_refused_every_admin_endpoint() {
    let app = spawn_app().await;
    let org = app.tenant("Roles").await;
    let target = create_user(&app, &org.token, "viewer").await;
    let (token_id, token_secret) = api_token(&app, &org, "viewer").await;
    let user_path = format!("/api/v1/users/{}", target.id);
    let token_path = format!("/api/v1/api-tokens/{token_id}");

    for role in ["coordinator", "viewer"] {
        let caller = create_user(&app, &org.token, role).await;
        let token = app.login(&caller.email, PASSWORD).await;
        let self_path = format!("/api/v1/users/{}", caller.id);
        let requests = vec![
            ("GET /users", app.get("/api/v1/users", &token).await),
            (
                "POST /users",
                app.post(
                    "/api/v1/users",
                    &token,
                    &json!({"email": unique_email("sneaky"), "role": "admin", "password": PASSWORD}),
                )
                .await,
            ),
            ("GET /users/{id}", app.get(&user_path, &token).await),
            (
                "PATCH /users/{id}",
                patch(&app, &user_path, &token, "*", &json!({"name": "Hacked"})).await,
            ),
            (
                "PATCH /users/{self}",
                patch(&app, &self_path, &token, "*", &json!({"role": "admin"})).await,
            ),
            ("DELETE /users/{id}", delete(&app, &user_path, &token, "*").await),
            ("GET /api-tokens", app.get("/api/v1/api-tokens", &token).await),
            (
                "POST /api-tokens",
                app.post("/api/v1/api-tokens", &token, &json!({"name": "Mine", "role": "admin"}))
                    .await,
            ),
            ("GET /api-tokens/{id}", app.get(&token_path, &token).await),
            ("DELETE /api-tokens/{id}", delete(&app, &token_path, &token, "*").await),
        ];
        for (what, response) in requests {
            assert_eq!(response.status(), 403, "{role}: {what}");
            problem(response, 403).await;
        }

        let (me, _) = get_ok(&app, "/api/v1/users/me", &token).await;
        assert_eq!(
            (me["id"].as_str(), me["role"].as_str()),
            (Some(caller.id.as_str()), Some(role))
        );
        let (organisation, _) = get_ok(&app, "/api/v1/organisation", &token).await;
        assert_eq!(organisation["id"], org.organisation_id.as_str());
    }

    // Nothing was changed by the refused requests.
    let (after, etag) = get_ok(&app, &user_path, &org.token).await;
    assert_eq!((after, etag), (target.body, target.etag));
    let users = list_ids(&app, "/api/v1/users", &org.token).await;
    assert_eq!(
        users.len(),
        4,
        "admin, target, coordinator, viewer: {users:?}"
    );
    let tokens = get_json(&app, "/api/v1/api-tokens?limit=200", &org.token).await;
    let tokens = tokens["items"].as_array().unwrap();
    assert_eq!(ids(tokens), vec![token_id]);
    assert!(tokens[0]["revoked_at"].is_null());
    assert_eq!(
        status_of(&app, "/api/v1/projects", &token_secret).await,
        200
    );
    let (me, _) = get_ok(&app, "/api/v1/users/me", &org.token).await;
    assert_eq!(me["role"], "admin");
}

#[tokio::test]
async fn only_admins_update_the_organisation_and_only_with_if_match() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt West").await;
    let viewer = create_user(&app, &org.token, "viewer").await;
    let viewer_token = app.login(&viewer.email, PASSWORD).await;
    let coordinator = create_user(&app, &org.token, "coordinator").await;
    let coordinator_token = app.login(&coordinator.email, PASSWORD).await;

    let (before, etag) = get_ok(&app, "/api/v1/organisation", &viewer_token).await;
    assert_eq!(before["name"], "Steunpunt West");
    let change = json!({"name": "Steunpunt Mantelzorg West", "report_language": "en"});
    for token in [&viewer_token, &coordinator_token] {
        problem(
            patch(&app, "/api/v1/organisation", token, &etag, &change).await,
            403,
        )
        .await;
    }
    let response = app
        .request(Method::PATCH, "/api/v1/organisation", Some(&org.token))
        .json(&change)
        .send()
        .await
        .unwrap();
    problem(response, 428).await;
    let (unchanged, unchanged_etag) = get_ok(&app, "/api/v1/organisation", &org.token).await;
    assert_eq!((&unchanged, &unchanged_etag), (&before, &etag));

    let response = patch(&app, "/api/v1/organisation", &org.token, &etag, &change).await;
    assert_eq!(response.status(), 200);
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag);
    let updated = json_body(response).await;
    assert_eq!(updated["name"], "Steunpunt Mantelzorg West");
    assert_eq!(updated["report_language"], "en");
    assert_eq!(updated["id"], org.organisation_id.as_str());

    let (seen, seen_etag) = get_ok(&app, "/api/v1/organisation", &viewer_token).await;
    assert_eq!((seen, seen_etag), (updated, new_etag));
    problem(
        patch(
            &app,
            "/api/v1/organisation",
            &org.token,
            &etag,
            &json!({"name": "Stale"}),
        )
        .await,
        412,
    )
    .await;
}
