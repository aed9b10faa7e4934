//! Budget lines (*begroting*): planned euros per category, optionally phased per quarter.

use chrono::{DateTime, Utc};
use diesel::{AsChangeset, ExpressionMethods, Insertable, QueryDsl, Queryable, Selectable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::line_queries;
use crate::domain::plan::{Amount, BudgetCategory, Quarter};
use crate::domain::report::content::PlanRef;
use crate::domain::validation::FieldError;
use crate::domain::{BudgetLineId, OrganisationId, ProjectId, text};
use crate::error::{StoreError, StoreResult};
use crate::json::{JsonDoc, JsonList};
use crate::monitoring::reports::quarters_referring;
use crate::schema::{budget_lines, fund_application_budget_lines, targets};
use crate::scope::ProjectScope;

use super::Lines;
use crate::domain::validation::Errors;

/// The part of a budget line planned for one quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub quarter: Quarter,
    /// A part of the line's amount, so at most that.
    #[schema(value_type = crate::domain::plan::Euros)]
    pub amount: Amount,
}

/// Planned euros for one purpose.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = budget_lines, check_for_backend(diesel::pg::Pg))]
pub struct BudgetLine {
    #[schema(value_type = Uuid)]
    pub id: BudgetLineId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    pub category: BudgetCategory,
    #[schema(example = "Coordinator, 8 hours a week")]
    pub description: String,
    pub amount: Amount,
    /// Per quarter, adding up to `amount`; empty when not phased.
    #[schema(value_type = Vec<Phase>)]
    pub phases: JsonList<Phase>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A budget line as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetLineInput {
    pub category: BudgetCategory,
    /// 1 to 500 characters.
    #[schema(
        example = "Flyers in Turkish and Arabic",
        min_length = 1,
        max_length = 500,
        pattern = r"\S"
    )]
    pub description: String,
    #[schema(value_type = crate::domain::plan::Euros)]
    pub amount: Amount,
    /// Optional phasing: quarters inside the project period, each once, adding up to
    /// `amount` exactly; at most 400.
    #[serde(default)]
    #[schema(max_items = 400)]
    pub phases: Vec<Phase>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = budget_lines)]
pub struct BudgetLineFields {
    category: BudgetCategory,
    description: String,
    amount: Amount,
    phases: JsonList<Phase>,
}

line_queries!(budget_lines, BudgetLine, BudgetLineFields, BudgetLineId);

pub fn validate(scope: &ProjectScope, input: BudgetLineInput) -> StoreResult<BudgetLineFields> {
    let (start, end) = scope.period();
    let mut errors = Errors::default();
    let description = errors.check("/description", text::bounded(&input.description, 1, 500));
    errors.check(
        "/amount",
        input.amount.at_most(crate::domain::plan::Euros::MAX),
    );
    if input.phases.len() > 400 {
        return Err(StoreError::field(
            "/phases",
            "must list at most 400 quarters",
        ));
    }
    for (i, phase) in input.phases.iter().enumerate() {
        errors.check(
            &format!("/phases/{i}/quarter"),
            phase.quarter.check_within(start, end),
        );
        if input.phases[..i].iter().any(|p| p.quarter == phase.quarter) {
            errors.push(FieldError::body(
                format!("/phases/{i}/quarter"),
                format!("{} appears more than once", phase.quarter),
            ));
        }
    }
    if !input.phases.is_empty() {
        let phased: Amount = input.phases.iter().map(|p| p.amount).sum();
        if phased != input.amount {
            errors.push(FieldError::body(
                "/phases",
                format!(
                    "the phases add up to {phased}, not to the amount {}",
                    input.amount
                ),
            ));
        }
    }
    errors.finish()?;
    let mut phases = input.phases;
    phases.sort_by_key(|p| p.quarter);
    Ok(BudgetLineFields {
        category: input.category,
        description: description.unwrap_or_default(),
        amount: input.amount,
        phases: JsonDoc(phases),
    })
}

pub struct BudgetLines;

impl Lines for BudgetLines {
    type Scope = ProjectScope;
    const NOUN: &'static str = "budget line";

    type Key = BudgetLineId;
    type Input = BudgetLineInput;
    type Output = BudgetLine;
    type Valid = BudgetLineFields;

    super::line_methods!(BudgetLine, BudgetLineFields, BudgetLineId);

    fn input_of(item: BudgetLine) -> BudgetLineInput {
        BudgetLineInput {
            category: item.category,
            description: item.description,
            amount: item.amount,
            phases: item.phases.0,
        }
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _current: Option<&'c BudgetLine>,
        input: BudgetLineInput,
    ) -> StoreResult<BudgetLineFields> {
        validate(scope, input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c BudgetLine,
    ) -> StoreResult<()> {
        let applications: Vec<Uuid> = fund_application_budget_lines::table
            .filter(fund_application_budget_lines::organisation_id.eq(scope.org))
            .filter(fund_application_budget_lines::budget_line_id.eq(current.id))
            .select(fund_application_budget_lines::fund_application_id)
            .load(conn)
            .await?;
        if !applications.is_empty() {
            return Err(StoreError::referenced(
                Self::NOUN,
                "fund applications",
                &applications,
            ));
        }
        let used: Vec<Uuid> = targets::table
            .filter(targets::organisation_id.eq(scope.org))
            .filter(targets::budget_line_id.eq(current.id))
            .select(targets::id)
            .load(conn)
            .await?;
        if !used.is_empty() {
            return Err(StoreError::referenced(Self::NOUN, "targets", &used));
        }
        let reports = quarters_referring(conn, scope, PlanRef::BudgetLine(current.id)).await?;
        if !reports.is_empty() {
            return Err(StoreError::referenced(
                Self::NOUN,
                "quarterly reports",
                &reports,
            ));
        }
        delete_row(conn, scope, current.id).await
    }
}
