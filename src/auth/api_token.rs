//! API token secrets: `mm_` followed by base64url(16-byte token id ‖ 32-byte secret).
//! The id finds the row; the secret is checked against its SHA-256 in constant time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::ApiTokenId;

pub const PREFIX: &str = "mm_";

/// How long new API tokens live: `default` when the request names no expiry, at most
/// `max` (`MANTELMONITOR_API_TOKEN_DEFAULT_DAYS`, `MANTELMONITOR_API_TOKEN_MAX_DAYS`).
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub default_days: u32,
    pub max_days: u32,
}

/// A freshly made token: the string shown once to the client, and what we store.
pub struct IssuedSecret {
    pub token: String,
    pub secret_hash: Vec<u8>,
}

pub fn issue(id: ApiTokenId) -> IssuedSecret {
    let secret = super::random_bytes::<32>();
    let mut raw = Vec::with_capacity(48);
    raw.extend_from_slice(id.as_uuid().as_bytes());
    raw.extend_from_slice(&secret);
    IssuedSecret {
        token: format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(raw)),
        secret_hash: digest(&secret),
    }
}

/// Splits a presented token into its id and secret; `None` when it is not one of ours.
pub fn parse(token: &str) -> Option<(ApiTokenId, [u8; 32])> {
    let raw = URL_SAFE_NO_PAD.decode(token.strip_prefix(PREFIX)?).ok()?;
    if raw.len() != 48 {
        return None;
    }
    let id = uuid::Uuid::from_slice(&raw[..16]).ok()?;
    let secret: [u8; 32] = raw[16..].try_into().ok()?;
    Some((ApiTokenId::from_uuid(id), secret))
}

pub fn digest(secret: &[u8]) -> Vec<u8> {
    Sha256::digest(secret).to_vec()
}

/// Constant-time comparison of a presented secret with the stored hash.
pub fn matches(secret: &[u8; 32], stored_hash: &[u8]) -> bool {
    digest(secret).ct_eq(stored_hash).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_parse_back_and_match_only_their_hash() {
        let id = ApiTokenId::generate();
        let issued = issue(id);
        assert!(issued.token.starts_with("mm_"));
        let (parsed_id, secret) = parse(&issued.token).unwrap();
        assert_eq!(parsed_id, id);
        assert!(matches(&secret, &issued.secret_hash));
        assert!(!matches(&[0u8; 32], &issued.secret_hash));
        assert!(parse("mm_short").is_none());
        assert!(parse("eyJhbGciOi").is_none());
    }
}
