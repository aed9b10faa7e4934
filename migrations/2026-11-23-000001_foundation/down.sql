DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE organisations;
DROP FUNCTION app_current_organisation();
REVOKE USAGE ON SCHEMA public FROM mantelmonitor_app;
-- the role is cluster-wide and may serve other databases: it is left in place
