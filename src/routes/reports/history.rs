//! A report's past: its closed revisions (as they were when returned or reopened) and
//! its audit trail.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{QuarterlyReport, existing, quarter_of, report_body};
use crate::auth::permit::{Allowed, ReadReports};
use crate::db::Db;
use crate::domain::ProjectId;
use crate::error::ApiError;
use crate::monitoring::reports::{self, DueDates, ReportEvent, ReportRevision};
use crate::routes::json_ok;
use crate::routes::parts::{owner_of, project_scope};

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

/// List a report's revisions
///
/// Every closed revision (as it was when returned or reopened) and the current one.
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
    ),
    responses((status = 200, description = "The revisions.", body = ReportRevisions))
)]
#[get("/revisions")]
pub async fn list_revisions(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let reach = principal.reach();
    let body = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
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
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
        ("revision" = i32, Path, description = "The revision's number, from 1.", minimum = 1, maximum = 2147483647),
    ),
    responses((status = 200, description = "The closed revision.", body = ReportRevision))
)]
#[get("/revisions/{revision}")]
pub async fn get_revision(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    path: web::Path<(ProjectId, String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw, revision) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let reach = principal.reach();
    let found = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
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
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
    ),
    responses((status = 200, description = "The audit trail.", body = ReportEventList))
)]
#[get("/events")]
pub async fn list_events(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let reach = principal.reach();
    let items = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            let scope = project_scope(conn, org, id).await?;
            let row = existing(conn, &scope, quarter, false).await?;
            Ok::<_, ApiError>(reports::events(conn, row.id).await?)
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &ReportEventList { items }))
}
