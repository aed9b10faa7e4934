ALTER TABLE idempotency_keys ADD COLUMN response jsonb NOT NULL DEFAULT '{}'::jsonb;
UPDATE idempotency_keys SET response = convert_from(response_body, 'UTF8')::jsonb
    WHERE response_body <> ''::bytea;
ALTER TABLE idempotency_keys ALTER COLUMN response DROP DEFAULT;
ALTER TABLE idempotency_keys DROP COLUMN response_body;
