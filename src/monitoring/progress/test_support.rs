//! Small builders for the themes' unit tests, and a compact text form of a series so
//! that a test can state every figure of it in a table.

use rust_decimal::Decimal;

use super::Series;
use super::load::{QuarterReport, Target};
use crate::domain::plan::{Amount, LanguageCode, Quarter, TargetTheme};
use crate::monitoring::content::ReportContent;

/// Quarter `n` of 2026.
pub fn q(n: u32) -> Quarter {
    Quarter::new(2026, n).expect("a quarter of 2026")
}

/// 2026-Q1 up to and including 2026-Q`last`.
pub fn quarters(last: u32) -> Vec<Quarter> {
    (1..=last).map(q).collect()
}

pub fn dec(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

pub fn amount(text: &str) -> Amount {
    text.parse().expect("an amount")
}

pub fn language(code: &str) -> LanguageCode {
    code.parse().expect("a language code")
}

/// A target of `theme` for quarter `quarter` (`None`: the project), about nothing in
/// particular; set the subject with struct update syntax.
pub fn target(theme: TargetTheme, quarter: Option<u32>, planned: &str) -> Target {
    Target {
        theme,
        quarter: quarter.map(q),
        target_group_id: None,
        ladder_level: None,
        channel: None,
        language: None,
        planned: dec(planned),
    }
}

pub fn report(quarter: u32, content: ReportContent) -> QuarterReport {
    QuarterReport {
        quarter: q(quarter),
        content,
    }
}

fn text(value: Option<Decimal>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// Each quarter as `quarter planned actual variance | cumulative planned actual
/// variance`, `-` for nothing planned.
pub fn rows(series: &Series) -> Vec<String> {
    series
        .quarters
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} | {} {} {}",
                r.quarter,
                text(r.planned),
                r.actual,
                text(r.variance),
                text(r.cumulative_planned),
                r.cumulative_actual,
                text(r.cumulative_variance),
            )
        })
        .collect()
}

/// The project's figures as `planned actual variance`.
pub fn totals(series: &Series) -> String {
    format!(
        "{} {} {}",
        text(series.planned),
        series.actual,
        text(series.variance)
    )
}

pub fn subjects(series: &[Series]) -> Vec<serde_json::Value> {
    series.iter().map(|s| s.subject.clone()).collect()
}
