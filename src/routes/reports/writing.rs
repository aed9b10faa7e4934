//! Writing a report: the PUT that creates or replaces it and the merge PATCH, with their
//! preconditions (`If-Match`, `If-None-Match: *`) and the checks against the plan.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, patch, put, web};
use futures_util::future::try_join;

use super::{QuarterlyReport, existing, inside, locked, missing, quarter_of, respond};
use crate::auth::Principal;
use crate::auth::permit::{Permitted, WriteReports};
use crate::db::monitoring::plan_refs;
use crate::db::scope::ProjectScope;
use crate::db::{Conn, Db};
use crate::domain::ProjectId;
use crate::domain::plan::Quarter;
use crate::error::{ApiError, FieldError};
use crate::models::{Guarded, Precondition};
use crate::monitoring::content::{self, PlanRef, PlanRefs, ReportContent};
use crate::monitoring::reports::{self, DueDates, ReportRow};
use crate::routes::extract::Json;
use crate::routes::merge_patch::{MergePatch, apply};
use crate::routes::parts::project_scope;
use crate::routes::{IfMatch, fresh, parse_if_match};

/// The preconditions of a PUT: `If-Match` (required to change an existing report) and
/// `If-None-Match: *` (only create).
struct PutConditions {
    if_match: Option<Precondition>,
    create_only: bool,
}

fn put_conditions(req: &HttpRequest) -> Result<PutConditions, ApiError> {
    let if_match = match req.headers().get(header::IF_MATCH) {
        Some(value) => Some(parse_if_match(Some(value))?),
        None => None,
    };
    let create_only = match req.headers().get(header::IF_NONE_MATCH) {
        None => false,
        Some(value) if value.as_bytes() == b"*" => true,
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError::header(
                "If-None-Match",
                "only * is supported: create the report only if there is none",
            )]));
        }
    };
    Ok(PutConditions {
        if_match,
        create_only,
    })
}

/// Writes a report: creates it (no report yet) or changes an editable one.
async fn write(
    db: &Db,
    principal: &Principal,
    project: ProjectId,
    quarter: Quarter,
    conditions: PutConditions,
    change: Change,
) -> Result<(ReportRow, DueDates, bool), ApiError> {
    let org = principal.organisation_id;
    db.acting(principal.acting(), async move |conn| {
        let scope = project_scope(conn, org, project).await?;
        inside(&scope, quarter)?;
        // A replacement names the lines it uses: only those are looked up. A patch's
        // content is known once merged into the report, so it looks up every line.
        let named: Option<Vec<PlanRef>> = match &change {
            Change::Replace(content) => Some(content.references().collect()),
            Change::Patch(_) => None,
        };
        // Pipelined: one round trip for both. The report is read without a lock; the
        // write makes sure it is still what was decided on.
        let (current, (refs, due)) = try_join(
            reports::find(conn, &scope, quarter, false),
            plan_refs(conn, &scope, named.as_deref()),
        )
        .await?;
        match current {
            None => {
                let row = create(conn, &scope, &refs, quarter, conditions, change).await?;
                Ok((row, due, true))
            }
            Some(current) => {
                let row = replace(conn, &scope, &refs, current, conditions, change).await?;
                Ok((row, due, false))
            }
        }
    })
    .await
}

/// Creates the draft of a quarter that has no report yet.
async fn create(
    conn: &mut Conn,
    scope: &ProjectScope,
    refs: &PlanRefs,
    quarter: Quarter,
    conditions: PutConditions,
    change: Change,
) -> Result<ReportRow, ApiError> {
    let Change::Replace(content) = change else {
        return Err(missing(quarter));
    };
    // An invalid body is 422 whatever its preconditions; any If-Match, even `*`, needs
    // a current report (RFC 9110 13.1.1).
    let content = content::validate(refs, *content)?;
    if conditions.if_match.is_some() {
        return fresh(Guarded::Stale);
    }
    match reports::create(conn, scope, quarter, content)
        .await
        .map_err(ApiError::from)
    {
        Ok(row) => Ok(row),
        // Another request created it meanwhile.
        Err(ApiError::Conflict { .. }) if conditions.create_only => fresh(Guarded::Stale),
        Err(e) => Err(e),
    }
}

/// Changes the current report, if the preconditions hold and it is editable; a retried
/// PUT of what is stored answers it as it is. Decided on the report as read without a
/// lock, so that its row is locked only from the write to the commit; when it changed
/// meanwhile, decided again under the lock.
async fn replace(
    conn: &mut Conn,
    scope: &ProjectScope,
    refs: &PlanRefs,
    seen: ReportRow,
    conditions: PutConditions,
    change: Change,
) -> Result<ReportRow, ApiError> {
    let quarter = seen.quarter;
    let patch = match &change {
        Change::Patch(patch) => Some(patch.clone()),
        Change::Replace(_) => None,
    };
    let content = match change {
        Change::Replace(content) => *content,
        Change::Patch(patch) => apply(&seen.content.0, patch)?,
    };
    let Some(content) = decide(refs, &seen, &conditions, content)? else {
        return Ok(seen);
    };
    // What was decided depends on the version seen, unless it replaces whatever is there.
    let version = match (&patch, &conditions.if_match) {
        (None, Some(Precondition::Any)) => None,
        _ => Some(seen.version),
    };
    if let Some(row) = reports::update_if(conn, seen.id, version, &content).await? {
        return Ok(row);
    }
    let current = existing(conn, scope, quarter, true).await?;
    let content = match patch {
        Some(patch) => apply(&current.content.0, patch)?,
        None => content,
    };
    match decide(refs, &current, &conditions, content)? {
        None => Ok(current),
        Some(content) => Ok(reports::update(conn, &current, content).await?),
    }
}

/// What a change of `current` to `content` comes to: `None` when it leaves it as it is
/// (a retried PUT), the valid content to store, or why not.
fn decide(
    refs: &PlanRefs,
    current: &ReportRow,
    conditions: &PutConditions,
    content: ReportContent,
) -> Result<Option<ReportContent>, ApiError> {
    let content = content::validate(refs, content)?;
    if conditions.create_only {
        return fresh(Guarded::Stale);
    }
    // A retried PUT of what is stored already changes nothing.
    if conditions.if_match.is_none() && current.content.0 == content {
        return Ok(None);
    }
    let Some(expected) = &conditions.if_match else {
        return Err(ApiError::PreconditionRequired(format!(
            "A report for {} exists: send If-Match with its ETag to change it.",
            current.quarter
        )));
    };
    if !expected.matches(current.version) {
        return fresh(Guarded::Stale);
    }
    if !current.state.editable() {
        return Err(locked(current));
    }
    Ok(Some(content))
}

/// What a report PATCH may hold: `ReportContent` field by field.
pub type ReportContentPatch = MergePatch<ReportContent>;

enum Change {
    Replace(Box<ReportContent>),
    Patch(serde_json::Value),
}

/// Create or replace a quarterly report
///
/// Coordinators and admins. Creates the quarter's draft when there is none (no
/// precondition needed; `If-None-Match: *` makes sure), otherwise replaces the figures
/// of a draft or returned report, which needs `If-Match`. A submitted or accepted report
/// is locked (409). The quarter must lie in the project period, and every figure must
/// refer to the plan: its target groups, partners, budget lines, activities with
/// planned hours, and languages (of target groups, translations or communication
/// targets, or Dutch). Idempotent: the same body twice changes nothing.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "The report's ETag; required when it exists.", pattern = r#"^(\*|"[0-9]{1,18}"(, *"[0-9]{1,18}")*)$"#),
        ("If-None-Match" = Option<String>, Header, description = "`*`: create only.", pattern = r"^\*$"),
    ),
    request_body = ReportContent,
    responses(
        (status = 200, description = "Replaced.", body = QuarterlyReport, headers(("ETag" = String))),
        (status = 201, description = "Created.", body = QuarterlyReport, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[put("")]
pub async fn put_report(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(body)): Permitted<WriteReports, Json<ReportContent>>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (project, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let conditions = put_conditions(&req)?;
    let (row, due, created) = write(
        &db,
        &principal,
        project,
        quarter,
        conditions,
        Change::Replace(Box::new(body)),
    )
    .await?;
    if created {
        let mut response = HttpResponse::Created();
        response.insert_header((header::LOCATION, req.path().to_string()));
        Ok(respond(response, row, &due))
    } else {
        Ok(respond(HttpResponse::Ok(), row, &due))
    }
}

/// Update a quarterly report
///
/// Coordinators and admins. A JSON merge patch (RFC 7396) of the report's figures:
/// sections and fields sent replace (lists as a whole), `null` clears. Only a draft or
/// returned report changes.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
    ),
    request_body(
        description = "Any part of a `ReportContent`.",
        content(
            (ReportContentPatch = "application/merge-patch+json"),
            (ReportContentPatch = "application/json"),
        ),
    ),
    responses((status = 200, description = "Updated.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[patch("")]
pub async fn patch_report(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(body)): Permitted<WriteReports, Json<serde_json::Value>>,
    path: web::Path<(ProjectId, String)>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (project, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let mut conditions = put_conditions(&req)?;
    conditions.if_match = Some(expected);
    let (row, due, _) = write(
        &db,
        &principal,
        project,
        quarter,
        conditions,
        Change::Patch(body),
    )
    .await?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}
