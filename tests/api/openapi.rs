//! The committed OpenAPI document is the generated one, and it is complete.
//! Regenerate with `UPDATE_OPENAPI=1 cargo test --test api openapi`.

use serde_json::Value;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");

fn generated() -> Value {
    serde_json::to_value(mantelmonitor::openapi::document()).unwrap()
}

#[test]
fn the_committed_document_is_the_generated_one() {
    let generated = mantelmonitor::openapi::document().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(std::path::Path::new(COMMITTED).parent().unwrap()).unwrap();
        std::fs::write(COMMITTED, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

#[test]
fn every_operation_is_documented_completely() {
    let doc = generated();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{at}: operationId"));
            assert!(
                ids.insert(id.to_string()),
                "{at}: duplicate operationId {id}"
            );
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{at}: tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{at}: summary"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{at}: success response"
            );
            // HEAD: the GET's statuses, headers only.
            if method == "head" {
                let get = item["get"]["responses"]
                    .as_object()
                    .expect("a GET beside HEAD");
                assert_eq!(
                    responses.keys().collect::<Vec<_>>(),
                    get.keys().collect::<Vec<_>>(),
                    "{at}"
                );
                for (status, response) in responses {
                    assert!(
                        response.get("content").is_none() || response.get("$ref").is_some(),
                        "{at}: {status} has no body"
                    );
                }
                continue;
            }
            if method == "get" && path.starts_with("/api/") {
                assert!(responses.contains_key("304"), "{at}: 304");
                assert!(
                    op["parameters"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-None-Match")),
                    "{at}: If-None-Match"
                );
            }
            for status in ["500", "503"] {
                let content = &responses[status]["content"]["application/problem+json"];
                assert!(content.is_object(), "{at}: {status} as problem+json");
            }
            let public = op["security"] == serde_json::json!([{}]);
            if !public {
                assert!(
                    responses.contains_key("401") && responses.contains_key("403"),
                    "{at}: auth errors"
                );
            }
            // Sign-in is always limited; every authenticated operation can be.
            if !public || id == "create_token" {
                let mut limited = &responses["429"];
                if let Some(reference) = limited["$ref"].as_str() {
                    let name = reference.strip_prefix("#/components/responses/").unwrap();
                    limited = &doc["components"]["responses"][name];
                }
                assert!(
                    limited["content"]["application/problem+json"].is_object(),
                    "{at}: 429 as problem+json"
                );
                for header in ["Retry-After", "RateLimit-Policy", "RateLimit"] {
                    assert!(limited["headers"][header].is_object(), "{at}: 429 {header}");
                }
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{at}: {status}");
                }
            }
            if ["put", "patch", "delete"].contains(&method.as_str()) {
                let if_match = op["parameters"]
                    .as_array()
                    .and_then(|ps| ps.iter().find(|p| p["name"] == "If-Match"))
                    .unwrap_or_else(|| panic!("{at}: If-Match"));
                // A quarterly report is created by PUT without a precondition; only a
                // change of an existing one needs If-Match (428 without).
                let creates = method == "put" && path.ends_with("/quarterly-reports/{quarter}");
                assert_eq!(
                    if_match["required"].as_bool().unwrap_or(false),
                    !creates,
                    "{at}: If-Match required"
                );
                assert!(
                    responses.contains_key("412") && responses.contains_key("428"),
                    "{at}: 412/428"
                );
            }
        }
    }
    assert!(ids.contains("create_project") && ids.contains("create_token"));
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Role"]["enum"],
        serde_json::json!(["admin", "coordinator", "reviewer", "viewer"])
    );
    assert_eq!(
        schemas["ProjectStatus"]["enum"],
        serde_json::json!(["draft", "active", "completed", "cancelled"])
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn request_and_response_schemas_carry_examples() {
    let doc = generated();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "ProjectRequest",
        "ProjectResponse",
        "CreateUserRequest",
        "CreateTokenRequest",
        "TokenResponse",
        "Problem",
    ] {
        let schema = &schemas[name];
        let has_example = schema.get("example").is_some()
            || schema["properties"]
                .as_object()
                .is_some_and(|p| p.values().any(|f| f.get("example").is_some()));
        assert!(has_example, "{name} has no example");
    }
}
