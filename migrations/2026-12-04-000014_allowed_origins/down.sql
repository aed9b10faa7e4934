DROP FUNCTION app_allowed_origins();
ALTER TABLE organisations DROP COLUMN allowed_origins;
