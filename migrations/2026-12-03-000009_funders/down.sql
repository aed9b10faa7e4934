DROP TRIGGER audit_record ON funders;
DELETE FROM audit_events WHERE entity = 'funder';
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_known,
    ADD CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project'));

ALTER TABLE fund_applications
    ADD COLUMN funder_name text,
    ADD COLUMN funder_kind text;
ALTER TABLE fund_applications DISABLE TRIGGER plan_change_record;
UPDATE fund_applications AS a
SET funder_name = f.name,
    funder_kind = CASE f.kind WHEN 'fund' THEN 'private_fund'
        WHEN 'municipality' THEN 'municipality' ELSE 'other' END
FROM funders AS f
WHERE f.organisation_id = a.organisation_id AND f.id = a.funder_id;
ALTER TABLE fund_applications ENABLE TRIGGER plan_change_record;
ALTER TABLE fund_applications
    ALTER COLUMN funder_name SET NOT NULL,
    ALTER COLUMN funder_kind SET NOT NULL,
    ADD CONSTRAINT fund_applications_funder_name_length CHECK (char_length(btrim(funder_name)) BETWEEN 1 AND 200),
    ADD CONSTRAINT fund_applications_funder_kind_known CHECK (funder_kind IN ('municipality', 'private_fund', 'other')),
    DROP COLUMN funder_id;

DROP TABLE funders;
DROP FUNCTION app_name_key(text);
