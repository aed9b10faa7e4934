//! Requests run as a role that owns nothing and cannot become another.

use super::*;

#[tokio::test]
async fn no_request_connection_is_a_superuser_or_the_owner() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let token = app
        .post(
            "/api/v1/api-tokens",
            &a.token,
            &json!({"name": "intranet", "role": "viewer"}),
        )
        .await;
    let token = json_of(token).await["secret"].as_str().unwrap().to_string();
    assert_eq!(app.get("/api/v1/projects", &token).await.status(), 200);
    assert_eq!(app.get("/api/v1/projects", &a.token).await.status(), 200);

    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let connections: Vec<Connection> = diesel::sql_query(
        "SELECT a.usename::text AS usename, a.application_name::text AS application_name, \
                r.rolsuper, r.rolbypassrls, \
                pg_has_role(r.oid, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'MEMBER') AS can_be_owner \
         FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid \
         WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() \
           AND a.application_name <> 'mantelmonitor-owner'",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let users: Vec<&str> = connections.iter().map(|c| c.usename.as_str()).collect();
    assert!(users.contains(&"mantelmonitor_app"), "{connections:?}");
    assert!(users.contains(&"mantelmonitor_auth"), "{connections:?}");
    for c in &connections {
        assert!(
            ["mantelmonitor_app", "mantelmonitor_auth"].contains(&c.usename.as_str()),
            "unexpected login {c:?}"
        );
        assert!(!c.rolsuper && !c.rolbypassrls && !c.can_be_owner, "{c:?}");
        assert!(c.application_name.starts_with("mantelmonitor-"), "{c:?}");
    }
}

#[tokio::test]
async fn reset_role_in_a_request_transaction_gains_nothing() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    new_project(&app, &a.token, "Project van A").await;

    assert_eq!(
        count_as_request(&app, &b, "SELECT count(*) AS n FROM projects").await,
        0
    );
    // No password hash at all, not even of its own organisation.
    for org in [&a.organisation_id, &b.organisation_id] {
        let refused = as_request(
            &app,
            &b,
            &format!("RESET ROLE; SELECT password_hash FROM users WHERE organisation_id = '{org}'"),
        )
        .await
        .unwrap_err();
        assert!(refused.contains("permission denied"), "{refused}");
    }
    assert_eq!(
        count_as_request(&app, &b, "SELECT count(*) AS n FROM users").await,
        1
    );

    for (sql, what) in [
        (
            "RESET ROLE; CREATE TABLE stolen (id int)",
            "permission denied",
        ),
        (
            "RESET ROLE; ALTER TABLE projects DISABLE ROW LEVEL SECURITY",
            "must be owner",
        ),
        (
            "RESET ROLE; SET ROLE mantelmonitor_owner",
            "permission denied",
        ),
        ("RESET ROLE; SET ROLE postgres", "permission denied"),
        (
            "RESET ROLE; SET ROLE mantelmonitor_auth",
            "permission denied",
        ),
        (
            "RESET ROLE; DROP TABLE quarterly_report_events",
            "must be owner",
        ),
        ("RESET ROLE; TRUNCATE plan_changes", "permission denied"),
    ] {
        let refused = as_request(&app, &b, sql).await.unwrap_err();
        assert!(refused.contains(what), "{sql}: {refused}");
    }

    // The sign-in role reads users and tokens, and nothing else.
    let mut auth = AsyncPgConnection::establish(&app.connections.auth)
        .await
        .unwrap();
    let refused = auth
        .batch_execute("SELECT count(*) FROM projects")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("permission denied"),
        "{refused}"
    );
    let refused = auth
        .batch_execute("UPDATE users SET role = 'admin'")
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("permission denied"),
        "{refused}"
    );
}
