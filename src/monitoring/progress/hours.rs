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
