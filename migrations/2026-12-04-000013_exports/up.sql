-- Funder reports. A funder account's export names, for each project, the applications
-- made to it (never a co-funder's): the funder register entries whose link to the
-- transaction's account is accepted. Like app_funder_projects(), a definer's function,
-- because the funder role reads no links.
CREATE FUNCTION app_funder_entries() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT funder_id FROM funder_links
    WHERE funder_account_id = app_current_organisation() AND state = 'accepted'
    $$;
