//! Access tokens: HS256 JWTs that we sign at login. Verification is pinned to our
//! algorithm, key, issuer and audience; `alg: none` or any other algorithm is refused.

use std::time::Duration;

use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::organisation::AccountKind;
use crate::domain::{OrganisationId, Role, UserId};

/// Seconds of clock skew tolerated on `exp` and `nbf`.
/// How far past `exp` (and before `nbf`) a token is still accepted, for clock skew.
pub(crate) const LEEWAY_SECONDS: u64 = 30;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    /// The account (an organisation or a funder account) the user belongs to.
    pub org: Uuid,
    /// The kind of that account (tokens issued before funder accounts existed lack it).
    #[serde(default = "organisation_kind")]
    pub knd: AccountKind,
    pub role: Role,
    /// The user's session version when issued; a newer one ends this token.
    pub sv: i32,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: Uuid,
}

fn organisation_kind() -> AccountKind {
    AccountKind::Organisation
}

/// Signing and verification keys with the pinned validation rules.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

/// Why a presented access token was refused; the text is safe to show the caller.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("the access token has expired; sign in again")]
    Expired,
    #[error("the access token is not valid yet")]
    NotYetValid,
    #[error("the access token was issued for another audience")]
    Audience,
    #[error("the access token was issued by another issuer")]
    Issuer,
    #[error("the access token's signature algorithm is not accepted")]
    Algorithm,
    #[error("the access token's signature is invalid")]
    Signature,
    #[error("the access token is malformed")]
    Malformed,
}

impl JwtKeys {
    pub fn new(secret: &[u8], issuer: &str, audience: &str, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_string(),
            audience: audience.to_string(),
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Signs an access token for a user of account `org`, of `kind`.
    pub fn issue(
        &self,
        user: UserId,
        (org, kind): (OrganisationId, AccountKind),
        role: Role,
        session_version: i32,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: user.as_uuid(),
            org: org.as_uuid(),
            knd: kind,
            role,
            sv: session_version,
            iat: now,
            nbf: now,
            exp: now + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            jti: Uuid::new_v4(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, JwtError> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => JwtError::Expired,
                ErrorKind::ImmatureSignature => JwtError::NotYetValid,
                ErrorKind::InvalidAudience => JwtError::Audience,
                ErrorKind::InvalidIssuer => JwtError::Issuer,
                ErrorKind::InvalidAlgorithm
                | ErrorKind::InvalidAlgorithmName
                | ErrorKind::MissingAlgorithm => JwtError::Algorithm,
                ErrorKind::InvalidSignature => JwtError::Signature,
                _ => JwtError::Malformed,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&[7u8; 32], "iss", "aud", Duration::from_secs(60))
    }

    #[test]
    fn issued_tokens_verify_and_carry_the_claims() {
        let (user, org) = (UserId::generate(), OrganisationId::generate());
        let token = keys()
            .issue(user, (org, AccountKind::Funder), Role::Viewer, 0)
            .unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!(claims.sub, user.as_uuid());
        assert_eq!(claims.org, org.as_uuid());
        assert_eq!(claims.knd, AccountKind::Funder);
        assert_eq!(claims.exp - claims.iat, 60);
    }

    #[test]
    fn other_keys_audiences_and_issuers_are_refused() {
        let token = keys()
            .issue(
                UserId::generate(),
                (OrganisationId::generate(), AccountKind::Organisation),
                Role::Admin,
                0,
            )
            .unwrap();
        let other_key = JwtKeys::new(&[8u8; 32], "iss", "aud", Duration::from_secs(60));
        assert!(matches!(other_key.verify(&token), Err(JwtError::Signature)));
        let other_aud = JwtKeys::new(&[7u8; 32], "iss", "other", Duration::from_secs(60));
        assert!(matches!(other_aud.verify(&token), Err(JwtError::Audience)));
        let other_iss = JwtKeys::new(&[7u8; 32], "other", "aud", Duration::from_secs(60));
        assert!(matches!(other_iss.verify(&token), Err(JwtError::Issuer)));
        assert!(matches!(keys().verify("garbage"), Err(JwtError::Malformed)));
    }
}
