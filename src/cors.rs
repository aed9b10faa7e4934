//! Browsers: which web origins may call the API (CORS), from the configuration
//! (`MANTELMONITOR_CORS_ORIGINS`) and from every organisation's `allowed_origins`.
//!
//! A preflight carries no credentials, so it is answered for an origin that the
//! configuration or any organisation allows; what the request may then do is its token's
//! business, as always. Origins not on the list get no CORS headers at all (a preflight
//! from one is refused), so the browser keeps the answer from the page. The organisations'
//! origins are read at start, again when an admin changes them in this process, and every
//! ten seconds (another instance, the CLI).

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix_cors::Cors;
use actix_web::http::{Method, header};

use crate::db::Db;
use crate::error::ApiError;
use crate::models::organisation;

/// How often the organisations' origins are read again.
pub const REFRESH: Duration = Duration::from_secs(10);

/// How long a browser may keep a preflight's answer.
const MAX_AGE_SECONDS: usize = 600;

async fn store(into: &RwLock<HashSet<String>>, db: &Db) -> Result<(), ApiError> {
    let found = db
        .identify(async |conn| Ok::<_, ApiError>(organisation::allowed_origins(conn).await?))
        .await?;
    *into.write().unwrap_or_else(|e| e.into_inner()) = found.into_iter().collect();
    Ok(())
}

/// The origins allowed now.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    configured: Arc<HashSet<String>>,
    organisations: Arc<RwLock<HashSet<String>>>,
}

impl Origins {
    /// The configured origins (already checked), and none of the organisations' yet.
    pub fn new(configured: impl IntoIterator<Item = String>) -> Self {
        Origins {
            configured: Arc::new(configured.into_iter().collect()),
            organisations: Arc::default(),
        }
    }

    pub fn allows(&self, origin: &str) -> bool {
        self.configured.contains(origin)
            || self
                .organisations
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .contains(origin)
    }

    /// Reads every organisation's origins again.
    pub async fn refresh(&self, db: &Db) -> Result<(), ApiError> {
        store(&self.organisations, db).await
    }

    /// Reads them again every [`REFRESH`], for as long as the server that uses them runs
    /// (the task ends when the last copy of these origins is dropped).
    pub fn keep_fresh(&self, db: Db) {
        let organisations = Arc::downgrade(&self.organisations);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(REFRESH);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            every.tick().await;
            loop {
                every.tick().await;
                let Some(organisations) = organisations.upgrade() else {
                    return;
                };
                if let Err(error) = store(&organisations, &db).await {
                    tracing::warn!(?error, "could not read the organisations' allowed origins");
                }
            }
        });
    }

    /// The CORS middleware for these origins: every documented method, the request
    /// headers the API reads, the response headers a page needs.
    pub fn middleware(&self) -> Cors {
        let origins = self.clone();
        Cors::default()
            .allowed_origin_fn(move |origin, _| {
                origin.to_str().is_ok_and(|origin| origins.allows(origin))
            })
            .allowed_methods([
                Method::GET,
                Method::HEAD,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                header::HeaderName::from_static("idempotency-key"),
                header::HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                header::CONTENT_DISPOSITION,
                header::HeaderName::from_static("x-request-id"),
                header::HeaderName::from_static("ratelimit"),
                header::HeaderName::from_static("ratelimit-policy"),
            ])
            .max_age(MAX_AGE_SECONDS)
            .block_on_origin_mismatch(false)
    }
}
