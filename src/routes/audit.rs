//! The organisation-wide audit trail.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::Query;
use super::{id_cursor, json_ok, newest_first_page};
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::Permission;
use crate::domain::audit::AuditEntity;
use crate::error::{ApiError, FieldError};
use crate::models::Page;
use crate::models::audit::{self, AuditEvent, AuditFilter};

/// Which audit events to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListAuditQuery {
    /// Only events about this kind of thing.
    pub entity: Option<AuditEntity>,
    /// Only events on or after this day (Dutch time).
    pub from: Option<NaiveDate>,
    /// Only events on or before this day (Dutch time).
    pub to: Option<NaiveDate>,
    /// How many events to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the newest events.
    #[param(max_length = 200)]
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
    principal: Principal,
    Query(query): Query<ListAuditQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require(Permission::ReadAudit)?;
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
        .tenant(org, move |conn| {
            Box::pin(async move {
                Ok::<_, ApiError>(audit::list(conn, org, &filter, limit, before).await?)
            })
        })
        .await?;
    let page = Page::from_rows(items, limit, |e| e.id);
    Ok(json_ok(
        HttpResponse::Ok(),
        &AuditEventList {
            next_cursor: page.next.map(|id| id_cursor("audit", id)),
            items: page.items,
        },
    ))
}
