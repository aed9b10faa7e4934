//! The store: the schema, row types and queries of the foundation's tables, the pools,
//! tenant-scoped transactions, the database roles and the migrations. No HTTP: callers
//! get `QueryResult`s and typed errors and choose a status themselves.
//!
//! Three ways in, each on connections of its own role (see [`roles`]):
//! - [`Db::tenant`] (reads) and [`Db::acting`] (writes): every request after authentication, logged
//!   in as the non-owning role `mantelmonitor_app`, with the caller's organisation set
//!   transaction-locally, so row-level security hides every other organisation even if a
//!   query forgets its filter.
//! - [`Db::identify`]: before a caller is known (sign-in, API-token lookup), on a pool
//!   of its own logged in as `mantelmonitor_auth`, which can read users and API tokens and
//!   nothing else.
//! - [`SystemDb::system`]: the CLI, as the owner, across organisations. Never in a request.

mod conn;
pub mod error;
pub mod functions;

/// A future running `$query` (with the diesel-async method `$run`) under the row lock
/// `$lock` (`for_share`, `for_key_share`) in a transaction that may write, and without it
/// in a read-only one ([`Db::tenant`]), which cannot take row locks and needs none: it
/// reads one snapshot, which no writer changes. `$conn` is a `&Conn` (or `&mut Conn`):
/// several such futures polled together are pipelined.
macro_rules! locked {
    ($conn:expr, $query:expr, $lock:ident, $run:ident) => {{
        let mut conn: &$crate::Conn = $conn;
        let query = $query;
        async move {
            if conn.reads_only() {
                query.$run(&mut conn).await
            } else {
                query.$lock().$run(&mut conn).await
            }
        }
    }};
}
/// A future running `$query` with the diesel-async method `$run` on `$conn` (a `&Conn`),
/// to be pipelined with others.
macro_rules! query {
    ($conn:expr, $query:expr, $run:ident) => {{
        let mut conn: &$crate::Conn = $conn;
        let query = $query;
        async move { query.$run(&mut conn).await }
    }};
}
pub(crate) use locked;
pub(crate) use query;
pub mod exports;
pub mod idempotency;
pub mod json;
pub mod models;
pub mod monitoring;
pub mod plan;
pub mod roles;
pub mod schema;
pub mod scope;

use std::future::Future;
use std::time::Duration;

use diesel::result::Error as DieselError;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncPgConnection, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use mantelmonitor_domain as domain;

use crate::domain::OrganisationId;
use crate::domain::audit::Acting;

/// The connection a transaction body is handed, to pass on to store functions.
pub use conn::{Canceller, Conn};
/// A failed query, as the store's functions report it (the HTTP layer picks a status).
pub use diesel::result::{DatabaseErrorKind, Error as QueryError};
pub use diesel_async::pooled_connection::deadpool::PoolError;
pub use error::{StoreError, StoreResult};
pub use roles::{APP_ROLE, AUTH_ROLE, Connections, FUNDER_ROLE};
pub use scope::Reach;
type Pool = diesel_async::pooled_connection::deadpool::Pool<Conn>;

/// The migrations, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Arbitrary constant naming the migration lock, so two processes starting together
/// apply migrations one after the other.
const MIGRATION_LOCK_KEY: i64 = 0x6d616e74656c; // "mantel"

/// A transaction body is an async closure, `async move |conn| { … }`, as diesel-async 0.9
/// takes them. `AsyncFnOnce` alone cannot say that the future it returns is `Send` (its
/// future type is not nameable on stable Rust), so the bodies' bound adds this trait,
/// which names it: the same device as diesel-async's own (private) `AsyncFunc`.
pub trait AsyncFunc<A, R>:
    AsyncFnOnce(A) -> R + FnOnce(A) -> <Self as AsyncFunc<A, R>>::Fut
{
    type Fut: Future<Output = R>;
}

impl<F, A, Fut, R> AsyncFunc<A, R> for F
where
    F: AsyncFnOnce(A) -> R + FnOnce(A) -> Fut,
    Fut: Future<Output = R>,
{
    type Fut = Fut;
}

/// What every transaction method takes: an async closure over the connection whose
/// future is `Send`, written once here instead of in each method's bounds.
pub trait TxBody<T, E>:
    for<'c> AsyncFnOnce(&'c mut Conn) -> Result<T, E>
    + for<'c> AsyncFunc<&'c mut Conn, Result<T, E>, Fut: Send>
    + Send
{
}

impl<F, T, E> TxBody<T, E> for F where
    F: for<'c> AsyncFnOnce(&'c mut Conn) -> Result<T, E>
        + for<'c> AsyncFunc<&'c mut Conn, Result<T, E>, Fut: Send>
        + Send
{
}

fn pool(url: &str, size: usize, timeout: Duration) -> Result<Pool, String> {
    // No test query at check-out: a connection whose socket closed (a restarted server)
    // is known broken without one and leaves the pool (see `Conn::is_broken`).
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<Conn>::new_with_config(url, config);
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(timeout))
        .create_timeout(Some(timeout))
        .recycle_timeout(Some(timeout))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| e.to_string())
}

/// How long a connection lies idle in the pool, at most, with the `COMMIT` of its last
/// read pending (see `Conn::flush_commit` and `Db::sweep_idle`).
const SWEEP_EVERY: Duration = Duration::from_millis(10);

/// Sends the pending commit of each of `pool`'s idle connections.
fn flush(pool: &Pool) {
    pool.retain(|conn, _| {
        conn.flush_commit();
        true
    });
}

/// Runs `body` in a transaction on a connection of `pool`, begun by `start` (`BEGIN` and
/// the settings for the transaction), which goes out with the body's first statement.
/// When the connection was lost underway (the server restarted, a network fault), the
/// answer is "connection lost" whatever step failed, so the caller hears 503, and the
/// broken connection leaves the pool.
async fn in_transaction<T, E, F>(
    pool: &Pool,
    start: String,
    read_only: bool,
    body: F,
) -> Result<T, E>
where
    F: TxBody<T, E>,
    T: Send + 'static,
    E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
{
    use diesel_async::pooled_connection::PoolableConnection;
    let mut conn = pool.get().await?;
    conn.begin_deferred(start, read_only).await?;
    // As diesel-async's own `transaction`: commit on success (a failed commit is the
    // answer), roll back on failure (the body's error is the answer unless the rollback
    // itself failed).
    let result = match body(&mut conn).await {
        Ok(value) => conn.end(true).await.map(|()| value).map_err(E::from),
        Err(error) => match conn.end(false).await {
            Ok(()) | Err(DieselError::BrokenTransactionManager) => Err(error),
            Err(rollback) => Err(E::from(rollback)),
        },
    };
    match result {
        Err(error) if PoolableConnection::is_broken(&mut *conn) => {
            tracing::warn!(
                ?error,
                "the database connection was lost during a transaction"
            );
            let _ = deadpool::managed::Object::take(conn);
            Err(E::from(DieselError::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection,
                Box::new("the database connection was lost".to_string()),
            )))
        }
        other => other,
    }
}

/// The start of a read-only transaction: one snapshot, and Postgres refuses its writes.
const READ_ONLY: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/// The start of a tenant transaction: `begin`, the role (when not the login role), the
/// caller's organisation and the actor tag the triggers record.
///
/// Every setting is transaction-local (`SET LOCAL`): it ends with COMMIT or ROLLBACK, so
/// a pooled connection never carries one caller's organisation to the next. `SET LOCAL`
/// rather than `SELECT set_config(…)`: a utility statement is parsed and run, where a
/// SELECT is also analysed, planned and executed, on every transaction. The id and the
/// actor tag are made of a UUID and fixed words (see `Actor::tag`), so formatting them
/// into the statement is safe.
fn start(begin: &str, role: Option<&str>, organisation: OrganisationId, actor: &str) -> String {
    debug_assert!(!actor.contains('\''), "an actor tag is never quoted");
    let role = role
        .map(|r| format!("SET LOCAL ROLE {r}; "))
        .unwrap_or_default();
    format!(
        "{begin}; {role}SET LOCAL app.organisation_id = '{organisation}'; SET LOCAL app.actor = '{actor}'"
    )
}

/// The service's connections: requests, and finding callers.
#[derive(Clone)]
pub struct Db {
    app: Pool,
    auth: Pool,
    /// What the pools were made of, for [`Db::for_worker`].
    made_of: std::sync::Arc<(Connections, usize, Duration)>,
}

impl Db {
    /// A pool of at most `size` request connections and one as large for finding callers
    /// (every API-token request looks its token up there); a request waits at most
    /// `timeout` for a connection.
    pub fn new(connections: &Connections, size: usize, timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            app: pool(&connections.app, size, timeout)?,
            auth: pool(&connections.auth, size, timeout)?,
            made_of: std::sync::Arc::new((connections.clone(), size, timeout)),
        })
    }

    /// Pools of their own for one of `workers` server threads, each of its share of the
    /// connections (at least one). Made on the worker's thread, they open their
    /// connections there, so a connection's socket is driven by the thread whose requests
    /// use it: a statement's answer wakes no other thread.
    pub fn for_worker(&self, workers: usize) -> Result<Self, String> {
        let (connections, size, timeout) = &*self.made_of;
        let share = size.div_ceil(workers.max(1));
        let own = Self {
            app: pool(&connections.app, share, *timeout)?,
            auth: pool(&connections.auth, share, *timeout)?,
            made_of: self.made_of.clone(),
        };
        own.sweep_idle();
        Ok(own)
    }

    /// Sends the pending `COMMIT` of every idle connection's last read (see
    /// `Conn::flush_commit`); queued, not waited for.
    pub fn flush_idle(&self) {
        flush(&self.app);
    }

    /// Starts the task that calls [`Db::flush_idle`] every few milliseconds
    /// (`SWEEP_EVERY`), on the runtime of the calling thread (a server worker's, for a
    /// worker's pools), until the pools are gone: a read's transaction stays open that
    /// long at most after it ended, however long its connection then lies idle. Without
    /// a runtime, nothing.
    pub fn sweep_idle(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let pool = self.app.weak();
        runtime.spawn(async move {
            let mut every = tokio::time::interval(SWEEP_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let Some(pool) = pool.upgrade() else { return };
                flush(&pool);
            }
        });
    }

    /// Runs `body` in a read-only transaction that sees only `organisation`'s rows, on
    /// one snapshot (REPEATABLE READ): an answer assembled from several queries (the
    /// whole plan, its summary) agrees with itself while writers carry on, without a
    /// row lock. Postgres refuses its writes, so its commit cannot fail and is not
    /// waited for: a one-query read is one round trip.
    pub async fn tenant<T, E, F>(&self, organisation: OrganisationId, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        self.scoped(organisation, None, true, body).await
    }

    /// Runs `body` in a read-only transaction that sees what `reach` reaches: an
    /// organisation's own rows ([`Db::tenant`]), or the rows shared with a funder account
    /// ([`Db::shared`]).
    pub async fn reading<T, E, F>(&self, reach: Reach, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        match reach {
            Reach::Own(organisation) => self.tenant(organisation, body).await,
            Reach::Shared(account) => self.shared(account, body).await,
        }
    }

    /// Runs `body` in a read-only transaction of funder account `account`, as the funder
    /// role: its policies show the projects shared with the account (their plans, their
    /// reports past draft) and nothing else; it may read no user, token or contact
    /// person at all. One snapshot, as [`Db::tenant`].
    pub async fn shared<T, E, F>(&self, account: OrganisationId, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        // The role ends with the transaction (SET LOCAL), as the settings do.
        let start = start(READ_ONLY, Some(FUNDER_ROLE), account, "");
        in_transaction(&self.app, start, true, body).await
    }

    /// A transaction of funder account `who.organisation` that may write, as the funder
    /// role: what its policies let it change (a reviewing account's move of a submitted
    /// report), recorded as `who.actor`'s.
    pub async fn shared_acting<T, E, F>(&self, who: Acting, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        let (account, actor) = (who.organisation, who.actor.tag());
        let start = start("BEGIN", Some(FUNDER_ROLE), account, &actor);
        in_transaction(&self.app, start, false, body).await
    }

    /// A transaction that may write, seeing only `who.organisation`'s rows, and records
    /// `who.actor`, so that the histories and audit trails (written by triggers) say who
    /// made each change.
    pub async fn acting<T, E, F>(&self, who: Acting, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        self.scoped(who.organisation, Some(who.actor.tag()), false, body)
            .await
    }

    async fn scoped<T, E, F>(
        &self,
        organisation: OrganisationId,
        actor: Option<String>,
        read_only: bool,
        body: F,
    ) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        let actor = actor.unwrap_or_default();
        let begin = if read_only { READ_ONLY } else { "BEGIN" };
        let start = start(begin, None, organisation, &actor);
        in_transaction(&self.app, start, read_only, body).await
    }

    /// Runs `body` in a transaction as the role that finds callers: it reads users and API
    /// tokens of every organisation (sign-in by email, token lookup by id) and can do
    /// nothing else.
    pub async fn identify<T, E, F>(&self, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        in_transaction(&self.auth, "BEGIN".into(), false, body).await
    }

    /// True when a request connection can be had and answers.
    pub async fn ping(&self) -> bool {
        match self.app.get().await {
            Ok(mut conn) => conn.batch_execute("SELECT 1").await.is_ok(),
            Err(_) => false,
        }
    }
}

/// The owner's connection, for the CLI (`init`, `demo`), across organisations. A request
/// never gets one.
pub struct SystemDb {
    pool: Pool,
}

impl SystemDb {
    pub fn new(connections: &Connections, timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            pool: pool(&connections.owner, 1, timeout)?,
        })
    }

    /// Runs `body` in a transaction as the owner.
    pub async fn system<T, E, F>(&self, body: F) -> Result<T, E>
    where
        F: TxBody<T, E>,
        T: Send + 'static,
        E: From<DieselError> + From<PoolError> + std::fmt::Debug + Send + 'static,
    {
        in_transaction(&self.pool, "BEGIN".into(), false, body).await
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
    #[error("database roles: {0}")]
    Roles(String),
}

/// Makes the database ready: the service roles (created or corrected where the owner
/// may), pending migrations, then the roles checked again, since migrations grant to them.
/// Returns the migrations applied.
pub async fn prepare(connections: &Connections) -> Result<Vec<String>, SetupError> {
    roles::ensure(connections).await?;
    let applied = run_migrations(&connections.owner).await?;
    roles::ensure(connections).await?;
    Ok(applied)
}

/// Applies pending migrations under a session advisory lock. Safe to call from several
/// processes at once: the second waits, then finds nothing to do.
async fn run_migrations(url: &str) -> Result<Vec<String>, SetupError> {
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

/// Makes database `name` exist, owned by `owner` (on a superuser's connection).
pub(crate) async fn ensure_database(
    conn: &mut AsyncPgConnection,
    name: &str,
    owner: &str,
) -> Result<(), SetupError> {
    use diesel::sql_types::Text;
    use diesel_async::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = Text)]
        owner: String,
    }
    let found: Vec<Found> = diesel::sql_query(
        "SELECT pg_get_userbyid(datdba)::text AS owner FROM pg_database WHERE datname = $1",
    )
    .bind::<Text, _>(name)
    .load(conn)
    .await?;
    let (quoted, owner_quoted) = (name.replace('"', "\"\""), owner.replace('"', "\"\""));
    match <[Found]>::first(&found) {
        None => match conn
            .batch_execute(&format!(
                "CREATE DATABASE \"{quoted}\" OWNER \"{owner_quoted}\""
            ))
            .await
        {
            Ok(()) => {}
            // Another process created it between our check and our CREATE.
            Err(DieselError::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e.into()),
        },
        Some(found) if found.owner != owner => {
            conn.batch_execute(&format!(
                "ALTER DATABASE \"{quoted}\" OWNER TO \"{owner_quoted}\""
            ))
            .await?;
        }
        Some(_) => {}
    }
    Ok(())
}
