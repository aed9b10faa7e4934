//! Creating a project, reading it back and listing it.

use super::*;

#[tokio::test]
async fn create_returns_201_with_location_etag_and_every_field_and_get_and_list_agree() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = json!({
        "name": "  Mantelzorg in de wijk  ",
        "summary": "Sleutelpersonen bereiken mantelzorgers",
        "rationale": "3% van de ingeschreven mantelzorgers, 38% in de wijk",
        "organisation_role": "expertise_centre",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31"
    });
    let response = app.post(PROJECTS, &tenant.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    assert_eq!(etag, "\"1\"", "a new project is version 1");
    let created = json_of(response).await;
    let id = id_of(&created);
    assert_eq!(
        uuid::Uuid::parse_str(&id).map(|u| u.to_string()),
        Ok(id.clone())
    );
    assert_eq!(location, format!("/api/v1/projects/{id}"));
    assert_eq!(
        created["name"], "Mantelzorg in de wijk",
        "the name is trimmed"
    );
    assert_eq!(created["summary"], "Sleutelpersonen bereiken mantelzorgers");
    assert_eq!(
        created["rationale"],
        "3% van de ingeschreven mantelzorgers, 38% in de wijk"
    );
    assert_eq!(created["organisation_role"], "expertise_centre");
    assert_eq!(created["start_date"], "2026-01-01");
    assert_eq!(created["end_date"], "2027-12-31");
    assert_eq!(created["status"], "draft", "status defaults to draft");
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());

    let got = app.get(&location, &tenant.token).await;
    assert_eq!(got.status(), 200);
    assert_eq!(etag_of(&got), etag, "GET gives the same ETag");
    assert_eq!(json_of(got).await, created, "GET gives what POST returned");

    let listed = app.get(PROJECTS, &tenant.token).await;
    assert_eq!(listed.status(), 200);
    let page = json_of(listed).await;
    assert_eq!(page["items"], json!([created]));
    assert!(page["next_cursor"].is_null());
}

#[tokio::test]
async fn create_keeps_an_explicit_status_and_leaves_optional_fields_null() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Zuid").await;
    let mut body = body_in("Respijtzorg", "2026-03-01", "2026-03-01");
    body["status"] = json!("active");
    let (created, etag) = app.project(&tenant.token, &body).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(created["status"], "active");
    assert_eq!(created["start_date"], "2026-03-01");
    assert_eq!(
        created["end_date"], "2026-03-01",
        "a one-day period is fine"
    );
    for field in ["summary", "rationale", "organisation_role"] {
        assert!(created[field].is_null(), "{field} is null when left out");
    }
}

#[tokio::test]
async fn an_unknown_project_id_is_404_for_get_put_patch_and_delete() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt West").await;
    let path = project_path(&uuid::Uuid::now_v7().to_string());
    let response = app.get(&path, &tenant.token).await;
    problem(response, 404).await;
    let body = project_body("Niets");
    for (method, body) in [
        (Method::PUT, Some(&body)),
        (Method::PATCH, Some(&json!({"name": "Niets"}))),
        (Method::DELETE, None),
    ] {
        let response = app
            .send_if_match(method.clone(), &path, &tenant.token, "*", body)
            .await;
        problem(response, 404).await;
    }
}
