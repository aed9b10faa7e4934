//! Projects: the plan's basics.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Query};
use super::merge_patch::not_null;
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::Principal;
use crate::auth::permit::{Allowed, DeleteProjects, Permitted, ReadProjects, WriteProjects};
use crate::db::Db;
use crate::domain::project::{OrganisationRole, ProjectStatus, check_date, check_period};
use crate::domain::validation::Errors;
use crate::domain::{ProjectId, text};
use crate::error::{ApiError, FieldError};
use crate::models::project::{self as model, NewProject, Project, ProjectChanges, ProjectFilter};
use crate::models::{Guarded, Precondition};

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
    #[schema(example = "2026-01-01")]
    pub start_date: NaiveDate,
    /// Not before `start_date`; at most 2100-12-31.
    #[schema(example = "2027-12-31")]
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
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, example = "2026-01-01")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, example = "2027-12-31")]
    pub end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub status: Option<ProjectStatus>,
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
    pub active_from: Option<NaiveDate>,
    /// Only projects started on or before this date (`start_date <= active_to`).
    pub active_to: Option<NaiveDate>,
    /// How many items to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(max_length = 200)]
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
fn merge(current: Project, patch: UpdateProjectRequest) -> ProjectRequest {
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

fn project_response(response: actix_web::HttpResponseBuilder, project: Project) -> HttpResponse {
    json_ok(
        with_etag(response, project.version),
        &ProjectResponse::from(project),
    )
}

/// List projects
///
/// Ordered by creation, oldest first. Filters combine.
#[utoipa::path(tag = "projects", params(ListProjectsQuery), responses((status = 200, description = "One page of projects.", body = ProjectList)))]
#[get("/projects")]
pub async fn list_projects(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    Query(query): Query<ListProjectsQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .validate()
    .map_err(|e| ApiError::Validation(vec![e]))?;
    if let (Some(from), Some(to)) = (query.active_from, query.active_to)
        && to < from
    {
        return Err(ApiError::Validation(vec![FieldError::parameter(
            "active_to",
            "must not be before active_from",
        )]));
    }
    let filter = ProjectFilter {
        status: query.status,
        active_from: query.active_from,
        active_to: query.active_to,
    };
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::list(conn, org, &filter, page.limit, page.after).await?)
        })
        .await?;
    let body = ProjectList {
        items: found.items.into_iter().map(ProjectResponse::from).collect(),
        next_cursor: found.next.as_ref().map(encode_cursor),
    };
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Create a project
///
/// Coordinators and admins.
#[utoipa::path(
    tag = "projects",
    request_body = ProjectRequest,
    responses((status = 201, description = "Created.", body = ProjectResponse, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/projects")]
pub async fn create_project(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<WriteProjects, Json<ProjectRequest>>,
) -> Result<HttpResponse, ApiError> {
    let fields = validate(request)?;
    let org = principal.organisation_id;
    let new = NewProject {
        id: ProjectId::generate(),
        organisation_id: org,
        name: fields.name.unwrap_or_default(),
        summary: fields.summary.flatten(),
        rationale: fields.rationale.flatten(),
        organisation_role: fields.organisation_role.flatten(),
        start_date: fields.start_date.unwrap_or_default(),
        end_date: fields.end_date.unwrap_or_default(),
        status: fields.status.unwrap_or(ProjectStatus::Draft),
    };
    let created = db
        .acting(principal.acting(), async move |conn| {
            Ok::<_, ApiError>(model::create(conn, &new).await?)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, format!("/api/v1/projects/{}", created.id)));
    Ok(project_response(response, created))
}

/// Get a project
#[utoipa::path(
    tag = "projects",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses((status = 200, description = "The project.", body = ProjectResponse, headers(("ETag" = String))))
)]
#[get("/projects/{project_id}")]
pub async fn get_project(
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    path: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::find(conn, org, id).await?)
        })
        .await?;
    Ok(project_response(HttpResponse::Ok(), found))
}

/// Locks the project, checks the precondition, and stores what `build` makes of it.
async fn write(
    db: &Db,
    principal: &Principal,
    id: ProjectId,
    expected: Precondition,
    build: impl FnOnce(Project) -> Result<ProjectChanges, ApiError> + Send + 'static,
) -> Result<Project, ApiError> {
    let org = principal.organisation_id;
    db.acting(principal.acting(), async move |conn| {
        let current = model::lock(conn, org, id).await?;
        let version = current.version;
        // An invalid body is 422 whatever its ETag; only a valid one can be stale.
        let (start, end) = (current.start_date, current.end_date);
        let changes = build(current)?;
        if !expected.matches(version) {
            return fresh(Guarded::Stale);
        }
        let (new_start, new_end) = (
            changes.start_date.unwrap_or(start),
            changes.end_date.unwrap_or(end),
        );
        if (new_start, new_end) != (start, end) {
            crate::plan::period::check(conn, id, new_start, new_end).await?;
        }
        Ok(model::update(conn, org, id, version, &changes).await?)
    })
    .await
}

/// Replace a project
///
/// Coordinators and admins. Every field is set; optional fields left out are cleared.
#[utoipa::path(
    tag = "projects",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    request_body = ProjectRequest,
    responses((status = 200, description = "Replaced.", body = ProjectResponse, headers(("ETag" = String))))
)]
#[put("/projects/{project_id}")]
pub async fn replace_project(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<WriteProjects, Json<ProjectRequest>>,
    path: web::Path<ProjectId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let changes = validate(request)?;
    let updated = write(&db, &principal, path.into_inner(), expected, move |_| {
        Ok(changes)
    })
    .await?;
    Ok(project_response(HttpResponse::Ok(), updated))
}

/// Update a project
///
/// Coordinators and admins. Only the fields sent change; the result must still be a valid project.
#[utoipa::path(
    tag = "projects",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    request_body(content(
        (UpdateProjectRequest = "application/merge-patch+json"),
        (UpdateProjectRequest = "application/json"),
    )),
    responses((status = 200, description = "Updated.", body = ProjectResponse, headers(("ETag" = String))))
)]
#[patch("/projects/{project_id}")]
pub async fn update_project(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<WriteProjects, Json<UpdateProjectRequest>>,
    path: web::Path<ProjectId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let updated = write(
        &db,
        &principal,
        path.into_inner(),
        expected,
        move |current| validate(merge(current, request)),
    )
    .await?;
    Ok(project_response(HttpResponse::Ok(), updated))
}

/// Delete a project
///
/// Admins. A project of which any quarter was reported (submitted, accepted, returned, or
/// reopened) cannot be deleted: what was reported is kept. The 409 names those quarters;
/// set the project's status to `completed` or `cancelled` instead. Draft reports that were
/// never submitted go with the project.
#[utoipa::path(
    tag = "projects",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "Quarters of the project were reported; it is kept.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/projects/{project_id}")]
pub async fn delete_project(
    db: web::Data<Db>,
    principal: Allowed<DeleteProjects>,
    path: web::Path<ProjectId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let deletion = db
        .acting(principal.acting(), async move |conn| {
            fresh(model::delete(conn, org, id, expected).await?)
        })
        .await?;
    match deletion {
        model::Deletion::Deleted => Ok(HttpResponse::NoContent().finish()),
        model::Deletion::Reported(quarters) => Err(ApiError::conflict(format!(
            "The project cannot be deleted: it reported {}, and what was reported is kept. \
             Set its status to completed or cancelled instead.",
            quarters.join(", ")
        ))),
    }
}
