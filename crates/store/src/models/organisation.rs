//! Organisations (tenants).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::Conn;

use super::{Guarded, Precondition};
use crate::domain::OrganisationId;
use crate::domain::organisation::{AccountKind, ReportLanguage};
use crate::schema::organisations;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisations, check_for_backend(diesel::pg::Pg))]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub report_language: ReportLanguage,
    /// Days after a quarter's end that its report is due.
    pub report_due_days: i32,
    pub kind: AccountKind,
    /// A funder account's public code, by which organisations link to it.
    pub funder_code: Option<String>,
    /// Web origins the organisation's pages call the API from (CORS).
    pub allowed_origins: Vec<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: AccountKind,
    pub funder_code: Option<String>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct OrganisationChanges {
    pub name: Option<String>,
    pub report_language: Option<ReportLanguage>,
    pub report_due_days: Option<i32>,
    pub allowed_origins: Option<Vec<String>>,
}

pub async fn create(conn: &mut Conn, new: &NewOrganisation) -> QueryResult<Organisation> {
    diesel::insert_into(organisations::table)
        .values(new)
        .returning(Organisation::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut Conn, org: OrganisationId) -> QueryResult<Organisation> {
    organisations::table
        .filter(organisations::id.eq(org))
        .select(Organisation::as_select())
        .first(conn)
        .await
}

pub async fn update(
    conn: &mut Conn,
    org: OrganisationId,
    expected: Precondition,
    changes: &OrganisationChanges,
) -> QueryResult<Guarded<Organisation>> {
    let target = organisations::table.filter(organisations::id.eq(org));
    let current: i64 = target
        .select(organisations::version)
        .for_update()
        .first(conn)
        .await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    diesel::update(target)
        .set((
            changes,
            organisations::version.eq(current + 1),
            organisations::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Organisation::as_returning())
        .get_result(conn)
        .await
        .map(Guarded::Done)
}

/// Every origin some organisation allows (for answering browsers' preflights, which
/// carry no credentials).
pub async fn allowed_origins(conn: &mut Conn) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Origin {
        #[diesel(sql_type = diesel::sql_types::Text)]
        origin: String,
    }
    let rows: Vec<Origin> = diesel::sql_query("SELECT app_allowed_origins() AS origin")
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.origin).collect())
}

/// Every organisation (not funder accounts), for the system's own rounds (the overdue
/// check).
pub async fn organisation_ids(conn: &mut Conn) -> QueryResult<Vec<OrganisationId>> {
    organisations::table
        .filter(organisations::kind.eq(AccountKind::Organisation))
        .order(organisations::id)
        .select(organisations::id)
        .load(conn)
        .await
}
