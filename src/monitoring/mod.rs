//! Quarterly monitoring: what a report holds and its rules against the plan, and the
//! reports' storage, workflow and audit trail.

pub mod content;
pub mod figures;
pub mod progress;
pub mod reports;
