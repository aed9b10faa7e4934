-- Consent from both sides: an organisation links an entry of its funder register to a
-- funder account (by the account's public code), the funder account accepts or refuses,
-- either side can end it. While a link is accepted, the funder account reads the
-- projects that applied to that funder (submitted, granted or partially granted), as
-- the role mantelmonitor_funder, whose policies below show nothing else.

ALTER TABLE organisations ADD CONSTRAINT organisations_id_kind_key UNIQUE (id, kind);

CREATE TABLE funder_links (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    -- Kept beside the ids, so that the keys below say which kind of account each side is.
    organisation_kind text NOT NULL DEFAULT 'organisation' CHECK (organisation_kind = 'organisation'),
    funder_id uuid NOT NULL,
    funder_account_id uuid NOT NULL,
    funder_account_kind text NOT NULL DEFAULT 'funder' CHECK (funder_account_kind = 'funder'),
    state text NOT NULL DEFAULT 'requested'
        CONSTRAINT funder_links_state_known CHECK (state IN ('requested', 'accepted', 'refused', 'ended')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    ended_at timestamptz,
    ended_by text CONSTRAINT funder_links_ended_by_known CHECK (ended_by IN ('organisation', 'funder')),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, organisation_kind) REFERENCES organisations (id, kind) ON DELETE CASCADE,
    FOREIGN KEY (funder_account_id, funder_account_kind) REFERENCES organisations (id, kind) ON DELETE CASCADE,
    CONSTRAINT funder_links_funder_fkey FOREIGN KEY (organisation_id, funder_id)
        REFERENCES funders (organisation_id, id) ON DELETE CASCADE,
    CONSTRAINT funder_links_dates CHECK (CASE state
        WHEN 'requested' THEN decided_at IS NULL AND ended_at IS NULL AND ended_by IS NULL
        WHEN 'ended' THEN ended_at IS NOT NULL AND ended_by IS NOT NULL
        ELSE decided_at IS NOT NULL AND ended_at IS NULL AND ended_by IS NULL END)
);
-- One live link per register entry, and per organisation and funder account.
CREATE UNIQUE INDEX funder_links_live_key ON funder_links (funder_id) WHERE state IN ('requested', 'accepted');
CREATE UNIQUE INDEX funder_links_live_account_key ON funder_links (organisation_id, funder_account_id)
    WHERE state IN ('requested', 'accepted');
CREATE INDEX funder_links_organisation_list_idx ON funder_links (organisation_id, created_at, id);
CREATE INDEX funder_links_account_list_idx ON funder_links (funder_account_id, created_at, id);

-- Which side a request acts for, from the transaction's account: 'organisation',
-- 'funder', or NULL (the owner: the CLI and migrations).
CREATE FUNCTION funder_link_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    side text := CASE app_current_organisation()
        WHEN OLD.organisation_id THEN 'organisation'
        WHEN OLD.funder_account_id THEN 'funder' END;
    allowed boolean;
BEGIN
    IF (NEW.id, NEW.organisation_id, NEW.funder_id, NEW.funder_account_id, NEW.requested_at)
        IS DISTINCT FROM (OLD.id, OLD.organisation_id, OLD.funder_id, OLD.funder_account_id, OLD.requested_at) THEN
        RAISE EXCEPTION 'a funder link keeps its sides; request a new one instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funder_links_sides_fixed';
    END IF;
    allowed := NEW.state = OLD.state OR side IS NULL OR CASE
        WHEN OLD.state = 'requested' AND NEW.state IN ('accepted', 'refused') THEN side = 'funder'
        WHEN OLD.state = 'requested' AND NEW.state = 'ended' THEN side = 'organisation'
        WHEN OLD.state = 'accepted' AND NEW.state = 'ended' THEN NEW.ended_by = side
        ELSE false END;
    IF NOT allowed THEN
        RAISE EXCEPTION 'a funder link cannot move from % to % for the % side', OLD.state, NEW.state, side
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funder_links_transition';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER guard BEFORE UPDATE ON funder_links FOR EACH ROW EXECUTE FUNCTION funder_link_guard();

-- Both sides read a link; only the organisation requests one; either side moves it
-- (the trigger says which moves are whose); nobody deletes one.
GRANT SELECT, INSERT, UPDATE ON funder_links TO mantelmonitor_app;
ALTER TABLE funder_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE funder_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON funder_links TO mantelmonitor_app
    USING (organisation_id = app_current_organisation() OR funder_account_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation() OR funder_account_id = app_current_organisation());
CREATE POLICY organisation_requests ON funder_links AS RESTRICTIVE FOR INSERT TO mantelmonitor_app
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON funder_links TO CURRENT_USER USING (true) WITH CHECK (true);

-- The two sides of a link see each other's name.
CREATE POLICY linked ON organisations FOR SELECT TO mantelmonitor_app
    USING (id IN (SELECT funder_account_id FROM funder_links WHERE organisation_id = app_current_organisation()
                  UNION ALL
                  SELECT organisation_id FROM funder_links WHERE funder_account_id = app_current_organisation()));

-- The funder account a code names, for an organisation that types it: nothing else of
-- the directory of funder accounts is readable.
CREATE FUNCTION app_funder_account_by_code(code text) RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id FROM organisations WHERE kind = 'funder' AND funder_code = upper(btrim(code))
    $$;

-- The projects shared with the transaction's funder account: those with a submitted,
-- granted or partially granted application to a funder whose link to the account is
-- accepted. Policies use it as `project_id IN (SELECT app_funder_projects())`: Postgres
-- runs it once per statement and probes a hash of its answer per row.
CREATE FUNCTION app_funder_projects() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT DISTINCT a.project_id
    FROM funder_links AS l
    JOIN fund_applications AS a ON a.organisation_id = l.organisation_id AND a.funder_id = l.funder_id
    WHERE l.funder_account_id = app_current_organisation() AND l.state = 'accepted'
        AND a.status IN ('submitted', 'granted', 'partially_granted')
    $$;

-- What the funder role may read: the shared projects' plans and their reports past
-- draft. No users, API tokens, audit trail, plan history or idempotency records; of the
-- registers only names and kinds (never contact persons or notes); it writes nothing.
GRANT USAGE ON SCHEMA public TO mantelmonitor_funder;
GRANT SELECT ON projects, target_groups, planned_hours, budget_lines, translation_costs,
    fund_applications, fund_application_budget_lines, targets, evaluation_moments,
    roadmap_steps, project_partners, project_partner_levels,
    quarterly_reports, quarterly_report_revisions, quarterly_report_events TO mantelmonitor_funder;
GRANT SELECT (id, organisation_id, name, category) ON partners TO mantelmonitor_funder;
GRANT SELECT (id, organisation_id, name, kind) ON funders TO mantelmonitor_funder;
GRANT SELECT (id, name, kind, report_language, report_due_days) ON organisations TO mantelmonitor_funder;

CREATE POLICY funder_shared ON projects FOR SELECT TO mantelmonitor_funder
    USING (id IN (SELECT app_funder_projects()));
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['target_groups', 'planned_hours', 'budget_lines', 'translation_costs',
        'fund_applications', 'fund_application_budget_lines', 'targets', 'evaluation_moments',
        'roadmap_steps', 'project_partners', 'project_partner_levels'] LOOP
        EXECUTE format('CREATE POLICY funder_shared ON %I FOR SELECT TO mantelmonitor_funder
            USING (project_id IN (SELECT app_funder_projects()))', t);
    END LOOP;
END
$$;
-- Never a draft: a report from its submission on (returned ones too, with the reason).
CREATE POLICY funder_shared ON quarterly_reports FOR SELECT TO mantelmonitor_funder
    USING (project_id IN (SELECT app_funder_projects()) AND state IN ('submitted', 'accepted', 'returned'));
CREATE POLICY funder_shared ON quarterly_report_revisions FOR SELECT TO mantelmonitor_funder
    USING (report_id IN (SELECT id FROM quarterly_reports));
CREATE POLICY funder_shared ON quarterly_report_events FOR SELECT TO mantelmonitor_funder
    USING (report_id IN (SELECT id FROM quarterly_reports));
CREATE POLICY funder_shared ON partners FOR SELECT TO mantelmonitor_funder
    USING (id IN (SELECT partner_id FROM project_partners));
CREATE POLICY funder_shared ON funders FOR SELECT TO mantelmonitor_funder
    USING (id IN (SELECT funder_id FROM fund_applications));
CREATE POLICY funder_shared ON organisations FOR SELECT TO mantelmonitor_funder
    USING (id IN (SELECT organisation_id FROM projects) OR id = app_current_organisation());
