//! Reach: caregivers reached for the first time, per target group and all together.

use rust_decimal::Decimal;
use uuid::Uuid;

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
fn of_group(inputs: &Inputs, group: Option<Uuid>) -> Series {
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
