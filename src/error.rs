//! The one API error type and its RFC 9457 `application/problem+json` rendering.
//!
//! Store functions return `StoreResult`s (or a query's error); `From<StoreError>` and
//! `From<QueryError>` are the one place that picks the HTTP status for a database
//! outcome. A fault of ours is logged with its cause chain and answered with an opaque
//! 500.

use crate::db::{DatabaseErrorKind, QueryError as DieselError};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::rate_limit::Limited;
use crate::models::constraints;

pub use crate::domain::validation::FieldError;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:mantelmonitor:problem:validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "The request has 1 invalid field.",
    "errors": [{"pointer": "/end_date", "message": "must not be before start_date (2026-01-01)"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence.
    pub detail: String,
    /// Field-level problems, for validation and malformed input.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The methods or moves that are allowed instead, where that helps; an empty list
    /// says that no move is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// The scope the API token lacks, when that is why the request is refused (403).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::domain::Scope>)]
    pub missing_scope: Option<crate::domain::Scope>,
}

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// No credentials at all: the challenge carries no error (RFC 6750, section 3.1).
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// Credentials that are wrong, expired or revoked.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// An API token whose role allows the request, but whose scopes do not.
    #[error("forbidden: scope {0} missing")]
    MissingScope(crate::domain::Scope),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed { allowed: Vec<String> },
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A move the resource's lifecycle does not allow from its current state.
    #[error("conflict: {detail}")]
    Transition {
        detail: String,
        allowed: Vec<String>,
    },
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("payload too large: {0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("precondition required: {0}")]
    PreconditionRequired(String),
    /// A rate limit was reached; the answer names the policy and when to come back.
    #[error("too many requests: {}", .0.policy)]
    TooManyRequests(Limited),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn validation(errors: Vec<FieldError>) -> Self {
        ApiError::Validation(errors)
    }
    pub fn field(pointer: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::body(pointer, message)])
    }
    pub fn conflict(detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(error))
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    fn parts(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::BadRequest { .. } => ("malformed-request", "Malformed request"),
            ApiError::Unauthenticated(_) | ApiError::Unauthorized(_) => {
                ("unauthorized", "Authentication required")
            }
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::MissingScope(_) => ("insufficient-scope", "Scope missing"),
            ApiError::NotFound(_) => ("not-found", "Not found"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::NotAcceptable(_) => ("not-acceptable", "Not acceptable"),
            ApiError::Conflict { .. } => ("conflict", "Conflict"),
            ApiError::Transition { .. } => ("invalid-transition", "Transition not allowed"),
            ApiError::PreconditionFailed(_) => ("precondition-failed", "Precondition failed"),
            ApiError::PayloadTooLarge(_) => ("payload-too-large", "Payload too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Validation(_) => ("validation", "Validation failed"),
            ApiError::PreconditionRequired(_) => ("precondition-required", "Precondition required"),
            ApiError::TooManyRequests(_) => ("rate-limited", "Too many requests"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.parts();
        let (detail, errors, allowed) = match self {
            ApiError::BadRequest { detail, errors } | ApiError::Conflict { detail, errors } => {
                (detail.clone(), errors.clone(), None)
            }
            ApiError::Validation(errors) => {
                let n = errors.len();
                let detail = if n == 1 {
                    format!("The request has 1 invalid field: {}", errors[0].message)
                } else {
                    format!("The request has {n} invalid fields.")
                };
                (detail, errors.clone(), None)
            }
            ApiError::MethodNotAllowed { allowed } => (
                format!("This resource allows {}.", allowed.join(", ")),
                Vec::new(),
                Some(allowed.clone()),
            ),
            ApiError::Transition { detail, allowed } => {
                (detail.clone(), Vec::new(), Some(allowed.clone()))
            }
            ApiError::TooManyRequests(limited) => (
                format!(
                    "{}; retry in {} seconds.",
                    limited.what, limited.retry_after
                ),
                Vec::new(),
                None,
            ),
            ApiError::MissingScope(scope) => (
                format!(
                    "This API token does not have the scope {scope}; an admin can make a token that has it."
                ),
                Vec::new(),
                None,
            ),
            ApiError::Internal(_) => (
                "Something went wrong on our side. It has been logged; please try again later."
                    .into(),
                Vec::new(),
                None,
            ),
            ApiError::Unauthenticated(d)
            | ApiError::Unauthorized(d)
            | ApiError::Forbidden(d)
            | ApiError::NotFound(d)
            | ApiError::NotAcceptable(d)
            | ApiError::PreconditionFailed(d)
            | ApiError::PayloadTooLarge(d)
            | ApiError::UnsupportedMediaType(d)
            | ApiError::PreconditionRequired(d)
            | ApiError::Unavailable(d) => (d.clone(), Vec::new(), None),
        };
        Problem {
            problem_type: format!("urn:mantelmonitor:problem:{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            errors,
            allowed,
            missing_scope: match self {
                ApiError::MissingScope(scope) => Some(*scope),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated(_) | ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::MissingScope(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::Conflict { .. } | ApiError::Transition { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(cause) => {
                tracing::error!(error = %cause, chain = ?error_chain(cause.as_ref()), "request failed");
            }
            ApiError::Unavailable(detail) => tracing::warn!(%detail, "service unavailable"),
            _ => {}
        }
        let problem = self.problem();
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            ApiError::Unauthenticated(_) => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="mantelmonitor""#));
            }
            ApiError::Unauthorized(detail) => {
                let description = detail.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(r#"Bearer realm="mantelmonitor", error="invalid_token", error_description="{description}""#),
                ));
            }
            // RFC 6750, section 3.1.
            ApiError::MissingScope(scope) => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(r#"Bearer realm="mantelmonitor", error="insufficient_scope", scope="{scope}""#),
                ));
            }
            ApiError::MethodNotAllowed { allowed } => {
                response.insert_header((header::ALLOW, allowed.join(", ")));
            }
            ApiError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::TooManyRequests(limited) => {
                response
                    .insert_header((header::RETRY_AFTER, limited.retry_after.to_string()))
                    .insert_header(("RateLimit-Policy", limited.policy_header()))
                    .insert_header(("RateLimit", limited.limit_header()));
            }
            _ => {}
        }
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        response.body(serde_json::to_vec(&problem).unwrap_or_default())
    }
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut chain = Vec::new();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain
}

impl From<crate::domain::validation::Invalid> for ApiError {
    fn from(invalid: crate::domain::validation::Invalid) -> Self {
        ApiError::Validation(invalid.0)
    }
}

impl From<DieselError> for ApiError {
    fn from(error: DieselError) -> Self {
        match &error {
            DieselError::NotFound => ApiError::NotFound("The resource does not exist.".into()),
            DieselError::DatabaseError(kind, info) => {
                let constraint = info.constraint_name().unwrap_or_default();
                let known = constraints::describe(constraint);
                match kind {
                    // The database's own guards of the record (migration 000005): the API
                    // checks the same rules first, so these answer races and strays.
                    DatabaseErrorKind::CheckViolation
                        if matches!(
                            constraint,
                            "quarterly_reports_workflow"
                                | "quarterly_reports_locked"
                                | "projects_keep_reported"
                                | "audit_append_only"
                        ) =>
                    {
                        ApiError::conflict(
                            "What was reported is kept as it is; reload and try again.",
                        )
                    }
                    // Who reviews (migration 000012): the database decides, once.
                    DatabaseErrorKind::CheckViolation
                        if constraint == "quarterly_reports_reviewed_by_funder" =>
                    {
                        ApiError::Forbidden(
                            "The funder reviews this project's reports: its reviewers accept or return them."
                                .into(),
                        )
                    }
                    DatabaseErrorKind::CheckViolation if constraint == "quarterly_reports_four_eyes" => {
                        ApiError::conflict(
                            "You submitted this report; another admin of the organisation accepts it.",
                        )
                    }
                    DatabaseErrorKind::CheckViolation
                        if matches!(constraint, "funder_links_transition" | "funder_links_sides_fixed") =>
                    {
                        ApiError::conflict("The link changed meanwhile; reload it and try again.")
                    }
                    DatabaseErrorKind::UniqueViolation => {
                        let (pointer, message) = known.unwrap_or(("", "already exists"));
                        ApiError::Conflict {
                            detail: format!(
                                "A resource with this {} already exists.",
                                pointer.trim_start_matches('/')
                            ),
                            errors: vec![FieldError::body(pointer, message)],
                        }
                    }
                    DatabaseErrorKind::CheckViolation
                    | DatabaseErrorKind::ForeignKeyViolation
                    | DatabaseErrorKind::NotNullViolation => match known {
                        Some((pointer, message)) => ApiError::field(pointer, message),
                        None => ApiError::internal(error),
                    },
                    // Two requests locking the same rows in opposite order: one is
                    // aborted by Postgres and may simply retry.
                    DatabaseErrorKind::Unknown if info.message().contains("deadlock detected") => {
                        ApiError::conflict(
                            "Another request changed the same data at the same moment; retry the request.",
                        )
                    }
                    DatabaseErrorKind::SerializationFailure => ApiError::conflict(
                        "Another request changed the same data at the same moment; retry the request.",
                    ),
                    // Lost in the middle of a statement (I/O error, closed socket), or
                    // the server going away (SQLSTATE class 57P: it sends the error, then
                    // closes, so `Db` reports ClosedConnection).
                    DatabaseErrorKind::ClosedConnection
                    | DatabaseErrorKind::UnableToSendCommand => ApiError::Unavailable(
                        "The database connection was lost; retry the request.".into(),
                    ),
                    // The same, caught before the socket's close was seen: the server's
                    // own words for SQLSTATE 57P01-57P03 (the SQLSTATE does not come
                    // through diesel; the embedded cluster speaks English).
                    DatabaseErrorKind::Unknown if going_away(info.message()) => {
                        ApiError::Unavailable(
                            "The database connection was lost; retry the request.".into(),
                        )
                    }
                    _ => ApiError::internal(error),
                }
            }
            _ => ApiError::internal(error),
        }
    }
}

/// Whether Postgres says it is going away or not yet back (SQLSTATE class 57P).
fn going_away(message: &str) -> bool {
    message.starts_with("terminating connection") || message.starts_with("the database system is")
}

impl From<crate::db::PoolError> for ApiError {
    fn from(error: crate::db::PoolError) -> Self {
        use crate::db::PoolError as P;
        match error {
            P::Timeout(_) => {
                ApiError::Unavailable("The database is busy; retry the request.".into())
            }
            P::Backend(e) => {
                tracing::error!(error = %e, "database connection failed");
                ApiError::Unavailable("The database is unreachable; retry the request.".into())
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        ApiError::internal(error)
    }
}

impl From<crate::db::StoreError> for ApiError {
    fn from(error: crate::db::StoreError) -> Self {
        use crate::db::StoreError as S;
        match error {
            S::Invalid(errors) => ApiError::Validation(errors),
            S::Conflict { detail, errors } => ApiError::Conflict { detail, errors },
            S::Transition { detail, allowed } => ApiError::Transition { detail, allowed },
            S::NotFound(detail) => ApiError::NotFound(detail),
            S::Query(error) => error.into(),
            S::Internal(error) => ApiError::Internal(error),
        }
    }
}

#[cfg(test)]
mod going_away_tests {
    use super::going_away;

    #[test]
    fn the_server_going_away_is_recognised_by_its_words() {
        for message in [
            "terminating connection due to administrator command",
            "terminating connection because of crash of another server process",
            "the database system is shutting down",
            "the database system is starting up",
        ] {
            assert!(going_away(message), "{message}");
        }
        assert!(!going_away("deadlock detected"));
        assert!(!going_away("permission denied for table users"));
    }
}
