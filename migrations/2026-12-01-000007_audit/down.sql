DROP TRIGGER audit_record ON projects;
DROP TRIGGER audit_record ON organisations;
DROP TRIGGER audit_record ON partners;
DROP TRIGGER audit_record ON api_tokens;
DROP TRIGGER audit_record ON users;
DROP FUNCTION audit_record();
DROP FUNCTION audit_value(text, jsonb);
DROP TABLE audit_events;
