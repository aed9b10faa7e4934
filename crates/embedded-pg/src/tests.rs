//! Tests of the embedded cluster against the machine's real Postgres binaries.

use super::*;
use crate::server::ServerState;
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
