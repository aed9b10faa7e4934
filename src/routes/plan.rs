//! The whole plan: its summary, the plan as one document (read and replace), and its
//! history.

use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::audit::ChangeActor;
use super::extract::{Json, Query, parse_json};
use super::parts::{nest, owner_of, project_missing};
use super::projects::ProjectResponse;
use super::projects::{ProjectRequest, validate};
use super::{IfMatch, fresh, id_cursor, json_ok, newest_first_page, with_etag};
use crate::auth::permit::{Allowed, Permitted, ReadPlanHistory, ReadPlans, WritePlans};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::plan::history;
use crate::db::scope::ProjectScope;
use crate::domain::ProjectId;
use crate::error::ApiError;
use crate::models::project as projects;
use crate::models::{Guarded, Page};
use crate::plan::document::{self, read_only_fields, strip_read_only};
use crate::plan::summary::{self, PlanSummary};
use crate::plan::{PlanDocument, PlanDocumentInput};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Get the plan summary
///
/// Hours and their cost, budget per category (budget lines, plus the cost of planned
/// hours under personnel and translation costs under translation), total budget,
/// requested / granted / pending funding per funder, the funding gap (total budget minus
/// granted) and the phasing per quarter. Exact to the cent.
#[utoipa::path(
    tag = "plan",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses((status = 200, description = "The summary.", body = PlanSummary))
)]
#[get("/summary")]
pub async fn get_summary(
    db: web::Data<Db>,
    principal: Allowed<ReadPlans>,
    path: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let (reach, id) = (principal.reach(), path.into_inner());
    let summary = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            projects::find(conn, org, id)
                .await
                .map_err(project_missing)?;
            Ok::<_, ApiError>(summary::compute(conn, org, id).await?)
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &summary))
}

/// Get the whole plan
///
/// The project's basics and every part of its plan in one document. The ETag is the
/// plan's version: it changes with any change to any part.
#[utoipa::path(
    tag = "plan",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    responses((status = 200, description = "The plan.", body = PlanDocument, headers(("ETag" = String))))
)]
#[get("/plan")]
pub async fn get_plan(
    db: web::Data<Db>,
    principal: Allowed<ReadPlans>,
    path: web::Path<ProjectId>,
) -> Result<HttpResponse, ApiError> {
    let (reach, id) = (principal.reach(), path.into_inner());
    let plan = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            let project = projects::find(conn, org, id)
                .await
                .map_err(project_missing)?;
            crate::plan::read(conn, project).await
        })
        .await?;
    let version = document::version(&plan)?;
    Ok(json_ok(with_etag(HttpResponse::Ok(), version), &plan))
}

/// Replace the whole plan
///
/// Coordinators and admins. Replaces the basics and every part in one transaction: all
/// of it lands or nothing does, and a 422 names every bad field by its place in the
/// document (`/budget_lines/3/amount`). A section left out is emptied, except the
/// roadmap. New lines get ids of the service's; an id sent with a new line only names
/// it for references within the document. The read-only fields of a GET (`created_at`,
/// `total`, `level_history`, …) are accepted and ignored, so a document read can be
/// written back. `If-Match` takes the plan's ETag from `GET …/plan`.
#[utoipa::path(
    tag = "plan",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id.")),
    request_body = PlanDocumentInput,
    responses((status = 200, description = "The plan as stored.", body = PlanDocument, headers(("ETag" = String))))
)]
#[put("/plan")]
pub async fn replace_plan(
    db: web::Data<Db>,
    Permitted(principal, Json(body)): Permitted<WritePlans, Json<Value>>,
    path: web::Path<ProjectId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (mut project, sections) = document::sections(body)?;
    strip_read_only(
        &mut project,
        &read_only_fields::<ProjectResponse, ProjectRequest>("id"),
    );
    if let Value::Object(map) = &mut project {
        map.remove("id");
    }
    let bytes = serde_json::to_vec(&project).map_err(ApiError::internal)?;
    // The whole document is read before the plan's version is compared: what is wrong
    // with it is a 422 naming every field, whatever the If-Match.
    let changes = parse_json::<ProjectRequest>(&bytes)
        .and_then(validate)
        .map_err(|e| nest(e, "/project"));
    let sections = crate::plan::parse_sections(sections);
    let (changes, sections) = match (changes, sections) {
        (Ok(changes), Ok(sections)) => (changes, sections),
        (Err(ApiError::Validation(mut first)), Err(ApiError::Validation(more))) => {
            first.extend(more);
            return Err(ApiError::Validation(first));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let (org, id) = (principal.organisation_id, path.into_inner());
    let plan = db
        .acting(principal.acting(), async move |conn| {
            let current = projects::lock(conn, org, id)
                .await
                .map_err(project_missing)?;
            // Under the project's lock no part can change: the plan read now is the
            // one the ETag must match.
            let before = crate::plan::read(conn, current.clone()).await?;
            if !expected.matches(document::version(&before)?) {
                return fresh(Guarded::Stale);
            }
            let project = projects::update(conn, org, id, current.version, &changes).await?;
            let scope = ProjectScope::new(project.clone());
            let mut errors = crate::plan::write_sections(conn, &scope, sections).await?;
            match crate::plan::period::check(conn, id, project.start_date, project.end_date).await {
                Ok(()) => {}
                Err(StoreError::Conflict {
                    errors: outside, ..
                }) => errors.extend(outside),
                Err(other) => return Err(other.into()),
            }
            if !errors.is_empty() {
                // the transaction rolls back: nothing of the document is stored
                return Err(ApiError::Validation(errors));
            }
            crate::plan::read(conn, project).await
        })
        .await?;
    let version = document::version(&plan)?;
    Ok(json_ok(with_etag(HttpResponse::Ok(), version), &plan))
}

/// Paging for the history.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// How many changes to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the newest changes.
    #[param(pattern = r"^change\.[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// One change to the plan.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanChange {
    /// Increases with every change.
    pub id: i64,
    pub changed_at: DateTime<Utc>,
    /// `project`, `target_group`, `hours`, `budget_line`, `translation_cost`,
    /// `fund_application`, `target`, `evaluation_moment`, `roadmap_step` or
    /// `project_partner`.
    #[schema(example = "budget_line")]
    pub entity: String,
    pub entity_id: Uuid,
    /// `created`, `updated` or `deleted`.
    #[schema(example = "updated")]
    pub action: String,
    /// `null` for changes made outside a request (migrations, the CLI).
    pub actor: Option<ChangeActor>,
    /// The changed fields before the change; `null` when created.
    #[schema(value_type = Option<Object>, example = json!({"amount": "1000.00"}))]
    pub before: Option<serde_json::Value>,
    /// The changed fields after the change; `null` when deleted.
    #[schema(value_type = Option<Object>, example = json!({"amount": "1250.00"}))]
    pub after: Option<serde_json::Value>,
}

impl From<history::PlanChange> for PlanChange {
    fn from(change: history::PlanChange) -> Self {
        let history::PlanChange {
            id,
            changed_at,
            entity,
            entity_id,
            action,
            actor,
            before,
            after,
        } = change;
        PlanChange {
            id,
            changed_at,
            entity,
            entity_id,
            action,
            actor: actor.map(Into::into),
            before,
            after,
        }
    }
}

/// One page of the plan's history, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanChangeList {
    pub items: Vec<PlanChange>,
    /// Pass as `cursor` for older changes; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Get the plan's history
///
/// Every change to the project and the parts of its plan, newest first: when, by whom
/// (user or API token), what (created, updated, deleted) and the changed fields before
/// and after. Kept when lines are deleted.
#[utoipa::path(
    tag = "plan",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id."), HistoryQuery),
    responses((status = 200, description = "One page of changes.", body = PlanChangeList))
)]
#[get("/history")]
pub async fn get_history(
    db: web::Data<Db>,
    principal: Allowed<ReadPlanHistory>,
    path: web::Path<ProjectId>,
    Query(query): Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    // The cursor is a history id, not a keyset.
    let (limit, before) = newest_first_page(query.limit, query.cursor.as_deref(), "change")?;
    let (org, id) = (principal.organisation_id, path.into_inner());
    let items = db
        .tenant(org, async move |conn| {
            projects::share(conn, org, id)
                .await
                .map_err(project_missing)?;
            Ok::<_, ApiError>(history::list(conn, org, id, limit, before).await?)
        })
        .await?;
    let page = Page::from_rows(items, limit, |c| c.id);
    Ok(json_ok(
        HttpResponse::Ok(),
        &PlanChangeList {
            next_cursor: page.next.map(|id| id_cursor("change", id)),
            items: page.items.into_iter().map(PlanChange::from).collect(),
        },
    ))
}
