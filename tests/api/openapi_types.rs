//! Every request body in the OpenAPI document is typed to the wire: no bare `object`
//! anywhere inside it, and every PATCH body is the exact merge patch of what the
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

/// Where `schema`, or anything in it, could be any object (or anything at all).
fn untyped<'d>(
    doc: &'d Value,
    schema: &'d Value,
    at: &str,
    seen: &mut BTreeSet<&'d str>,
) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let (name, target) = component(doc, reference);
        if !seen.insert(name) {
            return Vec::new();
        }
        return untyped(doc, target, &format!("{at} → {name}"), seen);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(items) = schema[key].as_array() {
            return items
                .iter()
                .enumerate()
                .flat_map(|(i, item)| untyped(doc, item, &format!("{at}/{key}/{i}"), seen))
                .collect();
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return vec![format!("{at}: no type, so anything: {schema}")],
    };
    let mut found = Vec::new();
    if types.contains(&"object") {
        match schema["properties"].as_object().filter(|p| !p.is_empty()) {
            None => found.push(format!("{at}: a bare object: {schema}")),
            Some(properties) => {
                // Unknown fields are refused, so the schema must say so.
                if schema["additionalProperties"] != false {
                    found.push(format!("{at}: takes unknown fields"));
                }
                for (name, property) in properties {
                    found.extend(untyped(doc, property, &format!("{at}/{name}"), seen));
                }
            }
        }
    }
    if types.contains(&"array") {
        found.extend(untyped(doc, &schema["items"], &format!("{at}/items"), seen));
    }
    found
}

/// Each request body with its operation: `(method, path, body)`.
fn request_bodies(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if let Some(body) = operation.get("requestBody") {
                out.push((method.to_uppercase(), path.clone(), body));
            }
        }
    }
    out
}

#[test]
fn no_request_body_takes_an_untyped_object() {
    let doc = document();
    let bodies = request_bodies(&doc);
    assert!(bodies.len() > 30, "only {} request bodies", bodies.len());
    for (method, path, body) in bodies {
        let content = body["content"].as_object().unwrap();
        assert!(!content.is_empty(), "{method} {path}: no media type");
        for (media_type, media) in content {
            let at = format!("{method} {path}");
            let found = untyped(&doc, &media["schema"], &at, &mut BTreeSet::new());
            assert!(
                found.is_empty(),
                "{at} ({media_type}):\n{}",
                found.join("\n")
            );
        }
    }
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
    assert_eq!(patches, 17, "PATCH operations");
}

#[test]
fn a_figure_value_is_a_number_or_text() {
    let doc = document();
    let value = &doc["components"]["schemas"]["FigureInput"]["properties"]["value"];
    assert_eq!(
        value["type"],
        serde_json::json!(["string", "number"]),
        "{value}"
    );
}

/// Where a request schema leaves a limit out: a string without `maxLength` (or a closed
/// enum, format or length-bounding pattern), a list without `maxItems`, an integer
/// without `minimum` and `maximum`, a format no standard defines.
fn unbounded<'d>(
    doc: &'d Value,
    schema: &'d Value,
    at: &str,
    seen: &mut BTreeSet<&'d str>,
    found: &mut Vec<String>,
) {
    if let Some(reference) = schema["$ref"].as_str() {
        let (name, target) = component(doc, reference);
        if seen.insert(name) {
            unbounded(doc, target, name, seen, found);
        }
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for item in schema[key].as_array().into_iter().flatten() {
            unbounded(doc, item, at, seen, found);
        }
    }
    if let Some(format) = schema["format"].as_str()
        && !STANDARD_FORMATS.contains(&format)
    {
        found.push(format!("{at}: format {format} is no standard format"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let closed = schema.get("enum").is_some() || schema.get("const").is_some();
    if types.contains(&"string") && !closed && schema.get("maxLength").is_none() {
        // A format or a pattern without repetition bounds the length by itself.
        let bounded_format = matches!(
            schema["format"].as_str(),
            Some("uuid" | "date" | "date-time")
        );
        let bounded_pattern = schema["pattern"].as_str().is_some_and(|p| {
            p.starts_with('^') && p.ends_with('$') && !p.contains('*') && !p.contains('+')
        });
        if !bounded_format && !bounded_pattern {
            found.push(format!("{at}: a string without maxLength"));
        }
    }
    if types.contains(&"integer")
        && (schema.get("minimum").is_none() || schema.get("maximum").is_none())
    {
        found.push(format!("{at}: an integer without minimum and maximum"));
    }
    if types.contains(&"array") {
        if schema.get("maxItems").is_none() {
            found.push(format!("{at}: a list without maxItems"));
        }
        unbounded(doc, &schema["items"], &format!("{at}/items"), seen, found);
    }
    // A plan document's line also shows what the service writes (a step's title, a
    // partner's name and level history), which a write leaves out: only the fields
    // of the part's input and the line's id are read.
    let written = at
        .strip_suffix("DocumentLine")
        .map(|part| &doc["components"]["schemas"][format!("{part}Input")]["properties"]);
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        if written.is_some_and(|input| {
            input.get(name).is_none() && !["id", "step"].contains(&name.as_str())
        }) {
            continue;
        }
        unbounded(doc, property, &format!("{at}/{name}"), seen, found);
    }
}

/// The formats of OpenAPI 3.1 and JSON Schema 2020-12 that a request uses.
const STANDARD_FORMATS: &[&str] = &[
    "int32",
    "int64",
    "float",
    "double",
    "password",
    "date",
    "date-time",
    "email",
    "uuid",
    "uri",
    "binary",
];

#[test]
fn every_limit_of_a_request_is_in_its_schema() {
    let doc = document();
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for (method, path, body) in request_bodies(&doc) {
        for (media_type, media) in body["content"].as_object().unwrap() {
            // A CSV body is limited in bytes by configuration, which no schema can say.
            if media_type == "text/csv" {
                continue;
            }
            unbounded(
                &doc,
                &media["schema"],
                &format!("{method} {path}"),
                &mut seen,
                &mut found,
            );
        }
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                // Conditional headers are lists of ETags, as long as a client makes them.
                if ["If-Match", "If-None-Match"].contains(&parameter["name"].as_str().unwrap()) {
                    continue;
                }
                let at = format!("{method} {path} {}", parameter["name"]);
                unbounded(&doc, &parameter["schema"], &at, &mut seen, &mut found);
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "limits left out:\n{}", found.join("\n"));
}

#[test]
fn every_tag_is_declared_and_described() {
    let doc = document();
    let declared: BTreeSet<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tag| {
            assert!(
                tag["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{tag}"
            );
            tag["name"].as_str().unwrap()
        })
        .collect();
    let used: BTreeSet<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .flat_map(|operation| operation["tags"].as_array().into_iter().flatten())
        .map(|tag| tag.as_str().unwrap())
        .collect();
    assert_eq!(declared, used);
}

#[test]
fn every_cursor_is_declared_as_the_server_writes_it() {
    let doc = document();
    let mut cursors = 0;
    for item in doc["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["name"] != "cursor" {
                    continue;
                }
                cursors += 1;
                let pattern = parameter["schema"]["pattern"].as_str().unwrap_or_default();
                assert!(
                    pattern == mantelmonitor::routes::KEYSET_CURSOR
                        || ["audit", "change", "delivery"]
                            .iter()
                            .any(|prefix| pattern == format!("^{prefix}\\.[0-9]{{1,18}}$")),
                    "{parameter}"
                );
            }
        }
    }
    assert!(cursors > 20, "{cursors}");
}
