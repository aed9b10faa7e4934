//! The `mantelmonitor` binary: init, demo, migrate, configuration errors, and the
//! embedded cluster from first migrate to a clean SIGTERM shutdown.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{TestApp, spawn_app};
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_mantelmonitor");
const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// The binary with a clean environment: only PATH and what the test gives.
pub(crate) fn mantelmonitor(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(BIN);
    command.args(args).env_clear().stdin(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

/// Runs the binary to completion off the async runtime.
pub(crate) async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = mantelmonitor(args, env);
    tokio::task::spawn_blocking(move || command.output().expect("run mantelmonitor"))
        .await
        .expect("join")
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts a zero exit and returns stdout.
pub(crate) fn succeeded(output: &Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

fn parse_json(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what} printed no JSON ({e}):\n{text}"))
}

async fn count(database_url: &str, table: &str) -> i64 {
    let mut conn = AsyncPgConnection::establish(database_url)
        .await
        .expect("connect");
    diesel::select(diesel::dsl::sql::<BigInt>(&format!(
        "(SELECT count(*) FROM {table})"
    )))
    .get_result(&mut conn)
    .await
    .expect("count")
}

async fn list_projects(app: &TestApp, token: &str) -> Value {
    let response = app.get("/api/v1/projects", token).await;
    assert_eq!(response.status(), 200, "GET /api/v1/projects with {token}");
    response.json().await.expect("project list")
}

// --- against an existing database (DATABASE_URL) -------------------------------------

#[tokio::test]
async fn init_with_a_password_creates_an_admin_who_can_log_in() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Test",
            "--admin-email",
            "a@b.example",
            "--admin-password",
            ADMIN_PASSWORD,
            "--json",
        ],
        &env,
    )
    .await;
    let created = parse_json(&succeeded(&output, "init"), "init --json");
    let object = created.as_object().expect("a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["email", "organisation_id", "user_id"],
        "no password echoed"
    );
    assert_eq!(created["email"], "a@b.example");
    for id in ["organisation_id", "user_id"] {
        assert!(
            uuid::Uuid::parse_str(created[id].as_str().unwrap()).is_ok(),
            "{id} is a uuid"
        );
    }
    assert!(!stdout(&output).contains(ADMIN_PASSWORD));

    let token = app.login("a@b.example", ADMIN_PASSWORD).await;
    let me: Value = app
        .get("/api/v1/users/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], created["user_id"]);
    assert_eq!(me["role"], "admin");
    let organisation: Value = app
        .get("/api/v1/organisation", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(organisation["id"], created["organisation_id"]);
    assert_eq!(organisation["name"], "Steunpunt Test");
}

#[tokio::test]
async fn init_without_a_password_prints_a_generated_one_that_logs_in() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Test",
            "--admin-email",
            "generated@b.example",
            "--json",
        ],
        &env,
    )
    .await;
    let created = parse_json(&succeeded(&output, "init"), "init --json");
    let password = created["password"].as_str().expect("a generated password");
    assert!(
        password.chars().count() >= 20,
        "generated password too short: {password:?}"
    );
    assert_eq!(created["email"], "generated@b.example");
    let token = app.login("generated@b.example", password).await;
    assert_eq!(list_projects(&app, &token).await["items"], json!([]));

    // Another run generates another password.
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Tweede",
            "--admin-email",
            "generated2@b.example",
            "--json",
        ],
        &env,
    )
    .await;
    let second = parse_json(&succeeded(&output, "second init"), "init --json");
    assert_ne!(second["password"], created["password"]);
    assert_ne!(second["organisation_id"], created["organisation_id"]);
}

#[tokio::test]
async fn init_with_an_email_that_exists_fails_naming_the_email_and_creates_nothing() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let args = |organisation| {
        [
            "init",
            "--organisation",
            organisation,
            "--admin-email",
            "dup@b.example",
            "--admin-password",
            ADMIN_PASSWORD,
            "--json",
        ]
    };
    succeeded(&run(&args("Steunpunt Een"), &env).await, "first init");
    let organisations = count(&app.database_url, "organisations").await;
    let output = run(&args("Steunpunt Twee"), &env).await;
    assert!(!output.status.success(), "the same email twice succeeded");
    assert!(
        stderr(&output).contains("dup@b.example"),
        "stderr does not name the email:\n{}",
        stderr(&output)
    );
    assert!(stdout(&output).trim().is_empty(), "nothing on stdout");
    assert_eq!(
        count(&app.database_url, "organisations").await,
        organisations,
        "no second organisation"
    );
    // Uniqueness ignores case.
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Drie",
            "--admin-email",
            "DUP@B.example",
            "--admin-password",
            ADMIN_PASSWORD,
        ],
        &env,
    )
    .await;
    assert!(
        !output.status.success(),
        "the same email in capitals succeeded"
    );
}

#[tokio::test]
async fn demo_prints_a_working_token_and_a_second_run_reuses_the_organisation() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let output = run(&["demo", "--json"], &env).await;
    let demo = parse_json(&succeeded(&output, "demo --json"), "demo --json");
    let token = demo["token"].as_str().expect("token").to_string();
    assert!(token.starts_with("mm_"), "token {token}");
    let projects = list_projects(&app, &token).await;
    let items = projects["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one demo project: {projects}");
    assert_eq!(items[0]["id"], demo["project_id"]);
    assert!(
        items[0]["name"]
            .as_str()
            .is_some_and(|n| !n.trim().is_empty()),
        "the demo project has a name"
    );
    let organisation: Value = app
        .get("/api/v1/organisation", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(organisation["id"], demo["organisation_id"]);
    // The demo project comes with a plan: 4800 + 750 + 2400 + 1850 in budget lines,
    // 60 × 52.50 + 40 × 52.50 + 24 × 61.25 in hours, 850 × 0.14 × 3 in translation;
    // 8000 granted and 3500 pending.
    let summary: Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/summary",
                demo["project_id"].as_str().unwrap()
            ),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["budget"]["total"], "16877.00", "{summary}");
    assert_eq!(summary["funding"]["granted"], "8000.00");
    assert_eq!(summary["funding"]["pending"], "3500.00");

    let output = run(&["demo", "--token-only"], &env).await;
    let printed = succeeded(&output, "demo --token-only");
    assert_eq!(printed.lines().count(), 1, "only the token: {printed:?}");
    let second = printed.trim().to_string();
    assert!(second.starts_with("mm_"), "token {second}");
    assert_ne!(second, token, "a fresh token each run");
    let again = list_projects(&app, &second).await;
    assert_eq!(
        again["items"], projects["items"],
        "still exactly the one project"
    );
    assert_eq!(
        list_projects(&app, &token).await["items"],
        projects["items"],
        "the first token still works"
    );
    assert_eq!(count(&app.database_url, "organisations").await, 1);
    assert_eq!(count(&app.database_url, "projects").await, 1);
}

#[tokio::test]
async fn migrate_against_database_url_succeeds_with_nothing_left_to_apply() {
    let app = spawn_app().await;
    let output = run(&["migrate"], &[("DATABASE_URL", app.database_url.as_str())]).await;
    let printed = succeeded(&output, "migrate");
    assert_eq!(printed.trim(), "0 migration(s) applied");
}

// --- configuration errors ------------------------------------------------------------

#[tokio::test]
async fn without_database_url_or_postgres_binaries_migrate_says_what_to_do() {
    let dir = TempDir::new("nobin");
    let output = run(
        &["migrate"],
        &[
            ("PG_BIN", "/nonexistent"),
            ("MANTELMONITOR_DATA_DIR", dir.path_str()),
        ],
    )
    .await;
    assert!(
        !output.status.success(),
        "migrate without Postgres succeeded"
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    for needle in ["DATABASE_URL", "docker compose", "PG_BIN"] {
        assert!(
            message.contains(needle),
            "stderr lacks {needle}:\n{message}"
        );
    }
    assert!(stdout(&output).trim().is_empty());
    assert!(
        !dir.path.join("postgres/data/PG_VERSION").exists(),
        "no cluster was created"
    );
}

#[tokio::test]
async fn an_unusable_number_in_the_environment_exits_2_naming_the_variable() {
    let output = run(
        &["migrate"],
        &[
            ("MANTELMONITOR_DB_POOL_SIZE", "lots"),
            ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
        ],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "stderr:\n{}",
        stderr(&output)
    );
    let message = stderr(&output);
    assert!(
        message.contains("MANTELMONITOR_DB_POOL_SIZE"),
        "stderr does not name the variable:\n{message}"
    );
    assert!(
        message.contains("lots"),
        "stderr does not quote the value:\n{message}"
    );
}

// --- the embedded cluster ------------------------------------------------------------

/// A fresh directory under the system temp dir, removed on drop. If a test fails while
/// an embedded Postgres still runs there, that server is shut down first.
pub(crate) struct TempDir {
    pub(crate) path: PathBuf,
}

impl TempDir {
    pub(crate) fn new(label: &str) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let path =
            std::env::temp_dir().join(format!("mm-cli-{label}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&path).expect("create temp dir");
        // The embedded Postgres runs as `postgres` when we are root; it must traverse this.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod temp dir");
        Self { path }
    }

    pub(crate) fn path_str(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }

    pub(crate) fn pid_file(&self) -> PathBuf {
        self.path.join("postgres/data/postmaster.pid")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(pid) = std::fs::read_to_string(self.pid_file())
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse::<i32>().ok())
        {
            // SAFETY: signals the one postmaster our own child started in this directory.
            unsafe { libc::kill(pid, libc::SIGQUIT) };
            let deadline = Instant::now() + Duration::from_secs(10);
            while self.pid_file().exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A `serve` child process, terminated on drop if the test ends early.
pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Server {
    pub(crate) fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid")
    }

    /// Waits up to `limit` for the process to exit.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Server {
    /// Like [`Server::wait_for_exit`], without blocking the runtime.
    pub(crate) async fn exit_within(
        &mut self,
        limit: Duration,
    ) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            // SAFETY: signals our own child by its pid.
            unsafe { libc::kill(self.pid(), libc::SIGTERM) };
            if self.wait_for_exit(Duration::from_secs(15)).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub(crate) fn assert_cluster_stopped(dir: &TempDir, after: &str) {
    assert!(
        dir.path.join("postgres/data/PG_VERSION").exists(),
        "the cluster lives in the data dir"
    );
    assert!(
        !dir.pid_file().exists(),
        "Postgres still runs after {after}: {} exists",
        dir.pid_file().display()
    );
}

#[tokio::test]
async fn the_embedded_cluster_migrates_inits_serves_and_stops_on_sigterm() {
    let started = Instant::now();
    let dir = TempDir::new("embedded");
    let data_dir = dir.path_str().to_string();
    let base_env = [("MANTELMONITOR_DATA_DIR", data_dir.as_str())];

    let output = run(&["migrate"], &base_env).await;
    let printed = succeeded(&output, "migrate on a fresh data dir");
    let applied: usize = printed
        .trim()
        .strip_suffix(" migration(s) applied")
        .unwrap_or_else(|| panic!("unexpected migrate output {printed:?}"))
        .parse()
        .expect("a count");
    assert!(applied >= 2, "the migrations were applied: {printed:?}");
    assert_cluster_stopped(&dir, "migrate");
    let migrated_at = started.elapsed();

    let output = run(&["migrate"], &base_env).await;
    assert_eq!(
        succeeded(&output, "second migrate").trim(),
        "0 migration(s) applied",
        "the cluster and its migrations persist"
    );
    assert_cluster_stopped(&dir, "the second migrate");

    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Test",
            "--admin-email",
            "a@b.example",
            "--admin-password",
            ADMIN_PASSWORD,
            "--json",
        ],
        &base_env,
    )
    .await;
    let created = parse_json(&succeeded(&output, "init"), "init --json");
    assert_eq!(created["email"], "a@b.example");
    assert_cluster_stopped(&dir, "init");
    let inited_at = started.elapsed();

    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(dir.path.join("serve.log")).expect("log file");
    let mut command = mantelmonitor(
        &["serve"],
        &[
            ("MANTELMONITOR_DATA_DIR", data_dir.as_str()),
            ("MANTELMONITOR_BIND", bind.as_str()),
        ],
    );
    command.stdout(log.try_clone().expect("log")).stderr(log);
    let mut server = Server {
        child: command.spawn().expect("start serve"),
    };
    let serve_log = || std::fs::read_to_string(dir.path.join("serve.log")).unwrap_or_default();

    let base = format!("http://{bind}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().expect("try_wait") {
            panic!("serve exited early ({status}):\n{}", serve_log());
        }
        let ready = client
            .get(format!("{base}/health/ready"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if ready.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not ready within 30 s:\n{}",
            serve_log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ready_at = started.elapsed();
    assert!(dir.pid_file().exists(), "serve runs the cluster");

    let response = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"email": "a@b.example", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200, "the init admin logs in");
    let body: Value = response.json().await.unwrap();
    let token = body["access_token"].as_str().expect("access_token");
    let response = client
        .get(format!("{base}/api/v1/organisation"))
        .bearer_auth(token)
        .send()
        .await
        .expect("organisation");
    assert_eq!(response.status(), 200);
    let organisation: Value = response.json().await.unwrap();
    assert_eq!(organisation["id"], created["organisation_id"]);
    assert!(
        dir.path.join("jwt-secret").exists(),
        "a signing key was generated in the data dir"
    );
    // An idle keep-alive connection is open now; shutdown must not wait for it.

    let terminated = Instant::now();
    // SAFETY: signals our own child by its pid.
    assert_eq!(unsafe { libc::kill(server.pid(), libc::SIGTERM) }, 0);
    let status = server
        .exit_within(Duration::from_secs(30))
        .await
        .unwrap_or_else(|| {
            panic!(
                "serve did not exit within 30 s of SIGTERM:\n{}",
                serve_log()
            )
        });
    let shutdown = terminated.elapsed();
    assert!(
        status.success(),
        "serve exited with {status}:\n{}",
        serve_log()
    );
    assert_cluster_stopped(&dir, "serve");
    drop(client);
    eprintln!(
        "embedded timings: migrate {migrated_at:?}, init done {inited_at:?}, ready {ready_at:?}, shutdown took {shutdown:?}, total {:?}",
        started.elapsed()
    );
    drop(server);
    let path: PathBuf = dir.path.clone();
    drop(dir);
    assert!(!Path::new(&path).exists(), "the temp dir was removed");
}
