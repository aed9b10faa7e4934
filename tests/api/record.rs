//! The reporting record cannot be lost or forged: requests never run as a superuser or
//! the owner, the database itself refuses changes to locked reports, moves the workflow
//! does not allow and forged audit rows, and nothing that was reported is deleted.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use mantelmonitor::auth::{Actor, Principal};
use mantelmonitor::domain::{OrganisationId, Role, UserId};
use mantelmonitor::error::ApiError;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Tenant, TestApp, fetch, json_of, new_project, problem, spawn_app};
use crate::helpers::{act_ok as act, report_path};
use crate::reports::events;

#[derive(QueryableByName, Debug)]
struct Connection {
    #[diesel(sql_type = Text)]
    usename: String,
    #[diesel(sql_type = Text)]
    application_name: String,
    #[diesel(sql_type = Bool)]
    rolsuper: bool,
    #[diesel(sql_type = Bool)]
    rolbypassrls: bool,
    #[diesel(sql_type = Bool)]
    can_be_owner: bool,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn org(tenant: &Tenant) -> OrganisationId {
    OrganisationId::from_uuid(tenant.organisation_id.parse().unwrap())
}

/// The tenant's admin, as a principal for `Db::acting`.
fn admin(tenant: &Tenant) -> Principal {
    Principal {
        organisation_id: org(tenant),
        role: Role::Admin,
        actor: Actor::User(UserId::from_uuid(tenant.admin_id.parse().unwrap())),
    }
}

/// The database's own words for a failure.
#[derive(Debug)]
struct SqlError(String);
impl From<diesel::result::Error> for SqlError {
    fn from(e: diesel::result::Error) -> Self {
        SqlError(e.to_string())
    }
}
impl From<mantelmonitor::db::PoolError> for SqlError {
    fn from(e: mantelmonitor::db::PoolError) -> Self {
        SqlError(e.to_string())
    }
}

/// Runs `sql` in a request transaction of `tenant`'s admin (as the API would, with the
/// organisation and actor set) and returns the database's error, if any.
async fn as_request(app: &TestApp, tenant: &Tenant, sql: &str) -> Result<(), String> {
    let sql = sql.to_string();
    app.db
        .acting(&admin(tenant), move |conn| {
            Box::pin(async move {
                conn.batch_execute(&sql).await?;
                Ok::<_, SqlError>(())
            })
        })
        .await
        .map_err(|e| e.0)
}

async fn count_as_request(app: &TestApp, tenant: &Tenant, sql: &str) -> i64 {
    let sql = sql.to_string();
    app.db
        .tenant(org(tenant), move |conn| {
            Box::pin(async move {
                conn.batch_execute("RESET ROLE").await?;
                diesel::sql_query(sql)
                    .get_result::<Count>(conn)
                    .await
                    .map(|c| c.n)
                    .map_err(ApiError::from)
            })
        })
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap()
}

async fn put_report(app: &TestApp, token: &str, pid: &str, quarter: &str, text: &str) {
    let response = app
        .request(Method::PUT, &report_path(pid, quarter), Some(token))
        .json(&json!({"narrative": {"developments": text}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

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

/// A project of A with a report for 2026-Q1, submitted by the API.
async fn submitted_report(app: &TestApp, a: &Tenant) -> String {
    let pid = new_project(app, &a.token, "Bereik 2026").await;
    put_report(app, &a.token, &pid, "2026-Q1", "Eerste kwartaal").await;
    act(app, &a.token, &pid, "2026-Q1", "submit", None).await;
    pid
}

#[tokio::test]
async fn the_database_refuses_changes_to_locked_reports_and_forged_audit_rows() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let pid = submitted_report(&app, &a).await;
    put_report(&app, &a.token, &pid, "2026-Q2", "Tweede kwartaal").await;
    let q1 = format!("project_id = '{pid}' AND quarter = '2026-01-01'");
    let q2 = format!("project_id = '{pid}' AND quarter = '2026-04-01'");
    let report_id = format!("(SELECT id FROM quarterly_reports WHERE {q1})");

    for (sql, why) in [
        (
            format!("UPDATE quarterly_reports SET content = '{{}}' WHERE {q1}"),
            "locked",
        ),
        (
            format!("UPDATE quarterly_reports SET state = 'accepted' WHERE {q2}"),
            "cannot become",
        ),
        (
            format!(
                "UPDATE quarterly_reports SET state = 'submitted', content = '{{}}' WHERE {q2}"
            ),
            "does not change the figures",
        ),
        (
            format!("UPDATE quarterly_reports SET state = 'returned' WHERE {q1}"),
            "needs a reason",
        ),
        (
            format!("UPDATE quarterly_reports SET revision = 7 WHERE {q2}"),
            "revision closes only",
        ),
        (
            format!("UPDATE quarterly_reports SET quarter = '2026-07-01' WHERE {q2}"),
            "identity",
        ),
        (
            format!(
                "INSERT INTO quarterly_reports (id, organisation_id, project_id, quarter, state, content) \
                 VALUES (gen_random_uuid(), '{}', '{pid}', '2026-07-01', 'accepted', '{{}}')",
                a.organisation_id
            ),
            "starts as revision 1 of a draft",
        ),
        (
            format!(
                "INSERT INTO quarterly_report_events (organisation_id, project_id, report_id, revision, action, from_state, to_state, actor) \
                 VALUES ('{}', '{pid}', {report_id}, 1, 'accepted', 'submitted', 'accepted', 'user:{}')",
                a.organisation_id, a.admin_id
            ),
            "permission denied",
        ),
        (
            format!(
                "INSERT INTO quarterly_report_revisions (organisation_id, project_id, report_id, revision, state, content) \
                 VALUES ('{}', '{pid}', {report_id}, 9, 'accepted', '{{}}')",
                a.organisation_id
            ),
            "permission denied",
        ),
        (
            "UPDATE quarterly_report_events SET reason = 'rewritten'".to_string(),
            "permission denied",
        ),
        (
            "DELETE FROM quarterly_report_events".to_string(),
            "permission denied",
        ),
        (
            format!("DELETE FROM quarterly_reports WHERE {q2}"),
            "permission denied",
        ),
        (
            format!(
                "INSERT INTO plan_changes (organisation_id, project_id, entity, entity_id, action) \
                 VALUES ('{}', '{pid}', 'project', '{pid}', 'deleted')",
                a.organisation_id
            ),
            "permission denied",
        ),
        ("DELETE FROM plan_changes".to_string(), "permission denied"),
    ] {
        let refused = as_request(&app, &a, &sql)
            .await
            .expect_err(&format!("allowed: {sql}"));
        assert!(refused.contains(why), "{sql}: {refused}");
    }

    // What the API shows is untouched: Q1 submitted with its figures and two events.
    let (q1_report, _) = fetch(&app, &a.token, &report_path(&pid, "2026-Q1")).await;
    assert_eq!(q1_report["state"], "submitted");
    assert_eq!(q1_report["narrative"]["developments"], "Eerste kwartaal");
    let trail: Vec<Value> = events(&app, &a.token, &pid, "2026-Q1").await;
    let actions: Vec<&str> = trail
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "submitted"]);

    // A move the workflow allows, made in SQL, is audited by the database with the
    // transaction's actor, like the API's own.
    as_request(
        &app,
        &a,
        &format!(
            "UPDATE quarterly_reports SET state = 'accepted', version = version + 1 WHERE {q1}"
        ),
    )
    .await
    .unwrap();
    let trail = events(&app, &a.token, &pid, "2026-Q1").await;
    let last = trail.last().unwrap();
    assert_eq!(last["action"], "accepted");
    assert_eq!(last["from_state"], "submitted");
    assert_eq!(last["actor"], format!("user:{}", a.admin_id));
}

#[tokio::test]
async fn the_api_moves_are_audited_and_a_return_closes_a_revision() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let pid = submitted_report(&app, &a).await;
    let returned = act(
        &app,
        &a.token,
        &pid,
        "2026-Q1",
        "return",
        Some("Bereik ontbreekt"),
    )
    .await;
    assert_eq!(returned["state"], "returned");
    assert_eq!(returned["revision"], 2, "a return closes revision 1");
    let response = app
        .request(Method::PATCH, &report_path(&pid, "2026-Q1"), Some(&a.token))
        .header("If-Match", "*")
        .header("Content-Type", "application/merge-patch+json")
        .body(json!({"narrative": {"developments": "Gecorrigeerd"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    act(&app, &a.token, &pid, "2026-Q1", "submit", None).await;
    act(&app, &a.token, &pid, "2026-Q1", "accept", None).await;
    let reopened = act(&app, &a.token, &pid, "2026-Q1", "reopen", Some("Typefout")).await;
    assert_eq!(reopened["revision"], 3);

    // The version that was submitted first is kept whole, and so is the accepted one.
    let revision = async |n: u32| {
        let response = app
            .get(
                &format!("{}/revisions/{n}", report_path(&pid, "2026-Q1")),
                &a.token,
            )
            .await;
        assert_eq!(response.status(), 200, "revision {n}");
        json_of(response).await
    };
    let first = revision(1).await;
    assert_eq!(first["revision"], 1);
    assert_eq!(first["state"], "submitted");
    assert_eq!(
        first["content"]["narrative"]["developments"],
        "Eerste kwartaal"
    );
    let second = revision(2).await;
    assert_eq!(second["state"], "accepted");
    assert_eq!(
        second["content"]["narrative"]["developments"],
        "Gecorrigeerd"
    );
    let open = problem(
        app.get(
            &format!("{}/revisions/3", report_path(&pid, "2026-Q1")),
            &a.token,
        )
        .await,
        404,
    )
    .await;
    assert!(
        open["detail"].as_str().unwrap().contains("still open"),
        "{open}"
    );
    problem(
        app.get(
            &format!("{}/revisions/9", report_path(&pid, "2026-Q1")),
            &a.token,
        )
        .await,
        404,
    )
    .await;
    let b = app.tenant("Organisatie B").await;
    problem(
        app.get(
            &format!("{}/revisions/1", report_path(&pid, "2026-Q1")),
            &b.token,
        )
        .await,
        404,
    )
    .await;

    let trail = events(&app, &a.token, &pid, "2026-Q1").await;
    let summary: Vec<(String, i64, Option<String>)> = trail
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["revision"].as_i64().unwrap(),
                e["reason"].as_str().map(str::to_string),
            )
        })
        .collect();
    let expected: Vec<(String, i64, Option<String>)> = [
        ("created", 1, None),
        ("submitted", 1, None),
        ("returned", 2, Some("Bereik ontbreekt")),
        ("updated", 2, None),
        ("submitted", 2, None),
        ("accepted", 2, None),
        ("reopened", 3, Some("Typefout")),
    ]
    .into_iter()
    .map(|(a, r, why)| (a.to_string(), r, why.map(str::to_string)))
    .collect();
    assert_eq!(summary, expected);
    for event in &trail {
        assert_eq!(event["actor"], format!("user:{}", a.admin_id));
    }
}

async fn delete_project(app: &TestApp, token: &str, pid: &str) -> reqwest::Response {
    app.send_if_match(
        Method::DELETE,
        &format!("/api/v1/projects/{pid}"),
        token,
        "*",
        None,
    )
    .await
}

#[tokio::test]
async fn a_reported_project_is_never_deleted() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let pid = submitted_report(&app, &a).await;
    put_report(&app, &a.token, &pid, "2026-Q3", "Concept").await;
    act(&app, &a.token, &pid, "2026-Q1", "accept", None).await;

    let (_, coordinator) = app.user_with_role(&a, "coordinator").await;
    problem(delete_project(&app, &coordinator, &pid).await, 403).await;

    let refused = problem(delete_project(&app, &a.token, &pid).await, 409).await;
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("2026-Q1") && !detail.contains("2026-Q3"),
        "{detail}"
    );
    assert!(detail.contains("completed or cancelled"), "{detail}");
    let (report, _) = fetch(&app, &a.token, &report_path(&pid, "2026-Q1")).await;
    assert_eq!(report["state"], "accepted");

    // Not even the owner's own SQL takes it away.
    let mut owner = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let refused = owner
        .batch_execute(&format!("DELETE FROM projects WHERE id = '{pid}'"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("reported quarters: 2026-Q1"),
        "{refused}"
    );

    // Reopened to a draft, its closed revision still keeps it.
    act(&app, &a.token, &pid, "2026-Q1", "reopen", Some("Correctie")).await;
    let refused = problem(delete_project(&app, &a.token, &pid).await, 409).await;
    assert!(refused["detail"].as_str().unwrap().contains("2026-Q1"));

    // A project with only drafts goes, drafts and all.
    let drafts = new_project(&app, &a.token, "Alleen concepten").await;
    put_report(&app, &a.token, &drafts, "2026-Q2", "Nog niet ingediend").await;
    assert_eq!(delete_project(&app, &a.token, &drafts).await.status(), 204);
    problem(
        app.get(&format!("/api/v1/projects/{drafts}"), &a.token)
            .await,
        404,
    )
    .await;
    let left: Count = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM quarterly_reports WHERE project_id = '{drafts}'"
    ))
    .get_result(&mut owner)
    .await
    .unwrap();
    assert_eq!(left.n, 0);
}
