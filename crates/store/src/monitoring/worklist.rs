//! The work list: every quarter of every project a caller reaches, with its report's
//! state and due date, read in four pipelined statements (one round trip) whatever the
//! number of projects. No report content is read.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use crate::domain::plan::{FundStatus, Quarter, ReportingDuty};
use crate::domain::{FunderId, OrganisationId, ProjectId};
use crate::error::StoreResult;
use crate::functions::app_funder_projects;
use crate::json::JsonDoc;
use crate::monitoring::reports::{DueDates, ReportState};
use crate::schema::{fund_applications, organisations, projects, quarterly_reports};
use crate::scope::Reach;

/// A project on the work list.
#[derive(Debug, Clone, Queryable)]
pub struct WorkProject {
    pub id: ProjectId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// A report as the work list needs it.
#[derive(Debug, Clone, Queryable)]
pub struct WorkReport {
    pub project_id: ProjectId,
    pub quarter: Quarter,
    pub state: ReportState,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

/// What the work list is computed from.
pub struct WorkData {
    pub projects: Vec<WorkProject>,
    pub reports: Vec<WorkReport>,
    duties: Vec<(ProjectId, JsonDoc<Vec<ReportingDuty>>)>,
    due_days: Vec<(OrganisationId, i32)>,
}

impl WorkData {
    /// When each quarter of `project` is due.
    pub fn due_dates(&self, project: &WorkProject) -> DueDates {
        DueDates {
            days: self
                .due_days
                .iter()
                .find(|(org, _)| *org == project.organisation_id)
                .map_or(30, |(_, days)| *days),
            duties: self
                .duties
                .iter()
                .filter(|(id, _)| *id == project.id)
                .flat_map(|(_, duties)| duties.0.iter().cloned())
                .collect(),
        }
    }
}

/// Applications that still oblige a report.
const LIVE: [FundStatus; 2] = [FundStatus::Rejected, FundStatus::Withdrawn];

/// The projects `reach` reaches (only those with a live application to `funder`, when
/// given), their reports, reporting duties and the due days of their organisations.
pub async fn load(conn: &Conn, reach: Reach, funder: Option<FunderId>) -> StoreResult<WorkData> {
    let mut project_query = projects::table.into_boxed();
    let mut report_query = quarterly_reports::table.into_boxed();
    let mut duty_query = fund_applications::table
        .filter(fund_applications::status.ne_all(LIVE))
        .into_boxed();
    let mut days_query = organisations::table.into_boxed();
    match reach {
        Reach::Own(org) => {
            project_query = project_query.filter(projects::organisation_id.eq(org));
            report_query = report_query.filter(quarterly_reports::organisation_id.eq(org));
            duty_query = duty_query.filter(fund_applications::organisation_id.eq(org));
            days_query = days_query.filter(organisations::id.eq(org));
        }
        Reach::Shared(_) => {
            let shared = || diesel::select(app_funder_projects());
            project_query = project_query.filter(projects::id.eq_any(shared()));
            report_query = report_query.filter(quarterly_reports::project_id.eq_any(shared()));
            duty_query = duty_query.filter(fund_applications::project_id.eq_any(shared()));
            days_query = days_query.filter(
                organisations::id.eq_any(
                    projects::table
                        .filter(projects::id.eq_any(shared()))
                        .select(projects::organisation_id),
                ),
            );
        }
    }
    if let Some(funder) = funder {
        project_query = project_query.filter(
            projects::id.eq_any(
                fund_applications::table
                    .filter(fund_applications::funder_id.eq(funder))
                    .filter(fund_applications::status.ne_all(LIVE))
                    .select(fund_applications::project_id),
            ),
        );
    }
    let projects = crate::query!(
        conn,
        project_query
            .order((projects::created_at, projects::id))
            .select((
                projects::id,
                projects::organisation_id,
                projects::name,
                projects::start_date,
                projects::end_date,
            )),
        load
    );
    let reports = crate::query!(
        conn,
        report_query.select((
            quarterly_reports::project_id,
            quarterly_reports::quarter,
            quarterly_reports::state,
            quarterly_reports::revision,
            quarterly_reports::updated_at,
        )),
        load
    );
    let duties = crate::query!(
        conn,
        duty_query.select((
            fund_applications::project_id,
            fund_applications::reporting_duties
        )),
        load
    );
    let due_days = crate::query!(
        conn,
        days_query.select((organisations::id, organisations::report_due_days)),
        load
    );
    let (projects, reports, duties, due_days) =
        futures_util::future::try_join4(projects, reports, duties, due_days).await?;
    Ok(WorkData {
        projects,
        reports,
        duties,
        due_days,
    })
}
