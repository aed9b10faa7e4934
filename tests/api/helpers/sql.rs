//! Rows of the raw SQL some tests run against the database itself.

use diesel::QueryableByName;
use diesel::sql_types::BigInt;

/// `SELECT count(*) AS n …`.
#[derive(QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}
