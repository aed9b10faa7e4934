//! Calendar quarters.

use super::*;

/// A calendar quarter, written `2026-Q3`; stored as the date of its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Date)
)]
pub struct Quarter {
    year: i32,
    number: u32,
}

impl Quarter {
    pub fn new(year: i32, number: u32) -> Option<Self> {
        ((2000..=2100).contains(&year) && (1..=4).contains(&number))
            .then_some(Quarter { year, number })
    }
    pub fn containing(date: NaiveDate) -> Self {
        Quarter {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or_default()
    }
    pub fn last_day(self) -> NaiveDate {
        self.next()
            .map(|q| q.first_day().pred_opt().unwrap_or_default())
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(self.year, 12, 31).unwrap_or_default())
    }
    pub fn next(self) -> Option<Self> {
        if self.number == 4 {
            Quarter::new(self.year + 1, 1)
        } else {
            Quarter::new(self.year, self.number + 1)
        }
    }
    /// True when the quarter overlaps the period `[start, end]`.
    pub fn within(self, start: NaiveDate, end: NaiveDate) -> bool {
        self.first_day() <= end && self.last_day() >= start
    }
    /// Every quarter that overlaps `[start, end]`, in order.
    pub fn spanning(start: NaiveDate, end: NaiveDate) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = Some(Quarter::containing(start));
        while let Some(quarter) = q.filter(|q| q.first_day() <= end) {
            out.push(quarter);
            q = quarter.next();
        }
        out
    }
    /// Checks that the quarter lies in the project period, for a field error.
    pub fn check_within(self, start: NaiveDate, end: NaiveDate) -> Result<Self, String> {
        if self.within(start, end) {
            Ok(self)
        } else {
            Err(format!(
                "{self} is outside the project period {start} to {end}"
            ))
        }
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

impl FromStr for Quarter {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a quarter; write it as 2026-Q3");
        let (year, number) = s.split_once("-Q").ok_or_else(bad)?;
        if year.len() != 4 || number.len() != 1 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let number: u32 = number.parse().map_err(|_| bad())?;
        Quarter::new(year, number).ok_or_else(|| {
            format!("{s:?} is not a quarter from 2000-Q1 to 2100-Q4; write it as 2026-Q3")
        })
    }
}

serde_via_str!(Quarter);

impl PartialSchema for Quarter {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A calendar quarter, e.g. `2026-Q3`."))
            .pattern(Some(r"^(20[0-9]{2}|2100)-Q[1-4]$"))
            .examples([serde_json::json!("2026-Q3")])
            .into()
    }
}
impl ToSchema for Quarter {}

sql_via!(
    Quarter,
    diesel::sql_types::Date,
    NaiveDate,
    |v| v.first_day(),
    |i| Ok(Quarter::containing(i))
);
