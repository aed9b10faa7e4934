//! Events (the outbox and the change feed), webhook endpoints, and their deliveries.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::{Guarded, Keyset, Page, Precondition, after_keyset};
use crate::Conn;
use crate::domain::{OrganisationId, WebhookEndpointId};
use crate::functions::app_events_horizon;
use crate::json::JsonDoc;
use crate::schema::{events, webhook_attempts, webhook_deliveries, webhook_endpoints};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg))]
pub struct Event {
    pub id: i64,
    pub uid: uuid::Uuid,
    pub organisation_id: OrganisationId,
    pub txid: i64,
    #[diesel(column_name = type_)]
    pub kind: String,
    pub subject: String,
    pub data: JsonDoc<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
}

/// A position in the feed: after the event of `txid` and `id`.
pub type FeedCursor = (i64, i64);

/// Up to `limit` events of `org` after `after`, in commit order, of transactions that no
/// longer run (so none can appear behind the last one read).
pub async fn feed(
    conn: &mut Conn,
    org: OrganisationId,
    after: Option<FeedCursor>,
    limit: i64,
) -> QueryResult<Vec<Event>> {
    let mut query = events::table
        .filter(events::organisation_id.eq(org))
        .filter(events::txid.lt(app_events_horizon()))
        .into_boxed();
    if let Some((txid, id)) = after {
        query = query.filter(
            events::txid
                .gt(txid)
                .or(events::txid.eq(txid).and(events::id.gt(id))),
        );
    }
    query
        .order((events::txid, events::id))
        .limit(limit)
        .select(Event::as_select())
        .load(conn)
        .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub struct Endpoint {
    pub id: WebhookEndpointId,
    pub organisation_id: OrganisationId,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub active: bool,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_until: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Endpoint {
    pub fn keyset(&self) -> Keyset {
        Keyset {
            created_at: self.created_at,
            id: self.id.as_uuid(),
        }
    }

    /// The secrets that sign now: the current one, and the previous one during the
    /// overlap after a rotation.
    pub fn signing_secrets(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_until)
            && until > now
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// What an admin sets on an endpoint.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = webhook_endpoints, treat_none_as_null = true)]
pub struct EndpointSettings {
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<String>,
    pub active: bool,
}

pub async fn create(
    conn: &mut Conn,
    id: WebhookEndpointId,
    org: OrganisationId,
    settings: &EndpointSettings,
    secret: &str,
) -> QueryResult<Endpoint> {
    diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::id.eq(id),
            webhook_endpoints::organisation_id.eq(org),
            webhook_endpoints::url.eq(&settings.url),
            webhook_endpoints::description.eq(&settings.description),
            webhook_endpoints::events.eq(&settings.events),
            webhook_endpoints::active.eq(settings.active),
            webhook_endpoints::secret.eq(secret),
        ))
        .returning(Endpoint::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(
    conn: &mut Conn,
    org: OrganisationId,
    id: WebhookEndpointId,
) -> QueryResult<Endpoint> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organisation_id.eq(org))
        .filter(webhook_endpoints::id.eq(id))
        .select(Endpoint::as_select())
        .first(conn)
        .await
}

pub async fn list(
    conn: &mut Conn,
    org: OrganisationId,
    limit: i64,
    after: Option<Keyset>,
) -> QueryResult<Page<Endpoint>> {
    let query = webhook_endpoints::table
        .filter(webhook_endpoints::organisation_id.eq(org))
        .into_boxed();
    let rows = after_keyset!(query, webhook_endpoints, after)
        .order((webhook_endpoints::created_at, webhook_endpoints::id))
        .limit(limit + 1)
        .select(Endpoint::as_select())
        .load(conn)
        .await?;
    Ok(Page::from_rows(rows, limit, Endpoint::keyset))
}

async fn lock_version(
    conn: &mut Conn,
    org: OrganisationId,
    id: WebhookEndpointId,
) -> QueryResult<i64> {
    webhook_endpoints::table
        .filter(webhook_endpoints::organisation_id.eq(org))
        .filter(webhook_endpoints::id.eq(id))
        .select(webhook_endpoints::version)
        .for_update()
        .first(conn)
        .await
}

/// New settings; switching an endpoint on clears why it was switched off.
pub async fn update(
    conn: &mut Conn,
    org: OrganisationId,
    id: WebhookEndpointId,
    expected: &Precondition,
    settings: &EndpointSettings,
) -> QueryResult<Guarded<Endpoint>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    let target = webhook_endpoints::table
        .filter(webhook_endpoints::organisation_id.eq(org))
        .filter(webhook_endpoints::id.eq(id));
    let updated = if settings.active {
        diesel::update(target)
            .set((
                settings,
                webhook_endpoints::disabled_reason.eq(None::<String>),
                webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>),
                webhook_endpoints::version.eq(current + 1),
                webhook_endpoints::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)
            .await?
    } else {
        diesel::update(target)
            .set((
                settings,
                webhook_endpoints::version.eq(current + 1),
                webhook_endpoints::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Endpoint::as_returning())
            .get_result(conn)
            .await?
    };
    Ok(Guarded::Done(updated))
}

/// A new secret; the current one keeps signing beside it until `overlap_until`.
pub async fn rotate(
    conn: &mut Conn,
    org: OrganisationId,
    id: WebhookEndpointId,
    expected: &Precondition,
    secret: &str,
    overlap_until: DateTime<Utc>,
) -> QueryResult<Guarded<Endpoint>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    diesel::update(
        webhook_endpoints::table
            .filter(webhook_endpoints::organisation_id.eq(org))
            .filter(webhook_endpoints::id.eq(id)),
    )
    .set((
        webhook_endpoints::previous_secret.eq(webhook_endpoints::secret.nullable()),
        webhook_endpoints::previous_until.eq(overlap_until),
        webhook_endpoints::secret.eq(secret),
        webhook_endpoints::version.eq(current + 1),
        webhook_endpoints::updated_at.eq(diesel::dsl::now),
    ))
    .returning(Endpoint::as_returning())
    .get_result(conn)
    .await
    .map(Guarded::Done)
}

pub async fn delete(
    conn: &mut Conn,
    org: OrganisationId,
    id: WebhookEndpointId,
    expected: &Precondition,
) -> QueryResult<Guarded<()>> {
    let current = lock_version(conn, org, id).await?;
    if !expected.matches(current) {
        return Ok(Guarded::Stale);
    }
    diesel::delete(
        webhook_endpoints::table
            .filter(webhook_endpoints::organisation_id.eq(org))
            .filter(webhook_endpoints::id.eq(id)),
    )
    .execute(conn)
    .await?;
    Ok(Guarded::Done(()))
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
pub struct Delivery {
    pub id: i64,
    pub organisation_id: OrganisationId,
    pub endpoint_id: WebhookEndpointId,
    pub event_id: i64,
    pub subject: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts, check_for_backend(diesel::pg::Pg))]
pub struct Attempt {
    pub delivery_id: i64,
    pub at: DateTime<Utc>,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// An endpoint's deliveries, newest first (before `before`, an id), with their events
/// and attempts.
pub async fn deliveries(
    conn: &mut Conn,
    org: OrganisationId,
    endpoint: WebhookEndpointId,
    limit: i64,
    before: Option<i64>,
) -> QueryResult<Vec<(Delivery, Event, Vec<Attempt>)>> {
    let mut query = webhook_deliveries::table
        .inner_join(events::table)
        .filter(webhook_deliveries::organisation_id.eq(org))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before));
    }
    let rows: Vec<(Delivery, Event)> = query
        .order(webhook_deliveries::id.desc())
        .limit(limit)
        .select((Delivery::as_select(), Event::as_select()))
        .load(conn)
        .await?;
    let ids: Vec<i64> = rows.iter().map(|(d, _)| d.id).collect();
    let attempts: Vec<Attempt> = webhook_attempts::table
        .filter(webhook_attempts::organisation_id.eq(org))
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order(webhook_attempts::id)
        .select(Attempt::as_select())
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(d, e)| {
            let mine = attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .cloned()
                .collect();
            (d, e, mine)
        })
        .collect())
}

/// Sends a delivery again as soon as the worker comes by; `false` when it is not the
/// endpoint's.
pub async fn redeliver(
    conn: &mut Conn,
    org: OrganisationId,
    endpoint: WebhookEndpointId,
    delivery: i64,
) -> QueryResult<bool> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::organisation_id.eq(org))
            .filter(webhook_deliveries::endpoint_id.eq(endpoint))
            .filter(webhook_deliveries::id.eq(delivery)),
    )
    .set((
        webhook_deliveries::state.eq("pending"),
        webhook_deliveries::next_attempt_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await
    .map(|n| n == 1)
}

/// A delivery the worker sends: the delivery, its endpoint and its event.
pub struct Due {
    pub delivery: Delivery,
    pub endpoint: Endpoint,
    pub event: Event,
}

/// Claims up to `limit` due deliveries for `lease_seconds` (the system role): each the
/// oldest pending one of its endpoint and subject, so that every thing's events go out in
/// order, and none another process holds (`SKIP LOCKED`, then the lease).
pub async fn claim(conn: &mut Conn, limit: i64, lease_seconds: i32) -> QueryResult<Vec<Due>> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let claimed: Vec<Claimed> = diesel::sql_query(
        "UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $2) \
         WHERE id IN (\
           SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
           WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND e.active \
             AND NOT EXISTS (SELECT 1 FROM webhook_deliveries o WHERE o.endpoint_id = d.endpoint_id \
               AND o.subject = d.subject AND o.state = 'pending' AND o.event_id < d.event_id) \
           ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED) \
         RETURNING id",
    )
    .bind::<diesel::sql_types::BigInt, _>(limit)
    .bind::<diesel::sql_types::Integer, _>(lease_seconds)
    .load(conn)
    .await?;
    let ids: Vec<i64> = claimed.into_iter().map(|c| c.id).collect();
    let rows: Vec<(Delivery, Endpoint, Event)> = webhook_deliveries::table
        .inner_join(
            webhook_endpoints::table.on(webhook_endpoints::id.eq(webhook_deliveries::endpoint_id)),
        )
        .inner_join(events::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::id)
        .select((
            Delivery::as_select(),
            Endpoint::as_select(),
            Event::as_select(),
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(delivery, endpoint, event)| Due {
            delivery,
            endpoint,
            event,
        })
        .collect())
}

/// How an attempt went.
pub struct Outcome {
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    /// `None`: delivered. `Some(next)`: try again then. Either way with `give_up` set:
    /// failed for good.
    pub retry_at: Option<DateTime<Utc>>,
    pub give_up: bool,
    /// Switch the endpoint off, saying why.
    pub disable: Option<String>,
}

/// Records an attempt, the delivery's new state and the endpoint's (the system role).
pub async fn record(conn: &mut Conn, due: &Due, outcome: &Outcome) -> QueryResult<()> {
    let delivered = outcome.retry_at.is_none() && !outcome.give_up;
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::organisation_id.eq(due.delivery.organisation_id),
            webhook_attempts::delivery_id.eq(due.delivery.id),
            webhook_attempts::status_code.eq(outcome.status_code),
            webhook_attempts::error.eq(&outcome.error),
            webhook_attempts::duration_ms.eq(outcome.duration_ms),
        ))
        .execute(conn)
        .await?;
    let target = webhook_deliveries::table.filter(webhook_deliveries::id.eq(due.delivery.id));
    let state = if delivered {
        "delivered"
    } else if outcome.give_up {
        "failed"
    } else {
        "pending"
    };
    diesel::update(target)
        .set((
            webhook_deliveries::state.eq(state),
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::last_status.eq(outcome.status_code),
            webhook_deliveries::last_error.eq(&outcome.error),
            webhook_deliveries::next_attempt_at.eq(outcome.retry_at.unwrap_or_else(Utc::now)),
            webhook_deliveries::delivered_at.eq(delivered.then(Utc::now)),
        ))
        .execute(conn)
        .await?;
    let endpoint = webhook_endpoints::table.filter(webhook_endpoints::id.eq(due.endpoint.id));
    if delivered {
        diesel::update(endpoint.filter(webhook_endpoints::failing_since.is_not_null()))
            .set(webhook_endpoints::failing_since.eq(None::<DateTime<Utc>>))
            .execute(conn)
            .await?;
    } else {
        diesel::update(endpoint.filter(webhook_endpoints::failing_since.is_null()))
            .set(webhook_endpoints::failing_since.eq(diesel::dsl::now))
            .execute(conn)
            .await?;
        if let Some(reason) = &outcome.disable {
            diesel::update(endpoint)
                .set((
                    webhook_endpoints::active.eq(false),
                    webhook_endpoints::disabled_reason.eq(reason),
                    webhook_endpoints::version.eq(webhook_endpoints::version + 1),
                    webhook_endpoints::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// Records a quarter found overdue, once (the system role).
pub async fn emit_overdue(
    conn: &mut Conn,
    org: OrganisationId,
    project: crate::domain::ProjectId,
    quarter: &str,
    due_on: chrono::NaiveDate,
) -> QueryResult<()> {
    diesel::sql_query("SELECT app_emit($1, 'report.overdue', $2, $3, $4)::text")
        .bind::<diesel::sql_types::Uuid, _>(org.as_uuid())
        .bind::<diesel::sql_types::Text, _>(format!("quarter:{project}:{quarter}"))
        .bind::<diesel::sql_types::Jsonb, _>(serde_json::json!({
            "project_id": project, "quarter": quarter, "due_on": due_on,
        }))
        .bind::<diesel::sql_types::Text, _>(format!("report.overdue:{project}:{quarter}"))
        .execute(conn)
        .await
        .map(|_| ())
}
