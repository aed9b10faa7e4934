//! Spend: euros per budget line against its phases (per quarter) and amount (for the
//! project), and per budget category.

use uuid::Uuid;

use super::Series;
use super::load::{BudgetLine, Inputs};
use super::series::{self, Actual, Planned};
use crate::domain::plan::BudgetCategory;

/// One series per budget line, in order.
pub fn per_budget_line(inputs: &Inputs) -> Vec<Series> {
    inputs
        .budget_lines
        .iter()
        .map(|line| {
            series::build(
                serde_json::json!({ "budget_line_id": line.id, "category": line.category }),
                &inputs.quarters,
                &planned_for(line),
                &spent_on(inputs, line.id),
                series::AMOUNTS,
            )
        })
        .collect()
}

/// One series per category that has budget lines, in vocabulary order.
pub fn per_category(inputs: &Inputs) -> Vec<Series> {
    BudgetCategory::ALL
        .iter()
        .filter_map(|category| of_category(inputs, *category))
        .collect()
}

fn of_category(inputs: &Inputs, category: BudgetCategory) -> Option<Series> {
    let lines: Vec<&BudgetLine> = inputs
        .budget_lines
        .iter()
        .filter(|l| l.category == category)
        .collect();
    if lines.is_empty() {
        return None;
    }
    let mut planned = Planned::default();
    let mut actual = Actual::new();
    for line in lines {
        planned.add_up(&planned_for(line));
        for (q, v) in spent_on(inputs, line.id) {
            *actual.entry(q).or_default() += v;
        }
    }
    Some(series::build(
        serde_json::json!({ "category": category }),
        &inputs.quarters,
        &planned,
        &actual,
        series::AMOUNTS,
    ))
}

/// The line's phases per quarter and its amount for the project.
fn planned_for(line: &BudgetLine) -> Planned {
    let mut planned: Planned = line
        .phases
        .0
        .iter()
        .map(|p| (Some(p.quarter), p.amount.value()))
        .collect();
    planned.set(None, line.amount.value());
    planned
}

fn spent_on(inputs: &Inputs, line: Uuid) -> Actual {
    series::per_report(&inputs.reports, |content| {
        content
            .budget
            .spent
            .iter()
            .filter(|s| s.budget_line_id == line)
            .map(|s| s.amount.value())
            .sum()
    })
}
