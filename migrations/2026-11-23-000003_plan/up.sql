-- The project plan: target groups, hours, budget, translation costs, fund applications,
-- targets, evaluation moments, roadmap, the partner register and project partner links,
-- and the plan's history.
--
-- Unique keys that a whole-plan replacement may pass through (two lines swapping a
-- name) are DEFERRABLE (still checked per statement unless a transaction defers them).
-- Every plan table carries organisation_id and project_id; (organisation_id, project_id)
-- references the project, so a line can never belong to another organisation's project.
-- Quarters are stored as the date of their first day (2026-Q3 is 2026-07-01).
-- Money is NUMERIC(14,2); hours NUMERIC(10,2).

CREATE FUNCTION app_is_quarter(q date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT extract(day FROM q) = 1 AND extract(month FROM q) IN (1, 4, 7, 10) $$;

-- The first day of a quarter written as in the API ('2026-Q3'), for quarters kept in JSON.
CREATE FUNCTION app_quarter_start(q text) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT make_date(left(q, 4)::int, (right(q, 1)::int - 1) * 3 + 1, 1) $$;

-- Who is acting in this transaction: 'user:<uuid>' or 'api_token:<uuid>', or NULL.
CREATE FUNCTION app_current_actor() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.actor', true), '') $$;

CREATE TABLE target_groups (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    name text NOT NULL CONSTRAINT target_groups_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    description text CONSTRAINT target_groups_description_length CHECK (char_length(description) <= 4000),
    languages text[] NOT NULL DEFAULT '{}',
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, id),
    CONSTRAINT target_groups_name_key UNIQUE (project_id, name) DEFERRABLE
);

CREATE TABLE planned_hours (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    activity text NOT NULL CONSTRAINT planned_hours_activity_known CHECK (activity IN (
        'outreach', 'key_person_meetings', 'caregiver_conversations', 'network_meetings',
        'communication', 'coordination', 'training', 'other')),
    quarter date NOT NULL CONSTRAINT planned_hours_quarter_valid CHECK (app_is_quarter(quarter)),
    hours numeric(10, 2) NOT NULL CONSTRAINT planned_hours_hours_range CHECK (hours >= 0 AND hours <= 10000),
    hourly_rate numeric(14, 2) NOT NULL CONSTRAINT planned_hours_rate_range CHECK (hourly_rate >= 0 AND hourly_rate <= 1000),
    notes text CONSTRAINT planned_hours_notes_length CHECK (char_length(notes) <= 4000),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    CONSTRAINT planned_hours_activity_quarter_key UNIQUE (project_id, activity, quarter) DEFERRABLE
);

CREATE TABLE budget_lines (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    category text NOT NULL CONSTRAINT budget_lines_category_known CHECK (category IN (
        'personnel', 'communication', 'translation', 'interpretation', 'materials',
        'activities', 'venue', 'training', 'overhead', 'other')),
    description text NOT NULL CONSTRAINT budget_lines_description_length CHECK (char_length(btrim(description)) BETWEEN 1 AND 500),
    amount numeric(14, 2) NOT NULL CONSTRAINT budget_lines_amount_range CHECK (amount >= 0 AND amount <= 100000000),
    -- [{"quarter": "2026-Q3", "amount": "1250.00"}, ...]; empty when not phased,
    -- otherwise adding up to amount (checked by the service)
    phases jsonb NOT NULL DEFAULT '[]' CONSTRAINT budget_lines_phases_array CHECK (jsonb_typeof(phases) = 'array'),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, id)
);

CREATE TABLE translation_costs (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    item text NOT NULL CONSTRAINT translation_costs_item_length CHECK (char_length(btrim(item)) BETWEEN 1 AND 500),
    source_language text NOT NULL,
    target_languages text[] NOT NULL CONSTRAINT translation_costs_targets_present CHECK (cardinality(target_languages) >= 1),
    unit text NOT NULL CONSTRAINT translation_costs_unit_known CHECK (unit IN ('words', 'pages', 'minutes', 'flat')),
    quantity numeric(12, 2) NOT NULL CONSTRAINT translation_costs_quantity_range CHECK (quantity > 0 AND quantity <= 10000000),
    unit_price numeric(14, 2) NOT NULL CONSTRAINT translation_costs_unit_price_range CHECK (unit_price >= 0 AND unit_price <= 1000000),
    -- priced per target language: the same text translated into three languages costs three times
    total numeric(14, 2) GENERATED ALWAYS AS (round(quantity * unit_price, 2) * cardinality(target_languages)) STORED,
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE
);

CREATE TABLE fund_applications (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    funder_name text NOT NULL CONSTRAINT fund_applications_funder_name_length CHECK (char_length(btrim(funder_name)) BETWEEN 1 AND 200),
    funder_kind text NOT NULL CONSTRAINT fund_applications_funder_kind_known CHECK (funder_kind IN ('municipality', 'private_fund', 'other')),
    programme text CONSTRAINT fund_applications_programme_length CHECK (char_length(programme) <= 200),
    budget_line_ids uuid[] NOT NULL DEFAULT '{}',
    amount_requested numeric(14, 2) NOT NULL CONSTRAINT fund_applications_requested_range CHECK (amount_requested > 0 AND amount_requested <= 100000000),
    amount_granted numeric(14, 2) CONSTRAINT fund_applications_granted_range CHECK (amount_granted >= 0 AND amount_granted <= amount_requested),
    status text NOT NULL DEFAULT 'draft' CONSTRAINT fund_applications_status_known CHECK (status IN (
        'draft', 'submitted', 'granted', 'partially_granted', 'rejected', 'withdrawn')),
    submitted_on date,
    decided_on date,
    grant_start date,
    grant_end date,
    reference text CONSTRAINT fund_applications_reference_length CHECK (char_length(reference) <= 200),
    conditions text CONSTRAINT fund_applications_conditions_length CHECK (char_length(conditions) <= 4000),
    -- [{"quarter": "2026-Q3", "due_on": "2026-10-31"}, ...]
    reporting_duties jsonb NOT NULL DEFAULT '[]' CONSTRAINT fund_applications_duties_array CHECK (jsonb_typeof(reporting_duties) = 'array'),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, id),
    CONSTRAINT fund_applications_decision_dated CHECK (
        status NOT IN ('granted', 'partially_granted', 'rejected') OR decided_on IS NOT NULL),
    CONSTRAINT fund_applications_grant_period_order CHECK (grant_end >= grant_start)
);

-- Derived from fund_applications.budget_line_ids by a trigger, so that the database
-- refuses a budget line id outside the project and refuses to delete a budget line that
-- an application covers. Deferred, because deleting a project cascades to both tables
-- and an immediate check would fire before the links are gone; the service checks
-- references before it deletes, so this is the second wall.
CREATE TABLE fund_application_budget_lines (
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    fund_application_id uuid NOT NULL,
    budget_line_id uuid NOT NULL,
    PRIMARY KEY (fund_application_id, budget_line_id),
    CONSTRAINT fund_application_budget_lines_application_fkey FOREIGN KEY (project_id, fund_application_id)
        REFERENCES fund_applications (project_id, id) ON DELETE CASCADE,
    CONSTRAINT fund_application_budget_lines_budget_line_fkey FOREIGN KEY (project_id, budget_line_id)
        REFERENCES budget_lines (project_id, id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX fund_application_budget_lines_line_idx ON fund_application_budget_lines (budget_line_id);

CREATE FUNCTION fund_application_links_sync() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM fund_application_budget_lines WHERE fund_application_id = NEW.id;
    INSERT INTO fund_application_budget_lines (organisation_id, project_id, fund_application_id, budget_line_id)
        SELECT DISTINCT NEW.organisation_id, NEW.project_id, NEW.id, line FROM unnest(NEW.budget_line_ids) AS line;
    RETURN NULL;
END
$$;
CREATE TRIGGER fund_application_links_sync AFTER INSERT OR UPDATE OF budget_line_ids ON fund_applications
    FOR EACH ROW EXECUTE FUNCTION fund_application_links_sync();

CREATE TABLE targets (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    theme text NOT NULL CONSTRAINT targets_theme_known CHECK (theme IN ('reach', 'partners', 'communication', 'hours', 'spend')),
    -- NULL: for the whole project
    quarter date CONSTRAINT targets_quarter_valid CHECK (app_is_quarter(quarter)),
    target_group_id uuid,
    ladder_level smallint CONSTRAINT targets_ladder_level_range CHECK (ladder_level BETWEEN 1 AND 5),
    channel text,
    language text,
    activity text,
    budget_line_id uuid,
    category text,
    planned numeric(14, 2) NOT NULL CONSTRAINT targets_planned_range CHECK (planned >= 0 AND planned <= 100000000),
    notes text CONSTRAINT targets_notes_length CHECK (char_length(notes) <= 4000),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    CONSTRAINT targets_target_group_fkey FOREIGN KEY (project_id, target_group_id) REFERENCES target_groups (project_id, id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT targets_budget_line_fkey FOREIGN KEY (project_id, budget_line_id) REFERENCES budget_lines (project_id, id) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT targets_subject_key UNIQUE NULLS NOT DISTINCT
        (project_id, theme, quarter, target_group_id, ladder_level, channel, language, activity, budget_line_id, category) DEFERRABLE
);
CREATE INDEX targets_target_group_idx ON targets (target_group_id) WHERE target_group_id IS NOT NULL;
CREATE INDEX targets_budget_line_idx ON targets (budget_line_id) WHERE budget_line_id IS NOT NULL;

CREATE TABLE evaluation_moments (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    planned_on date NOT NULL,
    subject text NOT NULL CONSTRAINT evaluation_moments_subject_length CHECK (char_length(btrim(subject)) BETWEEN 1 AND 500),
    outcome_notes text CONSTRAINT evaluation_moments_outcome_length CHECK (char_length(outcome_notes) <= 20000),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE
);

CREATE TABLE roadmap_steps (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    step smallint NOT NULL CONSTRAINT roadmap_steps_step_range CHECK (step BETWEEN 1 AND 9),
    status text NOT NULL DEFAULT 'not_started' CONSTRAINT roadmap_steps_status_known CHECK (status IN ('not_started', 'in_progress', 'done', 'skipped')),
    notes text CONSTRAINT roadmap_steps_notes_length CHECK (char_length(notes) <= 20000),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, step)
);

-- Every project has its nine roadmap steps from the moment it exists.
CREATE FUNCTION roadmap_create_steps() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO roadmap_steps (id, organisation_id, project_id, step)
        SELECT gen_random_uuid(), NEW.organisation_id, NEW.id, s FROM generate_series(1, 9) AS s;
    RETURN NULL;
END
$$;
CREATE TRIGGER roadmap_create_steps AFTER INSERT ON projects
    FOR EACH ROW EXECUTE FUNCTION roadmap_create_steps();
INSERT INTO roadmap_steps (id, organisation_id, project_id, step)
    SELECT gen_random_uuid(), p.organisation_id, p.id, s FROM projects p, generate_series(1, 9) AS s;

-- The organisation's partner register, shared by its projects. Contact persons are
-- personal data: they live only here (never in the plan history) and go when removed.
CREATE TABLE partners (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT partners_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    category text NOT NULL CONSTRAINT partners_category_known CHECK (category IN (
        'welfare', 'migrant_organisation', 'religious', 'culture_specific_care', 'general_care',
        'school', 'municipality', 'other')),
    notes text CONSTRAINT partners_notes_length CHECK (char_length(notes) <= 4000),
    -- [{"name": …, "role": …, "email": …, "phone": …}]
    contacts jsonb NOT NULL DEFAULT '[]' CONSTRAINT partners_contacts_array CHECK (jsonb_typeof(contacts) = 'array'),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, id),
    CONSTRAINT partners_name_key UNIQUE (organisation_id, name)
);
CREATE INDEX partners_organisation_list_idx ON partners (organisation_id, created_at, id);

CREATE TABLE project_partners (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    partner_id uuid NOT NULL,
    functions text[] NOT NULL CONSTRAINT project_partners_functions_present CHECK (cardinality(functions) >= 1),
    current_level smallint NOT NULL CONSTRAINT project_partners_current_level_range CHECK (current_level BETWEEN 1 AND 5),
    desired_level smallint NOT NULL CONSTRAINT project_partners_desired_level_range CHECK (desired_level BETWEEN 1 AND 5),
    -- the date the current level was reached; each change of level is kept in project_partner_levels
    level_since date NOT NULL,
    notes text CONSTRAINT project_partners_notes_length CHECK (char_length(notes) <= 4000),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, project_id) REFERENCES projects (organisation_id, id) ON DELETE CASCADE,
    CONSTRAINT project_partners_partner_fkey FOREIGN KEY (organisation_id, partner_id) REFERENCES partners (organisation_id, id),
    UNIQUE (project_id, id),
    CONSTRAINT project_partners_partner_key UNIQUE (project_id, partner_id) DEFERRABLE
);
CREATE INDEX project_partners_partner_idx ON project_partners (partner_id);

CREATE TABLE project_partner_levels (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL,
    project_id uuid NOT NULL,
    project_partner_id uuid NOT NULL,
    level smallint NOT NULL,
    previous_level smallint,
    reached_on date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (project_id, project_partner_id) REFERENCES project_partners (project_id, id) ON DELETE CASCADE
);
CREATE INDEX project_partner_levels_link_idx ON project_partner_levels (project_partner_id, id);

CREATE FUNCTION project_partner_level_record() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.current_level IS DISTINCT FROM OLD.current_level THEN
        INSERT INTO project_partner_levels (organisation_id, project_id, project_partner_id, level, previous_level, reached_on)
            VALUES (NEW.organisation_id, NEW.project_id, NEW.id, NEW.current_level,
                    CASE WHEN TG_OP = 'UPDATE' THEN OLD.current_level END, NEW.level_since);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER project_partner_level_record AFTER INSERT OR UPDATE OF current_level ON project_partners
    FOR EACH ROW EXECUTE FUNCTION project_partner_level_record();

-- The plan's history: one row per created, changed or deleted row of the plan, with the
-- acting user or API token and the fields before and after. Written by triggers, so no
-- write path can forget it. Kept when the project is deleted.
CREATE TABLE plan_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    project_id uuid NOT NULL,
    entity text NOT NULL,
    entity_id uuid NOT NULL,
    action text NOT NULL CONSTRAINT plan_changes_action_known CHECK (action IN ('created', 'updated', 'deleted')),
    actor text,
    changed_at timestamptz NOT NULL DEFAULT now(),
    before jsonb,
    after jsonb
);
CREATE INDEX plan_changes_project_idx ON plan_changes (organisation_id, project_id, id);

CREATE FUNCTION plan_change_record() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    row_data jsonb := coalesce(new_row, old_row);
    bookkeeping text[] := ARRAY['id', 'organisation_id', 'project_id', 'version', 'created_at', 'updated_at', 'total'];
    before_fields jsonb := '{}';
    after_fields jsonb := '{}';
    key text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        FOR key IN SELECT jsonb_object_keys(new_row) LOOP
            IF NOT key = ANY (bookkeeping) AND (old_row -> key) IS DISTINCT FROM (new_row -> key) THEN
                before_fields := before_fields || jsonb_build_object(key, old_row -> key);
                after_fields := after_fields || jsonb_build_object(key, new_row -> key);
            END IF;
        END LOOP;
        IF before_fields = '{}' THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        after_fields := new_row - bookkeeping;
    ELSE
        before_fields := old_row - bookkeeping;
    END IF;
    INSERT INTO plan_changes (organisation_id, project_id, entity, entity_id, action, actor, before, after)
    VALUES (
        (row_data ->> 'organisation_id')::uuid,
        CASE WHEN TG_TABLE_NAME = 'projects' THEN (row_data ->> 'id')::uuid ELSE (row_data ->> 'project_id')::uuid END,
        TG_ARGV[0],
        (row_data ->> 'id')::uuid,
        CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
        app_current_actor(),
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE before_fields END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE after_fields END
    );
    RETURN NULL;
END
$$;

CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('project');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON target_groups
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('target_group');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON planned_hours
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('hours');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON budget_lines
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('budget_line');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON translation_costs
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('translation_cost');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON fund_applications
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('fund_application');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON targets
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('target');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON evaluation_moments
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('evaluation_moment');
CREATE TRIGGER plan_change_record AFTER UPDATE ON roadmap_steps
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('roadmap_step');
CREATE TRIGGER plan_change_record AFTER INSERT OR UPDATE OR DELETE ON project_partners
    FOR EACH ROW EXECUTE FUNCTION plan_change_record('project_partner');

-- Grants and row-level security, the same for every table above.
GRANT SELECT, INSERT, UPDATE, DELETE ON target_groups, planned_hours, budget_lines, translation_costs,
    fund_applications, fund_application_budget_lines, targets, evaluation_moments, roadmap_steps,
    partners, project_partners TO mantelmonitor_app;
GRANT SELECT, INSERT ON project_partner_levels, plan_changes TO mantelmonitor_app;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['target_groups', 'planned_hours', 'budget_lines', 'translation_costs',
        'fund_applications', 'fund_application_budget_lines', 'targets', 'evaluation_moments',
        'roadmap_steps', 'partners', 'project_partners', 'project_partner_levels', 'plan_changes']
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
