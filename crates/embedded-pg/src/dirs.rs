//! The base, data and socket directories: created, handed over, checked, locked.

use super::*;

/// Makes `base_dir` absolute, creates it if needed and, when we are root, hands it to the
/// run-as user and checks that user can reach it.
pub(crate) fn prepare_base_dir(base_dir: &Path, who: &Identity) -> Result<PathBuf, EmbeddedError> {
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
pub(crate) fn check_traversable(
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
pub(crate) fn lock_base_dir(base_dir: &Path) -> Result<File, EmbeddedError> {
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
pub(crate) fn tmp_socket_dir_for(base_dir: &Path) -> Option<PathBuf> {
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
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Creates the socket directory (0700, owned by the run-as user) or checks an existing one.
/// `shared` marks a directory in world-writable /tmp, where anyone could have created it first.
pub(crate) fn ensure_socket_dir(
    dir: &Path,
    who: &Identity,
    shared: bool,
) -> Result<(), EmbeddedError> {
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

pub(crate) fn remove_dir_if_present(dir: &Path) -> Result<(), EmbeddedError> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(format!("remove {}", dir.display()))(e)),
    }
}
