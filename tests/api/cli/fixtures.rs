//! Fixtures for the embedded cluster: a temporary data directory that shuts down a
//! Postgres left running in it, a `serve` child process terminated on drop, a free port,
//! and the check that the cluster was stopped.

use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

/// A fresh directory under the system temp dir, removed on drop. If a test fails while
/// an embedded Postgres still runs there, that server is shut down first.
pub(crate) struct TempDir {
    pub(crate) path: PathBuf,
}

impl TempDir {
    pub(crate) fn new(label: &str) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let path =
            std::env::temp_dir().join(format!("mm-cli-{label}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir(&path).expect("create temp dir");
        // The embedded Postgres runs as `postgres` when we are root; it must traverse this.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod temp dir");
        Self { path }
    }

    pub(crate) fn path_str(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }

    pub(crate) fn pid_file(&self) -> PathBuf {
        self.path.join("postgres/data/postmaster.pid")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if let Some(pid) = std::fs::read_to_string(self.pid_file())
            .ok()
            .and_then(|text| text.lines().next()?.trim().parse::<i32>().ok())
        {
            // SAFETY: signals the one postmaster our own child started in this directory.
            unsafe { libc::kill(pid, libc::SIGQUIT) };
            let deadline = Instant::now() + Duration::from_secs(10);
            while self.pid_file().exists() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A `serve` child process, terminated on drop if the test ends early.
pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Server {
    pub(crate) fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid")
    }

    /// Waits up to `limit` for the process to exit.
    fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Server {
    /// Like [`Server::wait_for_exit`], without blocking the runtime.
    pub(crate) async fn exit_within(
        &mut self,
        limit: Duration,
    ) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            // SAFETY: signals our own child by its pid.
            unsafe { libc::kill(self.pid(), libc::SIGTERM) };
            if self.wait_for_exit(Duration::from_secs(15)).is_none() {
                let _ = self.child.kill();
                let _ = self.child.wait();
            }
        }
    }
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub(crate) fn assert_cluster_stopped(dir: &TempDir, after: &str) {
    assert!(
        dir.path.join("postgres/data/PG_VERSION").exists(),
        "the cluster lives in the data dir"
    );
    assert!(
        !dir.pid_file().exists(),
        "Postgres still runs after {after}: {} exists",
        dir.pid_file().display()
    );
}
