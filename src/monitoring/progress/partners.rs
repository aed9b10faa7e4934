//! Partners: links at or above each targeted ladder level at the end of each quarter.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

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
fn level_at(history: &[LevelReached], link: Uuid, day: NaiveDate) -> Option<Level> {
    history
        .iter()
        .filter(|h| h.project_partner_id == link && h.reached_on <= day)
        .max_by_key(|h| h.reached_on)
        .map(|h| h.level)
}
