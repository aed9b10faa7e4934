//! The plan summary: what a coordinator and a funder check. Computed from the line items
//! with exact decimal arithmetic, so it always agrees with them to the cent.

use std::collections::BTreeMap;

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::plan::{Activity, Amount, BudgetCategory, FundStatus, Quarter};
use crate::domain::{OrganisationId, ProjectId};
use crate::error::StoreResult;
use crate::json::JsonList;
use crate::plan::budget_lines::Phase;
use crate::schema::{budget_lines, fund_applications, planned_hours, translation_costs};

/// Planned hours for one activity.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityHours {
    pub activity: Activity,
    pub hours: Amount,
    /// Σ hours × hourly rate, each line to the cent.
    pub cost: Amount,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HoursSummary {
    pub hours: Amount,
    pub cost: Amount,
    pub per_activity: Vec<ActivityHours>,
}

/// The budget of one category.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryBudget {
    pub category: BudgetCategory,
    /// From budget lines in this category.
    pub budget_lines: Amount,
    /// The cost of planned hours (personnel only).
    pub hours: Amount,
    /// Translation costs (translation only).
    pub translation_costs: Amount,
    pub total: Amount,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BudgetSummary {
    /// Every category, in a fixed order.
    pub per_category: Vec<CategoryBudget>,
    pub budget_lines: Amount,
    pub translation_costs: Amount,
    pub hours: Amount,
    /// Budget lines + cost of planned hours + translation costs.
    pub total: Amount,
}

/// Funding from one funder.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunderFunding {
    pub funder_name: String,
    pub applications: i64,
    /// Requested in every application that is not withdrawn.
    pub requested: Amount,
    /// Granted in granted and partially granted applications.
    pub granted: Amount,
    /// Requested in draft and submitted applications, not yet decided.
    pub pending: Amount,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundingSummary {
    pub requested: Amount,
    pub granted: Amount,
    pub pending: Amount,
    /// Ordered by funder name.
    pub per_funder: Vec<FunderFunding>,
    /// Total budget minus granted; negative when more is granted than budgeted.
    #[schema(value_type = String, example = "12500.00")]
    pub gap: String,
}

/// What is planned in one quarter.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarterPhasing {
    pub quarter: Quarter,
    /// Phased parts of budget lines.
    pub budget_lines: Amount,
    /// The cost of the hours planned in the quarter.
    pub hours: Amount,
    pub total: Amount,
}

/// The plan's figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummary {
    pub project_id: ProjectId,
    /// Always `EUR`.
    pub currency: &'static str,
    pub hours: HoursSummary,
    pub budget: BudgetSummary,
    pub funding: FundingSummary,
    /// Quarters with phased amounts or planned hours, in order.
    pub phasing: Vec<QuarterPhasing>,
    /// The part of the total budget not phased to a quarter (unphased budget lines and
    /// translation costs).
    pub unphased: Amount,
}

pub async fn compute(
    conn: &mut Conn,
    org: OrganisationId,
    project: ProjectId,
) -> StoreResult<PlanSummary> {
    let hours: Vec<(Activity, Quarter, Amount, Amount)> = planned_hours::table
        .filter(planned_hours::organisation_id.eq(org))
        .filter(planned_hours::project_id.eq(project))
        .select((
            planned_hours::activity,
            planned_hours::quarter,
            planned_hours::hours,
            planned_hours::hourly_rate,
        ))
        .load(conn)
        .await?;
    let lines: Vec<(BudgetCategory, Amount, JsonList<Phase>)> = budget_lines::table
        .filter(budget_lines::organisation_id.eq(org))
        .filter(budget_lines::project_id.eq(project))
        .select((
            budget_lines::category,
            budget_lines::amount,
            budget_lines::phases,
        ))
        .load(conn)
        .await?;
    let translations: Vec<Amount> = translation_costs::table
        .filter(translation_costs::organisation_id.eq(org))
        .filter(translation_costs::project_id.eq(project))
        .select(translation_costs::total)
        .load(conn)
        .await?;
    let applications: Vec<(String, FundStatus, Amount, Option<Amount>)> = fund_applications::table
        .filter(fund_applications::organisation_id.eq(org))
        .filter(fund_applications::project_id.eq(project))
        .select((
            fund_applications::funder_name,
            fund_applications::status,
            fund_applications::amount_requested,
            fund_applications::amount_granted,
        ))
        .load(conn)
        .await?;
    Ok(summarise(
        project,
        &hours,
        &lines,
        &translations,
        &applications,
    ))
}

fn summarise(
    project: ProjectId,
    hours: &[(Activity, Quarter, Amount, Amount)],
    lines: &[(BudgetCategory, Amount, JsonList<Phase>)],
    translations: &[Amount],
    applications: &[(String, FundStatus, Amount, Option<Amount>)],
) -> PlanSummary {
    let cost = |h: Amount, rate: Amount| Amount::new(h.value() * rate.value());
    let per_activity: Vec<ActivityHours> = Activity::ALL
        .iter()
        .filter_map(|activity| {
            let mine: Vec<_> = hours.iter().filter(|h| h.0 == *activity).collect();
            (!mine.is_empty()).then(|| ActivityHours {
                activity: *activity,
                hours: mine.iter().map(|h| h.2).sum(),
                cost: mine.iter().map(|h| cost(h.2, h.3)).sum(),
            })
        })
        .collect();
    let hours_cost: Amount = per_activity.iter().map(|a| a.cost).sum();
    let hours_summary = HoursSummary {
        hours: per_activity.iter().map(|a| a.hours).sum(),
        cost: hours_cost,
        per_activity,
    };
    let translation_total: Amount = translations.iter().copied().sum();
    let per_category: Vec<CategoryBudget> = BudgetCategory::ALL
        .iter()
        .map(|category| {
            let from_lines: Amount = lines.iter().filter(|l| l.0 == *category).map(|l| l.1).sum();
            let from_hours = if *category == BudgetCategory::Personnel {
                hours_cost
            } else {
                Amount::ZERO
            };
            let from_translation = if *category == BudgetCategory::Translation {
                translation_total
            } else {
                Amount::ZERO
            };
            CategoryBudget {
                category: *category,
                budget_lines: from_lines,
                hours: from_hours,
                translation_costs: from_translation,
                total: from_lines + from_hours + from_translation,
            }
        })
        .collect();
    let lines_total: Amount = lines.iter().map(|l| l.1).sum();
    let total = lines_total + hours_cost + translation_total;

    let mut funders: BTreeMap<&str, FunderFunding> = BTreeMap::new();
    for (name, status, requested, granted) in applications {
        let entry = funders
            .entry(name.as_str())
            .or_insert_with(|| FunderFunding {
                funder_name: name.clone(),
                applications: 0,
                requested: Amount::ZERO,
                granted: Amount::ZERO,
                pending: Amount::ZERO,
            });
        entry.applications += 1;
        if *status != FundStatus::Withdrawn {
            entry.requested = entry.requested + *requested;
        }
        if matches!(status, FundStatus::Granted | FundStatus::PartiallyGranted) {
            entry.granted = entry.granted + granted.unwrap_or(Amount::ZERO);
        }
        if matches!(status, FundStatus::Draft | FundStatus::Submitted) {
            entry.pending = entry.pending + *requested;
        }
    }
    let per_funder: Vec<FunderFunding> = funders.into_values().collect();
    let granted: Amount = per_funder.iter().map(|f| f.granted).sum();
    let mut gap = total.value() - granted.value();
    gap.rescale(2);

    let mut quarters: BTreeMap<Quarter, (Amount, Amount)> = BTreeMap::new();
    for (_, _, phases) in lines {
        for phase in &phases.0 {
            let entry = quarters.entry(phase.quarter).or_default();
            entry.0 = entry.0 + phase.amount;
        }
    }
    for (_, quarter, h, rate) in hours {
        let entry = quarters.entry(*quarter).or_default();
        entry.1 = entry.1 + cost(*h, *rate);
    }
    let phasing: Vec<QuarterPhasing> = quarters
        .into_iter()
        .map(|(quarter, (budget, hours))| QuarterPhasing {
            quarter,
            budget_lines: budget,
            hours,
            total: budget + hours,
        })
        .collect();
    let phased: Amount = phasing.iter().map(|p| p.total).sum();
    PlanSummary {
        project_id: project,
        currency: "EUR",
        hours: hours_summary,
        budget: BudgetSummary {
            per_category,
            budget_lines: lines_total,
            translation_costs: translation_total,
            hours: hours_cost,
            total,
        },
        funding: FundingSummary {
            requested: per_funder.iter().map(|f| f.requested).sum(),
            granted,
            pending: per_funder.iter().map(|f| f.pending).sum(),
            per_funder,
            gap: gap.to_string(),
        },
        phasing,
        unphased: Amount::new(total.value() - phased.value()),
    }
}
