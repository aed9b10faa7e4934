//! Who the Postgres commands run as: ourselves, or (as root) an unprivileged system user.

use super::*;

/// The identity Postgres commands run with.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    /// For messages and logs.
    pub(crate) label: String,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    /// Whether to switch to `uid`/`gid` when spawning (only when we are root).
    pub(crate) switch: bool,
}

impl Identity {
    pub(crate) fn resolve(run_as: Option<&str>) -> Result<Self, EmbeddedError> {
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
    pub(crate) fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(cwd).stdin(Stdio::null());
        if self.switch {
            cmd.gid(self.gid).uid(self.uid);
        }
        cmd
    }

    pub(crate) fn can_search(&self, meta: &fs::Metadata) -> bool {
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
pub(crate) fn lookup_user(name: &str) -> io::Result<Option<(u32, u32)>> {
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
