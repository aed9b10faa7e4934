//! Users of an organisation.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::Conn;

use super::{Guarded, Keyset, Page, Precondition, after_keyset};
use crate::domain::organisation::AccountKind;
use crate::domain::{OrganisationId, Role, UserId};
use crate::schema::{organisations, users};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub struct User {
    pub id: UserId,
    pub organisation_id: OrganisationId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub session_version: i32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl User {
    pub fn keyset(&self) -> Keyset {
        Keyset {
            created_at: self.created_at,
            id: self.id.as_uuid(),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: UserId,
    pub organisation_id: OrganisationId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// A user found by email for sign-in: with the password hash and the kind of account.
pub type SignInUser = (User, String, AccountKind);

/// Finds the user with this email in any account, with the password hash and the kind of
/// the account: sign-in, before a caller is known (the sign-in role; the request role
/// cannot read hashes).
pub async fn find_by_email(conn: &mut Conn, email: &str) -> QueryResult<Option<SignInUser>> {
    users::table
        .inner_join(organisations::table)
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(users.email) = lower(")
                .bind::<diesel::sql_types::Text, _>(email)
                .sql(")"),
        )
        .select((User::as_select(), users::password_hash, organisations::kind))
        .first(conn)
        .await
        .optional()
}

/// The password hash of user `id` of `org`, to check a current password (the sign-in role).
pub async fn password_hash(
    conn: &mut Conn,
    org: OrganisationId,
    id: UserId,
) -> QueryResult<String> {
    users::table
        .filter(users::organisation_id.eq(org))
        .filter(users::id.eq(id))
        .select(users::password_hash)
        .first(conn)
        .await
}

pub async fn find(conn: &mut Conn, org: OrganisationId, id: UserId) -> QueryResult<User> {
    users::table
        .filter(users::organisation_id.eq(org))
        .filter(users::id.eq(id))
        .select(User::as_select())
        .first(conn)
        .await
}

/// User `id` of `org` if there is one: the access-token check, which answers 401
/// rather than 404 for a user that no longer exists.
pub async fn find_for_authentication(
    conn: &mut Conn,
    org: OrganisationId,
    id: UserId,
) -> QueryResult<Option<User>> {
    find(conn, org, id).await.optional()
}

pub async fn list(
    conn: &mut Conn,
    org: OrganisationId,
    limit: i64,
    after: Option<Keyset>,
) -> QueryResult<Page<User>> {
    let query = users::table
        .filter(users::organisation_id.eq(org))
        .into_boxed();
    let rows = after_keyset!(query, users, after)
        .order((users::created_at, users::id))
        .limit(limit + 1)
        .select(User::as_select())
        .load(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, User::keyset))
}

pub async fn create(conn: &mut Conn, new: &NewUser) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(User::as_returning())
        .get_result(conn)
        .await
}

/// Locks the organisation's active admins, so that concurrent changes to admins are
/// serialised and the last admin cannot be removed by two requests at once.
pub async fn lock_active_admins(conn: &mut Conn, org: OrganisationId) -> QueryResult<Vec<UserId>> {
    users::table
        .filter(users::organisation_id.eq(org))
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .select(users::id)
        .for_update()
        .load(conn)
        .await
}

pub async fn count_active_admins(conn: &mut Conn, org: OrganisationId) -> QueryResult<i64> {
    users::table
        .filter(users::organisation_id.eq(org))
        .filter(users::role.eq(Role::Admin))
        .filter(users::active.eq(true))
        .count()
        .get_result(conn)
        .await
}

async fn lock_version(conn: &mut Conn, org: OrganisationId, id: UserId) -> QueryResult<i64> {
    users::table
        .filter(users::organisation_id.eq(org))
        .filter(users::id.eq(id))
        .select(users::version)
        .for_update()
        .first(conn)
        .await
}

pub async fn update(
    conn: &mut Conn,
    org: OrganisationId,
    id: UserId,
    expected: Precondition,
    changes: &UserChanges,
    end_sessions: bool,
) -> QueryResult<Guarded<User>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    let bump = i32::from(end_sessions);
    diesel::update(
        users::table
            .filter(users::organisation_id.eq(org))
            .filter(users::id.eq(id)),
    )
    .set((
        changes,
        users::session_version.eq(users::session_version + bump),
        users::version.eq(current + 1),
        users::updated_at.eq(diesel::dsl::now),
    ))
    .returning(User::as_returning())
    .get_result(conn)
    .await
    .map(Guarded::Done)
}

/// Stores a new password hash and ends every session issued before.
pub async fn set_password(
    conn: &mut Conn,
    org: OrganisationId,
    id: UserId,
    password_hash: &str,
) -> QueryResult<User> {
    diesel::update(
        users::table
            .filter(users::organisation_id.eq(org))
            .filter(users::id.eq(id)),
    )
    .set((
        users::password_hash.eq(password_hash),
        users::session_version.eq(users::session_version + 1),
        users::version.eq(users::version + 1),
        users::updated_at.eq(diesel::dsl::now),
    ))
    .returning(User::as_returning())
    .get_result(conn)
    .await
}

pub async fn delete(
    conn: &mut Conn,
    org: OrganisationId,
    id: UserId,
    expected: Precondition,
) -> QueryResult<Guarded<()>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    diesel::delete(
        users::table
            .filter(users::organisation_id.eq(org))
            .filter(users::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(Guarded::Done(()))
}
