    -- One row per reported figure, beside the plan's figure for its quarter; the
    -- cumulative figures add up every quarter so far, planned ones included where
    -- nothing was reported.
    SELECT k.quarter, k.state, k.revision, k.ord, k.sub, k.section, k.figure, k.kind,
           coalesce(tg.name, pa.name, bl.description) AS subject_name, k.code, k.language, k.note,
           k.planned, k.actual, k.cumulative_planned, k.cumulative_actual
    FROM (
        SELECT coalesce(f.quarter, pl.quarter) AS quarter, f.state, f.revision, f.ord, f.sub, f.section,
               f.figure, f.kind, f.sid, f.code, f.language, f.note, pl.planned, f.actual,
               sum(pl.planned) OVER w AS cumulative_planned, sum(f.actual) OVER w AS cumulative_actual
        FROM figures AS f
        FULL JOIN (SELECT * FROM plan WHERE key <> 'total') AS pl
            ON pl.figure = f.figure AND pl.key = f.key AND pl.quarter = f.quarter
        WINDOW w AS (PARTITION BY coalesce(f.figure, pl.figure), coalesce(f.key, pl.key)
                     ORDER BY coalesce(f.quarter, pl.quarter))
    ) AS k
    LEFT JOIN target_groups AS tg ON k.kind = 'target_group' AND tg.project_id = p.id AND tg.id = k.sid
    LEFT JOIN project_partners AS pp ON k.kind = 'partner' AND pp.project_id = p.id AND pp.id = k.sid
    LEFT JOIN partners AS pa ON pa.id = pp.partner_id
    LEFT JOIN budget_lines AS bl ON k.kind = 'budget_line' AND bl.project_id = p.id AND bl.id = k.sid
    WHERE k.state IS NOT NULL AND ($2::date IS NULL OR k.quarter >= $2::date)
) AS x
ORDER BY p.organisation, p.project, p.id, x.quarter, x.ord, x.sub
