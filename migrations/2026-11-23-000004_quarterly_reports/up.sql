-- Quarterly monitoring: one report per project and quarter, its revisions and its
-- audit trail.

-- When a quarterly report is due: this many days after the quarter ends, unless a fund
-- application's reporting duty names an earlier date for that quarter.
ALTER TABLE organisations ADD COLUMN report_due_days integer NOT NULL DEFAULT 30
    CONSTRAINT organisations_report_due_days_range CHECK (report_due_days BETWEEN 0 AND 366);

CREATE TABLE quarterly_reports (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    quarter date NOT NULL CONSTRAINT quarterly_reports_quarter_valid CHECK (app_is_quarter(quarter)),
    state text NOT NULL DEFAULT 'draft'
        CONSTRAINT quarterly_reports_state_known CHECK (state IN ('draft', 'submitted', 'accepted', 'returned')),
    -- 1 for the first; a reopen closes the revision (into quarterly_report_revisions) and starts the next
    revision integer NOT NULL DEFAULT 1,
    -- the figures and the narrative, as the API writes them (validated against the plan)
    content jsonb NOT NULL CONSTRAINT quarterly_reports_content_object CHECK (jsonb_typeof(content) = 'object'),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, id),
    CONSTRAINT quarterly_reports_quarter_key UNIQUE (project_id, quarter)
);

-- Closed revisions, readable for ever (until the project goes).
CREATE TABLE quarterly_report_revisions (
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    report_id uuid NOT NULL,
    revision integer NOT NULL,
    state text NOT NULL,
    content jsonb NOT NULL,
    closed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, revision),
    FOREIGN KEY (project_id, report_id) REFERENCES quarterly_reports (project_id, id) ON DELETE CASCADE
);

-- Who did what, when and why.
CREATE TABLE quarterly_report_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    report_id uuid NOT NULL,
    revision integer NOT NULL,
    action text NOT NULL CONSTRAINT quarterly_report_events_action_known CHECK (action IN (
        'created', 'updated', 'submitted', 'accepted', 'returned', 'reopened')),
    from_state text,
    to_state text NOT NULL,
    actor text,
    reason text CONSTRAINT quarterly_report_events_reason_length CHECK (char_length(reason) <= 4000),
    at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (project_id, report_id) REFERENCES quarterly_reports (project_id, id) ON DELETE CASCADE
);
CREATE INDEX quarterly_report_events_report_idx ON quarterly_report_events (report_id, id);

GRANT SELECT, INSERT, UPDATE ON quarterly_reports TO mantelmonitor_app;
GRANT SELECT, INSERT ON quarterly_report_revisions, quarterly_report_events TO mantelmonitor_app;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['quarterly_reports', 'quarterly_report_revisions', 'quarterly_report_events']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I TO mantelmonitor_app
            USING (organisation_id = app_current_organisation())
            WITH CHECK (organisation_id = app_current_organisation())', t);
        EXECUTE format('CREATE POLICY system_access ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END
$$;

-- Idempotency keys of bulk submissions: a retried request (same key, same body) gets
-- the first response back without being applied twice. Written in the transaction that
-- applies the request, so a key exists only for a request that landed; a concurrent
-- retry waits on the key's unique index and then finds the stored response.
CREATE TABLE idempotency_keys (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    key text NOT NULL CONSTRAINT idempotency_keys_key_length CHECK (char_length(key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    status smallint NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, key)
);
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO mantelmonitor_app;
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON idempotency_keys TO CURRENT_USER USING (true) WITH CHECK (true);
