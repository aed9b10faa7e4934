//! Translation costs (*vertaalkosten*): what is translated, into which languages, at
//! what price. The service computes the total; they roll up into the summary's
//! translation category.

use crate::Conn;
use chrono::{DateTime, Utc};
use diesel::{AsChangeset, Insertable, Queryable, Selectable};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::line_queries;
use crate::domain::plan::distinct_languages;
use crate::domain::plan::{Amount, LanguageCode, Quantity, TranslationUnit, UnitPrice};
use crate::domain::validation::FieldError;
use crate::domain::{OrganisationId, ProjectId, TranslationCostId, text};
use crate::error::StoreResult;
use crate::schema::translation_costs;
use crate::scope::ProjectScope;

use super::Lines;
use crate::domain::validation::Errors;

/// One translation job.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = translation_costs, check_for_backend(diesel::pg::Pg))]
pub struct TranslationCost {
    #[schema(value_type = Uuid)]
    pub id: TranslationCostId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    #[schema(example = "Flyer 'Zorgt u voor een naaste?'")]
    pub item: String,
    #[schema(example = "nl")]
    pub source_language: LanguageCode,
    #[schema(example = json!(["tr", "ar"]))]
    pub target_languages: Vec<LanguageCode>,
    pub unit: TranslationUnit,
    pub quantity: Amount,
    /// Euros per unit.
    pub unit_price: Amount,
    /// Computed by the service: `quantity × unit_price` (to the cent) for each target
    /// language.
    pub total: Amount,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A translation job as a client writes it; the total is always computed.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "item": "Flyer 'Zorgt u voor een naaste?'", "source_language": "nl",
    "target_languages": ["tr", "ar"], "unit": "words", "quantity": "3000", "unit_price": "0.12"
}))]
pub struct TranslationCostInput {
    /// What is translated; 1 to 500 characters.
    #[schema(
        example = "Flyer 'Zorgt u voor een naaste?'",
        min_length = 1,
        max_length = 500,
        pattern = r"\S"
    )]
    pub item: String,
    #[schema(example = "nl")]
    pub source_language: LanguageCode,
    #[schema(schema_with = target_languages_schema)]
    pub target_languages: Vec<LanguageCode>,
    pub unit: TranslationUnit,
    /// Use 1 for a flat fee.
    #[schema(value_type = crate::domain::plan::Quantity)]
    pub quantity: Amount,
    #[schema(value_type = crate::domain::plan::UnitPrice)]
    pub unit_price: Amount,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = translation_costs)]
pub struct TranslationCostFields {
    item: String,
    source_language: LanguageCode,
    target_languages: Vec<LanguageCode>,
    unit: TranslationUnit,
    quantity: Amount,
    unit_price: Amount,
}

/// `target_languages` of a translation: 1 to 20, each once.
fn target_languages_schema() -> utoipa::openapi::schema::Array {
    crate::domain::schema::unique_refs(
        "LanguageCode",
        (1, 20),
        "1 to 20 languages, each once, none the source language.",
        serde_json::json!(["tr", "ar"]),
    )
}

line_queries!(
    translation_costs,
    TranslationCost,
    TranslationCostFields,
    TranslationCostId
);

pub fn validate(input: TranslationCostInput) -> StoreResult<TranslationCostFields> {
    let mut errors = Errors::default();
    let item = errors.check("/item", text::bounded(&input.item, 1, 500));
    if input.target_languages.is_empty() {
        errors.push(FieldError::body(
            "/target_languages",
            "must name at least one language",
        ));
    }
    if input.target_languages.len() > 20 {
        errors.push(FieldError::body(
            "/target_languages",
            "must name at most 20 languages",
        ));
    }
    if input.target_languages.len() <= 20 {
        distinct_languages(&mut errors, "/target_languages", &input.target_languages);
    }
    if let Some(i) = input
        .target_languages
        .iter()
        .position(|l| *l == input.source_language)
    {
        errors.push(FieldError::body(
            format!("/target_languages/{i}"),
            "is the source language",
        ));
    }
    if input.quantity.is_zero() {
        errors.push(FieldError::body("/quantity", "must be more than 0"));
    }
    errors.check("/quantity", input.quantity.at_most(Quantity::MAX));
    errors.check("/unit_price", input.unit_price.at_most(UnitPrice::MAX));
    let languages = rust_decimal::Decimal::from(input.target_languages.len());
    let total = Amount::new(input.quantity.value() * input.unit_price.value()).value() * languages;
    let parts_fit = input.quantity.at_most(Quantity::MAX).is_ok()
        && input.unit_price.at_most(UnitPrice::MAX).is_ok();
    if parts_fit && total > rust_decimal::Decimal::from(10_000_000) {
        errors.push(FieldError::body(
            "/quantity",
            format!("the total ({total}) would exceed 10000000; split the job"),
        ));
    }
    errors.finish()?;
    Ok(TranslationCostFields {
        item: item.unwrap_or_default(),
        source_language: input.source_language,
        target_languages: input.target_languages,
        unit: input.unit,
        quantity: input.quantity,
        unit_price: input.unit_price,
    })
}

pub struct TranslationCosts;

impl Lines for TranslationCosts {
    type Scope = ProjectScope;
    const NOUN: &'static str = "translation cost";

    type Key = TranslationCostId;
    type Input = TranslationCostInput;
    type Output = TranslationCost;
    type Valid = TranslationCostFields;

    super::line_methods!(TranslationCost, TranslationCostFields, TranslationCostId);

    fn input_of(item: TranslationCost) -> TranslationCostInput {
        TranslationCostInput {
            item: item.item,
            source_language: item.source_language,
            target_languages: item.target_languages,
            unit: item.unit,
            quantity: item.quantity,
            unit_price: item.unit_price,
        }
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        _scope: &'c ProjectScope,
        _current: Option<&'c TranslationCost>,
        input: TranslationCostInput,
    ) -> StoreResult<TranslationCostFields> {
        validate(input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c TranslationCost,
    ) -> StoreResult<()> {
        delete_row(conn, scope, current.id).await
    }
}
