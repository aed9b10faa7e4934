//! The JSON form of a bulk submission (`{"figures": [...]}`), read into the rows the
//! CSV form gives too, and the `value` of a figure in it: a number or a string, read as
//! the text a CSV cell would hold, so that both forms go through the same row parser.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use utoipa::ToSchema;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType};
use utoipa::openapi::{RefOr, Type};

use super::{Origin, Parsed, RawRow};

/// One figure as a JSON client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureInput {
    #[schema(value_type = uuid::Uuid)]
    pub project_id: String,
    #[schema(value_type = crate::domain::plan::Quarter)]
    pub quarter: String,
    /// One of the figures (`GET /api/v1/vocabularies` labels them).
    #[schema(value_type = crate::domain::report::Figure)]
    pub figure: String,
    /// What the figure is about; see the figure list. Absent for figures of the whole
    /// quarter. At most 200 characters.
    #[schema(max_length = 200)]
    pub subject: Option<String>,
    /// A whole number, a decimal string (`"1250.50"`), a ladder level or text, as the
    /// figure needs.
    #[schema(schema_with = schema)]
    pub value: FigureValue,
}

/// A bulk submission as JSON.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiguresInput {
    #[schema(min_items = 1, max_items = 100_000)]
    pub figures: Vec<FigureInput>,
}

/// Parses each row of `input` into `parsed`.
pub fn from_json(input: FiguresInput, parsed: &mut Parsed) {
    for (i, f) in input.figures.into_iter().enumerate() {
        parsed.push(RawRow {
            origin: Origin::Json(i),
            project_id: f.project_id,
            quarter: f.quarter,
            figure: f.figure,
            subject: f.subject,
            value: f.value.into_text(),
        });
    }
}

/// A figure's value as sent: numbers as their JSON text (`12`, `1250.5`), strings as
/// they are. Anything else is refused where it stands, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureValue(String);

impl FigureValue {
    /// The text the row parser reads, as from a CSV cell.
    pub fn into_text(self) -> String {
        self.0
    }
}

/// The schema of exactly what [`FigureValue`] reads.
pub fn schema() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Number]))
        .description(Some(
            "A whole number, a decimal string (`\"1250.50\"`) or number, a ladder level or \
             text, as the figure needs; never `true`/`false`, `null`, a list or an object.",
        ))
        .max_length(Some(super::parse::MAX_VALUE))
        .examples([serde_json::json!(12), serde_json::json!("1250.50")])
        .into()
}

fn refuse<E: de::Error>(what: &str) -> E {
    E::custom(format!(
        "is {what}; a figure's value is a number (12) or text in quotes (\"1250.50\", \"coordinate\")"
    ))
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = FigureValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or text")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FigureValue, E> {
        Ok(FigureValue(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<FigureValue, E> {
        Ok(FigureValue(v))
    }

    // Numbers read as serde_json writes them, so `1250.5` is the text "1250.5".
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FigureValue, E> {
        Ok(FigureValue(serde_json::Number::from(v).to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FigureValue, E> {
        Ok(FigureValue(serde_json::Number::from(v).to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<FigureValue, E> {
        serde_json::Number::from_f64(v)
            .map(|n| FigureValue(n.to_string()))
            .ok_or_else(|| refuse("not a finite number"))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<FigureValue, E> {
        Err(refuse("true or false"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<FigureValue, E> {
        Err(refuse("null"))
    }

    fn visit_none<E: de::Error>(self) -> Result<FigureValue, E> {
        Err(refuse("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<FigureValue, A::Error> {
        Err(refuse("a list"))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<FigureValue, A::Error> {
        Err(refuse("an object"))
    }
}

impl<'de> serde::Deserialize<'de> for FigureValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<String, String> {
        serde_json::from_str::<FigureValue>(json)
            .map(FigureValue::into_text)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_and_strings_read_as_the_text_of_a_cell() {
        for (json, text) in [
            ("12", "12"),
            ("0", "0"),
            ("-2", "-2"),
            ("1250.5", "1250.5"),
            ("7.125", "7.125"),
            ("1e2", "100.0"),
            (r#""1250,50""#, "1250,50"),
            (r#""coordinate""#, "coordinate"),
            (r#""""#, ""),
        ] {
            assert_eq!(read(json), Ok(text.to_string()), "{json}");
        }
    }

    #[test]
    fn anything_else_is_refused_in_plain_words() {
        for (json, what) in [
            ("true", "is true or false"),
            ("false", "is true or false"),
            ("null", "is null"),
            ("[1]", "is a list"),
            (r#"{"a": 1}"#, "is an object"),
        ] {
            let error = read(json).unwrap_err();
            assert!(error.starts_with(what), "{json}: {error}");
            assert!(!error.contains("invalid type"), "{json}: {error}");
        }
    }
}
