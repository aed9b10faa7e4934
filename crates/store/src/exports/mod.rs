//! The quarterly-figures export: one statement per layout, streamed row by row as
//! Postgres produces them. Each statement is three SQL files joined (the projects in
//! scope, each project's plan and reported figures, the layout), so that `bench/run`
//! can hand Postgres exactly the same statement for `COPY … TO STDOUT`.
//!
//! Which projects the statement sees is row-level security's: run it inside
//! [`crate::Db::reading`], as the organisation or as the funder account.

use diesel::QueryableByName;
use diesel::sql_types::{Array, Bool, Date, Integer, Nullable, Numeric, Text, Uuid};
use diesel_async::RunQueryDsl;
use futures_util::Stream;
use rust_decimal::Decimal;

use crate::Conn;
use crate::domain::export::{ReportSection, SubjectKind};
use crate::domain::organisation::ReportLanguage;
use crate::domain::plan::Quarter;
use crate::domain::report::{Figure, ReportState};
use crate::domain::{FundApplicationId, FunderId, OrganisationId, ProjectId};
use crate::schema::{organisations, quarterly_reports};

/// The long layout: one row per reported figure.
pub const LONG: &str = concat!(
    include_str!("1_projects.sql"),
    include_str!("2_figures.sql"),
    include_str!("3_long.sql")
);

/// The wide layout: one row per report, each figure's total.
pub const WIDE: &str = concat!(
    include_str!("1_projects.sql"),
    include_str!("2_figures.sql"),
    include_str!("3_wide.sql")
);

/// What the export covers.
#[derive(Debug, Clone)]
pub struct FigureScope {
    /// Reports in these states (never empty).
    pub states: Vec<ReportState>,
    pub from: Option<Quarter>,
    pub to: Option<Quarter>,
    pub project: Option<ProjectId>,
    /// Only projects with this application; its funder alone in the funder column.
    pub fund_application: Option<FundApplicationId>,
    /// Only projects with an application to this register entry.
    pub funder: Option<FunderId>,
    /// The caller is a funder account: the funder column names its own applications
    /// only, and a project without one is left out.
    pub for_funder: bool,
}

/// The project a row belongs to, as every layout begins.
#[derive(Debug, Clone, QueryableByName)]
pub struct RowHead {
    #[diesel(sql_type = Text)]
    pub organisation: String,
    #[diesel(sql_type = Text)]
    pub project: String,
    /// The funders of the applications in scope, `; `-separated.
    #[diesel(sql_type = Nullable<Text>)]
    pub funders: Option<String>,
    /// Their applications' references.
    #[diesel(sql_type = Nullable<Text>)]
    pub refs: Option<String>,
    #[diesel(sql_type = Date)]
    pub quarter: Quarter,
    #[diesel(sql_type = Text)]
    pub state: ReportState,
    #[diesel(sql_type = Integer)]
    pub revision: i32,
}

/// A row of the long layout.
#[derive(Debug, Clone, QueryableByName)]
pub struct LongRow {
    #[diesel(embed)]
    pub head: RowHead,
    #[diesel(sql_type = Text)]
    pub section: ReportSection,
    #[diesel(sql_type = Text)]
    pub figure: Figure,
    #[diesel(sql_type = Text)]
    pub kind: SubjectKind,
    /// The target group's, partner's or budget line's name.
    #[diesel(sql_type = Nullable<Text>)]
    pub subject_name: Option<String>,
    /// The channel, activity or ladder level, as the API writes it.
    #[diesel(sql_type = Nullable<Text>)]
    pub code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub language: Option<String>,
    /// A narrative text.
    #[diesel(sql_type = Nullable<Text>)]
    pub note: Option<String>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub planned: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub actual: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub cumulative_planned: Option<Decimal>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub cumulative_actual: Option<Decimal>,
}

/// A row of the wide layout: per figure of `WIDE_FIGURES`, in its order.
#[derive(Debug, Clone, QueryableByName)]
pub struct WideRow {
    #[diesel(embed)]
    pub head: RowHead,
    #[diesel(sql_type = Array<Nullable<Numeric>>)]
    pub actual: Vec<Option<Decimal>>,
    #[diesel(sql_type = Nullable<Array<Nullable<Numeric>>>)]
    pub planned: Option<Vec<Option<Decimal>>>,
    #[diesel(sql_type = Array<Nullable<Numeric>>)]
    pub cumulative_actual: Vec<Option<Decimal>>,
    #[diesel(sql_type = Array<Nullable<Numeric>>)]
    pub cumulative_planned: Vec<Option<Decimal>>,
}

/// `$sql` with the scope bound, in the order the files number the parameters.
macro_rules! bound {
    ($sql:expr, $scope:expr) => {{
        let scope: &FigureScope = $scope;
        let states: Vec<&'static str> = scope.states.iter().map(|s| s.as_str()).collect();
        let day = |q: Option<Quarter>| q.map(|q| q.first_day());
        diesel::sql_query($sql)
            .bind::<Array<Text>, _>(states)
            .bind::<Nullable<Date>, _>(day(scope.from))
            .bind::<Nullable<Date>, _>(day(scope.to))
            .bind::<Nullable<Uuid>, _>(scope.project.map(|p| p.as_uuid()))
            .bind::<Nullable<Uuid>, _>(scope.fund_application.map(|a| a.as_uuid()))
            .bind::<Nullable<Uuid>, _>(scope.funder.map(|f| f.as_uuid()))
            .bind::<Bool, _>(scope.for_funder)
    }};
}

/// The rows of the long layout, as Postgres produces them.
pub async fn long<'c>(
    conn: &'c mut Conn,
    scope: &FigureScope,
) -> diesel::QueryResult<impl Stream<Item = diesel::QueryResult<LongRow>> + Send + 'c> {
    bound!(LONG, scope).load_stream::<LongRow>(conn).await
}

/// The rows of the wide layout, as Postgres produces them.
pub async fn wide<'c>(
    conn: &'c mut Conn,
    scope: &FigureScope,
) -> diesel::QueryResult<impl Stream<Item = diesel::QueryResult<WideRow>> + Send + 'c> {
    bound!(WIDE, scope).load_stream::<WideRow>(conn).await
}

/// Settings of the export's transaction, sent with its first statements: no JIT
/// compilation, which costs this statement more than a second and saves nothing.
pub async fn settings(conn: &Conn) -> diesel::QueryResult<()> {
    use diesel_async::SimpleAsyncConnection;
    let mut conn = conn;
    conn.batch_execute("SET LOCAL jit = off").await
}

/// The caller's account, as the file is named and labelled: its name and report
/// language. The funder role may read these columns of its own account.
pub async fn account(
    mut conn: &Conn,
    id: OrganisationId,
) -> diesel::QueryResult<(String, ReportLanguage)> {
    use diesel::{ExpressionMethods, QueryDsl};
    let conn = &mut conn;
    organisations::table
        .filter(organisations::id.eq(id))
        .select((organisations::name, organisations::report_language))
        .first(conn)
        .await
}

/// The first and last quarter with a report in scope, to name the period of a file
/// asked for without one. Sent with [`account`], in the same round trip.
pub async fn period(
    mut conn: &Conn,
    scope: &FigureScope,
) -> diesel::QueryResult<(Option<Quarter>, Option<Quarter>)> {
    use diesel::dsl::{max, min};
    use diesel::{ExpressionMethods, QueryDsl};
    let conn = &mut conn;
    let states: Vec<&'static str> = scope.states.iter().map(|s| s.as_str()).collect();
    let mut query = quarterly_reports::table
        .filter(quarterly_reports::state.eq_any(states))
        .select((
            min(quarterly_reports::quarter),
            max(quarterly_reports::quarter),
        ))
        .into_boxed();
    if let Some(project) = scope.project {
        query = query.filter(quarterly_reports::project_id.eq(project));
    }
    if let Some(from) = scope.from {
        query = query.filter(quarterly_reports::quarter.ge(from));
    }
    if let Some(to) = scope.to {
        query = query.filter(quarterly_reports::quarter.le(to));
    }
    let (first, last): (Option<chrono::NaiveDate>, Option<chrono::NaiveDate>) =
        query.first(conn).await?;
    Ok((
        first.map(Quarter::containing),
        last.map(Quarter::containing),
    ))
}
