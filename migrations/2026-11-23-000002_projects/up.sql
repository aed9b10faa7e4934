CREATE TABLE projects (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT projects_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    summary text CONSTRAINT projects_summary_length CHECK (char_length(summary) <= 4000),
    rationale text CONSTRAINT projects_rationale_length CHECK (char_length(rationale) <= 20000),
    organisation_role text CONSTRAINT projects_organisation_role_known
        CHECK (organisation_role IN ('direct_support', 'expertise_centre', 'advocacy')),
    start_date date NOT NULL,
    end_date date NOT NULL,
    status text NOT NULL DEFAULT 'draft'
        CONSTRAINT projects_status_known CHECK (status IN ('draft', 'active', 'completed', 'cancelled')),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_period_order CHECK (end_date >= start_date),
    -- lets the plan's child tables reference (organisation_id, project_id) together,
    -- so a row can never point at another organisation's project
    UNIQUE (organisation_id, id)
);
-- Lists page by (created_at, id) within an organisation.
CREATE INDEX projects_organisation_list_idx ON projects (organisation_id, created_at, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON projects TO mantelmonitor_app;

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON projects TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON projects TO CURRENT_USER USING (true) WITH CHECK (true);
