//! Typed `jsonb` columns: small lists that belong to one row (a budget line's phases, a
//! fund application's reporting duties, a partner's contact persons) and documents (a
//! quarterly report's figures).

use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{Output, ToSql};
use diesel::sql_types::Jsonb;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A JSON array column.
pub type JsonList<T> = JsonDoc<Vec<T>>;

/// A `jsonb` column holding one typed value.
#[derive(Debug, Clone, Default, PartialEq, AsExpression, FromSqlRow, Serialize, Deserialize)]
#[diesel(sql_type = Jsonb)]
#[serde(transparent)]
pub struct JsonDoc<T>(pub T);

// Written and read as jsonb's binary form (a version byte, then the text) directly,
// not through a `serde_json::Value`: a report's figures are the largest value most
// requests move, and the tree in between costs an allocation per node each way.
impl<T: Serialize + std::fmt::Debug> ToSql<Jsonb, Pg> for JsonDoc<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        use std::io::Write;
        out.write_all(&[JSONB_VERSION])?;
        serde_json::to_writer(out, &self.0)?;
        Ok(diesel::serialize::IsNull::No)
    }
}

impl<T: DeserializeOwned> FromSql<Jsonb, Pg> for JsonDoc<T> {
    fn from_sql(value: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        match value.as_bytes().split_first() {
            Some((&JSONB_VERSION, text)) => Ok(JsonDoc(serde_json::from_slice(text)?)),
            _ => Err("unsupported jsonb encoding".into()),
        }
    }
}

/// The only version of jsonb's binary form.
const JSONB_VERSION: u8 = 1;
