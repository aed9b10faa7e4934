//! A JSON array column of typed values (`jsonb`), for small lists that belong to one
//! row: a budget line's phases, a fund application's reporting duties, a partner's
//! contact persons.

use diesel::deserialize::{FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{Output, ToSql};
use diesel::sql_types::Jsonb;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, AsExpression, FromSqlRow, Serialize, Deserialize)]
#[diesel(sql_type = Jsonb)]
#[serde(transparent)]
pub struct JsonList<T>(pub Vec<T>);

impl<T: Serialize + std::fmt::Debug> ToSql<Jsonb, Pg> for JsonList<T> {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
        let value = serde_json::to_value(&self.0)?;
        <serde_json::Value as ToSql<Jsonb, Pg>>::to_sql(&value, &mut out.reborrow())
    }
}

impl<T: DeserializeOwned> FromSql<Jsonb, Pg> for JsonList<T> {
    fn from_sql(bytes: PgValue<'_>) -> diesel::deserialize::Result<Self> {
        let value = <serde_json::Value as FromSql<Jsonb, Pg>>::from_sql(bytes)?;
        Ok(JsonList(serde_json::from_value(value)?))
    }
}
