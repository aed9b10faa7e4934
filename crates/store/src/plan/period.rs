//! The project period's hold on the plan: changing the period so that lines fall outside
//! it is refused, naming the lines.

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::sql_types::{Date, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;

use crate::Conn;
use uuid::Uuid;

use crate::domain::ProjectId;
use crate::domain::validation::FieldError;
use crate::error::{StoreError, StoreResult};

#[derive(Debug, QueryableByName)]
struct Outside {
    #[diesel(sql_type = Text)]
    part: String,
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    what: String,
}

/// Every dated line of the plan, with the end of its span, for the period check.
const OUTSIDE: &str = r#"
WITH spans AS (
    SELECT 'hours line' AS part, id, 'quarter ' || to_char(quarter, 'YYYY-"Q"Q') AS what,
           quarter AS first_day, (quarter + interval '3 months' - interval '1 day')::date AS last_day
      FROM planned_hours WHERE project_id = $1
    UNION ALL
    SELECT 'budget line', id, 'phase ' || (p ->> 'quarter'),
           app_quarter_start(p ->> 'quarter'), (app_quarter_start(p ->> 'quarter') + interval '3 months' - interval '1 day')::date
      FROM budget_lines, jsonb_array_elements(phases) AS p WHERE project_id = $1
    UNION ALL
    SELECT 'fund application', id, 'reporting duty ' || (d ->> 'quarter'),
           app_quarter_start(d ->> 'quarter'), (app_quarter_start(d ->> 'quarter') + interval '3 months' - interval '1 day')::date
      FROM fund_applications, jsonb_array_elements(reporting_duties) AS d WHERE project_id = $1
    UNION ALL
    SELECT 'target', id, 'quarter ' || to_char(quarter, 'YYYY-"Q"Q'),
           quarter, (quarter + interval '3 months' - interval '1 day')::date
      FROM targets WHERE project_id = $1 AND quarter IS NOT NULL
    UNION ALL
    SELECT 'evaluation moment', id, 'date ' || planned_on, planned_on, planned_on
      FROM evaluation_moments WHERE project_id = $1
    UNION ALL
    SELECT 'quarterly report', id, 'quarter ' || to_char(quarter, 'YYYY-"Q"Q'),
           quarter, (quarter + interval '3 months' - interval '1 day')::date
      FROM quarterly_reports WHERE project_id = $1
)
SELECT part, id, what FROM spans WHERE first_day > $3 OR last_day < $2 ORDER BY part, what, id
"#;

/// The lines that would fall outside `[start, end]`, as a 409; `Ok` when none would.
pub async fn check(
    conn: &mut Conn,
    project: ProjectId,
    start: NaiveDate,
    end: NaiveDate,
) -> StoreResult<()> {
    let outside: Vec<Outside> = diesel::sql_query(OUTSIDE)
        .bind::<SqlUuid, _>(project.as_uuid())
        .bind::<Date, _>(start)
        .bind::<Date, _>(end)
        .load(conn)
        .await?;
    if outside.is_empty() {
        return Ok(());
    }
    Err(StoreError::Conflict {
        detail: format!(
            "{} line(s) of the plan would fall outside {start} to {end}; move or delete them first.",
            outside.len()
        ),
        errors: outside
            .into_iter()
            .map(|o| {
                FieldError::body(
                    "",
                    format!("{} {}: {} is outside the new period", o.part, o.id, o.what),
                )
            })
            .collect(),
    })
}
