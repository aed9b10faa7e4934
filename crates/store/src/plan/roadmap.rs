//! The roadmap: the nine steps organisations follow to set up a project, created with
//! the project (by a trigger), each with a status and notes.

use chrono::{DateTime, Utc};
use diesel::{AsChangeset, ExpressionMethods, QueryDsl, Queryable, Selectable, SelectableHelper};
use diesel_async::RunQueryDsl;

use crate::Conn;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Lines, Meta};
use crate::domain::plan::RoadmapStatus;
use crate::domain::validation::Errors;
use crate::domain::{OrganisationId, ProjectId, RoadmapStepId};
use crate::error::{StoreError, StoreResult};
use crate::models::Keyset;
use crate::schema::roadmap_steps;
use crate::scope::ProjectScope;

/// The nine steps, in order (DOMAIN.md, "roadmap").
pub const STEPS: [&str; 9] = [
    "Explore why extra attention is needed",
    "Map where the organisation stands",
    "Map the local field",
    "Get in contact with the communities",
    "Talk with caregivers about their needs",
    "Choose what support to offer",
    "Choose partners",
    "Write the project plan",
    "Carry it out",
];

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = roadmap_steps, check_for_backend(diesel::pg::Pg))]
pub struct StepRow {
    pub id: RoadmapStepId,
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    pub step: i16,
    pub status: RoadmapStatus,
    pub notes: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One step of the roadmap.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoadmapStep {
    /// 1 to 9.
    #[schema(minimum = 1, maximum = 9)]
    pub step: i16,
    #[schema(example = "Map the local field")]
    pub title: &'static str,
    pub status: RoadmapStatus,
    pub notes: Option<String>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip)]
    pub version: i64,
    #[serde(skip)]
    pub created_at: DateTime<Utc>,
}

impl From<StepRow> for RoadmapStep {
    fn from(row: StepRow) -> Self {
        RoadmapStep {
            step: row.step,
            title: STEPS[usize::try_from(row.step - 1).unwrap_or(0).min(8)],
            status: row.status,
            notes: row.notes,
            updated_at: row.updated_at,
            version: row.version,
            created_at: row.created_at,
        }
    }
}

/// A roadmap step as a client writes it.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapStepInput {
    pub status: RoadmapStatus,
    /// At most 20000 characters.
    #[schema(max_length = 20000)]
    pub notes: Option<String>,
}

#[derive(Debug, AsChangeset)]
#[diesel(table_name = roadmap_steps, treat_none_as_null = true)]
pub struct RoadmapStepFields {
    status: RoadmapStatus,
    notes: Option<String>,
}

pub fn validate(input: RoadmapStepInput) -> StoreResult<RoadmapStepFields> {
    let mut errors = Errors::default();
    let notes = errors.optional_text("/notes", input.notes, 20000);
    errors.finish()?;
    Ok(RoadmapStepFields {
        status: input.status,
        notes,
    })
}

/// Stores a step's status and notes.
pub async fn update_step(
    conn: &mut Conn,
    scope: &ProjectScope,
    step: i16,
    version: i64,
    fields: RoadmapStepFields,
) -> StoreResult<RoadmapStep> {
    let row = diesel::update(
        roadmap_steps::table
            .filter(roadmap_steps::organisation_id.eq(scope.org))
            .filter(roadmap_steps::project_id.eq(scope.project_id()))
            .filter(roadmap_steps::step.eq(step)),
    )
    .set((
        &fields,
        roadmap_steps::version.eq(version + 1),
        roadmap_steps::updated_at.eq(diesel::dsl::now),
    ))
    .returning(StepRow::as_returning())
    .get_result(conn)
    .await?;
    Ok(row.into())
}

/// A step number, 1 to 9, as the path names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepNumber(pub i16);

impl std::str::FromStr for StepNumber {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s.parse::<i16>() {
            Ok(n) if (1..=9).contains(&n) && !s.starts_with(['+', '0']) => Ok(StepNumber(n)),
            _ => Err(()),
        }
    }
}

impl std::fmt::Display for StepNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

pub struct Roadmap;

impl Lines for Roadmap {
    type Scope = ProjectScope;
    const NOUN: &'static str = "roadmap step";
    const FIXED: bool = true;

    type Key = StepNumber;
    type Input = RoadmapStepInput;
    type Output = RoadmapStep;
    type Valid = RoadmapStepFields;

    fn meta(item: &RoadmapStep) -> Meta {
        // Steps page by number; the keyset carries it in place of an id.
        Meta {
            version: item.version,
            keyset: Keyset {
                created_at: item.created_at,
                id: Uuid::from_u128(u128::from(item.step.unsigned_abs())),
            },
        }
    }
    fn key(item: &RoadmapStep) -> StepNumber {
        StepNumber(item.step)
    }
    fn input_of(item: RoadmapStep) -> RoadmapStepInput {
        RoadmapStepInput {
            status: item.status,
            notes: item.notes,
        }
    }
    async fn list<'c>(
        mut conn: &'c Conn,
        scope: &'c ProjectScope,
        limit: i64,
        after: Option<Keyset>,
    ) -> StoreResult<Vec<RoadmapStep>> {
        let conn = &mut conn;
        let after_step = after
            .map(|k| i16::try_from(k.id.as_u128()).unwrap_or(i16::MAX))
            .unwrap_or(0);
        let rows: Vec<StepRow> = roadmap_steps::table
            .filter(roadmap_steps::organisation_id.eq(scope.org))
            .filter(roadmap_steps::project_id.eq(scope.project_id()))
            .filter(roadmap_steps::step.gt(after_step))
            .order(roadmap_steps::step)
            .limit(limit + 1)
            .select(StepRow::as_select())
            .load(conn)
            .await?;
        Ok(rows.into_iter().map(RoadmapStep::from).collect())
    }
    async fn find<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        key: StepNumber,
        lock: bool,
    ) -> StoreResult<RoadmapStep> {
        let query = roadmap_steps::table
            .filter(roadmap_steps::organisation_id.eq(scope.org))
            .filter(roadmap_steps::project_id.eq(scope.project_id()))
            .filter(roadmap_steps::step.eq(key.0))
            .select(StepRow::as_select());
        let row = if lock {
            query.for_update().first(conn).await?
        } else {
            query.first(conn).await?
        };
        Ok(row.into())
    }
    async fn check<'c>(
        _conn: &'c mut Conn,
        _scope: &'c ProjectScope,
        _current: Option<&'c RoadmapStep>,
        input: RoadmapStepInput,
    ) -> StoreResult<RoadmapStepFields> {
        validate(input)
    }
    async fn store<'c>(
        conn: &'c mut Conn,
        scope: &'c ProjectScope,
        key: Option<StepNumber>,
        current: Option<&'c RoadmapStep>,
        valid: RoadmapStepFields,
    ) -> StoreResult<RoadmapStep> {
        match (key, current) {
            (Some(key), Some(current)) => {
                update_step(conn, scope, key.0, current.version, valid).await
            }
            _ => Err(StoreError::internal(std::io::Error::other(
                "the roadmap's steps are created with the project and are never created or deleted",
            ))),
        }
    }
    async fn delete<'c>(
        _conn: &'c mut Conn,
        _scope: &'c ProjectScope,
        _current: &'c RoadmapStep,
    ) -> StoreResult<()> {
        Err(StoreError::internal(std::io::Error::other(
            "the roadmap's steps are created with the project and are never created or deleted",
        )))
    }
}
