//! API tokens for integrations. Only a SHA-256 of the secret is stored: the secret has
//! 256 bits of entropy, so a slow hash would add cost and no safety.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::Conn;

use super::{Guarded, Keyset, Page, Precondition, after_keyset};
use crate::domain::organisation::AccountKind;
use crate::domain::{ApiTokenId, OrganisationId, Role, Scope, Scopes, UserId};
use crate::schema::{api_tokens, organisations};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens, check_for_backend(diesel::pg::Pg))]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub role: Role,
    pub secret_hash: Vec<u8>,
    pub created_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    /// `None` for a token made before scopes: it holds its role's.
    pub scopes: Option<Vec<Scope>>,
}

impl ApiToken {
    /// What the token may do within its role, in an account of `kind`.
    pub fn scopes(&self, kind: AccountKind) -> Scopes {
        let role = self.role.scopes(kind);
        match &self.scopes {
            Some(own) => own.iter().copied().collect::<Scopes>().intersect(role),
            None => role,
        }
    }

    pub fn keyset(&self) -> Keyset {
        Keyset {
            created_at: self.created_at,
            id: self.id.as_uuid(),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken {
    pub id: ApiTokenId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub role: Role,
    pub secret_hash: Vec<u8>,
    pub created_by: Option<UserId>,
    pub expires_at: Option<DateTime<Utc>>,
    pub scopes: Vec<Scope>,
}

pub async fn create(conn: &mut Conn, new: &NewApiToken) -> QueryResult<ApiToken> {
    diesel::insert_into(api_tokens::table)
        .values(new)
        .returning(ApiToken::as_returning())
        .get_result(conn)
        .await
}

/// Finds a token by id in any account, with the kind of its account: authentication,
/// before a caller is known.
pub async fn find_for_authentication(
    conn: &mut Conn,
    id: ApiTokenId,
) -> QueryResult<Option<(ApiToken, AccountKind)>> {
    api_tokens::table
        .inner_join(organisations::table)
        .filter(api_tokens::id.eq(id))
        .select((ApiToken::as_select(), organisations::kind))
        .first(conn)
        .await
        .optional()
}

/// Records use, at most once a minute per token, so that reads do not turn into a
/// write on every request.
pub async fn touch(conn: &mut Conn, id: ApiTokenId) -> QueryResult<()> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            // The cutoff bound from here, not written in SQL: a statement of the DSL
            // alone stays in the connection's statement cache (see `functions`).
            .filter(api_tokens::last_used_at.is_null().or(
                api_tokens::last_used_at.lt(chrono::Utc::now() - chrono::TimeDelta::minutes(1)),
            )),
    )
    .set(api_tokens::last_used_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
    .map(|_| ())
}

pub async fn find(conn: &mut Conn, org: OrganisationId, id: ApiTokenId) -> QueryResult<ApiToken> {
    api_tokens::table
        .filter(api_tokens::organisation_id.eq(org))
        .filter(api_tokens::id.eq(id))
        .filter(api_tokens::revoked_at.is_null())
        .select(ApiToken::as_select())
        .first(conn)
        .await
}

pub async fn list(
    conn: &mut Conn,
    org: OrganisationId,
    limit: i64,
    after: Option<Keyset>,
) -> QueryResult<Page<ApiToken>> {
    let query = api_tokens::table
        .filter(api_tokens::organisation_id.eq(org))
        .filter(api_tokens::revoked_at.is_null())
        .into_boxed();
    let rows = after_keyset!(query, api_tokens, after)
        .order((api_tokens::created_at, api_tokens::id))
        .limit(limit + 1)
        .select(ApiToken::as_select())
        .load(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, ApiToken::keyset))
}

/// Revokes a token; `Ok(None)` when it was revoked already.
pub async fn revoke(
    conn: &mut Conn,
    org: OrganisationId,
    id: ApiTokenId,
    expected: Precondition,
) -> QueryResult<Guarded<Option<ApiToken>>> {
    let target = api_tokens::table
        .filter(api_tokens::organisation_id.eq(org))
        .filter(api_tokens::id.eq(id));
    let (current, revoked_at): (i64, Option<DateTime<Utc>>) = target
        .select((api_tokens::version, api_tokens::revoked_at))
        .for_update()
        .first(conn)
        .await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    if revoked_at.is_some() {
        return Ok(Guarded::Done(None));
    }
    diesel::update(target)
        .set((
            api_tokens::revoked_at.eq(diesel::dsl::now),
            api_tokens::version.eq(current + 1),
        ))
        .returning(ApiToken::as_returning())
        .get_result(conn)
        .await
        .map(|t| Guarded::Done(Some(t)))
}
