//! Webhook endpoints, their delivery logs, and the change feed: what integrations hear of
//! the account's events, pushed (Standard Webhooks 1.0) or polled.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Query};
use super::merge_patch::{MergePatch, apply};
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::Principal;
use crate::auth::permit::{Allowed, ManageOrganisation, Permitted, ReadReports};
use crate::db::Db;
use crate::domain::event::EventType;
use crate::domain::validation::{Errors, FieldError};
use crate::domain::{WebhookEndpointId, text};
use crate::error::ApiError;
use crate::models::Precondition;
use crate::models::webhook::{self as model, Endpoint, EndpointSettings};
use crate::outbound::{self, Outbound};

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_HOURS: i64 = 24;

fn yes() -> bool {
    true
}

/// A webhook endpoint as an admin sets it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Where events are POSTed: `https://…` (plain http only to an internal address,
    /// where the configuration allows those). Redirects to another host are not followed.
    #[schema(
        example = "https://intranet.example.nl/hooks/mantelmonitor",
        min_length = 8,
        max_length = 2000
    )]
    pub url: String,
    /// What it is for, 1 to 200 characters.
    #[schema(
        example = "Intranet: meldingen voor coördinatoren",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub description: Option<String>,
    /// Documented in [`event_list`] (`schema_with` replaces this comment).
    #[schema(schema_with = event_list)]
    pub events: Vec<EventType>,
    /// Whether events are sent. Switching an endpoint on again (after the service switched
    /// it off for failing) clears the reason.
    #[serde(default = "yes")]
    pub active: bool,
}

fn event_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("EventType"))
        .min_items(Some(1))
        .max_items(Some(EventType::ALL.len()))
        .unique_items(true)
        .description(Some("The events it receives, each once."))
        .build()
}

/// What a webhook endpoint's PATCH may hold.
pub type WebhookPatch = MergePatch<WebhookInput>;

/// A webhook endpoint: its settings as `WebhookInput` describes them, and how its
/// deliveries go. Its secret is shown only when made or rotated.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: WebhookEndpointId,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<EventType>,
    pub active: bool,
    /// Why the service switched it off, when it did (every delivery failing for days).
    pub disabled_reason: Option<String>,
    /// Since when every delivery has failed; `null` while deliveries succeed.
    pub failing_since: Option<DateTime<Utc>>,
    /// Until when the secret before the last rotation still signs beside the new one.
    pub previous_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A webhook endpoint with its signing secret: store it now, it is not shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub endpoint: WebhookResponse,
    /// `whsec_…`: verify `webhook-signature` with it (Standard Webhooks).
    pub secret: String,
}

/// One page of webhook endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn input_of(e: &Endpoint) -> WebhookInput {
    WebhookInput {
        url: e.url.clone(),
        description: e.description.clone(),
        events: e.events.iter().filter_map(|t| t.parse().ok()).collect(),
        active: e.active,
    }
}

fn response_of(e: Endpoint) -> WebhookResponse {
    let now = Utc::now();
    let settings = input_of(&e);
    WebhookResponse {
        id: e.id,
        url: settings.url,
        description: settings.description,
        events: settings.events,
        active: settings.active,
        disabled_reason: e.disabled_reason,
        failing_since: e.failing_since,
        previous_secret_until: e
            .previous_until
            .filter(|until| *until > now && e.previous_secret.is_some()),
        created_at: e.created_at,
        updated_at: e.updated_at,
    }
}

fn check(input: WebhookInput, reach: outbound::Reach) -> Result<EndpointSettings, ApiError> {
    let mut errors = Errors::default();
    let url = input.url.trim().to_string();
    if url.chars().count() > 2000 {
        errors.check::<()>("/url", Err("must be at most 2000 characters".into()));
    } else {
        errors.check("/url", outbound::check(&url, reach).map(|_| ()));
    }
    let description = match &input.description {
        Some(d) => errors.check("/description", text::bounded(d, 1, 200)),
        None => None,
    };
    if input.events.is_empty() {
        errors.check::<()>("/events", Err("must name at least one event".into()));
    }
    for (i, event) in input.events.iter().enumerate() {
        if input.events[..i].contains(event) {
            errors.check::<()>(
                &format!("/events/{i}"),
                Err(format!("names {event} a second time")),
            );
        }
    }
    errors.finish()?;
    Ok(EndpointSettings {
        url,
        description,
        events: input.events.iter().map(|e| e.to_string()).collect(),
        active: input.active,
    })
}

fn with_secret(endpoint: Endpoint, status: actix_web::http::StatusCode) -> HttpResponse {
    let version = endpoint.version;
    let (id, secret) = (endpoint.id, endpoint.secret.clone());
    let mut builder = with_etag(HttpResponse::build(status), version);
    builder.insert_header((header::LOCATION, format!("/api/v1/webhooks/{id}")));
    json_ok(
        builder,
        &WebhookWithSecret {
            endpoint: response_of(endpoint),
            secret,
        },
    )
}

fn endpoint_ok(endpoint: Endpoint) -> HttpResponse {
    let version = endpoint.version;
    json_ok(
        with_etag(HttpResponse::Ok(), version),
        &response_of(endpoint),
    )
}

/// The endpoint, or 404 when the account has none of that id (other faults as they are).
fn found<T>(result: Result<T, crate::db::QueryError>) -> Result<T, ApiError> {
    result.map_err(|e| match e {
        crate::db::QueryError::NotFound => {
            ApiError::NotFound("There is no such webhook endpoint.".into())
        }
        other => other.into(),
    })
}

/// List webhook endpoints
///
/// Admins only. Oldest first.
#[utoipa::path(tag = "webhooks", params(PageParams), responses((status = 200, description = "One page of endpoints.", body = WebhookList)))]
#[get("/webhooks")]
pub async fn list_webhooks(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    Query(params): Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let page = params
        .validate()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::list(conn, org, page.limit, page.after).await?)
        })
        .await?;
    Ok(json_ok(
        HttpResponse::Ok(),
        &WebhookList {
            next_cursor: found.next.as_ref().map(encode_cursor),
            items: found.items.into_iter().map(response_of).collect(),
        },
    ))
}

/// Add a webhook endpoint
///
/// Admins only. From now on the events it names are POSTed to it, signed with the
/// secret in this response (shown only now), retried with back-off for up to three days.
#[utoipa::path(
    tag = "webhooks",
    request_body = WebhookInput,
    responses((status = 201, description = "Added.", body = WebhookWithSecret, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    Permitted(principal, Json(input)): Permitted<ManageOrganisation, Json<WebhookInput>>,
) -> Result<HttpResponse, ApiError> {
    let settings = check(input, outbound.reach())?;
    let org = principal.organisation_id;
    let id = WebhookEndpointId::generate();
    let secret = crate::webhooks::new_secret();
    let created = db
        .acting(principal.acting(), async move |conn| {
            Ok::<_, ApiError>(model::create(conn, id, org, &settings, &secret).await?)
        })
        .await?;
    Ok(with_secret(created, actix_web::http::StatusCode::CREATED))
}

/// Get a webhook endpoint
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "The endpoint, without its secret.", body = WebhookResponse, headers(("ETag" = String))))
)]
#[get("/webhooks/{webhook_id}")]
pub async fn get_webhook(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<WebhookEndpointId>,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    let found = db
        .tenant(org, async move |conn| {
            found(model::find(conn, org, id).await)
        })
        .await?;
    Ok(endpoint_ok(found))
}

enum Change {
    Replace(Box<WebhookInput>),
    Patch(serde_json::Value),
}

async fn write(
    db: web::Data<Db>,
    reach: outbound::Reach,
    principal: Principal,
    id: WebhookEndpointId,
    expected: Precondition,
    change: Change,
) -> Result<HttpResponse, ApiError> {
    let org = principal.organisation_id;
    let updated = db
        .acting(principal.acting(), async move |conn| {
            let current = found(model::find(conn, org, id).await)?;
            let input = match change {
                Change::Replace(input) => *input,
                Change::Patch(patch) => apply(&input_of(&current), patch)?,
            };
            let settings = check(input, reach)?;
            fresh(model::update(conn, org, id, &expected, &settings).await?)
        })
        .await?;
    Ok(endpoint_ok(updated))
}

/// Replace a webhook endpoint's settings
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id.")),
    request_body = WebhookInput,
    responses((status = 200, description = "Replaced.", body = WebhookResponse, headers(("ETag" = String))))
)]
#[put("/webhooks/{webhook_id}")]
pub async fn replace_webhook(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    Permitted(principal, Json(input)): Permitted<ManageOrganisation, Json<WebhookInput>>,
    path: web::Path<WebhookEndpointId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let change = Change::Replace(Box::new(input));
    write(
        db,
        outbound.reach(),
        principal.into_inner(),
        path.into_inner(),
        expected,
        change,
    )
    .await
}

/// Change a webhook endpoint's settings
///
/// A JSON merge patch, checked as a whole as a PUT would be.
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id.")),
    request_body(content(
        (WebhookPatch = "application/merge-patch+json"),
        (WebhookPatch = "application/json"),
    )),
    responses((status = 200, description = "Changed.", body = WebhookResponse, headers(("ETag" = String))))
)]
#[patch("/webhooks/{webhook_id}")]
pub async fn update_webhook(
    db: web::Data<Db>,
    outbound: web::Data<Outbound>,
    Permitted(principal, Json(patch)): Permitted<ManageOrganisation, Json<serde_json::Value>>,
    path: web::Path<WebhookEndpointId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let change = Change::Patch(patch);
    write(
        db,
        outbound.reach(),
        principal.into_inner(),
        path.into_inner(),
        expected,
        change,
    )
    .await
}

/// Remove a webhook endpoint
///
/// Nothing more is sent to it; its delivery log goes with it.
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id.")),
    responses((status = 204, description = "Removed."))
)]
#[delete("/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<WebhookEndpointId>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let (org, id) = (principal.organisation_id, path.into_inner());
    db.acting(principal.acting(), async move |conn| {
        fresh(model::delete(conn, org, id, &expected).await?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook endpoint's secret
///
/// A new secret, shown in this response only. For 24 hours the previous one signs
/// beside it (two `v1,` signatures), so a receiver can switch without losing an event.
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id.")),
    responses((status = 200, description = "Rotated: the new secret.", body = WebhookWithSecret, headers(("ETag" = String))))
)]
#[post("/webhooks/{webhook_id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<WebhookEndpointId>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let expected = match req.headers().get(header::IF_MATCH) {
        Some(value) => super::parse_if_match(Some(value))?,
        None => Precondition::Any,
    };
    let (org, id) = (principal.organisation_id, path.into_inner());
    let secret = crate::webhooks::new_secret();
    let until = Utc::now() + Duration::hours(ROTATION_OVERLAP_HOURS);
    let rotated = db
        .acting(principal.acting(), async move |conn| {
            found(model::find(conn, org, id).await)?;
            fresh(model::rotate(conn, org, id, &expected, &secret, until).await?)
        })
        .await?;
    Ok(with_secret(rotated, actix_web::http::StatusCode::OK))
}

/// One attempt to deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptResponse {
    pub at: DateTime<Utc>,
    /// The receiver's status code; `null` when it gave none (unreachable, too slow).
    pub status_code: Option<i32>,
    /// What went wrong; `null` for a 2xx.
    pub error: Option<String>,
    pub duration_ms: i32,
}

/// An event's delivery to the endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub id: i64,
    /// The event's id: the `webhook-id` it was sent with, without `msg_`.
    pub event_id: uuid::Uuid,
    pub event_type: EventType,
    /// `pending` (to be tried, at `next_attempt_at`), `delivered`, or `failed` (given up
    /// after three days).
    #[schema(example = "delivered")]
    pub state: String,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Every attempt, oldest first.
    pub attempts: Vec<AttemptResponse>,
}

/// One page of an endpoint's deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryResponse>,
    /// Pass as `cursor` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Paging of an endpoint's deliveries, newest first.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryPageParams {
    /// How many deliveries to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the newest deliveries.
    #[param(pattern = r"^delivery\.[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// List an endpoint's deliveries
///
/// Admins only. Newest first, each with its attempts: when, the status code, how long.
#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id."), DeliveryPageParams),
    responses((status = 200, description = "One page of deliveries.", body = DeliveryList))
)]
#[get("/webhooks/{webhook_id}/deliveries")]
pub async fn list_webhook_deliveries(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<WebhookEndpointId>,
    Query(params): Query<DeliveryPageParams>,
) -> Result<HttpResponse, ApiError> {
    let (limit, before) =
        super::newest_first_page(params.limit, params.cursor.as_deref(), "delivery")?;
    let (org, id) = (principal.organisation_id, path.into_inner());
    let rows = db
        .tenant(org, async move |conn| {
            found(model::find(conn, org, id).await)?;
            Ok::<_, ApiError>(model::deliveries(conn, org, id, limit + 1, before).await?)
        })
        .await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<DeliveryResponse> = rows
        .into_iter()
        .take(limit as usize)
        .map(|(d, e, attempts)| DeliveryResponse {
            id: d.id,
            event_id: e.uid,
            event_type: e.kind.parse().unwrap_or(EventType::PlanChanged),
            next_attempt_at: (d.state == "pending").then_some(d.next_attempt_at),
            state: d.state,
            delivered_at: d.delivered_at,
            created_at: d.created_at,
            attempts: attempts
                .into_iter()
                .map(|a| AttemptResponse {
                    at: a.at,
                    status_code: a.status_code,
                    error: a.error,
                    duration_ms: a.duration_ms,
                })
                .collect(),
        })
        .collect();
    let next_cursor = more
        .then(|| items.last().map(|d| super::id_cursor("delivery", d.id)))
        .flatten();
    Ok(json_ok(
        HttpResponse::Ok(),
        &DeliveryList { items, next_cursor },
    ))
}

/// Send a delivery again
///
/// Admins only. The delivery goes out again as soon as the worker comes by (within a
/// second or so), whatever its state; the attempts so far stay in its log.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("webhook_id" = uuid::Uuid, Path, description = "The endpoint's id."),
        ("delivery_id" = i64, Path, description = "The delivery's id.", minimum = 1, maximum = 9223372036854775807_i64)
    ),
    responses((status = 202, description = "Queued."))
)]
#[post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook(
    db: web::Data<Db>,
    principal: Allowed<ManageOrganisation>,
    path: web::Path<(WebhookEndpointId, i64)>,
) -> Result<HttpResponse, ApiError> {
    let org = principal.organisation_id;
    let (id, delivery) = path.into_inner();
    let found = db
        .acting(principal.acting(), async move |conn| {
            Ok::<_, ApiError>(model::redeliver(conn, org, id, delivery).await?)
        })
        .await?;
    if !found {
        return Err(ApiError::NotFound(
            "There is no such delivery of this endpoint.".into(),
        ));
    }
    Ok(HttpResponse::Accepted().finish())
}

/// Where to read the change feed from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    /// The `next_cursor` of the previous page; omit to read from the first event.
    #[param(pattern = r"^[0-9]{1,18}\.[0-9]{1,18}$")]
    pub after: Option<String>,
    /// How many events to return, 1 to 500.
    #[param(minimum = 1, maximum = 500, default = 100)]
    pub limit: Option<i64>,
}

/// An event of the account.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResponse {
    /// The event's id (also the `webhook-id` of its deliveries, with `msg_`).
    pub id: uuid::Uuid,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub occurred_at: DateTime<Utc>,
    /// What it is about: `project_id` and, for reports, `quarter`, `report_id`,
    /// `revision`, `from_state`, `to_state`, `reason`, `actor`; for fund applications
    /// `fund_application_id`, `from_status`, `to_status`; for funder links
    /// `funder_link_id`, `state`, `ended_by`.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// Events in commit order, and where to go on from.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<EventResponse>,
    /// Pass as `after` to read on: always given, also when nothing new came (then it is
    /// the cursor passed). It stays valid as long as the events are kept (at least 30
    /// days; this service keeps them all).
    pub next_cursor: String,
}

/// `txid.id`: where the feed was read up to (any such pair is a place in the feed).
fn feed_cursor(at: model::FeedCursor) -> String {
    format!("{}.{}", at.0, at.1)
}

fn parse_feed_cursor(raw: &str) -> Option<model::FeedCursor> {
    let (txid, id) = raw.split_once('.')?;
    Some((super::number(txid)?, super::number(id)?))
}

/// Read the change feed
///
/// The account's events (the webhooks' events) in the order their changes were
/// committed, for integrations that poll: pass each answer's `next_cursor` as `after`
/// next time, and no event is missed or repeated. Needs `reports:read`.
#[utoipa::path(tag = "webhooks", params(FeedParams), responses((status = 200, description = "The next events.", body = EventPage)))]
#[get("/events")]
pub async fn read_change_feed(
    db: web::Data<Db>,
    principal: Allowed<ReadReports>,
    Query(params): Query<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = params.limit.unwrap_or(100);
    let mut problems = Vec::new();
    if !(1..=500).contains(&limit) {
        problems.push(FieldError::parameter("limit", "must be between 1 and 500"));
    }
    let after = match params.after.as_deref() {
        None => None,
        Some(raw) => match parse_feed_cursor(raw) {
            Some(at) => Some(at),
            None => {
                problems.push(FieldError::parameter(
                    "after",
                    "is not a cursor this feed gave",
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(ApiError::Validation(problems));
    }
    let org = principal.organisation_id;
    let events = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(model::feed(conn, org, after, limit).await?)
        })
        .await?;
    let next = events
        .last()
        .map(|e| (e.txid, e.id))
        .or(after)
        .unwrap_or((0, 0));
    let items = events
        .into_iter()
        .filter_map(|e| {
            Some(EventResponse {
                id: e.uid,
                event_type: e.kind.parse().ok()?,
                occurred_at: e.occurred_at,
                data: e.data.0,
            })
        })
        .collect();
    Ok(json_ok(
        HttpResponse::Ok(),
        &EventPage {
            items,
            next_cursor: feed_cursor(next),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_cursors_round_trip_and_strangers_are_refused() {
        assert_eq!(parse_feed_cursor(&feed_cursor((812, 44))), Some((812, 44)));
        assert_eq!(feed_cursor((812, 44)), "812.44");
        for stranger in [
            "bm9uc2Vuc2U",
            "%%%",
            "812",
            "812.",
            ".44",
            "-1.4",
            "1.1234567890123456789",
        ] {
            assert_eq!(parse_feed_cursor(stranger), None, "{stranger}");
        }
    }
}
