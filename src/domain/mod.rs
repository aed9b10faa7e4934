//! Plain domain types: typed ids, closed vocabularies and the rules on them.
//!
//! Ids and vocabularies carry their SQL mapping (as lemmy's newtypes do) so that row
//! types hold typed values and a query cannot mix a project id with a user id.

#[macro_use]
mod macros;
pub mod audit;
pub mod email;
pub mod ids;
pub mod plan;
pub mod project;
pub mod report;
pub mod role;
pub mod text;

pub use email::Email;
pub use ids::*;
pub use role::{Permission, Role};
pub mod organisation;
