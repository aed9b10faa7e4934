DROP FUNCTION app_funder_entries();
