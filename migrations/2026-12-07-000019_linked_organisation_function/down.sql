DROP POLICY linked ON organisations;
CREATE POLICY linked ON organisations FOR SELECT TO mantelmonitor_app
    USING (id IN (SELECT funder_account_id FROM funder_links WHERE organisation_id = app_current_organisation()
                  UNION ALL
                  SELECT organisation_id FROM funder_links WHERE funder_account_id = app_current_organisation()));
DROP FUNCTION app_linked_organisation(uuid);
