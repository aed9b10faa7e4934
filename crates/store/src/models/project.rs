//! Projects: the plan's basics.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::Conn;
use crate::scope::Reach;

use super::{Guarded, Keyset, Page, Precondition, after_keyset};
use crate::domain::project::{OrganisationRole, ProjectStatus};
use crate::domain::{OrganisationId, ProjectId};
use crate::schema::projects;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = projects, check_for_backend(diesel::pg::Pg))]
pub struct Project {
    pub id: ProjectId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub summary: Option<String>,
    pub rationale: Option<String>,
    pub organisation_role: Option<OrganisationRole>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: ProjectStatus,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Project {
    pub fn keyset(&self) -> Keyset {
        Keyset {
            created_at: self.created_at,
            id: self.id.as_uuid(),
        }
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = projects)]
pub struct NewProject {
    pub id: ProjectId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub summary: Option<String>,
    pub rationale: Option<String>,
    pub organisation_role: Option<OrganisationRole>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: ProjectStatus,
}

/// A partial update. `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = projects)]
pub struct ProjectChanges {
    pub name: Option<String>,
    pub summary: Option<Option<String>>,
    pub rationale: Option<Option<String>>,
    pub organisation_role: Option<Option<OrganisationRole>>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: Option<ProjectStatus>,
}

/// Which projects a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    /// Projects whose period overlaps `[from, to]`; either end may be open.
    pub active_from: Option<NaiveDate>,
    pub active_to: Option<NaiveDate>,
}

pub async fn create(conn: &mut Conn, new: &NewProject) -> QueryResult<Project> {
    diesel::insert_into(projects::table)
        .values(new)
        .returning(Project::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut Conn, org: OrganisationId, id: ProjectId) -> QueryResult<Project> {
    projects::table
        .filter(projects::organisation_id.eq(org))
        .filter(projects::id.eq(id))
        .select(Project::as_select())
        .first(conn)
        .await
}

/// One page of the projects `reach` reaches: the organisation's own, or those shared
/// with a funder account (across organisations).
pub async fn list(
    conn: &mut Conn,
    reach: Reach,
    filter: &ProjectFilter,
    limit: i64,
    after: Option<Keyset>,
) -> QueryResult<Page<Project>> {
    let mut query = projects::table.into_boxed();
    query = match reach {
        Reach::Own(org) => query.filter(projects::organisation_id.eq(org)),
        Reach::Shared(_) => query
            .filter(projects::id.eq_any(diesel::select(crate::functions::app_funder_projects()))),
    };
    if let Some(status) = filter.status {
        query = query.filter(projects::status.eq(status));
    }
    if let Some(from) = filter.active_from {
        query = query.filter(projects::end_date.ge(from));
    }
    if let Some(to) = filter.active_to {
        query = query.filter(projects::start_date.le(to));
    }
    let rows = after_keyset!(query, projects, after)
        .order((projects::created_at, projects::id))
        .limit(limit + 1)
        .select(Project::as_select())
        .load(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, Project::keyset))
}

/// Locks the project row and returns it, so a read-check-write sequence sees no
/// concurrent change in between.
pub async fn lock(conn: &mut Conn, org: OrganisationId, id: ProjectId) -> QueryResult<Project> {
    projects::table
        .filter(projects::organisation_id.eq(org))
        .filter(projects::id.eq(id))
        .select(Project::as_select())
        .for_update()
        .first(conn)
        .await
}

/// Reads the project under a share lock (in a transaction that may write): its lines can
/// be written, but its period cannot change until the transaction ends.
pub async fn share(conn: &mut Conn, org: OrganisationId, id: ProjectId) -> QueryResult<Project> {
    crate::locked!(
        conn,
        projects::table
            .filter(projects::organisation_id.eq(org))
            .filter(projects::id.eq(id))
            .select(Project::as_select()),
        for_share,
        first
    )
    .await
}

/// Applies `changes` to a project locked with [`lock`] at version `current`.
pub async fn update(
    conn: &mut Conn,
    org: OrganisationId,
    id: ProjectId,
    current: i64,
    changes: &ProjectChanges,
) -> QueryResult<Project> {
    diesel::update(
        projects::table
            .filter(projects::organisation_id.eq(org))
            .filter(projects::id.eq(id)),
    )
    .set((
        changes,
        projects::version.eq(current + 1),
        projects::updated_at.eq(diesel::dsl::now),
    ))
    .returning(Project::as_returning())
    .get_result(conn)
    .await
}

/// What a delete did.
#[derive(Debug)]
pub enum Deletion {
    Deleted,
    /// Refused: these quarters (`2026-Q1`) were reported (submitted, accepted, returned,
    /// or reopened with a closed revision), and what was reported is kept.
    Reported(Vec<String>),
}

#[derive(QueryableByName)]
struct QuarterName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    quarter: String,
}

pub async fn delete(
    conn: &mut Conn,
    org: OrganisationId,
    id: ProjectId,
    expected: Precondition,
) -> QueryResult<Guarded<Deletion>> {
    let current = lock(conn, org, id).await?.version;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    // The same rule as the database's project_delete_guard, asked first so the answer can
    // name the quarters.
    let reported: Vec<QuarterName> = diesel::sql_query(
        "SELECT to_char(r.quarter, 'YYYY-\"Q\"Q') AS quarter FROM quarterly_reports r \
         WHERE r.organisation_id = $1 AND r.project_id = $2 AND (r.state <> 'draft' \
            OR EXISTS (SELECT 1 FROM quarterly_report_revisions v WHERE v.report_id = r.id)) \
         ORDER BY r.quarter",
    )
    .bind::<diesel::sql_types::Uuid, _>(org.as_uuid())
    .bind::<diesel::sql_types::Uuid, _>(id.as_uuid())
    .load(conn)
    .await?;
    if !reported.is_empty() {
        return Ok(Guarded::Done(Deletion::Reported(
            reported.into_iter().map(|q| q.quarter).collect(),
        )));
    }
    diesel::delete(
        projects::table
            .filter(projects::organisation_id.eq(org))
            .filter(projects::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(Guarded::Done(Deletion::Deleted))
}

/// The organisation project `id` belongs to, when `reach` reaches it: the caller's own
/// organisation without a query, or (shared with a funder account) the project's.
/// `NotFound` when the project is not reached.
pub async fn owner(conn: &mut Conn, reach: Reach, id: ProjectId) -> QueryResult<OrganisationId> {
    match reach {
        Reach::Own(org) => Ok(org),
        Reach::Shared(_) => {
            projects::table
                .filter(projects::id.eq(id))
                .filter(
                    projects::id.eq_any(diesel::select(crate::functions::app_funder_projects())),
                )
                .select(projects::organisation_id)
                .first(conn)
                .await
        }
    }
}
