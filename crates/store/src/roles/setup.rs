//! Making the service roles exist with safe attributes ([`ensure`], as the owner) and
//! creating them with the embedded owner in a cluster of our own ([`bootstrap`], as a
//! superuser).

use diesel::QueryableByName;
use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

use super::{APP_ROLE, AUTH_ROLE, Connections, EMBEDDED_OWNER, FUNDER_ROLE, credentials};
use crate::SetupError;

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
    /// `pg_read_all_data`, …) but the funder role: a service role is a member of none,
    /// except the request role of the funder role.
    #[diesel(sql_type = Bool)]
    member_of_any: bool,
    /// Whether the role is a member of the funder role.
    #[diesel(sql_type = Bool)]
    funder_member: bool,
    #[diesel(sql_type = Bool)]
    rolinherit: bool,
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
                EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid \
                    AND m.roleid IS DISTINCT FROM (SELECT oid FROM pg_roles WHERE rolname = $2)) AS member_of_any, \
                EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.member = r.oid \
                    AND m.roleid = (SELECT oid FROM pg_roles WHERE rolname = $2)) AS funder_member, \
                r.rolinherit, \
                r.rolreplication, \
                has_database_privilege(r.oid, current_database(), 'CONNECT') AS can_connect \
         FROM pg_roles r WHERE r.rolname = ANY($1)",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(vec![
        APP_ROLE.to_string(),
        AUTH_ROLE.to_string(),
        FUNDER_ROLE.to_string(),
    ])
    .bind::<Text, _>(FUNDER_ROLE)
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
/// The funder role's: it cannot log in either.
const FUNDER_ATTRIBUTES: &str =
    "NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION";

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
    ensure_funder_role(&mut conn).await?;
    for state in roles_state(&mut conn).await? {
        if state.rolname == FUNDER_ROLE && state.rolcanlogin {
            return Err(SetupError::Roles(format!(
                "role {FUNDER_ROLE} can log in; as an administrator run: ALTER ROLE {FUNDER_ROLE} {FUNDER_ATTRIBUTES}"
            )));
        }
        if state.funder_member && state.rolname != APP_ROLE {
            return Err(SetupError::Roles(format!(
                "role {} is a member of {FUNDER_ROLE}; only {APP_ROLE} may be (REVOKE {FUNDER_ROLE} FROM {})",
                state.rolname, state.rolname
            )));
        }
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

/// Makes the funder role exist, unable to log in; makes the request role its only member,
/// one that does not inherit its privileges (so that only `SET LOCAL ROLE` passes its
/// policies).
async fn ensure_funder_role(conn: &mut AsyncPgConnection) -> Result<(), SetupError> {
    let admin_needed = |what: &str, e: diesel::result::Error| {
        SetupError::Roles(format!(
            "cannot {what} ({e}); give the owner CREATEROLE, or as an administrator run what the README's section on database roles lists"
        ))
    };
    let existing = roles_state(conn).await?;
    match existing.iter().find(|r| r.rolname == FUNDER_ROLE) {
        None => execute_formatted(
            conn,
            &format!("CREATE ROLE %I {FUNDER_ATTRIBUTES}"),
            &[FUNDER_ROLE],
        )
        .await
        .map_err(|e| admin_needed(&format!("create role {FUNDER_ROLE}"), e))?,
        Some(state)
            if state.rolsuper
                || state.rolbypassrls
                || state.rolcanlogin
                || state.rolcreaterole
                || state.rolcreatedb
                || state.rolreplication =>
        {
            execute_formatted(
                conn,
                &format!("ALTER ROLE %I {FUNDER_ATTRIBUTES}"),
                &[FUNDER_ROLE],
            )
            .await
            .map_err(|e| admin_needed(&format!("make role {FUNDER_ROLE} safe"), e))?
        }
        Some(_) => {}
    }
    let app = roles_state(conn)
        .await?
        .into_iter()
        .find(|r| r.rolname == APP_ROLE);
    if let Some(app) = app {
        if app.rolinherit {
            execute_formatted(conn, "ALTER ROLE %I NOINHERIT", &[APP_ROLE])
                .await
                .map_err(|e| admin_needed(&format!("make role {APP_ROLE} NOINHERIT"), e))?;
        }
        if !app.funder_member {
            execute_formatted(conn, "GRANT %I TO %I", &[FUNDER_ROLE, APP_ROLE])
                .await
                .map_err(|e| admin_needed(&format!("grant {FUNDER_ROLE} to {APP_ROLE}"), e))?;
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
        (FUNDER_ROLE, FUNDER_ATTRIBUTES),
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
    conn.batch_execute(&format!(
        "ALTER ROLE {APP_ROLE} NOINHERIT; GRANT {FUNDER_ROLE} TO {APP_ROLE}"
    ))
    .await?;
    let Some(database) = database else {
        return Ok(());
    };
    crate::ensure_database(&mut conn, database, EMBEDDED_OWNER).await?;
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
