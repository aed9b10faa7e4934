//! The whole plan as one JSON document: read for intranets and archiving, and replaced
//! in one transaction (all of it lands or none).

use serde_json::{Map, Value};

mod lines;

pub use super::{PlanDocument, SECTIONS, read, write_sections};
use crate::db::Conn as AsyncPgConnection;
use crate::db::plan::{self as store, NewIds};
pub use lines::{DocumentLine, key_field, read_only_fields, strip_read_only};

use crate::db::scope::ProjectScope;
use crate::error::{ApiError, FieldError};
use crate::routes::extract::parse_json;
use crate::routes::parts::{Part, nest};

/// The plan's version, for its ETag: a digest of the whole document, so that it changes
/// with any change to any part and follows what was committed, not the order in which
/// history ids were handed out.
pub fn version(plan: &PlanDocument) -> Result<i64, ApiError> {
    use sha2::{Digest, Sha256};
    let bytes = serde_json::to_vec(plan).map_err(ApiError::internal)?;
    let digest = Sha256::digest(&bytes);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    Ok(i64::from_be_bytes(first) & i64::MAX)
}

const ALL: i64 = 100_000;

/// The most lines a section of a plan document holds (the schema's `maxItems`).
pub const MAX_LINES: usize = 1000;

/// The most lines of the section `key`: the roadmap has its nine steps, each once.
pub fn max_lines(key: &str) -> usize {
    if key == "roadmap" { 9 } else { MAX_LINES }
}

/// Every line of a part.
pub(crate) async fn all<P: Part<Scope = ProjectScope>>(
    conn: &AsyncPgConnection,
    scope: &ProjectScope,
) -> Result<Vec<P::Output>, ApiError> {
    Ok(P::list(conn, scope, ALL, None).await?)
}

/// The lines of a section of a plan document; a section left out is empty.
pub(crate) fn take(sections: &mut Map<String, Value>, name: &str) -> Vec<Value> {
    match sections.remove(name) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

/// A line of a plan document as parsed before anything is read or written: where it
/// is in the document, the key that names it (if any) and the part's input.
pub struct Line<P: Part> {
    at: String,
    key: Option<P::Key>,
    input: P::Input,
}

/// Parses the lines of one section with the part's own input type, collecting every
/// field error: a document that cannot be read is refused whole before the plan's
/// version is compared, so that a stale `If-Match` never hides what is wrong with it.
pub(crate) fn parse_section<P: Part<Scope = ProjectScope>>(
    section: &str,
    items: Vec<Value>,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<Line<P>>, ApiError> {
    let key_field = key_field::<P>();
    let read_only = read_only_fields::<P::Output, P::Input>(key_field);
    let mut lines = Vec::with_capacity(items.len());
    for (i, mut item) in items.into_iter().enumerate() {
        let at = format!("/{section}/{i}");
        strip_read_only(&mut item, &read_only);
        let Value::Object(ref mut map) = item else {
            errors.push(FieldError::body(at, "must be an object"));
            continue;
        };
        let key = match map.remove(key_field) {
            None | Some(Value::Null) if P::FIXED => {
                errors.push(FieldError::body(format!("{at}/{key_field}"), "is required"));
                continue;
            }
            None | Some(Value::Null) => None,
            Some(value) => {
                let text = match &value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match text.parse::<P::Key>() {
                    Ok(key) => Some(key),
                    Err(_) => {
                        errors.push(FieldError::body(
                            format!("{at}/{key_field}"),
                            format!("is not a valid {key_field}"),
                        ));
                        continue;
                    }
                }
            }
        };
        let bytes = serde_json::to_vec(&item).map_err(ApiError::internal)?;
        match parse_json::<P::Input>(&bytes) {
            Ok(input) => lines.push(Line { at, key, input }),
            Err(e) => collect(nest(e, &at), errors)?,
        }
    }
    Ok(lines)
}

/// Writes one section: updates the lines it names, inserts the new ones (under new
/// ids, recorded in `created`), and returns the lines it leaves out, to delete once
/// every section is written. Collects every field error rather than stopping at the
/// first.
pub(crate) async fn write_section<P: Part<Scope = ProjectScope>>(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
    lines: Vec<Line<P>>,
    created: &mut NewIds,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<P::Output>, ApiError> {
    let mut existing = all::<P>(conn, scope).await?;
    let key_field = key_field::<P>();
    for Line { at, key, mut input } in lines {
        P::follow(&mut input, created);
        let position = key.and_then(|k| {
            existing
                .iter()
                .position(|e| P::key(e).to_string() == k.to_string())
        });
        let current = position.map(|p| existing.swap_remove(p));
        if P::FIXED && current.is_none() {
            errors.push(FieldError::body(
                format!("{at}/{key_field}"),
                "names no item",
            ));
            continue;
        }
        // A new line's id names it for references; two new lines cannot share a name.
        let new_name = key.filter(|_| current.is_none());
        if let Some(name) = &new_name
            && created.named::<P>(name)
        {
            errors.push(FieldError::body(
                format!("{at}/{key_field}"),
                "is the id of another new line of this section; give each its own",
            ));
            continue;
        }
        if let Some(current) = &current
            && P::unchanged(current, &input)
        {
            continue;
        }
        let valid = match P::check(conn, scope, current.as_ref(), input).await {
            Ok(valid) => valid,
            Err(e) => {
                collect(nest(e.into(), &at), errors)?;
                continue;
            }
        };
        // A savepoint per line: a constraint the database refuses (a repeated activity
        // and quarter, say) must not abort the transaction before every error is known.
        let current = current.as_ref();
        let key = current.and(key);
        let stored = store::savepoint(conn, async |conn| {
            P::store(conn, scope, key, current, valid).await
        })
        .await;
        match stored {
            Ok(line) => {
                if let Some(name) = &new_name {
                    created.record::<P>(name, &line)?;
                }
            }
            Err(e) => collect(nest(e.into(), &at), errors)?,
        }
    }
    Ok(if P::FIXED { Vec::new() } else { existing })
}

/// Deletes the lines a section left out.
pub(crate) async fn delete_missing<P: Part<Scope = ProjectScope>>(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
    section: &str,
    missing: Vec<P::Output>,
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    for item in missing {
        let deleted =
            store::savepoint(conn, async |conn| P::delete(conn, scope, &item).await).await;
        if let Err(e) = deleted {
            collect(nest(e.into(), &format!("/{section}")), errors)?;
        }
    }
    Ok(())
}

/// Keeps a line's client errors for the one 422; anything else ends the request.
fn collect(error: ApiError, errors: &mut Vec<FieldError>) -> Result<(), ApiError> {
    match error {
        ApiError::Validation(found) => {
            errors.extend(found);
            Ok(())
        }
        ApiError::Conflict {
            detail,
            errors: found,
        } if found.is_empty() => {
            errors.push(FieldError::body("", detail));
            Ok(())
        }
        ApiError::Conflict { errors: found, .. } => {
            errors.extend(found);
            Ok(())
        }
        ApiError::Transition { detail, .. } => {
            errors.push(FieldError::body("", detail));
            Ok(())
        }
        other => Err(other),
    }
}

/// Splits a plan document into its project object and sections; 422 for anything else.
pub fn sections(body: Value) -> Result<(Value, Map<String, Value>), ApiError> {
    let Value::Object(mut map) = body else {
        return Err(ApiError::field(
            "",
            "must be a JSON object with project and the plan's sections",
        ));
    };
    let mut errors = Vec::new();
    let project = map.remove("project").unwrap_or(Value::Null);
    if !project.is_object() {
        errors.push(FieldError::body(
            "/project",
            "is required: an object with the project's basics",
        ));
    }
    for (key, value) in &map {
        if !SECTIONS.contains(&key.as_str()) {
            errors.push(FieldError::body(
                format!("/{key}"),
                format!(
                    "unknown section; expected project or one of: {}",
                    SECTIONS.join(", ")
                ),
            ));
        } else if let Some(lines) = value.as_array() {
            let max = max_lines(key);
            if lines.len() > max {
                errors.push(FieldError::body(
                    format!("/{key}"),
                    format!("must list at most {max} lines"),
                ));
            }
        } else {
            errors.push(FieldError::body(format!("/{key}"), "must be an array"));
        }
    }
    if errors.is_empty() {
        Ok((project, map))
    } else {
        Err(ApiError::Validation(errors))
    }
}
