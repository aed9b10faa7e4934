//! Users of the caller's organisation.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Query};
use super::merge_patch::not_null;
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, ManageUsers, Permitted};
use crate::auth::{Authenticator, Principal, password};
use crate::db::Db;
use crate::domain::validation::Errors;
use crate::domain::{Email, Role, UserId, text};
use crate::error::{ApiError, FieldError};
use crate::models::user::{self, NewUser, User, UserChanges};

/// A user of the organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: UserId,
    #[schema(example = "coordinator@steunpunt-oost.nl")]
    pub email: String,
    #[schema(example = "Fatma Yilmaz")]
    pub name: String,
    pub role: Role,
    /// Deactivated users cannot sign in and their tokens stop working.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role,
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

/// One page of users.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    /// Unique across the service, case-insensitively.
    #[schema(
        example = "viewer@steunpunt-oost.nl",
        min_length = 3,
        max_length = 254,
        format = "email"
    )]
    pub email: String,
    /// Display name, at most 200 characters.
    #[schema(example = "Jan de Vries", max_length = 200)]
    pub name: Option<String>,
    pub role: Role,
    /// 12 to 256 characters.
    #[schema(
        example = "a long passphrase of words",
        min_length = 12,
        max_length = 256
    )]
    pub password: String,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, example = "Jan de Vries", max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    /// `false` deactivates the user and ends their sessions.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub active: Option<bool>,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(example = "the old passphrase", max_length = 256)]
    pub current_password: String,
    /// 12 to 256 characters.
    #[schema(example = "a new long passphrase", min_length = 12, max_length = 256)]
    pub new_password: String,
}

/// Get yourself
///
/// The signed-in user. API tokens are not users: they get 404.
#[utoipa::path(tag = "users", responses((status = 200, description = "The signed-in user.", body = UserResponse)))]
#[get("/users/me")]
pub async fn get_current_user(
    db: web::Data<Db>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let id = principal.user_id().ok_or_else(|| {
        ApiError::NotFound("This request is made with an API token, which is not a user.".into())
    })?;
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(user::find(conn, org, id).await?)
        })
        .await?;
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), found.version),
        &UserResponse::from(found),
    ))
}

/// Change your password
///
/// Needs the current password. Every access token issued before the change stops
/// working, including the one used here: sign in again.
#[utoipa::path(
    tag = "users",
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed."))
)]
#[post("/users/me/password")]
pub async fn change_password(
    db: web::Data<Db>,
    authenticator: web::Data<Authenticator>,
    principal: Principal,
    Json(request): Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = principal.user_id().ok_or_else(|| {
        ApiError::NotFound("This request is made with an API token, which is not a user.".into())
    })?;
    password::check_policy(&request.new_password)
        .map_err(|m| ApiError::field("/new_password", m))?;
    let org = principal.organisation_id;
    // Only the sign-in role reads password hashes.
    let hash = db
        .identify(async move |conn| Ok::<_, ApiError>(user::password_hash(conn, org, id).await?))
        .await?;
    let given = request.current_password;
    if !authenticator.passwords().verify(given, hash).await? {
        return Err(ApiError::field(
            "/current_password",
            "is not your current password",
        ));
    }
    let new_hash = authenticator.passwords().hash(request.new_password).await?;
    db.acting(principal.acting(), async move |conn| {
        Ok::<_, ApiError>(user::set_password(conn, org, id, &new_hash).await?)
    })
    .await?;
    authenticator.sessions().forget(id);
    Ok(HttpResponse::NoContent().finish())
}

/// List users
///
/// Admins only. Ordered by creation, oldest first.
#[utoipa::path(tag = "users", params(PageParams), responses((status = 200, description = "One page of users.", body = UserList)))]
#[get("/users")]
pub async fn list_users(
    db: web::Data<Db>,
    principal: Allowed<ManageUsers>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params
        .validate()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(user::list(conn, org, page.limit, page.after).await?)
        })
        .await?;
    let body = UserList {
        items: found.items.into_iter().map(UserResponse::from).collect(),
        next_cursor: found.next.as_ref().map(encode_cursor),
    };
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Create a user
///
/// Admins only. The email must not be in use anywhere in the service (409).
#[utoipa::path(
    tag = "users",
    request_body = CreateUserRequest,
    responses((status = 201, description = "Created.", body = UserResponse, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/users")]
pub async fn create_user(
    db: web::Data<Db>,
    authenticator: web::Data<Authenticator>,
    Permitted(principal, Json(request)): Permitted<ManageUsers, Json<CreateUserRequest>>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Errors::default();
    let email = errors.check("/email", Email::parse(&request.email));
    let name = errors.check(
        "/name",
        text::bounded(request.name.as_deref().unwrap_or(""), 0, 200),
    );
    errors.check("/password", password::check_policy(&request.password));
    errors.check("/role", request.role.fitting(principal.kind));
    errors.finish()?;
    let (Some(email), Some(name)) = (email, name) else {
        return Err(ApiError::internal(std::io::Error::other(
            "validated fields missing",
        )));
    };
    let new = NewUser {
        id: UserId::generate(),
        organisation_id: principal.organisation_id,
        email: email.into_string(),
        name,
        password_hash: authenticator.passwords().hash(request.password).await?,
        role: request.role,
    };
    let created = db
        .acting(principal.acting(), async move |conn| {
            Ok::<_, ApiError>(user::create(conn, &new).await?)
        })
        .await?;
    let mut response = with_etag(HttpResponse::Created(), created.version);
    response.insert_header((header::LOCATION, format!("/api/v1/users/{}", created.id)));
    Ok(json_ok(response, &UserResponse::from(created)))
}

/// Get a user
#[utoipa::path(
    tag = "users",
    params(("user_id" = uuid::Uuid, Path, description = "The user's id.")),
    responses((status = 200, description = "The user.", body = UserResponse, headers(("ETag" = String))))
)]
#[get("/users/{user_id}")]
pub async fn get_user(
    db: web::Data<Db>,
    principal: Allowed<ManageUsers>,
    path: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(user::find(conn, org, id).await?)
        })
        .await?;
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), found.version),
        &UserResponse::from(found),
    ))
}

/// Update a user
///
/// Admins only. The organisation always keeps at least one active admin, and admins
/// cannot deactivate or demote themselves (409).
#[utoipa::path(
    tag = "users",
    params(("user_id" = uuid::Uuid, Path, description = "The user's id.")),
    request_body(content(
        (UpdateUserRequest = "application/merge-patch+json"),
        (UpdateUserRequest = "application/json"),
    )),
    responses((status = 200, description = "Updated.", body = UserResponse, headers(("ETag" = String))))
)]
#[patch("/users/{user_id}")]
pub async fn update_user(
    // First: `/users/me` (no id) is a 405, whatever the body.
    path: web::Path<UserId>,
    db: web::Data<Db>,
    authenticator: web::Data<Authenticator>,
    Permitted(principal, Json(request)): Permitted<ManageUsers, Json<UpdateUserRequest>>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    if principal.user_id() == Some(id)
        && (request.active == Some(false) || request.role.is_some_and(|r| r != Role::Admin))
    {
        return Err(not_yourself("deactivate or demote"));
    }
    let mut errors = Errors::default();
    let name = request
        .name
        .and_then(|n| errors.check("/name", text::bounded(&n, 0, 200)));
    if let Some(role) = request.role {
        errors.check("/role", role.fitting(principal.kind));
    }
    errors.finish()?;
    let changes = UserChanges {
        name,
        role: request.role,
        active: request.active,
    };
    let end_sessions = request.active == Some(false);
    let org = principal.organisation_id;
    let updated = db
        .acting(principal.acting(), async move |conn| {
            user::lock_active_admins(conn, org).await?;
            let updated =
                fresh(user::update(conn, org, id, expected, &changes, end_sessions).await?)?;
            keeps_an_admin(user::count_active_admins(conn, org).await?)?;
            Ok::<_, ApiError>(updated)
        })
        .await?;
    authenticator.sessions().forget(id);
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), updated.version),
        &UserResponse::from(updated),
    ))
}

/// Admins cannot lock themselves out; another admin can.
fn not_yourself(action: &str) -> ApiError {
    ApiError::conflict(format!("You cannot {action} yourself; ask another admin."))
}

fn keeps_an_admin(active_admins: i64) -> Result<(), ApiError> {
    if active_admins > 0 {
        Ok(())
    } else {
        Err(ApiError::Conflict {
            detail: "The account must keep at least one active admin.".into(),
            errors: vec![FieldError::body(
                "/role",
                "would leave the account without an active admin",
            )],
        })
    }
}

/// Delete a user
///
/// Admins only. Removes the user's personal data. Admins cannot delete themselves, and
/// the last active admin cannot be deleted (409).
#[utoipa::path(
    tag = "users",
    params(("user_id" = uuid::Uuid, Path, description = "The user's id.")),
    responses((status = 204, description = "Deleted."))
)]
#[delete("/users/{user_id}")]
pub async fn delete_user(
    db: web::Data<Db>,
    authenticator: web::Data<Authenticator>,
    principal: Allowed<ManageUsers>,
    path: web::Path<UserId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    if principal.user_id() == Some(id) {
        return Err(not_yourself("delete"));
    }
    db.acting(principal.acting(), async move |conn| {
        user::lock_active_admins(conn, org)
            .await
            .map_err(ApiError::from)?;
        fresh(user::delete(conn, org, id, expected).await?)?;
        keeps_an_admin(user::count_active_admins(conn, org).await?)
    })
    .await?;
    authenticator.sessions().forget(id);
    Ok(HttpResponse::NoContent().finish())
}
