//! The export streams: a client that stops reading holds Postgres back (no rows pile up
//! in memory), a client that leaves stops the query, a database fault before the first
//! byte is a 503 problem, and one after it cuts the connection so that the partial file
//! never ends like a whole one. On the benchmark's data set (bench/export-data.sql): 520
//! long rows per project, 1,500 projects, which Postgres alone needs seconds for, so a
//! query left running would still be seen running.

use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{Integer, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use crate::helpers::{Tenant, TestApp, problem, spawn_app_with};

const EXPORT: &str = "/api/v1/exports/quarterly-figures";
const PROJECTS: u32 = 1_500;

/// Loads the benchmark's data set for `org` as the test database's superuser.
async fn load(app: &TestApp, org: &Tenant) {
    let sql = include_str!("../../../bench/export-data.sql")
        .replace(":'org'", &format!("'{}'", org.organisation_id))
        .replace(":'entry'", &format!("'{}'", uuid::Uuid::new_v4()))
        .replace(":'account'", "''")
        .replace(":projects", &PROJECTS.to_string());
    let mut conn = AsyncPgConnection::establish(&app.admin_url())
        .await
        .expect("connect as the superuser");
    conn.batch_execute(&sql).await.expect("the data set");
}

#[derive(QueryableByName)]
struct Backend {
    #[diesel(sql_type = Integer)]
    pid: i32,
    #[diesel(sql_type = Text)]
    state: String,
}

/// The backends running the export's statement in this test's database.
async fn exporting(app: &TestApp) -> Vec<Backend> {
    let mut conn = AsyncPgConnection::establish(&app.admin_url())
        .await
        .expect("connect as the superuser");
    diesel::sql_query(
        "SELECT pid, state FROM pg_stat_activity \
         WHERE datname = current_database() AND state = 'active' \
           AND query LIKE '-- The quarterly-figures export%'",
    )
    .load(&mut conn)
    .await
    .expect("pg_stat_activity")
}

/// Waits (at most `limit`) until no backend runs the export; how long that took.
async fn until_no_export(app: &TestApp, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if exporting(app).await.is_empty() {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// Starts an export and reads its first chunk; the response, mid-body.
async fn started(app: &TestApp, token: &str) -> reqwest::Response {
    let mut response = app.get(EXPORT, token).await;
    assert_eq!(response.status(), 200);
    let first = response
        .chunk()
        .await
        .expect("first chunk")
        .expect("a chunk");
    assert!(first.starts_with("\u{feff}\"Organisatie\"".as_bytes()));
    response
}

#[tokio::test]
async fn streaming_holds_back_postgres_stops_with_its_client_and_never_fakes_an_end() {
    // One request connection, given up after 300 ms: a second export waits for it.
    let app = spawn_app_with(|s| {
        s.db_pool_size = 1;
        s.db_timeout = Duration::from_millis(300);
    })
    .await;
    let org = app.tenant("Steunpunt Groot").await;
    load(&app, &org).await;

    // A client that stops reading: Postgres waits for it, still running the statement,
    // while the service holds no more than a few chunks.
    let stalled = started(&app, &org.token).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let running = exporting(&app).await;
    assert_eq!(running.len(), 1, "the export waits for its reader");
    assert_eq!(running[0].state, "active");

    // Its connection is busy: another export is refused before its first byte, as a
    // problem the client can retry, not as a file.
    let refused = app.get(EXPORT, &org.token).await;
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    problem(refused, 503).await;

    // The client leaves: the query is cancelled at once (run to its end it would take
    // seconds more).
    drop(stalled);
    let gone = until_no_export(&app, Duration::from_secs(2)).await;
    assert!(
        gone.is_some(),
        "the export's query still runs 2 s after its client left"
    );

    // The connection is fine afterwards.
    let again = app
        .get(
            &format!("{EXPORT}?from=2025-Q4&states=submitted"),
            &org.token,
        )
        .await;
    assert_eq!(again.status(), 200);
    let text = again.text().await.expect("the whole file");
    assert_eq!(text.matches("\r\n").count(), PROJECTS as usize * 65 + 1);

    // A fault after the first byte (the backend ends): the body ends in an error, never
    // as a complete file.
    let mut response = started(&app, &org.token).await;
    let backend = exporting(&app)
        .await
        .into_iter()
        .next()
        .map(|b| b.pid)
        .expect("the export's backend");
    let mut admin = AsyncPgConnection::establish(&app.admin_url())
        .await
        .unwrap();
    admin
        .batch_execute(&format!("SELECT pg_terminate_backend({backend})"))
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let ended = loop {
        assert!(
            Instant::now() < deadline,
            "the body neither ended nor failed"
        );
        match response.chunk().await {
            Ok(Some(_)) => continue,
            Ok(None) => break Ok(()),
            Err(error) => break Err(error),
        }
    };
    assert!(ended.is_err(), "a cut export ended like a complete file");

    // And the service recovers: the next request gets a new connection.
    let projects = app.get("/api/v1/projects?limit=1", &org.token).await;
    assert_eq!(projects.status(), 200);
}

#[tokio::test]
async fn a_large_export_arrives_whole_with_every_row() {
    let app = spawn_app_with(|_| {}).await;
    let org = app.tenant("Steunpunt Groot").await;
    load(&app, &org).await;
    let response = app
        .get(
            &format!("{EXPORT}?dialect=rfc4180&from=2025-Q3"),
            &org.token,
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut response = response;
    let (mut bytes, mut lines) = (0usize, 0usize);
    while let Some(chunk) = response.chunk().await.expect("a whole body") {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    // 2 quarters of 65 figures per project, and the header.
    assert_eq!(lines, PROJECTS as usize * 2 * 65 + 1, "{bytes} bytes");
}
