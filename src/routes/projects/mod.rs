//! Projects: the plan's basics. The handlers are here, the wire types in [`types`].

mod types;

pub use types::*;

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};

use super::extract::{Json, Query};
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::Principal;
use crate::auth::permit::{Allowed, DeleteProjects, Permitted, ReadPlans, WritePlans};
use crate::db::Db;
use crate::domain::ProjectId;
use crate::domain::project::ProjectStatus;
use crate::error::{ApiError, FieldError};
use crate::models::project::{self as model, NewProject, Project, ProjectChanges, ProjectFilter};
use crate::models::{Guarded, Precondition};

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
    principal: Allowed<ReadPlans>,
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
    let reach = principal.reach();
    let found = db
        .reading(reach, async move |conn| {
            Ok::<_, ApiError>(model::list(conn, reach, &filter, page.limit, page.after).await?)
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
    Permitted(principal, Json(request)): Permitted<WritePlans, Json<ProjectRequest>>,
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
#[get("")]
pub async fn get_project(
    db: web::Data<Db>,
    principal: Allowed<ReadPlans>,
    path: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let (reach, id) = (principal.reach(), path.into_inner());
    let found = db
        .reading(reach, async move |conn| {
            let org = model::owner(conn, reach, id).await?;
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
#[put("")]
pub async fn replace_project(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<WritePlans, Json<ProjectRequest>>,
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
#[patch("")]
pub async fn update_project(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<WritePlans, Json<UpdateProjectRequest>>,
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
#[delete("")]
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
