DROP TRIGGER audit_record ON webhook_endpoints;
DELETE FROM audit_events WHERE entity = 'webhook_endpoint';
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_known,
    ADD CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project', 'funder', 'identity_provider'));
CREATE OR REPLACE FUNCTION audit_value(key text, value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN key IN ('password_hash', 'secret_hash') THEN jsonb_build_object('redacted', true)
        WHEN key = 'contacts' THEN jsonb_build_object('redacted', true,
            'count', CASE WHEN jsonb_typeof(value) = 'array' THEN jsonb_array_length(value) ELSE 0 END)
        ELSE value
    END
    $$;
DROP TABLE webhook_attempts, webhook_deliveries, webhook_endpoints;
DROP FUNCTION webhook_deliveries_of_event();
DROP TRIGGER events ON funder_links;
DROP TRIGGER events ON fund_applications;
DROP TRIGGER events ON plan_changes;
DROP TRIGGER events ON quarterly_report_events;
DROP FUNCTION events_of_funder_links(), events_of_fund_applications(), events_of_plan_changes(),
    events_of_report_moves(), app_quarter_text(date), app_emit(uuid, text, text, jsonb, text),
    app_events_horizon();
DROP TABLE events;
