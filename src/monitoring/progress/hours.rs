//! Hours: planned hours per activity against hours spent.

use rust_decimal::Decimal;

use super::Series;
use super::load::Inputs;
use super::series::{self, Planned};
use crate::domain::plan::Activity;

/// One series per activity, in vocabulary order, leaving out the activities with
/// nothing planned and nothing spent.
pub fn series(inputs: &Inputs) -> Vec<Series> {
    Activity::ALL
        .iter()
        .filter_map(|activity| of_activity(inputs, *activity))
        .collect()
}

fn of_activity(inputs: &Inputs, activity: Activity) -> Option<Series> {
    let mut planned = Planned::default();
    for p in inputs
        .planned_hours
        .iter()
        .filter(|p| p.activity == activity)
    {
        planned.add(Some(p.quarter), p.hours.value());
    }
    let actual = series::per_report(&inputs.reports, |content| {
        content
            .budget
            .hours
            .iter()
            .filter(|h| h.activity == activity)
            .map(|h| h.hours.value())
            .sum()
    });
    if planned.is_empty() && actual.values().all(Decimal::is_zero) {
        return None;
    }
    Some(series::build(
        serde_json::json!({ "activity": activity }),
        &inputs.quarters,
        &planned,
        &actual,
        series::AMOUNTS,
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::monitoring::content::{Budget, HoursSpent, ReportContent};
    use crate::monitoring::progress::load::PlannedHours;
    use crate::monitoring::progress::test_support::{
        amount, q, quarters, report, rows, subjects, totals,
    };

    fn plan(activity: Activity, quarter: u32, hours: &str) -> PlannedHours {
        PlannedHours {
            activity,
            quarter: q(quarter),
            hours: amount(hours),
        }
    }

    fn spent(hours: &[(Activity, &str)]) -> ReportContent {
        let hours = hours
            .iter()
            .map(|(activity, h)| HoursSpent {
                activity: *activity,
                hours: amount(h),
            })
            .collect();
        ReportContent {
            budget: Budget {
                hours,
                ..Budget::default()
            },
            ..ReportContent::default()
        }
    }

    #[test]
    fn hours_per_activity_skip_what_has_nothing_planned_or_spent() {
        use Activity::{Coordination, Other, Outreach, Training};
        let inputs = Inputs {
            quarters: quarters(2),
            planned_hours: vec![
                plan(Outreach, 1, "20"),
                plan(Outreach, 1, "5"),
                plan(Outreach, 2, "10.5"),
            ],
            reports: vec![
                report(
                    1,
                    spent(&[(Outreach, "12.5"), (Outreach, "2"), (Other, "0")]),
                ),
                report(2, spent(&[(Coordination, "3.25"), (Outreach, "11")])),
            ],
            ..Inputs::default()
        };
        let hours = series(&inputs);
        // Coordination is spent but not planned; other is reported as zero and training
        // not at all, so neither of those has a series.
        assert_eq!(
            subjects(&hours),
            [
                json!({ "activity": "outreach" }),
                json!({ "activity": "coordination" })
            ]
        );
        assert!(!subjects(&hours).contains(&json!({ "activity": Training })));
        assert_eq!(
            rows(&hours[0]),
            [
                "2026-Q1 25.00 14.50 -10.50 | 25.00 14.50 -10.50",
                "2026-Q2 10.50 11.00 0.50 | 35.50 25.50 -10.00",
            ]
        );
        assert_eq!(totals(&hours[0]), "35.50 25.50 -10.00");
        assert_eq!(
            rows(&hours[1]),
            ["2026-Q1 - 0.00 - | - 0.00 -", "2026-Q2 - 3.25 - | - 3.25 -"]
        );
        assert_eq!(totals(&hours[1]), "- 3.25 -");
    }

    #[test]
    fn planned_but_never_spent_still_has_a_series() {
        let inputs = Inputs {
            quarters: quarters(1),
            planned_hours: vec![plan(Activity::Training, 1, "8")],
            ..Inputs::default()
        };
        let hours = series(&inputs);
        assert_eq!(subjects(&hours), [json!({ "activity": "training" })]);
        assert_eq!(
            rows(&hours[0]),
            ["2026-Q1 8.00 0.00 -8.00 | 8.00 0.00 -8.00"]
        );
        assert_eq!(totals(&hours[0]), "8.00 0.00 -8.00");
    }
}
