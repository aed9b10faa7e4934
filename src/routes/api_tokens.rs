//! API tokens for the organisation's integrations.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Query};
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, ManageApiTokens, Permitted};
use crate::auth::{Actor, api_token};
use crate::db::Db;
use crate::domain::validation::Errors;
use crate::domain::{ApiTokenId, Role, UserId, text};
use crate::error::ApiError;
use crate::models::api_token::{self as model, ApiToken, NewApiToken};

/// An API token. The secret is never shown again after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenResponse {
    pub id: ApiTokenId,
    #[schema(example = "Intranet koppeling")]
    pub name: String,
    pub role: Role,
    /// The admin who created it, while that user exists.
    pub created_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last use, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<ApiToken> for ApiTokenResponse {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id,
            name: t.name,
            role: t.role,
            created_by: t.created_by,
            expires_at: t.expires_at,
            revoked_at: t.revoked_at,
            last_used_at: t.last_used_at,
            created_at: t.created_at,
        }
    }
}

/// A newly created API token, with its secret: store it now, it is shown only once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiTokenResponse {
    #[serde(flatten)]
    pub token: ApiTokenResponse,
    /// Use as `Authorization: Bearer <secret>`.
    #[schema(example = "mm_AZNz8q3Kc0yXxXx...")]
    pub secret: String,
}

/// One page of API tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenList {
    pub items: Vec<ApiTokenResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiTokenRequest {
    /// What it is for, 1 to 100 characters.
    #[schema(
        example = "Intranet koppeling",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// What the integration may do.
    pub role: Role,
    /// When it stops working; at most 2 years ahead. Omit for no expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// List API tokens
///
/// Admins only. Live and expired tokens, oldest first; revoked tokens are gone.
#[utoipa::path(tag = "api-tokens", params(PageParams), responses((status = 200, description = "One page of tokens.", body = ApiTokenList)))]
#[get("/api-tokens")]
pub async fn list_api_tokens(
    db: web::Data<Db>,
    principal: Allowed<ManageApiTokens>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params
        .validate()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::list(conn, org, page.limit, page.after).await?)
        })
        .await?;
    let body = ApiTokenList {
        items: found
            .items
            .into_iter()
            .map(ApiTokenResponse::from)
            .collect(),
        next_cursor: found.next.as_ref().map(encode_cursor),
    };
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Create an API token
///
/// Admins only. The response holds the secret; it is stored only as a hash and cannot be shown again.
#[utoipa::path(
    tag = "api-tokens",
    request_body = CreateApiTokenRequest,
    responses((status = 201, description = "Created.", body = CreatedApiTokenResponse, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/api-tokens")]
pub async fn create_api_token(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<ManageApiTokens, Json<CreateApiTokenRequest>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Errors::default();
    let name = errors.check("/name", text::bounded(&request.name, 1, 100));
    errors.check("/role", request.role.fitting(principal.kind));
    if let Some(at) = request.expires_at {
        let now = Utc::now();
        if at <= now {
            errors.check::<()>("/expires_at", Err("must be in the future".into()));
        } else if at > now + Duration::days(731) {
            errors.check::<()>("/expires_at", Err("must be at most 2 years ahead".into()));
        }
    }
    errors.finish()?;
    let Some(name) = name else {
        return Err(ApiError::internal(std::io::Error::other(
            "validated name missing",
        )));
    };
    let id = ApiTokenId::generate();
    let issued = api_token::issue(id);
    let new = NewApiToken {
        id,
        organisation_id: principal.organisation_id,
        name,
        role: request.role,
        secret_hash: issued.secret_hash,
        created_by: match principal.actor {
            Actor::User(user) => Some(user),
            Actor::ApiToken(_) => None,
        },
        expires_at: request.expires_at,
    };
    let created = db
        .acting(principal.acting(), async move |conn| {
            Ok::<_, ApiError>(model::create(conn, &new).await?)
        })
        .await?;
    let mut response = with_etag(HttpResponse::Created(), created.version);
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/api-tokens/{}", created.id),
    ));
    Ok(json_ok(
        response,
        &CreatedApiTokenResponse {
            token: created.into(),
            secret: issued.token,
        },
    ))
}

/// Get an API token
#[utoipa::path(
    tag = "api-tokens",
    params(("token_id" = uuid::Uuid, Path, description = "The token's id.")),
    responses((status = 200, description = "The token, without its secret.", body = ApiTokenResponse, headers(("ETag" = String))))
)]
#[get("/api-tokens/{token_id}")]
pub async fn get_api_token(
    db: web::Data<Db>,
    principal: Allowed<ManageApiTokens>,
    path: web::Path<ApiTokenId>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::find(conn, org, id).await?)
        })
        .await?;
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), found.version),
        &ApiTokenResponse::from(found),
    ))
}

/// Revoke an API token
///
/// Admins only. The token stops working at once and is gone from the API (404 afterwards);
/// the row is kept, marked revoked, for the audit trail.
#[utoipa::path(
    tag = "api-tokens",
    params(("token_id" = uuid::Uuid, Path, description = "The token's id.")),
    responses((status = 204, description = "Revoked."))
)]
#[delete("/api-tokens/{token_id}")]
pub async fn revoke_api_token(
    db: web::Data<Db>,
    principal: Allowed<ManageApiTokens>,
    path: web::Path<ApiTokenId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    db.acting(principal.acting(), async move |conn| {
        match fresh(model::revoke(conn, org, id, expected).await?)? {
            Some(_) => Ok(()),
            None => Err(ApiError::NotFound("The resource does not exist.".into())),
        }
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
