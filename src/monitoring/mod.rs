//! Quarterly monitoring as the API serves it: figures sent in bulk (JSON or CSV) and
//! progress against the plan. What a report holds and its rules are the domain's
//! ([`content`]); the reports' storage, workflow and audit trail are the store's
//! ([`reports`]).

pub use crate::db::monitoring::reports;
pub use crate::domain::report::content;

pub mod figures;
pub mod progress;
