//! The embedded cluster after a crash: a killed service's cluster is taken over and stopped by
//! the next one, a second service on the same data directory is refused, and a
//! `postmaster.pid` left naming another process is cleared or named with the fix.

use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::{
    Server, TempDir, assert_cluster_stopped, free_port, mantelmonitor, run, succeeded,
};

/// Starts `serve` on the data dir with its output in `log`, and waits until it is ready.
async fn serve(dir: &TempDir, log: &str) -> Server {
    let bind = format!("127.0.0.1:{}", free_port());
    let file = std::fs::File::create(dir.path.join(log)).expect("log file");
    let mut command = mantelmonitor(
        &["serve"],
        &[
            ("MANTELMONITOR_DATA_DIR", dir.path_str()),
            ("MANTELMONITOR_BIND", bind.as_str()),
        ],
    );
    command.stdout(file.try_clone().expect("log")).stderr(file);
    let mut server = Server {
        child: command.spawn().expect("start serve"),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().expect("try_wait") {
            panic!("serve exited early ({status}):\n{}", read_log(dir, log));
        }
        if ready(&client, &bind).await {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "not ready within 30 s:\n{}",
            read_log(dir, log)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn ready(client: &reqwest::Client, bind: &str) -> bool {
    client
        .get(format!("http://{bind}/health/ready"))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .is_ok_and(|r| r.status() == 200)
}

fn read_log(dir: &TempDir, log: &str) -> String {
    std::fs::read_to_string(dir.path.join(log)).unwrap_or_default()
}

/// Runs a command of the binary to its end within `limit` and returns its exit code and its
/// output (stdout and stderr, where the log goes).
async fn run_within(dir: &TempDir, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let log = format!("{}.log", args.join("-"));
    let file = std::fs::File::create(dir.path.join(&log)).expect("log file");
    let mut command = mantelmonitor(args, &[("MANTELMONITOR_DATA_DIR", dir.path_str())]);
    command.stdout(file.try_clone().expect("log")).stderr(file);
    let mut child = Server {
        child: command.spawn().expect("start mantelmonitor"),
    };
    let status = child.exit_within(limit).await.unwrap_or_else(|| {
        panic!(
            "{args:?} did not end within {limit:?}:\n{}",
            read_log(dir, &log)
        )
    });
    (status.code(), read_log(dir, &log))
}

fn postmaster_pid(dir: &TempDir) -> Option<i32> {
    std::fs::read_to_string(dir.pid_file())
        .ok()?
        .lines()
        .next()?
        .trim()
        .parse()
        .ok()
}

fn process_exists(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Waits up to `limit` for a process that is not our child to go away.
async fn gone_within(pid: i32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while process_exists(pid) {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    true
}

fn signal(pid: i32, signal: i32) {
    // SAFETY: signals a process this test started.
    assert_eq!(
        unsafe { libc::kill(pid, signal) },
        0,
        "kill({pid}, {signal})"
    );
}

async fn terminate(mut server: Server, what: &str) {
    signal(server.pid(), libc::SIGTERM);
    let status = server
        .exit_within(Duration::from_secs(30))
        .await
        .unwrap_or_else(|| panic!("{what} did not exit within 30 s of SIGTERM"));
    assert!(status.success(), "{what} exited with {status}");
}

/// A `sleep` that runs as the user the cluster runs as, the way an unrelated process of that
/// user can get the PID a crashed postmaster had: PostgreSQL and `pg_ctl` can then signal it
/// and take it for a running server.
struct Sleeper(Child);

impl Sleeper {
    fn as_owner_of(dir: &Path) -> Self {
        let meta = std::fs::metadata(dir).expect("data dir");
        let mut command = Command::new("sleep");
        command.arg("120").stdin(Stdio::null());
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            command.uid(meta.uid()).gid(meta.gid());
        }
        Sleeper(command.spawn().expect("start sleep"))
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn still_runs(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(None))
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes a file as the cluster's user would have, so only its content is wrong.
fn plant(path: &Path, text: &str, like: &Path) {
    std::fs::write(path, text).expect("plant file");
    let meta = std::fs::metadata(like).expect("owner");
    std::os::unix::fs::chown(path, Some(meta.uid()), Some(meta.gid())).expect("chown");
}

#[tokio::test]
async fn after_kill_9_the_next_serve_takes_over_the_cluster_and_stops_it_on_sigterm() {
    let dir = TempDir::new("crash");
    let mut first = serve(&dir, "first.log").await;
    let postmaster = postmaster_pid(&dir).expect("serve runs the cluster");

    signal(first.pid(), libc::SIGKILL);
    first
        .exit_within(Duration::from_secs(10))
        .await
        .expect("killed serve exits");
    assert!(
        process_exists(postmaster),
        "the crash left the server running, as a real one does"
    );

    let second = serve(&dir, "second.log").await;
    assert_eq!(
        postmaster_pid(&dir),
        Some(postmaster),
        "the second service uses the server the first one left"
    );

    terminate(second, "the second serve").await;
    assert_cluster_stopped(&dir, "the second serve");
    assert!(
        gone_within(postmaster, Duration::from_secs(10)).await,
        "postmaster {postmaster} still runs after the service that took it over shut down"
    );
    let log = read_log(&dir, "second.log");
    assert!(
        log.contains("which has exited; taking it over"),
        "the takeover is logged:\n{log}"
    );
}

#[tokio::test]
async fn a_second_serve_on_the_same_data_dir_is_refused_and_the_first_keeps_serving() {
    let dir = TempDir::new("twice");
    let first = serve(&dir, "first.log").await;
    let postmaster = postmaster_pid(&dir).expect("serve runs the cluster");

    let (code, output) = run_within(&dir, &["serve"], Duration::from_secs(30)).await;
    assert_eq!(code, Some(1), "a second serve was not refused:\n{output}");
    for needle in [
        format!("PID {}", first.pid()),
        "already serves from".to_owned(),
        dir.path_str().to_owned(),
        "MANTELMONITOR_DATA_DIR".to_owned(),
    ] {
        assert!(output.contains(&needle), "no {needle:?} in:\n{output}");
    }
    assert_eq!(
        postmaster_pid(&dir),
        Some(postmaster),
        "the refused service left the cluster alone"
    );

    // A one-off command still works beside the running service, and leaves its server up.
    let output = run(&["migrate"], &[("MANTELMONITOR_DATA_DIR", dir.path_str())]).await;
    assert_eq!(
        succeeded(&output, "migrate").trim(),
        "0 migration(s) applied"
    );
    assert!(
        process_exists(postmaster),
        "migrate stopped the service's server"
    );

    terminate(first, "the first serve").await;
    assert_cluster_stopped(&dir, "the first serve");
    assert!(gone_within(postmaster, Duration::from_secs(10)).await);
}

#[tokio::test]
async fn a_postmaster_pid_naming_another_live_process_is_cleared_and_the_cluster_starts() {
    let dir = TempDir::new("stale");
    let (code, output) = run_within(&dir, &["migrate"], Duration::from_secs(60)).await;
    assert_eq!(code, Some(0), "first migrate:\n{output}");
    assert_cluster_stopped(&dir, "migrate");

    let data_dir = dir.path.join("postgres/data");
    let socket_dir = dir.path.join("postgres/run");
    let mut sleeper = Sleeper::as_owner_of(&data_dir);
    // What a postmaster killed by a power cut leaves, with its PID now someone else's.
    plant(
        &dir.pid_file(),
        &format!(
            "{}\n{}\n1700000000\n5432\n{}\n\n  5432001   0\nready   \n",
            sleeper.pid(),
            data_dir.display(),
            socket_dir.display()
        ),
        &data_dir,
    );
    let socket_lock = socket_dir.join(".s.PGSQL.5432.lock");
    plant(
        &socket_lock,
        &format!("{}\n{}\n1700000000\n", sleeper.pid(), data_dir.display()),
        &data_dir,
    );

    let (code, output) = run_within(&dir, &["migrate"], Duration::from_secs(60)).await;
    assert_eq!(code, Some(0), "migrate over a stale pid file:\n{output}");
    assert!(output.contains("0 migration(s) applied"), "{output}");
    assert!(
        output.contains("removed a stale lock file")
            && output.contains(&dir.pid_file().display().to_string())
            && output.contains(&format!("{}", sleeper.pid())),
        "the recovery names the file and the PID:\n{output}"
    );
    assert_cluster_stopped(&dir, "the recovering migrate");
    assert!(!socket_lock.exists(), "the stale socket lock was cleared");
    assert!(sleeper.still_runs(), "the unrelated process was left alone");
}

#[tokio::test]
async fn a_postmaster_pid_damaged_while_the_server_runs_is_named_with_the_fix() {
    let dir = TempDir::new("damaged");
    let server = serve(&dir, "serve.log").await;
    let original = std::fs::read_to_string(dir.pid_file()).expect("pid file");
    let postmaster = postmaster_pid(&dir).expect("postmaster");
    let data_dir = dir.path.join("postgres/data");
    let sleeper = Sleeper::as_owner_of(&data_dir);
    let (_, rest) = original.split_once('\n').expect("pid file lines");
    plant(
        &dir.pid_file(),
        &format!("{}\n{rest}", sleeper.pid()),
        &data_dir,
    );

    let (code, output) = run_within(&dir, &["migrate"], Duration::from_secs(30)).await;
    // Put it back at once: the server checks its pid file every minute.
    plant(&dir.pid_file(), &original, &data_dir);
    assert_eq!(code, Some(1), "migrate did not refuse:\n{output}");
    for needle in [
        dir.pid_file().display().to_string(),
        format!("PID {}", sleeper.pid()),
        "did not shut down cleanly".to_owned(),
        format!("still run in {}", data_dir.display()),
        "Stop them (e.g. `kill ".to_owned(),
    ] {
        assert!(output.contains(&needle), "no {needle:?} in:\n{output}");
    }
    let survivors = output
        .split_once("(PIDs ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(list, _)| list.to_owned())
        .unwrap_or_default();
    assert!(
        survivors.split(", ").any(|p| p == postmaster.to_string()),
        "the running postmaster {postmaster} is named among {survivors:?}"
    );
    assert!(!output.contains("cannot connect"), "{output}");
    assert!(process_exists(postmaster), "the server was left alone");

    terminate(server, "serve").await;
    assert_cluster_stopped(&dir, "serve");
}
