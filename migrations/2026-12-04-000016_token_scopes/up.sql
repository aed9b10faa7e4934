-- What an API token may do within its role (crates/domain/src/role.rs names the scopes).
-- NULL for a token made before scopes existed: it keeps every scope of its role. The
-- service checks that a new token's scopes fit its role and its maker's; the database
-- keeps the list to known scopes, without gaps (the service writes each once).
ALTER TABLE api_tokens ADD COLUMN scopes text[]
    CONSTRAINT api_tokens_scopes_known CHECK (
        scopes <@ ARRAY['plans:read', 'plans:write', 'reports:read', 'reports:write',
                        'reports:submit', 'reports:review', 'exports:read', 'admin']
        AND cardinality(scopes) BETWEEN 1 AND 8
        AND array_position(scopes, NULL) IS NULL
    );
