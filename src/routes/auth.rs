//! Signing in: email and password for an access token.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Json;
use crate::auth::Authenticator;
use crate::db::Db;
use crate::error::ApiError;
use crate::models;

/// Credentials of a user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// The user's email address (case does not matter).
    #[schema(example = "coordinator@steunpunt-oost.nl", max_length = 254)]
    pub email: String,
    /// The user's password.
    #[schema(example = "correct horse battery staple", max_length = 256)]
    pub password: String,
}

/// An access token for the `Authorization: Bearer` header.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A signed JWT.
    #[schema(example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOi...")]
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
}

/// Sign in
///
/// Exchanges a user's email and password for a short-lived access token. Wrong
/// credentials, unknown emails and deactivated users all get the same 401, in the same time.
///
/// Attempts are limited per client address (429 beyond it) and per email address. An
/// email whose attempts are used up gets the same 401 as a wrong password, even with the
/// right one, until the limit recovers; unknown emails are limited alike, so the answer
/// never tells whether an account exists.
#[utoipa::path(
    tag = "auth",
    security(()),
    request_body = CreateTokenRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 401, description = "Wrong email or password, a deactivated user, or too many attempts for this email.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-in attempts from this client address."),
    )
)]
#[post("/auth/token")]
pub async fn create_token(
    req: HttpRequest,
    db: web::Data<Db>,
    authenticator: web::Data<Authenticator>,
    Json(request): Json<CreateTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let wrong = || ApiError::Unauthorized("The email or password is wrong.".into());
    let limits = authenticator.limits();
    limits
        .check_sign_in_address(&req)
        .map_err(ApiError::TooManyRequests)?;
    if !limits.allow_sign_in_attempt(&request.email) {
        return Err(wrong());
    }
    let email = request.email.trim().to_string();
    // Postgres text cannot hold NUL: such an email cannot exist, so do not ask.
    let user = if email.len() > 254 || email.contains('\0') {
        None
    } else {
        db.identify(async move |conn| {
            Ok::<_, ApiError>(models::user::find_by_email(conn, &email).await?)
        })
        .await?
    };
    // Always verify a hash, the user's or a dummy, so timing does not tell whether the
    // email exists, nor whether its user signs in only through an identity provider.
    let hash = user
        .as_ref()
        .map(|(_, hash, _)| hash.clone())
        .filter(|hash| hash != crate::models::identity_provider::NO_PASSWORD)
        .unwrap_or_else(|| authenticator.dummy_hash().to_string());
    let verified = authenticator
        .passwords()
        .verify(request.password, hash)
        .await?;
    let (user, kind) = match user {
        Some((user, _, kind)) if verified && user.active => (user, kind),
        _ => return Err(wrong()),
    };
    let access_token = authenticator
        .keys()
        .issue(
            user.id,
            (user.organisation_id, kind),
            user.role,
            user.session_version,
        )
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(TokenResponse {
            access_token,
            token_type: "Bearer".into(),
            expires_in: authenticator.keys().ttl().as_secs(),
        }))
}
