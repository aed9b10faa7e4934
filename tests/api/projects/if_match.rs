//! PUT, PATCH and DELETE of a project with If-Match, and two clients racing.

use super::*;

#[tokio::test]
async fn put_replaces_the_whole_project_and_clears_optional_fields_left_out() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Oost").await;
    let mut body = project_body("Oorspronkelijk");
    body["rationale"] = json!("Signalen van huisartsen");
    body["status"] = json!("active");
    let (created, etag) = app.project(&tenant.token, &body).await;
    let id = id_of(&created);

    let replacement = body_in("Vervangen", "2025-06-01", "2026-05-31");
    let response = app
        .send_if_match(
            Method::PUT,
            &project_path(&id),
            &tenant.token,
            &etag,
            Some(&replacement),
        )
        .await;
    assert_eq!(response.status(), 200);
    let new_etag = etag_of(&response);
    assert_eq!(new_etag, "\"2\"");
    let replaced = json_of(response).await;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["name"], "Vervangen");
    assert_eq!(replaced["start_date"], "2025-06-01");
    assert_eq!(replaced["end_date"], "2026-05-31");
    assert!(replaced["summary"].is_null(), "summary cleared");
    assert!(replaced["rationale"].is_null(), "rationale cleared");
    assert!(replaced["organisation_role"].is_null(), "role cleared");
    assert_eq!(
        replaced["status"], "draft",
        "status left out is draft again"
    );
    assert_eq!(replaced["created_at"], created["created_at"]);

    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored, replaced);
    assert_eq!(stored_etag, new_etag);
}

#[tokio::test]
async fn patch_changes_only_the_fields_sent_and_null_clears_summary() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Centrum").await;
    let mut body = project_body("Eerst");
    body["rationale"] = json!("Wachtlijsten");
    let (created, etag) = app.project(&tenant.token, &body).await;
    let id = id_of(&created);
    let path = project_path(&id);

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"name": "Daarna", "status": "active"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert_eq!(etag2, "\"2\"");
    let patched = json_of(response).await;
    assert_eq!(patched["name"], "Daarna");
    assert_eq!(patched["status"], "active");
    for unchanged in [
        "summary",
        "rationale",
        "organisation_role",
        "start_date",
        "end_date",
        "created_at",
    ] {
        assert_eq!(patched[unchanged], created[unchanged], "{unchanged} kept");
    }

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag2,
            Some(&json!({"summary": null})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag3 = etag_of(&response);
    assert_eq!(etag3, "\"3\"");
    let cleared = json_of(response).await;
    assert!(cleared["summary"].is_null(), "null clears summary");
    assert_eq!(cleared["rationale"], "Wachtlijsten", "rationale untouched");
    assert_eq!(cleared["organisation_role"], "direct_support");
    assert_eq!(cleared["name"], "Daarna");
    assert_eq!(cleared["status"], "active");

    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored, cleared);
    assert_eq!(stored_etag, etag3);
}

#[tokio::test]
async fn writes_without_if_match_are_428_and_change_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, etag) = app.project(&tenant.token, &project_body("Vast")).await;
    let id = id_of(&created);
    let path = project_path(&id);
    let put_body = project_body("Zonder If-Match");
    let patch_body = json!({"name": "Zonder If-Match"});
    for (method, body) in [
        (Method::PUT, Some(&put_body)),
        (Method::PATCH, Some(&patch_body)),
        (Method::DELETE, None),
    ] {
        let response =
            send_without_if_match(&app, method.clone(), &path, &tenant.token, body).await;
        let body = problem(response, 428).await;
        assert!(
            body["detail"].as_str().unwrap().contains("If-Match"),
            "{method}: the detail says what to send"
        );
    }
    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored, created, "nothing changed");
    assert_eq!(stored_etag, etag);
}

#[tokio::test]
async fn writes_with_a_stale_etag_are_412_and_change_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, stale) = app
        .project(&tenant.token, &project_body("Versie een"))
        .await;
    let id = id_of(&created);
    let path = project_path(&id);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &stale,
            Some(&json!({"name": "Versie twee"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let current = etag_of(&response);
    let (before, _) = fetch(&app, &tenant.token, &id).await;

    let put_body = project_body("Overschreven");
    let patch_body = json!({"name": "Overschreven"});
    for (method, body) in [
        (Method::PUT, Some(&put_body)),
        (Method::PATCH, Some(&patch_body)),
        (Method::DELETE, None),
    ] {
        let response = app
            .send_if_match(method.clone(), &path, &tenant.token, &stale, body)
            .await;
        problem(response, 412).await;
        // A weak ETag never matches under If-Match either.
        let response = app
            .send_if_match(
                method.clone(),
                &path,
                &tenant.token,
                &format!("W/{current}"),
                body,
            )
            .await;
        problem(response, 412).await;
    }
    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored, before, "nothing changed");
    assert_eq!(stored["name"], "Versie twee");
    assert_eq!(stored_etag, current);
}

#[tokio::test]
async fn if_match_star_and_a_list_containing_the_current_etag_both_match() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, _) = app.project(&tenant.token, &project_body("Lijst")).await;
    let path = project_path(&id_of(&created));

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            "*",
            Some(&json!({"name": "Met ster"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(etag_of(&response), "\"2\"");
    assert_eq!(json_of(response).await["name"], "Met ster");

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            "\"7\", \"2\", \"9\"",
            Some(&json!({"name": "Met lijst"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(etag_of(&response), "\"3\"");
    assert_eq!(json_of(response).await["name"], "Met lijst");

    let response = app
        .send_if_match(
            Method::PUT,
            &path,
            &tenant.token,
            "\"1\", \"3\"",
            Some(&project_body("Met lijst via PUT")),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(etag_of(&response), "\"4\"");

    // A list without the current one does not match.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            "\"1\", \"2\", \"3\"",
            Some(&json!({"name": "Mis"})),
        )
        .await;
    problem(response, 412).await;

    let response = app
        .send_if_match(Method::DELETE, &path, &tenant.token, "*", None)
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(app.get(&path, &tenant.token).await.status(), 404);
}

#[tokio::test]
async fn a_malformed_if_match_is_422_naming_the_header() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, _) = app.project(&tenant.token, &project_body("Kop")).await;
    let id = id_of(&created);
    let response = app
        .send_if_match(
            Method::PATCH,
            &project_path(&id),
            &tenant.token,
            "1",
            Some(&json!({"name": "Ongeldig"})),
        )
        .await;
    let body = problem(response, 422).await;
    assert_eq!(named_fields(&body), ["If-Match"]);
    let (stored, etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(
        (stored["name"].as_str(), etag.as_str()),
        (Some("Kop"), "\"1\"")
    );
}

#[tokio::test]
async fn delete_with_if_match_is_204_then_the_project_is_gone() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, etag) = app.project(&tenant.token, &project_body("Weg")).await;
    let (other, _) = app.project(&tenant.token, &project_body("Blijft")).await;
    let path = project_path(&id_of(&created));

    let response = app
        .send_if_match(Method::DELETE, &path, &tenant.token, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "204 has no body"
    );

    problem(app.get(&path, &tenant.token).await, 404).await;
    let response = app
        .send_if_match(Method::DELETE, &path, &tenant.token, &etag, None)
        .await;
    problem(response, 404).await;
    let left: Vec<String> = all_projects(&app, &tenant.token)
        .await
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(left, [id_of(&other)], "only the deleted one is gone");
}

#[tokio::test]
async fn of_two_clients_with_the_same_etag_the_first_patch_wins_and_the_second_gets_412() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, coordinator) = app.user_with_role(&tenant, "coordinator").await;
    let (created, _) = app.project(&tenant.token, &project_body("Gedeeld")).await;
    let id = id_of(&created);
    let path = project_path(&id);
    // Both read the project.
    let (_, seen_by_admin) = fetch(&app, &tenant.token, &id).await;
    let (_, seen_by_coordinator) = fetch(&app, &coordinator, &id).await;
    assert_eq!(seen_by_admin, seen_by_coordinator);

    let first = app
        .send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &seen_by_coordinator,
            Some(&json!({"name": "Van de coördinator", "summary": "Eerste wijziging"})),
        )
        .await;
    assert_eq!(first.status(), 200);
    let second = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &seen_by_admin,
            Some(&json!({"name": "Van de beheerder"})),
        )
        .await;
    problem(second, 412).await;

    let (stored, etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored["name"], "Van de coördinator");
    assert_eq!(stored["summary"], "Eerste wijziging");
    assert_eq!(etag, "\"2\"");
}

#[tokio::test]
async fn of_two_simultaneous_patches_with_the_same_etag_exactly_one_wins() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (created, etag) = app.project(&tenant.token, &project_body("Race")).await;
    let id = id_of(&created);
    let path = project_path(&id);
    let (body_a, body_b) = (json!({"name": "A"}), json!({"name": "B"}));
    let (a, b) = tokio::join!(
        app.send_if_match(Method::PATCH, &path, &tenant.token, &etag, Some(&body_a)),
        app.send_if_match(Method::PATCH, &path, &tenant.token, &etag, Some(&body_b)),
    );
    let statuses = [a.status().as_u16(), b.status().as_u16()];
    let winner = match statuses {
        [200, 412] => "A",
        [412, 200] => "B",
        other => panic!("expected one 200 and one 412, got {other:?}"),
    };
    let (stored, stored_etag) = fetch(&app, &tenant.token, &id).await;
    assert_eq!(stored["name"], winner);
    assert_eq!(stored_etag, "\"2\"", "exactly one write happened");
}
