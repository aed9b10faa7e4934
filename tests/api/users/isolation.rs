//! Tenant isolation: another organisation cannot see or touch users or API tokens.

use serde_json::json;

use crate::helpers::{PASSWORD, problem, spawn_app};

use super::{
    api_token, create_api_token, create_user, delete, get_ok, list_ids, login_status, patch,
    status_of,
};

#[tokio::test]
async fn another_organisation_cannot_see_or_touch_users_or_tokens() {
    let app = spawn_app().await;
    let a = app.tenant("Org A").await;
    let b = app.tenant("Org B").await;
    let user = create_user(&app, &a.token, "viewer").await;
    let (created_token, token_etag) =
        create_api_token(&app, &a, &json!({"name": "A koppeling", "role": "viewer"})).await;
    let token_id = created_token["id"].as_str().unwrap();
    let token_secret = created_token["secret"].as_str().unwrap();
    let user_path = format!("/api/v1/users/{}", user.id);
    let token_path = format!("/api/v1/api-tokens/{token_id}");

    problem(app.get(&user_path, &b.token).await, 404).await;
    problem(
        patch(
            &app,
            &user_path,
            &b.token,
            "*",
            &json!({"name": "Hijacked", "role": "admin", "active": false}),
        )
        .await,
        404,
    )
    .await;
    problem(delete(&app, &user_path, &b.token, "*").await, 404).await;
    problem(app.get(&token_path, &b.token).await, 404).await;
    problem(delete(&app, &token_path, &b.token, "*").await, 404).await;
    // Nor with an admin API token of B's.
    let (_, b_secret) = api_token(&app, &b, "admin").await;
    problem(app.get(&user_path, &b_secret).await, 404).await;
    problem(delete(&app, &token_path, &b_secret, "*").await, 404).await;
    // And A cannot reach B's admin either.
    problem(
        app.get(&format!("/api/v1/users/{}", b.admin_id), &a.token)
            .await,
        404,
    )
    .await;

    assert_eq!(
        list_ids(&app, "/api/v1/users", &b.token).await,
        vec![b.admin_id.clone()]
    );
    let b_tokens = list_ids(&app, "/api/v1/api-tokens", &b.token).await;
    assert_eq!(b_tokens.len(), 1);
    assert!(!b_tokens.contains(&token_id.to_string()));

    let (after, etag) = get_ok(&app, &user_path, &a.token).await;
    assert_eq!((after, etag), (user.body, user.etag));
    assert_eq!(login_status(&app, &user.email, PASSWORD).await, 200);
    let (token_after, token_etag_after) = get_ok(&app, &token_path, &a.token).await;
    assert_eq!(token_etag_after, token_etag);
    assert!(token_after["revoked_at"].is_null());
    assert_eq!(token_after["name"], "A koppeling");
    assert_eq!(status_of(&app, "/api/v1/projects", token_secret).await, 200);
    assert_eq!(
        list_ids(&app, "/api/v1/users", &a.token).await,
        vec![a.admin_id.clone(), user.id.clone()]
    );
}
