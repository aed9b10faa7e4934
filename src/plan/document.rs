//! The whole plan as one JSON document: read for intranets and archiving, and replaced
//! in one transaction (all of it lands or none).

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::budget_lines::{BudgetLine, BudgetLines};
use super::evaluation_moments::{EvaluationMoment, EvaluationMoments};
use super::fund_applications::{FundApplication, FundApplications};
use super::hours::{Hours, PlannedHours};
use super::project_partners::{ProjectPartner, ProjectPartners};
use super::roadmap::{Roadmap, RoadmapStep};
use super::target_groups::{TargetGroup, TargetGroups};
use super::targets::{Target, Targets};
use super::translation_costs::{TranslationCost, TranslationCosts};
use crate::db::Conn as AsyncPgConnection;
use crate::db::plan::{self as store, NewIds};

use crate::db::scope::ProjectScope;
use crate::error::{ApiError, FieldError};
use crate::models::project::Project;
use crate::routes::extract::parse_json;
use crate::routes::parts::{Part, nest};
use crate::routes::projects::ProjectResponse;

/// The whole plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDocument {
    pub project: ProjectResponse,
    pub target_groups: Vec<TargetGroup>,
    pub hours: Vec<PlannedHours>,
    pub budget_lines: Vec<BudgetLine>,
    pub translation_costs: Vec<TranslationCost>,
    pub fund_applications: Vec<FundApplication>,
    pub targets: Vec<Target>,
    pub evaluation_moments: Vec<EvaluationMoment>,
    pub roadmap: Vec<RoadmapStep>,
    pub partners: Vec<ProjectPartner>,
}

/// The keys of a plan document, in the order its parts are written.
pub const SECTIONS: [&str; 9] = [
    "target_groups",
    "budget_lines",
    "hours",
    "translation_costs",
    "fund_applications",
    "targets",
    "evaluation_moments",
    "roadmap",
    "partners",
];

/// Fields a GET answers that a PUT ignores, so a document read can be written back.
const READ_ONLY: [&str; 8] = [
    "project_id",
    "created_at",
    "updated_at",
    "total",
    "partner_name",
    "level_history",
    "title",
    "organisation_id",
];

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

async fn all<P: Part<Scope = ProjectScope>>(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
) -> Result<Vec<P::Output>, ApiError> {
    Ok(P::list(conn, scope, ALL, None).await?)
}

pub async fn read(
    conn: &mut AsyncPgConnection,
    project: Project,
) -> Result<PlanDocument, ApiError> {
    let scope = ProjectScope::new(project.clone());
    Ok(PlanDocument {
        target_groups: all::<TargetGroups>(conn, &scope).await?,
        hours: all::<Hours>(conn, &scope).await?,
        budget_lines: all::<BudgetLines>(conn, &scope).await?,
        translation_costs: all::<TranslationCosts>(conn, &scope).await?,
        fund_applications: all::<FundApplications>(conn, &scope).await?,
        targets: all::<Targets>(conn, &scope).await?,
        evaluation_moments: all::<EvaluationMoments>(conn, &scope).await?,
        roadmap: all::<Roadmap>(conn, &scope).await?,
        partners: all::<ProjectPartners>(conn, &scope).await?,
        project: ProjectResponse::from(project),
    })
}

/// Removes the read-only fields of a GET from an object.
pub fn strip_read_only(value: &mut Value) {
    if let Value::Object(map) = value {
        for key in READ_ONLY {
            map.remove(key);
        }
    }
}

/// Writes one section: updates the lines it names, inserts the new ones (under new
/// ids, recorded in `created`), and returns the lines it leaves out, to delete once
/// every section is written. Collects every field error rather than stopping at the
/// first.
async fn write_section<P: Part<Scope = ProjectScope>>(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
    section: &str,
    items: Vec<Value>,
    created: &mut NewIds,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<P::Output>, ApiError> {
    let mut existing = all::<P>(conn, scope).await?;
    let key_field = if P::FIXED { "step" } else { "id" };
    for (i, mut item) in items.into_iter().enumerate() {
        let at = format!("/{section}/{i}");
        strip_read_only(&mut item);
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
        let mut input: P::Input = match parse_json(&bytes) {
            Ok(input) => input,
            Err(e) => {
                collect(nest(e, &at), errors)?;
                continue;
            }
        };
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

/// Writes every section of a plan document (a section left out is emptied, except the
/// roadmap), then deletes the lines left out in reverse order, so that nothing still
/// refers to them. Returns the field errors of all lines; the caller rolls back when
/// there are any.
pub async fn write_sections(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
    mut sections: Map<String, Value>,
) -> Result<Vec<FieldError>, ApiError> {
    let mut take = |name: &str| match sections.remove(name) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    let (tg, bl, hr, tc, fa, ta, em, rm, pp) = (
        take("target_groups"),
        take("budget_lines"),
        take("hours"),
        take("translation_costs"),
        take("fund_applications"),
        take("targets"),
        take("evaluation_moments"),
        take("roadmap"),
        take("partners"),
    );
    // A document may pass through a state that breaks a unique key (two target groups
    // swapping names, a line replaced by a new one for the same quarter): check those
    // keys once every section is written.
    store::defer_unique_keys(conn).await?;
    let mut errors = Vec::new();
    let e = &mut errors;
    let n = &mut NewIds::default();
    let tg = write_section::<TargetGroups>(conn, scope, "target_groups", tg, n, e).await?;
    let bl = write_section::<BudgetLines>(conn, scope, "budget_lines", bl, n, e).await?;
    let hr = write_section::<Hours>(conn, scope, "hours", hr, n, e).await?;
    let tc = write_section::<TranslationCosts>(conn, scope, "translation_costs", tc, n, e).await?;
    let fa = write_section::<FundApplications>(conn, scope, "fund_applications", fa, n, e).await?;
    let ta = write_section::<Targets>(conn, scope, "targets", ta, n, e).await?;
    let em =
        write_section::<EvaluationMoments>(conn, scope, "evaluation_moments", em, n, e).await?;
    write_section::<Roadmap>(conn, scope, "roadmap", rm, n, e).await?;
    let pp = write_section::<ProjectPartners>(conn, scope, "partners", pp, n, e).await?;
    delete_missing::<ProjectPartners>(conn, scope, "partners", pp, e).await?;
    delete_missing::<EvaluationMoments>(conn, scope, "evaluation_moments", em, e).await?;
    delete_missing::<Targets>(conn, scope, "targets", ta, e).await?;
    delete_missing::<FundApplications>(conn, scope, "fund_applications", fa, e).await?;
    delete_missing::<TranslationCosts>(conn, scope, "translation_costs", tc, e).await?;
    delete_missing::<Hours>(conn, scope, "hours", hr, e).await?;
    delete_missing::<BudgetLines>(conn, scope, "budget_lines", bl, e).await?;
    delete_missing::<TargetGroups>(conn, scope, "target_groups", tg, e).await?;
    if errors.is_empty() {
        // Deferred keys and references answer now, while the request can still say so.
        store::check_deferred_now(conn).await?;
    }
    Ok(errors)
}

/// Deletes the lines a section left out.
async fn delete_missing<P: Part<Scope = ProjectScope>>(
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
        } else if !value.is_array() {
            errors.push(FieldError::body(format!("/{key}"), "must be an array"));
        }
    }
    if errors.is_empty() {
        Ok((project, map))
    } else {
        Err(ApiError::Validation(errors))
    }
}
