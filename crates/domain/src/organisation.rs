//! Accounts (organisations and funder accounts) and their settings.

text_enum!(
    /// What kind of account a tenant is.
    AccountKind {
        /// A care-support organisation: it keeps plans and submits reports.
        Organisation => "organisation",
        /// A funder (a municipality, a fund): it reads and reviews what organisations
        /// share with it.
        Funder => "funder",
    }
);

text_enum!(
    /// The language of column headers and labels in the organisation's funder reports.
    ReportLanguage {
        /// Dutch.
        Nl => "nl",
        /// English.
        En => "en",
    }
);
