//! Configuration errors: no database and no Postgres binaries, and an unusable number
//! in the environment.

use super::{TempDir, run, stderr, stdout};

#[tokio::test]
async fn without_database_url_or_postgres_binaries_migrate_says_what_to_do() {
    let dir = TempDir::new("nobin");
    let output = run(
        &["migrate"],
        &[
            ("PG_BIN", "/nonexistent"),
            ("MANTELMONITOR_DATA_DIR", dir.path_str()),
        ],
    )
    .await;
    assert!(
        !output.status.success(),
        "migrate without Postgres succeeded"
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    for needle in ["DATABASE_URL", "docker compose", "PG_BIN"] {
        assert!(
            message.contains(needle),
            "stderr lacks {needle}:\n{message}"
        );
    }
    assert!(stdout(&output).trim().is_empty());
    assert!(
        !dir.path.join("postgres/data/PG_VERSION").exists(),
        "no cluster was created"
    );
}

#[tokio::test]
async fn an_unusable_number_in_the_environment_exits_2_naming_the_variable() {
    let output = run(
        &["migrate"],
        &[
            ("MANTELMONITOR_DB_POOL_SIZE", "lots"),
            ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
        ],
    )
    .await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "stderr:\n{}",
        stderr(&output)
    );
    let message = stderr(&output);
    assert!(
        message.contains("MANTELMONITOR_DB_POOL_SIZE"),
        "stderr does not name the variable:\n{message}"
    );
    assert!(
        message.contains("lots"),
        "stderr does not quote the value:\n{message}"
    );
}
