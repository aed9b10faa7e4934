//! Invalid project bodies are 422 at the field and store nothing.

use super::*;

/// POSTs `body`, expects 422 naming exactly `pointers`, and checks no project exists.
async fn assert_project_rejected(app: &TestApp, token: &str, body: &Value, pointers: &[&str]) {
    assert_rejected(app, token, PROJECTS, body, pointers).await;
    assert_eq!(
        count_projects(app, token).await,
        0,
        "nothing stored for {body}"
    );
}

#[tokio::test]
async fn an_empty_or_blank_name_is_422_at_name() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    for name in ["", "   ", "\t\n"] {
        assert_project_rejected(&app, &tenant.token, &project_body(name), &["/name"]).await;
    }
}

#[tokio::test]
async fn a_name_of_201_characters_is_422_and_200_is_accepted() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let long = "ë".repeat(201);
    assert_project_rejected(&app, &tenant.token, &project_body(&long), &["/name"]).await;
    let (created, _) = app
        .project(&tenant.token, &project_body(&"ë".repeat(200)))
        .await;
    assert_eq!(created["name"].as_str().unwrap().chars().count(), 200);
}

#[tokio::test]
async fn an_end_date_before_the_start_date_is_422_at_end_date() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_in("Achterstevoren", "2026-06-01", "2026-05-31");
    assert_project_rejected(&app, &tenant.token, &body, &["/end_date"]).await;
}

#[tokio::test]
async fn dates_outside_2000_to_2100_are_422_at_the_date() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_in("Te vroeg", "1999-12-31", "2026-01-01");
    assert_project_rejected(&app, &tenant.token, &body, &["/start_date"]).await;
    let body = body_in("Te laat", "2026-01-01", "2101-01-01");
    assert_project_rejected(&app, &tenant.token, &body, &["/end_date"]).await;
    let (created, _) = app
        .project(
            &tenant.token,
            &body_in("Randen", "2000-01-01", "2100-12-31"),
        )
        .await;
    assert_eq!(created["start_date"], "2000-01-01");
    assert_eq!(created["end_date"], "2100-12-31");
}

#[tokio::test]
async fn an_unknown_status_or_organisation_role_is_422_at_that_field() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_with("Status", json!({"status": "paused"}));
    assert_project_rejected(&app, &tenant.token, &body, &["/status"]).await;
    let body = body_with("Rol", json!({"organisation_role": "funder"}));
    assert_project_rejected(&app, &tenant.token, &body, &["/organisation_role"]).await;
}

#[tokio::test]
async fn a_wrong_type_a_missing_field_and_an_unknown_field_are_422_at_that_field() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_with("x", json!({"name": 5}));
    assert_project_rejected(&app, &tenant.token, &body, &["/name"]).await;
    let body = body_with("Datum", json!({"start_date": "1 januari 2026"}));
    assert_project_rejected(&app, &tenant.token, &body, &["/start_date"]).await;
    let body = without(&project_body("Zonder start"), "start_date");
    assert_project_rejected(&app, &tenant.token, &body, &["/start_date"]).await;
    let body = body_with("Kleur", json!({"colour": "blue"}));
    assert_project_rejected(&app, &tenant.token, &body, &["/colour"]).await;
}

#[tokio::test]
async fn several_invalid_fields_are_all_reported_at_once() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_in("  ", "2026-06-01", "2026-01-01");
    assert_project_rejected(&app, &tenant.token, &body, &["/name", "/end_date"]).await;
    let mut body = body_in("", "1999-01-01", "2026-01-01");
    body["summary"] = json!("s".repeat(4001));
    assert_project_rejected(
        &app,
        &tenant.token,
        &body,
        &["/name", "/summary", "/start_date"],
    )
    .await;
}

#[tokio::test]
async fn invalid_put_and_patch_bodies_are_422_and_change_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, etag) = app.project(&tenant.token, &project_body("Stabiel")).await;
    let id = id_of(&created);
    let path = project_path(&id);

    // Only end_date sent, before the stored start_date (2026-01-01).
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"end_date": "2025-12-31"})),
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["/end_date"]);

    let cases = [
        (Method::PATCH, json!({"name": " "}), "/name"),
        (Method::PATCH, json!({"status": "paused"}), "/status"),
        (Method::PATCH, json!({"colour": "blue"}), "/colour"),
        (
            Method::PUT,
            body_in("Vervangen", "2026-06-01", "2026-01-01"),
            "/end_date",
        ),
        (
            Method::PUT,
            without(&project_body("Zonder eind"), "end_date"),
            "/end_date",
        ),
    ];
    for (method, body, pointer) in cases {
        let response = app
            .send_if_match(method.clone(), &path, &tenant.token, &etag, Some(&body))
            .await;
        assert_eq!(response.status(), 422, "{method} {body}");
        assert_eq!(
            named_fields(&problem(response, 422).await),
            [pointer],
            "{method} {body}"
        );
    }
    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored, created, "nothing changed");
    assert_eq!(stored_etag, etag);
}

#[tokio::test]
async fn patch_with_null_for_a_required_field_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, etag) = app.project(&tenant.token, &project_body("Verplicht")).await;
    let id = id_of(&created);
    for (body, pointer) in [
        (json!({"name": null}), "/name"),
        (json!({"start_date": null}), "/start_date"),
        (json!({"end_date": null}), "/end_date"),
        (json!({"status": null}), "/status"),
    ] {
        let response = app
            .send_if_match(
                Method::PATCH,
                &project_path(&id),
                &tenant.token,
                &etag,
                Some(&body),
            )
            .await;
        assert_eq!(response.status(), 422, "PATCH {body}");
        assert_eq!(
            named_fields(&problem(response, 422).await),
            [pointer],
            "PATCH {body}"
        );
    }
    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored, created, "nothing changed");
    assert_eq!(stored_etag, etag);
}
