//! Building the application: the database (given or embedded), keys, routes, server.

use std::net::TcpListener;
use std::path::Path;

use actix_router::ResourceDef;
use actix_web::dev::{Server, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{self, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError, web};
use utoipa_actix_web::AppExt;

use crate::auth::Authenticator;
use crate::auth::hashing::PasswordHashing;
use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::RateLimits;
use crate::auth::sessions::Sessions;
use crate::config::Settings;
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::routes::{self, extract::BodyLimit, extract::FiguresLimit};
use crate::{openapi, telemetry};
use mantelmonitor_embedded_pg::{EmbeddedOptions, EmbeddedPostgres, ServiceLock, find_bin_dir};

/// Why the service could not start; the message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Embedded(#[from] mantelmonitor_embedded_pg::EmbeddedError),
    #[error(transparent)]
    Database(#[from] db::SetupError),
    #[error("{0}")]
    Config(String),
    #[error(
        "{holder} already serves from {}; two services cannot share one embedded database. Stop that one first, or give this one its own MANTELMONITOR_DATA_DIR.",
        data_dir.display()
    )]
    AlreadyServing {
        data_dir: std::path::PathBuf,
        holder: String,
    },
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// The database the service uses: `DATABASE_URL`, or the embedded cluster.
pub struct Database {
    /// How the owner and the two service roles log in.
    pub connections: db::Connections,
    embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts (or joins) the embedded cluster under the
    /// data directory and makes sure its `mantelmonitor` database exists.
    pub async fn open(settings: &Settings) -> Result<Self, StartupError> {
        if let Some(url) = &settings.database_url {
            return Ok(Self {
                connections: db::Connections::derive(
                    url,
                    settings.app_database_url.as_deref(),
                    settings.auth_database_url.as_deref(),
                ),
                embedded: None,
            });
        }
        let options = EmbeddedOptions {
            bin_dir: find_bin_dir(settings.pg_bin.as_deref())?,
            durable: true,
            run_as: settings.pg_user.clone(),
            settings: Vec::new(),
        };
        let base = settings.data_dir.join("postgres");
        std::fs::create_dir_all(&settings.data_dir)?;
        let server = tokio::task::spawn_blocking(move || EmbeddedPostgres::start(&base, &options))
            .await
            .map_err(|e| StartupError::Config(e.to_string()))??;
        let database = Self {
            connections: db::Connections::derive(
                &db::roles::as_user(
                    &server.connection_string("mantelmonitor"),
                    db::roles::EMBEDDED_OWNER,
                ),
                None,
                None,
            ),
            embedded: Some(server),
        };
        if let Some(server) = &database.embedded
            && let Err(e) =
                db::roles::bootstrap(&server.connection_string("postgres"), Some("mantelmonitor"))
                    .await
        {
            database.close();
            return Err(e.into());
        }
        Ok(database)
    }

    /// Claims the data directory for the one `serve` it may have, for as long as the returned
    /// lock lives; `None` with `DATABASE_URL`, where the data directory holds no database.
    pub fn claim_service(settings: &Settings) -> Result<Option<ServiceLock>, StartupError> {
        if settings.database_url.is_some() {
            return Ok(None);
        }
        std::fs::create_dir_all(&settings.data_dir)?;
        ServiceLock::claim(&settings.data_dir.join("serve.lock"))?
            .map(Some)
            .map_err(|holder| StartupError::AlreadyServing {
                data_dir: settings.data_dir.clone(),
                holder: holder.to_string(),
            })
    }

    pub fn is_embedded(&self) -> bool {
        self.embedded.is_some()
    }

    /// Stops the embedded cluster if this process started it.
    pub fn close(&self) {
        if let Some(server) = &self.embedded
            && let Err(e) = server.stop()
        {
            tracing::error!(error = %e, "stopping the embedded Postgres failed");
        }
    }
}

/// The signing key: `MANTELMONITOR_JWT_SECRET`, or with the embedded database a key
/// generated once and kept in the data directory.
pub fn jwt_secret(settings: &Settings, embedded: bool) -> Result<Vec<u8>, StartupError> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.as_bytes().to_vec());
    }
    if !embedded {
        return Err(StartupError::Config(
            "MANTELMONITOR_JWT_SECRET must be set (at least 32 bytes) when DATABASE_URL is set"
                .into(),
        ));
    }
    read_or_create_secret(&settings.data_dir.join("jwt-secret"))
}

fn read_or_create_secret(path: &Path) -> Result<Vec<u8>, StartupError> {
    use base64::Engine;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::read_to_string(path) {
        Ok(existing) if existing.trim().len() >= 32 => {
            return Ok(existing.trim().as_bytes().to_vec());
        }
        Ok(_) => {
            return Err(StartupError::Config(format!(
                "{} is shorter than 32 bytes; delete it to regenerate",
                path.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.into()),
    }
    let secret =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(crate::auth::random_bytes::<48>());
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(mut file) => {
            file.write_all(secret.as_bytes())?;
            file.sync_all()?;
            Ok(secret.into_bytes())
        }
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_or_create_secret(path),
        Err(e) => Err(e.into()),
    }
}

/// A built, bound server that has not started serving yet.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Prepares the database (roles and migrations, as the owner), connects as the service
    /// roles and binds `settings.bind` (port 0 picks a free port).
    pub async fn build(
        settings: &Settings,
        connections: &db::Connections,
        jwt_secret: &[u8],
    ) -> Result<Self, StartupError> {
        let applied = db::prepare(connections).await?;
        if !applied.is_empty() {
            tracing::info!(?applied, "migrations applied");
        }
        let db = Db::new(connections, settings.db_pool_size, settings.db_timeout)
            .map_err(StartupError::Config)?;
        db.sweep_idle();
        let keys = JwtKeys::new(
            jwt_secret,
            &settings.jwt_issuer,
            &settings.jwt_audience,
            settings.token_ttl,
        );
        let outbound = crate::outbound::Outbound::new(crate::outbound::Reach {
            allow_private: settings.outbound_allow_private,
        })
        .map_err(|e| StartupError::Config(e.to_string()))?;
        let authenticator = web::Data::new(
            Authenticator::new(
                db.clone(),
                keys,
                PasswordHashing::per_core(settings.password_queue_timeout),
                RateLimits::from_settings(settings),
                Sessions::new(settings.user_recheck),
                crate::auth::oidc::Oidc::new(
                    db.clone(),
                    outbound.clone(),
                    settings.user_recheck,
                    settings.oidc_refetch_interval,
                ),
            )
            .map_err(|e| StartupError::Config(e.to_string()))?,
        );
        forget_recovered_limits(&authenticator);
        let listener = TcpListener::bind(&settings.bind).map_err(|source| StartupError::Bind {
            address: settings.bind.clone(),
            source,
        })?;
        let port = listener.local_addr()?.port();
        let (routes, document) = {
            let document = openapi::document();
            let served = routes::docs::Document::new(&document)
                .map_err(|e| StartupError::Config(e.to_string()))?;
            (
                web::Data::new(RouteTable::from(&document)),
                web::Data::new(served),
            )
        };
        let origins = crate::cors::Origins::new(settings.cors_origins.iter().cloned());
        if let Err(error) = origins.refresh(&db).await {
            tracing::warn!(
                ?error,
                "could not read the organisations' allowed origins; retrying"
            );
        }
        origins.keep_fresh(db.clone());
        let db = web::Data::new(db);
        let lifetimes = web::Data::new(settings.api_token_lifetimes);
        let system =
            db::SystemDb::new(connections, settings.db_timeout).map_err(StartupError::Config)?;
        let worker = crate::webhooks::Worker::new(system, outbound.clone(), settings.webhooks);
        worker.start();
        let worker = web::Data::from(worker);
        let body_limit = BodyLimit(settings.max_body_bytes);
        let figures_limit = FiguresLimit(settings.max_figures_bytes);
        let workers = settings.workers;
        let server = HttpServer::new(move || {
            // Each worker its own pools, opened on its own thread (see `Db::for_worker`).
            let db = match db.for_worker(workers) {
                Ok(own) => web::Data::new(own),
                Err(error) => {
                    tracing::warn!(%error, "a worker shares the service's pools");
                    db.clone()
                }
            };
            let app = App::new()
                .app_data(db)
                .app_data(web::Data::new(origins.clone()))
                .app_data(lifetimes.clone())
                .app_data(web::Data::new(outbound.clone()))
                .app_data(worker.clone())
                .app_data(authenticator.clone())
                .app_data(routes.clone())
                .app_data(body_limit)
                .app_data(figures_limit)
                .app_data(web::PathConfig::default().error_handler(|_, req| {
                    let detail = format!(
                        "There is no resource at {}: an id in it is not one the API gives \
                         (ids are UUIDs such as 01a2425a-1d78-7406-823e-988b5c59dd72).",
                        req.path()
                    );
                    match req.app_data::<web::Data<RouteTable>>() {
                        Some(routes) => routes.refusal(req, Some(detail)).into(),
                        None => ApiError::NotFound(detail).into(),
                    }
                }))
                // Before the /api/v1 scope: actix does not fall through a matched scope.
                .app_data(document.clone())
                .service(routes::docs::swagger())
                .route(
                    routes::docs::DOCUMENT_PATH,
                    web::get().to(routes::docs::document),
                )
                .service(web::redirect("/docs", "/docs/"))
                .into_utoipa_app()
                .configure(routes::configure)
                .into_app()
                .default_service(web::to(fallback))
                .wrap(middleware::from_fn(routes::conditional::conditional))
                .wrap(middleware::from_fn(routes::docs::content_security))
                // Inside the problem handler, so that a refused preflight is a problem
                // document too, and every answer to an allowed origin (errors included)
                // carries the CORS headers.
                .wrap(origins.middleware())
                .wrap(ErrorHandlers::new().default_handler(as_problem))
                .wrap(middleware::from_fn(telemetry::request_id));
            return_freed_memory();
            app
        })
        .workers(workers)
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();
        Ok(Self { server, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server from elsewhere (tests stop theirs when they end).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Building a worker's application allocates and frees several megabytes (the OpenAPI
/// description of every route, gathered and dropped), and so does a large bulk
/// submission; glibc keeps what is freed in its arenas, where it counts as resident for
/// good. Handing it back to the system keeps an idle service small.
pub(crate) fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Every minute, drops rate-limit keys that have fully recovered, until the
/// application is gone.
fn forget_recovered_limits(authenticator: &web::Data<Authenticator>) {
    let weak = std::sync::Arc::downgrade(&authenticator.clone().into_inner());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        every.tick().await;
        loop {
            every.tick().await;
            match weak.upgrade() {
                Some(authenticator) => authenticator.limits().retain_recent(),
                None => break,
            }
        }
    });
}

/// The documented paths and their methods, to tell 405 from 404.
struct RouteTable(Vec<(ResourceDef, Vec<String>)>);

impl From<&utoipa::openapi::OpenApi> for RouteTable {
    fn from(document: &utoipa::openapi::OpenApi) -> Self {
        RouteTable(
            document
                .paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let mut methods: Vec<String> = [
                        ("GET", item.get.is_some()),
                        ("POST", item.post.is_some()),
                        ("PUT", item.put.is_some()),
                        ("PATCH", item.patch.is_some()),
                        ("DELETE", item.delete.is_some()),
                    ]
                    .into_iter()
                    .filter(|(_, present)| *present)
                    .map(|(m, _)| m.to_string())
                    .collect();
                    methods.sort();
                    (ResourceDef::new(path.as_str()), methods)
                })
                .collect(),
        )
    }
}

async fn fallback(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(routes.refusal(&req, None))
}

impl RouteTable {
    /// Why a request matched no handler: 405 with the allowed methods when its path is a
    /// documented one (a fixed path such as `/users/me` before a template that also
    /// matches it), 404 otherwise.
    fn refusal(&self, req: &HttpRequest, not_found: Option<String>) -> ApiError {
        let path = req.path();
        let matching = self.0.iter().filter(|(def, _)| def.is_match(path));
        let best = matching.min_by_key(|(def, _)| {
            def.is_prefix() || def.pattern().is_none_or(|p| p.contains('{'))
        });
        match best {
            Some((_, methods)) if !methods.iter().any(|m| m == req.method().as_str()) => {
                ApiError::MethodNotAllowed {
                    allowed: methods.clone(),
                }
            }
            _ => ApiError::NotFound(
                not_found.unwrap_or_else(|| format!("There is no resource at {path}.")),
            ),
        }
    }
}

/// Turns any error response that is not yet a problem document (from actix itself or a
/// library) into one, keeping its status, so clients see a single error format.
fn as_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let problem = if status.is_server_error() {
        ApiError::internal(std::io::Error::other(format!(
            "unhandled {status} response"
        )))
        .error_response()
    } else {
        let reason = status.canonical_reason().unwrap_or("Client error");
        let body = crate::error::Problem {
            problem_type: format!("urn:mantelmonitor:problem:http-{}", status.as_u16()),
            title: reason.to_string(),
            status: status.as_u16(),
            detail: format!("The request could not be handled: {reason}."),
            errors: Vec::new(),
            allowed: None,
            missing_scope: None,
        };
        HttpResponse::build(status)
            .content_type("application/problem+json")
            .body(serde_json::to_vec(&body).unwrap_or_default())
    };
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, problem).map_into_right_body(),
    ))
}
