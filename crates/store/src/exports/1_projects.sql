-- The quarterly-figures export, in three parts joined in this order (exports/mod.rs;
-- bench/run joins the files the same way): the projects in scope (this file), each
-- project's plan and reported figures (2_figures.sql), and a layout (3_long.sql or
-- 3_wide.sql). Parameters: $1 report states (text[]), $2 first quarter and $3 last
-- quarter (dates, or null), $4 project, $5 fund application, $6 funder register entry
-- (uuids, or null), $7 the caller is a funder account (bool).
--
-- Row-level security decides which projects exist here (an organisation's own, or those
-- shared with a funder account). One project at a time is expanded (a nested loop over
-- the sorted projects), so rows leave as they are made. The export's transaction turns
-- JIT compilation off: on this statement it costs more than a second and gains nothing.
SELECT p.organisation, p.project, p.funders, p.refs, x.*
FROM (
    SELECT o.name AS organisation, p.name AS project, p.id, fa.funders, fa.refs
    FROM projects AS p
    JOIN organisations AS o ON o.id = p.organisation_id
    CROSS JOIN LATERAL (
        SELECT string_agg(DISTINCT f.name, '; ' ORDER BY f.name) AS funders,
               string_agg(DISTINCT a.reference, '; ' ORDER BY a.reference) AS refs,
               count(*) AS applications
        FROM fund_applications AS a
        JOIN funders AS f ON f.id = a.funder_id
        WHERE a.project_id = p.id
          AND a.status IN ('submitted', 'granted', 'partially_granted')
          AND ($5::uuid IS NULL OR a.id = $5::uuid)
          AND ($6::uuid IS NULL OR a.funder_id = $6::uuid)
          AND (NOT $7::bool OR a.funder_id IN (SELECT app_funder_entries()))
    ) AS fa
    WHERE ($4::uuid IS NULL OR p.id = $4::uuid)
      AND (fa.applications > 0 OR ($5::uuid IS NULL AND $6::uuid IS NULL AND NOT $7::bool))
    -- Sorted here, so that the rows below come out in this order, project by project,
    -- and the final order needs only a sort within each project (incremental).
    ORDER BY o.name, p.name, p.id
) AS p
CROSS JOIN LATERAL (
