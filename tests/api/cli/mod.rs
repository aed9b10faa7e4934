//! The `mantelmonitor` binary: init, demo, migrate, configuration errors, and the
//! embedded cluster from first migrate to a clean SIGTERM shutdown.
//!
//! This file holds the helpers that run the binary and read what it printed; the
//! data-directory and `serve` fixtures are in `fixtures` (and are used by `embedded` too),
//! the tests in the other submodules, by theme.

mod config_errors;
mod embedded_cluster;
mod existing_database;
mod fixtures;

use std::process::{Command, Output, Stdio};

use crate::helpers::TestApp;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

pub(crate) use fixtures::{Server, TempDir, assert_cluster_stopped, free_port};

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
