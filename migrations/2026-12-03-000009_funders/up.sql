-- The organisation's funder register (*financiers*), shared by its projects: a fund
-- application names its funder by id, so "Gemeente Utrecht" and "gemeente  Utrecht" are
-- one funder and totals per funder add up.

-- The key under which two names are the same funder: case, outer and repeated spaces
-- do not count.
CREATE FUNCTION app_name_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(regexp_replace(btrim(name), '\s+', ' ', 'g'))
    $$;

CREATE TABLE funders (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name text NOT NULL CONSTRAINT funders_name_length CHECK (char_length(btrim(name)) BETWEEN 1 AND 200),
    kind text NOT NULL CONSTRAINT funders_kind_known CHECK (kind IN (
        'municipality', 'fund', 'province', 'national_government',
        'health_insurer_or_care_office', 'other')),
    -- The Chamber of Commerce number (KvK-nummer): eight digits.
    kvk_number text CONSTRAINT funders_kvk_number_format CHECK (kvk_number ~ '^[0-9]{8}$'),
    -- The CBS municipality code (gemeentecode): GM and four digits.
    municipality_code text CONSTRAINT funders_municipality_code_format CHECK (municipality_code ~ '^GM[0-9]{4}$'),
    -- The organisation's own reference for the funder (a relation number).
    reference text CONSTRAINT funders_reference_length CHECK (char_length(reference) <= 200),
    notes text CONSTRAINT funders_notes_length CHECK (char_length(notes) <= 4000),
    -- [{"name": …, "role": …, "email": …, "phone": …}]: personal data, as for partners.
    contacts jsonb NOT NULL DEFAULT '[]' CONSTRAINT funders_contacts_array CHECK (jsonb_typeof(contacts) = 'array'),
    version bigint NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (organisation_id, id)
);
CREATE UNIQUE INDEX funders_name_key ON funders (organisation_id, app_name_key(name));
CREATE INDEX funders_organisation_list_idx ON funders (organisation_id, created_at, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON funders TO mantelmonitor_app;
ALTER TABLE funders ENABLE ROW LEVEL SECURITY;
ALTER TABLE funders FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON funders TO mantelmonitor_app
    USING (organisation_id = app_current_organisation())
    WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY system_access ON funders TO CURRENT_USER USING (true) WITH CHECK (true);

-- Every funder name the applications use becomes one register entry per organisation
-- and name key, spelled (spaces tidied) and kinded as in its earliest application.
INSERT INTO funders (id, organisation_id, name, kind, created_at, updated_at)
SELECT gen_random_uuid(), organisation_id, regexp_replace(btrim(funder_name), '\s+', ' ', 'g'),
    CASE funder_kind WHEN 'private_fund' THEN 'fund' ELSE funder_kind END,
    created_at, created_at
FROM (
    SELECT DISTINCT ON (organisation_id, app_name_key(funder_name))
        organisation_id, funder_name, funder_kind, created_at
    FROM fund_applications
    ORDER BY organisation_id, app_name_key(funder_name), created_at, id
) AS earliest;

ALTER TABLE fund_applications ADD COLUMN funder_id uuid;
-- A change of representation, not of the plan: the plan's history does not record it.
ALTER TABLE fund_applications DISABLE TRIGGER plan_change_record;
UPDATE fund_applications AS a SET funder_id = f.id
FROM funders AS f
WHERE f.organisation_id = a.organisation_id AND app_name_key(f.name) = app_name_key(a.funder_name);
ALTER TABLE fund_applications ENABLE TRIGGER plan_change_record;
ALTER TABLE fund_applications
    ALTER COLUMN funder_id SET NOT NULL,
    ADD CONSTRAINT fund_applications_funder_fkey FOREIGN KEY (organisation_id, funder_id)
        REFERENCES funders (organisation_id, id),
    DROP COLUMN funder_name,
    DROP COLUMN funder_kind;
CREATE INDEX fund_applications_funder_idx ON fund_applications (organisation_id, funder_id);

-- The register is in the organisation's audit trail, as the partner register is.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_known,
    ADD CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project', 'funder'));
CREATE TRIGGER audit_record AFTER INSERT OR UPDATE OR DELETE ON funders
    FOR EACH ROW EXECUTE FUNCTION audit_record('funder');
