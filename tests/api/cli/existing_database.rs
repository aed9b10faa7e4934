//! `init`, `demo` and `migrate` against an existing database (`DATABASE_URL`).

use crate::helpers::spawn_app;
use serde_json::{Value, json};

use super::{ADMIN_PASSWORD, count, list_projects, parse_json, run, stderr, stdout, succeeded};

#[tokio::test]
async fn init_with_a_password_creates_an_admin_who_can_log_in() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
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
        &env,
    )
    .await;
    let created = parse_json(&succeeded(&output, "init"), "init --json");
    let object = created.as_object().expect("a JSON object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["email", "organisation_id", "user_id"],
        "no password echoed"
    );
    assert_eq!(created["email"], "a@b.example");
    for id in ["organisation_id", "user_id"] {
        assert!(
            uuid::Uuid::parse_str(created[id].as_str().unwrap()).is_ok(),
            "{id} is a uuid"
        );
    }
    assert!(!stdout(&output).contains(ADMIN_PASSWORD));

    let token = app.login("a@b.example", ADMIN_PASSWORD).await;
    let me: Value = app
        .get("/api/v1/users/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], created["user_id"]);
    assert_eq!(me["role"], "admin");
    let organisation: Value = app
        .get("/api/v1/organisation", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(organisation["id"], created["organisation_id"]);
    assert_eq!(organisation["name"], "Steunpunt Test");
}

#[tokio::test]
async fn init_funder_creates_a_funder_account_with_its_code_and_an_admin_who_signs_in() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let args = |email| {
        [
            "init-funder",
            "--name",
            "Gemeente Utrecht",
            "--admin-email",
            email,
            "--json",
        ]
    };
    let output = run(&args("subsidies@utrecht.example"), &env).await;
    let created = parse_json(&succeeded(&output, "init-funder"), "init-funder --json");
    let code = created["funder_code"].as_str().expect("a funder code");
    assert_eq!(code.len(), 9, "{code}");
    let password = created["password"].as_str().expect("a generated password");
    let token = app.login("subsidies@utrecht.example", password).await;
    let account: Value = app
        .get("/api/v1/organisation", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(account["id"], created["funder_account_id"]);
    assert_eq!(account["kind"], "funder");
    assert_eq!(account["funder_code"], code);

    // A second funder account gets a code of its own; an email in use is refused.
    let second = parse_json(
        &succeeded(&run(&args("fonds@b.example"), &env).await, "second"),
        "init-funder --json",
    );
    assert_ne!(second["funder_code"], created["funder_code"]);
    let output = run(&args("SUBSIDIES@utrecht.example"), &env).await;
    assert!(!output.status.success(), "the same email twice succeeded");
    assert!(
        stderr(&output).contains("SUBSIDIES@utrecht.example"),
        "{}",
        stderr(&output)
    );
    let output = run(
        &["init-funder", "--name", " ", "--admin-email", "x@b.example"],
        &env,
    )
    .await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--name"), "{}", stderr(&output));
}

#[tokio::test]
async fn init_without_a_password_prints_a_generated_one_that_logs_in() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Test",
            "--admin-email",
            "generated@b.example",
            "--json",
        ],
        &env,
    )
    .await;
    let created = parse_json(&succeeded(&output, "init"), "init --json");
    let password = created["password"].as_str().expect("a generated password");
    assert!(
        password.chars().count() >= 20,
        "generated password too short: {password:?}"
    );
    assert_eq!(created["email"], "generated@b.example");
    let token = app.login("generated@b.example", password).await;
    assert_eq!(list_projects(&app, &token).await["items"], json!([]));

    // Another run generates another password.
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Tweede",
            "--admin-email",
            "generated2@b.example",
            "--json",
        ],
        &env,
    )
    .await;
    let second = parse_json(&succeeded(&output, "second init"), "init --json");
    assert_ne!(second["password"], created["password"]);
    assert_ne!(second["organisation_id"], created["organisation_id"]);
}

#[tokio::test]
async fn init_with_an_email_that_exists_fails_naming_the_email_and_creates_nothing() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let args = |organisation| {
        [
            "init",
            "--organisation",
            organisation,
            "--admin-email",
            "dup@b.example",
            "--admin-password",
            ADMIN_PASSWORD,
            "--json",
        ]
    };
    succeeded(&run(&args("Steunpunt Een"), &env).await, "first init");
    let organisations = count(&app.database_url, "organisations").await;
    let output = run(&args("Steunpunt Twee"), &env).await;
    assert!(!output.status.success(), "the same email twice succeeded");
    assert!(
        stderr(&output).contains("dup@b.example"),
        "stderr does not name the email:\n{}",
        stderr(&output)
    );
    assert!(stdout(&output).trim().is_empty(), "nothing on stdout");
    assert_eq!(
        count(&app.database_url, "organisations").await,
        organisations,
        "no second organisation"
    );
    // Uniqueness ignores case.
    let output = run(
        &[
            "init",
            "--organisation",
            "Steunpunt Drie",
            "--admin-email",
            "DUP@B.example",
            "--admin-password",
            ADMIN_PASSWORD,
        ],
        &env,
    )
    .await;
    assert!(
        !output.status.success(),
        "the same email in capitals succeeded"
    );
}

#[tokio::test]
async fn demo_prints_a_working_token_and_a_second_run_reuses_the_organisation() {
    let app = spawn_app().await;
    let env = [("DATABASE_URL", app.database_url.as_str())];
    let output = run(&["demo", "--json"], &env).await;
    let demo = parse_json(&succeeded(&output, "demo --json"), "demo --json");
    let token = demo["token"].as_str().expect("token").to_string();
    assert!(token.starts_with("mm_"), "token {token}");
    let projects = list_projects(&app, &token).await;
    let items = projects["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "one demo project: {projects}");
    assert_eq!(items[0]["id"], demo["project_id"]);
    assert!(
        items[0]["name"]
            .as_str()
            .is_some_and(|n| !n.trim().is_empty()),
        "the demo project has a name"
    );
    let organisation: Value = app
        .get("/api/v1/organisation", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(organisation["id"], demo["organisation_id"]);
    // The demo project comes with a plan: 4800 + 750 + 2400 + 1850 in budget lines,
    // 60 × 52.50 + 40 × 52.50 + 24 × 61.25 in hours, 850 × 0.14 × 3 in translation;
    // 8000 granted and 3500 pending.
    let summary: Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/summary",
                demo["project_id"].as_str().unwrap()
            ),
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["budget"]["total"], "16877.00", "{summary}");
    assert_eq!(summary["funding"]["granted"], "8000.00");
    assert_eq!(summary["funding"]["pending"], "3500.00");

    let output = run(&["demo", "--token-only"], &env).await;
    let printed = succeeded(&output, "demo --token-only");
    assert_eq!(printed.lines().count(), 1, "only the token: {printed:?}");
    let second = printed.trim().to_string();
    assert!(second.starts_with("mm_"), "token {second}");
    assert_ne!(second, token, "a fresh token each run");
    let again = list_projects(&app, &second).await;
    assert_eq!(
        again["items"], projects["items"],
        "still exactly the one project"
    );
    assert_eq!(
        list_projects(&app, &token).await["items"],
        projects["items"],
        "the first token still works"
    );
    assert_eq!(count(&app.database_url, "organisations").await, 1);
    assert_eq!(count(&app.database_url, "projects").await, 1);
}

#[tokio::test]
async fn migrate_against_database_url_succeeds_with_nothing_left_to_apply() {
    let app = spawn_app().await;
    let output = run(&["migrate"], &[("DATABASE_URL", app.database_url.as_str())]).await;
    let printed = succeeded(&output, "migrate");
    assert_eq!(printed.trim(), "0 migration(s) applied");
}
