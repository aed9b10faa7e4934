//! The limits the OpenAPI document declares are the server's: a request one past a
//! declared limit is refused where it breaks it (`openapi_types` proves the document
//! declares a limit on every request field; these prove the ones the server gained
//! for it).

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    fetch, named_fields, new_project, problem, project_body, register_funder, spawn_app,
};

#[tokio::test]
async fn a_plan_document_section_holds_at_most_its_lines() {
    let app = spawn_app().await;
    let t = app.tenant("Grenzen").await;
    let project = new_project(&app, &t.token, "Lange plannen").await;
    let path = format!("/api/v1/projects/{project}/plan");
    let (_, etag) = fetch(&app, &t.token, &path).await;
    let put = |body: Value| {
        let (app, token, path, etag) = (&app, &t.token, &path, &etag);
        async move {
            app.send_if_match(Method::PUT, path, token, etag, Some(&body))
                .await
        }
    };
    // Ten roadmap lines: the roadmap has nine steps.
    let steps: Vec<Value> = (1..=10)
        .map(|step| json!({"step": step.min(9), "status": "in_progress"}))
        .collect();
    let refused = problem(
        put(json!({"project": project_body("Lange plannen"), "roadmap": steps})).await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/roadmap"], "{refused}");
    assert!(refused.to_string().contains("at most 9 lines"), "{refused}");

    let groups: Vec<Value> = (0..1001)
        .map(|i| json!({"name": format!("Groep {i}"), "languages": ["nl"]}))
        .collect();
    let refused = problem(
        put(json!({"project": project_body("Lange plannen"), "target_groups": groups})).await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/target_groups"], "{refused}");
    // Nothing was written: the plan is as it was.
    let (plan, unchanged) = fetch(&app, &t.token, &path).await;
    assert_eq!(unchanged, etag);
    assert_eq!(plan["target_groups"], json!([]));

    // A thousand lines are fine.
    let groups: Vec<Value> = (0..1000)
        .map(|i| json!({"name": format!("Groep {i}"), "languages": ["nl"]}))
        .collect();
    let response =
        put(json!({"project": project_body("Lange plannen"), "target_groups": groups})).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_funder_code_has_at_most_five_spaces_around_it() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Zuid").await;
    let (_, code) = app.funder_account("Gemeente Breda").await;
    let entry = register_funder(&app, &org.token, "Gemeente Breda", "municipality").await;
    let link = |typed: String| {
        let (app, token, entry) = (&app, &org.token, &entry);
        async move {
            app.post(
                "/api/v1/funder-links",
                token,
                &json!({"funder_id": entry, "funder_code": typed}),
            )
            .await
        }
    };
    // The right code with more spaces around it, or around its dash, than the schema's
    // pattern allows.
    for typed in [
        format!("{code:<15}"),
        format!("      {code}"),
        code.replacen('-', "  -  ", 1),
    ] {
        let refused = problem(link(typed.clone()).await, 422).await;
        assert_eq!(
            named_fields(&refused),
            ["/funder_code"],
            "{typed:?}: {refused}"
        );
    }
    // As typed from a letter: a tab before, spaces after, a space on either side of the dash.
    let typed = format!("\t{:<16}", code.to_lowercase().replacen('-', " - ", 1));
    assert_eq!(link(typed).await.status(), 201);
}

#[tokio::test]
async fn an_export_names_at_most_two_hundred_characters_of_states() {
    let app = spawn_app().await;
    let t = app.tenant("Exporteur").await;
    let many = vec!["submitted"; 21].join(",");
    assert!(many.len() > 200);
    let refused = problem(
        app.get(
            &format!("/api/v1/exports/quarterly-figures?states={many}"),
            &t.token,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["states"], "{refused}");
    let fewer = vec!["submitted"; 20].join(",");
    assert!(fewer.len() <= 200);
    let response = app
        .get(
            &format!("/api/v1/exports/quarterly-figures?states={fewer}"),
            &t.token,
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_figure_subject_and_value_have_their_lengths() {
    let app = spawn_app().await;
    let t = app.tenant("Cijfers").await;
    let project = new_project(&app, &t.token, "Bulk").await;
    let figure = |subject: Value, value: Value| {
        json!({"figures": [{
            "project_id": project, "quarter": "2026-Q1", "figure": "key_person_contacts",
            "subject": subject, "value": value,
        }]})
    };
    let long_subject = Value::String(format!("{}x", " ".repeat(200)));
    let refused = problem(
        app.post(
            "/api/v1/quarterly-figures",
            &t.token,
            &figure(long_subject, json!(3)),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/figures/0/subject"], "{refused}");
    let long_value = Value::String(format!("{}3", " ".repeat(20_000)));
    let refused = problem(
        app.post(
            "/api/v1/quarterly-figures",
            &t.token,
            &figure(Value::Null, long_value),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/figures/0/value"], "{refused}");
    assert!(
        refused.to_string().contains("at most 20000 characters"),
        "{refused}"
    );
    let empty = problem(
        app.post(
            "/api/v1/quarterly-figures",
            &t.token,
            &json!({"figures": []}),
        )
        .await,
        422,
    )
    .await;
    assert!(empty.to_string().contains("no figures"), "{empty}");
}

#[tokio::test]
async fn a_contact_email_counts_characters_not_bytes() {
    let app = spawn_app().await;
    let t = app.tenant("Register").await;
    // 64 characters of two bytes each: a local part of 128 bytes.
    let local = "é".repeat(64);
    let partner = |email: String| {
        json!({"name": "Moskee Oost", "category": "religious",
               "contacts": [{"name": "Imam", "email": email}]})
    };
    let response = app
        .post(
            "/api/v1/partners",
            &t.token,
            &partner(format!("{local}@moskee-oost.nl")),
        )
        .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let refused = problem(
        app.post(
            "/api/v1/partners",
            &t.token,
            &partner(format!("{local}é@moskee-oost.nl")),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/contacts/0/email"], "{refused}");
}

/// A date is `YYYY-MM-DD` exactly, as `format: date` and the pattern say: what a
/// lenient date parser would also read (`2026-1-1`, a sign, a space) is refused where it
/// is sent, in bodies, patches and query parameters alike.
#[tokio::test]
async fn a_date_is_read_only_as_the_schema_writes_it() {
    let app = spawn_app().await;
    let t = app.tenant("Datums").await;
    let words = "is not a date as the API writes it";
    for date in [
        "2026-1-1",
        "+2026-01-01",
        "2026-01-01 ",
        "2026-01-01T00:00:00",
    ] {
        let mut body = project_body("Datum");
        body["start_date"] = json!(date);
        let refused = problem(app.post("/api/v1/projects", &t.token, &body).await, 422).await;
        assert_eq!(named_fields(&refused), ["/start_date"], "{date}: {refused}");
        assert!(refused.to_string().contains(words), "{date}: {refused}");
    }
    let project = new_project(&app, &t.token, "Datum").await;
    let path = format!("/api/v1/projects/{project}");
    let (before, etag) = fetch(&app, &t.token, &path).await;
    let refused = problem(
        app.send_if_match(
            Method::PATCH,
            &path,
            &t.token,
            &etag,
            Some(&json!({"end_date": "2027-12-1"})),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/end_date"], "{refused}");
    assert_eq!(fetch(&app, &t.token, &path).await, (before, etag));

    let refused = problem(
        app.get("/api/v1/projects?active_from=2026-1-1", &t.token)
            .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["active_from"], "{refused}");
    let listed = app
        .get("/api/v1/projects?active_from=2026-01-01", &t.token)
        .await;
    assert_eq!(listed.status(), 200);
}
