//! The identity providers an organisation trusts: its staff sign in with the
//! organisation's own accounts (OpenID Connect), without a password of ours.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Query};
use super::merge_patch::{MergePatch, apply};
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, ManageOrganisation, Permitted};
use crate::auth::{Authenticator, Principal};
use crate::db::Db;
use crate::db::json::JsonDoc;
use crate::domain::identity::{MAX_RULES, RoleRule, UserClaim};
use crate::domain::validation::Errors;
use crate::domain::{IdentityProviderId, Role, Scope, Scopes, text};
use crate::error::ApiError;
use crate::models::identity_provider::{self as model, IdentityProvider, ProviderSettings};
use crate::outbound::{self, Outbound};

fn yes() -> bool {
    true
}

/// An identity provider as an admin registers it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderInput {
    /// What the organisation calls it, 1 to 100 characters.
    #[schema(
        example = "Intranet (Entra ID)",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// The issuer, exactly as its tokens' `iss` says: `https://…` (plain http only to an
    /// internal address where the configuration allows those). An issuer belongs to one
    /// account.
    #[schema(
        example = "https://login.example.nl/realms/zorg",
        min_length = 8,
        max_length = 500
    )]
    pub issuer: String,
    /// The audience its tokens must name in `aud`: this service, as the provider knows it.
    #[schema(
        example = "mantelmonitor-api",
        min_length = 1,
        max_length = 500,
        pattern = r"\S"
    )]
    pub audience: String,
    /// Where its keys are (a JWKS). Omit to find them through the issuer's discovery
    /// document (`/.well-known/openid-configuration`).
    #[schema(
        example = "https://login.example.nl/realms/zorg/protocol/openid-connect/certs",
        min_length = 8,
        max_length = 500
    )]
    pub jwks_uri: Option<String>,
    /// The claim that names the user: `email` (the user of that address in the account)
    /// or `sub` (users this provider made, with `create_users`).
    pub user_claim: UserClaim,
    /// The claim that holds the user's groups or roles (a list of texts, or one text),
    /// such as `groups` or `roles`. Omit to keep each user's role as set here.
    #[schema(example = "groups", min_length = 1, max_length = 100, pattern = r"\S")]
    pub roles_claim: Option<String>,
    /// Which values of `roles_claim` give which role; the highest applies. At most 50
    /// rules, each value once.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub role_mapping: Vec<RoleRule>,
    /// The role of a user whose claims map to none; omit to refuse such a user.
    pub default_role: Option<Role>,
    /// Whether a user signing in for the first time is made (just in time), with the
    /// mapped role. Otherwise only users who exist here sign in.
    #[serde(default)]
    pub create_users: bool,
    /// Whether tokens without a user (client credentials) are accepted, acting for the
    /// account with `service_scopes`.
    #[serde(default)]
    pub service_clients: bool,
    /// Documented in [`service_scope_list`] (`schema_with` replaces this comment).
    #[serde(default)]
    #[schema(schema_with = service_scope_list)]
    pub service_scopes: Vec<Scope>,
    /// Whether its tokens are accepted at all.
    #[serde(default = "yes")]
    pub active: bool,
}

fn service_scope_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("Scope"))
        .max_items(Some(Scope::ALL.len()))
        .unique_items(true)
        .description(Some(
            "What its service clients may do, each scope once; at least one when \
             `service_clients` is on, and never more than the caller holds.",
        ))
        .build()
}

/// What an identity provider's PATCH may hold.
pub type IdentityProviderPatch = MergePatch<IdentityProviderInput>;

/// An identity provider the account trusts: its settings as `IdentityProviderInput`
/// describes them, with its id and times.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityProviderResponse {
    pub id: IdentityProviderId,
    pub name: String,
    pub issuer: String,
    pub audience: String,
    pub jwks_uri: Option<String>,
    pub user_claim: UserClaim,
    pub roles_claim: Option<String>,
    pub role_mapping: Vec<RoleRule>,
    pub default_role: Option<Role>,
    pub create_users: bool,
    pub service_clients: bool,
    pub service_scopes: Vec<Scope>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<IdentityProvider> for IdentityProviderResponse {
    fn from(p: IdentityProvider) -> Self {
        Self {
            id: p.id,
            name: p.name,
            issuer: p.issuer,
            audience: p.audience,
            jwks_uri: p.jwks_uri,
            user_claim: p.user_claim,
            roles_claim: p.roles_claim,
            role_mapping: p.role_mapping.0,
            default_role: p.default_role,
            create_users: p.create_users,
            service_clients: p.service_clients,
            service_scopes: p.service_scopes,
            active: p.active,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One page of identity providers.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdentityProviderList {
    pub items: Vec<IdentityProviderResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn input_of(p: IdentityProvider) -> IdentityProviderInput {
    let r = IdentityProviderResponse::from(p);
    IdentityProviderInput {
        name: r.name,
        issuer: r.issuer,
        audience: r.audience,
        jwks_uri: r.jwks_uri,
        user_claim: r.user_claim,
        roles_claim: r.roles_claim,
        role_mapping: r.role_mapping,
        default_role: r.default_role,
        create_users: r.create_users,
        service_clients: r.service_clients,
        service_scopes: r.service_scopes,
        active: r.active,
    }
}

fn response_of(p: IdentityProvider) -> HttpResponse {
    let version = p.version;
    json_ok(
        with_etag(HttpResponse::Ok(), version),
        &IdentityProviderResponse::from(p),
    )
}

/// The input checked for the caller's account: every problem at once, or the settings
/// to store.
fn check(
    input: IdentityProviderInput,
    principal: &Principal,
    reach: outbound::Reach,
) -> Result<ProviderSettings, ApiError> {
    let kind = principal.kind;
    let mut errors = Errors::default();
    let name = errors.check("/name", text::bounded(&input.name, 1, 100));
    let issuer = input.issuer.trim().to_string();
    if issuer.chars().count() > 500 {
        errors.check::<()>("/issuer", Err("must be at most 500 characters".into()));
    } else {
        errors.check("/issuer", outbound::check(&issuer, reach).map(|_| ()));
    }
    let audience = errors.check("/audience", text::bounded(&input.audience, 1, 500));
    let jwks_uri = input.jwks_uri.as_deref().map(str::trim).map(str::to_string);
    if let Some(uri) = &jwks_uri {
        if uri.chars().count() > 500 {
            errors.check::<()>("/jwks_uri", Err("must be at most 500 characters".into()));
        } else {
            errors.check("/jwks_uri", outbound::check(uri, reach).map(|_| ()));
        }
    }
    let roles_claim = match &input.roles_claim {
        Some(claim) => errors.check("/roles_claim", text::bounded(claim, 1, 100)),
        None => None,
    };
    if input.roles_claim.is_none() && !input.role_mapping.is_empty() {
        errors.check::<()>(
            "/roles_claim",
            Err("must name the claim that role_mapping reads".into()),
        );
    }
    if input.role_mapping.len() > MAX_RULES {
        errors.check::<()>(
            "/role_mapping",
            Err(format!("must hold at most {MAX_RULES} rules")),
        );
    }
    for (i, rule) in input.role_mapping.iter().enumerate() {
        errors.check(
            &format!("/role_mapping/{i}/value"),
            text::bounded(&rule.value, 1, 200).map(|_| ()),
        );
        if input.role_mapping[..i]
            .iter()
            .any(|r| r.value == rule.value)
        {
            errors.check::<()>(
                &format!("/role_mapping/{i}/value"),
                Err(format!("names {:?} a second time", rule.value)),
            );
        }
        errors.check(
            &format!("/role_mapping/{i}/role"),
            rule.role.fitting(kind).map(|_| ()),
        );
    }
    if let Some(role) = input.default_role {
        errors.check("/default_role", role.fitting(kind).map(|_| ()));
    }
    let held = principal.scopes.intersect(principal.role.scopes(kind));
    let (seen, problems) = Scopes::checked(
        &input.service_scopes,
        Role::Admin.scopes(kind),
        "this kind of account may do",
        held,
    );
    for (i, problem) in problems {
        errors.check::<()>(&format!("/service_scopes/{i}"), Err(problem));
    }
    if input.service_clients && input.service_scopes.is_empty() {
        errors.check::<()>(
            "/service_scopes",
            Err("must name at least one scope when service_clients is on".into()),
        );
    }
    errors.finish()?;
    let (Some(name), Some(audience)) = (name, audience) else {
        return Err(ApiError::internal(std::io::Error::other(
            "validated fields missing",
        )));
    };
    Ok(ProviderSettings {
        name,
        issuer,
        audience,
        jwks_uri,
        user_claim: input.user_claim,
        roles_claim,
        role_mapping: JsonDoc(input.role_mapping),
        default_role: input.default_role,
        create_users: input.create_users,
        service_clients: input.service_clients,
        service_scopes: seen.iter().collect(),
        active: input.active,
    })
}

/// List identity providers
///
/// Admins only. The account's identity providers, oldest first.
#[utoipa::path(tag = "identity-providers", params(PageParams), responses((status = 200, description = "One page of identity providers.", body = IdentityProviderList)))]
#[get("/identity-providers")]
pub async fn list_identity_providers(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
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
    let body = IdentityProviderList {
        next_cursor: found.next.as_ref().map(encode_cursor),
        items: found
            .items
            .into_iter()
            .map(IdentityProviderResponse::from)
            .collect(),
    };
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Register an identity provider
///
/// Admins only. From then on, bearer tokens of its issuer sign the account's users in:
/// checked against its keys, named by `user_claim`, with the role its groups map to. An
/// issuer another account registered is a 409.
#[utoipa::path(
    tag = "identity-providers",
    request_body = IdentityProviderInput,
    responses((status = 201, description = "Registered.", body = IdentityProviderResponse, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/identity-providers")]
pub async fn create_identity_provider(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    authenticator: web::Data<Authenticator>,
    Permitted(principal, Json(input)): Permitted<ManageOrganisation, Json<IdentityProviderInput>>,
) -> Result<HttpResponse, ApiError> {
    let settings = check(input, &principal, outbound.reach())?;
    let org = principal.organisation_id;
    let id = IdentityProviderId::generate();
    let created = db
        .acting(principal.acting(), async move |conn| {
            Ok::<_, ApiError>(model::create(conn, id, org, &settings).await?)
        })
        .await?;
    authenticator.oidc().forget_all();
    let mut response = response_of(created);
    *response.status_mut() = actix_web::http::StatusCode::CREATED;
    response.headers_mut().insert(
        header::LOCATION,
        header::HeaderValue::from_str(&format!("/api/v1/identity-providers/{id}"))
            .map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// Get an identity provider
#[utoipa::path(
    tag = "identity-providers",
    params(("provider_id" = uuid::Uuid, Path, description = "The provider's id.")),
    responses((status = 200, description = "The provider.", body = IdentityProviderResponse, headers(("ETag" = String))))
)]
#[get("/identity-providers/{provider_id}")]
pub async fn get_identity_provider(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<IdentityProviderId>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::find(conn, org, id).await?)
        })
        .await?;
    Ok(response_of(found))
}

enum Change {
    Replace(Box<IdentityProviderInput>),
    Patch(serde_json::Value),
}

async fn write(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    authenticator: web::Data<Authenticator>,
    principal: Principal,
    id: IdentityProviderId,
    expected: crate::models::Precondition,
    change: Change,
) -> Result<HttpResponse, ApiError> {
    let org = principal.organisation_id;
    let reach = outbound.reach();
    let updated = db
        .acting(principal.acting(), async move |conn| {
            let current = model::find(conn, org, id).await?;
            let input = match change {
                Change::Replace(input) => *input,
                Change::Patch(patch) => apply(&input_of(current), patch)?,
            };
            // An invalid body is 422 whatever its ETag; only a valid one can be stale.
            let settings = check(input, &principal, reach)?;
            fresh(model::update(conn, org, id, &expected, &settings).await?)
        })
        .await?;
    authenticator.oidc().forget_all();
    Ok(response_of(updated))
}

/// Replace an identity provider's settings
#[utoipa::path(
    tag = "identity-providers",
    params(("provider_id" = uuid::Uuid, Path, description = "The provider's id.")),
    request_body = IdentityProviderInput,
    responses((status = 200, description = "Replaced.", body = IdentityProviderResponse, headers(("ETag" = String))))
)]
#[put("/identity-providers/{provider_id}")]
pub async fn replace_identity_provider(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    authenticator: web::Data<Authenticator>,
    Permitted(principal, Json(input)): Permitted<ManageOrganisation, Json<IdentityProviderInput>>,
    path: web::Path<IdentityProviderId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let principal = principal.into_inner();
    let change = Change::Replace(Box::new(input));
    write(
        db,
        outbound,
        authenticator,
        principal,
        path.into_inner(),
        expected,
        change,
    )
    .await
}

/// Change an identity provider's settings
///
/// A JSON merge patch of its settings, checked as a whole as a PUT would be.
#[utoipa::path(
    tag = "identity-providers",
    params(("provider_id" = uuid::Uuid, Path, description = "The provider's id.")),
    request_body(content(
        (IdentityProviderPatch = "application/merge-patch+json"),
        (IdentityProviderPatch = "application/json"),
    )),
    responses((status = 200, description = "Changed.", body = IdentityProviderResponse, headers(("ETag" = String))))
)]
#[patch("/identity-providers/{provider_id}")]
pub async fn update_identity_provider(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    authenticator: web::Data<Authenticator>,
    Permitted(principal, Json(patch)): Permitted<ManageOrganisation, Json<serde_json::Value>>,
    path: web::Path<IdentityProviderId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let principal = principal.into_inner();
    write(
        db,
        outbound,
        authenticator,
        principal,
        path.into_inner(),
        expected,
        Change::Patch(patch),
    )
    .await
}

/// Remove an identity provider
///
/// Its tokens stop working at once. The users it made stay (deactivate them to end
/// their access; they have no password here).
#[utoipa::path(
    tag = "identity-providers",
    params(("provider_id" = uuid::Uuid, Path, description = "The provider's id.")),
    responses((status = 204, description = "Removed."))
)]
#[delete("/identity-providers/{provider_id}")]
pub async fn delete_identity_provider(
    db: web::Data<Db>,
    authenticator: web::Data<Authenticator>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<IdentityProviderId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    db.acting(principal.acting(), async move |conn| {
        fresh(model::delete(conn, org, id, &expected).await?)
    })
    .await?;
    authenticator.oidc().forget_all();
    Ok(HttpResponse::NoContent().finish())
}
