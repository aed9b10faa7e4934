//! Organisation settings.

text_enum!(
    /// The language of column headers and labels in the organisation's funder reports.
    ReportLanguage {
        /// Dutch.
        Nl => "nl",
        /// English.
        En => "en",
    }
);
