-- The reporting record cannot be lost or forged.
--
-- 1. Roles: requests log in as mantelmonitor_app (owns nothing, no BYPASSRLS); callers are
--    found by mantelmonitor_auth, which may read users and API tokens and stamp a token's
--    last use, nothing else. Both roles are created before migrations run (db::roles).
-- 2. A quarterly report's workflow is enforced here: locked content stays locked, only the
--    workflow's moves change the state, and the audit trail (events, closed revisions) is
--    written by the database alone.
-- 3. What was reported is never deleted with its project.

GRANT USAGE ON SCHEMA public TO mantelmonitor_auth;
GRANT SELECT ON users, api_tokens TO mantelmonitor_auth;
GRANT UPDATE (last_used_at) ON api_tokens TO mantelmonitor_auth;
CREATE POLICY identify ON users FOR SELECT TO mantelmonitor_auth USING (true);
CREATE POLICY identify ON api_tokens FOR SELECT TO mantelmonitor_auth USING (true);
CREATE POLICY identify_touch ON api_tokens FOR UPDATE TO mantelmonitor_auth USING (true) WITH CHECK (true);

-- The request role never reads a password hash: it writes them (a new user, a new
-- password); only the sign-in role reads them.
REVOKE SELECT ON users FROM mantelmonitor_app;
GRANT SELECT (id, organisation_id, email, name, role, active, session_version, version, created_at, updated_at)
    ON users TO mantelmonitor_app;

-- The owner's policies name the role that ran each migration; point them all at the owner
-- running this one (an embedded cluster from before the owner existed ran them as the
-- superuser).
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND rowsecurity LOOP
        EXECUTE format('DROP POLICY IF EXISTS system_access ON %I', t);
        EXECUTE format('CREATE POLICY system_access ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END
$$;

-- No one but the owner creates anything in the schema (Postgres 15 no longer grants it to
-- PUBLIC on new databases; older or upgraded ones may still).
-- The SECURITY DEFINER functions below search `public`, so nobody else may create in it.
DO $$
BEGIN
    IF pg_has_role(current_user, (SELECT nspowner FROM pg_namespace WHERE nspname = 'public'), 'USAGE') THEN
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    ELSIF has_schema_privilege('mantelmonitor_app', 'public', 'CREATE') THEN
        RAISE EXCEPTION 'every role may create objects in schema public, and the migrating role does not own it'
            USING HINT = 'As the owner of schema public run: REVOKE CREATE ON SCHEMA public FROM PUBLIC';
    END IF;
END
$$;

-- Histories are written by triggers running as the owner; the request role only reads them.
ALTER FUNCTION plan_change_record() SECURITY DEFINER SET search_path = public, pg_temp;
ALTER FUNCTION project_partner_level_record() SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON plan_changes, project_partner_levels FROM mantelmonitor_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON quarterly_report_revisions, quarterly_report_events FROM mantelmonitor_app;
REVOKE DELETE, TRUNCATE ON quarterly_reports FROM mantelmonitor_app;

-- The reason of a return or reopen travels in the transaction setting app.reason.
CREATE FUNCTION app_current_reason() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.reason', true), '') $$;

-- The workflow, as the API's ReportAction::allowed: the event a move writes, or NULL when
-- the move is not allowed.
CREATE FUNCTION quarterly_report_move(from_state text, to_state text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE
        WHEN from_state IN ('draft', 'returned') AND to_state = 'submitted' THEN 'submitted'
        WHEN from_state = 'submitted' AND to_state = 'accepted' THEN 'accepted'
        WHEN from_state = 'submitted' AND to_state = 'returned' THEN 'returned'
        WHEN from_state IN ('submitted', 'accepted') AND to_state = 'draft' THEN 'reopened'
    END
    $$;

-- Before a report is written: new reports start as a first draft; identity never changes;
-- a submitted or accepted report's figures never change; the state moves only as the
-- workflow allows, with the figures as they are; a return or reopen closes the revision.
CREATE FUNCTION quarterly_report_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    move text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'draft' OR NEW.revision <> 1 THEN
            RAISE EXCEPTION 'a quarterly report starts as revision 1 of a draft'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.organisation_id, NEW.project_id, NEW.quarter, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.organisation_id, OLD.project_id, OLD.quarter, OLD.created_at) THEN
        RAISE EXCEPTION 'a quarterly report''s identity cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
    END IF;
    IF NEW.state = OLD.state THEN
        IF NEW.revision <> OLD.revision THEN
            RAISE EXCEPTION 'a revision closes only by a return or reopen'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
        END IF;
        IF OLD.state IN ('submitted', 'accepted') AND NEW.content IS DISTINCT FROM OLD.content THEN
            RAISE EXCEPTION 'a % quarterly report is locked', OLD.state
                USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_locked';
        END IF;
        RETURN NEW;
    END IF;
    move := quarterly_report_move(OLD.state, NEW.state);
    IF move IS NULL THEN
        RAISE EXCEPTION 'a % quarterly report cannot become %', OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
    END IF;
    IF NEW.content IS DISTINCT FROM OLD.content THEN
        RAISE EXCEPTION 'a workflow move does not change the figures'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
    END IF;
    IF move IN ('returned', 'reopened') THEN
        IF app_current_reason() IS NULL THEN
            RAISE EXCEPTION 'a % needs a reason', move
                USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
        END IF;
        INSERT INTO quarterly_report_revisions (organisation_id, project_id, report_id, revision, state, content)
            VALUES (OLD.organisation_id, OLD.project_id, OLD.id, OLD.revision, OLD.state, OLD.content);
        NEW.revision := OLD.revision + 1;
    ELSIF NEW.revision <> OLD.revision THEN
        RAISE EXCEPTION 'a revision closes only by a return or reopen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'quarterly_reports_workflow';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER quarterly_report_guard BEFORE INSERT OR UPDATE ON quarterly_reports
    FOR EACH ROW EXECUTE FUNCTION quarterly_report_guard();

-- After a report is written: its event, with the transaction's actor (and reason).
CREATE FUNCTION quarterly_report_event() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    action text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        action := 'created';
    ELSIF NEW.state <> OLD.state THEN
        action := quarterly_report_move(OLD.state, NEW.state);
    ELSIF NEW.content IS DISTINCT FROM OLD.content THEN
        action := 'updated';
    ELSE
        RETURN NULL;
    END IF;
    INSERT INTO quarterly_report_events (organisation_id, project_id, report_id, revision, action, from_state, to_state, actor, reason)
        VALUES (NEW.organisation_id, NEW.project_id, NEW.id, NEW.revision, action,
                CASE WHEN TG_OP = 'UPDATE' THEN OLD.state END, NEW.state, app_current_actor(),
                CASE WHEN TG_OP = 'UPDATE' AND NEW.state <> OLD.state THEN app_current_reason() END);
    RETURN NULL;
END
$$;
CREATE TRIGGER quarterly_report_event AFTER INSERT OR UPDATE ON quarterly_reports
    FOR EACH ROW EXECUTE FUNCTION quarterly_report_event();

-- Revisions and events are never changed or removed, not even by the owner's own code.
CREATE FUNCTION app_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', CONSTRAINT = 'audit_append_only';
END
$$;
CREATE TRIGGER append_only BEFORE UPDATE ON quarterly_report_revisions
    FOR EACH ROW EXECUTE FUNCTION app_append_only();
CREATE TRIGGER append_only BEFORE UPDATE ON quarterly_report_events
    FOR EACH ROW EXECUTE FUNCTION app_append_only();
CREATE TRIGGER append_only BEFORE UPDATE ON plan_changes
    FOR EACH ROW EXECUTE FUNCTION app_append_only();

-- Reports, revisions and events no longer go with their project.
ALTER TABLE quarterly_reports DROP CONSTRAINT quarterly_reports_organisation_id_project_id_fkey,
    ADD CONSTRAINT quarterly_reports_organisation_id_project_id_fkey FOREIGN KEY (organisation_id, project_id)
        REFERENCES projects (organisation_id, id) ON DELETE RESTRICT;
ALTER TABLE quarterly_report_revisions DROP CONSTRAINT quarterly_report_revisions_project_id_report_id_fkey,
    ADD CONSTRAINT quarterly_report_revisions_project_id_report_id_fkey FOREIGN KEY (project_id, report_id)
        REFERENCES quarterly_reports (project_id, id) ON DELETE RESTRICT;
ALTER TABLE quarterly_report_events DROP CONSTRAINT quarterly_report_events_project_id_report_id_fkey,
    ADD CONSTRAINT quarterly_report_events_project_id_report_id_fkey FOREIGN KEY (project_id, report_id)
        REFERENCES quarterly_reports (project_id, id) ON DELETE RESTRICT;

-- A project goes only while nothing of it was ever reported: no report beyond a draft and
-- no closed revision. Its drafts (never submitted, so never part of the record) and their
-- events go with it.
CREATE FUNCTION project_delete_guard() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    reported text;
BEGIN
    SELECT string_agg(to_char(r.quarter, 'YYYY-"Q"Q'), ', ' ORDER BY r.quarter) INTO reported
    FROM quarterly_reports r
    WHERE r.project_id = OLD.id
      AND (r.state <> 'draft' OR EXISTS (SELECT 1 FROM quarterly_report_revisions v WHERE v.report_id = r.id));
    IF reported IS NOT NULL THEN
        RAISE EXCEPTION 'the project has reported quarters: %', reported
            USING ERRCODE = 'check_violation', CONSTRAINT = 'projects_keep_reported';
    END IF;
    DELETE FROM quarterly_report_events WHERE project_id = OLD.id;
    DELETE FROM quarterly_reports WHERE project_id = OLD.id;
    RETURN OLD;
END
$$;
CREATE TRIGGER project_delete_guard BEFORE DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION project_delete_guard();
