DROP TABLE idempotency_keys, quarterly_report_events, quarterly_report_revisions, quarterly_reports;
ALTER TABLE organisations DROP COLUMN report_due_days;
