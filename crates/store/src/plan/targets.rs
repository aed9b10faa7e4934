//! Targets (*doelen*): planned figures per theme, per quarter or for the whole project,
//! that quarterly reports are compared with.

use chrono::{DateTime, Utc};
use diesel::{AsChangeset, ExpressionMethods, Insertable, QueryDsl, Queryable, Selectable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::NewIds;
use super::budget_lines::BudgetLines;
use super::fund_applications::budget_line_ids;
use super::line_queries;
use super::target_groups::TargetGroups;
use crate::domain::plan::{
    Activity, Amount, BudgetCategory, Channel, LanguageCode, Level, Quarter, TargetTheme,
};
use crate::domain::validation::FieldError;
use crate::domain::{BudgetLineId, OrganisationId, ProjectId, TargetGroupId, TargetId};
use crate::error::StoreResult;
use crate::schema::{target_groups, targets};
use crate::scope::ProjectScope;

use super::Lines;
use crate::domain::validation::Errors;

/// A planned figure.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = targets, check_for_backend(diesel::pg::Pg))]
pub struct Target {
    #[schema(value_type = Uuid)]
    pub id: TargetId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    pub theme: TargetTheme,
    /// `null`: for the whole project.
    pub quarter: Option<Quarter>,
    #[schema(value_type = Option<Uuid>)]
    pub target_group_id: Option<TargetGroupId>,
    pub ladder_level: Option<Level>,
    pub channel: Option<Channel>,
    pub language: Option<LanguageCode>,
    pub activity: Option<Activity>,
    #[schema(value_type = Option<Uuid>)]
    pub budget_line_id: Option<BudgetLineId>,
    pub category: Option<BudgetCategory>,
    /// A count for reach, partners and communication; hours; euros for spend.
    pub planned: Amount,
    pub notes: Option<String>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A target as a client writes it. Which subject fields apply depends on the theme:
///
/// - `reach`: caregivers reached; optional `target_group_id` (all groups when absent).
/// - `partners`: partners at or above `ladder_level` (required).
/// - `communication`: communication items; optional `channel` and/or `language`.
/// - `hours`: hours; optional `activity`.
/// - `spend`: euros; optional `budget_line_id` or `category`, not both.
///
/// Counts (reach, partners, communication) are whole numbers. One target per theme,
/// subject and quarter.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub theme: TargetTheme,
    /// A quarter inside the project period; absent or `null` for the whole project.
    pub quarter: Option<Quarter>,
    #[schema(value_type = Option<Uuid>)]
    pub target_group_id: Option<TargetGroupId>,
    pub ladder_level: Option<Level>,
    pub channel: Option<Channel>,
    pub language: Option<LanguageCode>,
    pub activity: Option<Activity>,
    #[schema(value_type = Option<Uuid>)]
    pub budget_line_id: Option<BudgetLineId>,
    pub category: Option<BudgetCategory>,
    /// A count for reach, partners and communication; hours; euros for spend.
    #[schema(value_type = crate::domain::plan::TargetValue)]
    pub planned: Amount,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = targets, treat_none_as_null = true)]
pub struct TargetFields {
    theme: TargetTheme,
    quarter: Option<Quarter>,
    target_group_id: Option<TargetGroupId>,
    ladder_level: Option<Level>,
    channel: Option<Channel>,
    language: Option<LanguageCode>,
    activity: Option<Activity>,
    budget_line_id: Option<BudgetLineId>,
    category: Option<BudgetCategory>,
    planned: Amount,
    notes: Option<String>,
}

line_queries!(targets, Target, TargetFields, TargetId);

/// What the project has that a target can refer to.
pub struct Subjects {
    pub target_groups: Vec<TargetGroupId>,
    pub budget_lines: Vec<BudgetLineId>,
}

pub async fn subjects(conn: &mut Conn, scope: &ProjectScope) -> StoreResult<Subjects> {
    let target_groups = target_groups::table
        .filter(target_groups::organisation_id.eq(scope.org))
        .filter(target_groups::project_id.eq(scope.project_id()))
        .select(target_groups::id)
        .load(conn)
        .await?;
    Ok(Subjects {
        target_groups,
        budget_lines: budget_line_ids(conn, scope).await?,
    })
}

pub fn validate(
    scope: &ProjectScope,
    subjects: &Subjects,
    input: TargetInput,
) -> StoreResult<TargetFields> {
    use TargetTheme::*;
    let (start, end) = scope.period();
    let theme = input.theme;
    let mut errors = Errors::default();
    if let Some(quarter) = input.quarter {
        errors.check("/quarter", quarter.check_within(start, end));
    }
    let given = [
        (
            "/target_group_id",
            input.target_group_id.is_some(),
            matches!(theme, Reach),
        ),
        (
            "/ladder_level",
            input.ladder_level.is_some(),
            matches!(theme, Partners),
        ),
        (
            "/channel",
            input.channel.is_some(),
            matches!(theme, Communication),
        ),
        (
            "/language",
            input.language.is_some(),
            matches!(theme, Communication),
        ),
        (
            "/activity",
            input.activity.is_some(),
            matches!(theme, Hours),
        ),
        (
            "/budget_line_id",
            input.budget_line_id.is_some(),
            matches!(theme, Spend),
        ),
        (
            "/category",
            input.category.is_some(),
            matches!(theme, Spend),
        ),
    ];
    for (pointer, present, applies) in given {
        if present && !applies {
            errors.push(FieldError::body(
                pointer,
                format!("does not apply to a {theme} target"),
            ));
        }
    }
    if theme == Partners && input.ladder_level.is_none() {
        errors.push(FieldError::body(
            "/ladder_level",
            "is required for a partners target",
        ));
    }
    if input.budget_line_id.is_some() && input.category.is_some() {
        errors.push(FieldError::body(
            "/category",
            "give a budget line or a category, not both",
        ));
    }
    if let Some(id) = input.target_group_id
        && !subjects.target_groups.contains(&id)
    {
        errors.push(FieldError::body(
            "/target_group_id",
            format!("{id} is not a target group of this project"),
        ));
    }
    if let Some(id) = input.budget_line_id
        && !subjects.budget_lines.contains(&id)
    {
        errors.push(FieldError::body(
            "/budget_line_id",
            format!("{id} is not a budget line of this project"),
        ));
    }
    if matches!(theme, Reach | Partners | Communication) && !input.planned.value().fract().is_zero()
    {
        errors.push(FieldError::body(
            "/planned",
            format!("must be a whole number for a {theme} target"),
        ));
    }
    errors.check(
        "/planned",
        input.planned.at_most(crate::domain::plan::TargetValue::MAX),
    );
    let notes = errors.optional_text("/notes", input.notes, 4000);
    errors.finish()?;
    Ok(TargetFields {
        theme,
        quarter: input.quarter,
        target_group_id: input.target_group_id,
        ladder_level: input.ladder_level,
        channel: input.channel,
        language: input.language,
        activity: input.activity,
        budget_line_id: input.budget_line_id,
        category: input.category,
        planned: input.planned,
        notes,
    })
}

pub struct Targets;

impl Lines for Targets {
    type Scope = ProjectScope;
    const NOUN: &'static str = "target";

    type Key = TargetId;
    type Input = TargetInput;
    type Output = Target;
    type Valid = TargetFields;

    super::line_methods!(Target, TargetFields, TargetId);

    fn follow(input: &mut TargetInput, created: &NewIds) {
        input.target_group_id = input
            .target_group_id
            .map(|id| created.of::<TargetGroups>(id));
        input.budget_line_id = input.budget_line_id.map(|id| created.of::<BudgetLines>(id));
    }

    fn input_of(item: Target) -> TargetInput {
        TargetInput {
            theme: item.theme,
            quarter: item.quarter,
            target_group_id: item.target_group_id,
            ladder_level: item.ladder_level,
            channel: item.channel,
            language: item.language,
            activity: item.activity,
            budget_line_id: item.budget_line_id,
            category: item.category,
            planned: item.planned,
            notes: item.notes,
        }
    }
    async fn check<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _current: Option<&'c Target>,
        input: TargetInput,
    ) -> StoreResult<TargetFields> {
        let subjects = subjects(conn, scope).await?;
        validate(scope, &subjects, input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c Target,
    ) -> StoreResult<()> {
        delete_row(conn, scope, current.id).await
    }
}
