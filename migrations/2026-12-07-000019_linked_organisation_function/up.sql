-- The two sides of a funder link see each other's name, as before; the rule is now a
-- function called only for a row that is not the transaction's own organisation.
--
-- As a subquery in the policy (`id IN (SELECT … UNION ALL SELECT …)`), Postgres made every
-- statement that reads `organisations` carry a hashed subplan over two scans of
-- funder_links, and set it up on each execution even when it never ran: a quarterly
-- report read spent more time preparing that plan than reading the report. A function
-- with a subquery is not inlined: the policy is one expression, and `OR` stops at the
-- organisation's own id.
CREATE FUNCTION app_linked_organisation(other uuid) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM funder_links
                   WHERE organisation_id = app_current_organisation() AND funder_account_id = other)
        OR EXISTS (SELECT 1 FROM funder_links
                   WHERE funder_account_id = app_current_organisation() AND organisation_id = other)
    $$;
DROP POLICY linked ON organisations;
CREATE POLICY linked ON organisations FOR SELECT TO mantelmonitor_app
    USING (id = app_current_organisation() OR app_linked_organisation(id));
