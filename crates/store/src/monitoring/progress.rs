//! What progress is computed from, as stored: the project's reports, the plan's targets,
//! target groups, partner links, planned hours and budget lines, and the partners'
//! level history. Loaded in one go, so that computing progress needs no database; which
//! reports count, and every figure, is the caller's.

use chrono::NaiveDate;
use diesel::{ExpressionMethods, QueryDsl, QueryResult, Queryable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use rust_decimal::Decimal;

use super::reports::{self, ReportRow};
use crate::domain::plan::{
    Activity, Amount, BudgetCategory, Channel, LanguageCode, Level, Quarter, TargetTheme,
};
use crate::domain::{BudgetLineId, OrganisationId, ProjectId, ProjectPartnerId, TargetGroupId};
use crate::error::StoreResult;
use crate::json::JsonList;
use crate::plan::budget_lines::Phase;
use crate::schema::{
    budget_lines, planned_hours, project_partner_levels, project_partners, target_groups, targets,
};
use crate::scope::ProjectScope;

/// A target of the plan: for a quarter, or for the project when `quarter` is `None`.
#[derive(Debug, Clone, Queryable)]
pub struct Target {
    pub theme: TargetTheme,
    pub quarter: Option<Quarter>,
    pub target_group_id: Option<TargetGroupId>,
    pub ladder_level: Option<Level>,
    pub channel: Option<Channel>,
    pub language: Option<LanguageCode>,
    pub planned: Decimal,
}

/// A partner link reaching a ladder level on a day.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct LevelReached {
    pub project_partner_id: ProjectPartnerId,
    pub level: Level,
    pub reached_on: NaiveDate,
}

/// Hours planned for an activity in a quarter.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct PlannedHours {
    pub activity: Activity,
    pub quarter: Quarter,
    pub hours: Amount,
}

/// A budget line: its amount for the project and its phases per quarter.
#[derive(Debug, Clone, Queryable)]
pub struct BudgetLine {
    pub id: BudgetLineId,
    pub category: BudgetCategory,
    pub amount: Amount,
    pub phases: JsonList<Phase>,
}

/// Everything stored that progress reads, for one project.
#[derive(Debug, Clone)]
pub struct ProgressRows {
    /// Every report of the project, in quarter order, whatever its state.
    pub reports: Vec<ReportRow>,
    pub targets: Vec<Target>,
    /// The project's target groups, oldest first.
    pub target_groups: Vec<TargetGroupId>,
    /// The project's partner links.
    pub partner_links: Vec<ProjectPartnerId>,
    pub level_history: Vec<LevelReached>,
    pub planned_hours: Vec<PlannedHours>,
    /// The project's budget lines, oldest first.
    pub budget_lines: Vec<BudgetLine>,
}

/// Loads what progress reads of the project in scope: seven reads, pipelined in one
/// round trip.
pub async fn load(conn: &Conn, scope: &ProjectScope) -> StoreResult<ProgressRows> {
    let (org, project) = (scope.org, scope.project_id());
    let reports = async { reports::all(conn, scope).await };
    let lines = async {
        tokio::try_join!(
            targets(conn, org, project),
            target_groups(conn, org, project),
            partner_links(conn, org, project),
            level_history(conn, org, project),
            planned_hours(conn, org, project),
            budget_lines(conn, org, project),
        )
        .map_err(crate::StoreError::from)
    };
    let (
        reports,
        (targets, target_groups, partner_links, level_history, planned_hours, budget_lines),
    ) = tokio::try_join!(reports, lines)?;
    Ok(ProgressRows {
        reports,
        targets,
        target_groups,
        partner_links,
        level_history,
        planned_hours,
        budget_lines,
    })
}

async fn targets(
    mut conn: &Conn,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<Target>> {
    let conn = &mut conn;
    targets::table
        .filter(targets::organisation_id.eq(org))
        .filter(targets::project_id.eq(project))
        .select((
            targets::theme,
            targets::quarter,
            targets::target_group_id,
            targets::ladder_level,
            targets::channel,
            targets::language,
            targets::planned,
        ))
        .load(conn)
        .await
}

async fn target_groups(
    mut conn: &Conn,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<TargetGroupId>> {
    let conn = &mut conn;
    target_groups::table
        .filter(target_groups::organisation_id.eq(org))
        .filter(target_groups::project_id.eq(project))
        .order((target_groups::created_at, target_groups::id))
        .select(target_groups::id)
        .load(conn)
        .await
}

async fn partner_links(
    mut conn: &Conn,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<ProjectPartnerId>> {
    let conn = &mut conn;
    project_partners::table
        .filter(project_partners::organisation_id.eq(org))
        .filter(project_partners::project_id.eq(project))
        .select(project_partners::id)
        .load(conn)
        .await
}

async fn level_history(
    mut conn: &Conn,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<LevelReached>> {
    let conn = &mut conn;
    project_partner_levels::table
        .filter(project_partner_levels::organisation_id.eq(org))
        .filter(project_partner_levels::project_id.eq(project))
        .order(project_partner_levels::id)
        .select((
            project_partner_levels::project_partner_id,
            project_partner_levels::level,
            project_partner_levels::reached_on,
        ))
        .load(conn)
        .await
}

async fn planned_hours(
    mut conn: &Conn,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<PlannedHours>> {
    let conn = &mut conn;
    planned_hours::table
        .filter(planned_hours::organisation_id.eq(org))
        .filter(planned_hours::project_id.eq(project))
        .select((
            planned_hours::activity,
            planned_hours::quarter,
            planned_hours::hours,
        ))
        .load(conn)
        .await
}

async fn budget_lines(
    mut conn: &Conn,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<BudgetLine>> {
    let conn = &mut conn;
    budget_lines::table
        .filter(budget_lines::organisation_id.eq(org))
        .filter(budget_lines::project_id.eq(project))
        .order((budget_lines::created_at, budget_lines::id))
        .select((
            budget_lines::id,
            budget_lines::category,
            budget_lines::amount,
            budget_lines::phases,
        ))
        .load(conn)
        .await
}
