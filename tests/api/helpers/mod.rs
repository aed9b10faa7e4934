//! The test harness: a real Postgres, a real server on port 0, real HTTP.
//!
//! One Postgres per test process (the embedded cluster in a temp dir, or the server
//! behind `DATABASE_URL` when set), one migrated template database, and per test a
//! database cloned from the template (`CREATE DATABASE … TEMPLATE`) and dropped when the
//! test ends. Tests run in parallel and share nothing.

#![allow(dead_code)]

use std::sync::OnceLock;

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use mantelmonitor::cli::{InitArgs, InitResult, init};
use mantelmonitor::config::Settings;
use mantelmonitor::db::roles::{self, Connections};
use mantelmonitor::db::{Db, SystemDb};
use mantelmonitor::startup::Application;
use mantelmonitor_embedded_pg::{EmbeddedOptions, EmbeddedPostgres, find_bin_dir};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
pub const PASSWORD: &str = "a long enough test password";

struct Cluster {
    /// Connection string as a role that creates databases, with `{db}` for the name.
    url_template: String,
    /// The owner of the service's databases, when it is not the role above (the
    /// embedded cluster's superuser creates databases for `mantelmonitor_owner`).
    owner: Option<&'static str>,
    template_db: String,
    embedded: Option<EmbeddedPostgres>,
}

impl Cluster {
    fn url(&self, db: &str) -> String {
        self.url_template.replace("{db}", db)
    }

    /// How the owner and the service roles log in to database `db`.
    fn connections(&self, db: &str) -> Connections {
        let url = self.url(db);
        match self.owner {
            Some(owner) => Connections::derive(&roles::as_user(&url, owner), None, None),
            None => Connections::derive(&url, None, None),
        }
    }

    /// `CREATE DATABASE name …`, owned by the owner.
    fn create_database(&self, name: &str, template: Option<&str>) -> String {
        let mut sql = format!("CREATE DATABASE \"{name}\"");
        if let Some(template) = template {
            sql.push_str(&format!(" TEMPLATE \"{template}\""));
        }
        if let Some(owner) = self.owner {
            sql.push_str(&format!(" OWNER \"{owner}\""));
        }
        sql
    }
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

extern "C" fn cleanup() {
    if let Some(Ok(cluster)) = CLUSTER.get() {
        if let Some(server) = &cluster.embedded {
            let _ = server.stop_and_remove();
        } else {
            let (admin, template) = (cluster.url("postgres"), cluster.template_db.clone());
            let _ = block_on_fresh(async move {
                let mut conn = AsyncPgConnection::establish(&admin)
                    .await
                    .map_err(|e| e.to_string())?;
                conn.batch_execute(&format!(
                    "DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)"
                ))
                .await
                .map_err(|e| e.to_string())
            });
        }
    }
}

/// Runs a future on a runtime of its own, on a thread of its own, so it can be called
/// from sync code and from inside another runtime alike.
fn block_on_fresh<T: Send + 'static>(
    future: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime")
            .block_on(future)
    })
    .join()
    .expect("harness thread")
}

fn cluster() -> &'static Cluster {
    let result = CLUSTER.get_or_init(|| {
        let (url_template, embedded) =
            match std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()) {
                Some(url) => (replace_dbname(&url), None),
                None => {
                    let base = std::env::temp_dir()
                        .join(format!("mantelmonitor-test-{}", std::process::id()));
                    let options = EmbeddedOptions {
                        bin_dir: find_bin_dir(
                            std::env::var_os("PG_BIN")
                                .as_deref()
                                .map(std::path::Path::new),
                        )
                        .map_err(|e| e.to_string())?,
                        durable: false,
                        run_as: None,
                        settings: vec![("max_connections".into(), "300".into())],
                    };
                    let server =
                        EmbeddedPostgres::start(&base, &options).map_err(|e| e.to_string())?;
                    (server.connection_string("{db}"), Some(server))
                }
            };
        let template_db = format!("mm_template_{}", std::process::id());
        let cluster = Cluster {
            url_template,
            owner: embedded.is_some().then_some(roles::EMBEDDED_OWNER),
            template_db,
            embedded,
        };
        let (admin, template, connections, bootstrap) = (
            cluster.url("postgres"),
            cluster.template_db.clone(),
            cluster.connections(&cluster.template_db),
            cluster.owner.is_some(),
        );
        let create = cluster.create_database(&template, None);
        let prepared = block_on_fresh(async move {
            if bootstrap {
                // The embedded cluster's own setup: the owner and the service roles.
                roles::bootstrap(&admin, None)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            let mut conn = AsyncPgConnection::establish(&admin)
                .await
                .map_err(|e| e.to_string())?;
            // One statement per call: several in one message run as one transaction,
            // which CREATE/DROP DATABASE refuse.
            for statement in [
                format!("DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)"),
                create,
            ] {
                conn.batch_execute(&statement)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            mantelmonitor::db::prepare(&connections)
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(())
        });
        if let Err(e) = prepared {
            if let Some(server) = &cluster.embedded {
                let _ = server.stop_and_remove();
            }
            return Err(e);
        }
        // SAFETY: registers a plain extern "C" function; it runs once at process exit.
        unsafe { libc::atexit(cleanup) };
        Ok(cluster)
    });
    match result {
        Ok(cluster) => cluster,
        Err(e) => panic!("test database setup failed: {e}"),
    }
}

/// `postgres://u:p@h/db?x` → `postgres://u:p@h/{db}?x`
fn replace_dbname(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = match base.rfind('/') {
        Some(i) if i > base.find("//").map_or(0, |j| j + 1) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{{db}}?{q}"),
        None => format!("{prefix}/{{db}}"),
    }
}

/// A running server on its own fresh database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The owner's connection string: `DATABASE_URL` for the CLI.
    pub database_url: String,
    /// How each role logs in to this test's database.
    pub connections: Connections,
    /// The service's own pools (request and sign-in roles).
    pub db: Db,
    /// The owner's pool, as the CLI uses it.
    pub system: SystemDb,
    database: String,
    handle: actix_web::dev::ServerHandle,
}

/// Settings for a test server; tests may adjust them with [`spawn_app_with`].
pub fn test_settings() -> Settings {
    let mut settings = Settings::from_lookup(|_| None).expect("default settings");
    settings.bind = "127.0.0.1:0".into();
    settings.workers = 1;
    settings.db_pool_size = 4;
    settings.jwt_secret = Some(JWT_SECRET.into());
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let cluster = cluster();
    let database = format!("mm_test_{}", uuid::Uuid::new_v4().simple());
    let (admin, create) = (
        cluster.url("postgres"),
        cluster.create_database(&database, Some(&cluster.template_db)),
    );
    block_on_fresh(async move {
        let mut conn = AsyncPgConnection::establish(&admin)
            .await
            .expect("connect to test cluster");
        conn.batch_execute(&create)
            .await
            .expect("create test database");
    });
    let connections = cluster.connections(&database);
    let database_url = connections.owner.clone();
    let mut settings = test_settings();
    settings.database_url = Some(database_url.clone());
    adjust(&mut settings);
    let app = Application::build(&settings, &connections, JWT_SECRET.as_bytes())
        .await
        .expect("build application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        db: Db::new(&connections, 2, std::time::Duration::from_secs(10)).expect("pool"),
        system: SystemDb::new(&connections, std::time::Duration::from_secs(10)).expect("pool"),
        database_url,
        connections,
        database,
        handle,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the future only reports completion.
        drop(self.handle.stop(false));
        let (admin, name) = (cluster().url("postgres"), self.database.clone());
        block_on_fresh(async move {
            if let Ok(mut conn) = AsyncPgConnection::establish(&admin).await {
                let _ = conn
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        });
    }
}

/// An organisation with a signed-in admin.
pub struct Tenant {
    pub organisation_id: String,
    pub admin_id: String,
    pub admin_email: String,
    pub token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// PATCH/PUT with `If-Match: <etag>`.
    pub async fn send_if_match(
        &self,
        method: Method,
        path: &str,
        token: &str,
        etag: &str,
        body: Option<&Value>,
    ) -> Response {
        let mut builder = self
            .request(method, path, Some(token))
            .header("If-Match", etag);
        if let Some(body) = body {
            builder = builder.json(body);
        }
        builder.send().await.expect("request")
    }

    /// Creates an organisation and admin through the same code as `mantelmonitor init`, then signs in.
    pub async fn tenant(&self, name: &str) -> Tenant {
        let email = format!(
            "admin-{}@{}.example",
            uuid::Uuid::new_v4().simple(),
            name.to_lowercase().replace(' ', "-")
        );
        let created: InitResult = init(
            &self.system,
            InitArgs {
                organisation: name.into(),
                admin_email: email.clone(),
                admin_password: Some(PASSWORD.into()),
                json: true,
            },
        )
        .await
        .expect("init organisation");
        let token = self.login(&email, PASSWORD).await;
        Tenant {
            organisation_id: created.organisation_id.to_string(),
            admin_id: created.user_id.to_string(),
            admin_email: email,
            token,
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .request(Method::POST, "/api/v1/auth/token", None)
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "login failed for {email}"
        );
        let body: Value = response.json().await.expect("token json");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    /// Creates a user with `role` in the tenant and returns (id, token).
    pub async fn user_with_role(&self, tenant: &Tenant, role: &str) -> (String, String) {
        let email = format!("{role}-{}@example.org", uuid::Uuid::new_v4().simple());
        let response = self
            .post(
                "/api/v1/users",
                &tenant.token,
                &json!({"email": email, "name": role, "role": role, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        (
            body["id"].as_str().unwrap().to_string(),
            self.login(&email, PASSWORD).await,
        )
    }

    /// Creates a project and returns its JSON and ETag.
    pub async fn project(&self, token: &str, body: &Value) -> (Value, String) {
        let response = self.post("/api/v1/projects", token, body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "create project");
        let etag = etag_of(&response);
        (response.json().await.unwrap(), etag)
    }
}

pub fn etag_of(response: &Response) -> String {
    response
        .headers()
        .get("etag")
        .expect("ETag header")
        .to_str()
        .unwrap()
        .to_string()
}

/// A valid project body with the given name.
pub fn project_body(name: &str) -> Value {
    json!({
        "name": name,
        "summary": "Bereik van mantelzorgers met een migratieachtergrond",
        "organisation_role": "direct_support",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31"
    })
}

/// Asserts a problem+json response with `status` and returns its body.
pub async fn problem(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/problem+json"),
        "content type"
    );
    let body: Value = response.json().await.expect("problem json");
    assert_eq!(body["status"].as_u64(), Some(u64::from(status)));
    assert!(
        body["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("urn:mantelmonitor:problem:"))
    );
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

/// The pointers (or parameter/header names) a problem names.
pub fn named_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    e["pointer"]
                        .as_str()
                        .or(e["parameter"].as_str())
                        .or(e["header"].as_str())
                })
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

// --- shared by the plan and report tests -------------------------------------------

/// `/api/v1/projects/{project_id}/{segment}`: a part of a project.
pub fn lines_path(project_id: &str, segment: &str) -> String {
    format!("/api/v1/projects/{project_id}/{segment}")
}

/// One line of a part of a project.
pub fn line_path(project_id: &str, segment: &str, id: &str) -> String {
    format!("/api/v1/projects/{project_id}/{segment}/{id}")
}

/// The `id` of an item, which must be a string.
pub fn id_of(item: &Value) -> String {
    item["id"].as_str().expect("id").to_string()
}

pub async fn json_of(response: Response) -> Value {
    response.json().await.expect("json body")
}

/// The number in an ETag `"<n>"`.
pub fn version(etag: &str) -> u64 {
    etag.trim_matches('"')
        .parse()
        .unwrap_or_else(|_| panic!("ETag {etag} is not \"<n>\""))
}

/// A project (2026-01-01 to 2027-12-31) and its id.
pub async fn new_project(app: &TestApp, token: &str, name: &str) -> String {
    let (project, _) = app.project(token, &project_body(name)).await;
    id_of(&project)
}

/// GET an item: status 200, its JSON and ETag.
pub async fn fetch(app: &TestApp, token: &str, path: &str) -> (Value, String) {
    let response = app.get(path, token).await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("GET {path}: {status} {text}");
    }
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

/// Every item of a collection, following the cursors.
pub async fn all_items(app: &TestApp, token: &str, collection: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = format!("{collection}?limit=200");
    for _ in 0..100 {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "list {path}");
        let page = json_of(response).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{collection}?limit=200&cursor={next}"),
            None => return items,
        }
    }
    panic!("the list never ended");
}

/// A request without If-Match.
pub async fn send_without_if_match(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Response {
    let mut builder = app.request(method, path, Some(token));
    if let Some(body) = body {
        builder = builder.json(body);
    }
    builder.send().await.expect("request")
}

/// The date in the Netherlands (CET, CEST from the last Sunday of March to the last
/// Sunday of October, switching at 01:00 UTC).
pub fn amsterdam_today() -> chrono::NaiveDate {
    use chrono::Datelike;
    let now = chrono::Utc::now();
    let last_sunday = |month: u32| {
        let mut day = chrono::NaiveDate::from_ymd_opt(now.year(), month + 1, 1).unwrap()
            - chrono::Days::new(1);
        while day.weekday() != chrono::Weekday::Sun {
            day = day - chrono::Days::new(1);
        }
        chrono::TimeZone::from_utc_datetime(&chrono::Utc, &day.and_hms_opt(1, 0, 0).unwrap())
    };
    let offset = if now >= last_sunday(3) && now < last_sunday(10) {
        2
    } else {
        1
    };
    (now + chrono::Duration::hours(offset)).date_naive()
}
