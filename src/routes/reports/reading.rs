//! Reading reports: every quarter of the project with its report's state and due date,
//! and one quarter's report.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::try_join;
use serde::Serialize;
use utoipa::ToSchema;

use super::{QuarterlyReport, missing, quarter_of, respond};
use crate::auth::permit::{Allowed, ReadProjects};
use crate::db::Db;
use crate::domain::ProjectId;
use crate::domain::plan::Quarter;
use crate::domain::report::QuarterState;
use crate::error::ApiError;
use crate::monitoring::reports::{self, DueDates, ReportRow, ReportState};
use crate::routes::json_ok;
use crate::routes::parts::{no_such_project, owner_of, project_scope};

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

/// List the quarters and their reports
///
/// Every quarter of the project period with the state of its report, its due date and
/// whether it is due or overdue (in Dutch time).
#[utoipa::path(
    tag = "quarterly reports",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses((status = 200, description = "The quarters.", body = QuarterList))
)]
#[get("/quarterly-reports")]
pub async fn list_quarters(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let (reach, id) = (principal.reach(), path.into_inner());
    let items = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            let scope = project_scope(conn, org, id).await?;
            let (start, end) = scope.period();
            let rows = async { reports::all(conn, &scope).await.map_err(ApiError::from) };
            let due = async { DueDates::load(conn, &scope).await.map_err(ApiError::from) };
            let (rows, due) = try_join(rows, due).await?;
            let today = crate::models::today(conn).await?;
            Ok::<_, ApiError>(statuses(Quarter::spanning(start, end), &rows, &due, today))
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &QuarterList { items }))
}

/// The status of each of `quarters` on `today`, from the project's reports.
fn statuses(
    quarters: Vec<Quarter>,
    rows: &[ReportRow],
    due: &DueDates,
    today: NaiveDate,
) -> Vec<QuarterStatus> {
    quarters
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
            let open = !matches!(state, QuarterState::Submitted | QuarterState::Accepted);
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
        .collect()
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
#[get("")]
pub async fn get_report(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let reach = principal.reach();
    // One statement: the project, the report and its due dates.
    let found = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            Ok::<_, ApiError>(reports::read(conn, org, id, quarter).await?)
        })
        .await?;
    let (row, due) = found.ok_or_else(no_such_project)?;
    let row = row.ok_or_else(|| missing(quarter))?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}
