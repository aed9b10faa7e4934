//! A request's transaction: its start (BEGIN and the tenant settings) goes out with its
//! first statement, and what it leaves behind on a pooled connection is nothing.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use mantelmonitor::db::Db;
use mantelmonitor::domain::OrganisationId;
use mantelmonitor::error::ApiError;

use crate::helpers::{Count, spawn_app};

#[derive(QueryableByName)]
struct Seen {
    #[diesel(sql_type = Nullable<Text>)]
    organisation: Option<String>,
    #[diesel(sql_type = BigInt)]
    txid: i64,
}

const SEEN: &str =
    "SELECT current_setting('app.organisation_id', true) AS organisation, txid_current() AS txid";

async fn seen_twice(db: &Db, org: OrganisationId) -> (Seen, Seen) {
    db.tenant(org, async move |conn| {
        let first = diesel::sql_query(SEEN).get_result::<Seen>(conn).await?;
        let second = diesel::sql_query(SEEN).get_result::<Seen>(conn).await?;
        Ok::<_, ApiError>((first, second))
    })
    .await
    .map_err(|e| e.to_string())
    .unwrap()
}

/// Waits until no connection of the request role is left inside a transaction, at most
/// two seconds (a read's commit goes out with the connection's next statement, or from the
/// pool's sweep within milliseconds), and says how many still were.
async fn idle_in_transaction_after_a_moment(admin: &str) -> i64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    loop {
        let n = idle_in_transaction(admin).await;
        if n == 0 || std::time::Instant::now() > deadline {
            return n;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Connections of the request role left inside a transaction (`admin`: the cluster's
/// superuser, who sees every backend's state).
async fn idle_in_transaction(admin: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(admin).await.unwrap();
    diesel::sql_query(
        "SELECT count(*) AS n FROM pg_stat_activity \
         WHERE usename = 'mantelmonitor_app' AND datname = current_database() \
           AND state IN ('idle in transaction', 'idle in transaction (aborted)')",
    )
    .get_result::<Count>(&mut conn)
    .await
    .unwrap()
    .n
}

#[tokio::test]
async fn each_transaction_sees_its_own_organisation_throughout_on_one_pooled_connection() {
    let app = spawn_app().await;
    let a = app.tenant("Transactie A").await;
    let b = app.tenant("Transactie B").await;
    let [org_a, org_b] =
        [&a, &b].map(|t| OrganisationId::from_uuid(t.organisation_id.parse().unwrap()));
    // One connection, so every transaction below runs on the same one.
    let db = Db::new(&app.connections, 1, std::time::Duration::from_secs(5)).unwrap();

    let (first, second) = seen_twice(&db, org_a).await;
    assert_eq!(
        first.organisation.as_deref(),
        Some(a.organisation_id.as_str())
    );
    assert_eq!(second.organisation, first.organisation);
    assert_eq!(
        first.txid, second.txid,
        "both statements ran in one transaction"
    );

    // A transaction that fails part-way leaves nothing behind for the next one.
    let failed = db
        .tenant(org_a, async move |conn| {
            diesel::sql_query(SEEN).get_result::<Seen>(conn).await?;
            diesel::sql_query("SELECT 1/0 AS n")
                .get_result::<Count>(conn)
                .await
                .map_err(ApiError::from)
        })
        .await;
    assert!(failed.is_err());
    // So does one that sends nothing at all.
    db.tenant(org_a, async move |_| Ok::<_, ApiError>(()))
        .await
        .unwrap();

    let (first_b, second_b) = seen_twice(&db, org_b).await;
    assert_eq!(
        first_b.organisation.as_deref(),
        Some(b.organisation_id.as_str())
    );
    assert_eq!(first_b.txid, second_b.txid);
    assert_ne!(first_b.txid, first.txid, "a new transaction");

    // Read-only snapshots are transactions too, and refuse writes.
    let write = db
        .tenant(org_b, async move |conn| {
            diesel::sql_query("CREATE TEMPORARY TABLE scratch (n int)")
                .execute(conn)
                .await
                .map_err(ApiError::from)
        })
        .await;
    assert!(write.unwrap_err().to_string().contains("read-only"));
    db.flush_idle();
    assert_eq!(
        idle_in_transaction_after_a_moment(&app.admin_url()).await,
        0
    );
}

#[derive(QueryableByName)]
struct Projects {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

#[derive(QueryableByName)]
struct State {
    #[diesel(sql_type = Text)]
    state: String,
}

/// What the backend `pid` is doing, as `pg_stat_activity` tells the superuser `admin`.
async fn state_of(admin: &str, pid: i32) -> String {
    let mut conn = AsyncPgConnection::establish(admin).await.unwrap();
    diesel::sql_query("SELECT coalesce(state, '') AS state FROM pg_stat_activity WHERE pid = $1")
        .bind::<diesel::sql_types::Integer, _>(pid)
        .get_result::<State>(&mut conn)
        .await
        .unwrap()
        .state
}

#[tokio::test]
async fn a_read_commits_before_the_connection_s_next_transaction_and_when_it_lies_idle() {
    let app = spawn_app().await;
    let a = app.tenant("Uitgestelde commit").await;
    let org = OrganisationId::from_uuid(a.organisation_id.parse().unwrap());
    // One connection, and no sweep: its read's commit stays pending until it is used.
    let db = Db::new(&app.connections, 1, std::time::Duration::from_secs(5)).unwrap();
    let count = async || {
        db.tenant(org, async move |conn| {
            diesel::sql_query("SELECT count(*) AS n, pg_backend_pid() AS pid FROM projects")
                .get_result::<Projects>(conn)
                .await
                .map_err(ApiError::from)
        })
        .await
        .unwrap()
    };
    let before = count().await;
    assert_eq!(
        state_of(&app.admin_url(), before.pid).await,
        "idle in transaction",
        "the read ended with its commit pending"
    );
    let created = app
        .post(
            "/api/v1/projects",
            &a.token,
            &serde_json::json!({"name": "Nieuw", "start_date": "2026-01-01", "end_date": "2026-12-31"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    // The next transaction on the connection begins after the last one's commit: a new
    // snapshot, which sees the project created meanwhile.
    let after = count().await;
    assert_eq!(after.pid, before.pid, "the same connection");
    assert_eq!(after.n, before.n + 1);
    // Lying idle, the connection is sent its commit by the sweep.
    db.flush_idle();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while state_of(&app.admin_url(), after.pid).await != "idle" {
        assert!(
            std::time::Instant::now() < deadline,
            "the commit went out within two seconds"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn requests_leave_no_connection_inside_a_transaction() {
    let app = spawn_app().await;
    let tenant = app.tenant("Geen open transacties").await;
    for path in [
        "/api/v1/projects",
        "/api/v1/organisation",
        "/api/v1/users/me",
    ] {
        let response = app.get(path, &tenant.token).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    let response = app
        .get(
            &format!("/api/v1/projects/{}", uuid::Uuid::new_v4()),
            &tenant.token,
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        idle_in_transaction_after_a_moment(&app.admin_url()).await,
        0
    );
}

#[tokio::test]
async fn pipelined_statements_run_inside_the_transaction_in_whatever_order_they_are_polled() {
    use futures_util::future::try_join;
    let app = spawn_app().await;
    let a = app.tenant("Gepijplijnd").await;
    let org = OrganisationId::from_uuid(a.organisation_id.parse().unwrap());
    let db = Db::new(&app.connections, 1, std::time::Duration::from_secs(5)).unwrap();
    let (first, second) = db
        .tenant(org, async move |conn| {
            // Made first, polled last: the transaction's start, which goes with the
            // first statement made, still goes out before either statement.
            let mut shared: &mantelmonitor::db::Conn = conn;
            let made_first = diesel::sql_query(SEEN).get_result::<Seen>(&mut shared);
            let polled_first = async {
                let mut shared: &mantelmonitor::db::Conn = conn;
                diesel::sql_query(SEEN)
                    .get_result::<Seen>(&mut shared)
                    .await
            };
            let (first, second) = try_join(polled_first, made_first).await?;
            Ok::<_, ApiError>((first, second))
        })
        .await
        .map_err(|e| e.to_string())
        .unwrap();
    for s in [&first, &second] {
        assert_eq!(s.organisation.as_deref(), Some(a.organisation_id.as_str()));
    }
    assert_eq!(first.txid, second.txid, "one transaction");
    db.flush_idle();
    assert_eq!(
        idle_in_transaction_after_a_moment(&app.admin_url()).await,
        0
    );
}
