//! Quarterly reports: the quarters of a project and their state, one report per quarter
//! (create, replace, patch), the workflow (submit, accept, return, reopen), revisions
//! and the audit trail.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::{Json, parse_json};
use super::merge_patch::MergePatch;
use super::parts::{project_missing, project_scope};
use super::{fresh, json_ok, parse_if_match, with_etag};
use crate::auth::Principal;
use crate::auth::permit::{Allowed, Permitted, ReadProjects, ReviewReports, WriteProjects};
use crate::db::Db;
use crate::db::monitoring::plan_refs;
use crate::db::scope::ProjectScope;
use crate::domain::ProjectId;
use crate::domain::plan::Quarter;
use crate::domain::report::QuarterState;
use crate::error::{ApiError, FieldError};
use crate::models::project as projects;
use crate::models::{Guarded, Precondition};
use crate::monitoring::content::{
    self, Budget, CommunicationEffort, Narrative, Network, Reach, ReportContent,
};
use crate::monitoring::progress::{self, Include, Progress};
use crate::monitoring::reports::{
    self, DueDates, ReportAction, ReportEvent, ReportRevision, ReportRow, ReportState,
};

/// One quarter of the project period.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterStatus {
    pub quarter: Quarter,
    pub state: QuarterState,
    /// The report's revision; `null` when not started.
    pub revision: Option<i32>,
    /// The organisation's `report_due_days` after the quarter, or the earliest date a
    /// fund application's reporting duty names for it.
    pub due_on: NaiveDate,
    /// The quarter has ended and its report is not submitted or accepted.
    pub due: bool,
    /// Due, and past its due date.
    pub overdue: bool,
    pub updated_at: Option<DateTime<Utc>>,
}

/// Every quarter of the project period, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterList {
    pub items: Vec<QuarterStatus>,
}

/// A quarterly report.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterlyReport {
    pub id: Uuid,
    pub project_id: ProjectId,
    pub quarter: Quarter,
    pub state: ReportState,
    /// 1, raised by every reopen.
    pub revision: i32,
    pub due_on: NaiveDate,
    // The content's sections, spelled out rather than flattened: `ReportContent`
    // refuses unknown fields, which an `allOf` of it and these fields would inherit.
    pub reach: Reach,
    pub network: Network,
    pub communication: Vec<CommunicationEffort>,
    pub budget: Budget,
    pub narrative: Narrative,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn report_body(row: ReportRow, due: &DueDates) -> QuarterlyReport {
    let ReportContent {
        reach,
        network,
        communication,
        budget,
        narrative,
    } = row.content.0;
    QuarterlyReport {
        id: row.id,
        project_id: row.project_id,
        quarter: row.quarter,
        state: row.state,
        revision: row.revision,
        due_on: due.due_on(row.quarter),
        reach,
        network,
        communication,
        budget,
        narrative,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The report's closed revisions and the current one.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRevisions {
    /// Oldest first.
    pub closed: Vec<ReportRevision>,
    pub current: QuarterlyReport,
}

/// The report's audit trail, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportEventList {
    pub items: Vec<ReportEvent>,
}

/// Why a report is returned or reopened.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// Required to return or reopen; 1 to 4000 characters.
    #[schema(example = "The reach per target group is missing.", max_length = 4000)]
    pub reason: Option<String>,
}

fn quarter_of(raw: &str) -> Result<Quarter, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::NotFound(format!("No such quarter: {raw:?}; write it as 2026-Q3.")))
}

fn inside(scope: &ProjectScope, quarter: Quarter) -> Result<(), ApiError> {
    let (start, end) = scope.period();
    quarter
        .check_within(start, end)
        .map(|_| ())
        .map_err(|message| ApiError::Validation(vec![FieldError::parameter("quarter", message)]))
}

fn missing(quarter: Quarter) -> ApiError {
    ApiError::NotFound(format!("There is no report for {quarter} yet."))
}

/// The report of `quarter`, or 404; `lock` takes it FOR UPDATE.
async fn existing(
    conn: &mut diesel_async::AsyncPgConnection,
    scope: &ProjectScope,
    quarter: Quarter,
    lock: bool,
) -> Result<ReportRow, ApiError> {
    reports::find(conn, scope, quarter, lock)
        .await?
        .ok_or_else(|| missing(quarter))
}

fn locked(row: &ReportRow) -> ApiError {
    ApiError::Transition {
        detail: format!(
            "The report for {} is {} and locked; an admin can reopen it to correct it.",
            row.quarter, row.state
        ),
        allowed: ReportAction::allowed(row.state)
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

fn respond(
    response: actix_web::HttpResponseBuilder,
    row: ReportRow,
    due: &DueDates,
) -> HttpResponse {
    let version = row.version;
    json_ok(with_etag(response, version), &report_body(row, due))
}

/// List the quarters and their reports
///
/// Every quarter of the project period with the state of its report, its due date and
/// whether it is due or overdue (in Dutch time).
#[utoipa::path(
    tag = "quarterly reports",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses((status = 200, description = "The quarters.", body = QuarterList))
)]
#[get("/projects/{project_id}/quarterly-reports")]
pub async fn list_quarters(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let items = db
        .tenant(org, async move |conn| {
            let scope = project_scope(conn, org, id).await?;
            let (start, end) = scope.period();
            let rows = reports::all(conn, &scope).await?;
            let due = DueDates::load(conn, &scope).await?;
            let today = crate::models::today(conn).await?;
            Ok::<_, ApiError>(
                Quarter::spanning(start, end)
                    .into_iter()
                    .map(|quarter| {
                        let row = rows.iter().find(|r| r.quarter == quarter);
                        let state = match row.map(|r| r.state) {
                            None => QuarterState::NotStarted,
                            Some(ReportState::Draft) => QuarterState::Draft,
                            Some(ReportState::Submitted) => QuarterState::Submitted,
                            Some(ReportState::Accepted) => QuarterState::Accepted,
                            Some(ReportState::Returned) => QuarterState::Returned,
                        };
                        let due_on = due.due_on(quarter);
                        let open =
                            !matches!(state, QuarterState::Submitted | QuarterState::Accepted);
                        let is_due = open && today > quarter.last_day();
                        QuarterStatus {
                            quarter,
                            state,
                            revision: row.map(|r| r.revision),
                            due_on,
                            due: is_due,
                            overdue: is_due && today > due_on,
                            updated_at: row.map(|r| r.updated_at),
                        }
                    })
                    .collect::<Vec<_>>(),
            )
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &QuarterList { items }))
}

/// Get a quarterly report
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
    ),
    responses((status = 200, description = "The report.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[get("/projects/{project_id}/quarterly-reports/{quarter}")]
pub async fn get_report(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let org = principal.organisation_id;
    let (row, due) = db
        .tenant(org, async move |conn| {
            let scope = project_scope(conn, org, id).await?;
            let row = existing(conn, &scope, quarter, false).await?;
            Ok::<_, ApiError>((row, DueDates::load(conn, &scope).await?))
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}

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
        let current = reports::find(conn, &scope, quarter, true).await?;
        let refs = plan_refs(conn, &scope).await?;
        let due = DueDates::load(conn, &scope).await?;
        match current {
            None => {
                let Change::Replace(content) = change else {
                    return Err(missing(quarter));
                };
                // Any If-Match, even `*`, needs a current report (RFC 9110 13.1.1).
                if conditions.if_match.is_some() {
                    return fresh(Guarded::Stale);
                }
                let content = content::validate(&refs, *content)?;
                match reports::create(conn, &scope, quarter, content)
                    .await
                    .map_err(ApiError::from)
                {
                    Ok(row) => Ok((row, due, true)),
                    // Another request created it meanwhile.
                    Err(ApiError::Conflict { .. }) if conditions.create_only => {
                        fresh(Guarded::Stale)
                    }
                    Err(e) => Err(e),
                }
            }
            Some(current) => {
                let content = match change {
                    Change::Replace(content) => *content,
                    Change::Patch(patch) => merge(&current.content.0, patch)?,
                };
                let content = content::validate(&refs, content)?;
                if conditions.create_only {
                    return fresh(Guarded::Stale);
                }
                // A retried PUT of what is stored already changes nothing.
                if conditions.if_match.is_none() && current.content.0 == content {
                    return Ok((current, due, false));
                }
                let Some(expected) = conditions.if_match else {
                    return Err(ApiError::PreconditionRequired(format!(
                        "A report for {quarter} exists: send If-Match with its ETag to change it."
                    )));
                };
                if !expected.matches(current.version) {
                    return fresh(Guarded::Stale);
                }
                if !current.state.editable() {
                    return Err(locked(&current));
                }
                let row = reports::update(conn, &current, content).await?;
                Ok((row, due, false))
            }
        }
    })
    .await
}

/// What a report PATCH may hold: `ReportContent` field by field.
pub type ReportContentPatch = MergePatch<ReportContent>;

enum Change {
    Replace(Box<ReportContent>),
    Patch(serde_json::Value),
}

fn merge(current: &ReportContent, patch: serde_json::Value) -> Result<ReportContent, ApiError> {
    if !patch.is_object() {
        return Err(ApiError::field(
            "",
            "must be a JSON object with the parts to change",
        ));
    }
    let mut document = serde_json::to_value(current).map_err(ApiError::internal)?;
    super::merge_patch::merge(&mut document, patch);
    let bytes = serde_json::to_vec(&document).map_err(ApiError::internal)?;
    parse_json(&bytes)
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
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "The report's ETag; required when it exists."),
        ("If-None-Match" = Option<String>, Header, description = "`*`: create only."),
    ),
    request_body = ReportContent,
    responses(
        (status = 200, description = "Replaced.", body = QuarterlyReport, headers(("ETag" = String))),
        (status = 201, description = "Created.", body = QuarterlyReport, headers(("ETag" = String), ("Location" = String))),
    )
)]
#[put("/projects/{project_id}/quarterly-reports/{quarter}")]
pub async fn put_report(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(body)): Permitted<WriteProjects, Json<ReportContent>>,
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
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
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
#[patch("/projects/{project_id}/quarterly-reports/{quarter}")]
pub async fn patch_report(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(body)): Permitted<WriteProjects, Json<serde_json::Value>>,
    path: web::Path<(ProjectId, String)>,
    super::IfMatch(expected): super::IfMatch,
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
    let request: ActionRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ActionRequest { reason: None }
    } else {
        parse_json(&body)?
    };
    let reason = match request.reason {
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
    };
    let org = principal.organisation_id;
    let (row, due) = db
        .acting(principal.acting(), async move |conn| {
            let scope = project_scope(conn, org, project).await?;
            let current = existing(conn, &scope, quarter, true).await?;
            if !expected.matches(current.version) {
                return fresh(Guarded::Stale);
            }
            let allowed = ReportAction::allowed(current.state);
            if !allowed.contains(&action) {
                return Err(ApiError::Transition {
                    detail: format!(
                        "A {} report cannot be {}; allowed: {}.",
                        current.state,
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
                });
            }
            let row = reports::act(conn, &current, action, reason.as_deref()).await?;
            Ok::<_, ApiError>((row, DueDates::load(conn, &scope).await?))
        })
        .await?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}

/// Submit a quarterly report
///
/// Coordinators and admins. Draft or returned → submitted; the report is then locked.
/// No `If-Match` needed (one sent is honoured); the body is optional.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag."),
    ),
    request_body(content = Option<ActionRequest>, description = "Optional."),
    responses((status = 200, description = "Submitted.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/projects/{project_id}/quarterly-reports/{quarter}/submit")]
pub async fn submit_report(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<WriteProjects>,
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
/// Admins (funders later). Submitted → accepted.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag."),
    ),
    request_body(content = Option<ActionRequest>, description = "Optional."),
    responses((status = 200, description = "Accepted.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/projects/{project_id}/quarterly-reports/{quarter}/accept")]
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
/// Admins (funders later). Submitted → returned, with a `reason`. The revision that was
/// submitted is closed (it stays readable at `…/revisions/{revision}`) and a new one
/// starts, which the coordinator can change and submit again.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag."),
    ),
    request_body = ActionRequest,
    responses((status = 200, description = "Returned.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/projects/{project_id}/quarterly-reports/{quarter}/return")]
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
/// Admins. Submitted or accepted → draft, with a `reason`. The revision is closed (it
/// stays readable at `…/revisions/{revision}`) and a new one starts.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
        ("If-Match" = Option<String>, Header, description = "Optional: the report's ETag."),
    ),
    request_body = ActionRequest,
    responses((status = 200, description = "Reopened.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[post("/projects/{project_id}/quarterly-reports/{quarter}/reopen")]
pub async fn reopen_report(
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
        ReportAction::Reopen,
    )
    .await
}

/// List a report's revisions
///
/// Every closed revision (as it was when returned or reopened) and the current one.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
    ),
    responses((status = 200, description = "The revisions.", body = ReportRevisions))
)]
#[get("/projects/{project_id}/quarterly-reports/{quarter}/revisions")]
pub async fn list_revisions(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let org = principal.organisation_id;
    let body = db
        .tenant(org, async move |conn| {
            let scope = project_scope(conn, org, id).await?;
            let row = existing(conn, &scope, quarter, false).await?;
            let closed = reports::revisions(conn, row.id).await?;
            let due = DueDates::load(conn, &scope).await?;
            Ok::<_, ApiError>(ReportRevisions {
                closed,
                current: report_body(row, &due),
            })
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Get one closed revision of a report
///
/// A revision as it was closed by a return or a reopen: its state then and its figures,
/// whole. The revision still open is the report itself.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
        ("revision" = i32, Path, description = "The revision's number, from 1.", minimum = 1),
    ),
    responses((status = 200, description = "The closed revision.", body = ReportRevision))
)]
#[get("/projects/{project_id}/quarterly-reports/{quarter}/revisions/{revision}")]
pub async fn get_revision(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<(ProjectId, String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw, revision) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            let scope = project_scope(conn, org, id).await?;
            let row = existing(conn, &scope, quarter, false).await?;
            let closed = reports::revision(conn, row.id, revision).await?;
            Ok::<_, ApiError>(closed.ok_or_else(|| {
                ApiError::NotFound(if revision == row.revision {
                    format!(
                        "Revision {revision} of {quarter} is still open; it is the report itself."
                    )
                } else {
                    format!("The report for {quarter} has no closed revision {revision}.")
                })
            }))
        })
        .await??;
    Ok(json_ok(HttpResponse::Ok(), &found))
}

/// Get a report's audit trail
///
/// Who created, changed, submitted, accepted, returned or reopened it, when, and why.
#[utoipa::path(
    tag = "quarterly reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^[0-9]{4}-Q[1-4]$"),
    ),
    responses((status = 200, description = "The audit trail.", body = ReportEventList))
)]
#[get("/projects/{project_id}/quarterly-reports/{quarter}/events")]
pub async fn list_events(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let org = principal.organisation_id;
    let items = db
        .tenant(org, async move |conn| {
            let scope = project_scope(conn, org, id).await?;
            let row = existing(conn, &scope, quarter, false).await?;
            Ok::<_, ApiError>(reports::events(conn, row.id).await?)
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &ReportEventList { items }))
}

/// Which reports count towards progress.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// `accepted`: only accepted reports; `submitted` (default): submitted and accepted;
    /// `draft`: every report.
    pub include: Option<Include>,
}

/// Get progress against the plan
///
/// Per quarter and cumulatively: targets against actuals for reach (per target group),
/// partners (by ladder level), communication (per channel and language), hours (per
/// activity) and spend (per budget line and category), with the variance (actual minus
/// planned). Counts are whole numbers; hours and euros have two decimals.
#[utoipa::path(
    tag = "quarterly reports",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id."), ProgressQuery),
    responses((status = 200, description = "Progress.", body = Progress))
)]
#[get("/projects/{project_id}/progress")]
pub async fn get_progress(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<ProjectId>,
    super::extract::Query(query): super::extract::Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let include = query.include.unwrap_or_default();
    let progress = db
        .snapshot(org, async move |conn| {
            let project = projects::find(conn, org, id)
                .await
                .map_err(project_missing)?;
            let scope = ProjectScope::new(project);
            progress::compute(conn, &scope, include).await
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &progress))
}
