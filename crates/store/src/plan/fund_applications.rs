//! Fund applications (*fondsaanvragen*): to which funder, for which budget lines, how
//! much requested and granted, with an enforced lifecycle and the reporting duties that
//! come with a grant.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{AsChangeset, ExpressionMethods, Insertable, QueryDsl, Queryable, Selectable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::NewIds;
use super::budget_lines::BudgetLines;
use super::line_queries;
use crate::domain::plan::{Amount, FundStatus, ReportReviewer};
use crate::domain::project::check_date;
use crate::domain::validation::FieldError;
use crate::domain::{BudgetLineId, FundApplicationId, FunderId, OrganisationId, ProjectId};
use crate::error::{StoreError, StoreResult};
use crate::json::{JsonDoc, JsonList};
use crate::schema::{budget_lines, fund_applications};
use crate::scope::ProjectScope;

use super::Lines;
pub use crate::domain::plan::ReportingDuty;
use crate::domain::validation::Errors;

/// An application to a funder.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = fund_applications, check_for_backend(diesel::pg::Pg))]
pub struct FundApplication {
    #[schema(value_type = Uuid)]
    pub id: FundApplicationId,
    #[serde(skip)]
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    pub programme: Option<String>,
    /// The budget lines this application covers.
    #[schema(value_type = Vec<Uuid>)]
    pub budget_line_ids: Vec<BudgetLineId>,
    pub amount_requested: Amount,
    pub amount_granted: Option<Amount>,
    pub status: FundStatus,
    pub submitted_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub grant_start: Option<NaiveDate>,
    pub grant_end: Option<NaiveDate>,
    pub reference: Option<String>,
    pub conditions: Option<String>,
    #[schema(value_type = Vec<ReportingDuty>)]
    pub reporting_duties: JsonList<ReportingDuty>,
    #[serde(skip)]
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The funder in the organisation's register (`/api/v1/funders`).
    #[schema(value_type = Uuid)]
    pub funder_id: FunderId,
    pub report_reviewer: ReportReviewer,
}

/// A fund application as a client writes it.
///
/// The status moves `draft → submitted → granted | partially_granted | rejected`, and
/// to `withdrawn` from draft or submitted; any other change of status is a 409 that
/// names the allowed ones. A new application may be recorded in any status, as it
/// stands.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundApplicationInput {
    /// The funder, from the organisation's register (`/api/v1/funders`).
    #[schema(value_type = Uuid)]
    pub funder_id: FunderId,
    /// At most 200 characters.
    #[schema(example = "Mantelzorg en welzijn 2026", max_length = 200)]
    pub programme: Option<String>,
    #[serde(default)]
    #[schema(schema_with = budget_line_ids_schema)]
    pub budget_line_ids: Vec<BudgetLineId>,
    #[schema(value_type = crate::domain::plan::EurosRequested)]
    pub amount_requested: Amount,
    /// Only once decided: required for `granted` (equal to the amount requested) and
    /// `partially_granted` (less than requested), `0` or absent for `rejected`.
    #[schema(value_type = Option<crate::domain::plan::Euros>)]
    pub amount_granted: Option<Amount>,
    /// Defaults to `draft`.
    pub status: Option<FundStatus>,
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub submitted_on: Option<NaiveDate>,
    /// Required once decided; not before `submitted_on`.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub decided_on: Option<NaiveDate>,
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub grant_start: Option<NaiveDate>,
    /// Not before `grant_start`.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub grant_end: Option<NaiveDate>,
    /// The funder's reference; at most 200 characters.
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub conditions: Option<String>,
    /// Quarters inside the project period, each once, due after the quarter ends; at
    /// most 400.
    #[serde(default)]
    #[schema(max_items = 400)]
    pub reporting_duties: Vec<ReportingDuty>,
    /// Who accepts or returns the project's quarterly reports: `funder` (the default:
    /// its funder account, once linked) or `organisation`.
    pub report_reviewer: Option<ReportReviewer>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = fund_applications, treat_none_as_null = true)]
pub struct FundApplicationFields {
    funder_id: FunderId,
    programme: Option<String>,
    budget_line_ids: Vec<BudgetLineId>,
    amount_requested: Amount,
    amount_granted: Option<Amount>,
    status: FundStatus,
    submitted_on: Option<NaiveDate>,
    decided_on: Option<NaiveDate>,
    grant_start: Option<NaiveDate>,
    grant_end: Option<NaiveDate>,
    reference: Option<String>,
    conditions: Option<String>,
    reporting_duties: JsonList<ReportingDuty>,
    report_reviewer: ReportReviewer,
}

/// `budget_line_ids` of an application: at most 200, each once.
fn budget_line_ids_schema() -> utoipa::openapi::schema::Array {
    crate::domain::schema::unique_ids(
        (0, 200),
        "Budget lines of this project that the application covers: at most 200, each once.",
    )
}

line_queries!(
    fund_applications,
    FundApplication,
    FundApplicationFields,
    FundApplicationId
);

/// The 409 for a status move the lifecycle does not allow.
pub fn transition_refused(from: FundStatus, to: FundStatus) -> StoreError {
    let allowed: Vec<String> = from.next().iter().map(ToString::to_string).collect();
    StoreError::Transition {
        detail: if allowed.is_empty() {
            format!("A fund application cannot move from {from} to {to}: {from} is final.")
        } else {
            format!(
                "A fund application cannot move from {from} to {to}; from {from} it can move to {}.",
                allowed.join(", ")
            )
        },
        allowed,
    }
}

/// Checks an application on its own. `lines` are the ids of the project's budget lines.
/// The status move is checked when storing, after the precondition: a client with a
/// stale ETag hears 412, not about a status it has not seen.
pub fn validate(
    scope: &ProjectScope,
    lines: &[BudgetLineId],
    funder_registered: bool,
    input: FundApplicationInput,
) -> StoreResult<FundApplicationFields> {
    let (start, end) = scope.period();
    let status = input.status.unwrap_or(FundStatus::Draft);
    let mut errors = Errors::default();
    if !funder_registered {
        errors.push(FieldError::body(
            "/funder_id",
            format!(
                "{} is not a funder in the organisation's register",
                input.funder_id
            ),
        ));
    }
    let programme = errors.optional_text("/programme", input.programme, 200);
    let reference = errors.optional_text("/reference", input.reference, 200);
    let conditions = errors.optional_text("/conditions", input.conditions, 4000);
    if input.budget_line_ids.len() > 200 {
        return Err(StoreError::field(
            "/budget_line_ids",
            "must list at most 200 budget lines",
        ));
    }
    if input.reporting_duties.len() > 400 {
        return Err(StoreError::field(
            "/reporting_duties",
            "must list at most 400 duties",
        ));
    }
    for (i, id) in input.budget_line_ids.iter().enumerate() {
        if input.budget_line_ids[..i].contains(id) {
            errors.push(FieldError::body(
                format!("/budget_line_ids/{i}"),
                "appears more than once",
            ));
        } else if !lines.contains(id) {
            errors.push(FieldError::body(
                format!("/budget_line_ids/{i}"),
                format!("{id} is not a budget line of this project"),
            ));
        }
    }
    if input.amount_requested.is_zero() {
        errors.push(FieldError::body("/amount_requested", "must be more than 0"));
    }
    errors.check(
        "/amount_requested",
        input
            .amount_requested
            .at_most(crate::domain::plan::EurosRequested::MAX),
    );
    match (status, input.amount_granted) {
        (_, Some(granted)) if granted > input.amount_requested => errors.push(FieldError::body(
            "/amount_granted",
            format!("must not exceed the amount requested ({})", input.amount_requested),
        )),
        (FundStatus::Granted, None) | (FundStatus::PartiallyGranted, None) => errors.push(
            FieldError::body("/amount_granted", format!("is required when the status is {status}")),
        ),
        (FundStatus::Granted, Some(granted)) if granted != input.amount_requested => {
            errors.push(FieldError::body(
                "/amount_granted",
                "must equal the amount requested when granted in full; use partially_granted for less",
            ))
        }
        (FundStatus::PartiallyGranted, Some(granted)) if granted.is_zero() => errors.push(
            FieldError::body("/amount_granted", "must be more than 0; use rejected for nothing"),
        ),
        (FundStatus::Rejected, Some(granted)) if !granted.is_zero() => errors.push(
            FieldError::body("/amount_granted", "must be 0 or absent when rejected"),
        ),
        (FundStatus::Draft | FundStatus::Submitted | FundStatus::Withdrawn, Some(_)) => errors
            .push(FieldError::body(
                "/amount_granted",
                format!("must be absent while the application is {status}: nothing is decided"),
            )),
        _ => {}
    }
    for (pointer, date) in [
        ("/submitted_on", input.submitted_on),
        ("/decided_on", input.decided_on),
        ("/grant_start", input.grant_start),
        ("/grant_end", input.grant_end),
    ] {
        if let Some(date) = date {
            errors.check(pointer, check_date(date));
        }
    }
    if status.decided() && input.decided_on.is_none() {
        errors.push(FieldError::body(
            "/decided_on",
            format!("is required when the status is {status}"),
        ));
    }
    if let (Some(submitted), Some(decided)) = (input.submitted_on, input.decided_on)
        && decided < submitted
    {
        errors.push(FieldError::body(
            "/decided_on",
            format!("must not be before submitted_on ({submitted})"),
        ));
    }
    if let (Some(from), Some(to)) = (input.grant_start, input.grant_end)
        && to < from
    {
        errors.push(FieldError::body(
            "/grant_end",
            format!("must not be before grant_start ({from})"),
        ));
    }
    for (i, duty) in input.reporting_duties.iter().enumerate() {
        errors.check(
            &format!("/reporting_duties/{i}/quarter"),
            duty.quarter.check_within(start, end),
        );
        if input.reporting_duties[..i]
            .iter()
            .any(|d| d.quarter == duty.quarter)
        {
            errors.push(FieldError::body(
                format!("/reporting_duties/{i}/quarter"),
                format!("{} appears more than once", duty.quarter),
            ));
        }
        if duty.due_on <= duty.quarter.last_day() {
            errors.push(FieldError::body(
                format!("/reporting_duties/{i}/due_on"),
                format!(
                    "must be after the quarter ends ({})",
                    duty.quarter.last_day()
                ),
            ));
        } else {
            errors.check(
                &format!("/reporting_duties/{i}/due_on"),
                check_date(duty.due_on),
            );
        }
    }
    errors.finish()?;
    let mut duties = input.reporting_duties;
    duties.sort_by_key(|d| d.quarter);
    Ok(FundApplicationFields {
        funder_id: input.funder_id,
        programme,
        budget_line_ids: input.budget_line_ids,
        amount_requested: input.amount_requested,
        amount_granted: input.amount_granted,
        status,
        submitted_on: input.submitted_on,
        decided_on: input.decided_on,
        grant_start: input.grant_start,
        grant_end: input.grant_end,
        reference,
        conditions,
        reporting_duties: JsonDoc(duties),
        report_reviewer: input.report_reviewer.unwrap_or(ReportReviewer::Funder),
    })
}

/// The ids of the project's budget lines.
pub async fn budget_line_ids(
    mut conn: &Conn,
    scope: &ProjectScope,
) -> StoreResult<Vec<BudgetLineId>> {
    let conn = &mut conn;
    Ok(budget_lines::table
        .filter(budget_lines::organisation_id.eq(scope.org))
        .filter(budget_lines::project_id.eq(scope.project_id()))
        .select(budget_lines::id)
        .load(conn)
        .await?)
}

pub struct FundApplications;

impl Lines for FundApplications {
    type Scope = ProjectScope;
    const NOUN: &'static str = "fund application";

    type Key = FundApplicationId;
    type Input = FundApplicationInput;
    type Output = FundApplication;
    type Valid = FundApplicationFields;

    super::line_methods!(
        FundApplication,
        FundApplicationFields,
        FundApplicationId,
        reading
    );

    fn follow(input: &mut FundApplicationInput, created: &NewIds) {
        for id in &mut input.budget_line_ids {
            *id = created.of::<BudgetLines>(*id);
        }
    }

    async fn store<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _key: Option<FundApplicationId>,
        current: Option<&'c FundApplication>,
        valid: FundApplicationFields,
    ) -> StoreResult<FundApplication> {
        if let Some(current) = current
            && current.status != valid.status
            && !current.status.next().contains(&valid.status)
        {
            return Err(transition_refused(current.status, valid.status));
        }
        store_row(conn, scope, current.map(|c| (c.id, c.version)), valid).await
    }

    fn input_of(item: FundApplication) -> FundApplicationInput {
        FundApplicationInput {
            funder_id: item.funder_id,
            programme: item.programme,
            budget_line_ids: item.budget_line_ids,
            amount_requested: item.amount_requested,
            amount_granted: item.amount_granted,
            status: Some(item.status),
            submitted_on: item.submitted_on,
            decided_on: item.decided_on,
            grant_start: item.grant_start,
            grant_end: item.grant_end,
            reference: item.reference,
            conditions: item.conditions,
            reporting_duties: item.reporting_duties.0,
            report_reviewer: Some(item.report_reviewer),
        }
    }
    async fn check<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _current: Option<&'c FundApplication>,
        input: FundApplicationInput,
    ) -> StoreResult<FundApplicationFields> {
        // Both in one round trip.
        let conn: &Conn = conn;
        let (lines, registered) = tokio::try_join!(
            budget_line_ids(conn, scope),
            super::funders::exists(conn, scope.org, input.funder_id)
        )?;
        validate(scope, &lines, registered, input)
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c FundApplication,
    ) -> StoreResult<()> {
        delete_row(conn, scope, current.id).await
    }
}
