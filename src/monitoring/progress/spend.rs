//! Spend: euros per budget line against its phases (per quarter) and amount (for the
//! project), and per budget category.

use crate::domain::BudgetLineId;

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

fn spent_on(inputs: &Inputs, line: BudgetLineId) -> Actual {
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

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::db::json::JsonDoc;
    use crate::monitoring::content::{Budget, BudgetSpend, ReportContent};
    use crate::monitoring::progress::test_support::{
        amount, q, quarters, report, rows, subjects, totals,
    };
    use crate::plan::budget_lines::Phase;

    fn line(id: u128, category: BudgetCategory, total: &str, phases: &[(u32, &str)]) -> BudgetLine {
        let phases = phases
            .iter()
            .map(|(quarter, a)| Phase {
                quarter: q(*quarter),
                amount: amount(a),
            })
            .collect();
        BudgetLine {
            id: Uuid::from_u128(id).into(),
            category,
            amount: amount(total),
            phases: JsonDoc(phases),
        }
    }

    fn spent(amounts: &[(u128, &str)]) -> ReportContent {
        let spent = amounts
            .iter()
            .map(|(id, a)| BudgetSpend {
                budget_line_id: Uuid::from_u128(*id).into(),
                amount: amount(a),
            })
            .collect();
        ReportContent {
            budget: Budget {
                spent,
                ..Budget::default()
            },
            ..ReportContent::default()
        }
    }

    /// L2 communication (phased), L1 personnel (phased), L3 communication (not phased).
    fn inputs() -> Inputs {
        use BudgetCategory::{Communication, Personnel};
        Inputs {
            quarters: quarters(2),
            budget_lines: vec![
                line(2, Communication, "1200", &[(1, "700")]),
                line(1, Personnel, "4000", &[(1, "1000"), (2, "1000")]),
                line(3, Communication, "450.50", &[]),
            ],
            reports: vec![
                report(1, spent(&[(1, "800"), (2, "650.25"), (2, "50")])),
                report(2, spent(&[(1, "1100"), (3, "100"), (4, "999")])),
            ],
            ..Inputs::default()
        }
    }

    #[test]
    fn spend_per_budget_line_in_line_order() {
        let per_line = per_budget_line(&inputs());
        let [l1, l2, l3] = [1, 2, 3].map(|n| BudgetLineId::from(Uuid::from_u128(n)));
        assert_eq!(
            subjects(&per_line),
            [
                json!({ "budget_line_id": l2, "category": "communication" }),
                json!({ "budget_line_id": l1, "category": "personnel" }),
                json!({ "budget_line_id": l3, "category": "communication" }),
            ]
        );
        let expected: [(&[&str], &str); 3] = [
            (
                &[
                    "2026-Q1 700.00 700.25 0.25 | 700.00 700.25 0.25",
                    "2026-Q2 - 0.00 - | 700.00 700.25 0.25",
                ],
                "1200.00 700.25 -499.75",
            ),
            (
                &[
                    "2026-Q1 1000.00 800.00 -200.00 | 1000.00 800.00 -200.00",
                    "2026-Q2 1000.00 1100.00 100.00 | 2000.00 1900.00 -100.00",
                ],
                "4000.00 1900.00 -2100.00",
            ),
            (
                &[
                    "2026-Q1 - 0.00 - | - 0.00 -",
                    "2026-Q2 - 100.00 - | - 100.00 -",
                ],
                "450.50 100.00 -350.50",
            ),
        ];
        for (series, (quarter_rows, project)) in per_line.iter().zip(expected) {
            assert_eq!(rows(series), quarter_rows, "{}", series.subject);
            assert_eq!(totals(series), project, "{}", series.subject);
        }
    }

    #[test]
    fn spend_per_category_in_vocabulary_order_adds_up_its_lines() {
        let per_category = per_category(&inputs());
        assert_eq!(
            subjects(&per_category),
            [
                json!({ "category": "personnel" }),
                json!({ "category": "communication" })
            ]
        );
        assert_eq!(totals(&per_category[0]), "4000.00 1900.00 -2100.00");
        assert_eq!(
            rows(&per_category[1]),
            [
                "2026-Q1 700.00 700.25 0.25 | 700.00 700.25 0.25",
                "2026-Q2 - 100.00 - | 700.00 800.25 100.25",
            ]
        );
        assert_eq!(totals(&per_category[1]), "1650.50 800.25 -850.25");
    }

    #[test]
    fn no_budget_lines_no_series() {
        let inputs = Inputs {
            quarters: quarters(1),
            reports: vec![report(1, spent(&[(1, "10")]))],
            ..Inputs::default()
        };
        assert!(per_budget_line(&inputs).is_empty());
        assert!(per_category(&inputs).is_empty());
    }
}
