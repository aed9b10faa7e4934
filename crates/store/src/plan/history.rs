//! The plan's history, as written by the `plan_change_record` trigger.

use chrono::{DateTime, Utc};
use diesel::{ExpressionMethods, QueryDsl, Queryable};
use diesel_async::RunQueryDsl;

use crate::Conn;
use uuid::Uuid;

use crate::domain::{OrganisationId, ProjectId};
use crate::error::StoreResult;
use crate::models::actors;
use crate::schema::plan_changes;

#[derive(Debug, Queryable)]
struct ChangeRow {
    id: i64,
    entity: String,
    entity_id: Uuid,
    action: String,
    actor: Option<String>,
    changed_at: DateTime<Utc>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

/// One change to the plan, with who made it.
#[derive(Debug, Clone)]
pub struct PlanChange {
    pub id: i64,
    pub changed_at: DateTime<Utc>,
    pub entity: String,
    pub entity_id: Uuid,
    pub action: String,
    pub actor: Option<actors::ChangeActor>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A page of changes, newest first, before change id `before` when given.
pub async fn list(
    conn: &mut Conn,
    org: OrganisationId,
    project: ProjectId,
    limit: i64,
    before: Option<i64>,
) -> StoreResult<Vec<PlanChange>> {
    let mut query = plan_changes::table
        .filter(plan_changes::organisation_id.eq(org))
        .filter(plan_changes::project_id.eq(project))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(plan_changes::id.lt(before));
    }
    let rows: Vec<ChangeRow> = query
        .order(plan_changes::id.desc())
        .limit(limit + 1)
        .select((
            plan_changes::id,
            plan_changes::entity,
            plan_changes::entity_id,
            plan_changes::action,
            plan_changes::actor,
            plan_changes::changed_at,
            plan_changes::before,
            plan_changes::after,
        ))
        .load(conn)
        .await?;
    Ok(actors::attach(conn, org, rows, |r| r.actor.as_deref())
        .await?
        .into_iter()
        .map(|(row, actor)| PlanChange {
            id: row.id,
            changed_at: row.changed_at,
            entity: row.entity,
            entity_id: row.entity_id,
            action: row.action,
            actor,
            before: row.before.map(money_as_strings),
            after: row.after.map(money_as_strings),
        })
        .collect())
}

/// `to_jsonb` writes NUMERIC as JSON numbers; the API sends amounts as strings.
fn money_as_strings(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, money_as_strings(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(money_as_strings).collect())
        }
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            serde_json::Value::String(format!("{:.2}", n.as_f64().unwrap_or_default()))
        }
        other => other,
    }
}
