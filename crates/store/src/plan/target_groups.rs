//! Target groups (*doelgroepen*): the communities a project aims at, and the languages
//! to reach them in.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Lines, line_queries};
use crate::domain::plan::{LanguageCode, distinct_languages};
use crate::domain::report::content::PlanRef;
use crate::domain::validation::{Errors, FieldError, Invalid};
use crate::domain::{OrganisationId, ProjectId, TargetGroupId, text};
use crate::error::{StoreError, StoreResult};
use crate::monitoring::reports::quarters_referring;
use crate::schema::{target_groups, targets};
use crate::scope::ProjectScope;

/// A community the project aims at.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = target_groups, check_for_backend(diesel::pg::Pg))]
pub struct TargetGroup {
    #[schema(value_type = Uuid)]
    pub id: TargetGroupId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    #[schema(example = "Turkish-Dutch caregivers in Oost")]
    pub name: String,
    pub description: Option<String>,
    /// The languages to use with this group.
    #[schema(example = json!(["tr", "nl"]))]
    pub languages: Vec<LanguageCode>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A target group as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupInput {
    /// The community's name, unique in the project; 1 to 200 characters.
    #[schema(
        example = "Turkish-Dutch caregivers in Oost",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// ISO 639 codes, at most 20, each once.
    #[serde(default)]
    #[schema(schema_with = languages_schema)]
    pub languages: Vec<LanguageCode>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = target_groups, treat_none_as_null = true)]
pub struct TargetGroupFields {
    name: String,
    description: Option<String>,
    languages: Vec<LanguageCode>,
}

/// `languages` of a target group: at most 20, each once.
fn languages_schema() -> utoipa::openapi::schema::Array {
    crate::domain::schema::unique_refs(
        "LanguageCode",
        (0, 20),
        "The languages to use with this group: at most 20, each once.",
        serde_json::json!(["tr", "nl"]),
    )
}

line_queries!(target_groups, TargetGroup, TargetGroupFields, TargetGroupId);

/// Checks a target group on its own; shared with the whole-plan document.
pub fn validate(input: TargetGroupInput) -> Result<TargetGroupFields, Invalid> {
    let mut errors = Errors::default();
    let name = errors.check("/name", text::bounded(&input.name, 1, 200));
    let description = errors.optional_text("/description", input.description, 4000);
    if input.languages.len() > 20 {
        errors.push(FieldError::body(
            "/languages",
            "must list at most 20 languages",
        ));
    } else {
        distinct_languages(&mut errors, "/languages", &input.languages);
    }
    errors.finish()?;
    Ok(TargetGroupFields {
        name: name.unwrap_or_default(),
        description,
        languages: input.languages,
    })
}

/// The target groups of a project.
pub struct TargetGroups;

impl Lines for TargetGroups {
    const NOUN: &'static str = "target group";
    type Scope = ProjectScope;

    type Key = TargetGroupId;
    type Input = TargetGroupInput;
    type Output = TargetGroup;
    type Valid = TargetGroupFields;

    super::line_methods!(TargetGroup, TargetGroupFields, TargetGroupId);

    fn input_of(item: TargetGroup) -> TargetGroupInput {
        TargetGroupInput {
            name: item.name,
            description: item.description,
            languages: item.languages,
        }
    }

    async fn check<'c>(
        _conn: &'c mut Conn,
        _scope: &'c ProjectScope,
        _current: Option<&'c TargetGroup>,
        input: TargetGroupInput,
    ) -> StoreResult<TargetGroupFields> {
        Ok(validate(input)?)
    }

    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c TargetGroup,
    ) -> StoreResult<()> {
        let used: Vec<Uuid> = targets::table
            .filter(targets::organisation_id.eq(scope.org))
            .filter(targets::target_group_id.eq(current.id))
            .select(targets::id)
            .load(conn)
            .await?;
        if !used.is_empty() {
            return Err(StoreError::referenced(Self::NOUN, "targets", &used));
        }
        let reports = quarters_referring(conn, scope, PlanRef::TargetGroup(current.id)).await?;
        if !reports.is_empty() {
            return Err(StoreError::referenced(
                Self::NOUN,
                "quarterly reports",
                &reports,
            ));
        }
        delete_row(conn, scope, current.id).await
    }
}
