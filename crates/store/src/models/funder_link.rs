//! Funder links: an organisation's funder register entry linked to a funder account,
//! seen by both sides. Each query filters on the caller's account being one of the two
//! sides; the policies on `funder_links` are the second wall, and its trigger guards
//! which side makes which move.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::Conn;

use super::{Keyset, Page, after_keyset};
use crate::domain::funder_link::{LinkSide, LinkState};
use crate::domain::{FunderId, FunderLinkId, OrganisationId};
use crate::schema::{funder_links, organisations};

diesel::alias!(
    organisations as requester: Requester,
    organisations as account: Account
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = funder_links, check_for_backend(diesel::pg::Pg))]
pub struct LinkRow {
    pub id: FunderLinkId,
    pub organisation_id: OrganisationId,
    pub funder_id: FunderId,
    pub funder_account_id: OrganisationId,
    pub state: LinkState,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<LinkSide>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A link with the names of its two sides.
#[derive(Debug, Clone, Queryable)]
pub struct FunderLink {
    pub row: LinkRow,
    pub organisation_name: String,
    pub account_name: String,
    pub funder_code: Option<String>,
}

impl FunderLink {
    pub fn keyset(&self) -> Keyset {
        Keyset {
            created_at: self.row.created_at,
            id: self.row.id.as_uuid(),
        }
    }

    /// The side `me` is on.
    pub fn side_of(&self, me: OrganisationId) -> LinkSide {
        if self.row.funder_account_id == me {
            LinkSide::Funder
        } else {
            LinkSide::Organisation
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = funder_links)]
pub struct NewFunderLink {
    pub id: FunderLinkId,
    pub organisation_id: OrganisationId,
    pub funder_id: FunderId,
    pub funder_account_id: OrganisationId,
}

/// The funder account a code names, if any (its spacing and case do not matter).
/// Takes a shared connection, to be pipelined beside another check.
pub async fn account_by_code(mut conn: &Conn, code: &str) -> QueryResult<Option<OrganisationId>> {
    let conn = &mut conn;
    diesel::select(crate::functions::app_funder_account_by_code(code))
        .get_result(conn)
        .await
}

pub async fn create(conn: &mut Conn, new: &NewFunderLink) -> QueryResult<LinkRow> {
    diesel::insert_into(funder_links::table)
        .values(new)
        .returning(LinkRow::as_returning())
        .get_result(conn)
        .await
}

macro_rules! with_names {
    () => {
        funder_links::table
            .inner_join(
                requester.on(requester
                    .field(organisations::id)
                    .eq(funder_links::organisation_id)),
            )
            .inner_join(
                account.on(account
                    .field(organisations::id)
                    .eq(funder_links::funder_account_id)),
            )
    };
}

macro_rules! named {
    () => {
        (
            LinkRow::as_select(),
            requester.field(organisations::name),
            account.field(organisations::name),
            account.field(organisations::funder_code),
        )
    };
}

/// Link `id`, when `me` is one of its sides.
pub async fn find(
    conn: &mut Conn,
    me: OrganisationId,
    id: FunderLinkId,
) -> QueryResult<FunderLink> {
    with_names!()
        .filter(funder_links::id.eq(id))
        .filter(
            funder_links::organisation_id
                .eq(me)
                .or(funder_links::funder_account_id.eq(me)),
        )
        .select(named!())
        .first(conn)
        .await
}

/// The links `me` is a side of, oldest first, in `state` when given.
pub async fn list(
    conn: &mut Conn,
    me: OrganisationId,
    state: Option<LinkState>,
    limit: i64,
    after: Option<Keyset>,
) -> QueryResult<Page<FunderLink>> {
    let mut query = with_names!()
        .filter(
            funder_links::organisation_id
                .eq(me)
                .or(funder_links::funder_account_id.eq(me)),
        )
        .into_boxed();
    if let Some(state) = state {
        query = query.filter(funder_links::state.eq(state));
    }
    let rows = after_keyset!(query, funder_links, after)
        .order((funder_links::created_at, funder_links::id))
        .limit(limit + 1)
        .select(named!())
        .load(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, FunderLink::keyset))
}

/// Link `id` of `me`, locked for a move.
pub async fn lock(conn: &mut Conn, me: OrganisationId, id: FunderLinkId) -> QueryResult<LinkRow> {
    funder_links::table
        .filter(funder_links::id.eq(id))
        .filter(
            funder_links::organisation_id
                .eq(me)
                .or(funder_links::funder_account_id.eq(me)),
        )
        .select(LinkRow::as_select())
        .for_update()
        .first(conn)
        .await
}

/// Moves link `id` to `to`: an answer is dated `decided_at`, an end `ended_at` and says
/// which side ended it.
pub async fn set_state(
    conn: &mut Conn,
    current: &LinkRow,
    to: LinkState,
    side: LinkSide,
) -> QueryResult<LinkRow> {
    let now = diesel::dsl::now;
    let target = diesel::update(funder_links::table.filter(funder_links::id.eq(current.id)));
    let common = (
        funder_links::state.eq(to),
        funder_links::version.eq(current.version + 1),
        funder_links::updated_at.eq(now),
    );
    match to {
        LinkState::Ended => {
            target
                .set((
                    common,
                    funder_links::ended_at.eq(now),
                    funder_links::ended_by.eq(Some(side)),
                ))
                .returning(LinkRow::as_returning())
                .get_result(conn)
                .await
        }
        _ => {
            target
                .set((common, funder_links::decided_at.eq(now)))
                .returning(LinkRow::as_returning())
                .get_result(conn)
                .await
        }
    }
}
