//! The organisation-wide audit trail, as the `audit_record` trigger writes it.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::sql;
use diesel::sql_types::{Bool, Date};
use diesel::{ExpressionMethods, QueryDsl, Queryable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use uuid::Uuid;

use super::actors::{self, ChangeActor};
use crate::domain::OrganisationId;
use crate::domain::audit::AuditEntity;
use crate::schema::audit_events;

#[derive(Debug, Queryable)]
struct EventRow {
    id: i64,
    entity: AuditEntity,
    entity_id: Uuid,
    action: String,
    actor: Option<String>,
    at: DateTime<Utc>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

/// One change to the organisation's users, API tokens, partner register, settings, or a
/// project's deletion.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub entity: AuditEntity,
    pub entity_id: Uuid,
    /// `created`, `updated`, `revoked` (an API token) or `deleted`.
    pub action: String,
    /// `None` for changes made outside a request (the CLI).
    pub actor: Option<ChangeActor>,
    /// The changed fields before, as the trigger redacted them; `None` when created.
    pub before: Option<serde_json::Value>,
    /// The changed fields after; `None` when deleted.
    pub after: Option<serde_json::Value>,
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<AuditEntity>,
    /// From this day on (in the Netherlands).
    pub from: Option<NaiveDate>,
    /// Up to and including this day.
    pub to: Option<NaiveDate>,
}

/// A page of events, newest first, before event id `before` when given.
pub async fn list(
    conn: &mut Conn,
    org: OrganisationId,
    filter: &AuditFilter,
    limit: i64,
    before: Option<i64>,
) -> diesel::QueryResult<Vec<AuditEvent>> {
    let mut query = audit_events::table
        .filter(audit_events::organisation_id.eq(org))
        .into_boxed();
    if let Some(entity) = filter.entity {
        query = query.filter(audit_events::entity.eq(entity));
    }
    // Days are Dutch days: the trail is read by Dutch organisations.
    if let Some(from) = filter.from {
        query = query.filter(
            sql::<Bool>("at >= (")
                .bind::<Date, _>(from)
                .sql("::timestamp AT TIME ZONE 'Europe/Amsterdam')"),
        );
    }
    if let Some(to) = filter.to {
        query = query.filter(
            sql::<Bool>("at < ((")
                .bind::<Date, _>(to)
                .sql(" + 1)::timestamp AT TIME ZONE 'Europe/Amsterdam')"),
        );
    }
    if let Some(before) = before {
        query = query.filter(audit_events::id.lt(before));
    }
    let rows: Vec<EventRow> = query
        .order(audit_events::id.desc())
        .limit(limit + 1)
        .select((
            audit_events::id,
            audit_events::entity,
            audit_events::entity_id,
            audit_events::action,
            audit_events::actor,
            audit_events::at,
            audit_events::before,
            audit_events::after,
        ))
        .load(conn)
        .await?;
    Ok(actors::attach(conn, org, rows, |r| r.actor.as_deref())
        .await?
        .into_iter()
        .map(|(row, actor)| AuditEvent {
            id: row.id,
            at: row.at,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            actor,
            before: row.before,
            after: row.after,
        })
        .collect())
}
