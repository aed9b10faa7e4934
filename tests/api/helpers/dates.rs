//! Dates as the server reads them.

/// The date in the Netherlands (CET, CEST from the last Sunday of March to the last
/// Sunday of October, switching at 01:00 UTC).
pub fn amsterdam_today() -> chrono::NaiveDate {
    use chrono::Datelike;
    let now = chrono::Utc::now();
    let last_sunday = |month: u32| {
        let mut day = chrono::NaiveDate::from_ymd_opt(now.year(), month + 1, 1).unwrap()
            - chrono::Days::new(1);
        while day.weekday() != chrono::Weekday::Sun {
            day = day - chrono::Days::new(1);
        }
        chrono::TimeZone::from_utc_datetime(&chrono::Utc, &day.and_hms_opt(1, 0, 0).unwrap())
    };
    let offset = if now >= last_sunday(3) && now < last_sunday(10) {
        2
    } else {
        1
    };
    (now + chrono::Duration::hours(offset)).date_naive()
}
