//! Who may read, write and delete projects.

use super::*;

#[tokio::test]
async fn a_viewer_can_read_but_every_write_is_403_and_changes_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (created, etag) = app
        .project(&tenant.token, &project_body("Alleen lezen"))
        .await;
    let id = id_of(&created);
    let path = project_path(&id);

    let listed = app.get(PROJECTS, &viewer).await;
    assert_eq!(listed.status(), 200);
    assert_eq!(json_of(listed).await["items"], json!([created]));
    let (seen, seen_etag) = fetch(&app, &viewer, &id).await;
    assert_eq!((seen, seen_etag), (created.clone(), etag.clone()));

    let response = app
        .post(PROJECTS, &viewer, &project_body("Van de kijker"))
        .await;
    problem(response, 403).await;
    let put_body = project_body("Van de kijker");
    let patch_body = json!({"name": "Van de kijker"});
    for (method, body) in [
        (Method::PUT, Some(&put_body)),
        (Method::PATCH, Some(&patch_body)),
        (Method::DELETE, None),
    ] {
        let response = app
            .send_if_match(method.clone(), &path, &viewer, &etag, body)
            .await;
        problem(response, 403).await;
    }
    let all = all_projects(&app, &tenant.token).await;
    assert_eq!(all, [created], "nothing created, changed or deleted");
    let (_, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored_etag, etag);
}

#[tokio::test]
async fn a_viewer_gets_403_before_any_body_validation() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (created, etag) = app
        .project(&tenant.token, &project_body("Alleen lezen"))
        .await;
    let path = project_path(&id_of(&created));
    let invalid = body_in("", "2026-06-01", "2026-01-01");
    let response = app.post(PROJECTS, &viewer, &invalid).await;
    problem(response, 403).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &viewer,
            &etag,
            Some(&json!({"name": ""})),
        )
        .await;
    problem(response, 403).await;
    let response = app
        .send_if_match(Method::PUT, &path, &viewer, &etag, Some(&invalid))
        .await;
    problem(response, 403).await;
    // Bodies that cannot even be read (an unknown field, a wrong type) are 403 too: the
    // role is checked before the body is read.
    let unreadable = json!({"name": "X", "start_date": 7, "unexpected": true});
    problem(app.post(PROJECTS, &viewer, &unreadable).await, 403).await;
    for method in [Method::PUT, Method::PATCH] {
        let response = app
            .send_if_match(method.clone(), &path, &viewer, &etag, Some(&unreadable))
            .await;
        assert_eq!(response.status(), 403, "an unreadable {method} as a viewer");
        problem(response, 403).await;
    }
}

#[tokio::test]
async fn a_coordinator_can_create_replace_and_update_and_an_admin_delete() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, coordinator) = app.user_with_role(&tenant, "coordinator").await;
    let (created, etag) = app
        .project(&coordinator, &project_body("Van de coördinator"))
        .await;
    let id = id_of(&created);
    let path = project_path(&id);
    let (seen_by_admin, _) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(seen_by_admin, created, "the admin sees it too");

    let response = app
        .send_if_match(
            Method::PUT,
            &path,
            &coordinator,
            &etag,
            Some(&project_body("Vervangen")),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &etag,
            Some(&json!({"status": "active"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag = etag_of(&response);
    assert_eq!(etag, "\"3\"");
    let (stored, _) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(
        (stored["name"].as_str(), stored["status"].as_str()),
        (Some("Vervangen"), Some("active"))
    );

    // Deleting is for admins only.
    let response = app
        .send_if_match(Method::DELETE, &path, &coordinator, &etag, None)
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(count_projects(&app, &tenant.token).await, 1);
    let response = app
        .send_if_match(Method::DELETE, &path, &tenant.token, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(count_projects(&app, &tenant.token).await, 0);
}
