//! Evaluation moments (*evaluatiemomenten*): dated reviews in the plan.

use crate::Conn;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::{AsChangeset, Insertable, Queryable, Selectable};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::line_queries;
use crate::domain::validation::FieldError;
use crate::domain::{EvaluationMomentId, OrganisationId, ProjectId, text};
use crate::error::StoreResult;
use crate::schema::evaluation_moments;
use crate::scope::ProjectScope;

use super::Lines;
use crate::domain::validation::Errors;

/// A dated review.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = evaluation_moments, check_for_backend(diesel::pg::Pg))]
pub struct EvaluationMoment {
    #[schema(value_type = Uuid)]
    pub id: EvaluationMomentId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    #[schema(example = "2026-12-15")]
    pub planned_on: NaiveDate,
    #[schema(example = "Mid-term review with key persons")]
    pub subject: String,
    pub outcome_notes: Option<String>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An evaluation moment as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationMomentInput {
    /// Inside the project period.
    #[schema(
        example = "2026-12-15",
        pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )]
    #[serde(deserialize_with = "crate::domain::project::strict_date")]
    pub planned_on: NaiveDate,
    /// 1 to 500 characters.
    #[schema(
        example = "Mid-term review with key persons",
        min_length = 1,
        max_length = 500,
        pattern = r"\S"
    )]
    pub subject: String,
    /// At most 20000 characters.
    #[schema(max_length = 20000)]
    pub outcome_notes: Option<String>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = evaluation_moments, treat_none_as_null = true)]
pub struct EvaluationMomentFields {
    planned_on: NaiveDate,
    subject: String,
    outcome_notes: Option<String>,
}

line_queries!(
    evaluation_moments,
    EvaluationMoment,
    EvaluationMomentFields,
    EvaluationMomentId
);

pub fn validate(
    scope: &ProjectScope,
    input: EvaluationMomentInput,
) -> StoreResult<EvaluationMomentFields> {
    let (start, end) = scope.period();
    let mut errors = Errors::default();
    if !(start..=end).contains(&input.planned_on) {
        errors.push(FieldError::body(
            "/planned_on",
            format!(
                "{} is outside the project period {start} to {end}",
                input.planned_on
            ),
        ));
    }
    let subject = errors.check("/subject", text::bounded(&input.subject, 1, 500));
    let outcome_notes = errors.optional_text("/outcome_notes", input.outcome_notes, 20000);
    errors.finish()?;
    Ok(EvaluationMomentFields {
        planned_on: input.planned_on,
        subject: subject.unwrap_or_default(),
        outcome_notes,
    })
}

pub struct EvaluationMoments;

impl Lines for EvaluationMoments {
    type Scope = ProjectScope;
    const NOUN: &'static str = "evaluation moment";

    type Key = EvaluationMomentId;
    type Input = EvaluationMomentInput;
    type Output = EvaluationMoment;
    type Valid = EvaluationMomentFields;

    super::line_methods!(EvaluationMoment, EvaluationMomentFields, EvaluationMomentId);

    fn input_of(item: EvaluationMoment) -> EvaluationMomentInput {
        EvaluationMomentInput {
            planned_on: item.planned_on,
            subject: item.subject,
            outcome_notes: item.outcome_notes,
        }
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _current: Option<&'c EvaluationMoment>,
        input: EvaluationMomentInput,
    ) -> StoreResult<EvaluationMomentFields> {
        validate(scope, input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c EvaluationMoment,
    ) -> StoreResult<()> {
        delete_row(conn, scope, current.id).await
    }
}
