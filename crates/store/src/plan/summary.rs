//! The plan summary: what a coordinator and a funder check. Computed from the line items
//! with exact decimal arithmetic, so it always agrees with them to the cent.

use std::collections::BTreeMap;

use diesel::{BoolExpressionMethods, ExpressionMethods, JoinOnDsl, QueryDsl, Queryable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::plan::{Activity, Amount, BudgetCategory, FundStatus, FunderKind, Quarter};
use crate::domain::{FunderId, OrganisationId, ProjectId};
use crate::error::StoreResult;
use crate::json::JsonList;
use crate::plan::budget_lines::Phase;
use crate::schema::{budget_lines, fund_applications, funders, planned_hours, translation_costs};

/// A fund application as the summary counts it, with its funder.
#[derive(Debug, Queryable)]
struct Application {
    funder_id: FunderId,
    funder_name: String,
    funder_kind: FunderKind,
    status: FundStatus,
    requested: Amount,
    granted: Option<Amount>,
}

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

/// Funding from one funder of the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunderFunding {
    #[schema(value_type = Uuid)]
    pub funder_id: FunderId,
    #[schema(example = "Gemeente Utrecht")]
    pub funder_name: String,
    pub funder_kind: FunderKind,
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
    /// One entry per funder, ordered by funder name.
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
    let applications: Vec<Application> = fund_applications::table
        .inner_join(
            funders::table.on(funders::organisation_id
                .eq(fund_applications::organisation_id)
                .and(funders::id.eq(fund_applications::funder_id))),
        )
        .filter(fund_applications::organisation_id.eq(org))
        .filter(fund_applications::project_id.eq(project))
        .select((
            funders::id,
            funders::name,
            funders::kind,
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
    applications: &[Application],
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

    // By name, then id: two funders never share a name in one register, but the order
    // must not depend on it.
    let mut funders: BTreeMap<(&str, FunderId), FunderFunding> = BTreeMap::new();
    for application in applications {
        let entry = funders
            .entry((application.funder_name.as_str(), application.funder_id))
            .or_insert_with(|| FunderFunding {
                funder_id: application.funder_id,
                funder_name: application.funder_name.clone(),
                funder_kind: application.funder_kind,
                applications: 0,
                requested: Amount::ZERO,
                granted: Amount::ZERO,
                pending: Amount::ZERO,
            });
        entry.applications += 1;
        let status = application.status;
        if status != FundStatus::Withdrawn {
            entry.requested = entry.requested + application.requested;
        }
        if matches!(status, FundStatus::Granted | FundStatus::PartiallyGranted) {
            entry.granted = entry.granted + application.granted.unwrap_or(Amount::ZERO);
        }
        if matches!(status, FundStatus::Draft | FundStatus::Submitted) {
            entry.pending = entry.pending + application.requested;
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
