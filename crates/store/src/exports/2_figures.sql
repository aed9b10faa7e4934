    WITH
    -- What the plan sets per quarter, keyed as the reported figures are
    -- (figure, subject key): reach targets per target group, communication targets per
    -- channel and language, planned hours per activity, budget phases per line; and each
    -- figure's total for the project ('total': the targets for all groups or all
    -- channels, every planned hour, every phase).
    plan AS (
        SELECT CASE t.theme WHEN 'reach' THEN 'reach_new' ELSE 'communication_count' END AS figure,
               CASE WHEN t.theme = 'reach' THEN coalesce(t.target_group_id::text, 'total')
                    WHEN t.channel IS NULL AND t.language IS NULL THEN 'total'
                    ELSE '|' || coalesce(t.channel, '') || '|' || coalesce(t.language, '') END AS key,
               t.quarter, t.planned
        FROM targets AS t
        WHERE t.project_id = p.id AND t.quarter IS NOT NULL AND t.theme IN ('reach', 'communication')
        UNION ALL
        SELECT 'hours_spent', k.key, h.quarter, sum(h.hours)
        FROM planned_hours AS h CROSS JOIN LATERAL (VALUES ('|' || h.activity || '|'), ('total')) AS k(key)
        WHERE h.project_id = p.id
        GROUP BY k.key, h.quarter
        UNION ALL
        SELECT 'spent', k.key, ph.quarter, sum(ph.amount)
        FROM budget_lines AS b
        -- A phase's quarter is written as in the API, `2026-Q1`.
        CROSS JOIN LATERAL (
            SELECT make_date(left(v->>'quarter', 4)::int, right(v->>'quarter', 1)::int * 3 - 2, 1) AS quarter,
                   (v->>'amount')::numeric AS amount
            FROM jsonb_array_elements(b.phases) AS v
        ) AS ph
        CROSS JOIN LATERAL (VALUES (b.id::text), ('total')) AS k(key)
        WHERE b.project_id = p.id
        GROUP BY k.key, ph.quarter
    ),
    -- The project's reports in the states asked for, up to the last quarter asked for
    -- (earlier quarters count towards the cumulative figures).
    reports AS (
        SELECT r.quarter, r.state, r.revision, r.content
        FROM quarterly_reports AS r
        WHERE r.project_id = p.id AND r.state = ANY ($1::text[])
          AND ($3::date IS NULL OR r.quarter <= $3::date)
    ),
    -- Every figure the reports hold, one row each: ord orders the figures, sub the
    -- subjects within one; sid is a target group, partner link or budget line, code a
    -- channel, activity or level.
    figures AS (
        SELECT r.quarter, r.state, r.revision, f.*,
               coalesce(f.sid::text, '|' || coalesce(f.code, '') || '|' || coalesce(f.language, '')) AS key
        FROM reports AS r
        CROSS JOIN LATERAL (
            SELECT 10 AS ord, e.i AS sub, 'reach' AS section, 'reach_new' AS figure, 'target_group' AS kind,
                   (e.v->>'target_group_id')::uuid AS sid, NULL::text AS code, NULL::text AS language,
                   (e.v->>'new')::numeric AS actual, NULL::text AS note
            FROM jsonb_array_elements(r.content->'reach'->'per_target_group') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT 20, e.i, 'reach', 'reach_total', 'target_group', (e.v->>'target_group_id')::uuid, NULL, NULL,
                   (e.v->>'total')::numeric, NULL
            FROM jsonb_array_elements(r.content->'reach'->'per_target_group') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT n.ord, 0, n.section, n.figure, 'project', NULL, NULL, NULL,
                   (r.content->n.section->>n.figure)::numeric, NULL
            FROM (VALUES (30, 'reach', 'key_person_contacts'), (40, 'reach', 'activity_participants'),
                         (50, 'reach', 'referrals_received'), (60, 'reach', 'referrals_made'),
                         (90, 'network', 'active_partners'), (100, 'network', 'new_partners'),
                         (110, 'network', 'network_meetings')) AS n(ord, section, figure)
            UNION ALL
            SELECT 70, e.i, 'reach', 'partner_referrals_received', 'partner', (e.v->>'project_partner_id')::uuid,
                   NULL, NULL, (e.v->>'received')::numeric, NULL
            FROM jsonb_array_elements(r.content->'reach'->'per_partner') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT 80, e.i, 'reach', 'partner_referrals_made', 'partner', (e.v->>'project_partner_id')::uuid,
                   NULL, NULL, (e.v->>'made')::numeric, NULL
            FROM jsonb_array_elements(r.content->'reach'->'per_partner') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT 120, e.i, 'network', 'level_change', 'partner', (e.v->>'project_partner_id')::uuid,
                   e.v->>'level', NULL,
                   array_position(ARRAY['know_of_each_other', 'in_contact', 'coordinate', 'collaborate',
                                        'work_as_one'], e.v->>'level')::numeric, NULL
            FROM jsonb_array_elements(r.content->'network'->'level_changes') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT c.ord, e.i, 'communication', c.figure, 'channel', NULL, e.v->>'channel', e.v->>'language',
                   (e.v->>c.field)::numeric, NULL
            FROM jsonb_array_elements(r.content->'communication') WITH ORDINALITY AS e(v, i)
            CROSS JOIN (VALUES (130, 'communication_count', 'count'),
                               (140, 'communication_reach', 'estimated_reach'),
                               (150, 'communication_cost', 'cost')) AS c(ord, figure, field)
            UNION ALL
            SELECT 160, e.i, 'budget', 'spent', 'budget_line', (e.v->>'budget_line_id')::uuid, NULL, NULL,
                   (e.v->>'amount')::numeric, NULL
            FROM jsonb_array_elements(r.content->'budget'->'spent') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT 170, e.i, 'budget', 'hours_spent', 'activity', NULL, e.v->>'activity', NULL,
                   (e.v->>'hours')::numeric, NULL
            FROM jsonb_array_elements(r.content->'budget'->'hours') WITH ORDINALITY AS e(v, i)
            UNION ALL
            SELECT n.ord, 0, 'narrative', n.figure, 'project', NULL, NULL, NULL, NULL,
                   r.content->'narrative'->>n.figure
            FROM (VALUES (180, 'developments'), (190, 'obstacles'), (200, 'signals'),
                         (210, 'next_quarter')) AS n(ord, figure)
        ) AS f
        WHERE f.actual IS NOT NULL OR f.note IS NOT NULL
    )
