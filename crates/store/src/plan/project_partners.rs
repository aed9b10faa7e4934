//! A project's partners: links from the project to the partner register, with the
//! partner's functions in the project and the current and desired step on the
//! collaboration ladder. Every change of level is kept (by a trigger) with its date.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{AsChangeset, ExpressionMethods, Insertable, QueryDsl, Queryable, Selectable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::line_queries;
use super::{Lines, Meta};
use crate::domain::plan::{Level, PartnerFunction};
use crate::domain::project::check_date;
use crate::domain::report::content::PlanRef;
use crate::domain::validation::Errors;
use crate::domain::validation::FieldError;
use crate::domain::{OrganisationId, PartnerId, ProjectId, ProjectPartnerId};
use crate::error::{StoreError, StoreResult};
use crate::models::Keyset;
use crate::monitoring::reports::quarters_referring;
use crate::schema::{partners, project_partner_levels, project_partners};
use crate::scope::ProjectScope;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = project_partners, check_for_backend(diesel::pg::Pg))]
pub struct LinkRow {
    pub id: ProjectPartnerId,
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    pub partner_id: PartnerId,
    pub functions: Vec<PartnerFunction>,
    pub current_level: Level,
    pub desired_level: Level,
    pub level_since: NaiveDate,
    pub notes: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One step of a link's movement along the ladder.
#[derive(Debug, Clone, Queryable, Serialize, ToSchema)]
// Exact in the schema: a plan document sent back holds it as a GET gave it.
#[serde(deny_unknown_fields)]
pub struct LevelChange {
    #[serde(skip)]
    pub project_partner_id: ProjectPartnerId,
    pub level: Level,
    /// `null` for the level the link started at.
    pub previous_level: Option<Level>,
    pub reached_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// A partner in a project.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectPartner {
    #[schema(value_type = Uuid)]
    pub id: ProjectPartnerId,
    pub project_id: ProjectId,
    #[schema(value_type = Uuid)]
    pub partner_id: PartnerId,
    /// From the partner register.
    pub partner_name: String,
    pub functions: Vec<PartnerFunction>,
    pub current_level: Level,
    pub desired_level: Level,
    /// When the current level was reached.
    pub level_since: NaiveDate,
    pub notes: Option<String>,
    /// Every level the link has had, oldest first.
    pub level_history: Vec<LevelChange>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub version: i64,
}

/// A project partner as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPartnerInput {
    /// A partner from the organisation's register, linked once per project.
    #[schema(value_type = Uuid)]
    pub partner_id: PartnerId,
    #[schema(schema_with = functions_schema)]
    pub functions: Vec<PartnerFunction>,
    pub current_level: Level,
    pub desired_level: Level,
    /// When the current level was reached; not in the future. Defaults to today when
    /// the level is new or changes.
    #[schema(pattern = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub level_since: Option<NaiveDate>,
    /// At most 4000 characters.
    #[schema(max_length = 4000)]
    pub notes: Option<String>,
}

#[derive(Debug, Insertable, AsChangeset)]
#[diesel(table_name = project_partners, treat_none_as_null = true)]
pub struct LinkFields {
    partner_id: PartnerId,
    functions: Vec<PartnerFunction>,
    current_level: Level,
    desired_level: Level,
    level_since: NaiveDate,
    notes: Option<String>,
}

/// `functions` of a partner link: one or more, each once.
fn functions_schema() -> utoipa::openapi::schema::Array {
    crate::domain::schema::unique_refs(
        "PartnerFunction",
        (1, crate::domain::plan::PartnerFunction::ALL.len()),
        "One or more, each once.",
        serde_json::json!(["referrer", "collaboration_partner"]),
    )
}

line_queries!(project_partners, LinkRow, LinkFields, ProjectPartnerId);

/// Adds partner names and level histories to link rows.
pub async fn complete(
    mut conn: &Conn,
    org: OrganisationId,
    rows: Vec<LinkRow>,
) -> StoreResult<Vec<ProjectPartner>> {
    let conn = &mut conn;
    let ids: Vec<ProjectPartnerId> = rows.iter().map(|r| r.id).collect();
    let partner_ids: Vec<PartnerId> = rows.iter().map(|r| r.partner_id).collect();
    let names: Vec<(PartnerId, String)> = partners::table
        .filter(partners::organisation_id.eq(org))
        .filter(partners::id.eq_any(&partner_ids))
        .select((partners::id, partners::name))
        .load(conn)
        .await?;
    let history: Vec<LevelChange> = project_partner_levels::table
        .filter(project_partner_levels::organisation_id.eq(org))
        .filter(project_partner_levels::project_partner_id.eq_any(&ids))
        .order(project_partner_levels::id)
        .select((
            project_partner_levels::project_partner_id,
            project_partner_levels::level,
            project_partner_levels::previous_level,
            project_partner_levels::reached_on,
            project_partner_levels::recorded_at,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ProjectPartner {
            id: row.id,
            project_id: row.project_id,
            partner_id: row.partner_id,
            partner_name: names
                .iter()
                .find(|(id, _)| *id == row.partner_id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            functions: row.functions,
            current_level: row.current_level,
            desired_level: row.desired_level,
            level_since: row.level_since,
            notes: row.notes,
            level_history: history
                .iter()
                .filter(|h| h.project_partner_id == row.id)
                .cloned()
                .collect(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            version: row.version,
        })
        .collect())
}

async fn one(conn: &mut Conn, org: OrganisationId, row: LinkRow) -> StoreResult<ProjectPartner> {
    complete(conn, org, vec![row])
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound("The project partner does not exist.".into()))
}

/// The ids of the organisation's partners.
pub async fn partner_ids(conn: &mut Conn, org: OrganisationId) -> StoreResult<Vec<PartnerId>> {
    Ok(partners::table
        .filter(partners::organisation_id.eq(org))
        .select(partners::id)
        .load(conn)
        .await?)
}

pub fn validate(
    known_partners: &[PartnerId],
    current: Option<(Level, NaiveDate)>,
    today: NaiveDate,
    input: ProjectPartnerInput,
) -> StoreResult<LinkFields> {
    let mut errors = Errors::default();
    if !known_partners.contains(&input.partner_id) {
        errors.push(FieldError::body(
            "/partner_id",
            format!(
                "{} is not a partner in the organisation's register",
                input.partner_id
            ),
        ));
    }
    if input.functions.is_empty() {
        errors.push(FieldError::body(
            "/functions",
            "must name at least one function",
        ));
    }
    for (i, function) in input.functions.iter().enumerate() {
        if input.functions[..i].contains(function) {
            errors.push(FieldError::body(
                format!("/functions/{i}"),
                format!("{function} appears more than once"),
            ));
        }
    }
    let level_since = match (input.level_since, current) {
        // a new level with the old level's date (a document read and written back):
        // the new level is reached today
        (Some(date), Some((level, since))) if level != input.current_level && date == since => {
            today
        }
        (Some(date), _) => date,
        // the level stays: so does the date it was reached
        (None, Some((level, since))) if level == input.current_level => since,
        (None, _) => today,
    };
    if level_since > today {
        errors.push(FieldError::body(
            "/level_since",
            "must not be in the future",
        ));
    } else {
        errors.check("/level_since", check_date(level_since));
    }
    let notes = errors.optional_text("/notes", input.notes, 4000);
    errors.finish()?;
    Ok(LinkFields {
        partner_id: input.partner_id,
        functions: input.functions,
        current_level: input.current_level,
        desired_level: input.desired_level,
        level_since,
        notes,
    })
}

pub struct ProjectPartners;

impl Lines for ProjectPartners {
    type Scope = ProjectScope;
    const NOUN: &'static str = "project partner";

    type Key = ProjectPartnerId;
    type Input = ProjectPartnerInput;
    type Output = ProjectPartner;
    type Valid = LinkFields;

    fn meta(item: &ProjectPartner) -> Meta {
        super::row_meta!(item)
    }
    fn key(item: &ProjectPartner) -> ProjectPartnerId {
        item.id
    }
    fn input_of(item: ProjectPartner) -> ProjectPartnerInput {
        ProjectPartnerInput {
            partner_id: item.partner_id,
            functions: item.functions,
            current_level: item.current_level,
            desired_level: item.desired_level,
            // left out, so that a merge patch that changes the level dates it today
            // unless it says otherwise
            level_since: None,
            notes: item.notes,
        }
    }
    fn unchanged(item: &ProjectPartner, input: &ProjectPartnerInput) -> bool {
        input.partner_id == item.partner_id
            && input.functions == item.functions
            && input.current_level == item.current_level
            && input.desired_level == item.desired_level
            && input.level_since.is_none_or(|d| d == item.level_since)
            && input.notes == item.notes
    }
    async fn list<'c>(
        mut conn: &'c Conn,
        scope: &'c ProjectScope,
        limit: i64,
        after: Option<Keyset>,
    ) -> StoreResult<Vec<ProjectPartner>> {
        let conn = &mut conn;
        let rows = list_rows(conn, scope, limit, after).await?;
        complete(conn, scope.org, rows).await
    }
    async fn find<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        key: ProjectPartnerId,
        lock: bool,
    ) -> StoreResult<ProjectPartner> {
        let row = find_row(conn, scope, key, lock).await?;
        one(conn, scope.org, row).await
    }
    async fn get(
        conn: &mut Conn,
        org: OrganisationId,
        project: Option<ProjectId>,
        key: ProjectPartnerId,
    ) -> StoreResult<Option<ProjectPartner>> {
        let project = super::project_of(project)?;
        match get_row(conn, org, project, key).await? {
            Some(row) => Ok(Some(one(conn, org, row).await?)),
            None => super::missing_line(conn, org, project).await,
        }
    }
    async fn check<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: Option<&'c ProjectPartner>,
        input: ProjectPartnerInput,
    ) -> StoreResult<LinkFields> {
        let known = partner_ids(conn, scope.org).await?;
        validate(
            &known,
            current.map(|c| (c.current_level, c.level_since)),
            crate::models::today(conn).await?,
            input,
        )
    }
    async fn store<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        _key: Option<ProjectPartnerId>,
        current: Option<&'c ProjectPartner>,
        valid: LinkFields,
    ) -> StoreResult<ProjectPartner> {
        let row = store_row(conn, scope, current.map(|c| (c.id, c.version)), valid).await?;
        one(conn, scope.org, row).await
    }
    async fn delete<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        current: &'c ProjectPartner,
    ) -> StoreResult<()> {
        let reports = quarters_referring(conn, scope, PlanRef::ProjectPartner(current.id)).await?;
        if !reports.is_empty() {
            return Err(StoreError::referenced(
                Self::NOUN,
                "quarterly reports",
                &reports,
            ));
        }
        delete_row(conn, scope, current.id).await
    }
}
