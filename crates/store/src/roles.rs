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

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::SetupError;

/// The role request transactions log in as.
pub const APP_ROLE: &str = "mantelmonitor_app";
/// The role that finds callers: sign-in and API-token lookup.
pub const AUTH_ROLE: &str = "mantelmonitor_auth";
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

#[derive(QueryableByName)]
struct RoleState {
    #[diesel(sql_type = Text)]
    rolname: String,
    #[diesel(sql_type = Bool)]
    rolsuper: bool,
    #[diesel(sql_type = Bool)]
    rolbypassrls: bool,
    #[diesel(sql_type = Bool)]
    rolcanlogin: bool,
    #[diesel(sql_type = Bool)]
    rolcreaterole: bool,
    #[diesel(sql_type = Bool)]
    rolcreatedb: bool,
    /// Whether the role can act as the owner (member of it, directly or not).
    #[diesel(sql_type = Bool)]
    owner_member: bool,
    /// Whether the role owns anything in this database.
    #[diesel(sql_type = Bool)]
    owns_objects: bool,
    /// Whether the role is a member of any role (the other service role,
    /// `pg_read_all_data`, …): a service role is a member of none.
    #[diesel(sql_type = Bool)]
    member_of_any: bool,
    #[diesel(sql_type = Bool)]
    rolreplication: bool,
    #[diesel(sql_type = Bool)]
    can_connect: bool,
}

#[derive(QueryableByName)]
struct Sql {
    #[diesel(sql_type = Text)]
    sql: String,
}

async fn roles_state(conn: &mut AsyncPgConnection) -> Result<Vec<RoleState>, SetupError> {
    Ok(diesel::sql_query(
        "SELECT r.rolname::text AS rolname, r.rolsuper, r.rolbypassrls, r.rolcanlogin, \
                r.rolcreaterole, r.rolcreatedb, \
                pg_has_role(r.oid, (SELECT oid FROM pg_roles WHERE rolname = current_user), 'MEMBER') AS owner_member, \
                EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid) \
                    OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.proowner = r.oid) \
                    OR EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspowner = r.oid) AS owns_objects, \
                EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid) AS member_of_any, \
                r.rolreplication, \
                has_database_privilege(r.oid, current_database(), 'CONNECT') AS can_connect \
         FROM pg_roles r WHERE r.rolname = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(vec![APP_ROLE.to_string(), AUTH_ROLE.to_string()])
    .load(conn)
    .await?)
}

/// Runs a utility statement built by the server's `format()`, so names and passwords are
/// quoted by Postgres itself.
async fn execute_formatted(
    conn: &mut AsyncPgConnection,
    template: &str,
    args: &[&str],
) -> Result<(), diesel::result::Error> {
    use diesel::sql_types::Text;
    let placeholders: Vec<String> = (1..=args.len()).map(|i| format!("${i}")).collect();
    let mut query = diesel::sql_query(format!(
        "SELECT format('{}', {}) AS sql",
        template.replace('\'', "''"),
        placeholders.join(", ")
    ))
    .into_boxed::<diesel::pg::Pg>();
    for arg in args {
        query = query.bind::<Text, _>(arg.to_string());
    }
    let built: Sql = query.get_result(conn).await?;
    conn.batch_execute(&built.sql).await
}

/// The attributes a service role must have and must not have.
const SAFE_ATTRIBUTES: &str = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION";

/// Creates the two service roles when they are missing (with the password their connection
/// string carries, if any), lets them connect, and corrects unsafe attributes; then checks
/// that neither can act as the owner. Runs as the owner, before and after migrations.
/// Creating or altering a role needs CREATEROLE; where the owner lacks it, the roles must
/// exist already (the README says how to make them) and are only checked.
pub async fn ensure(connections: &Connections) -> Result<(), SetupError> {
    let mut conn = AsyncPgConnection::establish(&connections.owner)
        .await
        .map_err(SetupError::Connect)?;
    let existing = roles_state(&mut conn).await?;
    let database = current_database(&mut conn).await?;
    for (role, conninfo) in [(APP_ROLE, &connections.app), (AUTH_ROLE, &connections.auth)] {
        let (user, password) = credentials(conninfo);
        if user.as_deref().is_some_and(|u| u != role) {
            return Err(SetupError::Roles(format!(
                "the connection string for {role} logs in as {}; it must log in as {role}",
                user.unwrap_or_default()
            )));
        }
        match existing.iter().find(|r| r.rolname == role) {
            None => {
                let created = match &password {
                    Some(password) => {
                        execute_formatted(
                            &mut conn,
                            &format!("CREATE ROLE %I {SAFE_ATTRIBUTES} PASSWORD %L"),
                            &[role, password],
                        )
                        .await
                    }
                    None => {
                        execute_formatted(
                            &mut conn,
                            &format!("CREATE ROLE %I {SAFE_ATTRIBUTES}"),
                            &[role],
                        )
                        .await
                    }
                };
                created.map_err(|e| {
                    SetupError::Roles(format!(
                        "cannot create role {role} ({e}); give the owner CREATEROLE, or create it as the README describes"
                    ))
                })?;
            }
            Some(state)
                if state.rolsuper
                    || state.rolbypassrls
                    || !state.rolcanlogin
                    || state.rolcreaterole
                    || state.rolcreatedb
                    || state.rolreplication =>
            {
                execute_formatted(&mut conn, &format!("ALTER ROLE %I {SAFE_ATTRIBUTES}"), &[role])
                    .await
                    .map_err(|e| {
                        SetupError::Roles(format!(
                            "role {role} must be {SAFE_ATTRIBUTES} and cannot be changed by the owner ({e}); as an administrator run: ALTER ROLE {role} {SAFE_ATTRIBUTES}"
                        ))
                    })?;
            }
            Some(_) => {}
        }
        let can_connect = roles_state(&mut conn)
            .await?
            .iter()
            .any(|r| r.rolname == role && r.can_connect);
        if !can_connect {
            execute_formatted(&mut conn, "GRANT CONNECT ON DATABASE %I TO %I", &[&database, role])
                .await
                .map_err(|e| {
                    SetupError::Roles(format!(
                        "{role} may not connect to the database and the owner cannot allow it ({e}); as its owner run: GRANT CONNECT ON DATABASE {database} TO {role}"
                    ))
                })?;
        }
        // A role made by an earlier version (or by hand) may lack the password its
        // connection string gives: set it when that string cannot log in.
        if let Some(password) = &password
            && AsyncPgConnection::establish(conninfo).await.is_err()
        {
            execute_formatted(&mut conn, "ALTER ROLE %I PASSWORD %L", &[role, password])
                .await
                .map_err(|e| {
                    SetupError::Roles(format!(
                        "cannot log in as {role} with its connection string, and the owner cannot set its password ({e}); as an administrator run: ALTER ROLE {role} PASSWORD '…'"
                    ))
                })?;
        }
    }
    for state in roles_state(&mut conn).await? {
        if state.owner_member {
            return Err(SetupError::Roles(format!(
                "role {} can act as the owner; as an administrator run: REVOKE <owner> FROM {}",
                state.rolname, state.rolname
            )));
        }
        if state.member_of_any {
            return Err(SetupError::Roles(format!(
                "role {} is a member of other roles; a service role must be a member of none (see \\du {})",
                state.rolname, state.rolname
            )));
        }
        if state.owns_objects {
            return Err(SetupError::Roles(format!(
                "role {} owns objects in the database; it must own nothing (REASSIGN OWNED BY {} TO <owner>)",
                state.rolname, state.rolname
            )));
        }
    }
    Ok(())
}

async fn current_database(conn: &mut AsyncPgConnection) -> Result<String, diesel::result::Error> {
    let found: Sql = diesel::sql_query("SELECT current_database()::text AS sql")
        .get_result(conn)
        .await?;
    Ok(found.sql)
}

/// As a superuser of a cluster of our own (the embedded one, or the tests'): creates the
/// owner and the service roles and, when given, makes `database` exist, owned by the
/// owner. A data directory from before the owner existed has its objects handed over.
pub async fn bootstrap(superuser: &str, database: Option<&str>) -> Result<(), SetupError> {
    let mut conn = AsyncPgConnection::establish(superuser)
        .await
        .map_err(SetupError::Connect)?;
    for (role, attributes) in [
        (
            EMBEDDED_OWNER,
            "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
        ),
        (APP_ROLE, SAFE_ATTRIBUTES),
        (AUTH_ROLE, SAFE_ATTRIBUTES),
    ] {
        let sql = format!(
            "DO $$ BEGIN \
                 IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN \
                     CREATE ROLE {role} {attributes}; \
                 ELSE \
                     ALTER ROLE {role} {attributes}; \
                 END IF; \
             EXCEPTION WHEN duplicate_object THEN NULL; \
             END $$"
        );
        conn.batch_execute(&sql).await?;
    }
    let Some(database) = database else {
        return Ok(());
    };
    super::ensure_database(&mut conn, database, EMBEDDED_OWNER).await?;
    drop(conn);
    // Inside the database: hand over what an older version created as the superuser.
    let mut conn = AsyncPgConnection::establish(&format!(
        "{superuser} dbname={}",
        mantelmonitor_embedded_pg::conninfo_quote(database)
    ))
    .await
    .map_err(SetupError::Connect)?;
    conn.batch_execute(&format!(
        "DO $$ DECLARE o record; BEGIN \
             FOR o IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S', 'v', 'm', 'p') \
                   AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = '{EMBEDDED_OWNER}') \
                   AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))) \
             LOOP \
                 EXECUTE format('ALTER TABLE %I OWNER TO {EMBEDDED_OWNER}', o.relname); \
             END LOOP; \
             FOR o IN SELECT p.oid::regprocedure AS proc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
                 WHERE n.nspname = 'public' AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = '{EMBEDDED_OWNER}') \
             LOOP \
                 EXECUTE format('ALTER ROUTINE %s OWNER TO {EMBEDDED_OWNER}', o.proc); \
             END LOOP; \
         END $$"
    ))
    .await?;
    Ok(())
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
