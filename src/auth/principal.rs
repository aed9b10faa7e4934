//! The authenticated caller and the extractor that finds it.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::Utc;

use super::hashing::PasswordHashing;
use super::jwt::JwtKeys;
use super::rate_limit::RateLimits;
use super::sessions::Sessions;
use super::{api_token, password};
use crate::db::{Db, Reach};
use crate::domain::organisation::AccountKind;
use crate::domain::{OrganisationId, Permission, Role, Scopes, UserId};
use crate::error::ApiError;
use crate::models;

pub use crate::domain::audit::{Acting, Actor};

/// The authenticated caller: an actor acting for one account (an organisation, or a
/// funder account) with one role.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The caller's account: an organisation, or a funder account (see `kind`).
    pub organisation_id: OrganisationId,
    pub kind: AccountKind,
    pub role: Role,
    pub actor: Actor,
    /// What the caller may do within its role: every scope for a signed-in user, an API
    /// token's own.
    pub scopes: Scopes,
}

impl Principal {
    /// The caller as the histories record it.
    pub fn acting(&self) -> Acting {
        Acting {
            organisation: self.organisation_id,
            actor: self.actor,
        }
    }

    /// Fails with 403 unless the caller's role allows `permission` and its scopes hold
    /// the permission's scope.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.allows(self.kind, permission) {
            match permission.scope() {
                Some(scope) if !self.scopes.contains(scope) => Err(ApiError::MissingScope(scope)),
                _ => Ok(()),
            }
        } else if self.kind == AccountKind::Funder
            && Role::ALL
                .iter()
                .all(|role| !role.allows(AccountKind::Funder, permission))
        {
            Err(ApiError::Forbidden(
                "A funder account may not do this: it reads and reviews what organisations share with it."
                    .into(),
            ))
        } else {
            Err(ApiError::Forbidden(format!(
                "The role {} may not do this.",
                self.role
            )))
        }
    }

    /// Whose projects the caller reads: its organisation's own, or (a funder account)
    /// those shared with it.
    pub fn reach(&self) -> Reach {
        match self.kind {
            AccountKind::Organisation => Reach::Own(self.organisation_id),
            AccountKind::Funder => Reach::Shared(self.organisation_id),
        }
    }

    pub fn user_id(&self) -> Option<UserId> {
        match self.actor {
            Actor::User(id) => Some(id),
            Actor::ApiToken(_) | Actor::IdentityProvider(_) => None,
        }
    }
}

/// Turns a bearer token into a principal; checks passwords and keeps the rate limits.
pub struct Authenticator {
    db: Db,
    keys: JwtKeys,
    /// Verified against when the email is unknown, so that a login takes as long
    /// whether or not the user exists.
    dummy_hash: String,
    passwords: PasswordHashing,
    limits: RateLimits,
    sessions: Sessions,
    oidc: super::oidc::Oidc,
}

impl Authenticator {
    pub fn new(
        db: Db,
        keys: JwtKeys,
        passwords: PasswordHashing,
        limits: RateLimits,
        sessions: Sessions,
        oidc: super::oidc::Oidc,
    ) -> Result<Self, argon2::password_hash::Error> {
        let dummy_hash = password::hash(&password::generate())?;
        Ok(Self {
            db,
            keys,
            dummy_hash,
            passwords,
            limits,
            sessions,
            oidc,
        })
    }

    /// Tokens of the organisations' identity providers.
    pub fn oidc(&self) -> &super::oidc::Oidc {
        &self.oidc
    }

    pub fn keys(&self) -> &JwtKeys {
        &self.keys
    }

    /// Where every password is hashed and checked.
    pub fn passwords(&self) -> &PasswordHashing {
        &self.passwords
    }

    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// The user checks of access tokens, remembered for a moment; a change to a user
    /// made here forgets theirs.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    pub fn dummy_hash(&self) -> &str {
        &self.dummy_hash
    }

    /// Authenticates the value of an `Authorization` header.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, ApiError> {
        let Some(value) = authorization else {
            return Err(ApiError::Unauthenticated(
                "This request needs an Authorization: Bearer token.".into(),
            ));
        };
        let token = match value.split_once(' ') {
            Some((scheme, token))
                if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
            {
                token.trim()
            }
            _ => {
                return Err(ApiError::Unauthorized(
                    "The Authorization header must use the Bearer scheme.".into(),
                ));
            }
        };
        if token.starts_with(api_token::PREFIX) {
            return self.api_token(token).await;
        }
        // One of ours verified a moment ago: its header need not be read again.
        let known = self.sessions.verified(token);
        if known.is_some() {
            return self.access_token(token, known).await;
        }
        // Ours are HS256; any other algorithm is an identity provider's (or refused).
        match jsonwebtoken::decode_header(token) {
            Ok(header) if super::oidc::is_asymmetric(header.alg) => {
                self.oidc.authenticate(token, header.alg, header.kid).await
            }
            _ => self.access_token(token, None).await,
        }
    }

    /// An access token of ours; `known`, what [`Sessions::verified`] remembered of it.
    async fn access_token(
        &self,
        token: &str,
        known: Option<(OrganisationId, AccountKind, UserId, i32)>,
    ) -> Result<Principal, ApiError> {
        let (org, kind, user_id, session_version) = match known {
            Some(known) => known,
            None => {
                let claims = self
                    .keys
                    .verify(token)
                    .map_err(|e| ApiError::Unauthorized(e.to_string()))?;
                self.sessions.remember_token(token, &claims);
                (
                    OrganisationId::from_uuid(claims.org),
                    claims.knd,
                    UserId::from_uuid(claims.sub),
                    claims.sv,
                )
            }
        };
        if let Some(role) = self.sessions.recall(org, user_id, session_version) {
            return Ok(Principal {
                organisation_id: org,
                kind,
                role,
                actor: Actor::User(user_id),
                scopes: Scopes::ALL,
            });
        }
        let user = self
            .db
            .tenant(org, async move |conn| {
                Ok::<_, ApiError>(models::user::find_for_authentication(conn, org, user_id).await?)
            })
            .await?;
        let Some(user) = user else {
            return Err(ApiError::Unauthorized(
                "The access token's user no longer exists.".into(),
            ));
        };
        if !user.active {
            return Err(ApiError::Unauthorized(
                "The access token's user is deactivated.".into(),
            ));
        }
        if session_version != user.session_version {
            return Err(ApiError::Unauthorized(
                "The access token was ended by a password change or deactivation; sign in again."
                    .into(),
            ));
        }
        self.sessions
            .remember(org, user.id, user.session_version, user.role);
        Ok(Principal {
            organisation_id: org,
            kind,
            role: user.role,
            actor: Actor::User(user.id),
            scopes: Scopes::ALL,
        })
    }

    async fn api_token(&self, token: &str) -> Result<Principal, ApiError> {
        let invalid = || ApiError::Unauthorized("The API token is invalid.".into());
        let (id, secret) = api_token::parse(token).ok_or_else(invalid)?;
        let found = self
            .db
            .identify(async move |conn| {
                let Some((found, kind)) =
                    models::api_token::find_for_authentication(conn, id).await?
                else {
                    return Ok::<_, ApiError>(None);
                };
                if api_token::matches(&secret, &found.secret_hash)
                    && found.revoked_at.is_none()
                    && found.expires_at.is_none_or(|at| at > Utc::now())
                {
                    models::api_token::touch(conn, id).await?;
                }
                Ok(Some((found, kind)))
            })
            .await?;
        let (found, kind) = found
            .filter(|(t, _)| api_token::matches(&secret, &t.secret_hash))
            .ok_or_else(invalid)?;
        if found.revoked_at.is_some() {
            return Err(ApiError::Unauthorized(
                "The API token has been revoked.".into(),
            ));
        }
        if found.expires_at.is_some_and(|at| at <= Utc::now()) {
            return Err(ApiError::Unauthorized("The API token has expired.".into()));
        }
        Ok(Principal {
            organisation_id: found.organisation_id,
            kind,
            role: found.role,
            actor: Actor::ApiToken(found.id),
            scopes: found.scopes(kind),
        })
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let authenticator = req.app_data::<web::Data<Authenticator>>().cloned();
        let authorization = req
            .headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.to_str().map(str::to_owned).map_err(|_| ()));
        Box::pin(async move {
            let Some(authenticator) = authenticator else {
                return Err(ApiError::internal(std::io::Error::other(
                    "Authenticator is not registered",
                )));
            };
            let authorization = match authorization {
                Some(Ok(value)) => Some(value),
                Some(Err(())) => {
                    return Err(ApiError::Unauthorized(
                        "The Authorization header is not valid text.".into(),
                    ));
                }
                None => None,
            };
            let principal = authenticator.authenticate(authorization.as_deref()).await?;
            authenticator
                .limits
                .check_actor(principal.actor)
                .map_err(ApiError::TooManyRequests)?;
            tracing::Span::current().record(
                "organisation_id",
                tracing::field::display(principal.organisation_id),
            );
            Ok(principal)
        })
    }
}
