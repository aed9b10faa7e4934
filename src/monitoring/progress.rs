//! Progress: targets against actuals, per quarter and cumulatively, with the variance.
//!
//! Planned figures come from the plan: targets for reach, partners and communication;
//! planned hours for hours; budget lines (their phases per quarter, their amount for the
//! project) for spend. Actual figures come from the quarterly reports whose state the
//! caller includes, and for partners from the project partners' level history.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::content::ReportContent;
use super::reports::{self, ReportState};
use crate::db::json::JsonList;
use crate::db::schema::{
    budget_lines, planned_hours, project_partner_levels, project_partners, target_groups, targets,
};
use crate::db::scope::ProjectScope;
use crate::domain::plan::{
    Activity, Amount, BudgetCategory, Channel, LanguageCode, Level, Quarter, TargetTheme,
};
use crate::error::ApiError;
use crate::plan::budget_lines::Phase;

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

/// Money and hours keep two decimals; counts none.
fn scaled(value: Decimal, money: bool) -> Decimal {
    let mut v = value;
    if money {
        v.rescale(2);
    } else {
        v = v.trunc();
    }
    v
}

/// Builds a series from planned figures per quarter (`None` for the project) and
/// actual figures per quarter. `state` series carry the last actual forward instead of
/// adding up.
fn series(
    subject: serde_json::Value,
    quarters: &[Quarter],
    planned: &BTreeMap<Option<Quarter>, Decimal>,
    actual: &BTreeMap<Quarter, Decimal>,
    money: bool,
    state: bool,
) -> Series {
    let mut cumulative_planned: Option<Decimal> = None;
    let mut cumulative_actual = Decimal::ZERO;
    let mut rows = Vec::with_capacity(quarters.len());
    for quarter in quarters {
        let p = planned.get(&Some(*quarter)).copied();
        let a = actual.get(quarter).copied().unwrap_or_default();
        if let Some(p) = p {
            cumulative_planned = Some(if state {
                p
            } else {
                cumulative_planned.unwrap_or_default() + p
            });
        }
        cumulative_actual = if state { a } else { cumulative_actual + a };
        let s = |v: Decimal| scaled(v, money);
        rows.push(QuarterFigures {
            quarter: *quarter,
            planned: p.map(s),
            actual: s(a),
            variance: p.map(|p| s(a - p)),
            cumulative_planned: cumulative_planned.map(s),
            cumulative_actual: s(cumulative_actual),
            cumulative_variance: cumulative_planned.map(|p| s(cumulative_actual - p)),
        });
    }
    let project_planned = planned.get(&None).copied().or_else(|| {
        let quarterly: Vec<Decimal> = planned
            .iter()
            .filter(|(q, _)| q.is_some())
            .map(|(_, v)| *v)
            .collect();
        match (quarterly.is_empty(), state) {
            (true, _) => None,
            (false, true) => quarterly.last().copied(),
            (false, false) => Some(quarterly.iter().sum()),
        }
    });
    let project_actual = cumulative_actual;
    Series {
        subject,
        quarters: rows,
        planned: project_planned.map(|v| scaled(v, money)),
        actual: scaled(project_actual, money),
        variance: project_planned.map(|p| scaled(project_actual - p, money)),
    }
}

type TargetRow = (
    TargetTheme,
    Option<Quarter>,
    Option<Uuid>,
    Option<Level>,
    Option<Channel>,
    Option<LanguageCode>,
    Decimal,
);

pub async fn compute(
    conn: &mut AsyncPgConnection,
    scope: &ProjectScope,
    include: Include,
) -> Result<Progress, ApiError> {
    let (org, project) = (scope.org, scope.project_id());
    let (start, end) = scope.period();
    let quarters = Quarter::spanning(start, end);
    let reports: Vec<(Quarter, ReportContent)> = reports::all(conn, scope)
        .await?
        .into_iter()
        .filter(|r| include.counts(r.state))
        .map(|r| (r.quarter, r.content.0))
        .collect();
    let target_rows: Vec<TargetRow> = targets::table
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
        .await?;
    let groups: Vec<Uuid> = target_groups::table
        .filter(target_groups::organisation_id.eq(org))
        .filter(target_groups::project_id.eq(project))
        .order((target_groups::created_at, target_groups::id))
        .select(target_groups::id)
        .load(conn)
        .await?;

    // Reach: per target group, and all groups together.
    let mut reach = Vec::new();
    for group in std::iter::once(None).chain(groups.iter().copied().map(Some)) {
        let planned: BTreeMap<Option<Quarter>, Decimal> = target_rows
            .iter()
            .filter(|t| t.0 == TargetTheme::Reach && t.2 == group)
            .map(|t| (t.1, t.6))
            .collect();
        let actual: BTreeMap<Quarter, Decimal> = reports
            .iter()
            .map(|(q, c)| {
                let n: u32 = c
                    .reach
                    .per_target_group
                    .iter()
                    .filter(|r| group.is_none_or(|g| r.target_group_id == g))
                    .filter_map(|r| r.new)
                    .sum();
                (*q, Decimal::from(n))
            })
            .collect();
        reach.push(series(
            serde_json::json!({ "target_group_id": group }),
            &quarters,
            &planned,
            &actual,
            false,
            false,
        ));
    }

    // Partners: links at or above each targeted level at the end of each quarter.
    let links: Vec<Uuid> = project_partners::table
        .filter(project_partners::organisation_id.eq(org))
        .filter(project_partners::project_id.eq(project))
        .select(project_partners::id)
        .load(conn)
        .await?;
    let history: Vec<(Uuid, Level, NaiveDate)> = project_partner_levels::table
        .filter(project_partner_levels::organisation_id.eq(org))
        .filter(project_partner_levels::project_id.eq(project))
        .order(project_partner_levels::id)
        .select((
            project_partner_levels::project_partner_id,
            project_partner_levels::level,
            project_partner_levels::reached_on,
        ))
        .load(conn)
        .await?;
    let level_at = |link: Uuid, day: NaiveDate| {
        history
            .iter()
            .filter(|(l, _, reached)| *l == link && *reached <= day)
            .max_by_key(|(_, _, reached)| *reached)
            .map(|(_, level, _)| *level)
    };
    let mut levels: Vec<Level> = target_rows
        .iter()
        .filter(|t| t.0 == TargetTheme::Partners)
        .filter_map(|t| t.3)
        .collect();
    levels.sort();
    levels.dedup();
    let mut partners = Vec::new();
    for level in levels {
        let planned: BTreeMap<Option<Quarter>, Decimal> = target_rows
            .iter()
            .filter(|t| t.0 == TargetTheme::Partners && t.3 == Some(level))
            .map(|t| (t.1, t.6))
            .collect();
        let actual: BTreeMap<Quarter, Decimal> = quarters
            .iter()
            .map(|q| {
                let n = links
                    .iter()
                    .filter(|link| level_at(**link, q.last_day()).is_some_and(|l| l >= level))
                    .count();
                (*q, Decimal::from(n))
            })
            .collect();
        partners.push(series(
            serde_json::json!({ "level": level }),
            &quarters,
            &planned,
            &actual,
            false,
            true,
        ));
    }

    // Communication: per targeted channel and/or language (absent: any).
    let mut subjects: Vec<(Option<Channel>, Option<LanguageCode>)> = target_rows
        .iter()
        .filter(|t| t.0 == TargetTheme::Communication)
        .map(|t| (t.4, t.5.clone()))
        .collect();
    subjects.dedup();
    let mut seen = Vec::new();
    let mut communication = Vec::new();
    for (channel, language) in subjects {
        if seen.contains(&(channel, language.clone())) {
            continue;
        }
        seen.push((channel, language.clone()));
        let planned: BTreeMap<Option<Quarter>, Decimal> = target_rows
            .iter()
            .filter(|t| t.0 == TargetTheme::Communication && t.4 == channel && t.5 == language)
            .map(|t| (t.1, t.6))
            .collect();
        let actual: BTreeMap<Quarter, Decimal> = reports
            .iter()
            .map(|(q, c)| {
                let n: u32 = c
                    .communication
                    .iter()
                    .filter(|e| channel.is_none_or(|ch| e.channel == ch))
                    .filter(|e| {
                        language
                            .as_ref()
                            .is_none_or(|l| e.language.as_ref() == Some(l))
                    })
                    .map(|e| e.count)
                    .sum();
                (*q, Decimal::from(n))
            })
            .collect();
        communication.push(series(
            serde_json::json!({ "channel": channel, "language": language }),
            &quarters,
            &planned,
            &actual,
            false,
            false,
        ));
    }

    // Hours: planned hours per activity against hours spent.
    let planned_hours: Vec<(Activity, Quarter, Amount)> = planned_hours::table
        .filter(planned_hours::organisation_id.eq(org))
        .filter(planned_hours::project_id.eq(project))
        .select((
            planned_hours::activity,
            planned_hours::quarter,
            planned_hours::hours,
        ))
        .load(conn)
        .await?;
    let mut hours = Vec::new();
    for activity in Activity::ALL {
        let mut planned: BTreeMap<Option<Quarter>, Decimal> = BTreeMap::new();
        for (_, q, h) in planned_hours.iter().filter(|p| p.0 == *activity) {
            *planned.entry(Some(*q)).or_default() += h.value();
        }
        let actual: BTreeMap<Quarter, Decimal> = reports
            .iter()
            .map(|(q, c)| {
                let spent: Decimal = c
                    .budget
                    .hours
                    .iter()
                    .filter(|h| h.activity == *activity)
                    .map(|h| h.hours.value())
                    .sum();
                (*q, spent)
            })
            .collect();
        if planned.is_empty() && actual.values().all(Decimal::is_zero) {
            continue;
        }
        hours.push(series(
            serde_json::json!({ "activity": activity }),
            &quarters,
            &planned,
            &actual,
            true,
            false,
        ));
    }

    // Spend: per budget line (phases per quarter, amount for the project) and category.
    let lines: Vec<(Uuid, BudgetCategory, Amount, JsonList<Phase>)> = budget_lines::table
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
        .await?;
    let spent_on = |line: Uuid| -> BTreeMap<Quarter, Decimal> {
        reports
            .iter()
            .map(|(q, c)| {
                let spent: Decimal = c
                    .budget
                    .spent
                    .iter()
                    .filter(|s| s.budget_line_id == line)
                    .map(|s| s.amount.value())
                    .sum();
                (*q, spent)
            })
            .collect()
    };
    let planned_for = |amount: Amount, phases: &[Phase]| -> BTreeMap<Option<Quarter>, Decimal> {
        let mut planned: BTreeMap<Option<Quarter>, Decimal> = phases
            .iter()
            .map(|p| (Some(p.quarter), p.amount.value()))
            .collect();
        planned.insert(None, amount.value());
        planned
    };
    let mut per_line = Vec::new();
    for (id, category, amount, phases) in &lines {
        per_line.push(series(
            serde_json::json!({ "budget_line_id": id, "category": category }),
            &quarters,
            &planned_for(*amount, &phases.0),
            &spent_on(*id),
            true,
            false,
        ));
    }
    let mut per_category = Vec::new();
    for category in BudgetCategory::ALL {
        let mine: Vec<_> = lines.iter().filter(|l| l.1 == *category).collect();
        if mine.is_empty() {
            continue;
        }
        let mut planned: BTreeMap<Option<Quarter>, Decimal> = BTreeMap::new();
        let mut actual: BTreeMap<Quarter, Decimal> = BTreeMap::new();
        for (id, _, amount, phases) in &mine {
            for (q, v) in planned_for(*amount, &phases.0) {
                *planned.entry(q).or_default() += v;
            }
            for (q, v) in spent_on(*id) {
                *actual.entry(q).or_default() += v;
            }
        }
        per_category.push(series(
            serde_json::json!({ "category": category }),
            &quarters,
            &planned,
            &actual,
            true,
            false,
        ));
    }

    Ok(Progress {
        include,
        quarters,
        reach,
        partners,
        communication,
        hours,
        spend_per_budget_line: per_line,
        spend_per_category: per_category,
    })
}
