DROP POLICY funder_review ON quarterly_reports;
REVOKE UPDATE (state, version, updated_at) ON quarterly_reports FROM mantelmonitor_funder;
DROP TRIGGER quarterly_report_review_guard ON quarterly_reports;
DROP FUNCTION quarterly_report_review_guard();
DROP FUNCTION app_reviewing_accounts(uuid);
ALTER TABLE fund_applications DROP COLUMN report_reviewer;
