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

/// The pattern of an amount (as [`Amount`]'s parser reads it: at most 12 whole digits,
/// leading zeros allowed, at most two decimals) of at most `10^digits`, and with
/// `positive` more than 0: the schema says exactly what the parser and the bound accept.
/// No look-ahead, so every JSON Schema validator and generator reads it.
pub fn amount_pattern(digits: u32, positive: bool) -> String {
    let digits = digits as usize;
    let decimals = r"(\.[0-9]{1,2})?";
    let mut below = Vec::new();
    if positive {
        // A whole part with m significant digits (1 to `digits`), then anything after the
        // point; or a whole part of zeros and a fraction that is not.
        for m in 1..=digits {
            let rest = match m - 1 {
                0 => String::new(),
                rest => format!("[0-9]{{{rest}}}"),
            };
            below.push(format!(
                "0{{0,{zeros}}}[1-9]{rest}{decimals}",
                zeros = 12 - m
            ));
        }
        below.push(r"0{1,12}\.([1-9][0-9]?|0[1-9])".to_string());
    } else {
        below.push(format!(
            "0{{0,{zeros}}}[0-9]{{1,{digits}}}{decimals}",
            zeros = 12 - digits
        ));
    }
    let limit = format!(
        r"0{{0,{zeros}}}1{tens}(\.0{{1,2}})?",
        zeros = 11 - digits,
        tens = "0".repeat(digits)
    );
    format!("^({}|{limit})$", below.join("|"))
}

/// An amount schema with an upper bound: its component says the bound in its pattern.
macro_rules! bounded_amount {
    ($($(#[doc = $doc:literal])+ $name:ident, digits = $digits:literal, positive = $positive:literal, example = $example:literal;)+) => {$(
        $(#[doc = $doc])+
        pub struct $name;

        impl $name {
            /// The largest value: `10^digits`.
            pub const MAX: i64 = 10i64.pow($digits);
            /// Whether 0 is refused.
            pub const POSITIVE: bool = $positive;
            pub fn pattern() -> String {
                amount_pattern($digits, $positive)
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let least = if $positive { "more than 0" } else { "at least 0" };
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some(format!(
                        "{} A decimal with at most two decimals, as a string, {least} and at most {}.",
                        concat!($($doc),+).trim(),
                        Self::MAX
                    )))
                    .pattern(Some(Self::pattern()))
                    .examples([serde_json::json!($example)])
                    .into()
            }
        }
        impl ToSchema for $name {}
    )+};
}

bounded_amount! {
    /// Hours.
    Hours, digits = 4, positive = false, example = "120.5";
    /// Euros per hour.
    HourlyRate, digits = 3, positive = false, example = "45.00";
    /// Euros per unit.
    UnitPrice, digits = 6, positive = false, example = "0.12";
    /// Euros.
    Euros, digits = 7, positive = false, example = "1250.50";
    /// Euros asked for.
    EurosRequested, digits = 7, positive = true, example = "25000.00";
    /// How many units: words, pages, minutes.
    Quantity, digits = 7, positive = true, example = "3000";
    /// The planned value of a target: a count, euros or hours.
    TargetValue, digits = 8, positive = false, example = "40";
}

sql_via!(
    Amount,
    diesel::sql_types::Numeric,
    Decimal,
    |v| v.0,
    |i| Ok(Amount::new(i))
);

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server takes for a field of at most `10^digits` (and more than 0 where
    /// `positive`).
    fn taken(text: &str, digits: u32, positive: bool) -> bool {
        text.parse::<Amount>().is_ok_and(|amount| {
            amount.at_most(10i64.pow(digits)).is_ok() && !(positive && amount.is_zero())
        })
    }

    fn candidates() -> Vec<String> {
        let mut wholes: Vec<String> = vec![String::new()];
        for digits in 0..=9u32 {
            let power = 10u64.pow(digits);
            for n in [power.saturating_sub(1), power, power + 1, 5 * power] {
                wholes.push(n.to_string());
            }
        }
        wholes.extend(
            [
                "123456789012",
                "1234567890123",
                "000000000000",
                "0000000000000",
            ]
            .map(String::from),
        );
        let fractions = [
            "", ".", ".0", ".00", ".000", ".5", ".05", ".50", ".01", ".1", ".99", ".999", ".x",
        ];
        let mut all = Vec::new();
        for whole in &wholes {
            for zeros in 0..=12 {
                for fraction in fractions {
                    all.push(format!("{}{whole}{fraction}", "0".repeat(zeros)));
                }
            }
        }
        all.extend(["-1", "1e3", " 1", "1 ", "+1", "1.0.0", "0x10", "١"].map(String::from));
        // And strings of digits and points, from a fixed sequence.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..40_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let len = 1 + (state >> 60) as usize;
            let text: String = (0..len)
                .map(|i| {
                    let pick = (state >> (i * 4 % 56)) % 14;
                    if pick >= 11 {
                        '0'
                    } else {
                        b"0123456789."[pick as usize] as char
                    }
                })
                .collect();
            all.push(text);
        }
        all
    }

    #[test]
    fn a_bounded_amount_pattern_takes_exactly_what_the_server_takes() {
        let candidates = candidates();
        for digits in 1..=9 {
            for positive in [false, true] {
                let pattern = amount_pattern(digits, positive);
                let regex = regex::Regex::new(&pattern).unwrap();
                for text in &candidates {
                    assert_eq!(
                        regex.is_match(text),
                        taken(text, digits, positive),
                        "{text:?} with at most 10^{digits} (positive: {positive}): {pattern}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_bounded_amounts_name_their_bound() {
        assert_eq!(Hours::MAX, 10_000);
        assert_eq!(HourlyRate::MAX, 1_000);
        assert_eq!(UnitPrice::MAX, 1_000_000);
        assert_eq!(Euros::MAX, 10_000_000);
        assert_eq!(
            (EurosRequested::MAX, EurosRequested::POSITIVE),
            (10_000_000, true)
        );
        assert_eq!((Quantity::MAX, Quantity::POSITIVE), (10_000_000, true));
        assert_eq!(TargetValue::MAX, 100_000_000);
        let schema = serde_json::to_value(Hours::schema()).unwrap();
        assert_eq!(schema["pattern"], Hours::pattern());
        assert!(
            schema["description"]
                .as_str()
                .unwrap()
                .contains("at most 10000")
        );
    }
}
