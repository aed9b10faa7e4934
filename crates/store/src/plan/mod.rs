//! The project plan's lines and the partner register: for each part, its row and input
//! types, its rules and its queries, behind one storage trait, [`Lines`]. The HTTP layer
//! names and routes each part; everything that reads or writes the database is here.

use std::any::TypeId;
use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::str::FromStr;

use crate::Conn;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{OrganisationId, ProjectId};
use crate::error::{StoreError, StoreResult};
use crate::models::Keyset;
use crate::scope::{OrgScope, ProjectScope};

pub mod budget_lines;
pub mod evaluation_moments;
pub mod fund_applications;
pub mod funders;
pub mod history;
pub mod hours;
pub mod partners;
pub mod period;
pub mod project_partners;
pub mod roadmap;
pub mod summary;
pub mod target_groups;
pub mod targets;
pub mod translation_costs;

/// How a part's scope is opened: a project part's from the project's id (under a share
/// lock), an organisation part's from the caller's organisation alone.
pub trait LineScope: Sized + Send + Sync + 'static {
    fn open(
        conn: &mut Conn,
        org: OrganisationId,
        project: Option<ProjectId>,
    ) -> impl Future<Output = StoreResult<Self>> + Send;
}

impl LineScope for OrgScope {
    async fn open(
        _conn: &mut Conn,
        org: OrganisationId,
        _project: Option<ProjectId>,
    ) -> StoreResult<Self> {
        Ok(OrgScope { org })
    }
}

impl LineScope for ProjectScope {
    async fn open(
        conn: &mut Conn,
        org: OrganisationId,
        project: Option<ProjectId>,
    ) -> StoreResult<Self> {
        match project {
            Some(id) => ProjectScope::share(conn, org, id)
                .await
                .map_err(StoreError::missing("The project does not exist.")),
            None => Err(StoreError::internal(std::io::Error::other(
                "a project part was opened without a project id",
            ))),
        }
    }
}

/// The version and list position of a stored item.
pub struct Meta {
    pub version: i64,
    pub keyset: Keyset,
}

/// How one kind of line is stored: the storage half of a plan part (the HTTP layer adds
/// its names and routes). Methods answer [`StoreError`]s; none knows of HTTP.
pub trait Lines: 'static {
    /// One item, in words, for messages: `target group`.
    const NOUN: &'static str;
    /// Items exist with their parent and cannot be created or deleted (the roadmap).
    const FIXED: bool = false;
    /// Where the lines live: [`ProjectScope`] for a project's lines, [`OrgScope`] for the
    /// organisation's own (the partner register).
    type Scope: LineScope;
    /// The value that names an item.
    type Key: FromStr + Display + Copy + Send + Sync + 'static;
    /// What a client sends to create or replace an item.
    type Input: DeserializeOwned + Serialize + ToSchema + Send + 'static;
    /// What is answered.
    type Output: Serialize + ToSchema + Clone + Send + Sync + 'static;
    /// An input that passed every check, ready to store.
    type Valid: Send + Sync + 'static;

    fn meta(item: &Self::Output) -> Meta;
    fn key(item: &Self::Output) -> Self::Key;

    /// The input that would store `item` as it is, for merge patches.
    fn input_of(item: Self::Output) -> Self::Input;

    /// True when storing `input` would leave `item` as it is (the whole-plan PUT skips
    /// such lines, so their versions stay).
    fn unchanged(item: &Self::Output, input: &Self::Input) -> bool {
        serde_json::to_value(Self::input_of(item.clone())).ok() == serde_json::to_value(input).ok()
    }

    /// At most `limit + 1` items after `after`, in list order. On a shared connection,
    /// so that the lists of several parts can be read in one round trip.
    fn list<'c>(
        conn: &'c Conn,
        scope: &'c Self::Scope,
        limit: i64,
        after: Option<Keyset>,
    ) -> impl Future<Output = StoreResult<Vec<Self::Output>>> + Send + 'c;

    /// One item; `lock` takes a row lock for a following write.
    fn find<'c>(
        conn: &'c mut Conn,
        scope: &'c Self::Scope,
        key: Self::Key,
        lock: bool,
    ) -> impl Future<Output = StoreResult<Self::Output>> + Send + 'c;

    /// One item for a read: `None` when the scope holds no such item, `NotFound` when the
    /// scope itself is not there. By default the scope is opened, then the item found;
    /// a plain line ([`line_methods`]) finds it in one statement and asks for its
    /// project only when it is not there.
    fn get<'c>(
        conn: &'c mut Conn,
        org: OrganisationId,
        project: Option<ProjectId>,
        key: Self::Key,
    ) -> impl Future<Output = StoreResult<Option<Self::Output>>> + Send + 'c {
        async move {
            let scope = Self::Scope::open(conn, org, project).await?;
            match Self::find(conn, &scope, key, false).await {
                Ok(item) => Ok(Some(item)),
                Err(StoreError::Query(diesel::result::Error::NotFound)) => Ok(None),
                Err(e) => Err(e),
            }
        }
    }

    /// Checks an input against the project and the rest of the plan: `Invalid` names
    /// each field, `Transition` a move the item's lifecycle does not allow.
    fn check<'c>(
        conn: &'c mut Conn,
        scope: &'c Self::Scope,
        current: Option<&'c Self::Output>,
        input: Self::Input,
    ) -> impl Future<Output = StoreResult<Self::Valid>> + Send + 'c;

    /// Inserts (no `current`) or updates the item `current`, which `key` names. A new
    /// item always gets an id of the service's, whatever a client sent.
    fn store<'c>(
        conn: &'c mut Conn,
        scope: &'c Self::Scope,
        key: Option<Self::Key>,
        current: Option<&'c Self::Output>,
        valid: Self::Valid,
    ) -> impl Future<Output = StoreResult<Self::Output>> + Send + 'c;

    /// Points the input's references to lines that the same plan document creates from
    /// the ids the document gave them to the ids they were stored under. Only parts
    /// that refer to other lines of the plan have anything to do.
    fn follow(_input: &mut Self::Input, _created: &NewIds) {}

    /// Deletes the item; `Conflict` when other lines or reports still refer to it.
    fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c Self::Scope,
        current: &'c Self::Output,
    ) -> impl Future<Output = StoreResult<()>> + Send + 'c;
}

/// The lines a plan document creates: the id the document gave each (by part) and the
/// id it was stored under.
///
/// A new line never keeps a client's id. Line ids are unique across organisations, so
/// storing a chosen id would answer differently when another organisation already has
/// it, and tell the client that it exists. The id a document gives a new line is
/// instead a name by which later sections of the same document refer to it (a fund
/// application covering a new budget line); [`Lines::follow`] swaps those references
/// for the stored ids.
#[derive(Default)]
pub struct NewIds(HashMap<(TypeId, String), Uuid>);

impl NewIds {
    /// The id a reference to a `P` line means: the stored id of the new line the
    /// document named `id`, or `id` itself.
    pub fn of<P: Lines>(&self, id: P::Key) -> P::Key
    where
        P::Key: From<Uuid>,
    {
        self.0
            .get(&(TypeId::of::<P>(), id.to_string()))
            .map(|stored| P::Key::from(*stored))
            .unwrap_or(id)
    }

    /// Whether an earlier new line of `P` was named `given`.
    pub fn named<P: Lines>(&self, given: &P::Key) -> bool {
        self.0.contains_key(&(TypeId::of::<P>(), given.to_string()))
    }

    /// Records that the new line named `given` was stored as `stored`.
    pub fn record<P: Lines>(&mut self, given: &P::Key, stored: &P::Output) -> StoreResult<()> {
        let stored = P::key(stored)
            .to_string()
            .parse::<Uuid>()
            .map_err(StoreError::internal)?;
        self.0
            .insert((TypeId::of::<P>(), given.to_string()), stored);
        Ok(())
    }
}

/// Runs `body` in a savepoint: a constraint the database refuses (a repeated activity
/// and quarter, say) rolls back that line alone, so a document can report every error.
pub async fn savepoint<T, F>(conn: &mut Conn, body: F) -> StoreResult<T>
where
    T: Send,
    F: crate::TxBody<T, StoreError>,
{
    use diesel_async::AsyncConnection;
    conn.transaction(body).await
}

/// Lets the plan's unique keys wait for the end of the transaction: a whole plan may
/// pass through a state that breaks one (two target groups swapping names, a line
/// replaced by a new one for the same quarter).
pub async fn defer_unique_keys(conn: &mut Conn) -> StoreResult<()> {
    use diesel_async::RunQueryDsl;
    diesel::sql_query(
        "SET CONSTRAINTS target_groups_name_key, planned_hours_activity_quarter_key, \
         targets_subject_key, project_partners_partner_key DEFERRED",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Checks the deferred keys and references now, while the request can still say so.
pub async fn check_deferred_now(conn: &mut Conn) -> StoreResult<()> {
    use diesel_async::RunQueryDsl;
    diesel::sql_query("SET CONSTRAINTS ALL IMMEDIATE")
        .execute(conn)
        .await?;
    Ok(())
}

/// The queries every project line table shares: store (insert or update), find
/// (optionally locking), list a page in `(created_at, id)` order, and delete. `$table`
/// is the diesel table module, `$row` the row type, selectable from it, `$fields` its
/// insertable and changeset form.
macro_rules! line_queries {
    ($table:ident, $row:ty, $fields:ty, $id:ty) => {
        /// Inserts a line under a new id of the service's, or updates the line
        /// `current` (`(id, version)`), raising its version. A client never picks the
        /// id of a new line: ids are unique across organisations, so a chosen one that
        /// is taken elsewhere would tell the client so.
        async fn store_row(
            conn: &mut $crate::Conn,
            scope: &$crate::scope::ProjectScope,
            current: Option<($id, i64)>,
            fields: $fields,
        ) -> $crate::error::StoreResult<$row> {
            use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let project = scope.project_id();
            Ok(match current {
                Some((id, version)) => {
                    diesel::update(
                        $table::table
                            .filter($table::organisation_id.eq(scope.org))
                            .filter($table::id.eq(id)),
                    )
                    .set((
                        &fields,
                        $table::version.eq(version + 1),
                        $table::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(<$row>::as_returning())
                    .get_result(conn)
                    .await?
                }
                None => {
                    diesel::insert_into($table::table)
                        .values((
                            $table::id.eq(<$id>::generate()),
                            $table::organisation_id.eq(scope.org),
                            $table::project_id.eq(project),
                            &fields,
                        ))
                        .returning(<$row>::as_returning())
                        .get_result(conn)
                        .await?
                }
            })
        }

        /// The row `id` of `org`'s `project`, if there is one, without a lock.
        async fn get_row(
            conn: &mut $crate::Conn,
            org: $crate::domain::OrganisationId,
            project: $crate::domain::ProjectId,
            id: $id,
        ) -> $crate::error::StoreResult<Option<$row>> {
            use diesel::{ExpressionMethods, OptionalExtension, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            Ok($table::table
                .filter($table::organisation_id.eq(org))
                .filter($table::project_id.eq(project))
                .filter($table::id.eq(id))
                .select(<$row>::as_select())
                .first(conn)
                .await
                .optional()?)
        }

        async fn find_row(
            conn: &mut $crate::Conn,
            scope: &$crate::scope::ProjectScope,
            id: $id,
            lock: bool,
        ) -> $crate::error::StoreResult<$row> {
            use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let query = $table::table
                .filter($table::organisation_id.eq(scope.org))
                .filter($table::project_id.eq(scope.project_id()))
                .filter($table::id.eq(id))
                .select(<$row>::as_select());
            Ok(if lock {
                query.for_update().first(conn).await?
            } else {
                query.first(conn).await?
            })
        }

        async fn list_rows(
            mut conn: &$crate::Conn,
            scope: &$crate::scope::ProjectScope,
            limit: i64,
            after: Option<$crate::models::Keyset>,
        ) -> $crate::error::StoreResult<Vec<$row>> {
            use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let conn = &mut conn;
            let query = $table::table
                .filter($table::organisation_id.eq(scope.org))
                .filter($table::project_id.eq(scope.project_id()))
                .into_boxed();
            Ok($crate::models::after_keyset!(query, $table, after)
                .order(($table::created_at, $table::id))
                .limit(limit + 1)
                .select(<$row>::as_select())
                .load(conn)
                .await?)
        }

        async fn delete_row(
            conn: &mut $crate::Conn,
            scope: &$crate::scope::ProjectScope,
            id: $id,
        ) -> $crate::error::StoreResult<()> {
            use diesel::{ExpressionMethods, QueryDsl};
            use diesel_async::RunQueryDsl;
            diesel::delete(
                $table::table
                    .filter($table::organisation_id.eq(scope.org))
                    .filter($table::project_id.eq(scope.project_id()))
                    .filter($table::id.eq(id)),
            )
            .execute(conn)
            .await?;
            Ok(())
        }
    };
}
pub(crate) use line_queries;

/// The `Lines` methods every plain line shares: meta, key, list, find and store, by the
/// functions [`line_queries`] defines. Used inside `impl Lines for …`.
macro_rules! line_methods {
    ($row:ty, $fields:ty, $id:ty) => {
        $crate::plan::line_methods!($row, $fields, $id, reading);
        async fn store<'c>(
            conn: &'c mut $crate::Conn,
            scope: &'c $crate::scope::ProjectScope,
            _key: Option<$id>,
            current: Option<&'c $row>,
            valid: $fields,
        ) -> $crate::error::StoreResult<$row> {
            store_row(conn, scope, current.map(|c| (c.id, c.version)), valid).await
        }
    };
    // Every method but `store`, for a part that stores in its own way.
    ($row:ty, $fields:ty, $id:ty, reading) => {
        fn meta(item: &$row) -> $crate::plan::Meta {
            $crate::plan::row_meta!(item)
        }
        fn key(item: &$row) -> $id {
            item.id
        }
        async fn list<'c>(
            conn: &'c $crate::Conn,
            scope: &'c $crate::scope::ProjectScope,
            limit: i64,
            after: Option<$crate::models::Keyset>,
        ) -> $crate::error::StoreResult<Vec<$row>> {
            list_rows(conn, scope, limit, after).await
        }
        async fn find<'c>(
            conn: &'c mut $crate::Conn,
            scope: &'c $crate::scope::ProjectScope,
            key: $id,
            lock: bool,
        ) -> $crate::error::StoreResult<$row> {
            find_row(conn, scope, key, lock).await
        }
        async fn get(
            conn: &mut $crate::Conn,
            org: $crate::domain::OrganisationId,
            project: Option<$crate::domain::ProjectId>,
            key: $id,
        ) -> $crate::error::StoreResult<Option<$row>> {
            let project = $crate::plan::project_of(project)?;
            match get_row(conn, org, project, key).await? {
                Some(row) => Ok(Some(row)),
                None => $crate::plan::missing_line(conn, org, project).await,
            }
        }
    };
}
pub(crate) use line_methods;

/// What an organisation's register (partners, funders) shares: `find` (optionally
/// locking) as a function of the module, and inside `impl Lines for …` the methods meta,
/// key, list a page in `(created_at, id)` order, find and store (insert under a new id of
/// the service's, or update raising the version).
macro_rules! register_queries {
    ($table:ident, $row:ty, $id:ty) => {
        /// One entry of the organisation's register.
        pub async fn find(
            conn: &mut $crate::Conn,
            org: $crate::domain::OrganisationId,
            id: $id,
            lock: bool,
        ) -> $crate::error::StoreResult<$row> {
            use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let query = $table::table
                .filter($table::organisation_id.eq(org))
                .filter($table::id.eq(id))
                .select(<$row>::as_select());
            Ok(if lock {
                query.for_update().first(conn).await?
            } else {
                query.first(conn).await?
            })
        }
    };
    ($table:ident, $row:ty, $fields:ty, $id:ty, methods) => {
        fn meta(item: &$row) -> $crate::plan::Meta {
            $crate::plan::row_meta!(item)
        }
        fn key(item: &$row) -> $id {
            item.id
        }
        async fn list<'c>(
            mut conn: &'c $crate::Conn,
            scope: &'c $crate::scope::OrgScope,
            limit: i64,
            after: Option<$crate::models::Keyset>,
        ) -> $crate::error::StoreResult<Vec<$row>> {
            use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let conn = &mut conn;
            let query = $table::table
                .filter($table::organisation_id.eq(scope.org))
                .into_boxed();
            Ok($crate::models::after_keyset!(query, $table, after)
                .order(($table::created_at, $table::id))
                .limit(limit + 1)
                .select(<$row>::as_select())
                .load(conn)
                .await?)
        }
        async fn find<'c>(
            conn: &'c mut $crate::Conn,
            scope: &'c $crate::scope::OrgScope,
            key: $id,
            lock: bool,
        ) -> $crate::error::StoreResult<$row> {
            find(conn, scope.org, key, lock).await
        }
        async fn store<'c>(
            conn: &'c mut $crate::Conn,
            scope: &'c $crate::scope::OrgScope,
            _key: Option<$id>,
            current: Option<&'c $row>,
            valid: $fields,
        ) -> $crate::error::StoreResult<$row> {
            use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            Ok(match current {
                Some(current) => {
                    diesel::update(
                        $table::table
                            .filter($table::organisation_id.eq(scope.org))
                            .filter($table::id.eq(current.id)),
                    )
                    .set((
                        &valid,
                        $table::version.eq(current.version + 1),
                        $table::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(<$row>::as_returning())
                    .get_result(conn)
                    .await?
                }
                None => {
                    diesel::insert_into($table::table)
                        .values((
                            $table::id.eq(<$id>::generate()),
                            $table::organisation_id.eq(scope.org),
                            &valid,
                        ))
                        .returning(<$row>::as_returning())
                        .get_result(conn)
                        .await?
                }
            })
        }
    };
}
pub(crate) use register_queries;

/// The project a project part's read names.
pub(crate) fn project_of(project: Option<ProjectId>) -> StoreResult<ProjectId> {
    project.ok_or_else(|| {
        StoreError::internal(std::io::Error::other(
            "a project part was read without a project id",
        ))
    })
}

/// The answer to a read of a project line that found none: `None`, or `NotFound` when
/// the project is not there either. A line is there only with its project (a foreign
/// key), so a read that finds its line needs no other statement.
pub(crate) async fn missing_line<T>(
    conn: &mut Conn,
    org: OrganisationId,
    project: ProjectId,
) -> StoreResult<Option<T>> {
    ProjectScope::open(conn, org, Some(project)).await?;
    Ok(None)
}

/// The ETag-carrying meta of a row with `id`, `version` and `created_at`.
macro_rules! row_meta {
    ($item:expr) => {
        $crate::plan::Meta {
            version: $item.version,
            keyset: $crate::models::Keyset {
                created_at: $item.created_at,
                id: $item.id.into(),
            },
        }
    };
}
pub(crate) use row_meta;
