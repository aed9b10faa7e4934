//! Conditional and header-only reads, for every GET: `HEAD` answers as `GET` does,
//! without the body; a JSON answer without a version of its own (a list, a summary,
//! progress) gets a weak ETag of its content; and `If-None-Match` naming the answer's
//! ETag (weakly compared, RFC 9110 section 13.1.2) is 304 Not Modified, without the body.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use sha2::{Digest, Sha256};

/// The most of a streamed JSON answer read back to give it a content ETag (answers
/// built in memory, every JSON answer today, are hashed as they are, whatever their
/// size).
const MAX_HASHED: usize = 64 * 1024 * 1024;

/// Whether an `If-None-Match` value names `etag` (or is `*`).
pub fn none_match(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    let etag = opaque(etag);
    if_none_match.trim() == "*" || if_none_match.split(',').any(|tag| opaque(tag) == etag)
}

/// A weak ETag of `body`.
pub fn content_etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("W/\"{hex}\"")
}

pub async fn conditional(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<BoxBody>>, actix_web::Error> {
    let head = req.method() == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    let read = req.method() == Method::GET;
    let condition = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let res = next.call(req).await?;
    if !read || res.status() != StatusCode::OK {
        let res = res.map_into_boxed_body();
        return Ok(if head {
            let status = res.status();
            without_body(res, status, false)
        } else {
            res.map_into_left_body()
        });
    }
    let json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let mut res = res.map_into_boxed_body();
    if json && !res.headers().contains_key(header::ETAG) {
        let (req, response) = res.into_parts();
        let (mut response, body) = response.into_parts();
        let bytes = match body.try_into_bytes() {
            Ok(bytes) => Some(bytes),
            Err(body) => actix_web::body::to_bytes_limited(body, MAX_HASHED)
                .await
                .ok()
                .and_then(Result::ok),
        };
        let Some(bytes) = bytes else {
            return Err(actix_web::error::ErrorInternalServerError(
                "a JSON answer could not be read back",
            ));
        };
        if let Ok(tag) = HeaderValue::from_str(&content_etag(&bytes)) {
            response.headers_mut().insert(header::ETAG, tag);
        }
        res = ServiceResponse::new(req, response.set_body(BoxBody::new(bytes)));
    }
    let etag = res
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let unchanged = matches!((&condition, &etag), (Some(c), Some(e)) if none_match(c, e));
    if unchanged {
        return Ok(without_body(res, StatusCode::NOT_MODIFIED, true));
    }
    if head {
        return Ok(without_body(res, StatusCode::OK, false));
    }
    Ok(res.map_into_left_body())
}

/// `res` as `status` with its headers and no body (a HEAD's answer, or a 304, which also
/// drops what describes the body it stands for).
fn without_body(
    res: ServiceResponse<BoxBody>,
    status: StatusCode,
    not_modified: bool,
) -> ServiceResponse<EitherBody<BoxBody>> {
    let (req, response) = res.into_parts();
    let mut headers = response.headers().clone();
    if not_modified {
        headers.remove(header::CONTENT_TYPE);
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::CONTENT_DISPOSITION);
    }
    let mut bodiless = actix_web::HttpResponse::with_body(status, ());
    *bodiless.headers_mut() = headers;
    let bodiless = bodiless.set_body(BoxBody::new(actix_web::body::None::new()));
    ServiceResponse::new(req, bodiless).map_into_right_body()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_compares_weakly_and_takes_lists_and_stars() {
        assert!(none_match("\"3\"", "\"3\""));
        assert!(none_match("W/\"3\"", "\"3\""));
        assert!(none_match("\"1\", \"3\"", "W/\"3\""));
        assert!(none_match("*", "\"7\""));
        assert!(!none_match("\"4\"", "\"3\""));
        assert!(!none_match("\"33\"", "\"3\""));
    }

    #[test]
    fn content_etags_are_weak_and_follow_the_content() {
        let a = content_etag(b"{\"items\":[]}");
        assert!(a.starts_with("W/\"") && a.len() == 28, "{a}");
        assert_eq!(a, content_etag(b"{\"items\":[]}"));
        assert_ne!(a, content_etag(b"{\"items\":[1]}"));
    }
}
