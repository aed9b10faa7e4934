//! The database roles the service uses, and the connection strings that log in as them.
//!
//! - The **owner** (whoever `DATABASE_URL` logs in as; `mantelmonitor_owner` in the
//!   embedded cluster) owns the schema and runs migrations and the CLI. No request ever
//!   runs on its connections.
//! - [`APP_ROLE`] logs in for every request after authentication. It owns nothing, has no
//!   BYPASSRLS and is no member of the owner, so `RESET ROLE` inside a request transaction
//!   lands on itself and row-level security always applies.
//! - [`AUTH_ROLE`] logs in for finding a caller (sign-in, API-token lookup) on a small pool
//!   of its own. It may read `users` and `api_tokens` across organisations and stamp
//!   `api_tokens.last_used_at`, nothing else; the request role cannot call on it.
//! - [`FUNDER_ROLE`] cannot log in: a request of a funder account that reads what
//!   organisations share with it runs `SET LOCAL ROLE` to it. Its policies show only the
//!   rows of the projects shared with that account, and it may read no user, token,
//!   audit event or contact person at all. [`APP_ROLE`] is its only member and does not
//!   inherit from it (NOINHERIT), so an organisation's request never passes its policies.

mod setup;

pub use setup::{bootstrap, ensure};

/// The role request transactions log in as.
pub const APP_ROLE: &str = "mantelmonitor_app";
/// The role that finds callers: sign-in and API-token lookup.
pub const AUTH_ROLE: &str = "mantelmonitor_auth";
/// The role a funder account's reads of shared projects run as (`SET LOCAL ROLE`).
pub const FUNDER_ROLE: &str = "mantelmonitor_funder";
/// The owner the embedded cluster creates (with `DATABASE_URL`, the owner is its user).
pub const EMBEDDED_OWNER: &str = "mantelmonitor_owner";

/// Where each role connects: three connection strings to one database.
#[derive(Debug, Clone)]
pub struct Connections {
    /// The owner: migrations and the CLI.
    pub owner: String,
    /// Requests ([`APP_ROLE`]).
    pub app: String,
    /// Finding callers ([`AUTH_ROLE`]).
    pub auth: String,
}

impl Connections {
    /// The owner's connection string, and those of the two service roles: given, or the
    /// owner's with the user name swapped (and no password, for trust, peer or a
    /// password file).
    pub fn derive(owner: &str, app: Option<&str>, auth: Option<&str>) -> Self {
        Self {
            owner: with_application_name(owner, "mantelmonitor-owner"),
            app: with_application_name(
                &app.map_or_else(|| as_user(owner, APP_ROLE), str::to_string),
                "mantelmonitor-app",
            ),
            auth: with_application_name(
                &auth.map_or_else(|| as_user(owner, AUTH_ROLE), str::to_string),
                "mantelmonitor-auth",
            ),
        }
    }
}

fn is_url(conninfo: &str) -> bool {
    conninfo.starts_with("postgres://") || conninfo.starts_with("postgresql://")
}

/// `conninfo` logging in as `user`, without the original's password.
pub fn as_user(conninfo: &str, user: &str) -> String {
    if !is_url(conninfo) {
        // Key/value form: a later keyword overrides an earlier one.
        return format!(
            "{conninfo} user={} password=''",
            mantelmonitor_embedded_pg::conninfo_quote(user)
        );
    }
    let (scheme, rest) = conninfo.split_once("://").unwrap_or(("postgres", conninfo));
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let user: String = form_urlencoded::byte_serialize(user.as_bytes()).collect();
    format!("{scheme}://{user}@{host}{tail}")
}

fn with_application_name(conninfo: &str, name: &str) -> String {
    if is_url(conninfo) {
        let separator = if conninfo.contains('?') { '&' } else { '?' };
        format!("{conninfo}{separator}application_name={name}")
    } else {
        format!("{conninfo} application_name={name}")
    }
}

/// The user and password a connection string logs in with.
fn credentials(conninfo: &str) -> (Option<String>, Option<String>) {
    match conninfo.parse::<tokio_postgres::Config>() {
        Ok(config) => (
            config.get_user().map(str::to_string),
            config
                .get_password()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .filter(|p| !p.is_empty()),
        ),
        Err(_) => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_strings_get_the_role_as_a_later_keyword() {
        let c = Connections::derive("host=/tmp/x port=5432 user=postgres dbname=mm", None, None);
        assert_eq!(
            credentials(&c.app),
            (Some(APP_ROLE.to_string()), None),
            "{}",
            c.app
        );
        assert_eq!(credentials(&c.auth).0.as_deref(), Some(AUTH_ROLE));
        assert_eq!(credentials(&c.owner).0.as_deref(), Some("postgres"));
    }

    #[test]
    fn urls_swap_user_and_drop_the_owners_password() {
        let c = Connections::derive(
            "postgres://owner:s%40cret@db.example:5433/mm?sslmode=require",
            None,
            None,
        );
        assert_eq!(
            c.app,
            "postgres://mantelmonitor_app@db.example:5433/mm?sslmode=require&application_name=mantelmonitor-app"
        );
        assert_eq!(credentials(&c.app), (Some(APP_ROLE.to_string()), None));
        assert_eq!(
            credentials(&c.owner),
            (Some("owner".to_string()), Some("s@cret".to_string()))
        );
        let bare = Connections::derive("postgresql://db.example/mm", None, None);
        assert_eq!(
            bare.auth,
            "postgresql://mantelmonitor_auth@db.example/mm?application_name=mantelmonitor-auth"
        );
    }

    #[test]
    fn given_strings_are_kept_with_their_passwords() {
        let c = Connections::derive(
            "postgres://owner@h/mm",
            Some("postgres://mantelmonitor_app:pw@h/mm"),
            None,
        );
        assert_eq!(
            credentials(&c.app),
            (Some(APP_ROLE.to_string()), Some("pw".to_string()))
        );
    }
}
