//! API tokens for the organisation's integrations.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Query};
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::api_token::{self, Lifetimes};
use crate::auth::permit::{Allowed, ManageApiTokens, Permitted};
use crate::db::Db;
use crate::domain::organisation::AccountKind;
use crate::domain::validation::Errors;
use crate::domain::{ApiTokenId, Role, Scope, Scopes, UserId, text};
use crate::error::ApiError;
use crate::models::api_token::{self as model, ApiToken, NewApiToken};

/// An API token. The secret is never shown again after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenResponse {
    pub id: ApiTokenId,
    #[schema(example = "Intranet koppeling")]
    pub name: String,
    pub role: Role,
    /// What it may do within its role. A token made before scopes existed holds every
    /// scope of its role.
    pub scopes: Vec<Scope>,
    /// The admin who created it, while that user exists; `null` also for a token made
    /// with another API token.
    pub created_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last use, to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl ApiTokenResponse {
    /// `t`, a token of an account of `kind`.
    fn of(t: ApiToken, kind: AccountKind) -> Self {
        Self {
            id: t.id,
            scopes: t.scopes(kind).iter().collect(),
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
#[schema(example = json!({
    "name": "Intranet koppeling", "role": "coordinator", "scopes": ["reports:read", "reports:submit"]
}))]
pub struct CreateApiTokenRequest {
    /// What it is for, 1 to 100 characters.
    #[schema(
        example = "Intranet koppeling",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// The role it acts with; its scopes lie within what the role may do.
    pub role: Role,
    /// Documented in [`scope_list`] (`schema_with` replaces this comment).
    #[schema(schema_with = scope_list)]
    pub scopes: Option<Vec<Scope>>,
    /// When it stops working, in the future and at most the longest lifetime ahead
    /// (`MANTELMONITOR_API_TOKEN_MAX_DAYS`, 731 days unless configured). Omit for the
    /// default lifetime (`MANTELMONITOR_API_TOKEN_DEFAULT_DAYS`, 365 days unless
    /// configured).
    pub expires_at: Option<DateTime<Utc>>,
}

/// `scopes` of a new token: each scope at most once, `null` for those of the role.
fn scope_list() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, SchemaType, Type};
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(utoipa::openapi::Ref::from_schema_name("Scope"))
        .description(Some(
            "What it may do, each scope once: only scopes its role has (a viewer's token \
             cannot write) and that the caller holds. Omit for every scope of the role.",
        ))
        .min_items(Some(1))
        .max_items(Some(Scope::ALL.len()))
        .unique_items(true)
        .build()
}

/// The scopes a new token gets: those asked for (or every scope of its role), each one
/// its role has and the maker holds.
fn scopes_of(
    errors: &mut Errors,
    request: &CreateApiTokenRequest,
    maker: &crate::auth::Principal,
) -> Scopes {
    let role = request.role.scopes(maker.kind);
    let held = maker.scopes.intersect(maker.role.scopes(maker.kind));
    let Some(asked) = &request.scopes else {
        if !role.within(held) {
            let missing: Vec<String> = role
                .iter()
                .filter(|s| !held.contains(*s))
                .map(|s| s.to_string())
                .collect();
            errors.check::<()>(
                "/scopes",
                Err(format!(
                    "must be given: you do not hold every scope of the role {} (missing {})",
                    request.role,
                    missing.join(", ")
                )),
            );
        }
        return role;
    };
    if asked.is_empty() {
        errors.check::<()>("/scopes", Err("must name at least one scope".into()));
    }
    let (scopes, problems) = Scopes::checked(
        asked,
        role,
        &format!("the role {} may do in this account", request.role),
        held,
    );
    for (i, problem) in problems {
        errors.check::<()>(&format!("/scopes/{i}"), Err(problem));
    }
    scopes
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
            .map(|t| ApiTokenResponse::of(t, principal.kind))
            .collect(),
        next_cursor: found.next.as_ref().map(encode_cursor),
    };
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Create an API token
///
/// Admins only. A token acts with a role and holds scopes within it; it never holds more
/// than its maker (a token made with a token holds at most that token's scopes). It
/// expires after the default lifetime unless `expires_at` says otherwise. The response
/// holds the secret; it is stored only as a hash and cannot be shown again.
#[utoipa::path(
    tag = "api-tokens",
    request_body = CreateApiTokenRequest,
    responses((status = 201, description = "Created.", body = CreatedApiTokenResponse, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/api-tokens")]
pub async fn create_api_token(
    db: web::Data<Db>,
    lifetimes: web::Data<Lifetimes>,
    Permitted(principal, Json(request)): Permitted<ManageApiTokens, Json<CreateApiTokenRequest>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Errors::default();
    let name = errors.check("/name", text::bounded(&request.name, 1, 100));
    let role = errors.check("/role", request.role.fitting(principal.kind));
    let scopes = match role {
        Some(_) => scopes_of(&mut errors, &request, &principal),
        None => Scopes::default(),
    };
    let now = Utc::now();
    let expires_at = match request.expires_at {
        None => now + Duration::days(i64::from(lifetimes.default_days)),
        Some(at) => {
            if at <= now {
                errors.check::<()>("/expires_at", Err("must be in the future".into()));
            } else if at > now + Duration::days(i64::from(lifetimes.max_days)) {
                errors.check::<()>(
                    "/expires_at",
                    Err(format!(
                        "must be at most {} days ahead, the longest an API token lives here",
                        lifetimes.max_days
                    )),
                );
            }
            at
        }
    };
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
        created_by: principal.user_id(),
        expires_at: Some(expires_at),
        scopes: scopes.iter().collect(),
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
            token: ApiTokenResponse::of(created, principal.kind),
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
        &ApiTokenResponse::of(found, principal.kind),
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
