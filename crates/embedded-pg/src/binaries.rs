//! Finding the PostgreSQL server binaries and their version.

use super::*;

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
pub(crate) fn bin_dir_candidates() -> Vec<PathBuf> {
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

pub(crate) fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

pub(crate) fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
}

pub(crate) fn missing_tools(dir: &Path) -> Vec<&'static str> {
    SERVER_TOOLS
        .into_iter()
        .filter(|tool| !is_executable(&dir.join(tool)))
        .collect()
}

/// Major version and full version string of the `postgres` binary in `bin_dir`.
pub(crate) fn server_version(bin_dir: &Path) -> Result<(u32, String), String> {
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
pub(crate) fn parse_version(text: &str) -> Option<(u32, String)> {
    let (_, rest) = text.split_once("(PostgreSQL)")?;
    let version = rest.split_whitespace().next()?;
    let digits: String = version.chars().take_while(char::is_ascii_digit).collect();
    let major = digits.parse().ok()?;
    Some((major, version.to_owned()))
}
