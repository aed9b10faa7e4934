//! Every PATCH body in the OpenAPI document is the exact merge patch of what the
//! resource takes, under both `application/merge-patch+json` and `application/json`.

use std::collections::BTreeSet;

use serde_json::Value;

fn document() -> Value {
    serde_json::to_value(mantelmonitor::openapi::document()).unwrap()
}

fn component<'d>(doc: &'d Value, reference: &'d str) -> (&'d str, &'d Value) {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("{reference} is not a schema component"));
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "{reference} is not in the document");
    (name, schema)
}

fn is_nullable(schema: &Value) -> bool {
    schema["type"] == "null"
        || schema["type"]
            .as_array()
            .is_some_and(|ts| ts.iter().any(|t| t == "null"))
        || schema["oneOf"]
            .as_array()
            .is_some_and(|items| items.iter().any(is_nullable))
}

fn required(schema: &Value) -> BTreeSet<&str> {
    schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn properties(schema: &Value) -> BTreeSet<&str> {
    schema["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The component a body or response refers to under `media_type`.
fn schema_of<'d>(doc: &'d Value, content: &'d Value, media_type: &str) -> (&'d str, &'d Value) {
    let reference = content[media_type]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("no component under {media_type}: {content}"));
    component(doc, reference)
}

/// A patch of a component that has fields: the same fields, none required, `null` only
/// where the input lets the field be left out, nested objects as their own patches.
fn assert_patch_of(doc: &Value, patch: &Value, input: &Value, at: &str, derived: bool) {
    assert!(
        patch.get("required").is_none(),
        "{at}: a patch requires nothing"
    );
    assert_eq!(
        properties(patch),
        properties(input),
        "{at}: the input's fields"
    );
    let input_required = required(input);
    for (field, schema) in patch["properties"].as_object().unwrap() {
        let optional = !input_required.contains(field.as_str());
        if derived {
            assert_eq!(
                is_nullable(schema),
                optional,
                "{at}/{field}: null iff it may be left out"
            );
        } else {
            assert!(
                !is_nullable(schema) || optional,
                "{at}/{field}: null on a required field"
            );
        }
        let nested = schema["$ref"].as_str().or_else(|| {
            schema["oneOf"]
                .as_array()
                .and_then(|items| items.iter().find_map(|i| i["$ref"].as_str()))
        });
        let input_nested = &input["properties"][field];
        let input_ref = input_nested["$ref"].as_str().or_else(|| {
            input_nested["oneOf"]
                .as_array()
                .and_then(|items| items.iter().find_map(|i| i["$ref"].as_str()))
        });
        if let (Some(nested), Some(input_ref)) = (nested, input_ref) {
            let (input_name, input_target) = component(doc, input_ref);
            if input_target.get("properties").is_some() {
                let (name, target) = component(doc, nested);
                let expected = format!("{}Patch", input_name.trim_end_matches("Input"));
                assert_eq!(name, expected, "{at}/{field}: the nested patch's name");
                assert_patch_of(doc, target, input_target, &format!("{at}/{field}"), derived);
            } else {
                assert_eq!(nested, input_ref, "{at}/{field}: unchanged");
            }
        }
    }
}

#[test]
fn every_patch_body_is_the_merge_patch_of_what_the_resource_takes() {
    let doc = document();
    let mut patches = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let Some(patch) = item.get("patch") else {
            continue;
        };
        patches += 1;
        let content = &patch["requestBody"]["content"];
        assert_eq!(
            patch["requestBody"]["required"], true,
            "PATCH {path}: body required"
        );
        let media: Vec<&String> = content.as_object().unwrap().keys().collect();
        assert_eq!(
            media.iter().map(|m| m.as_str()).collect::<BTreeSet<_>>(),
            BTreeSet::from(["application/json", "application/merge-patch+json"]),
            "PATCH {path}: media types"
        );
        let (name, schema) = schema_of(&doc, content, "application/merge-patch+json");
        assert_eq!(
            schema_of(&doc, content, "application/json").0,
            name,
            "PATCH {path}: one schema for both media types"
        );
        let at = format!("PATCH {path} ({name})");
        match item.get("put") {
            // What a PUT takes whole, a PATCH takes field by field.
            Some(put) => {
                let (input_name, input) =
                    schema_of(&doc, &put["requestBody"]["content"], "application/json");
                let derived = name.ends_with("Patch");
                if derived {
                    let expected = format!("{}Patch", input_name.trim_end_matches("Input"));
                    assert_eq!(name, expected, "{at}: named after {input_name}");
                }
                assert_patch_of(&doc, schema, input, &at, derived);
            }
            // No PUT: every field of the resource is there to stay; none takes null.
            None => {
                assert!(
                    schema.get("required").is_none(),
                    "{at}: a patch requires nothing"
                );
                for (field, property) in schema["properties"].as_object().unwrap() {
                    assert!(
                        !is_nullable(property),
                        "{at}/{field}: null on a required field"
                    );
                }
            }
        }
    }
    assert_eq!(patches, 14, "PATCH operations");
}
