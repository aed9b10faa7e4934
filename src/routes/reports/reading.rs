//! Reading reports: every quarter of the project with its report's state and due date,
//! and one quarter's report.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::try_join;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{QuarterlyReport, missing, quarter_of, respond};
use crate::auth::permit::{Allowed, ReadReports};
use crate::db::Db;
use crate::db::monitoring::worklist;
use crate::domain::plan::Quarter;
use crate::domain::report::QuarterState;
use crate::domain::{FunderId, OrganisationId, ProjectId};
use crate::error::ApiError;
use crate::error::FieldError;
use crate::models::{Keyset, Page};
use crate::monitoring::reports::{self, DueDates, ReportRow, ReportState};
use crate::routes::extract::Query;
use crate::routes::json_ok;
use crate::routes::parts::{no_such_project, owner_of, project_scope};
use crate::routes::{PageParams, encode_cursor};

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
    tag = "quarterly-reports",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses((status = 200, description = "The quarters.", body = QuarterList))
)]
#[get("/quarterly-reports")]
pub async fn list_quarters(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
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
            let stored = |quarter| {
                rows.iter()
                    .find(|r: &&ReportRow| r.quarter == quarter)
                    .map(|r| (r.state, r.revision, r.updated_at))
            };
            Ok::<_, ApiError>(statuses(Quarter::spanning(start, end), stored, &due, today))
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &QuarterList { items }))
}

/// What a quarter's status needs of its report: state, revision, last change.
type Stored = (ReportState, i32, DateTime<Utc>);

/// The status of each of `quarters` on `today`, from the project's reports (`stored`
/// finds a quarter's).
fn statuses(
    quarters: Vec<Quarter>,
    stored: impl Fn(Quarter) -> Option<Stored>,
    due: &DueDates,
    today: NaiveDate,
) -> Vec<QuarterStatus> {
    quarters
        .into_iter()
        .map(|quarter| {
            let row = stored(quarter);
            let state = match row.map(|r| r.0) {
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
                revision: row.map(|r| r.1),
                due_on,
                due: is_due,
                overdue: is_due && today > due_on,
                updated_at: row.map(|r| r.2),
            }
        })
        .collect()
}

/// Get a quarterly report
#[utoipa::path(
    tag = "quarterly-reports",
    params(
        ("project_id" = uuid::Uuid, Path, description = "The project's id."),
        ("quarter" = String, Path, description = "The quarter, e.g. `2026-Q3`.", pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$"),
    ),
    responses((status = 200, description = "The report.", body = QuarterlyReport, headers(("ETag" = String))))
)]
#[get("")]
pub async fn get_report(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    path: web::Path<(ProjectId, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, raw) = path.into_inner();
    let quarter = quarter_of(&raw)?;
    let reach = principal.reach();
    // One statement: the report and its due dates (a second when there is no report).
    let found = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            Ok::<_, ApiError>(reports::read(conn, org, id, quarter).await?)
        })
        .await?;
    let (row, due) = found
        .ok_or_else(no_such_project)?
        .ok_or_else(|| missing(quarter))?;
    Ok(respond(HttpResponse::Ok(), row, &due))
}

/// One quarter of one project on the work list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkItem {
    pub project_id: ProjectId,
    #[schema(example = "Mantelzorg in de wijk")]
    pub project_name: String,
    /// The organisation the project belongs to (a funder account's list spans several).
    pub organisation_id: OrganisationId,
    #[serde(flatten)]
    pub status: QuarterStatus,
}

/// One page of the work list.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkList {
    pub items: Vec<WorkItem>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging for the work list; filters combine.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkListQuery {
    /// Only quarters whose report is in this state (`not_started` for none yet).
    pub state: Option<QuarterState>,
    /// Only quarters that are due (`true`: ended, not submitted or accepted) or not.
    pub due: Option<bool>,
    /// Only quarters past their due date and still due (`true`), or not.
    pub overdue: Option<bool>,
    /// Only projects with a live fund application to this funder of the register.
    pub funder_id: Option<FunderId>,
    /// From this quarter on, e.g. `2026-Q1`.
    #[param(value_type = Option<String>, pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$")]
    pub from: Option<Quarter>,
    /// Up to this quarter, e.g. `2026-Q4`.
    #[param(value_type = Option<String>, pattern = r"^(20[0-9]{2}|2100)-Q[1-4]$")]
    pub to: Option<Quarter>,
    /// How many items to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(
        pattern = r"^[0-9]{1,16}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

/// List the work: quarters across projects
///
/// Every quarter of every project the caller reaches (its organisation's own; for a
/// funder account, those shared with it, across organisations), with its report's state
/// and due date, ordered by quarter, then project. A coordinator's "what is due"
/// (`due=true`) and a funder's "what waits for my review" (`state=submitted`) are one
/// request each. A funder account never sees a draft: its quarters without a report
/// past draft read `not_started`.
#[utoipa::path(
    tag = "quarterly-reports",
    params(WorkListQuery),
    responses((status = 200, description = "One page of quarters.", body = WorkList))
)]
#[get("/quarterly-reports")]
pub async fn list_work(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    Query(query): Query<WorkListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .validate()
    .map_err(|e| ApiError::Validation(vec![e]))?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(ApiError::Validation(vec![FieldError::parameter(
            "to",
            "must not be before from",
        )]));
    }
    let reach = principal.reach();
    let funder = query.funder_id;
    let (data, today) = db
        .reading(reach, async move |conn| {
            let data = worklist::load(conn, reach, funder).await?;
            Ok::<_, ApiError>((data, crate::models::today(conn).await?))
        })
        .await?;
    let mut items: Vec<WorkItem> = Vec::new();
    for project in &data.projects {
        let quarters: Vec<Quarter> = Quarter::spanning(project.start_date, project.end_date)
            .into_iter()
            .filter(|q| query.from.is_none_or(|from| *q >= from))
            .filter(|q| query.to.is_none_or(|to| *q <= to))
            .collect();
        let stored = |quarter| {
            data.reports
                .iter()
                .find(|r| r.project_id == project.id && r.quarter == quarter)
                .map(|r| (r.state, r.revision, r.updated_at))
        };
        let due = data.due_dates(project);
        for status in statuses(quarters, stored, &due, today) {
            if query.state.is_some_and(|s| s != status.state)
                || query.due.is_some_and(|d| d != status.due)
                || query.overdue.is_some_and(|o| o != status.overdue)
            {
                continue;
            }
            items.push(WorkItem {
                project_id: project.id,
                project_name: project.name.clone(),
                organisation_id: project.organisation_id,
                status,
            });
        }
    }
    let key = |item: &WorkItem| Keyset {
        created_at: item
            .status
            .quarter
            .first_day()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc(),
        id: item.project_id.as_uuid(),
    };
    items.sort_by_key(|item| (key(item).created_at, key(item).id));
    if let Some(after) = page.after {
        items.retain(|item| (key(item).created_at, key(item).id) > (after.created_at, after.id));
    }
    let page = Page::from_rows(items, page.limit, key);
    Ok(json_ok(
        HttpResponse::Ok(),
        &WorkList {
            next_cursor: page.next.as_ref().map(encode_cursor),
            items: page.items,
        },
    ))
}
