//! Progress: targets against actuals, per quarter and cumulatively, with the variance.
//!
//! Planned figures come from the plan: targets for reach, partners and communication;
//! planned hours for hours; budget lines (their phases per quarter, their amount for the
//! project) for spend. Actual figures come from the quarterly reports whose state the
//! caller includes, and for partners from the project partners' level history.
//!
//! [`compute`] loads everything once ([`load`]; the queries are the store's); each theme
//! is a pure function of those inputs, built on one series builder ([`series`]).

mod communication;
mod hours;
mod load;
mod partners;
mod reach;
mod series;
mod spend;
#[cfg(test)]
mod test_support;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reports::ReportState;
use crate::db::Conn;
use crate::db::scope::ProjectScope;
use crate::domain::plan::Quarter;
use crate::error::ApiError;

/// Which reports count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Include {
    /// Only accepted reports.
    Accepted,
    /// Submitted and accepted reports (the default).
    #[default]
    Submitted,
    /// Every report, drafts and returned ones too.
    Draft,
}

impl Include {
    fn counts(self, state: ReportState) -> bool {
        match self {
            Include::Accepted => state == ReportState::Accepted,
            Include::Submitted => matches!(state, ReportState::Submitted | ReportState::Accepted),
            Include::Draft => true,
        }
    }
}

/// One quarter of a series.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterFigures {
    pub quarter: Quarter,
    /// `null` when nothing is planned for the quarter.
    #[schema(value_type = Option<String>)]
    pub planned: Option<Decimal>,
    #[schema(value_type = String)]
    pub actual: Decimal,
    /// Actual minus planned.
    #[schema(value_type = Option<String>)]
    pub variance: Option<Decimal>,
    /// Planned up to and including this quarter (for partners, the latest quarter's
    /// target so far).
    #[schema(value_type = Option<String>)]
    pub cumulative_planned: Option<Decimal>,
    #[schema(value_type = String)]
    pub cumulative_actual: Decimal,
    #[schema(value_type = Option<String>)]
    pub cumulative_variance: Option<Decimal>,
}

/// A subject's figures: per quarter, and for the whole project.
#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    /// What the series is about: `target_group_id`, `level`, `channel`, `language`,
    /// `activity`, `budget_line_id` or `category`, as applies.
    #[schema(value_type = Object)]
    pub subject: serde_json::Value,
    pub quarters: Vec<QuarterFigures>,
    /// The whole-project target when there is one, otherwise the sum of the quarters'
    /// (for partners, a state, the last quarter's target).
    #[schema(value_type = Option<String>)]
    pub planned: Option<Decimal>,
    #[schema(value_type = String)]
    pub actual: Decimal,
    #[schema(value_type = Option<String>)]
    pub variance: Option<Decimal>,
}

/// Targets against actuals.
#[derive(Debug, Serialize, ToSchema)]
pub struct Progress {
    pub include: Include,
    pub quarters: Vec<Quarter>,
    /// Caregivers reached for the first time (`new`), per target group; the subject
    /// `{"target_group_id": null}` is all groups together.
    pub reach: Vec<Series>,
    /// Partners at or above each ladder level at the end of each quarter (a state, so
    /// the cumulative actual is the quarter's own).
    pub partners: Vec<Series>,
    /// Communication items per targeted channel and/or language.
    pub communication: Vec<Series>,
    /// Hours per activity against planned hours.
    pub hours: Vec<Series>,
    /// Euros per budget line against its phases (per quarter) and amount (project).
    pub spend_per_budget_line: Vec<Series>,
    /// Euros per budget category.
    pub spend_per_category: Vec<Series>,
}

/// Progress of the project in scope, counting the reports `include` names.
pub async fn compute(
    conn: &mut Conn,
    scope: &ProjectScope,
    include: Include,
) -> Result<Progress, ApiError> {
    let inputs = load::inputs(conn, scope, include).await?;
    Ok(Progress {
        include,
        reach: reach::series(&inputs),
        partners: partners::series(&inputs),
        communication: communication::series(&inputs),
        hours: hours::series(&inputs),
        spend_per_budget_line: spend::per_budget_line(&inputs),
        spend_per_category: spend::per_category(&inputs),
        quarters: inputs.quarters,
    })
}
