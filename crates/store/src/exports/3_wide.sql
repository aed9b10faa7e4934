    -- One row per report: each figure's total, the plan's total beside it where the plan
    -- sets one, and both cumulated over every quarter so far. The arrays follow the
    -- order of WIDE_FIGURES (exports/mod.rs).
    , totals AS (
        SELECT r.quarter, r.state, r.revision, ARRAY[
                   sum(f.actual) FILTER (WHERE f.figure = 'reach_new'),
                   sum(f.actual) FILTER (WHERE f.figure = 'reach_total'),
                   sum(f.actual) FILTER (WHERE f.figure = 'key_person_contacts'),
                   sum(f.actual) FILTER (WHERE f.figure = 'activity_participants'),
                   sum(f.actual) FILTER (WHERE f.figure = 'referrals_received'),
                   sum(f.actual) FILTER (WHERE f.figure = 'referrals_made'),
                   sum(f.actual) FILTER (WHERE f.figure = 'active_partners'),
                   sum(f.actual) FILTER (WHERE f.figure = 'new_partners'),
                   sum(f.actual) FILTER (WHERE f.figure = 'network_meetings'),
                   sum(f.actual) FILTER (WHERE f.figure = 'communication_count'),
                   sum(f.actual) FILTER (WHERE f.figure = 'communication_reach'),
                   sum(f.actual) FILTER (WHERE f.figure = 'communication_cost'),
                   sum(f.actual) FILTER (WHERE f.figure = 'spent'),
                   sum(f.actual) FILTER (WHERE f.figure = 'hours_spent')] AS actual
        FROM reports AS r
        LEFT JOIN figures AS f ON f.quarter = r.quarter
        GROUP BY r.quarter, r.state, r.revision
    ),
    planned AS (
        -- Reach: the target for all groups, or else what the groups' targets add up to
        -- (a group is in one target of a quarter at most). Communication: the target for
        -- any channel and language only, since channel targets and channel-and-language
        -- targets overlap.
        SELECT quarter, ARRAY[
                   coalesce(sum(planned) FILTER (WHERE figure = 'reach_new' AND key = 'total'),
                            sum(planned) FILTER (WHERE figure = 'reach_new')),
                   NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                   NULL, sum(planned) FILTER (WHERE figure = 'communication_count' AND key = 'total'), NULL, NULL,
                   sum(planned) FILTER (WHERE figure = 'spent' AND key = 'total'),
                   sum(planned) FILTER (WHERE figure = 'hours_spent' AND key = 'total')]::numeric[] AS planned
        FROM plan
        GROUP BY quarter
    ),
    quarters AS (
        SELECT coalesce(t.quarter, pl.quarter) AS quarter, t.state, t.revision, t.actual, pl.planned
        FROM totals AS t FULL JOIN planned AS pl ON pl.quarter = t.quarter
    )
    SELECT q.quarter, q.state, q.revision, q.actual, q.planned,
           ARRAY(SELECT sum(a.actual[i]) FROM quarters AS a CROSS JOIN generate_series(1, 14) AS i
                 WHERE a.quarter <= q.quarter GROUP BY i ORDER BY i) AS cumulative_actual,
           ARRAY(SELECT sum(a.planned[i]) FROM quarters AS a CROSS JOIN generate_series(1, 14) AS i
                 WHERE a.quarter <= q.quarter GROUP BY i ORDER BY i) AS cumulative_planned
    FROM quarters AS q
    WHERE q.state IS NOT NULL AND ($2::date IS NULL OR q.quarter >= $2::date)
) AS x
ORDER BY p.organisation, p.project, p.id, x.quarter
