//! The series builder: planned and actual figures per quarter, cumulated, with the
//! variance, for one subject.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::load::QuarterReport;
use super::{QuarterFigures, Series};
use crate::domain::plan::Quarter;
use crate::monitoring::content::ReportContent;

/// What a series counts, which decides its rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Caregivers, partners, items: whole numbers (truncated).
    Count,
    /// Euros and hours, the domain's `Amount`: two decimals.
    Amount,
}

impl Measure {
    fn scaled(self, value: Decimal) -> Decimal {
        let mut v = value;
        match self {
            Measure::Amount => v.rescale(2),
            Measure::Count => v = v.trunc(),
        }
        v
    }
}

/// How quarters add up to the cumulative and project figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accrual {
    /// A flow (reached, spent): the cumulative figure is the sum so far.
    Sum,
    /// A state (partners at a level): the cumulative figure is the latest quarter's.
    State,
}

impl Accrual {
    fn accrue(self, so_far: Decimal, this_quarter: Decimal) -> Decimal {
        match self {
            Accrual::Sum => so_far + this_quarter,
            Accrual::State => this_quarter,
        }
    }
}

/// Planned figures: per quarter, and for the whole project when the plan says so.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Planned {
    project: Option<Decimal>,
    per_quarter: BTreeMap<Quarter, Decimal>,
}

impl Planned {
    /// Sets the figure for a quarter (`None`: the project), replacing an earlier one.
    pub fn set(&mut self, quarter: Option<Quarter>, value: Decimal) {
        match quarter {
            Some(q) => {
                self.per_quarter.insert(q, value);
            }
            None => self.project = Some(value),
        }
    }

    /// Adds to the figure for a quarter (`None`: the project).
    pub fn add(&mut self, quarter: Option<Quarter>, value: Decimal) {
        match quarter {
            Some(q) => *self.per_quarter.entry(q).or_default() += value,
            None => *self.project.get_or_insert_default() += value,
        }
    }

    /// Adds another plan's figures to these, quarter by quarter and for the project.
    pub fn add_up(&mut self, other: &Planned) {
        if let Some(v) = other.project {
            self.add(None, v);
        }
        for (q, v) in &other.per_quarter {
            self.add(Some(*q), *v);
        }
    }

    /// True when nothing is planned, neither per quarter nor for the project.
    pub fn is_empty(&self) -> bool {
        self.project.is_none() && self.per_quarter.is_empty()
    }

    /// The whole-project figure, or else what the quarters' figures come to.
    fn for_project(&self, accrual: Accrual) -> Option<Decimal> {
        self.project.or_else(|| match accrual {
            Accrual::Sum if !self.per_quarter.is_empty() => Some(self.per_quarter.values().sum()),
            Accrual::Sum => None,
            Accrual::State => self.per_quarter.values().last().copied(),
        })
    }
}

impl FromIterator<(Option<Quarter>, Decimal)> for Planned {
    /// Later figures for the same quarter replace earlier ones.
    fn from_iter<I: IntoIterator<Item = (Option<Quarter>, Decimal)>>(iter: I) -> Self {
        let mut planned = Planned::default();
        for (quarter, value) in iter {
            planned.set(quarter, value);
        }
        planned
    }
}

/// Actual figures per quarter; a quarter without one counts as zero.
pub type Actual = BTreeMap<Quarter, Decimal>;

/// One actual figure per counted report, taken from its content.
pub fn per_report(reports: &[QuarterReport], figure: impl Fn(&ReportContent) -> Decimal) -> Actual {
    reports
        .iter()
        .map(|r| (r.quarter, figure(&r.content)))
        .collect()
}

/// What a series needs besides its figures.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub measure: Measure,
    pub accrual: Accrual,
}

/// Euros and hours, adding up.
pub const AMOUNTS: Kind = Kind {
    measure: Measure::Amount,
    accrual: Accrual::Sum,
};
/// Counts that add up (reached, items).
pub const COUNTS: Kind = Kind {
    measure: Measure::Count,
    accrual: Accrual::Sum,
};
/// Counts of a state at the end of each quarter (partners at a level).
pub const STATES: Kind = Kind {
    measure: Measure::Count,
    accrual: Accrual::State,
};

/// Builds the series of one subject over `quarters`.
pub fn build(
    subject: serde_json::Value,
    quarters: &[Quarter],
    planned: &Planned,
    actual: &Actual,
    kind: Kind,
) -> Series {
    let (rows, cumulative_actual) = quarter_rows(quarters, planned, actual, kind);
    let s = |v: Decimal| kind.measure.scaled(v);
    let project_planned = planned.for_project(kind.accrual);
    Series {
        subject,
        quarters: rows,
        planned: project_planned.map(s),
        actual: s(cumulative_actual),
        variance: project_planned.map(|p| s(cumulative_actual - p)),
    }
}

/// The quarters' figures, and the cumulative actual after the last quarter.
fn quarter_rows(
    quarters: &[Quarter],
    planned: &Planned,
    actual: &Actual,
    kind: Kind,
) -> (Vec<QuarterFigures>, Decimal) {
    let s = |v: Decimal| kind.measure.scaled(v);
    let mut cumulative_planned: Option<Decimal> = None;
    let mut cumulative_actual = Decimal::ZERO;
    let mut rows = Vec::with_capacity(quarters.len());
    for quarter in quarters {
        let p = planned.per_quarter.get(quarter).copied();
        let a = actual.get(quarter).copied().unwrap_or_default();
        if let Some(p) = p {
            cumulative_planned = Some(
                kind.accrual
                    .accrue(cumulative_planned.unwrap_or_default(), p),
            );
        }
        cumulative_actual = kind.accrual.accrue(cumulative_actual, a);
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
    (rows, cumulative_actual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::progress::test_support::{dec, q, quarters, rows, totals};

    fn planned(figures: &[(Option<u32>, &str)]) -> Planned {
        figures
            .iter()
            .map(|(quarter, v)| (quarter.map(q), dec(v)))
            .collect()
    }

    fn actual(figures: &[(u32, &str)]) -> Actual {
        figures.iter().map(|(n, v)| (q(*n), dec(v))).collect()
    }

    struct Case {
        name: &'static str,
        planned: Planned,
        actual: Actual,
        kind: Kind,
        rows: [&'static str; 4],
        totals: &'static str,
    }

    #[test]
    fn series_add_up_carry_forward_and_round_by_kind() {
        let cases = [
            Case {
                name: "counts add up; a quarter without a target has no variance",
                planned: planned(&[(Some(1), "10"), (Some(2), "15"), (Some(4), "20")]),
                actual: actual(&[(1, "7"), (2, "12"), (3, "3")]),
                kind: COUNTS,
                rows: [
                    "2026-Q1 10 7 -3 | 10 7 -3",
                    "2026-Q2 15 12 -3 | 25 19 -6",
                    "2026-Q3 - 3 - | 25 22 -3",
                    "2026-Q4 20 0 -20 | 45 22 -23",
                ],
                totals: "45 22 -23",
            },
            Case {
                name: "a project-level target beats the sum of the quarters'",
                planned: planned(&[(Some(1), "10"), (None, "60"), (Some(2), "15")]),
                actual: actual(&[(1, "12"), (2, "20")]),
                kind: COUNTS,
                rows: [
                    "2026-Q1 10 12 2 | 10 12 2",
                    "2026-Q2 15 20 5 | 25 32 7",
                    "2026-Q3 - 0 - | 25 32 7",
                    "2026-Q4 - 0 - | 25 32 7",
                ],
                totals: "60 32 -28",
            },
            Case {
                name: "only a project-level target: no quarter has a plan",
                planned: planned(&[(None, "5")]),
                actual: actual(&[(2, "6")]),
                kind: COUNTS,
                rows: [
                    "2026-Q1 - 0 - | - 0 -",
                    "2026-Q2 - 6 - | - 6 -",
                    "2026-Q3 - 0 - | - 6 -",
                    "2026-Q4 - 0 - | - 6 -",
                ],
                totals: "5 6 1",
            },
            Case {
                name: "nothing planned: no planned figure and no variance anywhere",
                planned: Planned::default(),
                actual: actual(&[(1, "4")]),
                kind: COUNTS,
                rows: [
                    "2026-Q1 - 4 - | - 4 -",
                    "2026-Q2 - 0 - | - 4 -",
                    "2026-Q3 - 0 - | - 4 -",
                    "2026-Q4 - 0 - | - 4 -",
                ],
                totals: "- 4 -",
            },
            Case {
                name: "a state carries the latest target and is its own cumulative actual",
                planned: planned(&[(Some(1), "1"), (Some(2), "2"), (Some(4), "3")]),
                actual: actual(&[(1, "1"), (2, "1"), (3, "2"), (4, "3")]),
                kind: STATES,
                rows: [
                    "2026-Q1 1 1 0 | 1 1 0",
                    "2026-Q2 2 1 -1 | 2 1 -1",
                    "2026-Q3 - 2 - | 2 2 0",
                    "2026-Q4 3 3 0 | 3 3 0",
                ],
                totals: "3 3 0",
            },
            Case {
                name: "a state's missing quarter is zero, not the quarter before",
                planned: planned(&[(Some(1), "2"), (None, "1")]),
                actual: actual(&[(1, "2"), (3, "1")]),
                kind: STATES,
                rows: [
                    "2026-Q1 2 2 0 | 2 2 0",
                    "2026-Q2 - 0 - | 2 0 -2",
                    "2026-Q3 - 1 - | 2 1 -1",
                    "2026-Q4 - 0 - | 2 0 -2",
                ],
                totals: "1 0 -1",
            },
            Case {
                name: "amounts keep two decimals, half a cent away from zero",
                planned: planned(&[(Some(1), "20"), (Some(2), "25.5"), (Some(3), "0.125")]),
                actual: actual(&[(1, "10.25"), (2, "30"), (4, "1.005")]),
                kind: AMOUNTS,
                rows: [
                    "2026-Q1 20.00 10.25 -9.75 | 20.00 10.25 -9.75",
                    "2026-Q2 25.50 30.00 4.50 | 45.50 40.25 -5.25",
                    "2026-Q3 0.13 0.00 -0.13 | 45.63 40.25 -5.38",
                    "2026-Q4 - 1.01 - | 45.63 41.26 -4.37",
                ],
                totals: "45.63 41.26 -4.37",
            },
            Case {
                name: "counts are truncated, towards zero for a negative variance",
                planned: planned(&[(Some(1), "5"), (Some(2), "1.5")]),
                actual: actual(&[(1, "2.7"), (2, "3.9")]),
                kind: COUNTS,
                rows: [
                    "2026-Q1 5 2 -2 | 5 2 -2",
                    "2026-Q2 1 3 2 | 6 6 0",
                    "2026-Q3 - 0 - | 6 6 0",
                    "2026-Q4 - 0 - | 6 6 0",
                ],
                totals: "6 6 0",
            },
        ];
        for case in cases {
            let series = build(
                serde_json::json!({ "case": case.name }),
                &quarters(4),
                &case.planned,
                &case.actual,
                case.kind,
            );
            assert_eq!(rows(&series), case.rows, "{}", case.name);
            assert_eq!(totals(&series), case.totals, "{}", case.name);
            assert_eq!(series.subject, serde_json::json!({ "case": case.name }));
        }
    }

    #[test]
    fn planned_figures_set_replace_and_add_up() {
        let mut planned = planned(&[(Some(1), "1"), (Some(1), "4"), (None, "9")]);
        assert_eq!(planned.per_quarter.get(&q(1)), Some(&dec("4")));
        assert_eq!(planned.project, Some(dec("9")));
        planned.add(Some(q(1)), dec("2"));
        planned.add(Some(q(2)), dec("3"));
        planned.add_up(&self::planned(&[(None, "1"), (Some(2), "0.5")]));
        assert_eq!(planned.per_quarter.get(&q(1)), Some(&dec("6")));
        assert_eq!(planned.per_quarter.get(&q(2)), Some(&dec("3.5")));
        assert_eq!(planned.project, Some(dec("10")));
        assert!(!planned.is_empty());
        assert!(Planned::default().is_empty());
        let mut project_only = Planned::default();
        project_only.add(None, dec("2"));
        assert!(!project_only.is_empty());
    }
}
