//! The organisation-wide audit trail.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::Query;
use super::{id_cursor, json_ok, newest_first_page};
use crate::auth::permit::{Allowed, ReadAudit};
use crate::db::Db;
use crate::domain::audit::AuditEntity;
use crate::error::{ApiError, FieldError};
use crate::models::Page;
use crate::models::actors;
use crate::models::audit::{self, AuditFilter};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Who made a change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeActor {
    /// `user` or `api_token`.
    #[schema(example = "user")]
    pub kind: String,
    pub id: Uuid,
    /// The user's name or the token's name; `null` once deleted.
    pub name: Option<String>,
}

impl From<actors::ChangeActor> for ChangeActor {
    fn from(actor: actors::ChangeActor) -> Self {
        let actors::ChangeActor { kind, id, name } = actor;
        ChangeActor { kind, id, name }
    }
}

/// One change to the organisation's users, API tokens, partner register, settings, or a
/// project's deletion.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEvent {
    /// Increases with every event.
    pub id: i64,
    pub at: DateTime<Utc>,
    pub entity: AuditEntity,
    pub entity_id: Uuid,
    /// `created`, `updated`, `revoked` (an API token) or `deleted`.
    #[schema(example = "updated")]
    pub action: String,
    /// `null` for changes made outside a request (the CLI).
    pub actor: Option<ChangeActor>,
    /// The changed fields before; `null` when created. Secrets appear only as
    /// `{"redacted": true}`, contact persons only as their count.
    #[schema(value_type = Option<Object>, example = json!({"role": "coordinator"}))]
    pub before: Option<serde_json::Value>,
    /// The changed fields after; `null` when deleted.
    #[schema(value_type = Option<Object>, example = json!({"role": "admin"}))]
    pub after: Option<serde_json::Value>,
}

impl From<audit::AuditEvent> for AuditEvent {
    fn from(event: audit::AuditEvent) -> Self {
        AuditEvent {
            id: event.id,
            at: event.at,
            entity: event.entity,
            entity_id: event.entity_id,
            action: event.action,
            actor: event.actor.map(Into::into),
            before: event.before,
            after: event.after,
        }
    }
}

/// Which audit events to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAuditQuery {
    /// Only events about this kind of thing.
    pub entity: Option<AuditEntity>,
    /// Only events on or after this day (Dutch time).
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub from: Option<NaiveDate>,
    /// Only events on or before this day (Dutch time).
    #[serde(default, deserialize_with = "crate::domain::project::strict_date_opt")]
    pub to: Option<NaiveDate>,
    /// How many events to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the newest events.
    #[param(pattern = r"^audit\.[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// One page of the audit trail, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventList {
    pub items: Vec<AuditEvent>,
    /// Pass as `cursor` for older events; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// List the audit trail
///
/// Admins. Every change to the organisation's users (created, name, email, role,
/// active, deleted; a password change shows as a redacted field), API tokens (created,
/// revoked, deleted), partner register and settings, and every project deletion, newest
/// first: when, by whom, and the changed fields before and after. Secrets never appear,
/// and contact persons only as their number. Nothing in it can be changed or removed.
#[utoipa::path(
    tag = "organisation",
    params(ListAuditQuery),
    responses((status = 200, description = "One page of events.", body = AuditEventList))
)]
#[get("/audit")]
pub async fn list_audit_events(
    db: web::Data<Db>,
    principal: Allowed<ReadAudit>,
    Query(query): Query<ListAuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let (limit, before) = newest_first_page(query.limit, query.cursor.as_deref(), "audit")?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(ApiError::Validation(vec![FieldError::parameter(
            "to",
            "must not be before from",
        )]));
    }
    let filter = AuditFilter {
        entity: query.entity,
        from: query.from,
        to: query.to,
    };
    let org = principal.organisation_id;
    let items = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(audit::list(conn, org, &filter, limit, before).await?)
        })
        .await?;
    let page = Page::from_rows(items, limit, |e| e.id);
    Ok(json_ok(
        HttpResponse::Ok(),
        &AuditEventList {
            next_cursor: page.next.map(|id| id_cursor("audit", id)),
            items: page.items.into_iter().map(Into::into).collect(),
        },
    ))
}
