//! Who runs the embedded cluster, and lock files left behind by a server that is gone.
//!
//! A [`HolderLock`] is a file held with a non-blocking exclusive `flock` for as long as its
//! holder lives. The kernel drops the lock when the process dies, however it dies, so a free
//! lock means its last holder is gone and a taken one names a live process; the holder writes
//! its PID, start time and command line into the file so a refusal can say who it is.
//!
//! `postmaster.pid` (and the socket's `.s.PGSQL.<port>.lock`) name the server's PID. After a
//! crash that PID may belong to another process; PostgreSQL then refuses to start, and
//! `pg_ctl status` reports a server that is not there. A file is recognised as this cluster's
//! only when its PID runs the `postgres` binary inside the data directory (the postmaster
//! changes into it first thing).

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// A lock file this process holds; the lock goes when it is dropped or the process dies.
#[derive(Debug)]
pub struct HolderLock {
    _file: File,
}

/// The process that holds (or last held) a lock file, as it described itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holder {
    pub pid: Option<u32>,
    /// Unix seconds when it took the lock.
    pub since: Option<i64>,
    pub command: Option<String>,
}

/// The outcome of [`HolderLock::try_claim`].
#[derive(Debug)]
pub enum Claim {
    /// The lock is ours; `previous` is whoever held it last, if anyone wrote it.
    Claimed {
        lock: HolderLock,
        previous: Option<Holder>,
    },
    /// A live process holds it.
    HeldBy(Holder),
}

impl HolderLock {
    /// Takes the lock at `path` if no live process holds it, never waiting.
    ///
    /// The file is opened close-on-exec (std's default), so the servers we spawn do not inherit
    /// the lock and keep it after we are gone.
    pub fn try_claim(path: &Path) -> io::Result<Claim> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Ok(Claim::HeldBy(Holder::parse(&read_all(&mut file)?)));
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        let previous = Some(Holder::parse(&read_all(&mut file)?)).filter(|h| h.pid.is_some());
        file.set_len(0)?;
        file.rewind()?;
        file.write_all(Holder::this_process().render().as_bytes())?;
        Ok(Claim::Claimed {
            lock: HolderLock { _file: file },
            previous,
        })
    }
}

/// The lock a long-running service holds on its data directory, so that a second one is
/// refused instead of sharing (and later stopping) the first one's database.
#[derive(Debug)]
pub struct ServiceLock {
    _lock: HolderLock,
}

impl ServiceLock {
    /// The lock, or who holds it.
    pub fn claim(path: &Path) -> io::Result<Result<ServiceLock, Holder>> {
        Ok(match HolderLock::try_claim(path)? {
            Claim::Claimed { lock, .. } => Ok(ServiceLock { _lock: lock }),
            Claim::HeldBy(holder) => Err(holder),
        })
    }
}

fn read_all(file: &mut File) -> io::Result<String> {
    let mut text = String::new();
    file.rewind()?;
    file.take(4096).read_to_string(&mut text)?;
    Ok(text)
}

impl Holder {
    fn this_process() -> Self {
        let command: String = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(200)
            .collect();
        Holder {
            pid: Some(std::process::id()),
            since: Some(chrono::Utc::now().timestamp()),
            command: Some(command),
        }
    }

    fn render(&self) -> String {
        let mut text = String::new();
        if let Some(pid) = self.pid {
            text.push_str(&format!("pid={pid}\n"));
        }
        if let Some(since) = self.since {
            text.push_str(&format!("since={since}\n"));
        }
        if let Some(command) = &self.command {
            text.push_str(&format!("command={command}\n"));
        }
        text
    }

    /// Reads what [`Holder::render`] wrote; a file caught half-written gives fewer fields.
    fn parse(text: &str) -> Self {
        let mut holder = Holder::default();
        for line in text.lines() {
            match line.split_once('=') {
                Some(("pid", v)) => holder.pid = v.trim().parse().ok(),
                Some(("since", v)) => holder.since = v.trim().parse().ok(),
                Some(("command", v)) if !v.trim().is_empty() => {
                    holder.command = Some(v.trim().to_owned());
                }
                _ => {}
            }
        }
        holder
    }
}

/// "PID 1234 (`mantelmonitor serve`, since 2026-05-04 09:30:00 UTC)".
impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pid {
            Some(pid) => write!(f, "PID {pid}")?,
            None => write!(f, "another process")?,
        }
        let since = self
            .since
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(|t| t.format("since %Y-%m-%d %H:%M:%S UTC").to_string());
        match (&self.command, since) {
            (Some(command), Some(since)) => write!(f, " (`{command}`, {since})"),
            (Some(command), None) => write!(f, " (`{command}`)"),
            (None, Some(since)) => write!(f, " ({since})"),
            (None, None) => Ok(()),
        }
    }
}

/// A lock file of PostgreSQL's that names no server of this cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: PathBuf,
    pub pid: Option<u32>,
    /// Completes "it names PID 1234, which …".
    pub why: String,
}

/// What a PostgreSQL lock file says about the server of `data_dir`.
#[derive(Debug, PartialEq, Eq)]
pub enum LockFile {
    Absent,
    /// Its PID is this cluster's postmaster.
    Live,
    Stale(Stale),
}

/// A stale lock file that could not be recovered from, with what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StaleLockError {
    #[error(
        "{} is left over from a PostgreSQL server that did not shut down cleanly: it names {}. It was not removed because PostgreSQL processes still run in {} (PIDs {}). Stop them (e.g. `kill {}`) and wait until they are gone, then start again; do not remove the file while they run.",
        stale.path.display(), stale.describe(), data_dir.display(), join(survivors, ", "), join(survivors, " ")
    )]
    StillInUse {
        stale: Stale,
        data_dir: PathBuf,
        survivors: Vec<u32>,
    },
    #[error(
        "{} is left over from a PostgreSQL server that did not shut down cleanly: it names {}. It could not be removed ({error}). Make sure no PostgreSQL runs in {} (`ps -ef | grep postgres`), remove it by hand (`rm {}`) and start again.",
        stale.path.display(), stale.describe(), data_dir.display(), stale.path.display()
    )]
    Unremovable {
        stale: Stale,
        data_dir: PathBuf,
        error: io::Error,
    },
}

fn join(pids: &[u32], sep: &str) -> String {
    pids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

impl Stale {
    fn describe(&self) -> String {
        match self.pid {
            Some(pid) => format!("PID {pid}, which {}", self.why),
            None => format!("no process ({})", self.why),
        }
    }
}

/// Reads the PID on the first line of a PostgreSQL lock file and checks who that is.
pub fn inspect(path: &Path, data_dir: &Path) -> LockFile {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return LockFile::Absent,
        // Unreadable is not proof of anything; PostgreSQL will judge it.
        Err(_) => return LockFile::Live,
    };
    let stale = |pid, why: String| {
        LockFile::Stale(Stale {
            path: path.to_path_buf(),
            pid,
            why,
        })
    };
    let first = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let Some(pid) = std::str::from_utf8(first)
        .ok()
        .and_then(|l| l.trim().parse::<u32>().ok())
        .filter(|pid| *pid > 0)
    else {
        return stale(None, "the file is empty or damaged".into());
    };
    match Process::of(pid) {
        None => stale(Some(pid), "no longer exists".into()),
        Some(p) if p.is_postgres_in(data_dir) => LockFile::Live,
        Some(p) => stale(
            Some(pid),
            format!("is `{}`, not this cluster's PostgreSQL server", p.name()),
        ),
    }
}

/// Removes this cluster's stale lock files (`postmaster.pid`, then the socket lock), unless a
/// server of the cluster still runs or PostgreSQL processes linger in the data directory: those
/// could still use the old shared memory, which PostgreSQL itself would check through the file.
pub fn clear_stale(data_dir: &Path, socket_lock: &Path) -> Result<Vec<Stale>, StaleLockError> {
    let pid_file = data_dir.join("postmaster.pid");
    let stale: Vec<Stale> = match inspect(&pid_file, data_dir) {
        LockFile::Live => return Ok(Vec::new()),
        LockFile::Stale(s) => vec![s],
        LockFile::Absent => Vec::new(),
    }
    .into_iter()
    .chain(match inspect(socket_lock, data_dir) {
        LockFile::Stale(s) => Some(s),
        LockFile::Absent | LockFile::Live => None,
    })
    .collect();
    let Some(first) = stale.first() else {
        return Ok(stale);
    };
    let survivors = postgres_processes_in(data_dir);
    if !survivors.is_empty() {
        return Err(StaleLockError::StillInUse {
            stale: first.clone(),
            data_dir: data_dir.to_path_buf(),
            survivors,
        });
    }
    for s in &stale {
        match fs::remove_file(&s.path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(StaleLockError::Unremovable {
                    stale: s.clone(),
                    data_dir: data_dir.to_path_buf(),
                    error,
                });
            }
        }
    }
    Ok(stale)
}

/// PIDs running the `postgres` binary with `data_dir` as their working directory: the
/// postmaster and every backend it forked.
fn postgres_processes_in(data_dir: &Path) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| Process::of(*pid).is_some_and(|p| p.is_postgres_in(data_dir)))
        .collect();
    pids.sort_unstable();
    pids
}

/// What /proc says about one process.
struct Process {
    pid: u32,
}

impl Process {
    fn of(pid: u32) -> Option<Self> {
        Path::new(&format!("/proc/{pid}"))
            .exists()
            .then_some(Process { pid })
    }

    fn is_postgres_in(&self, data_dir: &Path) -> bool {
        let dir = fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        let cwd = fs::read_link(format!("/proc/{}/cwd", self.pid));
        let exe = fs::read_link(format!("/proc/{}/exe", self.pid));
        match (cwd, exe) {
            (Ok(cwd), Ok(exe)) => cwd == dir && is_postgres_binary(&exe),
            _ => false,
        }
    }

    /// Its command line for messages, e.g. "sleep 60".
    fn name(&self) -> String {
        let raw = fs::read(format!("/proc/{}/cmdline", self.pid)).unwrap_or_default();
        let words: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|w| !w.is_empty())
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        let text: String = words.join(" ").chars().take(80).collect();
        if text.is_empty() {
            format!("process {}", self.pid)
        } else {
            text
        }
    }
}

/// `/usr/lib/postgresql/15/bin/postgres`, also once a package upgrade replaced the file.
fn is_postgres_binary(exe: &Path) -> bool {
    let name = exe.file_name().map(|n| n.to_string_lossy().into_owned());
    let name = name.as_deref().unwrap_or_default();
    let name = name.strip_suffix(" (deleted)").unwrap_or(name);
    matches!(name, "postgres" | "postmaster")
}

#[cfg(test)]
mod tests;
