//! What a bulk submission answers: per report touched, whether it was (or would be)
//! created and how many rows applied to it.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::ProjectId;
use crate::domain::plan::Quarter;

/// What a bulk submission did (or, in a dry run, would do) to one report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOutcome {
    pub project_id: ProjectId,
    pub quarter: Quarter,
    /// A new draft was (or would be) created.
    pub created: bool,
    /// How many rows applied to it.
    pub rows: usize,
}

/// The answer to a bulk submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresOutcome {
    pub dry_run: bool,
    pub rows: usize,
    pub reports: Vec<ReportOutcome>,
}
