DROP TRIGGER project_delete_guard ON projects;
DROP FUNCTION project_delete_guard();
ALTER TABLE quarterly_report_events DROP CONSTRAINT quarterly_report_events_project_id_report_id_fkey,
    ADD CONSTRAINT quarterly_report_events_project_id_report_id_fkey FOREIGN KEY (project_id, report_id)
        REFERENCES quarterly_reports (project_id, id) ON DELETE CASCADE;
ALTER TABLE quarterly_report_revisions DROP CONSTRAINT quarterly_report_revisions_project_id_report_id_fkey,
    ADD CONSTRAINT quarterly_report_revisions_project_id_report_id_fkey FOREIGN KEY (project_id, report_id)
        REFERENCES quarterly_reports (project_id, id) ON DELETE CASCADE;
ALTER TABLE quarterly_reports DROP CONSTRAINT quarterly_reports_organisation_id_project_id_fkey,
    ADD CONSTRAINT quarterly_reports_organisation_id_project_id_fkey FOREIGN KEY (organisation_id, project_id)
        REFERENCES projects (organisation_id, id) ON DELETE CASCADE;
DROP TRIGGER append_only ON plan_changes;
DROP TRIGGER append_only ON quarterly_report_events;
DROP TRIGGER append_only ON quarterly_report_revisions;
DROP FUNCTION app_append_only();
DROP TRIGGER quarterly_report_event ON quarterly_reports;
DROP FUNCTION quarterly_report_event();
DROP TRIGGER quarterly_report_guard ON quarterly_reports;
DROP FUNCTION quarterly_report_guard();
DROP FUNCTION quarterly_report_move(text, text);
DROP FUNCTION app_current_reason();
GRANT SELECT, INSERT ON quarterly_report_revisions, quarterly_report_events TO mantelmonitor_app;
GRANT SELECT, INSERT ON project_partner_levels, plan_changes TO mantelmonitor_app;
ALTER FUNCTION project_partner_level_record() SECURITY INVOKER;
ALTER FUNCTION plan_change_record() SECURITY INVOKER;
REVOKE SELECT (id, organisation_id, email, name, role, active, session_version, version, created_at, updated_at)
    ON users FROM mantelmonitor_app;
GRANT SELECT ON users TO mantelmonitor_app;
DROP POLICY identify_touch ON api_tokens;
DROP POLICY identify ON api_tokens;
DROP POLICY identify ON users;
REVOKE UPDATE (last_used_at) ON api_tokens FROM mantelmonitor_auth;
REVOKE SELECT ON users, api_tokens FROM mantelmonitor_auth;
REVOKE USAGE ON SCHEMA public FROM mantelmonitor_auth;
