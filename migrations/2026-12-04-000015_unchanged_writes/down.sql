DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'users', 'partners', 'funders', 'funder_links', 'projects',
        'target_groups', 'planned_hours', 'budget_lines', 'translation_costs', 'fund_applications',
        'targets', 'evaluation_moments', 'roadmap_steps', 'project_partners', 'quarterly_reports'] LOOP
        EXECUTE format('DROP TRIGGER unchanged_keeps_version ON %I', t);
    END LOOP;
END
$$;
DROP FUNCTION unchanged_keeps_version();
