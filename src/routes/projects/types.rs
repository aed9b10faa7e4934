//! The wire types of projects: what a client sends (`ProjectRequest`, the merge patch
//! `UpdateProjectRequest`, the list filters) and what it gets back, with the rules that
//! turn a request into the store's changes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::project::{
    OrganisationRole, ProjectStatus, StrictDate, check_date, check_period, strict_date,
    strict_date_opt,
};
use crate::domain::validation::Errors;
use crate::domain::{ProjectId, text};
use crate::error::ApiError;
use crate::models::project::{Project, ProjectChanges};
use crate::routes::merge_patch::not_null;

/// A project and its plan basics.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectResponse {
    pub id: ProjectId,
    #[schema(example = "Mantelzorg in de wijk: Turkse en Marokkaanse mantelzorgers")]
    pub name: String,
    #[schema(
        example = "Migrant caregivers in Oost find their way to support through key persons."
    )]
    pub summary: Option<String>,
    /// Why extra attention is needed: local figures, signals.
    #[schema(
        example = "Of 1,200 registered caregivers, 3% have a migration background; in the district it is 38%."
    )]
    pub rationale: Option<String>,
    pub organisation_role: Option<OrganisationRole>,
    #[schema(example = "2026-01-01")]
    pub start_date: NaiveDate,
    #[schema(example = "2027-12-31")]
    pub end_date: NaiveDate,
    pub status: ProjectStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Project> for ProjectResponse {
    fn from(p: Project) -> Self {
        Self {
            id: p.id,
            name: p.name,
            summary: p.summary,
            rationale: p.rationale,
            organisation_role: p.organisation_role,
            start_date: p.start_date,
            end_date: p.end_date,
            status: p.status,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One page of projects.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectList {
    pub items: Vec<ProjectResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A whole project: for create (POST) and replace (PUT).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRequest {
    /// 1 to 200 characters.
    #[schema(
        example = "Mantelzorg in de wijk",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: String,
    /// At most 4000 characters.
    #[schema(
        example = "Reaching migrant caregivers through key persons.",
        max_length = 4000
    )]
    pub summary: Option<String>,
    /// Why extra attention is needed; at most 20000 characters.
    #[schema(
        example = "Local figures show few migrant caregivers find us.",
        max_length = 20000
    )]
    pub rationale: Option<String>,
    pub organisation_role: Option<OrganisationRole>,
    /// From 2000-01-01 to 2100-12-31.
    #[schema(
        example = "2026-01-01",
        pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )]
    #[serde(deserialize_with = "strict_date")]
    pub start_date: NaiveDate,
    /// Not before `start_date`; at most 2100-12-31.
    #[schema(
        example = "2027-12-31",
        pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )]
    #[serde(deserialize_with = "strict_date")]
    pub end_date: NaiveDate,
    /// Defaults to `draft`.
    pub status: Option<ProjectStatus>,
}

/// Changes to a project; absent fields stay as they are, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProjectRequest {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(
        nullable = false,
        example = "Mantelzorg in de wijk",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub summary: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub rationale: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<OrganisationRole>)]
    pub organisation_role: Option<Option<OrganisationRole>>,
    #[serde(default, deserialize_with = "not_null_date")]
    #[schema(
        nullable = false,
        example = "2026-01-01",
        pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "not_null_date")]
    #[schema(
        nullable = false,
        example = "2027-12-31",
        pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    )]
    pub end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub status: Option<ProjectStatus>,
}

/// A date of a patch: left out, or a date as the API writes it; never `null`.
fn not_null_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    not_null::<D, StrictDate>(d).map(|date| date.map(|date| date.0))
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Filters and paging for the project list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListProjectsQuery {
    /// Only projects with this status.
    pub status: Option<ProjectStatus>,
    /// Only projects still running on or after this date (`end_date >= active_from`).
    #[serde(default, deserialize_with = "strict_date_opt")]
    pub active_from: Option<NaiveDate>,
    /// Only projects started on or before this date (`start_date <= active_to`).
    #[serde(default, deserialize_with = "strict_date_opt")]
    pub active_to: Option<NaiveDate>,
    /// How many items to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(
        pattern = r"^[0-9]{1,16}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

/// Validates a whole project; every problem is reported at once.
pub fn validate(input: ProjectRequest) -> Result<ProjectChanges, ApiError> {
    let mut errors = Errors::default();
    let name = errors.check("/name", text::bounded(&input.name, 1, 200));
    let summary = errors.optional_text("/summary", input.summary, 4000);
    let rationale = errors.optional_text("/rationale", input.rationale, 20000);
    let start = errors.check("/start_date", check_date(input.start_date));
    let end = errors.check("/end_date", check_date(input.end_date));
    if let (Some(start), Some(end)) = (start, end) {
        errors.check("/end_date", check_period(start, end));
    }
    errors.finish()?;
    Ok(ProjectChanges {
        name,
        summary: Some(summary),
        rationale: Some(rationale),
        organisation_role: Some(input.organisation_role),
        start_date: Some(input.start_date),
        end_date: Some(input.end_date),
        status: Some(input.status.unwrap_or(ProjectStatus::Draft)),
    })
}

/// A PATCH applied to the current project, as a whole project to validate.
pub(super) fn merge(current: Project, patch: UpdateProjectRequest) -> ProjectRequest {
    ProjectRequest {
        name: patch.name.unwrap_or(current.name),
        summary: patch.summary.unwrap_or(current.summary),
        rationale: patch.rationale.unwrap_or(current.rationale),
        organisation_role: patch.organisation_role.unwrap_or(current.organisation_role),
        start_date: patch.start_date.unwrap_or(current.start_date),
        end_date: patch.end_date.unwrap_or(current.end_date),
        status: Some(patch.status.unwrap_or(current.status)),
    }
}
