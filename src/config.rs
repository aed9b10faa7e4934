//! Settings, read once from environment variables and passed down (never a global).

use std::num::NonZeroU32;
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
    /// `MANTELMONITOR_MAX_FIGURES_BYTES`: the same for bulk quarterly figures.
    pub max_figures_bytes: usize,
    /// `MANTELMONITOR_USER_RECHECK_MS`: how long an access token's user check is trusted
    /// (at most a second, so a session ended anywhere ends within one).
    pub user_recheck: Duration,
    /// `MANTELMONITOR_WORKERS`: HTTP worker threads.
    pub workers: usize,
    /// `MANTELMONITOR_SHUTDOWN_TIMEOUT_SECONDS`: grace period for in-flight requests.
    pub shutdown_timeout: Duration,
    /// `MANTELMONITOR_LOG_FORMAT`: `text` or `json`. Levels come from `RUST_LOG`.
    pub log_format: LogFormat,
    /// `MANTELMONITOR_LOGIN_RATE_PER_ACCOUNT`: sign-in attempts per email address.
    pub login_rate_per_account: Option<Rate>,
    /// `MANTELMONITOR_LOGIN_RATE_PER_ADDRESS`: sign-in attempts per client address.
    pub login_rate_per_address: Option<Rate>,
    /// `MANTELMONITOR_API_RATE_PER_TOKEN`: requests per user or API token, on every
    /// authenticated operation.
    pub api_rate_per_token: Option<Rate>,
    /// `MANTELMONITOR_TRUSTED_CLIENT_IP_HEADER`: the header a proxy in front of the service
    /// puts the client's address in; unset, the address of the connection is used.
    pub trusted_client_ip_header: Option<String>,
    /// `MANTELMONITOR_PASSWORD_QUEUE_TIMEOUT_MS`: how long a sign-in waits for a free
    /// password hasher before it gets 503.
    pub password_queue_timeout: Duration,
    /// `MANTELMONITOR_CORS_ORIGINS`: web origins (comma-separated) whose pages may call the
    /// API from a browser, besides those each organisation allows.
    pub cors_origins: Vec<String>,
    /// `MANTELMONITOR_API_TOKEN_DEFAULT_DAYS` (365) and `MANTELMONITOR_API_TOKEN_MAX_DAYS`
    /// (731): how long a new API token lives when its maker names no expiry, and the
    /// longest it may.
    pub api_token_lifetimes: crate::auth::api_token::Lifetimes,
    /// `MANTELMONITOR_OUTBOUND_ALLOW_PRIVATE` (`false`): whether requests the service
    /// sends (identity providers' keys) may go to loopback, private and link-local
    /// addresses, and by plain http to those: an intranet's own provider, or tests.
    pub outbound_allow_private: bool,
    /// `MANTELMONITOR_OIDC_REFETCH_SECONDS` (10): the least time between two fetches of
    /// one identity provider's keys, however many unknown keys its tokens name.
    pub oidc_refetch_interval: Duration,
    /// `MANTELMONITOR_WEBHOOK_POLL_MS` (1000), `MANTELMONITOR_WEBHOOK_RETRY_BASE_MS`
    /// (10000), `MANTELMONITOR_WEBHOOK_GIVE_UP_SECONDS` (259200: three days) and
    /// `MANTELMONITOR_OVERDUE_CHECK_SECONDS` (300): how the webhook worker paces itself;
    /// `MANTELMONITOR_WEBHOOK_DELIVERY=false` keeps deliveries pending (a contract run that
    /// must not call the addresses it generates).
    pub webhooks: crate::webhooks::Pace,
}

/// A rate limit: at most `requests` in any `period`, all of them at once if need be,
/// one more each `period / requests` after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub requests: NonZeroU32,
    pub period: Duration,
}

impl Rate {
    /// `requests` per `seconds`; zero requests count as one.
    pub const fn per(requests: u32, seconds: u64) -> Self {
        Self {
            requests: match NonZeroU32::new(requests) {
                Some(n) => n,
                None => NonZeroU32::MIN,
            },
            period: Duration::from_secs(seconds),
        }
    }

    /// Reads `<requests>/<seconds>s` (e.g. `5/60s`), or `off` for no limit.
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let expected =
            || format!("expected `<requests>/<seconds>s` such as `5/60s`, or `off`; got {raw:?}");
        let (requests, seconds) = raw.split_once('/').ok_or_else(expected)?;
        let seconds = seconds.strip_suffix('s').ok_or_else(expected)?;
        let requests: u32 = requests.trim().parse().map_err(|_| expected())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| expected())?;
        if !(1..=1_000_000).contains(&requests) {
            return Err(format!(
                "requests must be from 1 to 1000000, got {requests}"
            ));
        }
        if !(1..=86_400).contains(&seconds) {
            return Err(format!("seconds must be from 1 to 86400, got {seconds}"));
        }
        Ok(Some(Self::per(requests, seconds)))
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}s", self.requests, self.period.as_secs())
    }
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
        let rate = |name: &'static str, default: Option<Rate>| match get(name) {
            None => Ok(default),
            Some(raw) => Rate::parse(&raw).map_err(|problem| ConfigError { name, problem }),
        };
        let trusted_client_ip_header =
            get("MANTELMONITOR_TRUSTED_CLIENT_IP_HEADER").map(|raw| raw.trim().to_string());
        if let Some(name) = &trusted_client_ip_header
            && actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).is_err()
        {
            return Err(ConfigError {
                name: "MANTELMONITOR_TRUSTED_CLIENT_IP_HEADER",
                problem: format!("{name:?} is not a header name"),
            });
        }
        let cors_origins = get("MANTELMONITOR_CORS_ORIGINS")
            .map(|raw| {
                raw.split(',')
                    .filter(|o| !o.trim().is_empty())
                    .map(crate::domain::origin::parse)
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(|problem| ConfigError {
                name: "MANTELMONITOR_CORS_ORIGINS",
                problem,
            })?
            .unwrap_or_default();
        let api_token_lifetimes = crate::auth::api_token::Lifetimes {
            default_days: number("MANTELMONITOR_API_TOKEN_DEFAULT_DAYS", 365, 1, 3_650)? as u32,
            max_days: number("MANTELMONITOR_API_TOKEN_MAX_DAYS", 731, 1, 3_650)? as u32,
        };
        if api_token_lifetimes.default_days > api_token_lifetimes.max_days {
            return Err(ConfigError {
                name: "MANTELMONITOR_API_TOKEN_DEFAULT_DAYS",
                problem: format!(
                    "must not exceed MANTELMONITOR_API_TOKEN_MAX_DAYS ({})",
                    api_token_lifetimes.max_days
                ),
            });
        }
        let flag = |name: &'static str, default: bool| -> Result<bool, ConfigError> {
            match get(name).as_deref().map(str::trim) {
                None => Ok(default),
                Some("false") | Some("0") | Some("off") => Ok(false),
                Some("true") | Some("1") | Some("on") => Ok(true),
                Some(other) => Err(ConfigError {
                    name,
                    problem: format!("expected `true` or `false`, got {other:?}"),
                }),
            }
        };
        let outbound_allow_private = flag("MANTELMONITOR_OUTBOUND_ALLOW_PRIVATE", false)?;
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
            max_figures_bytes: number(
                "MANTELMONITOR_MAX_FIGURES_BYTES",
                16_777_216,
                1_024,
                104_857_600,
            )? as usize,
            user_recheck: Duration::from_millis(number(
                "MANTELMONITOR_USER_RECHECK_MS",
                500,
                0,
                1_000,
            )?),
            workers: number("MANTELMONITOR_WORKERS", default_workers, 1, 256)? as usize,
            shutdown_timeout: Duration::from_secs(number(
                "MANTELMONITOR_SHUTDOWN_TIMEOUT_SECONDS",
                30,
                0,
                3_600,
            )?),
            log_format,
            login_rate_per_account: rate(
                "MANTELMONITOR_LOGIN_RATE_PER_ACCOUNT",
                Some(Rate::per(5, 60)),
            )?,
            login_rate_per_address: rate(
                "MANTELMONITOR_LOGIN_RATE_PER_ADDRESS",
                Some(Rate::per(20, 60)),
            )?,
            api_rate_per_token: rate("MANTELMONITOR_API_RATE_PER_TOKEN", None)?,
            trusted_client_ip_header,
            password_queue_timeout: Duration::from_millis(number(
                "MANTELMONITOR_PASSWORD_QUEUE_TIMEOUT_MS",
                5_000,
                1,
                60_000,
            )?),
            cors_origins,
            api_token_lifetimes,
            outbound_allow_private,
            webhooks: crate::webhooks::Pace {
                deliver: flag("MANTELMONITOR_WEBHOOK_DELIVERY", true)?,
                poll: Duration::from_millis(number(
                    "MANTELMONITOR_WEBHOOK_POLL_MS",
                    1_000,
                    50,
                    60_000,
                )?),
                retry_base: Duration::from_millis(number(
                    "MANTELMONITOR_WEBHOOK_RETRY_BASE_MS",
                    10_000,
                    10,
                    3_600_000,
                )?),
                give_up_after: Duration::from_secs(number(
                    "MANTELMONITOR_WEBHOOK_GIVE_UP_SECONDS",
                    259_200,
                    1,
                    2_592_000,
                )?),
                overdue_every: Duration::from_secs(number(
                    "MANTELMONITOR_OVERDUE_CHECK_SECONDS",
                    300,
                    1,
                    86_400,
                )?),
            },
            oidc_refetch_interval: Duration::from_secs(number(
                "MANTELMONITOR_OIDC_REFETCH_SECONDS",
                10,
                1,
                3_600,
            )?),
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

    #[test]
    fn api_token_lifetimes_default_to_a_year_at_most_two_and_the_default_fits() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(
            (
                s.api_token_lifetimes.default_days,
                s.api_token_lifetimes.max_days
            ),
            (365, 731)
        );
        let s = Settings::from_lookup(|n| match n {
            "MANTELMONITOR_API_TOKEN_DEFAULT_DAYS" => Some("30".into()),
            "MANTELMONITOR_API_TOKEN_MAX_DAYS" => Some("90".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            (
                s.api_token_lifetimes.default_days,
                s.api_token_lifetimes.max_days
            ),
            (30, 90)
        );
        let err = Settings::from_lookup(|n| {
            (n == "MANTELMONITOR_API_TOKEN_MAX_DAYS").then(|| "30".into())
        })
        .unwrap_err();
        assert_eq!(err.name, "MANTELMONITOR_API_TOKEN_DEFAULT_DAYS");
        assert!(err.problem.contains("(30)"), "{}", err.problem);
    }

    #[test]
    fn rate_limits_default_to_sign_in_only() {
        let s = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(s.login_rate_per_account.unwrap().to_string(), "5/60s");
        assert_eq!(s.login_rate_per_address.unwrap().to_string(), "20/60s");
        assert_eq!(s.api_rate_per_token, None);
        assert_eq!(s.trusted_client_ip_header, None);
        assert_eq!(s.password_queue_timeout, Duration::from_secs(5));
    }

    #[test]
    fn rates_are_read_switched_off_and_refused_by_name() {
        let s = Settings::from_lookup(|n| match n {
            "MANTELMONITOR_LOGIN_RATE_PER_ACCOUNT" => Some(" 3/2s ".into()),
            "MANTELMONITOR_LOGIN_RATE_PER_ADDRESS" => Some("OFF".into()),
            "MANTELMONITOR_API_RATE_PER_TOKEN" => Some("600/60s".into()),
            "MANTELMONITOR_TRUSTED_CLIENT_IP_HEADER" => Some("X-Forwarded-For".into()),
            _ => None,
        })
        .unwrap();
        let account = s.login_rate_per_account.unwrap();
        assert_eq!(
            (account.requests.get(), account.period),
            (3, Duration::from_secs(2))
        );
        assert_eq!(s.login_rate_per_address, None);
        assert_eq!(s.api_rate_per_token.unwrap().to_string(), "600/60s");
        assert_eq!(
            s.trusted_client_ip_header.as_deref(),
            Some("X-Forwarded-For")
        );
        for bad in [
            "5", "5/60", "0/60s", "5/0s", "five/60s", "5/60m", "-1/60s", "5/86401s",
        ] {
            let err = Settings::from_lookup(|n| {
                (n == "MANTELMONITOR_API_RATE_PER_TOKEN").then(|| bad.into())
            })
            .unwrap_err();
            assert_eq!(err.name, "MANTELMONITOR_API_RATE_PER_TOKEN", "{bad}");
        }
        let err = Settings::from_lookup(|n| {
            (n == "MANTELMONITOR_TRUSTED_CLIENT_IP_HEADER").then(|| "X Forwarded".into())
        })
        .unwrap_err();
        assert_eq!(err.name, "MANTELMONITOR_TRUSTED_CLIENT_IP_HEADER");
    }
}
