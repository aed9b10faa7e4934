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
