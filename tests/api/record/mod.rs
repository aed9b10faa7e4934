//! The reporting record cannot be lost or forged: requests never run as a superuser or
//! the owner, the database itself refuses changes to locked reports, moves the workflow
//! does not allow and forged audit rows, and nothing that was reported is deleted.

mod kept;
mod locked;
mod roles;

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use mantelmonitor::domain::audit::{Acting, Actor};
use mantelmonitor::domain::{OrganisationId, UserId};
use mantelmonitor::error::ApiError;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Count, act_ok as act, report_path};
use crate::helpers::{Tenant, TestApp, fetch, json_of, new_project, problem, spawn_app};
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

fn org(tenant: &Tenant) -> OrganisationId {
    OrganisationId::from_uuid(tenant.organisation_id.parse().unwrap())
}

/// The tenant's admin, as a principal for `Db::acting`.
fn admin(tenant: &Tenant) -> Acting {
    Acting {
        organisation: org(tenant),
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
        .acting(admin(tenant), async move |conn| {
            conn.batch_execute(&sql).await?;
            Ok::<_, SqlError>(())
        })
        .await
        .map_err(|e| e.0)
}

async fn count_as_request(app: &TestApp, tenant: &Tenant, sql: &str) -> i64 {
    let sql = sql.to_string();
    app.db
        .tenant(org(tenant), async move |conn| {
            conn.batch_execute("RESET ROLE").await?;
            diesel::sql_query(sql)
                .get_result::<Count>(conn)
                .await
                .map(|c| c.n)
                .map_err(ApiError::from)
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

/// A project of A with a report for 2026-Q1, submitted by the API.
async fn submitted_report(app: &TestApp, a: &Tenant) -> String {
    let pid = new_project(app, &a.token, "Bereik 2026").await;
    put_report(app, &a.token, &pid, "2026-Q1", "Eerste kwartaal").await;
    act(app, &a.token, &pid, "2026-Q1", "submit", None).await;
    pid
}
