-- The identity providers an organisation trusts (OpenID Connect): bearer tokens from a
-- registered issuer sign its staff in (and, when allowed, its service clients) without a
-- password of ours. An issuer belongs to one organisation: its tokens never map into
-- another. The service checks URLs, claims and the mapping; the database keeps the shape.
CREATE TABLE identity_providers (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT identity_providers_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 100),
    issuer text NOT NULL CONSTRAINT identity_providers_issuer_length CHECK (char_length(issuer) BETWEEN 8 AND 500),
    audience text NOT NULL CONSTRAINT identity_providers_audience_length CHECK (char_length(audience) BETWEEN 1 AND 500),
    -- NULL: found through the issuer's discovery document.
    jwks_uri text CONSTRAINT identity_providers_jwks_uri_length CHECK (char_length(jwks_uri) BETWEEN 8 AND 500),
    user_claim text NOT NULL CONSTRAINT identity_providers_user_claim_known CHECK (user_claim IN ('email', 'sub')),
    roles_claim text CONSTRAINT identity_providers_roles_claim_length CHECK (char_length(roles_claim) BETWEEN 1 AND 100),
    -- [{"value": "<group>", "role": "admin|coordinator|viewer"}, ...]
    role_mapping jsonb NOT NULL DEFAULT '[]'
        CONSTRAINT identity_providers_role_mapping_list CHECK (jsonb_typeof(role_mapping) = 'array' AND jsonb_array_length(role_mapping) <= 50),
    -- NULL: a user whose claims map to no role is refused.
    default_role text CONSTRAINT identity_providers_default_role_known CHECK (default_role IN ('admin', 'coordinator', 'viewer')),
    create_users boolean NOT NULL DEFAULT false,
    service_clients boolean NOT NULL DEFAULT false,
    service_scopes text[] NOT NULL DEFAULT '{}'
        CONSTRAINT identity_providers_service_scopes_known CHECK (
            service_scopes <@ ARRAY['plans:read', 'plans:write', 'reports:read', 'reports:write',
                                    'reports:submit', 'reports:review', 'exports:read', 'admin']
            AND array_position(service_scopes, NULL) IS NULL),
    active boolean NOT NULL DEFAULT true,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT identity_providers_issuer_unique UNIQUE (issuer),
    UNIQUE (organisation_id, id)
);
CREATE INDEX identity_providers_organisation_list_idx ON identity_providers (organisation_id, created_at, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON identity_providers TO mantelmonitor_app;
ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity_providers TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON identity_providers TO CURRENT_USER USING (true) WITH CHECK (true);
-- Before a caller is known, the sign-in role finds the provider of a token's issuer.
GRANT SELECT ON identity_providers TO mantelmonitor_auth;
CREATE POLICY identify ON identity_providers FOR SELECT TO mantelmonitor_auth USING (true);

-- A user signed in through a provider: which provider, and the subject it names them by.
-- A user the provider made (just in time) has no password of ours. When the provider is
-- deleted the subject stays, naming the user as that provider knew them.
ALTER TABLE users
    ADD COLUMN identity_provider_id uuid,
    ADD COLUMN external_subject text CONSTRAINT users_external_subject_length CHECK (char_length(external_subject) BETWEEN 1 AND 255),
    ADD CONSTRAINT users_identity_provider_fk FOREIGN KEY (organisation_id, identity_provider_id)
        REFERENCES identity_providers (organisation_id, id) ON DELETE SET NULL (identity_provider_id),
    ADD CONSTRAINT users_external_subject_unique UNIQUE (identity_provider_id, external_subject);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_known,
    ADD CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project', 'funder', 'identity_provider'));
CREATE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON identity_providers
    FOR EACH ROW EXECUTE FUNCTION audit_record('identity_provider');
CREATE TRIGGER unchanged_keeps_version BEFORE UPDATE ON identity_providers
    FOR EACH ROW EXECUTE FUNCTION unchanged_keeps_version();
