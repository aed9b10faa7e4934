//! The data layer's plumbing: the pool, tenant-scoped transactions, migrations, and the
//! embedded Postgres cluster.
//!
//! Two ways in, and only two:
//! - [`Db::tenant`]: every request after authentication. Runs as the non-owning role
//!   `mantelmonitor_app` with the caller's organisation set transaction-locally, so
//!   row-level security hides every other organisation even if a query forgets its filter.
//! - [`Db::system`]: before a caller is known (login, token lookup) and for the CLI.
//!   Runs as the connecting (owning) role.

pub mod embedded;
pub mod json;
pub mod schema;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use diesel::result::Error as DieselError;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::auth::Principal;
use crate::domain::OrganisationId;

pub use diesel_async::pooled_connection::deadpool::PoolError;
type Pool = diesel_async::pooled_connection::deadpool::Pool<AsyncPgConnection>;

/// The migrations, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The role request transactions run as; created by the first migration.
pub const APP_ROLE: &str = "mantelmonitor_app";

/// Arbitrary constant naming the migration lock, so two processes starting together
/// apply migrations one after the other.
const MIGRATION_LOCK_KEY: i64 = 0x6d616e74656c; // "mantel"

/// The future a transaction body returns. Bodies take owned inputs (`move`), so the
/// future borrows nothing but the connection.
pub type TxFuture<'c, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>;

/// A pool of connections to the service's database.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// A pool of at most `size` connections; a request waits at most `timeout` for one.
    pub fn new(url: &str, size: usize, timeout: Duration) -> Result<Self, String> {
        let mut config = ManagerConfig::default();
        config.recycling_method = RecyclingMethod::Verified;
        let manager =
            AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
        let pool = Pool::builder(manager)
            .max_size(size)
            .wait_timeout(Some(timeout))
            .create_timeout(Some(timeout))
            .recycle_timeout(Some(timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { pool })
    }

    /// Runs `body` in a transaction that sees only `organisation`'s rows.
    pub async fn tenant<T, E, F>(&self, organisation: OrganisationId, body: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> TxFuture<'c, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + Send + 'static,
    {
        self.scoped(organisation, None, false, body).await
    }

    /// Like [`Db::tenant`], read-only on one snapshot (REPEATABLE READ): for answers
    /// assembled from several queries (the whole plan, its summary) that must agree with
    /// each other while writers carry on.
    pub async fn snapshot<T, E, F>(&self, organisation: OrganisationId, body: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> TxFuture<'c, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + Send + 'static,
    {
        self.scoped(organisation, None, true, body).await
    }

    /// Like [`Db::tenant`], and records `principal` as the actor, so that the plan's
    /// history (written by triggers) says who made each change.
    pub async fn acting<T, E, F>(&self, principal: &Principal, body: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> TxFuture<'c, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + Send + 'static,
    {
        let actor = principal.actor.tag();
        self.scoped(principal.organisation_id, Some(actor), false, body)
            .await
    }

    async fn scoped<T, E, F>(
        &self,
        organisation: OrganisationId,
        actor: Option<String>,
        snapshot: bool,
        body: F,
    ) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> TxFuture<'c, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + Send + 'static,
    {
        let mut conn = self.pool.get().await?;
        conn.transaction(async move |conn| {
            // Every setting is transaction-local: it ends with COMMIT or ROLLBACK, so a
            // pooled connection never carries one caller's organisation to the next.
            // The id and the actor tag are made of a UUID and a fixed word, so
            // formatting them into the statement is safe.
            let actor = actor.unwrap_or_default();
            // SET TRANSACTION must come before the first query of the transaction.
            let isolation = if snapshot {
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; "
            } else {
                ""
            };
            conn.batch_execute(&format!(
                "{isolation}SET LOCAL ROLE {APP_ROLE}; SELECT set_config('app.organisation_id', '{organisation}', true), set_config('app.actor', '{actor}', true)"
            ))
            .await?;
            body(conn).await
        })
        .await
    }

    /// Runs `body` in a transaction as the owning role, across organisations. Only for
    /// finding a caller (login, API token lookup), readiness checks and the CLI.
    pub async fn system<T, E, F>(&self, body: F) -> Result<T, E>
    where
        F: for<'c> FnOnce(&'c mut AsyncPgConnection) -> TxFuture<'c, T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + Send + 'static,
    {
        let mut conn = self.pool.get().await?;
        conn.transaction(async move |conn| body(conn).await).await
    }

    /// True when a connection can be had and answers.
    pub async fn ping(&self) -> bool {
        let result: Result<(), ApiPing> = self
            .system(|conn| Box::pin(async move { Ok(conn.batch_execute("SELECT 1").await?) }))
            .await;
        result.is_ok()
    }
}

/// Error type for [`Db::ping`], which only cares whether it worked.
#[derive(Debug)]
struct ApiPing;
impl From<DieselError> for ApiPing {
    fn from(_: DieselError) -> Self {
        ApiPing
    }
}
impl From<PoolError> for ApiPing {
    fn from(_: PoolError) -> Self {
        ApiPing
    }
}

/// A failure to prepare the database.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] diesel::ConnectionError),
    #[error("database query failed: {0}")]
    Query(#[from] DieselError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("the migration task failed: {0}")]
    Task(String),
}

/// Applies pending migrations under a session advisory lock. Safe to call from several
/// processes at once: the second waits, then finds nothing to do.
pub async fn run_migrations(url: &str) -> Result<Vec<String>, SetupError> {
    let url = url.to_string();
    // The harness drives async diesel from sync code; give it a blocking thread.
    tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
        let mut conn = <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&url)
            .map_err(SetupError::Connect)?;
        SimpleConnection::batch_execute(
            &mut conn,
            &format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"),
        )?;
        let applied = conn
            .run_pending_migrations(MIGRATIONS)
            .map(|versions| versions.iter().map(ToString::to_string).collect::<Vec<_>>())
            .map_err(|e| SetupError::Migration(e.to_string()));
        SimpleConnection::batch_execute(
            &mut conn,
            &format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"),
        )?;
        applied
    })
    .await
    .map_err(|e| SetupError::Task(e.to_string()))?
}

/// Creates database `name` on the server behind `admin_url` unless it exists.
pub async fn ensure_database(admin_url: &str, name: &str) -> Result<(), SetupError> {
    use diesel::sql_types::Text;
    use diesel_async::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        #[allow(dead_code)]
        one: i32,
    }
    let mut conn = AsyncPgConnection::establish(admin_url)
        .await
        .map_err(SetupError::Connect)?;
    let found: Vec<Found> =
        diesel::sql_query("SELECT 1 AS one FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(name)
            .load(&mut conn)
            .await?;
    if found.is_empty() {
        let quoted = name.replace('"', "\"\"");
        match conn
            .batch_execute(&format!("CREATE DATABASE \"{quoted}\""))
            .await
        {
            Ok(()) => {}
            // Another process created it between our check and our CREATE.
            Err(DieselError::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
