//! Projects: create, read, list (paging and filters), replace, update, delete, the
//! If-Match/ETag rules, validation and who may do what.

use crate::helpers::send_without_if_match;
use crate::helpers::{TestApp, etag_of, named_fields, problem, project_body, spawn_app};
use reqwest::{Method, Response};
use serde_json::{Value, json};

const PROJECTS: &str = "/api/v1/projects";

fn project_path(id: &str) -> String {
    format!("{PROJECTS}/{id}")
}

fn id_of(project: &Value) -> String {
    project["id"].as_str().expect("project id").to_string()
}

/// A valid body with the given name and period (dates as `YYYY-MM-DD`).
fn body_in(name: &str, start: &str, end: &str) -> Value {
    json!({"name": name, "start_date": start, "end_date": end})
}

/// `project_body(name)` with some fields set (or removed, when `null` is given for a
/// required one via [`without`]).
fn body_with(name: &str, fields: Value) -> Value {
    let mut body = project_body(name);
    for (key, value) in fields.as_object().expect("object") {
        body[key] = value.clone();
    }
    body
}

fn without(mut body: Value, field: &str) -> Value {
    body.as_object_mut().unwrap().remove(field);
    body
}

async fn json_of(response: Response) -> Value {
    response.json().await.expect("json body")
}

/// GET a project: status 200, its JSON and ETag.
async fn fetch(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    let response = app.get(&project_path(id), token).await;
    assert_eq!(response.status(), 200, "GET {id}");
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

/// Every project the caller can see, following the cursors.
async fn all_projects(app: &TestApp, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let path = match &cursor {
            Some(c) => format!("{PROJECTS}?limit=200&cursor={c}"),
            None => format!("{PROJECTS}?limit=200"),
        };
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "list projects");
        let page = json_of(response).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return items,
        }
    }
    panic!("the list never ended");
}

async fn count_projects(app: &TestApp, token: &str) -> usize {
    all_projects(app, token).await.len()
}

/// Ids of the projects a filtered list returns (one page of up to 200).
async fn ids_for(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let response = app.get(&format!("{PROJECTS}?{query}"), token).await;
    assert_eq!(response.status(), 200, "list with {query}");
    let page = json_of(response).await;
    assert!(page["next_cursor"].is_null(), "one page for {query}");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(id_of)
        .collect()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

// --- create, get, list -------------------------------------------------------------

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

// --- PUT, PATCH, DELETE with If-Match ----------------------------------------------

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

// --- validation --------------------------------------------------------------------

/// POSTs `body`, expects 422 naming exactly `pointers`, and checks nothing was stored.
async fn assert_rejected(app: &TestApp, token: &str, body: &Value, pointers: &[&str]) {
    let response = app.post(PROJECTS, token, body).await;
    let problem = problem(response, 422).await;
    let mut named = named_fields(&problem);
    named.sort();
    let mut expected: Vec<String> = pointers.iter().map(|p| p.to_string()).collect();
    expected.sort();
    assert_eq!(named, expected, "for {body}");
    assert_eq!(
        problem["type"], "urn:mantelmonitor:problem:validation",
        "for {body}"
    );
    for error in problem["errors"].as_array().unwrap() {
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "every error says what is wrong: {error}"
        );
    }
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
        assert_rejected(&app, &tenant.token, &project_body(name), &["/name"]).await;
    }
}

#[tokio::test]
async fn a_name_of_201_characters_is_422_and_200_is_accepted() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let long = "ë".repeat(201);
    assert_rejected(&app, &tenant.token, &project_body(&long), &["/name"]).await;
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
    assert_rejected(&app, &tenant.token, &body, &["/end_date"]).await;
}

#[tokio::test]
async fn dates_outside_2000_to_2100_are_422_at_the_date() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_in("Te vroeg", "1999-12-31", "2026-01-01");
    assert_rejected(&app, &tenant.token, &body, &["/start_date"]).await;
    let body = body_in("Te laat", "2026-01-01", "2101-01-01");
    assert_rejected(&app, &tenant.token, &body, &["/end_date"]).await;
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
    assert_rejected(&app, &tenant.token, &body, &["/status"]).await;
    let body = body_with("Rol", json!({"organisation_role": "funder"}));
    assert_rejected(&app, &tenant.token, &body, &["/organisation_role"]).await;
}

#[tokio::test]
async fn a_wrong_type_a_missing_field_and_an_unknown_field_are_422_at_that_field() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_with("x", json!({"name": 5}));
    assert_rejected(&app, &tenant.token, &body, &["/name"]).await;
    let body = body_with("Datum", json!({"start_date": "1 januari 2026"}));
    assert_rejected(&app, &tenant.token, &body, &["/start_date"]).await;
    let body = without(project_body("Zonder start"), "start_date");
    assert_rejected(&app, &tenant.token, &body, &["/start_date"]).await;
    let body = body_with("Kleur", json!({"colour": "blue"}));
    assert_rejected(&app, &tenant.token, &body, &["/colour"]).await;
}

#[tokio::test]
async fn several_invalid_fields_are_all_reported_at_once() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let body = body_in("  ", "2026-06-01", "2026-01-01");
    assert_rejected(&app, &tenant.token, &body, &["/name", "/end_date"]).await;
    let mut body = body_in("", "1999-01-01", "2026-01-01");
    body["summary"] = json!("s".repeat(4001));
    assert_rejected(
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
            without(project_body("Zonder eind"), "end_date"),
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

// --- paging --------------------------------------------------------------------------

#[tokio::test]
async fn seven_projects_page_by_three_in_creation_order_each_exactly_once() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let mut created = Vec::new();
    for i in 1..=7 {
        let (project, _) = app
            .project(&tenant.token, &project_body(&format!("Project {i}")))
            .await;
        created.push(id_of(&project));
    }

    let walk = || async {
        let mut sizes = Vec::new();
        let mut ids = Vec::new();
        let mut cursors = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("{PROJECTS}?limit=3&cursor={c}"),
                None => format!("{PROJECTS}?limit=3"),
            };
            let response = app.get(&path, &tenant.token).await;
            assert_eq!(response.status(), 200, "{path}");
            let page = json_of(response).await;
            let items = page["items"].as_array().unwrap();
            sizes.push(items.len());
            ids.extend(items.iter().map(id_of));
            cursors.push(page["next_cursor"].clone());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
            assert!(sizes.len() < 10, "the pages never end");
        }
        (sizes, ids, cursors)
    };
    let (sizes, ids, cursors) = walk().await;
    assert_eq!(sizes, [3, 3, 1]);
    assert!(cursors[0].is_string() && cursors[1].is_string());
    assert!(cursors[2].is_null(), "no next_cursor on the last page");
    assert_eq!(ids, created, "every project once, oldest first");
    let again = walk().await;
    assert_eq!(
        again,
        (sizes, ids, cursors),
        "the same walk gives the same pages"
    );

    // A page size that divides the total: the last full page may carry a cursor,
    // but following it gives an empty page, never a repeat.
    let mut seen = Vec::new();
    let mut path = format!("{PROJECTS}?limit=7");
    loop {
        let page = json_of(app.get(&path, &tenant.token).await).await;
        seen.extend(page["items"].as_array().unwrap().iter().map(id_of));
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{PROJECTS}?limit=7&cursor={next}"),
            None => break,
        }
        assert!(seen.len() <= 7, "projects repeated: {seen:?}");
    }
    assert_eq!(seen, created);
}

#[tokio::test]
async fn a_limit_outside_1_to_200_is_422_naming_limit() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    app.project(&tenant.token, &project_body("Een")).await;
    for limit in ["0", "201", "-1", "veel"] {
        let response = app
            .get(&format!("{PROJECTS}?limit={limit}"), &tenant.token)
            .await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), ["limit"], "limit={limit}");
    }
    for limit in ["1", "200"] {
        let response = app
            .get(&format!("{PROJECTS}?limit={limit}"), &tenant.token)
            .await;
        assert_eq!(response.status(), 200, "limit={limit}");
        assert_eq!(
            json_of(response).await["items"].as_array().unwrap().len(),
            1
        );
    }
}

#[tokio::test]
async fn a_garbage_cursor_is_422_naming_cursor() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    for cursor in ["nope", "bm9wZQ", "MTIzOmFiYw", "%F0%9F%92%A9"] {
        let response = app
            .get(&format!("{PROJECTS}?cursor={cursor}"), &tenant.token)
            .await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), ["cursor"], "cursor={cursor}");
    }
}

#[tokio::test]
async fn an_unknown_query_parameter_is_422_naming_it() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let response = app
        .get(&format!("{PROJECTS}?colour=blue"), &tenant.token)
        .await;
    let body = problem(response, 422).await;
    assert_eq!(named_fields(&body), ["colour"]);
}

// --- filters -------------------------------------------------------------------------

#[tokio::test]
async fn the_status_filter_returns_only_projects_with_that_status() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let mut by_status: std::collections::HashMap<&str, Vec<String>> = Default::default();
    for (name, status) in [
        ("A", "active"),
        ("B", "draft"),
        ("C", "active"),
        ("D", "completed"),
        ("E", "cancelled"),
    ] {
        let (project, _) = app
            .project(&tenant.token, &body_with(name, json!({"status": status})))
            .await;
        by_status.entry(status).or_default().push(id_of(&project));
    }
    for status in ["active", "draft", "completed", "cancelled"] {
        let ids = ids_for(&app, &tenant.token, &format!("status={status}")).await;
        assert_eq!(ids, by_status[status], "status={status}");
    }
    let response = app
        .get(&format!("{PROJECTS}?status=paused"), &tenant.token)
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["status"]);
}

#[tokio::test]
async fn active_from_and_active_to_return_projects_whose_period_overlaps() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let mut ids = std::collections::HashMap::new();
    for year in [2024, 2026, 2028] {
        let body = body_in(
            &format!("Project {year}"),
            &format!("{year}-01-01"),
            &format!("{year}-12-31"),
        );
        let (project, _) = app.project(&tenant.token, &body).await;
        ids.insert(year, id_of(&project));
    }
    let set = |years: &[i32]| sorted(years.iter().map(|y| ids[y].clone()).collect());
    let cases: [(&str, &[i32]); 9] = [
        ("active_from=2025-01-01", &[2026, 2028]),
        ("active_from=2028-12-31", &[2028]),
        ("active_from=2029-01-01", &[]),
        ("active_to=2025-06-30", &[2024]),
        ("active_to=2024-01-01", &[2024]),
        ("active_to=2023-12-31", &[]),
        ("active_from=2026-06-01&active_to=2026-06-30", &[2026]),
        ("active_from=2024-12-31&active_to=2026-01-01", &[2024, 2026]),
        ("active_from=2025-01-01&active_to=2025-12-31", &[]),
    ];
    for (query, years) in cases {
        let found = sorted(ids_for(&app, &tenant.token, query).await);
        assert_eq!(found, set(years), "{query}");
    }
    let all = sorted(
        ids_for(
            &app,
            &tenant.token,
            "active_from=2024-06-01&active_to=2028-06-01",
        )
        .await,
    );
    assert_eq!(all, set(&[2024, 2026, 2028]));
    let combined = ids_for(&app, &tenant.token, "status=draft&active_from=2027-01-01").await;
    assert_eq!(combined, [ids[&2028].clone()], "filters combine");
}

#[tokio::test]
async fn active_to_before_active_from_is_422_naming_active_to() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let response = app
        .get(
            &format!("{PROJECTS}?active_from=2026-01-02&active_to=2026-01-01"),
            &tenant.token,
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["active_to"]);
    // The same day on both ends is a valid range.
    let response = app
        .get(
            &format!("{PROJECTS}?active_from=2026-01-01&active_to=2026-01-01"),
            &tenant.token,
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_bad_date_in_a_filter_is_422_naming_the_parameter() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    for (query, parameter) in [
        ("active_from=2026-13-01", "active_from"),
        ("active_from=gisteren", "active_from"),
        ("active_to=2026-02-30", "active_to"),
        ("active_to=", "active_to"),
    ] {
        let response = app.get(&format!("{PROJECTS}?{query}"), &tenant.token).await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), [parameter], "{query}");
    }
}

// --- roles ---------------------------------------------------------------------------

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
