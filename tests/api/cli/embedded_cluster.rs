//! The embedded cluster from first migrate to a clean SIGTERM shutdown of `serve`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{
    ADMIN_PASSWORD, Server, TempDir, assert_cluster_stopped, free_port, mantelmonitor, parse_json,
    run, succeeded,
};

#[tokio::test]
async fn the_embedded_cluster_migrates_inits_serves_and_stops_on_sigterm() {
    let started = Instant::now();
    let dir = TempDir::new("embedded");
    let data_dir = dir.path_str().to_string();
    let base_env = [("MANTELMONITOR_DATA_DIR", data_dir.as_str())];

    let output = run(&["migrate"], &base_env).await;
    let printed = succeeded(&output, "migrate on a fresh data dir");
    let applied: usize = printed
        .trim()
        .strip_suffix(" migration(s) applied")
        .unwrap_or_else(|| panic!("unexpected migrate output {printed:?}"))
        .parse()
        .expect("a count");
    assert!(applied >= 2, "the migrations were applied: {printed:?}");
    assert_cluster_stopped(&dir, "migrate");
    let migrated_at = started.elapsed();

    let output = run(&["migrate"], &base_env).await;
    assert_eq!(
        succeeded(&output, "second migrate").trim(),
        "0 migration(s) applied",
        "the cluster and its migrations persist"
    );
    assert_cluster_stopped(&dir, "the second migrate");

    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Test",
            "--admin-email",
            "a@b.example",
            "--admin-password",
            ADMIN_PASSWORD,
            "--json",
        ],
        &base_env,
    )
    .await;
    let created = parse_json(&succeeded(&output, "init"), "init --json");
    assert_eq!(created["email"], "a@b.example");
    assert_cluster_stopped(&dir, "init");
    let inited_at = started.elapsed();

    let port = free_port();
    let bind = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(dir.path.join("serve.log")).expect("log file");
    let mut command = mantelmonitor(
        &["serve"],
        &[
            ("MANTELMONITOR_DATA_DIR", data_dir.as_str()),
            ("MANTELMONITOR_BIND", bind.as_str()),
        ],
    );
    command.stdout(log.try_clone().expect("log")).stderr(log);
    let mut server = Server {
        child: command.spawn().expect("start serve"),
    };
    let serve_log = || std::fs::read_to_string(dir.path.join("serve.log")).unwrap_or_default();

    let base = format!("http://{bind}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().expect("try_wait") {
            panic!("serve exited early ({status}):\n{}", serve_log());
        }
        let ready = client
            .get(format!("{base}/health/ready"))
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        if ready.is_ok_and(|r| r.status() == 200) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not ready within 30 s:\n{}",
            serve_log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let ready_at = started.elapsed();
    assert!(dir.pid_file().exists(), "serve runs the cluster");

    let response = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&json!({"email": "a@b.example", "password": ADMIN_PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200, "the init admin logs in");
    let body: Value = response.json().await.unwrap();
    let token = body["access_token"].as_str().expect("access_token");
    let response = client
        .get(format!("{base}/api/v1/organisation"))
        .bearer_auth(token)
        .send()
        .await
        .expect("organisation");
    assert_eq!(response.status(), 200);
    let organisation: Value = response.json().await.unwrap();
    assert_eq!(organisation["id"], created["organisation_id"]);
    assert!(
        dir.path.join("jwt-secret").exists(),
        "a signing key was generated in the data dir"
    );
    // An idle keep-alive connection is open now; shutdown must not wait for it.

    let terminated = Instant::now();
    // SAFETY: signals our own child by its pid.
    assert_eq!(unsafe { libc::kill(server.pid(), libc::SIGTERM) }, 0);
    let status = server
        .exit_within(Duration::from_secs(30))
        .await
        .unwrap_or_else(|| {
            panic!(
                "serve did not exit within 30 s of SIGTERM:\n{}",
                serve_log()
            )
        });
    let shutdown = terminated.elapsed();
    assert!(
        status.success(),
        "serve exited with {status}:\n{}",
        serve_log()
    );
    assert_cluster_stopped(&dir, "serve");
    drop(client);
    eprintln!(
        "embedded timings: migrate {migrated_at:?}, init done {inited_at:?}, ready {ready_at:?}, shutdown took {shutdown:?}, total {:?}",
        started.elapsed()
    );
    drop(server);
    let path: PathBuf = dir.path.clone();
    drop(dir);
    assert!(!Path::new(&path).exists(), "the temp dir was removed");
}
