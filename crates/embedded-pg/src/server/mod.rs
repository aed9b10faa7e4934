//! Starting, joining, stopping and removing one base directory's server.

use super::*;

mod launch;

/// A PostgreSQL server for one base directory, started by us or found already running.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    pub(crate) base_dir: PathBuf,
    pub(crate) data_dir: PathBuf,
    pub(crate) log_file: PathBuf,
    pub(crate) socket_dir: PathBuf,
    /// The /tmp socket directory we use because base_dir is too long, if any.
    pub(crate) tmp_socket_dir: Option<PathBuf>,
    pub(crate) port: u16,
    pub(crate) bin_dir: PathBuf,
    pub(crate) who: Identity,
    pub(crate) owns: bool,
    /// Held while this handle is responsible for stopping the server (see `owner.lock`).
    pub(crate) owner_lock: Mutex<Option<HolderLock>>,
    /// Guards `stop` so concurrent and repeated calls stop the server once.
    pub(crate) stopped: Mutex<bool>,
}

pub(crate) enum ServerState {
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

    pub(crate) fn take_ownership(&mut self, lock: HolderLock) {
        self.owns = true;
        *self.owner_lock.get_mut().unwrap_or_else(|p| p.into_inner()) = Some(lock);
    }

    /// Clears `postmaster.pid` and the socket lock when they name a process that is not this
    /// cluster's server, so that neither `pg_ctl status` nor the server is fooled by them.
    pub(crate) fn clear_stale_lock_files(&self) -> Result<(), EmbeddedError> {
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

    pub(crate) fn pg_ctl(&self) -> Command {
        self.who
            .command(&self.bin_dir.join("pg_ctl"), &self.base_dir)
    }

    pub(crate) fn run(&self, cmd: &mut Command, name: &str) -> Result<Captured, EmbeddedError> {
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

    pub(crate) fn state(&self) -> Result<ServerState, EmbeddedError> {
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
}

pub(crate) struct Captured {
    pub(crate) status: ExitStatus,
    pub(crate) text: String,
}
