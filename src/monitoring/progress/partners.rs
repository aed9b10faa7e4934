//! Partners: links at or above each targeted ladder level at the end of each quarter.

use crate::domain::ProjectPartnerId;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Series;
use super::load::{Inputs, LevelReached};
use super::series::{self, Actual, Planned};
use crate::domain::plan::{Level, TargetTheme};

/// One series per level that has a target, from low to high.
pub fn series(inputs: &Inputs) -> Vec<Series> {
    let mut levels: Vec<Level> = inputs
        .targets
        .iter()
        .filter(|t| t.theme == TargetTheme::Partners)
        .filter_map(|t| t.ladder_level)
        .collect();
    levels.sort();
    levels.dedup();
    levels
        .into_iter()
        .map(|level| of_level(inputs, level))
        .collect()
}

fn of_level(inputs: &Inputs, level: Level) -> Series {
    let planned: Planned = inputs
        .targets
        .iter()
        .filter(|t| t.theme == TargetTheme::Partners && t.ladder_level == Some(level))
        .map(|t| (t.quarter, t.planned))
        .collect();
    let actual: Actual = inputs
        .quarters
        .iter()
        .map(|q| {
            let n = inputs
                .partner_links
                .iter()
                .filter(|link| {
                    level_at(&inputs.level_history, **link, q.last_day())
                        .is_some_and(|l| l >= level)
                })
                .count();
            (*q, Decimal::from(n))
        })
        .collect();
    series::build(
        serde_json::json!({ "level": level }),
        &inputs.quarters,
        &planned,
        &actual,
        series::STATES,
    )
}

/// The level a link had on `day`: the one reached last on or before it (of two reached
/// on the same day, the later entry).
fn level_at(history: &[LevelReached], link: ProjectPartnerId, day: NaiveDate) -> Option<Level> {
    history
        .iter()
        .filter(|h| h.project_partner_id == link && h.reached_on <= day)
        .max_by_key(|h| h.reached_on)
        .map(|h| h.level)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::monitoring::progress::load::Target;
    use crate::monitoring::progress::test_support::{quarters, rows, subjects, target, totals};

    fn level(name: &str) -> Level {
        name.parse().expect("a level")
    }

    fn reached(link: u128, name: &str, day: &str) -> LevelReached {
        LevelReached {
            project_partner_id: Uuid::from_u128(link).into(),
            level: level(name),
            reached_on: day.parse().expect("a date"),
        }
    }

    fn at_level(name: &str, quarter: Option<u32>, planned: &str) -> Target {
        Target {
            ladder_level: Some(level(name)),
            ..target(TargetTheme::Partners, quarter, planned)
        }
    }

    #[test]
    fn partners_at_or_above_each_targeted_level_at_quarter_end() {
        let inputs = Inputs {
            quarters: quarters(2),
            partner_links: vec![
                Uuid::from_u128(1).into(),
                Uuid::from_u128(2).into(),
                Uuid::from_u128(3).into(),
            ],
            level_history: vec![
                reached(1, "collaborate", "2026-02-10"),
                reached(1, "work_as_one", "2026-05-01"),
                // On the quarter's last day: counts for that quarter.
                reached(2, "coordinate", "2026-03-31"),
                reached(2, "collaborate", "2026-04-01"),
                // After the last quarter.
                reached(3, "work_as_one", "2026-07-01"),
            ],
            targets: vec![
                at_level("work_as_one", None, "1"),
                at_level("collaborate", Some(1), "1"),
                at_level("collaborate", Some(2), "2"),
                target(TargetTheme::Reach, Some(1), "50"),
            ],
            ..Inputs::default()
        };
        let partners = series(&inputs);
        assert_eq!(
            subjects(&partners),
            [
                json!({ "level": "collaborate" }),
                json!({ "level": "work_as_one" })
            ]
        );
        // A state: the cumulative actual is the quarter's own, not 1 + 2.
        assert_eq!(
            rows(&partners[0]),
            ["2026-Q1 1 1 0 | 1 1 0", "2026-Q2 2 2 0 | 2 2 0"]
        );
        assert_eq!(totals(&partners[0]), "2 2 0");
        assert_eq!(
            rows(&partners[1]),
            ["2026-Q1 - 0 - | - 0 -", "2026-Q2 - 1 - | - 1 -"]
        );
        assert_eq!(totals(&partners[1]), "1 1 0");
    }

    #[test]
    fn a_links_level_is_the_latest_reached_not_the_highest() {
        let history = [
            reached(1, "coordinate", "2026-01-15"),
            reached(1, "collaborate", "2026-02-01"),
            reached(1, "in_contact", "2026-03-01"),
            reached(1, "work_as_one", "2026-04-01"),
            reached(1, "coordinate", "2026-04-01"),
            reached(2, "work_as_one", "2026-01-01"),
        ];
        let link = ProjectPartnerId::from(Uuid::from_u128(1));
        let cases = [
            ("2026-01-14", None),
            ("2026-01-15", Some("coordinate")),
            ("2026-02-28", Some("collaborate")),
            ("2026-03-31", Some("in_contact")),
            // Two on one day: the later entry.
            ("2026-06-30", Some("coordinate")),
        ];
        for (day, expected) in cases {
            let day: NaiveDate = day.parse().expect("a date");
            assert_eq!(level_at(&history, link, day), expected.map(level), "{day}");
        }
    }

    #[test]
    fn no_partner_targets_no_series() {
        let inputs = Inputs {
            quarters: quarters(1),
            partner_links: vec![Uuid::from_u128(1).into()],
            level_history: vec![reached(1, "collaborate", "2026-01-01")],
            targets: vec![target(TargetTheme::Partners, Some(1), "1")],
            ..Inputs::default()
        };
        assert!(series(&inputs).is_empty());
    }
}
