//! A report's workflow: submit, accept, return and reopen, each a move its state must
//! allow, with a reason where the move needs one.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{QuarterlyReport, existing, quarter_of, respond};
use crate::auth::Principal;
use crate::auth::permit::{Allowed, ReopenReports, ReviewReports, SubmitReports};
use crate::db::Db;
use crate::db::scope::ProjectScope;
use crate::domain::ProjectId;
use crate::domain::organisation::AccountKind;
use crate::error::ApiError;
use crate::models::{Guarded, Precondition};
use crate::monitoring::reports::{self, DueDates, ReportAction, ReportState};
use crate::routes::extract::parse_json;
use crate::routes::parts::project_scope;
use crate::routes::{fresh, parse_if_match};

/// A note with a submission or an acceptance.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// 1 to 4000 characters, not only spaces.
    #[schema(
        example = "The reach per target group is missing.",
        min_length = 1,
        max_length = 4000,
        pattern = r"\S"
    )]
    pub reason: Option<String>,
}

/// Why a report is returned or reopened (the body of those two moves, as documented; it
/// is read as an [`ActionRequest`], whose missing reason is then the 422).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body; never built
pub struct ReasonRequest {
    /// 1 to 4000 characters, not only spaces.
    #[schema(
        example = "The reach per target group is missing.",
        min_length = 1,
        max_length = 4000,
        pattern = r"\S"
    )]
    pub reason: String,
}

/// One move of the workflow, as the four handlers below call it: `If-Match` is optional,
/// the body too (unless the move needs a reason).
async fn act(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Principal,
    path: web::Path<(ProjectId, String)>,
    body: web::Bytes,
    action: ReportAction,
) -> Result<HttpResponse, ApiError> {
    let (project, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let expected = match req.headers().get(header::IF_MATCH) {
        Some(value) => parse_if_match(Some(value))?,
        None => Precondition::Any,
    };
    let reason = reason(&body, action)?;
    if principal.kind == AccountKind::Funder {
        return review_as_funder(db, principal, project, quarter, expected, reason, action).await;
    }
    let org = principal.organisation_id;
    let (row, due) = db
        .acting(principal.acting(), async move |conn| {
            let scope = project_scope(conn, org, project).await?;
            let current = existing(conn, &scope, quarter, true).await?;
            if !expected.matches(current.version) {
                return fresh(Guarded::Stale);
            }
            allows(current.state, action)?;
            let row = reports::act(conn, &current, action, reason.as_deref()).await?;
            Ok::<_, ApiError>((row, DueDates::load(conn, &scope).await?))
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}

/// A funder account's review: as the funder role, which may move a submitted report of
/// a project it reviews to accepted or returned and nothing else. A report it may read
/// but not move is one the organisation reviews (403).
async fn review_as_funder(
    db: web::Data<Db>,
    principal: Principal,
    project: ProjectId,
    quarter: crate::domain::plan::Quarter,
    expected: Precondition,
    reason: Option<String>,
    action: ReportAction,
) -> Result<HttpResponse, ApiError> {
    let reach = principal.reach();
    let (row, due) = db
        .shared_acting(principal.acting(), async move |conn| {
            let org = crate::models::project::owner(conn, reach, project)
                .await
                .map_err(crate::routes::parts::project_missing)?;
            let found = crate::models::project::find(conn, org, project)
                .await
                .map_err(crate::routes::parts::project_missing)?;
            let scope = ProjectScope::new(found);
            let current = existing(conn, &scope, quarter, false).await?;
            if !expected.matches(current.version) {
                return fresh(Guarded::Stale);
            }
            allows(current.state, action)?;
            let row = match reports::act(conn, &current, action, reason.as_deref()).await {
                Err(crate::db::StoreError::Query(crate::db::QueryError::NotFound)) => {
                    return Err(ApiError::Forbidden(
                        "The organisation reviews this project's reports, not this funder account."
                            .into(),
                    ));
                }
                other => other?,
            };
            Ok::<_, ApiError>((row, DueDates::load(conn, &scope).await?))
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}

/// The reason in an action's body (which may be empty), checked; required for the
/// moves that need one.
fn reason(body: &[u8], action: ReportAction) -> Result<Option<String>, ApiError> {
    // No body, or JSON null, as the document allows for the moves without a reason.
    let trimmed = body.trim_ascii();
    let request: ActionRequest = if trimmed.is_empty() || trimmed == b"null" {
        ActionRequest { reason: None }
    } else {
        parse_json(body)?
    };
    Ok(match request.reason {
        Some(reason) => Some(
            crate::domain::text::bounded(&reason, 1, 4000)
                .map_err(|m| ApiError::field("/reason", m))?,
        ),
        None if action.needs_reason() => {
            return Err(ApiError::field(
                "/reason",
                format!("is required to {action} a report"),
            ));
        }
        None => None,
    })
}

/// A 409 naming the moves allowed, unless a report in `state` allows `action`.
fn allows(state: ReportState, action: ReportAction) -> Result<(), ApiError> {
    let allowed = ReportAction::allowed(state);
    if allowed.contains(&action) {
        return Ok(());
    }
    Err(ApiError::Transition {
        detail: format!(
            "A {} report cannot be {}; allowed: {}.",
            state,
            action.event(),
            if allowed.is_empty() {
                "nothing".to_string()
            } else {
                allowed
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        allowed: allowed.iter().map(ToString::to_string).collect(),
    })
}

/// Submit a quarterly report
///
/// Coordinators and admins. Draft or returned → submitted; the report is then locked.
/// No `If-Match` needed (one sent is honoured); the body is optional.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag.", pattern = r#"^(\*|"[0-9]{1,18}"(, *"[0-9]{1,18}")*)$"#),
    ),
    request_body(content = Option<ActionRequest>, description = "Optional."),
    responses((status = 200, description = "Submitted.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/submit")]
pub async fn submit_report(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<SubmitReports>,
    path: web::Path<(ProjectId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        db,
        principal.into_inner(),
        path,
        body,
        ReportAction::Submit,
    )
    .await
}

/// Accept a quarterly report
///
/// Submitted → accepted. Where a fund application of the project says the funder
/// reviews and the funder's account is linked, only that account's reviewers and admins
/// accept (an organisation's admin gets 403); otherwise an admin of the organisation
/// other than the one who submitted the report (409 for that one).
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag.", pattern = r#"^(\*|"[0-9]{1,18}"(, *"[0-9]{1,18}")*)$"#),
    ),
    request_body(content = Option<ActionRequest>, description = "Optional."),
    responses((status = 200, description = "Accepted.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/accept")]
pub async fn accept_report(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReviewReports>,
    path: web::Path<(ProjectId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        db,
        principal.into_inner(),
        path,
        body,
        ReportAction::Accept,
    )
    .await
}

/// Return a quarterly report
///
/// Submitted → returned, with a `reason`, by whoever reviews the project's reports (see
/// accept: the linked funder account's reviewers and admins, or the organisation's
/// admins). The revision that was
/// submitted is closed (it stays readable at `…/revisions/{revision}`) and a new one
/// starts, which the coordinator can change and submit again.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag.", pattern = r#"^(\*|"[0-9]{1,18}"(, *"[0-9]{1,18}")*)$"#),
    ),
    request_body = ReasonRequest,
    responses((status = 200, description = "Returned.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/return")]
pub async fn return_report(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReviewReports>,
    path: web::Path<(ProjectId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        db,
        principal.into_inner(),
        path,
        body,
        ReportAction::Return,
    )
    .await
}

/// Reopen a quarterly report
///
/// The organisation's admins, whoever reviews. Submitted or accepted → draft, with a
/// `reason`. The revision is closed (it
/// stays readable at `…/revisions/{revision}`) and a new one starts.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag.", pattern = r#"^(\*|"[0-9]{1,18}"(, *"[0-9]{1,18}")*)$"#),
    ),
    request_body = ReasonRequest,
    responses((status = 200, description = "Reopened.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/reopen")]
pub async fn reopen_report(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReopenReports>,
    path: web::Path<(ProjectId, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    act(
        req,
        db,
        principal.into_inner(),
        path,
        body,
        ReportAction::Reopen,
    )
    .await
}
