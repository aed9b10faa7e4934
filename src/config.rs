//! Settings, read once from environment variables and passed down (never a global).

use std::path::PathBuf;
use std::time::Duration;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the service can be configured with. See the README's table.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `MANTELMONITOR_BIND`: host:port to listen on.
    pub bind: String,
    /// `DATABASE_URL`: an existing database; when unset the service runs its own cluster.
    pub database_url: Option<String>,
    /// `MANTELMONITOR_APP_DATABASE_URL`: how requests log in (as `mantelmonitor_app`);
    /// unset: `DATABASE_URL` with that user and no password.
    pub app_database_url: Option<String>,
    /// `MANTELMONITOR_AUTH_DATABASE_URL`: how sign-in and token lookups log in (as
    /// `mantelmonitor_auth`); unset: `DATABASE_URL` with that user and no password.
    pub auth_database_url: Option<String>,
    /// `MANTELMONITOR_DATA_DIR`: the embedded cluster and generated keys.
    pub data_dir: PathBuf,
    /// `PG_BIN`: where the Postgres server binaries are, for the embedded cluster.
    pub pg_bin: Option<PathBuf>,
    /// `MANTELMONITOR_PG_USER`: the system user the embedded cluster runs as when we are root.
    pub pg_user: Option<String>,
    /// `MANTELMONITOR_JWT_SECRET`: HMAC key for access tokens (at least 32 bytes).
    pub jwt_secret: Option<String>,
    /// `MANTELMONITOR_JWT_ISSUER`
    pub jwt_issuer: String,
    /// `MANTELMONITOR_JWT_AUDIENCE`
    pub jwt_audience: String,
    /// `MANTELMONITOR_TOKEN_TTL_SECONDS`: lifetime of access tokens.
    pub token_ttl: Duration,
    /// `MANTELMONITOR_DB_POOL_SIZE`
    pub db_pool_size: usize,
    /// `MANTELMONITOR_DB_TIMEOUT_MS`: how long a request waits for a connection.
    pub db_timeout: Duration,
    /// `MANTELMONITOR_MAX_BODY_BYTES`: larger request bodies get 413.
    pub max_body_bytes: usize,
    /// `MANTELMONITOR_WORKERS`: HTTP worker threads.
    pub workers: usize,
    /// `MANTELMONITOR_SHUTDOWN_TIMEOUT_SECONDS`: grace period for in-flight requests.
    pub shutdown_timeout: Duration,
    /// `MANTELMONITOR_LOG_FORMAT`: `text` or `json`. Levels come from `RUST_LOG`.
    pub log_format: LogFormat,
}

/// A setting that is present but unusable.
#[derive(Debug, thiserror::Error)]
#[error("{name}: {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can supply their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let number =
            |name: &'static str, default: u64, min: u64, max: u64| -> Result<u64, ConfigError> {
                match get(name) {
                    None => Ok(default),
                    Some(raw) => match raw.trim().parse::<u64>() {
                        Ok(n) if (min..=max).contains(&n) => Ok(n),
                        _ => Err(ConfigError {
                            name,
                            problem: format!(
                                "expected a whole number from {min} to {max}, got {raw:?}"
                            ),
                        }),
                    },
                }
            };
        let default_workers = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        let log_format = match get("MANTELMONITOR_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError {
                    name: "MANTELMONITOR_LOG_FORMAT",
                    problem: format!("expected `text` or `json`, got {other:?}"),
                });
            }
        };
        let jwt_secret = get("MANTELMONITOR_JWT_SECRET");
        if let Some(secret) = &jwt_secret
            && secret.len() < 32
        {
            return Err(ConfigError {
                name: "MANTELMONITOR_JWT_SECRET",
                problem: "must be at least 32 bytes".into(),
            });
        }
        Ok(Self {
            bind: get("MANTELMONITOR_BIND").unwrap_or_else(|| "127.0.0.1:8080".into()),
            database_url: get("DATABASE_URL"),
            app_database_url: get("MANTELMONITOR_APP_DATABASE_URL"),
            auth_database_url: get("MANTELMONITOR_AUTH_DATABASE_URL"),
            data_dir: get("MANTELMONITOR_DATA_DIR")
                .map_or_else(|| PathBuf::from(".mantelmonitor"), PathBuf::from),
            pg_bin: get("PG_BIN").map(PathBuf::from),
            pg_user: get("MANTELMONITOR_PG_USER"),
            jwt_secret,
            jwt_issuer: get("MANTELMONITOR_JWT_ISSUER").unwrap_or_else(|| "mantelmonitor".into()),
            jwt_audience: get("MANTELMONITOR_JWT_AUDIENCE")
                .unwrap_or_else(|| "mantelmonitor-api".into()),
            token_ttl: Duration::from_secs(number(
                "MANTELMONITOR_TOKEN_TTL_SECONDS",
                900,
                60,
                86_400,
            )?),
            db_pool_size: number("MANTELMONITOR_DB_POOL_SIZE", 8, 1, 256)? as usize,
            db_timeout: Duration::from_millis(number(
                "MANTELMONITOR_DB_TIMEOUT_MS",
                5_000,
                10,
                120_000,
            )?),
            max_body_bytes: number(
                "MANTELMONITOR_MAX_BODY_BYTES",
                1_048_576,
                1_024,
                104_857_600,
            )? as usize,
            workers: number("MANTELMONITOR_WORKERS", default_workers, 1, 256)? as usize,
            shutdown_timeout: Duration::from_secs(number(
                "MANTELMONITOR_SHUTDOWN_TIMEOUT_SECONDS",
                30,
                0,
                3_600,
            )?),
            log_format,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.token_ttl, Duration::from_secs(900));
        assert!(s.database_url.is_none());
        assert_eq!(s.data_dir, PathBuf::from(".mantelmonitor"));
    }

    #[test]
    fn bad_numbers_and_short_secrets_name_the_variable() {
        let err =
            Settings::from_lookup(|n| (n == "MANTELMONITOR_DB_POOL_SIZE").then(|| "lots".into()))
                .unwrap_err();
        assert_eq!(err.name, "MANTELMONITOR_DB_POOL_SIZE");
        let err =
            Settings::from_lookup(|n| (n == "MANTELMONITOR_JWT_SECRET").then(|| "short".into()))
                .unwrap_err();
        assert_eq!(err.name, "MANTELMONITOR_JWT_SECRET");
    }
}
