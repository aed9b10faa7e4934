-- A data set for the quarterly-figures export: :projects projects of organisation :org
-- (2024-Q1 to 2025-Q4), each with 14 target groups, 5 partner links, 4 phased budget
-- lines, reach targets per group and quarter, planned hours, one granted application to
-- the register entry :entry (linked to funder account :account when that is not empty),
-- and 8 reports past draft of 65 figures each: 520 long rows per project.
--
-- Run as a superuser with psql -v org=… -v entry=… -v account=… -v projects=…; the guards
-- and histories (triggers) are skipped, as a restore would skip them. bench/run loads it;
-- the streaming tests load it with fewer projects.
SET session_replication_role = replica;

INSERT INTO funders (id, organisation_id, name, kind, contacts)
VALUES (:'entry', :'org', 'Gemeente Bench', 'municipality', '[]');

INSERT INTO partners (id, organisation_id, name, category, contacts)
SELECT md5(:'org' || 'partner' || i)::uuid, :'org', 'Partner ' || i, 'welfare', '[]'
FROM generate_series(1, 5) AS i;

INSERT INTO projects (id, organisation_id, name, start_date, end_date, status)
SELECT md5(:'org' || 'p' || p)::uuid, :'org', 'Project ' || lpad(p::text, 5, '0'),
       '2024-01-01', '2025-12-31', 'active'
FROM generate_series(1, :projects) AS p;

INSERT INTO target_groups (id, organisation_id, project_id, name, languages)
SELECT md5(:'org' || 'p' || p || 'g' || g)::uuid, :'org', md5(:'org' || 'p' || p)::uuid,
       'Doelgroep ' || g, '{nl,tr}'
FROM generate_series(1, :projects) AS p, generate_series(1, 14) AS g;

INSERT INTO project_partners (id, organisation_id, project_id, partner_id, functions,
                              current_level, desired_level, level_since)
SELECT md5(:'org' || 'p' || p || 'l' || l)::uuid, :'org', md5(:'org' || 'p' || p)::uuid,
       md5(:'org' || 'partner' || l)::uuid, '{referrer}', 2, 4, '2024-01-01'
FROM generate_series(1, :projects) AS p, generate_series(1, 5) AS l;

INSERT INTO budget_lines (id, organisation_id, project_id, category, description, amount, phases)
SELECT md5(:'org' || 'p' || p || 'b' || b)::uuid, :'org', md5(:'org' || 'p' || p)::uuid,
       'communication', 'Post ' || b, 4000,
       (SELECT jsonb_agg(jsonb_build_object('quarter', y || '-Q' || q, 'amount', '500.00'))
        FROM generate_series(2024, 2025) AS y, generate_series(1, 4) AS q)
FROM generate_series(1, :projects) AS p, generate_series(1, 4) AS b;

INSERT INTO targets (id, organisation_id, project_id, theme, quarter, target_group_id, planned)
SELECT gen_random_uuid(), :'org', md5(:'org' || 'p' || p)::uuid, 'reach',
       make_date(y, q * 3 - 2, 1), md5(:'org' || 'p' || p || 'g' || g)::uuid, 10
FROM generate_series(1, :projects) AS p, generate_series(1, 14) AS g,
     generate_series(2024, 2025) AS y, generate_series(1, 4) AS q;

INSERT INTO planned_hours (id, organisation_id, project_id, activity, quarter, hours, hourly_rate)
SELECT gen_random_uuid(), :'org', md5(:'org' || 'p' || p)::uuid, a, make_date(y, q * 3 - 2, 1), 40, 50
FROM generate_series(1, :projects) AS p, unnest(ARRAY['outreach', 'coordination', 'training']) AS a,
     generate_series(2024, 2025) AS y, generate_series(1, 4) AS q;

INSERT INTO fund_applications (id, organisation_id, project_id, funder_id, amount_requested,
                               amount_granted, status, submitted_on, decided_on, reference)
SELECT md5(:'org' || 'p' || p || 'a')::uuid, :'org', md5(:'org' || 'p' || p)::uuid, :'entry',
       5000, 5000, 'granted', '2023-11-01', '2023-12-01', 'SUB-' || p
FROM generate_series(1, :projects) AS p;

INSERT INTO funder_links (id, organisation_id, organisation_kind, funder_id, funder_account_id,
                          funder_account_kind, state, requested_at, decided_at)
SELECT gen_random_uuid(), :'org', 'organisation', :'entry', nullif(:'account', '')::uuid, 'funder',
       'accepted', now(), now()
WHERE nullif(:'account', '') IS NOT NULL;

INSERT INTO quarterly_reports (id, organisation_id, project_id, quarter, state, revision, content)
SELECT gen_random_uuid(), :'org', md5(:'org' || 'p' || p)::uuid, make_date(y, q * 3 - 2, 1),
       CASE WHEN q % 2 = 0 THEN 'submitted' ELSE 'accepted' END, 1,
       jsonb_build_object(
           'reach', jsonb_build_object(
               'per_target_group', (SELECT jsonb_agg(jsonb_build_object(
                   'target_group_id', md5(:'org' || 'p' || p || 'g' || g)::uuid, 'new', g, 'total', g * 2))
                   FROM generate_series(1, 14) AS g),
               'key_person_contacts', 4, 'activity_participants', 30,
               'referrals_received', 6, 'referrals_made', 3,
               'per_partner', (SELECT jsonb_agg(jsonb_build_object(
                   'project_partner_id', md5(:'org' || 'p' || p || 'l' || l)::uuid, 'received', 1, 'made', 2))
                   FROM generate_series(1, 5) AS l)),
           'network', jsonb_build_object(
               'active_partners', 5, 'new_partners', 1, 'network_meetings', 2,
               'level_changes', (SELECT jsonb_agg(jsonb_build_object(
                   'project_partner_id', md5(:'org' || 'p' || p || 'l' || l)::uuid, 'level', 'coordinate'))
                   FROM generate_series(1, 2) AS l)),
           'communication', (SELECT jsonb_agg(jsonb_build_object(
               'channel', c, 'language', 'tr', 'count', 20, 'estimated_reach', 150, 'cost', '12.50'))
               FROM unnest(ARRAY['flyers', 'radio', 'social_media']) AS c),
           'budget', jsonb_build_object(
               'spent', (SELECT jsonb_agg(jsonb_build_object(
                   'budget_line_id', md5(:'org' || 'p' || p || 'b' || b)::uuid, 'amount', '480.50'))
                   FROM generate_series(1, 4) AS b),
               'hours', (SELECT jsonb_agg(jsonb_build_object('activity', a, 'hours', '37.25'))
                   FROM unnest(ARRAY['outreach', 'coordination', 'training']) AS a)),
           'narrative', jsonb_build_object(
               'developments', 'Het bereik groeit; "vooral" via sleutelpersonen.',
               'obstacles', 'Weinig vrijwilligers in Q' || q))
FROM generate_series(1, :projects) AS p, generate_series(2024, 2025) AS y, generate_series(1, 4) AS q;

RESET session_replication_role;
ANALYZE;
