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
