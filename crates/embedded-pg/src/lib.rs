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

mod ownership;

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

/// Where the Postgres server binaries are.
///
/// `explicit` (from env PG_BIN) wins if given; it is an error if it is unusable rather than a
/// reason to look elsewhere, so a typo does not silently pick other binaries. Otherwise tries, in
/// order, `pg_config --bindir`, the directory of `pg_ctl` on PATH (symlinks resolved) and the
/// highest-numbered `/usr/lib/postgresql/*/bin`; the first one holding `pg_ctl`, `initdb` and
/// `postgres` of major version 15 or newer is returned (canonicalized).
pub fn find_bin_dir(explicit: Option<&Path>) -> Result<PathBuf, EmbeddedError> {
    if let Some(dir) = explicit {
        let invalid = |reason: String| EmbeddedError::InvalidBinDir {
            dir: dir.to_path_buf(),
            reason,
        };
        let canon = fs::canonicalize(dir).map_err(|e| {
            invalid(if e.kind() == io::ErrorKind::NotFound {
                "it does not exist".to_owned()
            } else {
                e.to_string()
            })
        })?;
        let missing = missing_tools(&canon);
        if !missing.is_empty() {
            return Err(invalid(format!("it has no {}", missing.join(", "))));
        }
        let (major, version) = server_version(&canon).map_err(invalid)?;
        if major < MIN_MAJOR {
            return Err(EmbeddedError::TooOld {
                dir: canon,
                version,
            });
        }
        return Ok(canon);
    }

    let mut rejected = Vec::new();
    let mut seen = Vec::new();
    for candidate in bin_dir_candidates() {
        let Ok(canon) = fs::canonicalize(&candidate) else {
            continue;
        };
        if seen.contains(&canon) || !missing_tools(&canon).is_empty() {
            continue;
        }
        seen.push(canon.clone());
        match server_version(&canon) {
            Ok((major, _)) if major >= MIN_MAJOR => return Ok(canon),
            Ok((_, version)) => rejected.push(format!(
                "PostgreSQL {version} in {} is too old",
                canon.display()
            )),
            Err(reason) => rejected.push(format!("{}: {reason}", canon.display())),
        }
    }
    Err(EmbeddedError::NotFound { rejected })
}

/// Candidate bin directories in order of preference; they may not exist or be complete.
fn bin_dir_candidates() -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(pg_config) = find_on_path("pg_config")
        && let Ok(out) = Command::new(&pg_config)
            .arg("--bindir")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
        && out.status.success()
    {
        let dir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !dir.is_empty() {
            candidates.push(PathBuf::from(dir));
        }
    }
    // /usr/local/bin/pg_ctl may be a symlink into the real bin directory, which is where
    // initdb and postgres live.
    if let Some(pg_ctl) = find_on_path("pg_ctl")
        && let Ok(real) = fs::canonicalize(&pg_ctl)
        && let Some(dir) = real.parent()
    {
        candidates.push(dir.to_path_buf());
    }
    if let Ok(entries) = fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<(u32, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                Some((version, e.path().join("bin")))
            })
            .collect();
        versions.sort_by_key(|(version, _)| std::cmp::Reverse(*version));
        candidates.extend(versions.into_iter().map(|(_, dir)| dir));
    }
    candidates
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
}

fn missing_tools(dir: &Path) -> Vec<&'static str> {
    SERVER_TOOLS
        .into_iter()
        .filter(|tool| !is_executable(&dir.join(tool)))
        .collect()
}

/// Major version and full version string of the `postgres` binary in `bin_dir`.
fn server_version(bin_dir: &Path) -> Result<(u32, String), String> {
    let postgres = bin_dir.join("postgres");
    let out = Command::new(&postgres)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run `{} --version`: {e}", postgres.display()))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "`{} --version` failed ({})",
            postgres.display(),
            out.status
        ));
    }
    parse_version(&text).ok_or_else(|| {
        format!(
            "could not understand the output of `{} --version`: {}",
            postgres.display(),
            text.trim()
        )
    })
}

/// Parses "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" into (15, "15.18").
fn parse_version(text: &str) -> Option<(u32, String)> {
    let (_, rest) = text.split_once("(PostgreSQL)")?;
    let version = rest.split_whitespace().next()?;
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    let major = digits.parse().ok()?;
    Some((major, version.to_owned()))
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

/// The identity Postgres commands run with.
#[derive(Debug, Clone)]
struct Identity {
    /// For messages and logs.
    label: String,
    uid: u32,
    gid: u32,
    /// Whether to switch to `uid`/`gid` when spawning (only when we are root).
    switch: bool,
}

impl Identity {
    fn resolve(run_as: Option<&str>) -> Result<Self, EmbeddedError> {
        // SAFETY: geteuid/getegid have no preconditions and cannot fail.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        if euid != 0 {
            return Ok(Self {
                label: format!("uid {euid}"),
                uid: euid,
                gid: egid,
                switch: false,
            });
        }
        let name = run_as.unwrap_or(DEFAULT_RUN_AS);
        let (uid, gid) = lookup_user(name)
            .map_err(io_err(format!("look up system user `{name}`")))?
            .ok_or_else(|| EmbeddedError::UnknownUser {
                user: name.to_owned(),
            })?;
        if uid == 0 {
            return Err(EmbeddedError::RunAsRoot {
                user: name.to_owned(),
            });
        }
        Ok(Self {
            label: name.to_owned(),
            uid,
            gid,
            switch: true,
        })
    }

    /// A command for a Postgres tool, running as this identity. The working directory matters
    /// because the tools complain when they cannot stat it, and root's may be closed to them.
    fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(cwd).stdin(Stdio::null());
        if self.switch {
            cmd.gid(self.gid).uid(self.uid);
        }
        cmd
    }

    fn can_search(&self, meta: &fs::Metadata) -> bool {
        // Spawned processes get no supplementary groups (std drops them with the uid switch),
        // so owner, primary group and other bits decide, in that order of precedence.
        let mode = meta.mode();
        if meta.uid() == self.uid {
            mode & 0o100 != 0
        } else if meta.gid() == self.gid {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        }
    }
}

/// (uid, gid) of a system user, or None if there is no such user. Uses the reentrant variant
/// because other threads (tests, the runtime) may be using the passwd database too.
fn lookup_user(name: &str) -> io::Result<Option<(u32, u32)>> {
    let Ok(cname) = CString::new(name) else {
        return Ok(None);
    };
    let mut buf: Vec<libc::c_char> = vec![0; 1024];
    loop {
        // SAFETY: an all-zero passwd (null pointers, zero ids) is a valid value to overwrite.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: all pointers are valid for the duration of the call and buf.len() is its size.
        let rc = unsafe {
            libc::getpwnam_r(
                cname.as_ptr(),
                &mut pwd,
                buf.as_mut_ptr(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < (1 << 20) {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        if result.is_null() {
            return Ok(None);
        }
        return Ok(Some((pwd.pw_uid, pwd.pw_gid)));
    }
}

/// A PostgreSQL server for one base directory, started by us or found already running.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    base_dir: PathBuf,
    data_dir: PathBuf,
    log_file: PathBuf,
    socket_dir: PathBuf,
    /// The /tmp socket directory we use because base_dir is too long, if any.
    tmp_socket_dir: Option<PathBuf>,
    port: u16,
    bin_dir: PathBuf,
    who: Identity,
    owns: bool,
    /// Held while this handle is responsible for stopping the server (see `owner.lock`).
    owner_lock: Mutex<Option<HolderLock>>,
    /// Guards `stop` so concurrent and repeated calls stop the server once.
    stopped: Mutex<bool>,
}

enum ServerState {
    Running,
    NotRunning,
}

impl EmbeddedPostgres {
    /// `base_dir` holds everything: the cluster in `base_dir/data`, the unix socket dir `base_dir/run`, the log `base_dir/postgres.log`.
    ///
    /// Creates base_dir (0700, owned by the run-as user when root) if missing; runs `initdb` if
    /// `data/PG_VERSION` is missing; then starts the server with `pg_ctl` unless it is already
    /// running for that data dir.
    ///
    /// The handle that starts the server owns it and holds `base_dir/owner.lock` until it stops
    /// it. A server found running whose owner is alive is only used; one whose owner died (a
    /// crash, `kill -9`) is taken over, so this handle stops it. A `postmaster.pid` naming a
    /// process that is not this cluster's server is removed first, or refused with
    /// [`EmbeddedError::StaleLockFile`] while PostgreSQL processes still run in the data dir.
    /// The server listens
    /// only on a unix socket; if `base_dir/run/.s.PGSQL.5432` would be longer than 100 bytes the
    /// socket goes into `/tmp/mantelmonitor-pg-<hash of base_dir>` instead. Concurrent starters on
    /// the same base_dir are serialised with a lock on `base_dir/.lock`, so they all end up
    /// connected to one server.
    pub fn start(
        base_dir: &Path,
        opts: &EmbeddedOptions,
    ) -> Result<EmbeddedPostgres, EmbeddedError> {
        let who = Identity::resolve(opts.run_as.as_deref())?;
        let base_dir = prepare_base_dir(base_dir, &who)?;
        if base_dir
            .as_os_str()
            .as_bytes()
            .iter()
            .any(|b| matches!(b, b'"' | b'$' | b'`' | b'\\' | b'\n'))
        {
            return Err(EmbeddedError::UnsupportedPath { path: base_dir });
        }

        let _lock = lock_base_dir(&base_dir)?;
        let owner_path = base_dir.join("owner.lock");
        let claim = HolderLock::try_claim(&owner_path)
            .map_err(io_err(format!("take the lock {}", owner_path.display())))?;

        let data_dir = base_dir.join("data");
        let log_file = base_dir.join("postgres.log");
        let (socket_dir, tmp_socket_dir) = match tmp_socket_dir_for(&base_dir) {
            Some(tmp) => (tmp.clone(), Some(tmp)),
            None => (base_dir.join("run"), None),
        };
        ensure_socket_dir(&socket_dir, &who, tmp_socket_dir.is_some())?;

        let mut pg = EmbeddedPostgres {
            base_dir,
            data_dir,
            log_file,
            socket_dir,
            tmp_socket_dir,
            port: PORT,
            bin_dir: opts.bin_dir.clone(),
            who,
            owns: false,
            owner_lock: Mutex::new(None),
            stopped: Mutex::new(false),
        };

        if !pg.data_dir.join("PG_VERSION").exists() {
            pg.initdb(opts)?;
        }
        pg.clear_stale_lock_files()?;
        match (pg.state()?, claim) {
            (ServerState::Running, Claim::Claimed { lock, previous }) => {
                pg.adopt_pid_file();
                pg.take_ownership(lock);
                let previous = previous.map_or_else(|| "a process".to_owned(), |h| h.to_string());
                tracing::warn!(
                    data_dir = %pg.data_dir.display(),
                    socket_dir = %pg.socket_dir.display(),
                    "embedded PostgreSQL was left running by {previous}, which has exited; taking it over (it is stopped when this process shuts down)"
                );
            }
            (ServerState::Running, Claim::HeldBy(holder)) => {
                pg.adopt_pid_file();
                tracing::info!(
                    data_dir = %pg.data_dir.display(),
                    socket_dir = %pg.socket_dir.display(),
                    "embedded PostgreSQL already running; using it, {holder} stops it"
                );
            }
            (ServerState::NotRunning, claim) => {
                pg.check_data_version()?;
                pg.start_server(opts)?;
                pg.adopt_pid_file();
                match claim {
                    Claim::Claimed { lock, .. } => pg.take_ownership(lock),
                    // Its owner lost its server (killed, or stopped by hand) and still
                    // stops this one when it ends.
                    Claim::HeldBy(holder) => tracing::info!(
                        data_dir = %pg.data_dir.display(),
                        "started embedded PostgreSQL for {holder}, which stops it"
                    ),
                }
            }
        }
        Ok(pg)
    }

    fn take_ownership(&mut self, lock: HolderLock) {
        self.owns = true;
        *self.owner_lock.get_mut().unwrap_or_else(|p| p.into_inner()) = Some(lock);
    }

    /// Clears `postmaster.pid` and the socket lock when they name a process that is not this
    /// cluster's server, so that neither `pg_ctl status` nor the server is fooled by them.
    fn clear_stale_lock_files(&self) -> Result<(), EmbeddedError> {
        let socket_lock = self.socket_dir.join(format!(".s.PGSQL.{}.lock", self.port));
        for stale in ownership::clear_stale(&self.data_dir, &socket_lock)? {
            let pid = stale
                .pid
                .map_or_else(|| "none".to_owned(), |p| p.to_string());
            tracing::warn!(
                file = %stale.path.display(),
                pid = %pid,
                "removed a stale lock file left by a PostgreSQL server that did not shut down cleanly: its PID {}",
                stale.why
            );
        }
        Ok(())
    }

    /// libpq-style key/value connection string that tokio-postgres accepts: "host=<socket dir> port=5432 user=postgres dbname=<db>"
    pub fn connection_string(&self, dbname: &str) -> String {
        format!(
            "host={} port={} user={} dbname={}",
            conninfo_quote(&self.socket_dir.to_string_lossy()),
            self.port,
            SUPERUSER,
            conninfo_quote(dbname)
        )
    }

    /// true if this handle started the server, or took it over from a process that died
    pub fn owns_server(&self) -> bool {
        self.owns
    }

    /// The directory holding the server's unix socket (the `host` of the connection string).
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The cluster's data directory, `base_dir/data`.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The server log, `base_dir/postgres.log`; pg_ctl appends to it on every start.
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// `pg_ctl -D data -m fast -w stop` if we own it; idempotent (a second call is a no-op).
    ///
    /// A handle that does not own the server leaves it running for its owner, unless that owner
    /// has died meanwhile, in which case it stops the orphan. Takes `&self` so it can be called
    /// from an `atexit` handler through a static. A server that someone else already stopped
    /// counts as stopped. Never panics.
    pub fn stop(&self) -> Result<(), EmbeddedError> {
        let mut stopped = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        if *stopped {
            return Ok(());
        }
        // Best effort: keeps a concurrent starter from deciding "already running" mid-stop, but a
        // missing base_dir must not keep us from stopping.
        let _lock = lock_base_dir(&self.base_dir).ok();
        let mut owner_lock = self.owner_lock.lock().unwrap_or_else(|p| p.into_inner());
        if owner_lock.is_none() {
            match HolderLock::try_claim(&self.base_dir.join("owner.lock")) {
                Ok(Claim::Claimed { lock, .. })
                    if matches!(self.state(), Ok(ServerState::Running)) =>
                {
                    tracing::warn!(
                        data_dir = %self.data_dir.display(),
                        "the process that ran the embedded PostgreSQL has exited; stopping it"
                    );
                    *owner_lock = Some(lock);
                }
                _ => {
                    *stopped = true;
                    return Ok(());
                }
            }
        }
        tracing::info!(
            data_dir = %self.data_dir.display(),
            run_as = %self.who.label,
            "stopping embedded PostgreSQL"
        );
        let out = self.run(
            self.pg_ctl()
                .arg("-D")
                .arg(&self.data_dir)
                .args(["-m", "fast", "-w", "-t", "60", "stop"]),
            "pg_ctl",
        )?;
        if out.status.success() || matches!(self.state(), Ok(ServerState::NotRunning)) {
            *stopped = true;
            // Only once the server is down may the next starter take the data dir.
            *owner_lock = None;
            return Ok(());
        }
        Err(EmbeddedError::StopFailed {
            data_dir: self.data_dir.clone(),
            status: out.status.to_string(),
            output: tail_lines(&out.text, TAIL_LINES),
        })
    }

    /// For throwaway test clusters: stop (if owned) and remove base_dir entirely (and the /tmp socket dir if one was used).
    ///
    /// For a handle that does not own the server, refuses with [`EmbeddedError::InUse`] while
    /// that server is still running, since deleting its files would strand it. Removing an
    /// already removed directory is not an error.
    pub fn stop_and_remove(&self) -> Result<(), EmbeddedError> {
        self.stop()?;
        if !self.owns && matches!(self.state()?, ServerState::Running) {
            return Err(EmbeddedError::InUse {
                base_dir: self.base_dir.clone(),
            });
        }
        tracing::info!(base_dir = %self.base_dir.display(), "removing embedded PostgreSQL cluster");
        remove_dir_if_present(&self.base_dir)?;
        if let Some(tmp) = &self.tmp_socket_dir {
            remove_dir_if_present(tmp)?;
        }
        Ok(())
    }

    fn pg_ctl(&self) -> Command {
        self.who
            .command(&self.bin_dir.join("pg_ctl"), &self.base_dir)
    }

    fn run(&self, cmd: &mut Command, name: &str) -> Result<Captured, EmbeddedError> {
        let out = cmd
            .output()
            .map_err(io_err(format!("run {}", self.bin_dir.join(name).display())))?;
        let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        Ok(Captured {
            status: out.status,
            text,
        })
    }

    fn state(&self) -> Result<ServerState, EmbeddedError> {
        let out = self.run(
            self.pg_ctl().arg("-D").arg(&self.data_dir).arg("status"),
            "pg_ctl",
        )?;
        // pg_ctl status: 0 = running, 3 = not running, 4 = no accessible data directory.
        match out.status.code() {
            Some(0) => Ok(ServerState::Running),
            Some(3 | 4) => Ok(ServerState::NotRunning),
            _ => Err(EmbeddedError::StatusFailed {
                data_dir: self.data_dir.clone(),
                status: out.status.to_string(),
                output: tail_lines(&out.text, TAIL_LINES),
            }),
        }
    }

    fn initdb(&self, opts: &EmbeddedOptions) -> Result<(), EmbeddedError> {
        tracing::info!(
            data_dir = %self.data_dir.display(),
            bin_dir = %self.bin_dir.display(),
            run_as = %self.who.label,
            "creating embedded PostgreSQL cluster"
        );
        let mut cmd = self
            .who
            .command(&self.bin_dir.join("initdb"), &self.base_dir);
        cmd.arg("-D").arg(&self.data_dir).args([
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        ]);
        if !opts.durable {
            cmd.arg("--no-sync");
        }
        let out = self.run(&mut cmd, "initdb")?;
        if !out.status.success() {
            return Err(EmbeddedError::InitdbFailed {
                data_dir: self.data_dir.clone(),
                status: out.status.to_string(),
                output: tail_lines(&out.text, TAIL_LINES),
            });
        }
        Ok(())
    }

    /// Catches a cluster/binary major-version mismatch up front, where the server would only
    /// say so in its log.
    fn check_data_version(&self) -> Result<(), EmbeddedError> {
        let Ok(data_version) = fs::read_to_string(self.data_dir.join("PG_VERSION")) else {
            return Ok(());
        };
        let data_version = data_version.trim().to_owned();
        let Ok((bin_major, bin_version)) = server_version(&self.bin_dir) else {
            return Ok(());
        };
        if data_version.parse::<u32>().is_ok_and(|v| v != bin_major) {
            return Err(EmbeddedError::VersionMismatch {
                data_dir: self.data_dir.clone(),
                data_version,
                bin_dir: self.bin_dir.clone(),
                bin_version,
            });
        }
        Ok(())
    }

    fn start_server(&self, opts: &EmbeddedOptions) -> Result<(), EmbeddedError> {
        let mut server_args: Vec<Vec<u8>> = vec![
            b"-c".to_vec(),
            b"listen_addresses=".to_vec(),
            b"-k".to_vec(),
            self.socket_dir.as_os_str().as_bytes().to_vec(),
            b"-p".to_vec(),
            PORT.to_string().into_bytes(),
            b"-c".to_vec(),
            b"unix_socket_permissions=0700".to_vec(),
        ];
        if !opts.durable {
            for setting in [
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
            ] {
                server_args.push(b"-c".to_vec());
                server_args.push(setting.as_bytes().to_vec());
            }
        }
        for (name, value) in &opts.settings {
            server_args.push(b"-c".to_vec());
            server_args.push(format!("{name}={value}").into_bytes());
        }
        // pg_ctl pastes -o into a `sh -c` command line, so every word must be shell-quoted.
        let server_opts = OsString::from_vec(
            server_args
                .iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(&b' '),
        );

        tracing::info!(
            data_dir = %self.data_dir.display(),
            bin_dir = %self.bin_dir.display(),
            run_as = %self.who.label,
            socket_dir = %self.socket_dir.display(),
            durable = opts.durable,
            "starting embedded PostgreSQL"
        );
        let out = self.run(
            self.pg_ctl()
                .arg("-D")
                .arg(&self.data_dir)
                .arg("-l")
                .arg(&self.log_file)
                .args(["-w", "-t", "60", "-o"])
                .arg(server_opts)
                .arg("start"),
            "pg_ctl",
        )?;
        if !out.status.success() {
            let mut output = tail_lines(&out.text, TAIL_LINES);
            if let Some(log) = tail_file(&self.log_file, TAIL_LINES) {
                output.push_str(&format!(
                    "\n--- last lines of {} ---\n{log}",
                    self.log_file.display()
                ));
            }
            return Err(EmbeddedError::StartFailed {
                data_dir: self.data_dir.clone(),
                log_file: self.log_file.clone(),
                status: out.status.to_string(),
                output,
            });
        }
        Ok(())
    }

    /// Takes the socket directory and port from the running server's postmaster.pid, so a server
    /// started with different settings (or an older base_dir spelling) is still found.
    fn adopt_pid_file(&mut self) {
        let Ok(pid_file) = fs::read(self.data_dir.join("postmaster.pid")) else {
            return;
        };
        // Lines: pid, data dir, start time, port, first socket dir, listen address, shm key, status.
        let lines: Vec<&[u8]> = pid_file.split(|b| *b == b'\n').collect();
        if let Some(port) = lines
            .get(3)
            .and_then(|l| std::str::from_utf8(l).ok())
            .and_then(|l| l.trim().parse().ok())
        {
            self.port = port;
        }
        if let Some(dir) = lines.get(4).filter(|l| l.starts_with(b"/")) {
            self.socket_dir = PathBuf::from(OsString::from_vec(dir.to_vec()));
        }
    }
}

struct Captured {
    status: ExitStatus,
    text: String,
}

/// Makes `base_dir` absolute, creates it if needed and, when we are root, hands it to the
/// run-as user and checks that user can reach it.
fn prepare_base_dir(base_dir: &Path, who: &Identity) -> Result<PathBuf, EmbeddedError> {
    let abs = if base_dir.is_absolute() {
        base_dir.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(io_err("determine the current directory"))?
            .join(base_dir)
    };
    // Checked before creating anything too, so a refusal leaves no stray directories behind.
    if who.switch {
        check_traversable(&abs, who, false)?;
    }
    if let Some(parent) = abs.parent() {
        fs::create_dir_all(parent)
            .map_err(io_err(format!("create directory {}", parent.display())))?;
    }
    match DirBuilder::new().mode(0o700).create(&abs) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_err(format!("create directory {}", abs.display()))(e)),
    }
    let canon =
        fs::canonicalize(&abs).map_err(io_err(format!("resolve directory {}", abs.display())))?;
    if who.switch {
        let meta = fs::metadata(&canon).map_err(io_err(format!("inspect {}", canon.display())))?;
        if meta.uid() != who.uid || meta.gid() != who.gid {
            std::os::unix::fs::chown(&canon, Some(who.uid), Some(who.gid)).map_err(io_err(
                format!("give {} to user `{}`", canon.display(), who.label),
            ))?;
        }
        // The server appends to the log as the run-as user; a log left by a root-run tool
        // would make it fail to start.
        let log = canon.join("postgres.log");
        if let Ok(meta) = fs::symlink_metadata(&log)
            && meta.is_file()
            && meta.uid() != who.uid
        {
            std::os::unix::fs::lchown(&log, Some(who.uid), Some(who.gid)).map_err(io_err(
                format!("give {} to user `{}`", log.display(), who.label),
            ))?;
        }
        check_traversable(&canon, who, true)?;
    }
    Ok(canon)
}

/// Checks that `who` can search every directory down to `base_dir` (or only down to its parent,
/// before base_dir is created or handed over).
fn check_traversable(
    base_dir: &Path,
    who: &Identity,
    include_base: bool,
) -> Result<(), EmbeddedError> {
    let skip = usize::from(!include_base);
    let mut chain: Vec<&Path> = base_dir.ancestors().skip(skip).collect();
    chain.reverse();
    for dir in chain {
        let meta = match fs::metadata(dir) {
            Ok(meta) => meta,
            // Not created yet; the check after creation covers it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => break,
            Err(e) => return Err(io_err(format!("inspect {}", dir.display()))(e)),
        };
        if !who.can_search(&meta) {
            return Err(EmbeddedError::NotTraversable {
                user: who.label.clone(),
                base_dir: base_dir.to_path_buf(),
                blocked: dir.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// Takes the exclusive lock that serialises starters (and stoppers) on one base_dir.
fn lock_base_dir(base_dir: &Path) -> Result<File, EmbeddedError> {
    let path = base_dir.join(".lock");
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(io_err(format!("open lock file {}", path.display())))?;
    file.lock()
        .map_err(io_err(format!("lock {}", path.display())))?;
    Ok(file)
}

/// The /tmp socket directory for `base_dir` if `base_dir/run` would make the socket path too
/// long. Derived only from the canonical base_dir, so every process finds the same one.
fn tmp_socket_dir_for(base_dir: &Path) -> Option<PathBuf> {
    let socket = base_dir.join("run").join(format!(".s.PGSQL.{PORT}"));
    if socket.as_os_str().len() <= MAX_SOCKET_PATH {
        return None;
    }
    Some(PathBuf::from(format!(
        "/tmp/{TMP_SOCKET_PREFIX}{:016x}",
        fnv1a(base_dir.as_os_str().as_bytes())
    )))
}

/// FNV-1a: tiny, and unlike std's hasher guaranteed stable across builds, which matters because
/// a later process (maybe a newer binary) must derive the same directory name.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Creates the socket directory (0700, owned by the run-as user) or checks an existing one.
/// `shared` marks a directory in world-writable /tmp, where anyone could have created it first.
fn ensure_socket_dir(dir: &Path, who: &Identity, shared: bool) -> Result<(), EmbeddedError> {
    match DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(io_err(format!("create directory {}", dir.display()))(e)),
    }
    let untrusted = || EmbeddedError::UntrustedSocketDir {
        path: dir.to_path_buf(),
        user: who.label.clone(),
    };
    let meta = fs::symlink_metadata(dir).map_err(io_err(format!("inspect {}", dir.display())))?;
    if !meta.is_dir() {
        return Err(untrusted());
    }
    if meta.uid() != who.uid {
        // Inside our own base_dir any owner is ours to fix; in /tmp only one we created as root.
        let ours = who.switch && (!shared || meta.uid() == 0);
        if !ours {
            return Err(untrusted());
        }
        std::os::unix::fs::lchown(dir, Some(who.uid), Some(who.gid)).map_err(io_err(format!(
            "give {} to user `{}`",
            dir.display(),
            who.label
        )))?;
    }
    if meta.mode() & 0o7777 != 0o700 {
        fs::set_permissions(dir, Permissions::from_mode(0o700))
            .map_err(io_err(format!("set permissions of {}", dir.display())))?;
    }
    Ok(())
}

fn remove_dir_if_present(dir: &Path) -> Result<(), EmbeddedError> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(format!("remove {}", dir.display()))(e)),
    }
}

/// Single-quotes a word for `sh` unless it is plainly safe.
fn shell_quote(word: &[u8]) -> Vec<u8> {
    let safe = !word.is_empty()
        && word
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=./,:@%+".contains(b));
    if safe {
        return word.to_vec();
    }
    let mut quoted = vec![b'\''];
    for &b in word {
        if b == b'\'' {
            quoted.extend_from_slice(b"'\\''");
        } else {
            quoted.push(b);
        }
    }
    quoted.push(b'\'');
    quoted
}

/// Quotes a value for a libpq key/value connection string when it needs it.
pub fn conninfo_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '\\');
    if plain {
        return value.to_owned();
    }
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        if c == '\'' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

fn tail_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The last `n` lines of a file that may have grown large over many restarts.
fn tail_file(path: &Path, n: usize) -> Option<String> {
    const WINDOW: u64 = 16 * 1024;
    let mut file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(WINDOW)))
        .ok()?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf).ok()?;
    Some(tail_lines(&String::from_utf8_lossy(&buf), n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    type TestResult = Result<(), Box<dyn Error>>;

    static COUNTER: AtomicUsize = AtomicUsize::new(0);

    fn unique_dir(tag: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "mm-emb-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ))
    }

    fn test_opts() -> Result<EmbeddedOptions, EmbeddedError> {
        Ok(EmbeddedOptions {
            bin_dir: find_bin_dir(None)?,
            durable: false,
            run_as: None,
            settings: vec![("shared_buffers".into(), "16MB".into())],
        })
    }

    /// Stops and deletes whatever a test left behind, even when it failed half-way.
    struct Cleanup(PathBuf);

    impl Drop for Cleanup {
        fn drop(&mut self) {
            let Ok(base) = fs::canonicalize(&self.0) else {
                return;
            };
            if let (Ok(opts), Ok(who)) = (test_opts(), Identity::resolve(None)) {
                let _ = who
                    .command(&opts.bin_dir.join("pg_ctl"), Path::new("/"))
                    .arg("-D")
                    .arg(base.join("data"))
                    .args(["-m", "immediate", "-w", "stop"])
                    .output();
            }
            if let Some(tmp) = tmp_socket_dir_for(&base) {
                let _ = fs::remove_dir_all(tmp);
            }
            let _ = fs::remove_dir_all(&base);
        }
    }

    fn is_running(pg: &EmbeddedPostgres) -> Result<bool, EmbeddedError> {
        Ok(matches!(pg.state()?, ServerState::Running))
    }

    #[test]
    fn parses_versions() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n"),
            Some((15, "15.18".to_owned()))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 17beta1"),
            Some((17, "17beta1".to_owned()))
        );
        assert_eq!(
            parse_version("postgres (PostgreSQL) 9.6.24").map(|v| v.0),
            Some(9)
        );
        assert_eq!(parse_version("something else 15.1"), None);
    }

    #[test]
    fn quotes_for_shell_and_conninfo() {
        assert_eq!(shell_quote(b"listen_addresses="), b"listen_addresses=");
        assert_eq!(shell_quote(b"a b"), b"'a b'");
        assert_eq!(shell_quote(b"it's"), b"'it'\\''s'");
        assert_eq!(shell_quote(b""), b"''");
        assert_eq!(conninfo_quote("/tmp/x"), "/tmp/x");
        assert_eq!(conninfo_quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(conninfo_quote("o'k\\"), "'o\\'k\\\\'");
    }

    #[test]
    fn finds_bin_dir() -> TestResult {
        let dir = find_bin_dir(None)?;
        assert!(missing_tools(&dir).is_empty(), "{}", dir.display());
        let (major, _) = server_version(&dir)?;
        assert!(major >= MIN_MAJOR);
        // The explicit form accepts what the search found.
        assert_eq!(find_bin_dir(Some(&dir))?, dir);
        Ok(())
    }

    #[test]
    fn rejects_bogus_bin_dir() -> TestResult {
        let missing = Path::new("/nonexistent/mantelmonitor/bin");
        let err = find_bin_dir(Some(missing))
            .err()
            .ok_or("bogus dir accepted")?;
        assert!(
            matches!(err, EmbeddedError::InvalidBinDir { .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        for needle in ["PG_BIN", "DATABASE_URL", "docker compose"] {
            assert!(msg.contains(needle), "{msg}");
        }

        // Exists but holds no server binaries.
        let empty = std::env::temp_dir();
        let err = find_bin_dir(Some(&empty))
            .err()
            .ok_or("temp dir accepted")?;
        assert!(err.to_string().contains("pg_ctl"), "{err}");
        Ok(())
    }

    #[test]
    fn not_found_message_names_the_ways_out() {
        let msg = EmbeddedError::NotFound { rejected: vec![] }.to_string();
        for needle in [
            "PostgreSQL 15 or newer",
            "apt-get install postgresql-15",
            "PG_BIN",
            "DATABASE_URL",
            "docker compose up",
        ] {
            assert!(msg.contains(needle), "{msg}");
        }
        let msg = EmbeddedError::NotFound {
            rejected: vec!["PostgreSQL 13.4 in /usr/lib/postgresql/13/bin is too old".into()],
        }
        .to_string();
        assert!(msg.contains("13.4"), "{msg}");
    }

    #[test]
    fn starts_reuses_stops_and_removes() -> TestResult {
        let opts = test_opts()?;
        let base = unique_dir("life");
        let _cleanup = Cleanup(base.clone());

        let pg = EmbeddedPostgres::start(&base, &opts)?;
        assert!(pg.owns_server());
        assert!(is_running(&pg)?);
        let socket = pg.socket_dir().join(".s.PGSQL.5432");
        assert!(socket.exists(), "{}", socket.display());
        assert_eq!(pg.socket_dir(), fs::canonicalize(&base)?.join("run"));
        assert_eq!(
            pg.connection_string("mantel"),
            format!(
                "host={} port=5432 user=postgres dbname=mantel",
                pg.socket_dir().display()
            )
        );

        let meta = fs::metadata(&base)?;
        assert_eq!(meta.mode() & 0o777, 0o700);
        let who = Identity::resolve(None)?;
        assert_eq!(meta.uid(), who.uid);
        assert_eq!(fs::metadata(pg.socket_dir())?.mode() & 0o777, 0o700);

        // A second starter attaches to the running server and must not stop it.
        let second = EmbeddedPostgres::start(&base, &opts)?;
        assert!(!second.owns_server());
        assert_eq!(second.connection_string("x"), pg.connection_string("x"));
        second.stop()?;
        assert!(is_running(&pg)?);
        let err = second
            .stop_and_remove()
            .err()
            .ok_or("removed a running cluster")?;
        assert!(matches!(err, EmbeddedError::InUse { .. }), "{err:?}");
        assert!(base.exists());

        pg.stop()?;
        assert!(!is_running(&pg)?);
        assert!(!socket.exists());
        pg.stop()?;

        // Restarting an existing cluster skips initdb and owns the new server.
        let again = EmbeddedPostgres::start(&base, &opts)?;
        assert!(again.owns_server());
        assert!(is_running(&again)?);
        again.stop_and_remove()?;
        assert!(!base.exists());
        again.stop_and_remove()?;
        Ok(())
    }

    /// What the kernel does to a crashed owner's lock, without crashing the test process.
    fn owner_dies(pg: &EmbeddedPostgres) {
        *pg.owner_lock.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    #[test]
    fn a_server_whose_owner_died_is_taken_over_or_stopped_by_its_last_user() -> TestResult {
        let opts = test_opts()?;
        let base = unique_dir("orphan");
        let _cleanup = Cleanup(base.clone());

        let crashed = EmbeddedPostgres::start(&base, &opts)?;
        let guest = EmbeddedPostgres::start(&base, &opts)?;
        assert!(!guest.owns_server());
        owner_dies(&crashed);

        // The next starter takes the orphan over instead of only using it.
        let next = EmbeddedPostgres::start(&base, &opts)?;
        assert!(next.owns_server());
        assert_eq!(next.connection_string("d"), crashed.connection_string("d"));
        // While it lives, the guest leaves the server to it.
        guest.stop()?;
        assert!(is_running(&next)?);
        owner_dies(&next);

        // A guest that outlives every owner stops the orphan when it is done.
        let last = EmbeddedPostgres::start(&base, &opts)?;
        let late_guest = EmbeddedPostgres::start(&base, &opts)?;
        assert!(last.owns_server() && !late_guest.owns_server());
        owner_dies(&last);
        late_guest.stop()?;
        assert!(!is_running(&last)?);
        Ok(())
    }

    #[test]
    fn concurrent_starters_share_one_server() -> TestResult {
        let opts = Arc::new(test_opts()?);
        let base = unique_dir("race");
        let _cleanup = Cleanup(base.clone());
        let barrier = Arc::new(Barrier::new(2));

        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (opts, base, barrier) = (opts.clone(), base.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    EmbeddedPostgres::start(&base, &opts)
                })
            })
            .collect();
        let mut started = Vec::new();
        for handle in handles {
            started.push(handle.join().map_err(|_| "starter thread panicked")??);
        }
        assert_eq!(started.iter().filter(|pg| pg.owns_server()).count(), 1);
        assert_eq!(
            started[0].connection_string("d"),
            started[1].connection_string("d")
        );
        let owner = started
            .iter()
            .find(|pg| pg.owns_server())
            .ok_or("no owner")?;
        assert!(is_running(owner)?);
        owner.stop_and_remove()?;
        assert!(!base.exists());
        Ok(())
    }

    #[test]
    fn long_base_dir_uses_tmp_socket_dir() -> TestResult {
        let opts = test_opts()?;
        let top = unique_dir("long");
        let _cleanup_top = Cleanup(top.clone());
        let base = top.join("x".repeat(100));
        let _cleanup = Cleanup(base.clone());

        let pg = EmbeddedPostgres::start(&base, &opts)?;
        assert!(pg.owns_server());
        let socket_dir = pg.socket_dir().to_path_buf();
        assert!(
            socket_dir.starts_with("/tmp") && socket_dir != fs::canonicalize(&base)?.join("run"),
            "{}",
            socket_dir.display()
        );
        assert!(socket_dir.join(".s.PGSQL.5432").exists());
        assert_eq!(fs::metadata(&socket_dir)?.mode() & 0o777, 0o700);

        let second = EmbeddedPostgres::start(&base, &opts)?;
        assert!(!second.owns_server());
        assert_eq!(second.socket_dir(), socket_dir);

        pg.stop_and_remove()?;
        assert!(!base.exists());
        assert!(!socket_dir.exists());
        Ok(())
    }

    #[test]
    fn start_failure_shows_log_tail() -> TestResult {
        let mut opts = test_opts()?;
        opts.settings
            .push(("no_such_setting_here".into(), "1".into()));
        let base = unique_dir("fail");
        let _cleanup = Cleanup(base.clone());

        let err = EmbeddedPostgres::start(&base, &opts)
            .err()
            .ok_or("started with a bogus setting")?;
        assert!(matches!(err, EmbeddedError::StartFailed { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(msg.contains("no_such_setting_here"), "{msg}");
        assert!(msg.contains("postgres.log"), "{msg}");
        Ok(())
    }

    #[test]
    fn reports_untraversable_ancestor() -> TestResult {
        let who = Identity::resolve(None)?;
        if !who.switch {
            // Only root runs the server as a different user.
            return Ok(());
        }
        let opts = test_opts()?;
        let closed = unique_dir("closed");
        let _cleanup = Cleanup(closed.clone());
        DirBuilder::new().mode(0o700).create(&closed)?;
        fs::set_permissions(&closed, Permissions::from_mode(0o700))?;

        let err = EmbeddedPostgres::start(&closed.join("db"), &opts)
            .err()
            .ok_or("started under a closed directory")?;
        let EmbeddedError::NotTraversable { blocked, .. } = &err else {
            return Err(format!("unexpected error: {err:?}").into());
        };
        assert_eq!(blocked, &fs::canonicalize(&closed)?);
        assert!(!closed.join("db").exists());
        let msg = err.to_string();
        assert!(msg.contains("MANTELMONITOR_DATA_DIR"), "{msg}");
        assert!(msg.contains("postgres"), "{msg}");
        Ok(())
    }
}
