//! Reach: caregivers reached for the first time, per target group and all together.

use crate::domain::TargetGroupId;
use rust_decimal::Decimal;

use super::Series;
use super::load::Inputs;
use super::series::{self, Planned};
use crate::domain::plan::TargetTheme;

/// All groups together first (`{"target_group_id": null}`), then each group in order.
pub fn series(inputs: &Inputs) -> Vec<Series> {
    std::iter::once(None)
        .chain(inputs.target_groups.iter().copied().map(Some))
        .map(|group| of_group(inputs, group))
        .collect()
}

/// `None`: every group.
fn of_group(inputs: &Inputs, group: Option<TargetGroupId>) -> Series {
    let planned: Planned = inputs
        .targets
        .iter()
        .filter(|t| t.theme == TargetTheme::Reach && t.target_group_id == group)
        .map(|t| (t.quarter, t.planned))
        .collect();
    let actual = series::per_report(&inputs.reports, |content| {
        let n: u32 = content
            .reach
            .per_target_group
            .iter()
            .filter(|r| group.is_none_or(|g| r.target_group_id == g))
            .filter_map(|r| r.new)
            .sum();
        Decimal::from(n)
    });
    series::build(
        serde_json::json!({ "target_group_id": group }),
        &inputs.quarters,
        &planned,
        &actual,
        series::COUNTS,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::monitoring::content::{Reach, ReportContent, TargetGroupReach};
    use crate::monitoring::progress::load::Target;
    use crate::monitoring::progress::test_support::{
        quarters, report, rows, subjects, target, totals,
    };

    fn reached(group: TargetGroupId, new: Option<u32>) -> TargetGroupReach {
        TargetGroupReach {
            target_group_id: group,
            new,
            total: Some(99),
        }
    }

    fn content(per_target_group: Vec<TargetGroupReach>) -> ReportContent {
        ReportContent {
            reach: Reach {
                per_target_group,
                ..Reach::default()
            },
            ..ReportContent::default()
        }
    }

    #[test]
    fn reach_is_all_groups_then_each_group_in_order() {
        let (g1, g2) = (
            TargetGroupId::from(Uuid::from_u128(1)),
            TargetGroupId::from(Uuid::from_u128(2)),
        );
        let for_group = |group, quarter, planned| Target {
            target_group_id: Some(group),
            ..target(TargetTheme::Reach, quarter, planned)
        };
        let inputs = Inputs {
            quarters: quarters(2),
            target_groups: vec![g2, g1],
            targets: vec![
                for_group(g1, Some(1), "10"),
                for_group(g1, Some(2), "15"),
                for_group(g1, None, "60"),
                for_group(g2, Some(1), "5"),
                target(TargetTheme::Reach, Some(1), "12"),
                // Another theme's target for a group is no reach target.
                Target {
                    target_group_id: Some(g2),
                    ..target(TargetTheme::Communication, Some(2), "100")
                },
            ],
            reports: vec![
                report(
                    1,
                    content(vec![
                        reached(g1, Some(4)),
                        reached(g2, Some(3)),
                        reached(g1, None),
                    ]),
                ),
                report(2, content(vec![reached(g1, Some(6))])),
            ],
            ..Inputs::default()
        };
        let reach = series(&inputs);
        assert_eq!(
            subjects(&reach),
            [
                json!({ "target_group_id": null }),
                json!({ "target_group_id": g2 }),
                json!({ "target_group_id": g1 }),
            ]
        );
        let expected: [(&[&str], &str); 3] = [
            (
                &["2026-Q1 12 7 -5 | 12 7 -5", "2026-Q2 - 6 - | 12 13 1"],
                "12 13 1",
            ),
            (
                &["2026-Q1 5 3 -2 | 5 3 -2", "2026-Q2 - 0 - | 5 3 -2"],
                "5 3 -2",
            ),
            (
                &["2026-Q1 10 4 -6 | 10 4 -6", "2026-Q2 15 6 -9 | 25 10 -15"],
                "60 10 -50",
            ),
        ];
        for (series, (quarter_rows, project)) in reach.iter().zip(expected) {
            assert_eq!(rows(series), quarter_rows, "{}", series.subject);
            assert_eq!(totals(series), project, "{}", series.subject);
        }
    }

    #[test]
    fn no_target_groups_leaves_the_all_groups_series() {
        let inputs = Inputs {
            quarters: quarters(1),
            ..Inputs::default()
        };
        let reach = series(&inputs);
        assert_eq!(subjects(&reach), [json!({ "target_group_id": null })]);
        assert_eq!(rows(&reach[0]), ["2026-Q1 - 0 - | - 0 -"]);
        assert_eq!(totals(&reach[0]), "- 0 -");
    }
}
