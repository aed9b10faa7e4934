//! Plain domain types: typed ids, closed vocabularies and the rules on them.
//!
//! Plain Rust: no HTTP, no queries, no runtime. With the `diesel` feature (the store
//! crate turns it on), ids and vocabularies carry their SQL type mapping (as lemmy's
//! newtypes do), so that row types hold typed values and a query cannot mix a project id
//! with a user id.

#[macro_use]
mod macros;
pub mod audit;
pub mod email;
pub mod event;
pub mod export;
pub mod funder_link;
pub mod idempotency;
pub mod identity;
pub mod ids;
pub mod plan;
pub mod project;
pub mod report;
pub mod role;
pub mod schema;
pub mod text;
pub mod validation;
pub mod vocabulary;

pub use email::Email;
pub use ids::*;
pub use role::{Permission, Role, Scope, Scopes};
pub mod organisation;
pub mod origin;
