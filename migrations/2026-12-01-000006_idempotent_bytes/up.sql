-- A replayed bulk answer must be the first answer byte for byte. jsonb keeps no key
-- order (it sorts keys by length), so the answer is kept as the bytes that were sent.
ALTER TABLE idempotency_keys ADD COLUMN response_body bytea NOT NULL DEFAULT ''::bytea;
UPDATE idempotency_keys SET response_body = convert_to(response::text, 'UTF8');
ALTER TABLE idempotency_keys ALTER COLUMN response_body DROP DEFAULT;
ALTER TABLE idempotency_keys DROP COLUMN response;
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO mantelmonitor_app;
