-- The plan's history as migrations 3 and 5 left it.
CREATE OR REPLACE FUNCTION plan_change_record() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
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
DROP TRIGGER audit_record ON projects;
DROP TRIGGER audit_record ON organisations;
DROP TRIGGER audit_record ON partners;
DROP TRIGGER audit_record ON api_tokens;
DROP TRIGGER audit_record ON users;
DROP FUNCTION audit_record();
DROP FUNCTION app_changed_fields(jsonb, jsonb, text[]);
DROP FUNCTION audit_value(text, jsonb);
DROP TABLE audit_events;
