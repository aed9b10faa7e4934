//! Amounts: euros, hours and quantities with two decimals.

use super::*;

/// A non-negative decimal with at most two decimals: euros, hours, quantities. Sent as
/// a string (`"1250.50"`) so that no client turns it into a float; stored as NUMERIC.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Numeric)
)]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    pub fn new(value: Decimal) -> Self {
        // Half a cent rounds up, as in Postgres `round()` and in spreadsheets.
        let mut value =
            value.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        value.rescale(2);
        Amount(value)
    }
    pub fn value(self) -> Decimal {
        self.0
    }
    /// Checks an upper bound, for a field error.
    pub fn at_most(self, max: i64) -> Result<Self, String> {
        if self.0 <= Decimal::from(max) {
            Ok(self)
        } else {
            Err(format!("must be at most {max}"))
        }
    }
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
}

impl std::ops::Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount::new(self.0 + other.0)
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0;
        value.rescale(2);
        write!(f, "{value}")
    }
}

impl FromStr for Amount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "{s:?} is not an amount; write a non-negative decimal with at most two decimals and a point, e.g. \"1250.50\""
            )
        };
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 12
            || fraction.len() > 2
            || (s.contains('.') && fraction.is_empty())
            || !digits(whole)
            || !digits(fraction)
        {
            return Err(bad());
        }
        s.parse::<Decimal>().map(Amount::new).map_err(|_| bad())
    }
}

serde_via_str!(Amount);

impl PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "A non-negative decimal with at most two decimals, as a string, e.g. `\"1250.50\"`.",
            ))
            .pattern(Some(r"^[0-9]{1,12}(\.[0-9]{1,2})?$"))
            .examples([serde_json::json!("1250.50")])
            .into()
    }
}
impl ToSchema for Amount {}

sql_via!(
    Amount,
    diesel::sql_types::Numeric,
    Decimal,
    |v| v.0,
    |i| Ok(Amount::new(i))
);
