//! Diesel row types and every query. Each function that touches organisation-owned
//! data takes the caller's `OrganisationId` and filters on it; row-level security in
//! the database is the second wall behind that filter.

pub mod actors;
pub mod api_token;
pub mod audit;
pub mod constraints;
pub mod funder_link;
pub mod identity_provider;
pub mod organisation;
pub mod project;
pub mod user;
pub mod webhook;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Today in the Netherlands, where the organisations work (from the database clock): a
/// level reached this evening is dated today, and a report is due by the Dutch date.
pub async fn today(conn: &mut crate::Conn) -> diesel::QueryResult<chrono::NaiveDate> {
    use crate::functions::{date, timezone};
    use diesel_async::RunQueryDsl;
    diesel::select(date(timezone("Europe/Amsterdam", diesel::dsl::now)))
        .get_result(conn)
        .await
}

/// What the client says it last saw, from `If-Match`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: any current version.
    Any,
    /// One of these versions.
    OneOf(Vec<i64>),
}

impl Precondition {
    pub fn matches(&self, current: i64) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::OneOf(versions) => versions.contains(&current),
        }
    }
}

/// The result of a write guarded by a precondition.
#[derive(Debug)]
pub enum Guarded<T> {
    Done(T),
    /// The row exists but its version is not the one the client saw.
    Stale,
}

/// A position in a list ordered by `(created_at, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyset {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

/// One page of a list, and where the next one starts (a keyset, or another key such as
/// a history id).
#[derive(Debug)]
pub struct Page<T, K = Keyset> {
    pub items: Vec<T>,
    pub next: Option<K>,
}

impl<T, K> Page<T, K> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(key)
        } else {
            None
        };
        Page { items: rows, next }
    }
}

/// Expands to the keyset condition `(created_at, id) > (after.created_at, after.id)`.
#[macro_export]
macro_rules! after_keyset {
    ($query:expr, $table:ident, $after:expr) => {
        match $after {
            Some(after) => $query.filter(
                $table::created_at
                    .gt(after.created_at)
                    .or($table::created_at
                        .eq(after.created_at)
                        .and($table::id.gt(after.id))),
            ),
            None => $query,
        }
    };
}
pub use crate::after_keyset;
