-- The organisation-wide audit trail: the partner register, users, API tokens, the
-- organisation's settings and project deletions, with who, when, and the fields before
-- and after. Written by triggers running as the owner; the request role only reads it.
-- Secrets (password hashes, token hashes) and contact persons' personal data never enter it.

CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    entity text NOT NULL CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project')),
    entity_id uuid NOT NULL,
    action text NOT NULL CONSTRAINT audit_events_action_known CHECK (action IN (
        'created', 'updated', 'revoked', 'deleted')),
    actor text,
    at timestamptz NOT NULL DEFAULT now(),
    before jsonb,
    after jsonb
);
CREATE INDEX audit_events_list_idx ON audit_events (organisation_id, id);
CREATE INDEX audit_events_entity_idx ON audit_events (organisation_id, entity, id);

GRANT SELECT ON audit_events TO mantelmonitor_app;
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON audit_events TO CURRENT_USER USING (true) WITH CHECK (true);
CREATE TRIGGER append_only BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION app_append_only();

-- A value as the trail keeps it: secrets only as "changed", contact persons only counted.
CREATE FUNCTION audit_value(key text, value jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN key IN ('password_hash', 'secret_hash') THEN jsonb_build_object('redacted', true)
        WHEN key = 'contacts' THEN jsonb_build_object('redacted', true,
            'count', CASE WHEN jsonb_typeof(value) = 'array' THEN jsonb_array_length(value) ELSE 0 END)
        ELSE value
    END
    $$;

-- What a row's write changed, as histories and trails keep it: for an insert every field
-- (before NULL), for a delete every field (after NULL), for an update the changed fields
-- before and after (both '{}' when nothing but `ignored` changed). Values pass through
-- audit_value.
CREATE FUNCTION app_changed_fields(old_row jsonb, new_row jsonb, ignored text[],
    OUT before jsonb, OUT after jsonb)
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    key text;
BEGIN
    before := CASE WHEN old_row IS NOT NULL THEN '{}' END;
    after := CASE WHEN new_row IS NOT NULL THEN '{}' END;
    FOR key IN SELECT jsonb_object_keys(coalesce(new_row, old_row)) LOOP
        CONTINUE WHEN key = ANY (ignored);
        IF old_row IS NULL OR new_row IS NULL OR (old_row -> key) IS DISTINCT FROM (new_row -> key) THEN
            IF old_row IS NOT NULL THEN
                before := before || jsonb_build_object(key, audit_value(key, old_row -> key));
            END IF;
            IF new_row IS NOT NULL THEN
                after := after || jsonb_build_object(key, audit_value(key, new_row -> key));
            END IF;
        END IF;
    END LOOP;
END
$$;

-- TG_ARGV[0]: the entity. Bookkeeping columns are left out; an update that changes
-- nothing else (a token's last use, a version bump) writes nothing.
CREATE FUNCTION audit_record() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    row_data jsonb := coalesce(new_row, old_row);
    changed record := app_changed_fields(old_row, new_row, ARRAY['id', 'organisation_id', 'version',
        'created_at', 'updated_at', 'last_used_at', 'session_version', 'created_by']);
    action text := CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF changed.before = '{}' THEN
            RETURN NULL;
        END IF;
        IF TG_ARGV[0] = 'api_token' AND (old_row ->> 'revoked_at') IS NULL AND (new_row ->> 'revoked_at') IS NOT NULL THEN
            action := 'revoked';
        END IF;
    END IF;
    INSERT INTO audit_events (organisation_id, entity, entity_id, action, actor, before, after)
    VALUES (
        CASE WHEN TG_ARGV[0] = 'organisation' THEN (row_data ->> 'id')::uuid ELSE (row_data ->> 'organisation_id')::uuid END,
        TG_ARGV[0],
        (row_data ->> 'id')::uuid,
        action,
        app_current_actor(),
        changed.before,
        changed.after
    );
    RETURN NULL;
END
$$;

-- The plan's history keeps its rules and shares the one way of telling what changed.
CREATE OR REPLACE FUNCTION plan_change_record() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    row_data jsonb := coalesce(new_row, old_row);
    changed record := app_changed_fields(old_row, new_row,
        ARRAY['id', 'organisation_id', 'project_id', 'version', 'created_at', 'updated_at', 'total']);
BEGIN
    IF TG_OP = 'UPDATE' AND changed.before = '{}' THEN
        RETURN NULL;
    END IF;
    INSERT INTO plan_changes (organisation_id, project_id, entity, entity_id, action, actor, before, after)
    VALUES (
        (row_data ->> 'organisation_id')::uuid,
        CASE WHEN TG_TABLE_NAME = 'projects' THEN (row_data ->> 'id')::uuid ELSE (row_data ->> 'project_id')::uuid END,
        TG_ARGV[0],
        (row_data ->> 'id')::uuid,
        CASE TG_OP WHEN 'INSERT' THEN 'created' WHEN 'UPDATE' THEN 'updated' ELSE 'deleted' END,
        app_current_actor(),
        changed.before,
        changed.after
    );
    RETURN NULL;
END
$$;

CREATE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION audit_record('user');
CREATE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION audit_record('api_token');
CREATE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON partners
    FOR EACH ROW EXECUTE FUNCTION audit_record('partner');
CREATE TRIGGER audit_record AFTER UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION audit_record('organisation');
CREATE TRIGGER audit_record AFTER DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION audit_record('project');
