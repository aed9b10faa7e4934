DROP POLICY funder_shared ON organisations;
DROP POLICY funder_shared ON funders;
DROP POLICY funder_shared ON partners;
DROP POLICY funder_shared ON quarterly_report_events;
DROP POLICY funder_shared ON quarterly_report_revisions;
DROP POLICY funder_shared ON quarterly_reports;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['projects', 'target_groups', 'planned_hours', 'budget_lines', 'translation_costs',
        'fund_applications', 'fund_application_budget_lines', 'targets', 'evaluation_moments',
        'roadmap_steps', 'project_partners', 'project_partner_levels'] LOOP
        EXECUTE format('DROP POLICY funder_shared ON %I', t);
    END LOOP;
END
$$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM mantelmonitor_funder;
REVOKE SELECT (id, organisation_id, name, category) ON partners FROM mantelmonitor_funder;
REVOKE SELECT (id, organisation_id, name, kind) ON funders FROM mantelmonitor_funder;
REVOKE SELECT (id, name, kind, report_language, report_due_days) ON organisations FROM mantelmonitor_funder;
REVOKE USAGE ON SCHEMA public FROM mantelmonitor_funder;
DROP FUNCTION app_funder_projects();
DROP FUNCTION app_funder_account_by_code(text);
DROP POLICY linked ON organisations;
DROP TABLE funder_links;
DROP FUNCTION funder_link_guard();
ALTER TABLE organisations DROP CONSTRAINT organisations_id_kind_key;
