//! A private PostgreSQL cluster run from the machine's own server binaries.
//!
//! Used when the service runs without `DATABASE_URL`, and by the integration-test harness for
//! throwaway clusters. The server listens only on a unix socket, authenticates with `trust`, and
//! when we are root it runs as an unprivileged system user because PostgreSQL refuses to run as
//! root.

use std::ffi::{CString, OsString};
use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;

use ownership::{Claim, HolderLock};

mod binaries;
mod dirs;
mod identity;
mod ownership;
mod quote;
mod server;
#[cfg(test)]
mod tests;

use binaries::*;
use dirs::*;
use identity::*;
use quote::*;

pub use binaries::find_bin_dir;
pub use quote::conninfo_quote;
pub use server::EmbeddedPostgres;

pub use ownership::{Holder, ServiceLock, StaleLockError};

/// Oldest PostgreSQL major version we support.
const MIN_MAJOR: u32 = 15;
/// Port number of the unix socket (part of its file name); nothing listens on TCP.
const PORT: u16 = 5432;
/// Superuser role created by `initdb -U`.
const SUPERUSER: &str = "postgres";
/// System user the server runs as when we are root and no other user was configured.
const DEFAULT_RUN_AS: &str = "postgres";
/// Longest socket file path we risk: `sun_path` holds 108 bytes including the NUL, and
/// PostgreSQL refuses longer paths.
const MAX_SOCKET_PATH: usize = 100;
/// How much of initdb/pg_ctl output and of the server log goes into error messages.
const TAIL_LINES: usize = 20;
/// Programs that must all be present in a server bin directory.
const SERVER_TOOLS: [&str; 3] = ["pg_ctl", "initdb", "postgres"];
/// Prefix of the fallback socket directories under /tmp.
const TMP_SOCKET_PREFIX: &str = "mantelmonitor-pg-";

/// Why the embedded PostgreSQL server could not be found, started, stopped or removed.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No usable server binaries were found anywhere we looked.
    #[error(
        "No PostgreSQL {MIN_MAJOR} or newer server binaries were found (looked via `pg_config --bindir`, pg_ctl on PATH and /usr/lib/postgresql/*/bin){}. Install PostgreSQL {MIN_MAJOR} or newer (e.g. `apt-get install postgresql-15`) or set PG_BIN to its bin directory, or set DATABASE_URL to an existing database, or run `docker compose up` to start one.",
        describe_rejected(rejected)
    )]
    NotFound {
        /// Candidates that were found but unusable, e.g. "PostgreSQL 13.4 in /usr/lib/postgresql/13/bin is too old".
        rejected: Vec<String>,
    },

    /// The explicitly configured bin directory (PG_BIN) is unusable.
    #[error(
        "PG_BIN={} is not a usable PostgreSQL bin directory: {reason}. Point PG_BIN at the directory holding pg_ctl, initdb and postgres (e.g. /usr/lib/postgresql/15/bin) or unset it to search automatically, or set DATABASE_URL to an existing database, or run `docker compose up`.",
        dir.display()
    )]
    InvalidBinDir { dir: PathBuf, reason: String },

    /// The explicitly configured bin directory holds a PostgreSQL older than we support.
    #[error(
        "PostgreSQL {version} in {} is too old; version {MIN_MAJOR} or newer is required. Install it (e.g. `apt-get install postgresql-15`) and point PG_BIN at its bin directory, or set DATABASE_URL to an existing database, or run `docker compose up`.",
        dir.display()
    )]
    TooOld { dir: PathBuf, version: String },

    /// The system user the server should run as does not exist.
    #[error(
        "System user `{user}` does not exist. When the service runs as root, PostgreSQL must run as an unprivileged user; install PostgreSQL (which creates `postgres`) or configure an existing user."
    )]
    UnknownUser { user: String },

    /// The system user the server should run as is root itself.
    #[error(
        "System user `{user}` has uid 0, and PostgreSQL refuses to run as root. Configure an unprivileged user to run the embedded PostgreSQL."
    )]
    RunAsRoot { user: String },

    /// The run-as user cannot reach the base directory.
    #[error(
        "The embedded PostgreSQL runs as system user `{user}`, which cannot reach {}: it has no search permission on {}. Give `{user}` access to that path (e.g. `chmod o+x {}`) or set MANTELMONITOR_DATA_DIR to a directory it can reach, such as /var/lib/mantelmonitor.",
        base_dir.display(),
        blocked.display(),
        blocked.display()
    )]
    NotTraversable {
        user: String,
        base_dir: PathBuf,
        blocked: PathBuf,
    },

    /// pg_ctl pastes the data directory into a shell command inside double quotes.
    #[error(
        "The data directory {} contains a character pg_ctl cannot handle (\", $, `, \\ or a newline). Set MANTELMONITOR_DATA_DIR to a plainer path.",
        path.display()
    )]
    UnsupportedPath { path: PathBuf },

    /// A socket directory exists but was not created by us, so the socket could be hijacked.
    #[error(
        "The socket directory {} already exists but is not a directory owned by `{user}`; remove it and try again.",
        path.display()
    )]
    UntrustedSocketDir { path: PathBuf, user: String },

    /// The cluster was created by a different major version than the binaries.
    #[error(
        "The PostgreSQL cluster in {} was created by PostgreSQL {data_version}, but the server binaries in {} are PostgreSQL {bin_version}. Set PG_BIN to PostgreSQL {data_version} binaries, upgrade the cluster with pg_upgrade, or move the directory away to start with an empty database.",
        data_dir.display(),
        bin_dir.display()
    )]
    VersionMismatch {
        data_dir: PathBuf,
        data_version: String,
        bin_dir: PathBuf,
        bin_version: String,
    },

    /// `initdb` exited non-zero.
    #[error("initdb failed to create the PostgreSQL cluster in {} ({status}). Its output ends with:\n{output}", data_dir.display())]
    InitdbFailed {
        data_dir: PathBuf,
        status: String,
        output: String,
    },

    /// `pg_ctl start` exited non-zero.
    #[error("PostgreSQL did not start for {} ({status}); see {}. Recent output:\n{output}", data_dir.display(), log_file.display())]
    StartFailed {
        data_dir: PathBuf,
        log_file: PathBuf,
        status: String,
        output: String,
    },

    /// `pg_ctl stop` exited non-zero and the server still seems to run.
    #[error("PostgreSQL for {} did not stop ({status}). Its output ends with:\n{output}", data_dir.display())]
    StopFailed {
        data_dir: PathBuf,
        status: String,
        output: String,
    },

    /// `pg_ctl status` gave an unexpected answer.
    #[error("Could not tell whether PostgreSQL is running for {} ({status}):\n{output}", data_dir.display())]
    StatusFailed {
        data_dir: PathBuf,
        status: String,
        output: String,
    },

    /// Refused to delete a cluster whose server another process started and still runs.
    #[error(
        "Not removing {}: its PostgreSQL server was started by another process and is still running.",
        base_dir.display()
    )]
    InUse { base_dir: PathBuf },

    /// A `postmaster.pid` or socket lock file left by a server that is gone could not be
    /// cleared.
    #[error(transparent)]
    StaleLockFile(#[from] StaleLockError),

    /// A filesystem or process-spawning operation failed.
    #[error("Could not {action}: {error}")]
    Io { action: String, error: io::Error },
}

fn describe_rejected(rejected: &[String]) -> String {
    if rejected.is_empty() {
        String::new()
    } else {
        format!("; found only: {}", rejected.join("; "))
    }
}

fn io_err(action: impl Into<String>) -> impl FnOnce(io::Error) -> EmbeddedError {
    let action = action.into();
    move |error| EmbeddedError::Io { action, error }
}

/// Options for [`EmbeddedPostgres::start`].
#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// Directory holding `pg_ctl`, `initdb` and `postgres`, usually from [`find_bin_dir`].
    pub bin_dir: PathBuf,
    /// false only for throwaway test clusters (adds -c fsync=off -c synchronous_commit=off -c full_page_writes=off, initdb --no-sync)
    pub durable: bool,
    /// system user to run Postgres as when we are root; None = "postgres"
    pub run_as: Option<String>,
    /// extra `-c name=value` server settings
    pub settings: Vec<(String, String)>,
}
