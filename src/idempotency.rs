//! Idempotent retries over HTTP (zero-to-production's `src/idempotency/`, split along our
//! layers): the key is a domain type, its stored answers live in the store, and this
//! module reads the header, fingerprints the request and writes the replayed answer.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use sha2::{Digest, Sha256};

use crate::domain::idempotency::IdempotencyKey;
use crate::error::{ApiError, FieldError};

pub use crate::db::idempotency::{Claim, claim, save};

const HEADER: &str = "Idempotency-Key";

/// The request's `Idempotency-Key`, if it sent one; a malformed one is a 422 naming the
/// header.
pub fn key(req: &HttpRequest) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let parsed = value
        .to_str()
        .map_err(|_| "must be 1 to 200 visible ASCII characters, e.g. a UUID")
        .and_then(IdempotencyKey::parse);
    parsed
        .map(Some)
        .map_err(|message| ApiError::Validation(vec![FieldError::header(HEADER, message)]))
}

/// What makes two requests the same request: the SHA-256 of everything that shapes the
/// answer, in order. Callers separate parts that could run together.
pub fn fingerprint(parts: &[&[u8]]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().to_vec()
}

/// The answer of a request, first or replayed: the same headers around the same bytes.
pub fn answer(mut response: HttpResponseBuilder, body: Vec<u8>) -> HttpResponse {
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(header::ContentType::json())
        .body(body)
}

/// A stored answer given again, marked `Idempotent-Replayed: true`.
pub fn replayed(status: u16, body: Vec<u8>) -> HttpResponse {
    let mut response = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK));
    response.insert_header(("Idempotent-Replayed", "true"));
    answer(response, body)
}

/// The key was used before for a different request.
pub fn reused() -> ApiError {
    ApiError::Validation(vec![FieldError::header(
        HEADER,
        "was already used for a different request; use a new key",
    )])
}
