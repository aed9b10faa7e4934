//! What progress is computed from: the plan, the counted reports and the partners'
//! level history, loaded in one go (by the store, [`crate::db::monitoring::progress`])
//! so that the themes need no database.

use crate::domain::{ProjectPartnerId, TargetGroupId};

use super::Include;
use crate::db::Conn;
use crate::db::monitoring::progress::{self, ProgressRows};
use crate::db::scope::ProjectScope;
use crate::domain::plan::Quarter;
use crate::error::ApiError;
use crate::monitoring::content::ReportContent;

// The row types the themes read are the store's; named here as they always were.
pub use crate::db::monitoring::progress::{BudgetLine, LevelReached, PlannedHours, Target};

/// Everything the themes read.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// The project's quarters, in order.
    pub quarters: Vec<Quarter>,
    /// The reports that count, in quarter order.
    pub reports: Vec<QuarterReport>,
    pub targets: Vec<Target>,
    /// The project's target groups, oldest first.
    pub target_groups: Vec<TargetGroupId>,
    /// The project's partner links.
    pub partner_links: Vec<ProjectPartnerId>,
    pub level_history: Vec<LevelReached>,
    pub planned_hours: Vec<PlannedHours>,
    /// The project's budget lines, oldest first.
    pub budget_lines: Vec<BudgetLine>,
}

/// A counted report's content.
#[derive(Debug, Clone)]
pub struct QuarterReport {
    pub quarter: Quarter,
    pub content: ReportContent,
}

/// Loads the inputs of the project in scope, with the reports `include` counts.
pub async fn inputs(
    conn: &mut Conn,
    scope: &ProjectScope,
    include: Include,
) -> Result<Inputs, ApiError> {
    let (start, end) = scope.period();
    let rows = progress::load(conn, scope).await?;
    Ok(counted(rows, Quarter::spanning(start, end), include))
}

/// The stored rows as the themes read them: only the reports `include` counts.
fn counted(rows: ProgressRows, quarters: Vec<Quarter>, include: Include) -> Inputs {
    let ProgressRows {
        reports,
        targets,
        target_groups,
        partner_links,
        level_history,
        planned_hours,
        budget_lines,
    } = rows;
    Inputs {
        quarters,
        reports: reports
            .into_iter()
            .filter(|r| include.counts(r.state))
            .map(|r| QuarterReport {
                quarter: r.quarter,
                content: r.content.0,
            })
            .collect(),
        targets,
        target_groups,
        partner_links,
        level_history,
        planned_hours,
        budget_lines,
    }
}
