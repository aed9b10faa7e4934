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

impl<T: Serialize + std::fmt::Debug> ToSql<Jsonb, Pg> for JsonDoc<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        let value = serde_json::to_value(&self.0)?;
        <serde_json::Value as ToSql<Jsonb, Pg>>::to_sql(&value, &mut out.reborrow())
    }
}

impl<T: DeserializeOwned> FromSql<Jsonb, Pg> for JsonDoc<T> {
    fn from_sql(bytes: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        let value = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(bytes)?;
        Ok(JsonDoc(serde_json::from_value(value)?))
    }
}
