//! HTTP only: handlers, request and response types, OpenAPI annotations. Every handler
//! is registered with `.service(..)` through utoipa-actix-web, so the OpenAPI document
//! cannot miss a route.

pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod conditional;
pub mod docs;
pub mod exports;
pub mod extract;
pub mod figures;
pub mod funder_links;
pub mod health;
pub mod identity_providers;
pub mod merge_patch;
pub mod organisation;
pub mod parts;
pub mod plan;
pub mod projects;
pub mod reports;
pub mod users;
pub mod vocabularies;
pub mod webhooks;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder};
use chrono::DateTime;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, FieldError};
use crate::models::{Keyset, Precondition};

/// Registers every documented route.
///
/// A handler's path is relative to the scope it is registered in: `get_report`'s `""` is
/// `/api/v1/projects/{project_id}/quarterly-reports/{quarter}`. actix-web tries a
/// scope's routes in order, each with a pattern match (a regular expression when the
/// pattern has a parameter), and goes no further once a scope's prefix matches; so the
/// routes under a project are one scope, a report's one scope within it, and the busiest
/// come first. One flat list cost a report GET some 45 pattern matches, a fifth of the
/// instructions it took.
pub fn configure(cfg: &mut ServiceConfig) {
    let report = scope::scope("/quarterly-reports/{quarter}")
        .service(reports::get_report)
        .service(reports::put_report)
        .service(reports::patch_report)
        .service(reports::submit_report)
        .service(reports::accept_report)
        .service(reports::return_report)
        .service(reports::reopen_report)
        .service(reports::list_revisions)
        .service(reports::get_revision)
        .service(reports::list_events);
    let project = scope::scope("/projects/{project_id}")
        .service(projects::get_project)
        .service(projects::replace_project)
        .service(projects::update_project)
        .service(projects::delete_project)
        .service(report)
        .service(reports::list_quarters)
        .service(reports::get_progress)
        .service(plan::get_summary)
        .service(plan::get_plan)
        .service(plan::replace_plan)
        .service(plan::get_history)
        .service(crate::plan::PlanParts(parts::Parent::Project));
    cfg.service(health::live).service(health::ready).service(
        scope::scope("/api/v1")
            .service(project)
            .service(projects::list_projects)
            .service(reports::list_work)
            .service(projects::create_project)
            .service(figures::submit_figures)
            .service(auth::create_token)
            .service(organisation::get_organisation)
            .service(organisation::update_organisation)
            .service(vocabularies::get_vocabularies)
            .service(exports::quarterly_figures)
            .service(audit::list_audit_events)
            .service(users::get_current_user)
            .service(users::change_password)
            .service(users::list_users)
            .service(users::create_user)
            .service(users::get_user)
            .service(users::update_user)
            .service(users::delete_user)
            .service(api_tokens::list_api_tokens)
            .service(api_tokens::create_api_token)
            .service(api_tokens::get_api_token)
            .service(api_tokens::revoke_api_token)
            .service(identity_providers::list_identity_providers)
            .service(identity_providers::create_identity_provider)
            .service(identity_providers::get_identity_provider)
            .service(identity_providers::replace_identity_provider)
            .service(identity_providers::update_identity_provider)
            .service(identity_providers::delete_identity_provider)
            .service(webhooks::list_webhooks)
            .service(webhooks::create_webhook)
            .service(webhooks::get_webhook)
            .service(webhooks::replace_webhook)
            .service(webhooks::update_webhook)
            .service(webhooks::delete_webhook)
            .service(webhooks::rotate_webhook_secret)
            .service(webhooks::list_webhook_deliveries)
            .service(webhooks::redeliver_webhook)
            .service(webhooks::read_change_feed)
            .service(funder_links::list_funder_links)
            .service(funder_links::create_funder_link)
            .service(funder_links::get_funder_link)
            .service(funder_links::accept_funder_link)
            .service(funder_links::refuse_funder_link)
            .service(funder_links::end_funder_link)
            .service(crate::plan::PlanParts(parts::Parent::Organisation)),
    );
}

/// The ETag of a versioned resource.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// Starts a response that carries the resource's ETag.
pub fn with_etag(mut response: HttpResponseBuilder, version: i64) -> HttpResponseBuilder {
    response.insert_header((header::ETAG, etag(version)));
    response
}

/// The `If-Match` precondition every PUT, PATCH and DELETE needs: missing is 428, a
/// stale one is 412 (decided by the model function that holds the row lock).
pub struct IfMatch(pub Precondition);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(parse_if_match(req.headers().get(header::IF_MATCH)).map(IfMatch))
    }
}

pub(crate) fn parse_if_match(value: Option<&HeaderValue>) -> Result<Precondition, ApiError> {
    let Some(value) = value else {
        return Err(ApiError::PreconditionRequired(
            "This request needs an If-Match header with the ETag you last read (or *), so that it cannot overwrite a change you have not seen.".into(),
        ));
    };
    let invalid = || {
        ApiError::Validation(vec![FieldError::header(
            "If-Match",
            "must be * or a list of ETags as returned in the ETag header, e.g. \"3\"",
        )])
    };
    let text = value.to_str().map_err(|_| invalid())?.trim();
    if text == "*" {
        return Ok(Precondition::Any);
    }
    let mut versions = Vec::new();
    for tag in text.split(',') {
        let tag = tag.trim();
        // A weak tag never matches under If-Match's strong comparison (RFC 9110 13.1.1).
        if tag.starts_with("W/") {
            continue;
        }
        let inner = tag
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .ok_or_else(invalid)?;
        if let Ok(version) = inner.parse::<i64>() {
            versions.push(version);
        }
    }
    Ok(Precondition::OneOf(versions))
}

/// Turns a guarded write's outcome into the value or a 412.
pub fn fresh<T>(outcome: crate::models::Guarded<T>) -> Result<T, ApiError> {
    match outcome {
        crate::models::Guarded::Done(value) => Ok(value),
        crate::models::Guarded::Stale => Err(ApiError::PreconditionFailed(
            "The resource has changed since you read it: fetch it again, then retry with its new ETag.".into(),
        )),
    }
}

/// Paging parameters shared by every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// How many items to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(
        pattern = r"^[0-9]{1,16}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

/// Validated paging: a limit and where to start.
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<Keyset>,
}

impl PageParams {
    pub fn validate(&self) -> Result<PageRequest, FieldError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(FieldError::parameter("limit", "must be between 1 and 200"));
        }
        let after = match &self.cursor {
            None => None,
            Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
                FieldError::parameter("cursor", "is not a cursor returned by this list")
            })?),
        };
        Ok(PageRequest { limit, after })
    }
}

/// The limit of a list read newest first by an increasing id (histories, audit trails),
/// checked as on every list, and the id to read before (`cursor`, from [`id_cursor`]).
pub fn newest_first_page(
    limit: Option<i64>,
    cursor: Option<&str>,
    prefix: &str,
) -> Result<(i64, Option<i64>), ApiError> {
    let limit = PageParams {
        limit,
        cursor: None,
    }
    .validate()
    .map_err(|e| ApiError::Validation(vec![e]))?
    .limit;
    let before = match cursor {
        None => None,
        Some(cursor) => Some(
            cursor
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(number)
                .ok_or_else(|| {
                    ApiError::Validation(vec![FieldError::parameter(
                        "cursor",
                        "is not a cursor returned by this list",
                    )])
                })?,
        ),
    };
    Ok((limit, before))
}

/// The cursor of a newest-first list: base64url of `prefix:id`.
pub fn id_cursor(prefix: &str, id: i64) -> String {
    format!("{prefix}.{id}")
}

// Cursors are plain text whose every form the schema's pattern names exactly, so any
// cursor a client writes to that pattern is a place in the list (a list has no holes
// a cursor could fall into): `micros.uuid` for a keyset, `prefix.id` for a list by id.

/// The pattern of a keyset list's cursor, as `encode_cursor` writes it (the derived
/// parameters spell it out; a test holds them to this).
pub const KEYSET_CURSOR: &str =
    r"^[0-9]{1,16}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

/// A cursor's number: 1 to 18 digits, so that it always fits an `i64`.
pub(crate) fn number(digits: &str) -> Option<i64> {
    if (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// The next page of a keyset list starts after `key`: `micros.uuid`.
pub fn encode_cursor(key: &Keyset) -> String {
    format!(
        "{}.{}",
        key.created_at.timestamp_micros(),
        key.id.hyphenated()
    )
}

fn decode_cursor(cursor: &str) -> Option<Keyset> {
    let (micros, id) = cursor.split_once('.')?;
    // The uuid exactly as written by `encode_cursor` (lowercase, hyphenated).
    let shaped = id.len() == 36
        && id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_digit() || ('a'..='f').contains(&c),
        });
    if micros.len() > 16 || !shaped {
        return None;
    }
    Some(Keyset {
        created_at: DateTime::from_timestamp_micros(number(micros)?)?,
        id: id.parse().ok()?,
    })
}

/// A JSON response with `Cache-Control: no-store`: API data is per caller.
pub fn json_ok<T: serde::Serialize>(mut response: HttpResponseBuilder, body: &T) -> HttpResponse {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keyset_cursor_is_what_its_pattern_says() {
        let pattern = regex::Regex::new(KEYSET_CURSOR).unwrap();
        let key = Keyset {
            created_at: DateTime::from_timestamp_micros(1_767_225_600_123_456).unwrap(),
            id: "0198C2A4-7D1E-7C3B-9A51-3F0E2B6D8C41".parse().unwrap(),
        };
        let cursor = encode_cursor(&key);
        assert_eq!(
            cursor,
            "1767225600123456.0198c2a4-7d1e-7c3b-9a51-3f0e2b6d8c41"
        );
        assert!(pattern.is_match(&cursor));
        let back = decode_cursor(&cursor).unwrap();
        assert_eq!((back.created_at, back.id), (key.created_at, key.id));
        // Any cursor written to the pattern is a place in a list; nothing else is one.
        for written in [
            "0.00000000-0000-0000-0000-000000000000",
            "9999999999999999.ffffffff-ffff-ffff-ffff-ffffffffffff",
        ] {
            assert!(
                pattern.is_match(written) && decode_cursor(written).is_some(),
                "{written}"
            );
        }
        for stranger in [
            "1767225600123456.0198C2A4-7D1E-7C3B-9A51-3F0E2B6D8C41",
            "1767225600123456.0198c2a47d1e7c3b9a513f0e2b6d8c41",
            "17672256001234567.0198c2a4-7d1e-7c3b-9a51-3f0e2b6d8c41",
            "-1.0198c2a4-7d1e-7c3b-9a51-3f0e2b6d8c41",
            "MTc2NzIyNTYwMDEyMzQ1NjowMTk4",
            "",
        ] {
            assert!(
                !pattern.is_match(stranger) && decode_cursor(stranger).is_none(),
                "{stranger}"
            );
        }
        assert_eq!(id_cursor("audit", 12), "audit.12");
        assert_eq!(number("123456789012345678"), Some(123_456_789_012_345_678));
        assert_eq!(number("1234567890123456789"), None);
        assert_eq!(number("+1"), None);
    }

    #[test]
    fn if_match_forms() {
        let parse = |v: &str| parse_if_match(Some(&HeaderValue::from_str(v).unwrap()));
        assert_eq!(parse("*").unwrap(), Precondition::Any);
        assert_eq!(
            parse("\"3\", \"4\"").unwrap(),
            Precondition::OneOf(vec![3, 4])
        );
        assert_eq!(parse("W/\"3\"").unwrap(), Precondition::OneOf(vec![]));
        assert_eq!(parse_if_match(None).unwrap_err().problem().status, 428);
        assert_eq!(parse("3").unwrap_err().problem().status, 422);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let key = Keyset {
            created_at: DateTime::from_timestamp_micros(1_790_000_000_123_456).unwrap(),
            id: uuid::Uuid::now_v7(),
        };
        let params = PageParams {
            limit: Some(10),
            cursor: Some(encode_cursor(&key)),
        };
        assert_eq!(params.validate().ok().unwrap().after, Some(key));
        let bad = PageParams {
            limit: None,
            cursor: Some("nope".into()),
        };
        assert!(bad.validate().is_err());
        assert!(
            PageParams {
                limit: Some(0),
                cursor: None
            }
            .validate()
            .is_err()
        );
    }
}
