//! Tests of the holder locks and of recognising stale PostgreSQL lock files.

use super::*;
use std::error::Error;

type TestResult = Result<(), Box<dyn Error>>;

fn temp_dir(tag: &str) -> Result<PathBuf, io::Error> {
    let dir = std::env::temp_dir().join(format!(
        "mm-own-{tag}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[test]
fn a_held_lock_names_its_holder_and_is_free_once_dropped() -> TestResult {
    let dir = temp_dir("lock")?;
    let path = dir.join("owner.lock");
    let Claim::Claimed { lock, previous } = HolderLock::try_claim(&path)? else {
        return Err("a fresh lock was taken".into());
    };
    assert_eq!(previous, None);
    // flock locks belong to the open file, so a second open in this process is refused
    // just as another process would be.
    let Claim::HeldBy(holder) = HolderLock::try_claim(&path)? else {
        return Err("a held lock was claimed twice".into());
    };
    assert_eq!(holder.pid, Some(std::process::id()));
    let text = holder.to_string();
    assert!(text.starts_with(&format!("PID {} (`", std::process::id())));
    assert!(text.contains("UTC"), "{text}");

    drop(lock);
    let Claim::Claimed { previous, .. } = HolderLock::try_claim(&path)? else {
        return Err("a released lock stayed taken".into());
    };
    assert_eq!(previous.and_then(|p| p.pid), Some(std::process::id()));
    fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn a_half_written_holder_still_reads() {
    assert_eq!(Holder::parse("").to_string(), "another process");
    assert_eq!(Holder::parse("pid=12\n").to_string(), "PID 12");
    assert_eq!(
        Holder::parse("pid=12\nsince=0\ncommand=mantelmonitor serve\n").to_string(),
        "PID 12 (`mantelmonitor serve`, since 1970-01-01 00:00:00 UTC)"
    );
}

#[test]
fn lock_files_naming_gone_or_foreign_processes_are_stale() -> TestResult {
    let dir = temp_dir("stale")?;
    let pid_file = dir.join("postmaster.pid");
    assert_eq!(inspect(&pid_file, &dir), LockFile::Absent);

    fs::write(&pid_file, "")?;
    let LockFile::Stale(stale) = inspect(&pid_file, &dir) else {
        return Err("an empty pid file was not stale".into());
    };
    assert_eq!(stale.pid, None);

    // This test process is alive, but no postgres.
    fs::write(
        &pid_file,
        format!("{}\n{}\n", std::process::id(), dir.display()),
    )?;
    let LockFile::Stale(stale) = inspect(&pid_file, &dir) else {
        return Err("a pid file naming the test process was not stale".into());
    };
    assert_eq!(stale.pid, Some(std::process::id()));
    assert!(stale.why.contains("not this cluster's"), "{}", stale.why);

    // PIDs never exceed 2^22 on Linux.
    fs::write(&pid_file, "99999999\n")?;
    let LockFile::Stale(stale) = inspect(&pid_file, &dir) else {
        return Err("a pid file naming no process was not stale".into());
    };
    assert_eq!(stale.why, "no longer exists");

    let socket_lock = dir.join(".s.PGSQL.5432.lock");
    fs::write(&socket_lock, "99999998\n")?;
    let cleared = clear_stale(&dir, &socket_lock)?;
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    assert!(!pid_file.exists() && !socket_lock.exists());
    fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn recognises_the_postgres_binary() {
    assert!(is_postgres_binary(Path::new(
        "/usr/lib/postgresql/15/bin/postgres"
    )));
    assert!(is_postgres_binary(Path::new(
        "/usr/lib/postgresql/15/bin/postgres (deleted)"
    )));
    assert!(!is_postgres_binary(Path::new("/usr/bin/sleep")));
}
