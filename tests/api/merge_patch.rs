//! Every PATCH takes its body as `application/merge-patch+json` (RFC 7396) and as plain
//! `application/json`, as the OpenAPI document says: the same patch has the same effect
//! under both, `null` clears an optional field, and `null` for a field the resource
//! cannot be without is a 422 naming that field, whatever the media type.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, json_of, line_path, lines_path, named_fields};
use crate::helpers::{new_project, problem, register_funder, spawn_app};

const MEDIA_TYPES: [&str; 2] = ["application/merge-patch+json", "application/json"];

/// One PATCH endpoint: a patch, where its effect shows in the answer, and a field that
/// must not be sent as `null` (`None` when the resource has no required field).
struct Case {
    path: String,
    patch: Value,
    shows: &'static str,
    expect: Value,
    required: Option<&'static str>,
}

async fn created(app: &TestApp, token: &str, collection: &str, body: Value) -> String {
    let response = app.post(collection, token, &body).await;
    let status = response.status();
    let answer = json_of(response).await;
    assert_eq!(status, 201, "POST {collection} {body}: {answer}");
    id_of(&answer)
}

async fn send(
    app: &TestApp,
    token: &str,
    path: &str,
    media_type: &str,
    body: &Value,
) -> reqwest::Response {
    send_if(app, token, path, media_type, body, "*").await
}

async fn send_if(
    app: &TestApp,
    token: &str,
    path: &str,
    media_type: &str,
    body: &Value,
    if_match: &str,
) -> reqwest::Response {
    app.request(Method::PATCH, path, Some(token))
        .header("If-Match", if_match)
        .header("Content-Type", media_type)
        .body(body.to_string())
        .send()
        .await
        .expect("request")
}

/// A project with a line in every part, a partner, a report, and a second user: one
/// PATCH case for each.
async fn cases(app: &TestApp, token: &str) -> Vec<Case> {
    let pid = new_project(app, token, "Mantelzorg in Oost").await;
    let funder = register_funder(app, token, "Fonds Mantelzorg", "fund").await;
    let part = |segment: &str, id: &str| line_path(&pid, segment, id);
    let group = created(
        app,
        token,
        &lines_path(&pid, "target-groups"),
        json!({"name": "Turks-Nederlandse mantelzorgers", "description": "In Oost", "languages": ["tr"]}),
    )
    .await;
    let hours = created(
        app,
        token,
        &lines_path(&pid, "hours"),
        json!({"activity": "outreach", "quarter": "2026-Q1", "hours": "120.50", "hourly_rate": "45.00", "notes": "Twee sleutelpersonen"}),
    )
    .await;
    let line = created(
        app,
        token,
        &lines_path(&pid, "budget-lines"),
        json!({"category": "communication", "description": "Flyers", "amount": "1500"}),
    )
    .await;
    let translation = created(
        app,
        token,
        &lines_path(&pid, "translation-costs"),
        json!({"item": "Flyer", "source_language": "nl", "target_languages": ["tr"], "unit": "words", "quantity": "800", "unit_price": "0.12"}),
    )
    .await;
    let fund = created(
        app,
        token,
        &lines_path(&pid, "fund-applications"),
        json!({"funder_id": funder, "amount_requested": "5000"}),
    )
    .await;
    let target = created(
        app,
        token,
        &lines_path(&pid, "targets"),
        json!({"theme": "reach", "target_group_id": group, "planned": "25"}),
    )
    .await;
    let moment = created(
        app,
        token,
        &lines_path(&pid, "evaluation-moments"),
        json!({"planned_on": "2026-12-15", "subject": "Evaluatie"}),
    )
    .await;
    let partner = created(
        app,
        token,
        "/api/v1/partners",
        json!({"name": "Moskee Ulu Camii", "category": "religious", "notes": "Vrouwengroep op dinsdag"}),
    )
    .await;
    let link = created(
        app,
        token,
        &lines_path(&pid, "partners"),
        json!({"partner_id": partner, "functions": ["referrer"], "current_level": "in_contact", "desired_level": "collaborate"}),
    )
    .await;
    let report = format!("/api/v1/projects/{pid}/quarterly-reports/2026-Q1");
    let response = app
        .request(Method::PUT, &report, Some(token))
        .json(&json!({"narrative": {"developments": "Eerste kwartaal"}}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201, "PUT {report}");
    let user = created(
        app,
        token,
        "/api/v1/users",
        json!({"email": format!("c-{}@example.org", uuid::Uuid::new_v4().simple()), "name": "Coördinator", "role": "coordinator", "password": crate::helpers::PASSWORD}),
    )
    .await;
    let case = |path: String, patch: Value, shows, expect, required| Case {
        path,
        patch,
        shows,
        expect,
        required,
    };
    vec![
        case(
            part("target-groups", &group),
            json!({"description": null, "languages": ["ar"]}),
            "/description",
            Value::Null,
            Some("name"),
        ),
        case(
            part("hours", &hours),
            json!({"notes": null}),
            "/notes",
            Value::Null,
            Some("activity"),
        ),
        case(
            part("budget-lines", &line),
            json!({"description": "Folders"}),
            "/description",
            json!("Folders"),
            Some("amount"),
        ),
        case(
            part("translation-costs", &translation),
            json!({"item": "Folder"}),
            "/item",
            json!("Folder"),
            Some("unit"),
        ),
        case(
            part("fund-applications", &fund),
            json!({"programme": "Welzijn 2026"}),
            "/programme",
            json!("Welzijn 2026"),
            Some("funder_id"),
        ),
        case(
            part("targets", &target),
            json!({"notes": "Via sleutelpersonen"}),
            "/notes",
            json!("Via sleutelpersonen"),
            Some("planned"),
        ),
        case(
            part("evaluation-moments", &moment),
            json!({"subject": "Tussentijds"}),
            "/subject",
            json!("Tussentijds"),
            Some("planned_on"),
        ),
        case(
            part("roadmap", "1"),
            json!({"notes": "Gestart"}),
            "/notes",
            json!("Gestart"),
            Some("status"),
        ),
        case(
            format!("/api/v1/partners/{partner}"),
            json!({"notes": null}),
            "/notes",
            Value::Null,
            Some("category"),
        ),
        case(
            part("partners", &link),
            json!({"notes": "Via de imam"}),
            "/notes",
            json!("Via de imam"),
            Some("current_level"),
        ),
        case(
            report,
            json!({"narrative": {"obstacles": "Weinig tijd"}}),
            "/narrative/obstacles",
            json!("Weinig tijd"),
            None,
        ),
        case(
            format!("/api/v1/projects/{pid}"),
            json!({"summary": null}),
            "/summary",
            Value::Null,
            Some("name"),
        ),
        case(
            "/api/v1/organisation".into(),
            json!({"report_due_days": 30}),
            "/report_due_days",
            json!(30),
            Some("name"),
        ),
        case(
            format!("/api/v1/users/{user}"),
            json!({"name": "Coördinator Oost"}),
            "/name",
            json!("Coördinator Oost"),
            Some("active"),
        ),
    ]
}

#[tokio::test]
async fn every_patch_takes_merge_patch_json_and_plain_json_alike() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Oost").await;
    for case in cases(&app, &a.token).await {
        for media_type in MEDIA_TYPES {
            let response = send(&app, &a.token, &case.path, media_type, &case.patch).await;
            let status = response.status();
            let body = json_of(response).await;
            assert_eq!(status, 200, "PATCH {} as {media_type}: {body}", case.path);
            assert_eq!(
                body.pointer(case.shows).cloned().unwrap_or(Value::Null),
                case.expect,
                "PATCH {} as {media_type}: {}",
                case.path,
                case.shows
            );
        }
    }
}

#[tokio::test]
async fn null_for_a_field_a_resource_cannot_be_without_is_422_under_both_media_types() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt West").await;
    for case in cases(&app, &a.token).await {
        let Some(field) = case.required else {
            continue;
        };
        for media_type in MEDIA_TYPES {
            let response = send(
                &app,
                &a.token,
                &case.path,
                media_type,
                &json!({ field: null }),
            )
            .await;
            let problem = problem(response, 422).await;
            assert_eq!(
                named_fields(&problem),
                [format!("/{field}")],
                "PATCH {} {field}: null as {media_type}: {problem}",
                case.path
            );
        }
    }
}

/// Removing a field that does not exist would change nothing under RFC 7396, but a
/// misspelt `null` is a mistake to point out, not to ignore: 422 naming the field, also
/// when the ETag sent is stale (an invalid body is invalid whatever it was based on).
#[tokio::test]
async fn null_for_an_unknown_field_is_422_naming_it_even_with_a_stale_etag() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Noord").await;
    for case in cases(&app, &a.token).await {
        for (field, if_match) in [("nmae", "*"), ("", "\"999\"")] {
            let response = send_if(
                &app,
                &a.token,
                &case.path,
                "application/merge-patch+json",
                &json!({ field: null }),
                if_match,
            )
            .await;
            let problem = problem(response, 422).await;
            assert_eq!(
                named_fields(&problem),
                [format!("/{field}")],
                "PATCH {} {{{field:?}: null}} If-Match {if_match}: {problem}",
                case.path
            );
        }
    }
}

#[tokio::test]
async fn a_patch_that_is_not_json_is_refused_with_415() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Zuid").await;
    let response = send(
        &app,
        &a.token,
        "/api/v1/organisation",
        "text/plain",
        &json!({"report_due_days": 30}),
    )
    .await;
    problem(response, 415).await;
}
