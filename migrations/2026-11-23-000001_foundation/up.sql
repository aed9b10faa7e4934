-- The request role. Every request logs in as it (see src/db/roles.rs, which creates it
-- before migrations run, with LOGIN); it owns nothing, so row-level security always
-- applies to it. Roles are cluster-wide: one may exist already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mantelmonitor_app') THEN
        CREATE ROLE mantelmonitor_app NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO mantelmonitor_app;

-- The caller's organisation for this transaction, or NULL when none is set, so that
-- every policy comparing with it fails closed.
CREATE FUNCTION app_current_organisation() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.organisation_id', true), '')::uuid $$;

CREATE TABLE organisations (
    id uuid PRIMARY KEY,
    name text NOT NULL CONSTRAINT organisations_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    report_language text NOT NULL DEFAULT 'nl' CONSTRAINT organisations_report_language_known CHECK (report_language IN ('nl', 'en')),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email text NOT NULL CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 3 AND 254),
    name text NOT NULL CONSTRAINT users_name_length CHECK (char_length(name) <= 200),
    password_hash text NOT NULL,
    role text NOT NULL CONSTRAINT users_role_known CHECK (role IN ('admin', 'coordinator', 'viewer')),
    active boolean NOT NULL DEFAULT true,
    -- carried in access tokens; raised by a password change or deactivation, which ends
    -- every session issued before (a counter, so the same second cannot slip through)
    session_version integer NOT NULL DEFAULT 0,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, id)
);
-- Login is by email alone, so an email names one user across all organisations.
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_organisation_list_idx ON users (organisation_id, created_at, id);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT api_tokens_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    role text NOT NULL CONSTRAINT api_tokens_role_known CHECK (role IN ('admin', 'coordinator', 'viewer')),
    secret_hash bytea NOT NULL CONSTRAINT api_tokens_secret_hash_length CHECK (octet_length(secret_hash) = 32),
    created_by uuid,
    expires_at timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, created_by) REFERENCES users (organisation_id, id) ON DELETE SET NULL (created_by)
);
CREATE INDEX api_tokens_organisation_list_idx ON api_tokens (organisation_id, created_at, id);

GRANT SELECT, UPDATE ON organisations TO mantelmonitor_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON users, api_tokens TO mantelmonitor_app;

-- Row-level security, enabled and forced. The request role sees only the rows of the
-- organisation set for its transaction; with no setting it sees nothing. The migrating
-- (owning) role is the system role used before a caller is known (login, token lookup,
-- the CLI); it gets an explicit policy rather than an implicit exemption.
ALTER TABLE organisations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organisations TO mantelmonitor_app
    USING (id = app_current_organisation())
    WITH CHECK (id = app_current_organisation());
CREATE POLICY system_access ON organisations TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON users TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_tokens TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON api_tokens TO CURRENT_USER USING (true) WITH CHECK (true);
