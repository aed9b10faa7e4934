//! The project plan's basics and their rules.

use chrono::NaiveDate;

text_enum!(
    /// Where a project stands.
    ProjectStatus {
        Draft => "draft",
        Active => "active",
        Completed => "completed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// The organisation's role in the project.
    OrganisationRole {
        /// Supports caregivers directly.
        DirectSupport => "direct_support",
        /// Expertise centre that connects parties.
        ExpertiseCentre => "expertise_centre",
        /// Advocacy.
        Advocacy => "advocacy",
    }
);

/// Earliest and latest dates the service accepts for a project period.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2100, 12, 31) {
    Some(d) => d,
    None => unreachable!(),
};

/// The schema's pattern of a date in the supported range (years 2000 to 2100), as the
/// request schemas write it beside `format: date`.
pub const DATE_PATTERN: &str = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// What a client is told about a date that is not written as the API writes dates.
pub const DATE_WORDS: &str =
    "is not a date as the API writes it: write YYYY-MM-DD, e.g. 2026-04-01 (not 01-04-2026)";

/// A date written exactly as the API writes it and `format: date` means (RFC 3339's
/// full-date, `YYYY-MM-DD`). chrono alone also reads `2026-1-1`, `+2026-01-01` and
/// `2026-01-01 `, which the schema refuses.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, byte)| match i {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if shaped {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    } else {
        None
    }
}

/// A date of a request, read by [`parse_date`]: for `#[serde(deserialize_with)]`
/// through [`strict_date`] and [`strict_date_opt`], or as the `T` of a helper such as a
/// patch's `not_null`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrictDate(pub NaiveDate);

impl<'de> serde::Deserialize<'de> for StrictDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = StrictDate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date as YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<StrictDate, E> {
                parse_date(text)
                    .map(StrictDate)
                    .ok_or_else(|| E::custom(DATE_WORDS))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// `#[serde(deserialize_with = "strict_date")]` on a request's `NaiveDate`.
pub fn strict_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<NaiveDate, D::Error> {
    <StrictDate as serde::Deserialize>::deserialize(deserializer).map(|date| date.0)
}

/// `#[serde(default, deserialize_with = "strict_date_opt")]` on a request's
/// `Option<NaiveDate>` (`null` or left out is `None`).
pub fn strict_date_opt<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    <Option<StrictDate> as serde::Deserialize>::deserialize(deserializer)
        .map(|date| date.map(|date| date.0))
}

/// A date must lie in the supported range.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate, String> {
    if (EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(format!("must be between {EARLIEST_DATE} and {LATEST_DATE}"))
    }
}

/// A project's period: end not before start.
pub fn check_period(start: NaiveDate, end: NaiveDate) -> Result<(), String> {
    if end < start {
        Err(format!("must not be before start_date ({start})"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_read_only_as_the_api_writes_it() {
        assert_eq!(
            parse_date("2026-04-01"),
            NaiveDate::from_ymd_opt(2026, 4, 1)
        );
        assert_eq!(
            parse_date("2024-02-29"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
        for text in [
            "2026-1-1",
            "+2026-01-01",
            "2026-01-01 ",
            " 2026-01-01",
            "20260101",
            "2026-02-30",
            "2026-13-01",
            "01-04-2026",
            "2026/04/01",
            "२०२६-०४-०१",
            "",
        ] {
            assert_eq!(parse_date(text), None, "{text:?}");
        }
        let read = |json: &str| serde_json::from_str::<StrictDate>(json).map(|d| d.0);
        assert_eq!(
            read(r#""2026-04-01""#).ok(),
            NaiveDate::from_ymd_opt(2026, 4, 1)
        );
        let refused = read(r#""2026-4-1""#).unwrap_err().to_string();
        assert!(refused.starts_with(DATE_WORDS), "{refused}");
        assert!(read("20260401").is_err());
    }

    #[test]
    fn period_and_range_rules() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(check_period(d("2026-01-01"), d("2026-01-01")).is_ok());
        assert!(check_period(d("2026-01-02"), d("2026-01-01")).is_err());
        assert!(check_date(d("1999-12-31")).is_err());
        assert!(check_date(d("2026-07-01")).is_ok());
    }

    #[test]
    fn the_date_pattern_is_the_supported_range() {
        let pattern = regex::Regex::new(DATE_PATTERN).unwrap();
        for year in 1990..=2110 {
            for day in ["01-01", "12-31"] {
                let text = format!("{year}-{day}");
                assert_eq!(
                    pattern.is_match(&text),
                    check_date(text.parse().unwrap()).is_ok(),
                    "{text}"
                );
            }
        }
    }
}
