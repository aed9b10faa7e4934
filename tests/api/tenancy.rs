//! Organisations never see each other's data: in the handlers (filters on the
//! caller's organisation) and in the database (row-level security).

use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use mantelmonitor::db::Db;
use mantelmonitor::domain::audit::{Acting, Actor};
use mantelmonitor::domain::{OrganisationId, UserId};
use mantelmonitor::error::ApiError;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Count, etag_of, problem, project_body, spawn_app};

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = Nullable<Text>)]
    value: Option<String>,
    #[diesel(sql_type = Text)]
    role: String,
}

#[tokio::test]
async fn another_organisation_cannot_read_change_or_delete_a_project() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let (project, etag) = app.project(&a.token, &project_body("Project van A")).await;
    let path = format!("/api/v1/projects/{}", project["id"].as_str().unwrap());

    problem(app.get(&path, &b.token).await, 404).await;
    let unknown = format!("/api/v1/projects/{}", uuid::Uuid::new_v4());
    let missing = problem(app.get(&unknown, &b.token).await, 404).await;
    let foreign = problem(app.get(&path, &b.token).await, 404).await;
    assert_eq!(
        missing, foreign,
        "another organisation's project looks exactly like a missing one"
    );

    for (method, body) in [
        (Method::PATCH, Some(json!({"name": "Overgenomen"}))),
        (Method::PUT, Some(project_body("Overgenomen"))),
        (Method::DELETE, None),
    ] {
        for if_match in [etag.as_str(), "*"] {
            problem(
                app.send_if_match(method.clone(), &path, &b.token, if_match, body.as_ref())
                    .await,
                404,
            )
            .await;
        }
    }
    let listed: Value = app
        .get("/api/v1/projects", &b.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));

    let after = app.get(&path, &a.token).await;
    assert_eq!(etag_of(&after), etag, "A's project is unchanged");
    let after: Value = after.json().await.unwrap();
    assert_eq!(after["name"], "Project van A");
    let listed: Value = app
        .get("/api/v1/projects", &a.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_query_that_forgets_its_organisation_filter_still_sees_only_its_own_rows() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    app.project(&a.token, &project_body("A1")).await;
    app.project(&a.token, &project_body("A2")).await;
    app.project(&b.token, &project_body("B1")).await;

    let count_all = |org: OrganisationId| {
        let db = app.db.clone();
        async move {
            db.tenant(org, async move |conn| {
                // Deliberately no WHERE organisation_id = …
                diesel::sql_query("SELECT count(*) AS n FROM projects")
                    .get_result::<Count>(conn)
                    .await
                    .map(|c| c.n)
                    .map_err(ApiError::from)
            })
            .await
        }
    };
    let (org_a, org_b) = (
        a.organisation_id.parse().unwrap(),
        b.organisation_id.parse().unwrap(),
    );
    assert_eq!(
        count_all(OrganisationId::from_uuid(org_a))
            .await
            .map_err(|e: ApiError| e.to_string())
            .unwrap(),
        2
    );
    assert_eq!(
        count_all(OrganisationId::from_uuid(org_b))
            .await
            .map_err(|e: ApiError| e.to_string())
            .unwrap(),
        1
    );

    // As the request role with no organisation set, every table is empty: it fails closed.
    let mut conn = AsyncPgConnection::establish(&app.connections.app)
        .await
        .unwrap();
    conn.batch_execute("BEGIN").await.unwrap();
    for table in ["organisations", "users", "api_tokens", "projects"] {
        let n = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .await
            .unwrap()
            .n;
        assert_eq!(n, 0, "{table} visible without an organisation");
    }
    conn.batch_execute("ROLLBACK").await.unwrap();

    // Writing a row for another organisation is refused by WITH CHECK.
    let who = Acting {
        organisation: OrganisationId::from_uuid(org_b),
        actor: Actor::User(UserId::from_uuid(uuid::Uuid::new_v4())),
    };
    let insert = app
        .db
        .acting(who, async move |conn| {
            diesel::sql_query(format!(
                "INSERT INTO projects (id, organisation_id, name, start_date, end_date) \
                     VALUES (gen_random_uuid(), '{org_a}', 'smuggled', '2026-01-01', '2026-12-31')"
            ))
            .execute(conn)
            .await
            .map_err(ApiError::from)
        })
        .await;
    let error: ApiError = insert.map(|_| ()).unwrap_err();
    assert!(error.to_string().contains("row-level security"), "{error}");
}

#[tokio::test]
async fn the_organisation_setting_never_outlives_its_transaction_on_a_pooled_connection() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let org = OrganisationId::from_uuid(a.organisation_id.parse().unwrap());
    let db = Db::new(&app.connections, 1, std::time::Duration::from_secs(5)).unwrap();
    let inside: Setting = db
        .tenant(org, async move |conn| {
                diesel::sql_query("SELECT current_setting('app.organisation_id', true) AS value, session_user::text AS role")
                    .get_result::<Setting>(conn)
                    .await
                    .map_err(ApiError::from)
            })
        .await
        .map_err(|e: ApiError| e.to_string())
        .unwrap();
    assert_eq!(inside.value.as_deref(), Some(a.organisation_id.as_str()));
    assert_eq!(
        inside.role, "mantelmonitor_app",
        "requests log in as the request role"
    );

    // The setting the request transactions make is transaction-local: after COMMIT, and
    // after a failed transaction, the same connection carries nothing.
    let mut conn = AsyncPgConnection::establish(&app.connections.app)
        .await
        .unwrap();
    let read = async |conn: &mut AsyncPgConnection| {
        diesel::sql_query("SELECT current_setting('app.organisation_id', true) AS value, current_user::text AS role")
            .get_result::<Setting>(conn)
            .await
            .unwrap()
    };
    conn.batch_execute(&format!(
        "BEGIN; SELECT set_config('app.organisation_id', '{org}', true); COMMIT"
    ))
    .await
    .unwrap();
    assert!(read(&mut conn).await.value.unwrap_or_default().is_empty());
    let failed = conn
        .batch_execute(&format!(
            "BEGIN; SELECT set_config('app.organisation_id', '{org}', true); SELECT 1/0"
        ))
        .await;
    assert!(failed.is_err());
    conn.batch_execute("ROLLBACK").await.unwrap();
    assert!(read(&mut conn).await.value.unwrap_or_default().is_empty());
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    relname: String,
}

/// Every table the migrations create (now and later) is behind the tenant wall: RLS
/// enabled and forced, with a tenant policy for the request role.
#[tokio::test]
async fn every_table_has_forced_row_level_security_with_a_tenant_policy() {
    let app = spawn_app().await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .unwrap();
    let unguarded: Vec<TableName> = diesel::sql_query(
        "SELECT c.relname::text AS relname FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind = 'r' \
           AND c.relname <> '__diesel_schema_migrations' \
           AND NOT (c.relrowsecurity AND c.relforcerowsecurity \
                    AND EXISTS (SELECT 1 FROM pg_policies p \
                                WHERE p.schemaname = 'public' AND p.tablename = c.relname \
                                  AND p.policyname = 'tenant_isolation' \
                                  AND 'mantelmonitor_app' = ANY (p.roles)))",
    )
    .load(&mut conn)
    .await
    .unwrap();
    let names: Vec<String> = unguarded.into_iter().map(|t| t.relname).collect();
    assert!(
        names.is_empty(),
        "tables without the tenant wall: {names:?}"
    );
    let guarded: Vec<TableName> = diesel::sql_query(
        "SELECT tablename::text AS relname FROM pg_policies \
         WHERE schemaname = 'public' AND policyname = 'tenant_isolation'",
    )
    .load(&mut conn)
    .await
    .unwrap();
    assert!(guarded.len() >= 20, "only {} tables guarded", guarded.len());
}
