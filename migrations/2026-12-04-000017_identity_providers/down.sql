DELETE FROM audit_events WHERE entity = 'identity_provider';
ALTER TABLE audit_events DROP CONSTRAINT audit_events_entity_known,
    ADD CONSTRAINT audit_events_entity_known CHECK (entity IN (
        'organisation', 'user', 'api_token', 'partner', 'project', 'funder'));
ALTER TABLE users DROP CONSTRAINT users_external_subject_unique,
    DROP CONSTRAINT users_identity_provider_fk,
    DROP COLUMN external_subject,
    DROP COLUMN identity_provider_id;
DROP TABLE identity_providers;
