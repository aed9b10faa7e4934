-- A write that changes nothing changes nothing: an UPDATE whose row differs from the
-- stored one only in its version and updated_at keeps the stored row, so its ETag and
-- updated_at stay (an intranet that writes back what it read does not see a change, nor
-- lose its next conditional write), and the histories, which skip updates without a
-- changed field, record nothing. Named to run after every other BEFORE UPDATE trigger
-- (triggers fire in name order), so the guards see the write as it was sent.
CREATE FUNCTION unchanged_keeps_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'version' - 'updated_at') = (to_jsonb(OLD) - 'version' - 'updated_at') THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organisations', 'users', 'partners', 'funders', 'funder_links', 'projects',
        'target_groups', 'planned_hours', 'budget_lines', 'translation_costs', 'fund_applications',
        'targets', 'evaluation_moments', 'roadmap_steps', 'project_partners', 'quarterly_reports'] LOOP
        EXECUTE format('CREATE TRIGGER unchanged_keeps_version BEFORE UPDATE ON %I
            FOR EACH ROW EXECUTE FUNCTION unchanged_keeps_version()', t);
    END LOOP;
END
$$;
