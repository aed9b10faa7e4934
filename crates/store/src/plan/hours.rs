//! Planned hours (*uren*): hours per activity per quarter, with the hourly rate that
//! prices them.

use crate::Conn;
use chrono::{DateTime, Utc};
use diesel::{AsChangeset, Insertable, Queryable, Selectable};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::line_queries;
use crate::domain::plan::{Activity, Amount, Quarter};
use crate::domain::report::content::PlanRef;
use crate::domain::{HoursId, OrganisationId, ProjectId};
use crate::error::{StoreError, StoreResult};
use crate::monitoring::reports::quarters_referring;
use crate::schema::planned_hours;
use crate::scope::ProjectScope;

use super::Lines;
use crate::domain::validation::Errors;

/// Hours planned for one activity in one quarter.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = planned_hours, check_for_backend(diesel::pg::Pg))]
pub struct PlannedHours {
    #[schema(value_type = Uuid)]
    pub id: HoursId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    pub activity: Activity,
    pub quarter: Quarter,
    pub hours: Amount,
    /// Euros per hour.
    pub hourly_rate: Amount,
    pub notes: Option<String>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PlannedHours {
    /// `hours × hourly_rate`, to the cent.
    pub fn cost(&self) -> Amount {
        Amount::new(self.hours.value() * self.hourly_rate.value())
    }
}

/// Planned hours as a client writes them. One line per activity and quarter.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedHoursInput {
    pub activity: Activity,
    /// A quarter inside the project period.
    pub quarter: Quarter,
    #[schema(value_type = crate::domain::plan::Hours)]
    pub hours: Amount,
    #[schema(value_type = crate::domain::plan::HourlyRate)]
    pub hourly_rate: Amount,
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = planned_hours, treat_none_as_null = true)]
pub struct PlannedHoursFields {
    activity: Activity,
    quarter: Quarter,
    hours: Amount,
    hourly_rate: Amount,
    notes: Option<String>,
}

line_queries!(planned_hours, PlannedHours, PlannedHoursFields, HoursId);

pub fn validate(scope: &ProjectScope, input: PlannedHoursInput) -> StoreResult<PlannedHoursFields> {
    let (start, end) = scope.period();
    let mut errors = Errors::default();
    errors.check("/quarter", input.quarter.check_within(start, end));
    errors.check(
        "/hours",
        input.hours.at_most(crate::domain::plan::Hours::MAX),
    );
    errors.check(
        "/hourly_rate",
        input
            .hourly_rate
            .at_most(crate::domain::plan::HourlyRate::MAX),
    );
    let notes = errors.optional_text("/notes", input.notes, 4000);
    errors.finish()?;
    Ok(PlannedHoursFields {
        activity: input.activity,
        quarter: input.quarter,
        hours: input.hours,
        hourly_rate: input.hourly_rate,
        notes,
    })
}

pub struct Hours;

impl Lines for Hours {
    type Scope = ProjectScope;
    const NOUN: &'static str = "hours line";

    type Key = HoursId;
    type Input = PlannedHoursInput;
    type Output = PlannedHours;
    type Valid = PlannedHoursFields;

    super::line_methods!(PlannedHours, PlannedHoursFields, HoursId);

    fn input_of(item: PlannedHours) -> PlannedHoursInput {
        PlannedHoursInput {
            activity: item.activity,
            quarter: item.quarter,
            hours: item.hours,
            hourly_rate: item.hourly_rate,
            notes: item.notes,
        }
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _current: Option<&'c PlannedHours>,
        input: PlannedHoursInput,
    ) -> StoreResult<PlannedHoursFields> {
        validate(scope, input)
    }

    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c PlannedHours,
    ) -> StoreResult<()> {
        use diesel::{ExpressionMethods, QueryDsl};
        use diesel_async::RunQueryDsl;
        // Reports may spend hours only on planned activities: the last line of an
        // activity that a report uses stays.
        let others: i64 = planned_hours::table
            .filter(planned_hours::organisation_id.eq(scope.org))
            .filter(planned_hours::project_id.eq(scope.project_id()))
            .filter(planned_hours::activity.eq(current.activity))
            .filter(planned_hours::id.ne(current.id))
            .count()
            .get_result(conn)
            .await?;
        if others == 0 {
            let reports =
                quarters_referring(conn, scope, PlanRef::Activity(current.activity)).await?;
            if !reports.is_empty() {
                return Err(StoreError::referenced(
                    "activity's last hours line",
                    "quarterly reports",
                    &reports,
                ));
            }
        }
        delete_row(conn, scope, current.id).await
    }
}
