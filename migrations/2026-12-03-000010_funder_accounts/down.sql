DROP POLICY identify ON organisations;
REVOKE SELECT (id, kind) ON organisations FROM mantelmonitor_auth;
DROP TRIGGER role_fits_account ON api_tokens;
DROP TRIGGER role_fits_account ON users;
DROP FUNCTION app_role_fits_account();
DELETE FROM organisations WHERE kind = 'funder';
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_role_known,
    ADD CONSTRAINT api_tokens_role_known CHECK (role IN ('admin', 'coordinator', 'viewer'));
ALTER TABLE users DROP CONSTRAINT users_role_known,
    ADD CONSTRAINT users_role_known CHECK (role IN ('admin', 'coordinator', 'viewer'));
DROP INDEX organisations_funder_code_key;
ALTER TABLE organisations DROP CONSTRAINT organisations_funder_code_for_funders,
    DROP COLUMN funder_code,
    DROP COLUMN kind;
