-- Events: what integrations hear of, written by triggers in the same transaction as the
-- change that causes them (so no change is without its event, and no event without its
-- change), read as a change feed (GET /api/v1/events) and delivered to webhooks.
--
-- `txid` is the writing transaction's id. The feed reads in (txid, id) order and only
-- events of transactions older than every one still running: a transaction that commits
-- later has a txid at least that old, so nothing can appear behind a cursor once read.
CREATE TABLE events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    uid uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    txid bigint NOT NULL DEFAULT (pg_current_xact_id()::text)::bigint,
    type text NOT NULL CONSTRAINT events_type_known CHECK (type IN (
        'report.submitted', 'report.accepted', 'report.returned', 'report.reopened', 'report.overdue',
        'plan.changed', 'fund_application.status_changed',
        'funder_link.requested', 'funder_link.accepted', 'funder_link.refused', 'funder_link.ended')),
    -- What it is about, for delivering in order per thing: quarter:<project>:<YYYY-Qn>,
    -- project:<id>, fund_application:<id>, funder_link:<id>.
    subject text NOT NULL,
    data jsonb NOT NULL,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    -- Set where one event stands for many rows (a plan PUT: one plan.changed per project
    -- and transaction) or for a state found again (an overdue quarter, once).
    once text UNIQUE
);
CREATE INDEX events_feed_idx ON events (organisation_id, txid, id);

GRANT SELECT ON events TO mantelmonitor_app;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON events TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON events TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE TRIGGER append_only BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION app_append_only();

-- The oldest transaction still running: the feed reads events of older ones only.
CREATE FUNCTION app_events_horizon() RETURNS bigint
    LANGUAGE sql STABLE AS $$ SELECT (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint $$;

CREATE FUNCTION app_emit(org uuid, kind text, about text, payload jsonb, once_key text DEFAULT NULL)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO events (organisation_id, type, subject, data, once)
    VALUES (org, kind, about, payload, once_key)
    ON CONFLICT (once) DO NOTHING
    $$;

CREATE FUNCTION app_quarter_text(q date) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT to_char(q, 'YYYY-"Q"Q') $$;

-- A report's moves: submitted, accepted, returned, reopened.
CREATE FUNCTION events_of_report_moves() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    q date;
BEGIN
    IF NEW.action NOT IN ('submitted', 'accepted', 'returned', 'reopened') THEN
        RETURN NULL;
    END IF;
    SELECT quarter INTO q FROM quarterly_reports WHERE id = NEW.report_id;
    PERFORM app_emit(NEW.organisation_id, 'report.' || NEW.action,
        'quarter:' || NEW.project_id || ':' || app_quarter_text(q),
        jsonb_build_object('project_id', NEW.project_id, 'report_id', NEW.report_id,
            'quarter', app_quarter_text(q), 'revision', NEW.revision,
            'from_state', NEW.from_state, 'to_state', NEW.to_state,
            'reason', NEW.reason, 'actor', NEW.actor));
    RETURN NULL;
END
$$;
CREATE TRIGGER events AFTER INSERT ON quarterly_report_events
    FOR EACH ROW EXECUTE FUNCTION events_of_report_moves();

-- Any change to a project's plan: one event per project and transaction.
CREATE FUNCTION events_of_plan_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM app_emit(NEW.organisation_id, 'plan.changed', 'project:' || NEW.project_id,
        jsonb_build_object('project_id', NEW.project_id, 'actor', NEW.actor),
        'plan.changed:' || NEW.project_id || ':' || pg_current_xact_id()::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER events AFTER INSERT ON plan_changes
    FOR EACH ROW EXECUTE FUNCTION events_of_plan_changes();

CREATE FUNCTION events_of_fund_applications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM app_emit(NEW.organisation_id, 'fund_application.status_changed',
        'fund_application:' || NEW.id,
        jsonb_build_object('project_id', NEW.project_id, 'fund_application_id', NEW.id,
            'from_status', OLD.status, 'to_status', NEW.status));
    RETURN NULL;
END
$$;
CREATE TRIGGER events AFTER UPDATE OF status ON fund_applications
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION events_of_fund_applications();

-- A funder link's moves, told to both sides.
CREATE FUNCTION events_of_funder_links() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    payload jsonb := jsonb_build_object('funder_link_id', NEW.id, 'organisation_id', NEW.organisation_id,
        'funder_account_id', NEW.funder_account_id, 'state', NEW.state, 'ended_by', NEW.ended_by);
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state = NEW.state THEN
        RETURN NULL;
    END IF;
    PERFORM app_emit(NEW.organisation_id, 'funder_link.' || NEW.state, 'funder_link:' || NEW.id,
        payload || jsonb_build_object('funder_id', NEW.funder_id));
    PERFORM app_emit(NEW.funder_account_id, 'funder_link.' || NEW.state, 'funder_link:' || NEW.id, payload);
    RETURN NULL;
END
$$;
CREATE TRIGGER events AFTER INSERT OR UPDATE OF state ON funder_links
    FOR EACH ROW EXECUTE FUNCTION events_of_funder_links();

-- Webhook endpoints: where an account's events are sent (Standard Webhooks 1.0).
CREATE TABLE webhook_endpoints (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    url text NOT NULL CONSTRAINT webhook_endpoints_url_length CHECK (char_length(url) BETWEEN 8 AND 2000),
    description text CONSTRAINT webhook_endpoints_description_length CHECK (char_length(description) <= 200),
    events text[] NOT NULL CONSTRAINT webhook_endpoints_events_known CHECK (
        cardinality(events) BETWEEN 1 AND 11 AND array_position(events, NULL) IS NULL
        AND events <@ ARRAY['report.submitted', 'report.accepted', 'report.returned', 'report.reopened',
            'report.overdue', 'plan.changed', 'fund_application.status_changed',
            'funder_link.requested', 'funder_link.accepted', 'funder_link.refused', 'funder_link.ended']),
    active boolean NOT NULL DEFAULT true,
    -- whsec_<base64>: signing needs the secret itself, so it is kept (and never shown again).
    secret text NOT NULL,
    -- After a rotation the previous secret signs too, until previous_until.
    previous_secret text,
    previous_until timestamptz,
    -- Why the service switched it off (failing for days); cleared when switched on.
    disabled_reason text,
    failing_since timestamptz,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, id)
);
CREATE INDEX webhook_endpoints_organisation_list_idx ON webhook_endpoints (organisation_id, created_at, id);

CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    event_id bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subject text NOT NULL,
    state text NOT NULL DEFAULT 'pending'
        CONSTRAINT webhook_deliveries_state_known CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status integer,
    last_error text,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, endpoint_id) REFERENCES webhook_endpoints (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_order_idx ON webhook_deliveries (endpoint_id, subject, event_id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, id);

CREATE TABLE webhook_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL,
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at timestamptz NOT NULL DEFAULT now(),
    status_code integer,
    error text,
    duration_ms integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO mantelmonitor_app;
GRANT SELECT, UPDATE (state, next_attempt_at) ON webhook_deliveries TO mantelmonitor_app;
GRANT SELECT ON webhook_attempts TO mantelmonitor_app;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I TO mantelmonitor_app
            USING (organisation_id = app_current_organisation())
            WITH CHECK (organisation_id = app_current_organisation())', t);
        EXECUTE format('CREATE POLICY system_access ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END
$$;
CREATE TRIGGER unchanged_keeps_version BEFORE UPDATE ON webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION unchanged_keeps_version();

-- Every event goes out to the account's active endpoints that subscribe to its type.
CREATE FUNCTION webhook_deliveries_of_event() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO webhook_deliveries (organisation_id, endpoint_id, event_id, subject)
    SELECT e.organisation_id, e.id, NEW.id, NEW.subject
    FROM webhook_endpoints e
    WHERE e.organisation_id = NEW.organisation_id AND e.active AND NEW.type = ANY (e.events);
    RETURN NULL;
END
$$;
CREATE TRIGGER webhook_deliveries AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION webhook_deliveries_of_event();

-- The trail keeps endpoints too, without their secrets.
CREATE OR REPLACE FUNCTION audit_value(key text, value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN key IN ('password_hash', 'secret_hash', 'secret', 'previous_secret') THEN jsonb_build_object('redacted', true)
        WHEN key = 'contacts' THEN jsonb_build_object('redacted', true,
            'count', CASE WHEN jsonb_typeof(value) = 'array' THEN jsonb_array_length(value) ELSE 0 END)
        ELSE value
    END
    $$;
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_known,
    ADD CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project', 'funder', 'identity_provider',
        'webhook_endpoint'));
CREATE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION audit_record('webhook_endpoint');
