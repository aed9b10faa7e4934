//! A funder's reporting duties, as a fund application lists them.

use super::*;

/// A quarter to report to this funder, and when the report is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportingDuty {
    pub quarter: Quarter,
    /// After the quarter ends.
    #[schema(
        example = "2026-10-31",
        pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )]
    #[serde(deserialize_with = "crate::project::strict_date")]
    pub due_on: NaiveDate,
}
