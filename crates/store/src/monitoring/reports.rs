//! Quarterly reports: storage, the workflow and its audit trail.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable, Selectable, SelectableHelper};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::ProjectId;
use crate::domain::plan::ReportingDuty;
use crate::domain::plan::{FundStatus, Quarter};
use crate::domain::report::content::{PlanRef, ReportContent};
pub use crate::domain::report::{ReportAction, ReportState};
use crate::error::StoreResult;
use crate::json::JsonDoc;
use crate::schema::{
    fund_applications, organisations, quarterly_report_events, quarterly_report_revisions,
    quarterly_reports,
};
use crate::scope::ProjectScope;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quarterly_reports, check_for_backend(diesel::pg::Pg))]
pub struct ReportRow {
    pub id: Uuid,
    pub organisation_id: crate::domain::OrganisationId,
    pub project_id: ProjectId,
    pub quarter: Quarter,
    pub state: ReportState,
    pub revision: i32,
    pub content: JsonDoc<ReportContent>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn find(
    mut conn: &Conn,
    scope: &ProjectScope,
    quarter: Quarter,
    lock: bool,
) -> StoreResult<Option<ReportRow>> {
    use diesel::OptionalExtension;
    let conn = &mut conn;
    let query = quarterly_reports::table
        .filter(quarterly_reports::organisation_id.eq(scope.org))
        .filter(quarterly_reports::project_id.eq(scope.project_id()))
        .filter(quarterly_reports::quarter.eq(quarter))
        .select(ReportRow::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// What a report's answer needs: `None` when the project is not there (or not the
/// organisation's), else the quarter's report with the project's due dates (`None` when
/// there is no report yet). For reads: it takes no lock.
///
/// One statement when the report is there (a report implies its project): the report
/// row with its due dates as subqueries, which Postgres sets up and runs cheaply, where a
/// join of the project, the organisation and the report cost twice the read of the report
/// itself. Only a quarter without a report asks, in a second statement, whether the
/// project is there.
pub async fn read(
    conn: &mut Conn,
    org: crate::domain::OrganisationId,
    project: ProjectId,
    quarter: Quarter,
) -> StoreResult<Option<Option<(ReportRow, DueDates)>>> {
    use crate::schema::projects;
    use diesel::OptionalExtension;
    let found: Option<(ReportRow, Option<i32>, Option<DutyLists>)> = quarterly_reports::table
        .filter(quarterly_reports::organisation_id.eq(org))
        .filter(quarterly_reports::project_id.eq(project))
        .filter(quarterly_reports::quarter.eq(quarter))
        .select((
            ReportRow::as_select(),
            due_days(org),
            live_duties(org, project),
        ))
        .first(conn)
        .await
        .optional()?;
    match found {
        Some((row, days, duties)) => Ok(Some(Some((row, DueDates::from_parts(days, duties)?)))),
        None => {
            let there: Option<ProjectId> = projects::table
                .filter(projects::organisation_id.eq(org))
                .filter(projects::id.eq(project))
                .select(projects::id)
                .first(conn)
                .await
                .optional()?;
            Ok(there.map(|_| None))
        }
    }
}

/// The reporting duties of each of a project's live fund applications.
pub(crate) type DutyLists = JsonDoc<Vec<Vec<ReportingDuty>>>;

/// The organisation's `report_due_days`, as a subquery.
#[diesel::dsl::auto_type]
pub(crate) fn due_days(org: crate::domain::OrganisationId) -> _ {
    organisations::table
        .filter(organisations::id.eq(org))
        .select(organisations::report_due_days)
        .single_value()
}

/// The reporting duties of each of the project's live fund applications (not rejected,
/// not withdrawn), one JSON array of their lists, as a subquery.
#[diesel::dsl::auto_type]
pub(crate) fn live_duties(org: crate::domain::OrganisationId, project: ProjectId) -> _ {
    let ended: [FundStatus; 2] = [FundStatus::Rejected, FundStatus::Withdrawn];
    fund_applications::table
        .filter(fund_applications::organisation_id.eq(org))
        .filter(fund_applications::project_id.eq(project))
        .filter(fund_applications::status.ne_all(ended))
        .select(crate::functions::jsonb_agg(
            fund_applications::reporting_duties,
        ))
        .single_value()
}

pub async fn all(mut conn: &Conn, scope: &ProjectScope) -> StoreResult<Vec<ReportRow>> {
    let conn = &mut conn;
    Ok(quarterly_reports::table
        .filter(quarterly_reports::organisation_id.eq(scope.org))
        .filter(quarterly_reports::project_id.eq(scope.project_id()))
        .order(quarterly_reports::quarter)
        .select(ReportRow::as_select())
        .load(conn)
        .await?)
}

/// Creates the draft of a quarter.
pub async fn create(
    conn: &mut Conn,
    scope: &ProjectScope,
    quarter: Quarter,
    content: ReportContent,
) -> StoreResult<ReportRow> {
    // The database writes the event (trigger quarterly_report_event).
    Ok(diesel::insert_into(quarterly_reports::table)
        .values((
            quarterly_reports::id.eq(Uuid::now_v7()),
            quarterly_reports::organisation_id.eq(scope.org),
            quarterly_reports::project_id.eq(scope.project_id()),
            quarterly_reports::quarter.eq(quarter),
            quarterly_reports::content.eq(JsonDoc(content)),
        ))
        .returning(ReportRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Replaces the figures of an editable report.
pub async fn update(
    conn: &mut Conn,
    current: &ReportRow,
    content: ReportContent,
) -> StoreResult<ReportRow> {
    if current.content.0 == content {
        return Ok(current.clone());
    }
    Ok(diesel::update(quarterly_reports::table.find(current.id))
        .set((
            quarterly_reports::content.eq(JsonDoc(content)),
            quarterly_reports::version.eq(current.version + 1),
            quarterly_reports::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ReportRow::as_returning())
        .get_result(conn)
        .await?)
}

/// Writes `content` over the report `id` if it still is what the caller decided on
/// without a lock: editable, at `version` (when the change depends on it) and holding
/// other content. The row lock is then held only from this statement to the commit.
/// `None` when it is not (it changed meanwhile): the caller reads it under a lock and
/// decides again.
pub async fn update_if(
    conn: &mut Conn,
    id: Uuid,
    version: Option<i64>,
    content: &ReportContent,
) -> StoreResult<Option<ReportRow>> {
    use diesel::OptionalExtension;
    use diesel::sql_types::Bool;
    use diesel::{BoolExpressionMethods, IntoSql};
    let any_version = version.is_none();
    Ok(diesel::update(
        quarterly_reports::table
            .filter(quarterly_reports::id.eq(id))
            .filter(quarterly_reports::state.eq_any([ReportState::Draft, ReportState::Returned]))
            .filter(
                any_version
                    .into_sql::<Bool>()
                    .or(quarterly_reports::version.eq(version.unwrap_or_default())),
            ),
    )
    .filter(quarterly_reports::content.ne(JsonDoc(content)))
    .set((
        quarterly_reports::content.eq(JsonDoc(content)),
        quarterly_reports::version.eq(quarterly_reports::version + 1),
        quarterly_reports::updated_at.eq(diesel::dsl::now),
    ))
    .returning(ReportRow::as_returning())
    .get_result(conn)
    .await
    .optional()?)
}

/// Makes a workflow move. The database checks the move, closes the revision on a return
/// or reopen and writes the event with the transaction's actor and `reason` (triggers
/// quarterly_report_guard and quarterly_report_event).
pub async fn act(
    conn: &mut Conn,
    current: &ReportRow,
    action: ReportAction,
    reason: Option<&str>,
) -> StoreResult<ReportRow> {
    diesel::select(crate::functions::set_config(
        "app.reason",
        reason.unwrap_or_default(),
        true,
    ))
    .execute(conn)
    .await?;
    Ok(diesel::update(quarterly_reports::table.find(current.id))
        .set((
            quarterly_reports::state.eq(action.target()),
            quarterly_reports::version.eq(current.version + 1),
            quarterly_reports::updated_at.eq(diesel::dsl::now),
        ))
        .returning(ReportRow::as_returning())
        .get_result(conn)
        .await?)
}

/// A closed revision of a report.
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
pub struct ReportRevision {
    pub revision: i32,
    /// The state it had when it was returned or reopened.
    pub state: ReportState,
    #[schema(value_type = ReportContent)]
    pub content: JsonDoc<ReportContent>,
    pub closed_at: DateTime<Utc>,
}

pub async fn revisions(conn: &mut Conn, report: Uuid) -> StoreResult<Vec<ReportRevision>> {
    Ok(quarterly_report_revisions::table
        .filter(quarterly_report_revisions::report_id.eq(report))
        .order(quarterly_report_revisions::revision)
        .select((
            quarterly_report_revisions::revision,
            quarterly_report_revisions::state,
            quarterly_report_revisions::content,
            quarterly_report_revisions::closed_at,
        ))
        .load(conn)
        .await?)
}

pub async fn revision(
    conn: &mut Conn,
    report: Uuid,
    revision: i32,
) -> StoreResult<Option<ReportRevision>> {
    use diesel::OptionalExtension;
    Ok(quarterly_report_revisions::table
        .filter(quarterly_report_revisions::report_id.eq(report))
        .filter(quarterly_report_revisions::revision.eq(revision))
        .select((
            quarterly_report_revisions::revision,
            quarterly_report_revisions::state,
            quarterly_report_revisions::content,
            quarterly_report_revisions::closed_at,
        ))
        .first(conn)
        .await
        .optional()?)
}

/// One entry of a report's audit trail.
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
pub struct ReportEvent {
    pub id: i64,
    pub revision: i32,
    /// `created`, `updated`, `submitted`, `accepted`, `returned` or `reopened`.
    #[schema(example = "returned")]
    pub action: String,
    pub from_state: Option<ReportState>,
    pub to_state: ReportState,
    /// `user:<id>` or `api_token:<id>`.
    #[schema(example = "user:0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d11")]
    pub actor: Option<String>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

pub async fn events(conn: &mut Conn, report: Uuid) -> StoreResult<Vec<ReportEvent>> {
    Ok(quarterly_report_events::table
        .filter(quarterly_report_events::report_id.eq(report))
        .order(quarterly_report_events::id)
        .select((
            quarterly_report_events::id,
            quarterly_report_events::revision,
            quarterly_report_events::action,
            quarterly_report_events::from_state,
            quarterly_report_events::to_state,
            quarterly_report_events::actor,
            quarterly_report_events::reason,
            quarterly_report_events::at,
        ))
        .load(conn)
        .await?)
}

/// When each quarter's report is due: `report_due_days` after the quarter, or the
/// earliest due date a live fund application's reporting duty names for it.
pub struct DueDates {
    pub days: i32,
    pub duties: Vec<ReportingDuty>,
}

impl DueDates {
    /// One statement.
    pub async fn load(mut conn: &Conn, scope: &ProjectScope) -> StoreResult<Self> {
        let (days, duties) = diesel::select((
            due_days(scope.org),
            live_duties(scope.org, scope.project_id()),
        ))
        .get_result(&mut conn)
        .await?;
        Self::from_parts(days, duties)
    }

    /// From what [`due_days`] and [`live_duties`] answer.
    pub(crate) fn from_parts(days: Option<i32>, duties: Option<DutyLists>) -> StoreResult<Self> {
        // The organisation's row is always readable to its own transaction (and to a
        // funder account it shares its projects with).
        let days = days.ok_or(diesel::result::Error::NotFound)?;
        Ok(DueDates {
            days,
            duties: duties
                .map(|d| d.0)
                .unwrap_or_default()
                .into_iter()
                .flatten()
                .collect(),
        })
    }

    pub fn due_on(&self, quarter: Quarter) -> NaiveDate {
        self.duties
            .iter()
            .filter(|d| d.quarter == quarter)
            .map(|d| d.due_on)
            .min()
            .unwrap_or_else(|| quarter.last_day() + chrono::Duration::days(i64::from(self.days)))
    }
}

/// The quarters whose report refers to `target`, so that what a report uses cannot be
/// deleted: asked under the project's references lock, held exclusively until the
/// delete commits, so a report being written meanwhile is stored (and seen) first.
pub async fn quarters_referring(
    conn: &mut Conn,
    scope: &ProjectScope,
    target: PlanRef,
) -> StoreResult<Vec<String>> {
    super::references_lock(conn, scope.project_id(), super::Hold::Exclusive).await?;
    let reports: Vec<(Quarter, JsonDoc<ReportContent>)> = quarterly_reports::table
        .filter(quarterly_reports::organisation_id.eq(scope.org))
        .filter(quarterly_reports::project_id.eq(scope.project_id()))
        .order(quarterly_reports::quarter)
        .select((quarterly_reports::quarter, quarterly_reports::content))
        .load(conn)
        .await?;
    Ok(reports
        .into_iter()
        .filter(|(_, content)| content.0.refers_to(target))
        .map(|(quarter, _)| quarter.to_string())
        .collect())
}
