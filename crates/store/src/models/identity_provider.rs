//! The identity providers an organisation trusts, and the users they sign in.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::user::User;
use super::{Guarded, Keyset, Page, Precondition, after_keyset};
use crate::Conn;
use crate::domain::identity::{RoleRule, UserClaim};
use crate::domain::organisation::AccountKind;
use crate::domain::{IdentityProviderId, OrganisationId, Role, Scope, UserId};
use crate::json::JsonList;
use crate::schema::{identity_providers, organisations, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = identity_providers, check_for_backend(diesel::pg::Pg))]
pub struct IdentityProvider {
    pub id: IdentityProviderId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub issuer: String,
    pub audience: String,
    pub jwks_uri: Option<String>,
    pub user_claim: UserClaim,
    pub roles_claim: Option<String>,
    pub role_mapping: JsonList<RoleRule>,
    pub default_role: Option<Role>,
    pub create_users: bool,
    pub service_clients: bool,
    pub service_scopes: Vec<Scope>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl IdentityProvider {
    pub fn keyset(&self) -> Keyset {
        Keyset {
            created_at: self.created_at,
            id: self.id.as_uuid(),
        }
    }
}

/// What an admin sets: a new provider, or all of one's settings.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = identity_providers, treat_none_as_null = true)]
pub struct ProviderSettings {
    pub name: String,
    pub issuer: String,
    pub audience: String,
    pub jwks_uri: Option<String>,
    pub user_claim: UserClaim,
    pub roles_claim: Option<String>,
    pub role_mapping: JsonList<RoleRule>,
    pub default_role: Option<Role>,
    pub create_users: bool,
    pub service_clients: bool,
    pub service_scopes: Vec<Scope>,
    pub active: bool,
}

pub async fn create(
    conn: &mut Conn,
    id: IdentityProviderId,
    org: OrganisationId,
    settings: &ProviderSettings,
) -> QueryResult<IdentityProvider> {
    diesel::insert_into(identity_providers::table)
        .values((
            identity_providers::id.eq(id),
            identity_providers::organisation_id.eq(org),
            settings,
        ))
        .returning(IdentityProvider::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(
    conn: &mut Conn,
    org: OrganisationId,
    id: IdentityProviderId,
) -> QueryResult<IdentityProvider> {
    identity_providers::table
        .filter(identity_providers::organisation_id.eq(org))
        .filter(identity_providers::id.eq(id))
        .select(IdentityProvider::as_select())
        .first(conn)
        .await
}

pub async fn list(
    conn: &mut Conn,
    org: OrganisationId,
    limit: i64,
    after: Option<Keyset>,
) -> QueryResult<Page<IdentityProvider>> {
    let query = identity_providers::table
        .filter(identity_providers::organisation_id.eq(org))
        .into_boxed();
    let rows = after_keyset!(query, identity_providers, after)
        .order((identity_providers::created_at, identity_providers::id))
        .limit(limit + 1)
        .select(IdentityProvider::as_select())
        .load(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, IdentityProvider::keyset))
}

async fn lock_version(
    conn: &mut Conn,
    org: OrganisationId,
    id: IdentityProviderId,
) -> QueryResult<i64> {
    identity_providers::table
        .filter(identity_providers::organisation_id.eq(org))
        .filter(identity_providers::id.eq(id))
        .select(identity_providers::version)
        .for_update()
        .first(conn)
        .await
}

pub async fn update(
    conn: &mut Conn,
    org: OrganisationId,
    id: IdentityProviderId,
    expected: &Precondition,
    settings: &ProviderSettings,
) -> QueryResult<Guarded<IdentityProvider>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    diesel::update(
        identity_providers::table
            .filter(identity_providers::organisation_id.eq(org))
            .filter(identity_providers::id.eq(id)),
    )
    .set((
        settings,
        identity_providers::version.eq(current + 1),
        identity_providers::updated_at.eq(diesel::dsl::now),
    ))
    .returning(IdentityProvider::as_returning())
    .get_result(conn)
    .await
    .map(Guarded::Done)
}

/// Deletes a provider; its users stay, without it (they sign in with a password, if
/// they have one, or through another provider that names them by email).
pub async fn delete(
    conn: &mut Conn,
    org: OrganisationId,
    id: IdentityProviderId,
    expected: &Precondition,
) -> QueryResult<Guarded<()>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    diesel::delete(
        identity_providers::table
            .filter(identity_providers::organisation_id.eq(org))
            .filter(identity_providers::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(Guarded::Done(()))
}

/// The provider of `issuer` in any account, with the kind of its account: a bearer
/// token's check, before a caller is known (the sign-in role).
pub async fn find_by_issuer(
    conn: &mut Conn,
    issuer: &str,
) -> QueryResult<Option<(IdentityProvider, AccountKind)>> {
    identity_providers::table
        .inner_join(organisations::table)
        .filter(identity_providers::issuer.eq(issuer))
        .select((IdentityProvider::as_select(), organisations::kind))
        .first(conn)
        .await
        .optional()
}

/// The user a provider's token names: by the provider's subject, or by email within the
/// organisation (the request role, inside the organisation).
pub async fn user_named(
    conn: &mut Conn,
    provider: &IdentityProvider,
    claim: UserClaim,
    value: &str,
) -> QueryResult<Option<User>> {
    let query = users::table
        .filter(users::organisation_id.eq(provider.organisation_id))
        .select(User::as_select())
        .into_boxed();
    match claim {
        UserClaim::Subject => {
            query
                .filter(users::identity_provider_id.eq(provider.id))
                .filter(users::external_subject.eq(value))
                .first(conn)
                .await
        }
        UserClaim::Email => {
            query
                .filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("lower(users.email) = lower(")
                        .bind::<diesel::sql_types::Text, _>(value)
                        .sql(")"),
                )
                .first(conn)
                .await
        }
    }
    .optional()
}

/// A user the provider signs in for the first time (just in time): no password of ours.
pub struct NewExternalUser<'a> {
    pub id: UserId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub subject: &'a str,
}

/// The password hash of a user who has none: no PHC string, so no password matches it.
pub const NO_PASSWORD: &str = "!identity-provider";

pub async fn create_user(
    conn: &mut Conn,
    provider: &IdentityProvider,
    new: &NewExternalUser<'_>,
) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values((
            users::id.eq(new.id),
            users::organisation_id.eq(provider.organisation_id),
            users::email.eq(new.email),
            users::name.eq(new.name),
            users::password_hash.eq(NO_PASSWORD),
            users::role.eq(new.role),
            users::identity_provider_id.eq(provider.id),
            users::external_subject.eq(new.subject),
        ))
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// Gives a user the role the provider's claims now map to.
pub async fn set_role(conn: &mut Conn, user: &User, role: Role) -> QueryResult<User> {
    diesel::update(
        users::table
            .filter(users::organisation_id.eq(user.organisation_id))
            .filter(users::id.eq(user.id)),
    )
    .set((
        users::role.eq(role),
        users::version.eq(users::version + 1),
        users::updated_at.eq(diesel::dsl::now),
    ))
    .returning(User::as_returning())
    .get_result(conn)
    .await
}
