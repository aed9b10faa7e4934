//! Liveness and readiness, for orchestrators and load balancers.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;

/// Health of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` when healthy.
    #[schema(example = "ok")]
    pub status: String,
}

/// Is the process up?
///
/// Answers 200 as long as the server can handle requests at all; it does not touch the database.
#[utoipa::path(tag = "operations", security(()), responses((status = 200, description = "The process is up.", body = HealthResponse)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthResponse {
        status: "ok".into(),
    })
}

/// Can the service serve requests?
///
/// Answers 200 when a database connection can be had and answers, 503 otherwise.
#[utoipa::path(
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "Ready: the database answers.", body = HealthResponse),
        (status = 503, description = "Not ready: the database does not answer.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    if db.ping().await {
        Ok(HttpResponse::Ok().json(HealthResponse {
            status: "ok".into(),
        }))
    } else {
        Err(ApiError::Unavailable(
            "The database does not answer.".into(),
        ))
    }
}
