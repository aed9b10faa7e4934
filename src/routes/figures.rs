//! `POST /quarterly-figures`: bulk submission of quarterly figures as JSON or CSV, with
//! a dry run and idempotent retries.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::{FiguresBody, Query, parse_json};
use crate::auth::permit::{Permitted, WriteReports};
use crate::db::monitoring::plan_refs;
use crate::db::scope::ProjectScope;
use crate::db::{Conn, Db};
use crate::domain::plan::Quarter;
use crate::domain::validation::Invalid;
use crate::domain::{OrganisationId, ProjectId};
use crate::error::{ApiError, FieldError};
use crate::idempotency::{self, Claim};
use crate::models::project as projects;
use crate::monitoring::content::{self, PlanRefs, ReportContent};
use crate::monitoring::figures::{
    self, FiguresInput, FiguresOutcome, Landing, MAX_ROWS, Parsed, ReportOutcome, Row,
};
use crate::monitoring::reports::{self, ReportRow};

/// Options of a bulk submission.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FiguresQuery {
    /// Check everything, store nothing.
    pub dry_run: Option<bool>,
}

/// A submission of more rows than this hands the memory it used back to the system.
const LARGE: usize = 10_000;

/// At most this many problems are listed; the rest are counted in `detail`.
const MAX_ERRORS: usize = 1000;

fn too_many(mut errors: Vec<FieldError>) -> ApiError {
    let total = errors.len();
    if total > MAX_ERRORS {
        errors.truncate(MAX_ERRORS);
        errors.push(FieldError::body(
            "",
            format!("{} more problems are not listed", total - MAX_ERRORS),
        ));
    }
    ApiError::Validation(errors)
}

/// One report the submission touches, checked and ready to store.
struct Planned {
    scope: ProjectScope,
    quarter: Quarter,
    existing: Option<ReportRow>,
    content: ReportContent,
    rows: usize,
}

/// Checks every group of rows against its project, quarter, report and plan.
async fn check_groups(
    conn: &mut Conn,
    org: OrganisationId,
    rows: Vec<Row>,
) -> Result<Result<Vec<Planned>, Vec<FieldError>>, ApiError> {
    let mut order: Vec<(ProjectId, Quarter)> = Vec::new();
    let mut groups: HashMap<(ProjectId, Quarter), Vec<Row>> = HashMap::new();
    for row in rows {
        let key = (row.project_id, row.quarter);
        if !groups.contains_key(&key) {
            order.push(key);
        }
        groups.entry(key).or_default().push(row);
    }
    // Reports are locked in one order, so that two submissions cannot deadlock.
    order.sort_by_key(|(project, quarter)| (project.as_uuid(), *quarter));
    let mut refs: HashMap<ProjectId, Option<(crate::models::project::Project, PlanRefs)>> =
        HashMap::new();
    let mut errors = Vec::new();
    let mut planned = Vec::new();
    for key in order {
        let rows = groups.remove(&key).unwrap_or_default();
        let (project_id, quarter) = key;
        if let std::collections::hash_map::Entry::Vacant(slot) = refs.entry(project_id) {
            let found = match projects::share(conn, org, project_id).await {
                Ok(project) => {
                    let scope = ProjectScope::new(project.clone());
                    Some((project, plan_refs(conn, &scope, None).await?.0))
                }
                Err(crate::db::QueryError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            slot.insert(found);
        }
        let Some(Some((project, plan))) = refs.get(&project_id) else {
            errors.extend(rows.iter().map(|r| {
                r.origin
                    .error("project_id", "is not a project of your organisation")
            }));
            continue;
        };
        let scope = ProjectScope::new(project.clone());
        if let Err(message) = quarter.check_within(project.start_date, project.end_date) {
            errors.extend(
                rows.iter()
                    .map(|r| r.origin.error("quarter", message.clone())),
            );
            continue;
        }
        let existing = reports::find(conn, &scope, quarter, true).await?;
        if let Some(report) = &existing
            && !report.state.editable()
        {
            let message = format!(
                "the report for {quarter} is {} and locked; an admin can reopen it",
                report.state
            );
            errors.extend(
                rows.iter()
                    .map(|r| r.origin.error("quarter", message.clone())),
            );
            continue;
        }
        let mut content = existing
            .as_ref()
            .map(|r| r.content.0.clone())
            .unwrap_or_default();
        let mut landing = Landing::default();
        for row in &rows {
            figures::apply(&mut content, row, &mut landing);
        }
        match content::validate(plan, content) {
            Ok(content) => planned.push(Planned {
                scope,
                quarter,
                existing,
                content,
                rows: rows.len(),
            }),
            Err(Invalid(found)) => {
                let first = rows[0].origin;
                errors.extend(found.iter().map(|e| landing.locate(e, first)));
            }
        }
    }
    Ok(if errors.is_empty() {
        Ok(planned)
    } else {
        Err(errors)
    })
}

/// Submit quarterly figures in bulk
///
/// Coordinators and admins. For intranets and spreadsheets: one row per figure,
/// `project_id, quarter, figure, subject, value`, as JSON (`{"figures": [...]}`) or as
/// CSV (`text/csv`: comma or semicolon separated, decimal point or comma, UTF-8 with or
/// without byte-order mark, headers in English or Dutch: `project`, `kwartaal`,
/// `cijfer`, `onderwerp`, `waarde`). Each row sets one figure of that quarter's report,
/// creating the draft when there is none; submitted and accepted reports are locked.
/// See `docs/quarterly-figures.md` for the figures and their subjects.
///
/// Every row is checked as a PUT of the report would be; errors name the row (`pointer`
/// `/figures/3/value` for JSON, `row` and `column` for CSV) and one bad row stores
/// nothing. What cannot be read unambiguously is refused, never guessed at: a CSV quote
/// that never closes (naming its line and every line it would swallow), a CSV row with
/// more or fewer cells than the header, and a figure (project, quarter, figure,
/// subject) that more than one row sets, naming every such row. `?dry_run=true` checks
/// without storing. With an `Idempotency-Key` header, a retry of the same request
/// returns the first response byte for byte (with `Idempotent-Replayed: true`) without
/// applying it twice; the same key with a different request is a 422.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        FiguresQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 200 visible ASCII characters, e.g. a UUID.", pattern = r"^[!-~]{1,200}$"),
    ),
    request_body(content(
        (FiguresInput = "application/json"),
        (String = "text/csv", example = "project_id;quarter;figure;subject;value\n0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d11;2026-Q3;reach_new;0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d12;12\n0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d11;2026-Q3;hours_spent;outreach;40,5\n")
    )),
    responses((status = 200, description = "Applied (or, in a dry run, checked).", body = FiguresOutcome))
)]
#[post("/quarterly-figures")]
pub async fn submit_figures(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, FiguresBody(body)): Permitted<WriteReports, FiguresBody>,
    Query(query): Query<FiguresQuery>,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::key(&req)?;
    let dry_run = query.dry_run.unwrap_or(false);
    let essence = body.essence().unwrap_or_default();
    let mode: &[u8] = if dry_run { b"dry:" } else { b"run:" };
    let hash = idempotency::fingerprint(&[mode, essence.as_bytes(), b"\n", &body.bytes]);
    let mut parsed = Parsed::default();
    if body.is_json() {
        figures::from_json(parse_json::<FiguresInput>(&body.bytes)?, &mut parsed);
    } else if essence == "text/csv" {
        figures::from_csv(&body.bytes, &mut parsed).map_err(too_many)?;
    } else {
        return Err(ApiError::UnsupportedMediaType(format!(
            "Send the figures as application/json or text/csv, not {}.",
            body.content_type.as_deref().unwrap_or("missing")
        )));
    };
    // Parsed, the text is not needed any more: it goes before the reports are built.
    drop(body);
    let Parsed {
        rows,
        mut errors,
        count,
    } = parsed;
    if count == 0 {
        return Err(ApiError::field("", "has no figures"));
    }
    if count > MAX_ROWS {
        return Err(ApiError::field(
            "",
            format!("has {count} rows; at most {MAX_ROWS} per request"),
        ));
    }
    // A figure set twice would leave only the last row standing; the client meant one.
    errors.extend(figures::strict::repeated(&rows));
    // Rows that could not be read are reported together with what the checks against
    // the projects and plans find in the others.
    let unreadable = errors;
    let org = principal.organisation_id;
    let outcome = db
        .acting(principal.acting(), async move |conn| {
            if let Some(key) = &key {
                match idempotency::claim(conn, org, key, &hash).await? {
                    Claim::Fresh => {}
                    earlier => return Ok(Err(earlier)),
                }
            }
            let planned = match check_groups(conn, org, rows).await? {
                Ok(planned) if unreadable.is_empty() => planned,
                Ok(_) => return Err(too_many(unreadable)),
                Err(mut errors) => {
                    errors.splice(0..0, unreadable);
                    return Err(too_many(errors));
                }
            };
            let mut reports = Vec::with_capacity(planned.len());
            for p in planned {
                if !dry_run {
                    match &p.existing {
                        Some(current) => {
                            reports::update(conn, current, p.content).await?;
                        }
                        None => {
                            reports::create(conn, &p.scope, p.quarter, p.content).await?;
                        }
                    }
                }
                reports.push(ReportOutcome {
                    project_id: p.scope.project_id(),
                    quarter: p.quarter,
                    created: p.existing.is_none(),
                    rows: p.rows,
                });
            }
            let outcome = FiguresOutcome {
                dry_run,
                rows: count,
                reports,
            };
            let body = serde_json::to_vec(&outcome).map_err(ApiError::internal)?;
            if let Some(key) = &key {
                idempotency::save(conn, org, key, 200, &body).await?;
            }
            Ok::<_, ApiError>(Ok(body))
        })
        .await?;
    // The rows and reports of a large submission are gone now; so is their memory.
    if count > LARGE {
        crate::startup::return_freed_memory();
    }
    match outcome {
        Ok(body) => Ok(idempotency::answer(HttpResponse::Ok(), body)),
        Err(Claim::Replay { status, body }) => Ok(idempotency::replayed(status, body)),
        // `Claim::Reused`: a fresh claim never leaves the transaction.
        Err(_) => Err(idempotency::reused()),
    }
}
