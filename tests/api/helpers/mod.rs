//! The test harness: a real Postgres, a real server on port 0, real HTTP.
//!
//! One Postgres per test process (the embedded cluster in a temp dir, or the server
//! behind `DATABASE_URL` when set), one migrated template database, and per test a
//! database cloned from the template (`CREATE DATABASE … TEMPLATE`) and dropped when the
//! test ends. Tests run in parallel and share nothing.

#![allow(dead_code)]

mod client;
mod dates;
mod http;
mod lines;
mod plan;
mod reports;
mod sql;

pub use client::Tenant;
pub use dates::amsterdam_today;
pub use http::*;
pub use lines::*;
pub use plan::{PlannedProject, planned_project, register_funder, register_partners};
pub use reports::*;
pub use sql::Count;

use std::sync::OnceLock;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use mantelmonitor::config::Settings;
use mantelmonitor::db::roles::{self, Connections};
use mantelmonitor::db::{Db, SystemDb};
use mantelmonitor::startup::Application;
use mantelmonitor_embedded_pg::{EmbeddedOptions, EmbeddedPostgres, find_bin_dir};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "a long enough test password";

struct Cluster {
    /// Connection string as a role that creates databases, with `{db}` for the name.
    url_template: String,
    /// The owner of the service's databases, when it is not the role above (the
    /// embedded cluster's superuser creates databases for `mantelmonitor_owner`).
    owner: Option<&'static str>,
    template_db: String,
    embedded: Option<EmbeddedPostgres>,
}

impl Cluster {
    fn url(&self, db: &str) -> String {
        self.url_template.replace("{db}", db)
    }

    /// How the owner and the service roles log in to database `db`.
    fn connections(&self, db: &str) -> Connections {
        let url = self.url(db);
        match self.owner {
            Some(owner) => Connections::derive(&roles::as_user(&url, owner), None, None),
            None => Connections::derive(&url, None, None),
        }
    }

    /// `CREATE DATABASE name …`, owned by the owner.
    fn create_database(&self, name: &str, template: Option<&str>) -> String {
        let mut sql = format!("CREATE DATABASE \"{name}\"");
        if let Some(template) = template {
            sql.push_str(&format!(" TEMPLATE \"{template}\""));
        }
        if let Some(owner) = self.owner {
            sql.push_str(&format!(" OWNER \"{owner}\""));
        }
        sql
    }
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

extern "C" fn cleanup() {
    if let Some(Ok(cluster)) = CLUSTER.get() {
        if let Some(server) = &cluster.embedded {
            let _ = server.stop_and_remove();
        } else {
            let (admin, template) = (cluster.url("postgres"), cluster.template_db.clone());
            let _ = block_on_fresh(async move {
                let mut conn = AsyncPgConnection::establish(&admin)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)"
                ))
                .await
                .map_err(|e| e.to_string())
            });
        }
    }
}

/// Runs a future on a runtime of its own, on a thread of its own, so it can be called
/// from sync code and from inside another runtime alike.
fn block_on_fresh<T: Send + 'static>(
    future: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime")
            .block_on(future)
    })
    .join()
    .expect("harness thread")
}

fn cluster() -> &'static Cluster {
    let result = CLUSTER.get_or_init(|| {
        let (url_template, embedded) =
            match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
                Some(url) => (replace_dbname(&url), None),
                None => {
                    let base = std::env::temp_dir()
                        .join(format!("mantelmonitor-test-{}", std::process::id()));
                    let options = EmbeddedOptions {
                        bin_dir: find_bin_dir(
                            std::env::var_os("PG_BIN")
                                .as_deref()
                                .map(std::path::Path::new),
                        )
                        .map_err(|e| e.to_string())?,
                        durable: false,
                        run_as: None,
                        settings: vec![("max_connections".into(), "300".into())],
                    };
                    let server =
                        EmbeddedPostgres::start(&base, &options).map_err(|e| e.to_string())?;
                    (server.connection_string("{db}"), Some(server))
                }
            };
        let template_db = format!("mm_template_{}", std::process::id());
        let cluster = Cluster {
            url_template,
            owner: embedded.is_some().then_some(roles::EMBEDDED_OWNER),
            template_db,
            embedded,
        };
        let (admin, template, connections, bootstrap) = (
            cluster.url("postgres"),
            cluster.template_db.clone(),
            cluster.connections(&cluster.template_db),
            cluster.owner.is_some(),
        );
        let create = cluster.create_database(&template, None);
        let prepared = block_on_fresh(async move {
            if bootstrap {
                // The embedded cluster's own setup: the owner and the service roles.
                roles::bootstrap(&admin, None)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let mut conn = AsyncPgConnection::establish(&admin)
                .await
                .map_err(|e| e.to_string())?;
            // One statement per call: several in one message run as one transaction,
            // which CREATE/DROP DATABASE refuse.
            for statement in [
                format!("DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)"),
                create,
            ] {
                conn.batch_execute(&statement)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            mantelmonitor::db::prepare(&connections)
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(())
        });
        if let Err(e) = prepared {
            if let Some(server) = &cluster.embedded {
                let _ = server.stop_and_remove();
            }
            return Err(e);
        }
        // SAFETY: registers a plain extern "C" function; it runs once at process exit.
        unsafe { libc::atexit(cleanup) };
        Ok(cluster)
    });
    match result {
        Ok(cluster) => cluster,
        Err(e) => panic!("test database setup failed: {e}"),
    }
}

/// `postgres://u:p@h/db?x` → `postgres://u:p@h/{db}?x`
fn replace_dbname(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = match base.rfind('/') {
        Some(i) if i > base.find("//").map_or(0, |j| j + 1) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{{db}}?{q}"),
        None => format!("{prefix}/{{db}}"),
    }
}

/// A running server on its own fresh database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The owner's connection string: `DATABASE_URL` for the CLI.
    pub database_url: String,
    /// How each role logs in to this test's database.
    pub connections: Connections,
    /// The service's own pools (request and sign-in roles).
    pub db: Db,
    /// The owner's pool, as the CLI uses it.
    pub system: SystemDb,
    database: String,
    handle: actix_web::dev::ServerHandle,
}

impl TestApp {
    /// This test's database as the role that creates the test databases (the embedded
    /// cluster's superuser): for what only a superuser may do to it, such as loading
    /// rows without their triggers or ending another role's backend.
    pub fn admin_url(&self) -> String {
        cluster().url(&self.database)
    }
}

/// Settings for a test server; tests may adjust them with [`spawn_app_with`].
pub fn test_settings() -> Settings {
    let mut settings = Settings::from_lookup(|_| None).expect("default settings");
    settings.bind = "127.0.0.1:0".into();
    settings.workers = 1;
    settings.db_pool_size = 4;
    settings.jwt_secret = Some(JWT_SECRET.into());
    // The tests' identity providers listen on loopback.
    settings.outbound_allow_private = true;
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let cluster = cluster();
    let database = new_database(Some(&cluster.template_db));
    serve(database, adjust).await
}

/// A server on a database that was migrated only up to migration `last` (its version,
/// e.g. `2026-12-02-000008`) when `seed` ran on it as the owner, and then the rest of the
/// way: the test of a migration that changes what is already stored.
pub async fn spawn_app_migrated_from(last: &str, seed: &str) -> TestApp {
    let database = new_database(None);
    let connections = cluster().connections(&database);
    let (last, seed) = (last.to_string(), seed.to_string());
    block_on_fresh(async move {
        roles::ensure(&connections).await.expect("roles");
        let owner = connections.owner.clone();
        tokio::task::spawn_blocking(move || {
            use diesel::Connection;
            use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
            use diesel_migrations::MigrationHarness;
            let mut conn =
                <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(&owner)
                    .expect("connect as the owner");
            // Sets up diesel's table of applied migrations, too.
            let pending = conn
                .pending_migrations(mantelmonitor::db::MIGRATIONS)
                .expect("migrations");
            // Diesel spells a version without its dashes.
            let digits = |v: String| v.chars().filter(char::is_ascii_digit).collect::<String>();
            let last = digits(last);
            let upto: Vec<_> = pending
                .iter()
                .filter(|m| digits(m.name().version().to_string()) <= last)
                .collect();
            assert!(
                upto.last()
                    .is_some_and(|m| digits(m.name().version().to_string()) == last),
                "no migration {last}"
            );
            for migration in upto {
                conn.run_migration(migration.as_ref())
                    .unwrap_or_else(|e| panic!("migration {}: {e}", migration.name()));
            }
        })
        .await
        .expect("migration thread");
        let mut conn = AsyncPgConnection::establish(&connections.owner)
            .await
            .expect("connect as the owner");
        conn.batch_execute(&seed).await.expect("seed");
        mantelmonitor::db::prepare(&connections)
            .await
            .expect("the remaining migrations");
    });
    serve(database, |_| {}).await
}

/// A new, empty database (a copy of `template`, when given) and its name.
fn new_database(template: Option<&str>) -> String {
    let cluster = cluster();
    let database = format!("mm_test_{}", uuid::Uuid::new_v4().simple());
    let (admin, create) = (
        cluster.url("postgres"),
        cluster.create_database(&database, template),
    );
    block_on_fresh(async move {
        let mut conn = AsyncPgConnection::establish(&admin)
            .await
            .expect("connect to test cluster");
        conn.batch_execute(&create)
            .await
            .expect("create test database");
    });
    database
}

/// A server on `database`, dropped with the returned app.
async fn serve(database: String, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let connections = cluster().connections(&database);
    let database_url = connections.owner.clone();
    let mut settings = test_settings();
    settings.database_url = Some(database_url.clone());
    adjust(&mut settings);
    let app = Application::build(&settings, &connections, JWT_SECRET.as_bytes())
        .await
        .expect("build application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db: Db::new(&connections, 2, std::time::Duration::from_secs(10)).expect("pool"),
        system: SystemDb::new(&connections, std::time::Duration::from_secs(10)).expect("pool"),
        database_url,
        connections,
        database,
        handle,
    }
}

/// A second service process on a test's database, stopped when dropped.
pub struct SecondProcess(actix_web::dev::ServerHandle);

impl Drop for SecondProcess {
    fn drop(&mut self) {
        drop(self.0.stop(false));
    }
}

impl TestApp {
    /// Another server on this test's database, as a second process of the service would
    /// be (its own pools, its own background workers).
    pub async fn second_process(&self, adjust: impl FnOnce(&mut Settings)) -> SecondProcess {
        let mut settings = test_settings();
        settings.database_url = Some(self.database_url.clone());
        adjust(&mut settings);
        let app = Application::build(&settings, &self.connections, JWT_SECRET.as_bytes())
            .await
            .expect("build the second application");
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        SecondProcess(handle)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the future only reports completion.
        drop(self.handle.stop(false));
        let (admin, name) = (cluster().url("postgres"), self.database.clone());
        block_on_fresh(async move {
            if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                let _ = conn
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        });
    }
}
