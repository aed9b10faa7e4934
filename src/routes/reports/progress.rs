//! Progress against the plan: targets against the actuals of the reports that count.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;

use crate::auth::permit::{Allowed, ReadReports};
use crate::db::Db;
use crate::db::scope::ProjectScope;
use crate::domain::ProjectId;
use crate::error::ApiError;
use crate::models::project as projects;
use crate::monitoring::progress::{self, Include, Progress};
use crate::routes::extract::Query;
use crate::routes::json_ok;
use crate::routes::parts::{owner_of, project_missing};

/// Which reports count towards progress.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgressQuery {
    /// `accepted`: only accepted reports; `submitted` (default): submitted and accepted;
    /// `draft`: every report.
    pub include: Option<Include>,
}

/// Get progress against the plan
///
/// Per quarter and cumulatively: targets against actuals for reach (per target group),
/// partners (by ladder level), communication (per channel and language), hours (per
/// activity) and spend (per budget line and category), with the variance (actual minus
/// planned). Counts are whole numbers; hours and euros have two decimals.
#[utoipa::path(
    tag = "quarterly-reports",
    params(("project_id" = uuid::Uuid, Path, description = "The project's id."), ProgressQuery),
    responses((status = 200, description = "Progress.", body = Progress))
)]
#[get("/progress")]
pub async fn get_progress(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    path: web::Path<ProjectId>,
    Query(query): Query<ProgressQuery>,
) -> Result<HttpResponse, ApiError> {
    let (reach, id) = (principal.reach(), path.into_inner());
    let include = query.include.unwrap_or_default();
    let progress = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, Some(id)).await?;
            let project = projects::find(conn, org, id)
                .await
                .map_err(project_missing)?;
            let scope = ProjectScope::new(project);
            progress::compute(conn, &scope, include).await
        })
        .await?;
    Ok(json_ok(HttpResponse::Ok(), &progress))
}
