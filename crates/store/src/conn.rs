//! The connection a transaction runs on: a diesel-async Postgres connection that sends the
//! start of its transaction (BEGIN, the isolation level, the tenant settings) together
//! with the transaction's first statement, in one round trip.
//!
//! Each statement to Postgres costs a round trip, and on a small machine the round trip
//! costs more than the query. A transaction begun the ordinary way waits for `BEGIN`,
//! then for the settings, then for the first query. Here the start is *deferred*: it
//! is queued in front of the first statement the transaction sends, pipelined on the
//! same socket (tokio-postgres answers requests in the order they were queued), so a
//! one-query read costs two round trips (start and query together, then `COMMIT`) instead
//! of four. A transaction that sends nothing sends no `BEGIN` and no `COMMIT` either.
//!
//! A read-only transaction (every request that only reads) does not send its `COMMIT`
//! when it ends: it cannot fail (it wrote nothing, and Postgres refuses its writes), so
//! it rides in front of whatever the connection sends next, the next transaction's start
//! as a rule, and the connection goes back to the pool at once. A read costs one round
//! trip, and Postgres reads one message per request instead of two. A connection left
//! idle with its commit pending is flushed by [`Conn::flush_commit`], which the pool's
//! sweeper calls (see `Db::sweep_idle`): a read's snapshot and table locks are held a few
//! milliseconds longer, never for as long as a connection lies idle.
//!
//! The transaction manager is diesel-async's own: it counts the depth (a savepoint inside
//! the transaction is a `SAVEPOINT`), marks a connection whose transaction was abandoned
//! as broken so the pool drops it, and handles failed commits. Only the wire changes.

use diesel::QueryResult;
use diesel::connection::{CacheSize, Instrumentation};
use diesel::query_builder::{AsQuery, QueryFragment, QueryId};
use diesel_async::pooled_connection::PoolableConnection;
use diesel_async::{
    AnsiTransactionManager, AsyncConnection, AsyncConnectionCore, AsyncPgConnection,
    SimpleAsyncConnection, TransactionManager,
};
use std::future::Future;

use futures_util::future::{BoxFuture, FutureExt, try_join};

type Inner = AsyncPgConnection;

/// A Postgres connection whose transaction start rides with its first statement.
pub struct Conn {
    inner: Inner,
    /// The start of the open transaction, not yet sent. Behind a lock because statements
    /// may be pipelined on a shared reference (`&Conn`).
    deferred: std::sync::Mutex<Option<String>>,
    /// The open transaction is read-only.
    read_only: bool,
    /// A read-only transaction ended without its `COMMIT` sent: the next statement
    /// carries it. Atomic because the pool's sweeper flushes it on a shared reference.
    commit_pending: std::sync::atomic::AtomicBool,
}

impl Conn {
    /// Opens a transaction whose start, `start` (`BEGIN` and whatever must follow it
    /// before the first query), goes out with the transaction's first statement.
    /// `read_only` says that `start` makes the transaction read-only (Postgres then
    /// refuses its writes), so that its commit need not be waited for.
    pub(crate) async fn begin_deferred(
        &mut self,
        start: String,
        read_only: bool,
    ) -> QueryResult<()> {
        // The manager is told a transaction began (so that a nested one is a savepoint
        // and an abandoned one breaks the connection); the empty SQL sends nothing.
        AnsiTransactionManager::begin_transaction_sql(self, "").await?;
        *self.deferred.get_mut().unwrap_or_else(|e| e.into_inner()) = Some(start);
        self.read_only = read_only;
        Ok(())
    }

    /// True in a read-only transaction: it can take no row locks, and needs none, since
    /// it reads one snapshot (see `Db::tenant`).
    pub fn reads_only(&self) -> bool {
        self.read_only
    }

    /// What cancels the statement this connection is running, from elsewhere: an export
    /// whose client went away stops its query, instead of letting Postgres finish it.
    pub fn canceller(&self) -> Canceller {
        Canceller(self.inner.cancel_token())
    }

    /// Queues `query` on the socket without waiting for its answer: polled once, the
    /// statement is sent (tokio-postgres queues it on the first poll and drops the
    /// answer of a request nobody waits for).
    fn send_only(&self, query: &str) {
        let mut shared: &Inner = &self.inner;
        let mut future = std::pin::pin!(shared.batch_execute(query));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let _ = future.as_mut().poll(&mut context);
    }

    /// Ends the open transaction: commits, or rolls back when `commit` is false.
    pub(crate) async fn end(&mut self, commit: bool) -> QueryResult<()> {
        if commit {
            AnsiTransactionManager::commit_transaction(self).await
        } else {
            AnsiTransactionManager::rollback_transaction(self).await
        }
    }

    /// Sends the `COMMIT` of the read-only transaction that ended last, when it is still
    /// pending: for a connection lying idle in the pool.
    pub fn flush_commit(&self) {
        if self.take_commit() {
            self.send_only("COMMIT");
        }
    }

    fn take_commit(&self) -> bool {
        self.commit_pending
            .swap(false, std::sync::atomic::Ordering::AcqRel)
    }

    /// The deferred start, taken: the caller sends it.
    fn take_start(&self) -> Option<String> {
        self.deferred
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// What must go out before the next statement: the pending `COMMIT` of the last
    /// read, then the deferred start of the open transaction, taken.
    fn take_prelude(&self) -> Option<String> {
        let start = self.take_start();
        if !self.take_commit() {
            return start;
        }
        Some(match start {
            Some(start) => format!("COMMIT; {start}"),
            None => "COMMIT".to_string(),
        })
    }

    fn start_pending(&mut self) -> bool {
        self.deferred
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
    }

    /// `future` (a statement on the inner connection), preceded on the wire by `start`.
    fn after_start<'a, R: Send + 'a>(
        inner: &'a Inner,
        start: Option<String>,
        future: BoxFuture<'a, QueryResult<R>>,
    ) -> BoxFuture<'a, QueryResult<R>> {
        match start {
            None => future,
            Some(start) => {
                let mut shared = inner;
                let mut start = async move { shared.batch_execute(&start).await }.boxed();
                // Polled once now, the start is queued on the socket before any statement
                // made after this one (pipelined statements may be polled in any order);
                // both answers arrive in the same round trip. When the start fails, the
                // transaction is aborted and the statement fails with it.
                let mut context = std::task::Context::from_waker(std::task::Waker::noop());
                match start.as_mut().poll(&mut context) {
                    std::task::Poll::Ready(Ok(())) => future,
                    std::task::Poll::Ready(Err(e)) => futures_util::future::ready(Err(e)).boxed(),
                    std::task::Poll::Pending => {
                        try_join(start, future).map(|r| r.map(|(_, r)| r)).boxed()
                    }
                }
            }
        }
    }
}

/// Cancels the statement a connection is running (Postgres' cancel request, on a
/// connection of its own). A cancel that reaches a backend waiting for its next
/// statement is ignored, so one sent just after the statement ended cancels nothing.
pub struct Canceller(tokio_postgres::CancelToken);

impl Canceller {
    pub async fn cancel(&self) -> Result<(), String> {
        self.0
            .cancel_query(tokio_postgres::NoTls)
            .await
            .map_err(|e| e.to_string())
    }
}

impl SimpleAsyncConnection for Conn {
    async fn batch_execute(&mut self, query: &str) -> QueryResult<()> {
        match self.take_start() {
            None if query.is_empty() => Ok(()),
            None if query == "COMMIT" && self.read_only => {
                // The start carried any earlier pending commit: this one is the only one.
                self.read_only = false;
                *self.commit_pending.get_mut() = true;
                Ok(())
            }
            None if self.take_commit() => {
                self.inner.batch_execute(&format!("COMMIT; {query}")).await
            }
            None => self.inner.batch_execute(query).await,
            // The transaction sent nothing: there is nothing to commit or roll back (and
            // a commit still pending stays so).
            Some(_) if query == "COMMIT" || query == "ROLLBACK" => Ok(()),
            Some(start) => {
                let start = match self.take_commit() {
                    true => format!("COMMIT; {start}"),
                    false => start,
                };
                self.inner.batch_execute(&format!("{start}; {query}")).await
            }
        }
    }
}

impl AsyncConnectionCore for Conn {
    type ExecuteFuture<'conn, 'query> = BoxFuture<'conn, QueryResult<usize>>;
    type LoadFuture<'conn, 'query> = BoxFuture<'conn, QueryResult<Self::Stream<'conn, 'query>>>;
    type Stream<'conn, 'query> = <Inner as AsyncConnectionCore>::Stream<'conn, 'query>;
    type Row<'conn, 'query> = <Inner as AsyncConnectionCore>::Row<'conn, 'query>;
    type Backend = diesel::pg::Pg;

    fn load<'conn, 'query, T>(&'conn mut self, source: T) -> Self::LoadFuture<'conn, 'query>
    where
        T: AsQuery + 'query,
        T::Query: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        let mut shared: &'conn Conn = self;
        AsyncConnectionCore::load(&mut shared, source)
    }

    fn execute_returning_count<'conn, 'query, T>(
        &'conn mut self,
        source: T,
    ) -> Self::ExecuteFuture<'conn, 'query>
    where
        T: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        let mut shared: &'conn Conn = self;
        AsyncConnectionCore::execute_returning_count(&mut shared, source)
    }
}

/// Statements on a shared reference can be pipelined: several futures made and polled
/// together (`try_join`) go out together and are answered in one round trip.
impl SimpleAsyncConnection for &Conn {
    async fn batch_execute(&mut self, query: &str) -> QueryResult<()> {
        let mut inner: &Inner = &self.inner;
        match self.take_prelude() {
            None => inner.batch_execute(query).await,
            Some(start) => inner.batch_execute(&format!("{start}; {query}")).await,
        }
    }
}

impl<'a> AsyncConnectionCore for &'a Conn {
    type ExecuteFuture<'conn, 'query> = BoxFuture<'a, QueryResult<usize>>;
    type LoadFuture<'conn, 'query> = BoxFuture<'a, QueryResult<Self::Stream<'conn, 'query>>>;
    type Stream<'conn, 'query> = <Inner as AsyncConnectionCore>::Stream<'conn, 'query>;
    type Row<'conn, 'query> = <Inner as AsyncConnectionCore>::Row<'conn, 'query>;
    type Backend = diesel::pg::Pg;

    fn load<'conn, 'query, T>(&'conn mut self, source: T) -> Self::LoadFuture<'conn, 'query>
    where
        T: AsQuery + 'query,
        T::Query: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        let this: &'a Conn = self;
        let start = this.take_prelude();
        let mut inner: &'a Inner = &this.inner;
        let load = AsyncConnectionCore::load(&mut inner, source);
        Conn::after_start(&this.inner, start, load)
    }

    fn execute_returning_count<'conn, 'query, T>(
        &'conn mut self,
        source: T,
    ) -> Self::ExecuteFuture<'conn, 'query>
    where
        T: QueryFragment<Self::Backend> + QueryId + 'query,
    {
        let this: &'a Conn = self;
        let start = this.take_prelude();
        let mut inner: &'a Inner = &this.inner;
        let execute = AsyncConnectionCore::execute_returning_count(&mut inner, source);
        Conn::after_start(&this.inner, start, execute)
    }
}

impl AsyncConnection for Conn {
    type TransactionManager = AnsiTransactionManager;

    async fn establish(database_url: &str) -> diesel::ConnectionResult<Self> {
        Ok(Conn {
            inner: Inner::establish(database_url).await?,
            deferred: std::sync::Mutex::new(None),
            read_only: false,
            commit_pending: std::sync::atomic::AtomicBool::new(false),
        })
    }

    fn transaction_state(&mut self) -> &mut AnsiTransactionManager {
        self.inner.transaction_state()
    }

    fn instrumentation(&mut self) -> &mut dyn Instrumentation {
        self.inner.instrumentation()
    }

    fn set_instrumentation(&mut self, instrumentation: impl Instrumentation) {
        self.inner.set_instrumentation(instrumentation);
    }

    fn set_prepared_statement_cache_size(&mut self, size: CacheSize) {
        self.inner.set_prepared_statement_cache_size(size);
    }
}

impl PoolableConnection for Conn {
    /// Broken when the socket closed (a restarted server, a network fault) or a
    /// transaction was left open: the pool drops it instead of handing it out. This
    /// replaces a test query at every check-out.
    fn is_broken(&mut self) -> bool {
        self.start_pending() || PoolableConnection::is_broken(&mut self.inner)
    }
}
