//! What progress is computed from: the plan, the counted reports and the partners'
//! level history, loaded in one go so that the themes need no database.

use chrono::NaiveDate;
use diesel::{ExpressionMethods, QueryDsl, QueryResult, Queryable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::Include;
use crate::db::json::JsonList;
use crate::db::schema::{
    budget_lines, planned_hours, project_partner_levels, project_partners, target_groups, targets,
};
use crate::db::scope::ProjectScope;
use crate::domain::plan::{
    Activity, Amount, BudgetCategory, Channel, LanguageCode, Level, Quarter, TargetTheme,
};
use crate::domain::{OrganisationId, ProjectId};
use crate::error::ApiError;
use crate::monitoring::content::ReportContent;
use crate::monitoring::reports;
use crate::plan::budget_lines::Phase;

/// Everything the themes read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The project's quarters, in order.
    pub quarters: Vec<Quarter>,
    /// The reports that count, in quarter order.
    pub reports: Vec<QuarterReport>,
    pub targets: Vec<Target>,
    /// The project's target groups, oldest first.
    pub target_groups: Vec<Uuid>,
    /// The project's partner links.
    pub partner_links: Vec<Uuid>,
    pub level_history: Vec<LevelReached>,
    pub planned_hours: Vec<PlannedHours>,
    /// The project's budget lines, oldest first.
    pub budget_lines: Vec<BudgetLine>,
}

/// A counted report's content.
#[derive(Debug, Clone)]
pub struct QuarterReport {
    pub quarter: Quarter,
    pub content: ReportContent,
}

/// A target of the plan: for a quarter, or for the project when `quarter` is `None`.
#[derive(Debug, Clone, Queryable)]
pub struct Target {
    pub theme: TargetTheme,
    pub quarter: Option<Quarter>,
    pub target_group_id: Option<Uuid>,
    pub ladder_level: Option<Level>,
    pub channel: Option<Channel>,
    pub language: Option<LanguageCode>,
    pub planned: Decimal,
}

/// A partner link reaching a ladder level on a day.
#[derive(Debug, Clone, Copy, Queryable)]
pub struct LevelReached {
    pub project_partner_id: Uuid,
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
    pub id: Uuid,
    pub category: BudgetCategory,
    pub amount: Amount,
    pub phases: JsonList<Phase>,
}

/// Loads the inputs of the project in scope, with the reports `include` counts.
pub async fn inputs(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
    include: Include,
) -> Result<Inputs, ApiError> {
    let (org, project) = (scope.org, scope.project_id());
    let (start, end) = scope.period();
    let reports = reports::all(conn, scope)
        .await?
        .into_iter()
        .filter(|r| include.counts(r.state))
        .map(|r| QuarterReport {
            quarter: r.quarter,
            content: r.content.0,
        })
        .collect();
    Ok(Inputs {
        quarters: Quarter::spanning(start, end),
        reports,
        targets: targets(conn, org, project).await?,
        target_groups: target_groups(conn, org, project).await?,
        partner_links: partner_links(conn, org, project).await?,
        level_history: level_history(conn, org, project).await?,
        planned_hours: planned_hours(conn, org, project).await?,
        budget_lines: budget_lines(conn, org, project).await?,
    })
}

async fn targets(
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<Target>> {
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
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<Uuid>> {
    target_groups::table
        .filter(target_groups::organisation_id.eq(org))
        .filter(target_groups::project_id.eq(project))
        .order((target_groups::created_at, target_groups::id))
        .select(target_groups::id)
        .load(conn)
        .await
}

async fn partner_links(
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<Uuid>> {
    project_partners::table
        .filter(project_partners::organisation_id.eq(org))
        .filter(project_partners::project_id.eq(project))
        .select(project_partners::id)
        .load(conn)
        .await
}

async fn level_history(
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<LevelReached>> {
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
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<PlannedHours>> {
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
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> QueryResult<Vec<BudgetLine>> {
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
