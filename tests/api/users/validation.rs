//! Creating users: email uniqueness across organisations, ignoring case, and input
//! validation (`422` naming the field, nothing stored).

use serde_json::json;

use crate::helpers::{PASSWORD, named_fields, problem, spawn_app};

use super::{
    NEW_PASSWORD, create_user_with_email, get_ok, json_body, list_ids, login_status, unique_email,
};

#[tokio::test]
async fn email_is_unique_case_insensitively_across_organisations() {
    let app = spawn_app().await;
    let a = app.tenant("Org A").await;
    let b = app.tenant("Org B").await;
    let local = format!("x-{}", uuid::Uuid::new_v4().simple());
    let lower = format!("{local}@example.org");
    let upper = format!("{}@Example.org", local.to_uppercase());
    let existing = create_user_with_email(&app, &a.token, &lower, "viewer").await;

    for tenant in [&b, &a] {
        let before = list_ids(&app, "/api/v1/users", &tenant.token).await;
        let response = app
            .post(
                "/api/v1/users",
                &tenant.token,
                &json!({"email": upper, "name": "Intruder", "role": "admin", "password": NEW_PASSWORD}),
            )
            .await;
        let conflict = problem(response, 409).await;
        assert_eq!(named_fields(&conflict), vec!["/email"]);
        assert_eq!(list_ids(&app, "/api/v1/users", &tenant.token).await, before);
    }

    assert_eq!(login_status(&app, &upper, NEW_PASSWORD).await, 401);
    let token = app.login(&upper, PASSWORD).await;
    let (me, _) = get_ok(&app, "/api/v1/users/me", &token).await;
    assert_eq!(me["id"], existing.id.as_str());
    assert_eq!(me["email"], lower.as_str());
    let (unchanged, etag) = get_ok(&app, &format!("/api/v1/users/{}", existing.id), &a.token).await;
    assert_eq!((unchanged, etag), (existing.body, existing.etag));
}

#[tokio::test]
async fn invalid_user_input_is_422_naming_the_field_and_stores_nothing() {
    let app = spawn_app().await;
    let org = app.tenant("Validation").await;
    let email = unique_email("valid");
    let cases = [
        (
            json!({"email": "not-an-email", "name": "N", "role": "viewer", "password": PASSWORD}),
            vec!["/email"],
        ),
        (
            json!({"email": "anna@localhost", "name": "N", "role": "viewer", "password": PASSWORD}),
            vec!["/email"],
        ),
        (
            json!({"email": email, "name": "N", "role": "viewer", "password": "elevenchars"}),
            vec!["/password"],
        ),
        (
            json!({"email": "nope", "name": "N", "role": "viewer", "password": "short"}),
            vec!["/email", "/password"],
        ),
        (
            json!({"email": email, "name": "N", "role": "viewer", "password": PASSWORD, "nickname": "x"}),
            vec!["/nickname"],
        ),
        (
            json!({"email": email, "name": "N", "role": "owner", "password": PASSWORD}),
            vec!["/role"],
        ),
        (
            json!({"email": email, "name": "N", "role": "viewer"}),
            vec!["/password"],
        ),
        (
            json!({"email": email, "name": "x".repeat(201), "role": "viewer", "password": PASSWORD}),
            vec!["/name"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post("/api/v1/users", &org.token, &body).await;
        let invalid = problem(response, 422).await;
        assert_eq!(named_fields(&invalid), fields, "for {body}");
        assert_eq!(
            list_ids(&app, "/api/v1/users", &org.token).await,
            vec![org.admin_id.clone()],
            "nothing stored after {body}"
        );
    }
    assert_eq!(login_status(&app, &email, PASSWORD).await, 401);
    // Twelve characters is enough, and the email was never taken.
    let response = app
        .post(
            "/api/v1/users",
            &org.token,
            &json!({"email": email, "role": "viewer", "password": "twelve chars"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(json_body(response).await["name"], "");
    assert_eq!(login_status(&app, &email, "twelve chars").await, 200);
}
