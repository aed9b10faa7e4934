//! `GET /api/v1/vocabularies`: every closed list of values with its labels, the same
//! values the OpenAPI document's enums list.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{json_of, problem, spawn_app};

fn terms<'a>(body: &'a Value, name: &str) -> &'a Vec<Value> {
    body["vocabularies"][name]
        .as_array()
        .unwrap_or_else(|| panic!("no vocabulary {name}: {body}"))
}

fn label<'a>(body: &'a Value, name: &str, value: &str) -> &'a str {
    terms(body, name)
        .iter()
        .find(|t| t["value"] == value)
        .and_then(|t| t["label"].as_str())
        .unwrap_or_else(|| panic!("no {value} in {name}"))
}

#[tokio::test]
async fn every_vocabulary_is_served_with_the_values_of_its_schema() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let nl = json_of(app.get("/api/v1/vocabularies?lang=nl", &org.token).await).await;
    assert_eq!(nl["lang"], "nl");
    assert_eq!(
        label(&nl, "activity", "key_person_meetings"),
        "Gesprekken met sleutelpersonen"
    );
    assert_eq!(label(&nl, "ladder_level", "work_as_one"), "Werken als één");
    assert_eq!(label(&nl, "report_state", "returned"), "Teruggestuurd");
    assert_eq!(
        label(&nl, "figure", "reach_new"),
        "Nieuw bereikte mantelzorgers"
    );
    let en = json_of(app.get("/api/v1/vocabularies?lang=en", &org.token).await).await;
    assert_eq!(
        label(&en, "funder_kind", "health_insurer_or_care_office"),
        "Health insurer or care office"
    );

    // The same values, in the same order, as the document's enums.
    let doc = json_of(app.get("/api/v1/openapi.json", &org.token).await).await;
    let schemas = &doc["components"]["schemas"];
    let names: Vec<String> = nl["vocabularies"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(names.len() >= 17, "{names:?}");
    for name in names {
        let schema = match name.as_str() {
            "ladder_level" => "Level".to_string(),
            other => other
                .split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect::<String>())
                        .unwrap_or_default()
                })
                .collect(),
        };
        let values: Vec<Value> = terms(&nl, &name)
            .iter()
            .map(|t| t["value"].clone())
            .collect();
        assert_eq!(
            Value::Array(values),
            schemas[&schema]["enum"],
            "{name} against the schema {schema}"
        );
    }
}

#[tokio::test]
async fn the_language_defaults_to_the_accounts_report_language() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let body = json_of(app.get("/api/v1/vocabularies", &org.token).await).await;
    assert_eq!(body["lang"], "nl");
    assert_eq!(
        label(&body, "budget_category", "venue"),
        "Locatie en zaalhuur"
    );
    let response = app
        .send_if_match(
            Method::PATCH,
            "/api/v1/organisation",
            &org.token,
            "*",
            Some(&json!({"report_language": "en"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body = json_of(app.get("/api/v1/vocabularies", &org.token).await).await;
    assert_eq!(body["lang"], "en");
    assert_eq!(label(&body, "budget_category", "venue"), "Venue");

    let refused = problem(
        app.get("/api/v1/vocabularies?lang=de", &org.token).await,
        422,
    )
    .await;
    assert_eq!(refused["errors"][0]["parameter"], "lang", "{refused}");
    // A funder account reads them too.
    let (funder, _) = app.funder_account("Gemeente Utrecht").await;
    let body = json_of(app.get("/api/v1/vocabularies?lang=nl", &funder.token).await).await;
    assert_eq!(
        label(&body, "fund_status", "partially_granted"),
        "Gedeeltelijk toegekend"
    );
}
