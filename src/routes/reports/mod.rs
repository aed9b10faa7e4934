//! Quarterly reports: the quarters of a project and their state, one report per quarter
//! (create, replace, patch), the workflow (submit, accept, return, reopen), revisions
//! and the audit trail, and progress against the plan. The handlers are in a file per
//! theme ([`reading`], [`writing`], [`workflow`], [`history`], [`progress`]) and named
//! here as before; what they share (the report's wire form, the quarter in the path,
//! the report's lookup and answer) is here.

mod history;
mod progress;
mod reading;
mod workflow;
mod writing;

use actix_web::{HttpResponse, HttpResponseBuilder};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{json_ok, with_etag};
use crate::db::Conn;
use crate::db::scope::ProjectScope;
use crate::domain::ProjectId;
use crate::domain::plan::Quarter;
use crate::error::{ApiError, FieldError};
use crate::monitoring::content::{
    Budget, CommunicationEffort, Narrative, Network, Reach, ReportContent,
};
use crate::monitoring::reports::{self, DueDates, ReportAction, ReportRow, ReportState};

pub use history::{ReportEventList, ReportRevisions, get_revision, list_events, list_revisions};
pub use progress::{ProgressQuery, get_progress};
pub use reading::{QuarterList, QuarterStatus, WorkList, get_report, list_quarters, list_work};
pub use workflow::{ActionRequest, accept_report, reopen_report, return_report, submit_report};
pub use writing::{ReportContentPatch, patch_report, put_report};

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
    conn: &Conn,
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

fn respond(response: HttpResponseBuilder, row: ReportRow, due: &DueDates) -> HttpResponse {
    let version = row.version;
    json_ok(with_etag(response, version), &report_body(row, due))
}
