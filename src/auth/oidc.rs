//! Bearer tokens from an organisation's own identity provider (OpenID Connect).
//!
//! A token that is not one of ours (ours are HS256) names its issuer; the provider the
//! organisation registered for that issuer says which audience, which keys (its JWKS,
//! found through discovery unless given) and which claims count. The signature is
//! checked with the provider's key of the token's `kid`, with the algorithm that key's
//! type pins (RSA: RS256 unless the key says otherwise, P-256: ES256, Ed25519: EdDSA);
//! `iss`, `aud`, `exp` and `nbf` are checked, and there is no fallback key.
//!
//! Keys are kept as long as the JWKS response's `Cache-Control: max-age` says (10 s to a
//! day; 5 minutes without one). A `kid` not among them fetches them again, at most once
//! per issuer per refetch interval (10 s), one fetch at a time per issuer, with the short
//! time-outs of [`Outbound`]; a token waits only for its own issuer. An issuer that cannot
//! be reached, once its keys have expired, fails closed: 401 for its tokens, nobody
//! else's.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Actor, Principal};
use crate::db::Db;
use crate::domain::audit::Acting;
use crate::domain::identity::{UserClaim, role_for};
use crate::domain::organisation::AccountKind;
use crate::domain::{Role, Scopes, UserId};
use crate::error::ApiError;
use crate::models::identity_provider::{self as model, IdentityProvider, NewExternalUser};
use crate::outbound::{self, Outbound};

/// How long a provider's settings are used before they are read again.
const SETTINGS_FOR: Duration = Duration::from_secs(10);
/// Keys without caching headers are kept this long; with them, within these bounds.
const KEYS_DEFAULT: Duration = Duration::from_secs(300);
const KEYS_AT_LEAST: Duration = Duration::from_secs(10);
const KEYS_AT_MOST: Duration = Duration::from_secs(86_400);
/// The largest discovery document or key set read.
const MAX_DOCUMENT_BYTES: usize = 512 * 1024;
/// Verified tokens remembered at once (their principals, for the recheck interval).
const MAX_REMEMBERED: usize = 10_000;

/// The algorithms a provider's token may be signed with.
pub fn is_asymmetric(alg: Algorithm) -> bool {
    !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

/// Verifies providers' tokens and finds their users.
pub struct Oidc {
    db: Db,
    outbound: Outbound,
    recheck: Duration,
    refetch_every: Duration,
    issuers: Mutex<HashMap<String, Arc<Issuer>>>,
    remembered: Mutex<HashMap<[u8; 32], (Principal, Instant)>>,
}

/// What is known of one registered issuer.
#[derive(Default)]
struct Issuer {
    settings: Mutex<Option<(IdentityProvider, AccountKind, Instant)>>,
    keys: RwLock<Keys>,
    /// One fetch at a time.
    fetching: tokio::sync::Mutex<()>,
    last_fetch: Mutex<Option<Instant>>,
}

#[derive(Default)]
struct Keys {
    keys: Vec<Key>,
    fresh_until: Option<Instant>,
}

#[derive(Clone)]
struct Key {
    kid: Option<String>,
    alg: Algorithm,
    key: DecodingKey,
}

fn refused(detail: impl Into<String>) -> ApiError {
    ApiError::Unauthorized(detail.into())
}

impl Oidc {
    pub fn new(db: Db, outbound: Outbound, recheck: Duration, refetch_every: Duration) -> Self {
        Self {
            db,
            outbound,
            recheck,
            refetch_every,
            issuers: Mutex::default(),
            remembered: Mutex::default(),
        }
    }

    /// The principal of a provider's token, or 401.
    pub async fn authenticate(
        &self,
        token: &str,
        alg: Algorithm,
        kid: Option<String>,
    ) -> Result<Principal, ApiError> {
        if !is_asymmetric(alg) {
            return Err(refused(
                "The token is signed with a shared secret, which only this service's own tokens use.",
            ));
        }
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(principal) = self.recall(&digest) {
            return Ok(principal);
        }
        let issuer = unverified_issuer(token)?;
        let state = self.issuer(&issuer);
        let (provider, kind) = self.settings(&state, &issuer).await?;
        let key = self.key(&state, &provider, kid.as_deref(), alg).await?;
        let mut validation = Validation::new(key.alg);
        validation.set_issuer(&[&provider.issuer]);
        validation.set_audience(&[&provider.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.validate_nbf = true;
        validation.leeway = super::jwt::LEEWAY_SECONDS;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|e| refused(describe(&e)))?
            .claims;
        let principal = self.principal(&provider, kind, &claims).await?;
        let until = claims
            .get("exp")
            .and_then(Value::as_i64)
            .and_then(|exp| u64::try_from(exp - chrono::Utc::now().timestamp()).ok())
            .map_or(self.recheck, |left| {
                self.recheck.min(Duration::from_secs(left))
            });
        self.remember(digest, &principal, until);
        Ok(principal)
    }

    fn recall(&self, digest: &[u8; 32]) -> Option<Principal> {
        let remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        remembered
            .get(digest)
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(principal, _)| principal.clone())
    }

    fn remember(&self, digest: [u8; 32], principal: &Principal, for_: Duration) {
        if for_.is_zero() {
            return;
        }
        let mut remembered = self.remembered.lock().unwrap_or_else(|e| e.into_inner());
        if remembered.len() >= MAX_REMEMBERED {
            let now = Instant::now();
            remembered.retain(|_, (_, until)| *until > now);
            if remembered.len() >= MAX_REMEMBERED {
                remembered.clear();
            }
        }
        remembered.insert(digest, (principal.clone(), Instant::now() + for_));
    }

    /// Forgets every remembered token (a provider's settings or a user changed).
    pub fn forget_all(&self) {
        self.remembered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        for issuer in self
            .issuers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            *issuer.settings.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }

    fn issuer(&self, issuer: &str) -> Arc<Issuer> {
        let mut issuers = self.issuers.lock().unwrap_or_else(|e| e.into_inner());
        issuers.entry(issuer.to_string()).or_default().clone()
    }

    /// The provider registered for `issuer`, read again every few seconds.
    async fn settings(
        &self,
        state: &Issuer,
        issuer: &str,
    ) -> Result<(IdentityProvider, AccountKind), ApiError> {
        if let Some((provider, kind, at)) =
            &*state.settings.lock().unwrap_or_else(|e| e.into_inner())
            && at.elapsed() < SETTINGS_FOR
        {
            return Ok((provider.clone(), *kind));
        }
        let wanted = issuer.to_string();
        let found = self
            .db
            .identify(async move |conn| {
                Ok::<_, ApiError>(model::find_by_issuer(conn, &wanted).await?)
            })
            .await?;
        let Some((provider, kind)) = found else {
            // Unknown issuers are not remembered: their tokens cost one lookup each.
            self.issuers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(issuer);
            return Err(refused(
                "The token's issuer is not an identity provider any account here trusts.",
            ));
        };
        if !provider.active {
            return Err(refused(
                "The token's identity provider is switched off here.",
            ));
        }
        *state.settings.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((provider.clone(), kind, Instant::now()));
        Ok((provider, kind))
    }

    /// The provider's key for the token: from the keys held, or fetched again when
    /// they are stale or lack the `kid` (at most once per refetch interval).
    async fn key(
        &self,
        state: &Issuer,
        provider: &IdentityProvider,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<Key, ApiError> {
        let started = Instant::now();
        if let Some(found) = held(state, kid, alg)? {
            return Ok(found);
        }
        let _one_at_a_time = state.fetching.lock().await;
        // A fetch that finished while this one waited may have brought the key.
        let last = *state.last_fetch.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| at >= started)
            && let Some(found) = held(state, kid, alg)?
        {
            return Ok(found);
        }
        if last.is_some_and(|at| at.elapsed() < self.refetch_every) {
            let fresh = state
                .keys
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .fresh_until
                .is_some_and(|t| t > Instant::now());
            return Err(refused(if fresh {
                "The token's key is not among the identity provider's keys."
            } else {
                "The identity provider's keys could not be fetched just now; try again in a few seconds."
            }));
        }
        *state.last_fetch.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        match self.fetch(provider).await {
            Ok((keys, fresh_for)) => {
                tracing::info!(issuer = %provider.issuer, keys = keys.len(), "identity provider keys fetched");
                *state.keys.write().unwrap_or_else(|e| e.into_inner()) = Keys {
                    keys,
                    fresh_until: Some(Instant::now() + fresh_for),
                };
            }
            Err(reason) => {
                tracing::warn!(issuer = %provider.issuer, %reason, "identity provider keys could not be fetched");
                let mut keys = state.keys.write().unwrap_or_else(|e| e.into_inner());
                if keys.fresh_until.is_none_or(|t| t <= Instant::now()) {
                    *keys = Keys::default();
                }
                if keys.keys.is_empty() {
                    return Err(refused(format!(
                        "The identity provider's keys could not be fetched: {reason}."
                    )));
                }
            }
        }
        held(state, kid, alg)?
            .ok_or_else(|| refused("The token's key is not among the identity provider's keys."))
    }

    /// The provider's signing keys and how long to keep them.
    async fn fetch(&self, provider: &IdentityProvider) -> Result<(Vec<Key>, Duration), String> {
        let reach = self.outbound.reach();
        let jwks_uri = match &provider.jwks_uri {
            Some(uri) => outbound::check(uri, reach)?,
            None => {
                let base = provider.issuer.trim_end_matches('/');
                let url =
                    outbound::check(&format!("{base}/.well-known/openid-configuration"), reach)?;
                let (body, _) = self
                    .document(&url)
                    .await
                    .map_err(|e| format!("the discovery document: {e}"))?;
                #[derive(serde::Deserialize)]
                struct Discovery {
                    issuer: String,
                    jwks_uri: String,
                }
                let discovery: Discovery = serde_json::from_slice(&body).map_err(|_| {
                    "the discovery document names no issuer and jwks_uri".to_string()
                })?;
                if discovery.issuer != provider.issuer {
                    return Err(format!(
                        "the discovery document names the issuer {:?}, not {:?}",
                        discovery.issuer, provider.issuer
                    ));
                }
                outbound::check(&discovery.jwks_uri, reach)
                    .map_err(|e| format!("the discovery document's jwks_uri {e}"))?
            }
        };
        let (body, fresh_for) = self
            .document(&jwks_uri)
            .await
            .map_err(|e| format!("the key set: {e}"))?;
        let set: JwkSet =
            serde_json::from_slice(&body).map_err(|_| "the key set is not a JWKS".to_string())?;
        let keys: Vec<Key> = set.keys.iter().filter_map(key_of).collect();
        if keys.is_empty() {
            return Err("the key set holds no signing key this service can use".into());
        }
        Ok((keys, fresh_for))
    }

    /// A JSON document and how long it may be kept.
    async fn document(&self, url: &url::Url) -> Result<(Vec<u8>, Duration), String> {
        let mut response = self.outbound.get(url).await?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status().as_u16()));
        }
        let fresh_for = fresh_for(response.headers());
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|_| "the answer broke off".to_string())?
        {
            if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err("the answer is too large".into());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, fresh_for))
    }

    /// Who the verified claims name.
    async fn principal(
        &self,
        provider: &IdentityProvider,
        kind: AccountKind,
        claims: &Map<String, Value>,
    ) -> Result<Principal, ApiError> {
        let text = |name: &str| {
            claims
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let subject = text("sub");
        let client = text("client_id").or_else(|| text("azp"));
        let named = text(provider.user_claim.as_str());
        // RFC 9068: a client-credentials token names the client as its subject.
        if named.is_none() || (client.is_some() && subject == client) {
            if !provider.service_clients {
                return Err(refused(
                    "The identity provider's service clients (tokens without a user) are not accepted here.",
                ));
            }
            return Ok(Principal {
                organisation_id: provider.organisation_id,
                kind,
                role: Role::Admin,
                actor: Actor::IdentityProvider(provider.id),
                scopes: provider.service_scopes.iter().copied().collect(),
            });
        }
        let Some(named) = named else {
            return Err(refused("The token names no user."));
        };
        if provider.user_claim == UserClaim::Email
            && claims.get("email_verified") == Some(&Value::Bool(false))
        {
            return Err(refused(
                "The identity provider has not verified this email address.",
            ));
        }
        let mapped = match &provider.roles_claim {
            None => None,
            Some(claim) => {
                let values: Vec<&str> = match claims.get(claim) {
                    Some(Value::String(one)) => vec![one.as_str()],
                    Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
                    _ => Vec::new(),
                };
                match role_for(values, &provider.role_mapping.0, provider.default_role) {
                    Some(role) if role.fits(kind) => Some(role),
                    _ => {
                        return Err(ApiError::Forbidden(format!(
                            "Your identity provider gives you no role here: an admin maps the values of your {claim:?} claim to roles."
                        )));
                    }
                }
            }
        };
        let provider = provider.clone();
        let named = named.to_string();
        let email = text("email").map(str::to_string);
        let display = text("name").map(str::to_string);
        let acting = Acting {
            organisation: provider.organisation_id,
            actor: Actor::IdentityProvider(provider.id),
        };
        let user = self
            .db
            .acting(acting, async move |conn| {
                let found = model::user_named(conn, &provider, provider.user_claim, &named).await?;
                let user = match found {
                    Some(user) => user,
                    None if provider.create_users => {
                        let Some(role) = mapped.or(provider.default_role).filter(|r| r.fits(kind)) else {
                            return Err(ApiError::Forbidden(
                                "Your identity provider gives you no role here, so no user is made for you.".into(),
                            ));
                        };
                        let Some(email) = email.as_deref().and_then(|e| crate::domain::Email::parse(e).ok()) else {
                            return Err(refused("The token names no email address, which a new user needs."));
                        };
                        let name = display.as_deref().unwrap_or(email.as_str());
                        let name: String = name.chars().take(200).collect();
                        let new = NewExternalUser {
                            id: UserId::generate(),
                            email: email.as_str(),
                            name: &name,
                            role,
                            subject: subject.unwrap_or(&named),
                        };
                        match model::create_user(conn, &provider, &new).await {
                            Ok(user) => user,
                            Err(crate::db::QueryError::DatabaseError(crate::db::DatabaseErrorKind::UniqueViolation, _)) => {
                                return Err(refused("The email address belongs to a user of another account."));
                            }
                            Err(other) => return Err(other.into()),
                        }
                    }
                    None => {
                        return Err(refused(
                            "No user here goes by the name the token gives, and this identity provider does not make users.",
                        ));
                    }
                };
                if !user.active {
                    return Err(refused("Your user here is deactivated."));
                }
                match mapped {
                    Some(role) if role != user.role => Ok(model::set_role(conn, &user, role).await?),
                    _ => Ok(user),
                }
            })
            .await?;
        Ok(Principal {
            organisation_id: user.organisation_id,
            kind,
            role: user.role,
            actor: Actor::User(user.id),
            scopes: Scopes::ALL,
        })
    }
}

/// The key held for the token, or `None` when the keys must be fetched (stale, or no
/// key of that `kid`). A key of the `kid` for another algorithm is refused at once.
fn held(state: &Issuer, kid: Option<&str>, alg: Algorithm) -> Result<Option<Key>, ApiError> {
    let keys = state.keys.read().unwrap_or_else(|e| e.into_inner());
    if keys.fresh_until.is_none_or(|t| t <= Instant::now()) {
        return Ok(None);
    }
    let candidates: Vec<&Key> = match kid {
        Some(kid) => keys
            .keys
            .iter()
            .filter(|k| k.kid.as_deref() == Some(kid))
            .collect(),
        // Without a kid only a provider with one key can say which.
        None if keys.keys.len() == 1 => keys.keys.iter().collect(),
        None => {
            return Err(refused(
                "The token names no key (kid), and the identity provider has several.",
            ));
        }
    };
    match candidates.first() {
        None => Ok(None),
        Some(key) if key.alg == alg => Ok(Some((*key).clone())),
        Some(key) => Err(refused(format!(
            "The token says {alg:?}, but its key is for {:?}.",
            key.alg
        ))),
    }
}

/// A signing key of the set, with the algorithm its type pins; `None` for encryption
/// keys, shared secrets and curves this service does not verify.
fn key_of(jwk: &jsonwebtoken::jwk::Jwk) -> Option<Key> {
    if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
        return None;
    }
    let stated = jwk.common.key_algorithm;
    let alg = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => match stated {
            None => Algorithm::RS256,
            Some(KeyAlgorithm::RS256) => Algorithm::RS256,
            Some(KeyAlgorithm::RS384) => Algorithm::RS384,
            Some(KeyAlgorithm::RS512) => Algorithm::RS512,
            Some(KeyAlgorithm::PS256) => Algorithm::PS256,
            Some(KeyAlgorithm::PS384) => Algorithm::PS384,
            Some(KeyAlgorithm::PS512) => Algorithm::PS512,
            Some(_) => return None,
        },
        AlgorithmParameters::EllipticCurve(ec) => match (&ec.curve, stated) {
            (EllipticCurve::P256, None | Some(KeyAlgorithm::ES256)) => Algorithm::ES256,
            (EllipticCurve::P384, None | Some(KeyAlgorithm::ES384)) => Algorithm::ES384,
            _ => return None,
        },
        AlgorithmParameters::OctetKeyPair(okp) => match (&okp.curve, stated) {
            (EllipticCurve::Ed25519, None | Some(KeyAlgorithm::EdDSA)) => Algorithm::EdDSA,
            _ => return None,
        },
        // A shared secret in a key set would let anyone who reads the set sign.
        _ => return None,
    };
    let key = DecodingKey::from_jwk(jwk).ok()?;
    Some(Key {
        kid: jwk.common.key_id.clone(),
        alg,
        key,
    })
}

/// How long a response may be kept, from its `Cache-Control: max-age`.
fn fresh_for(headers: &reqwest::header::HeaderMap) -> Duration {
    let Some(value) = headers
        .get(reqwest::header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
    else {
        return KEYS_DEFAULT;
    };
    let directives: Vec<String> = value
        .split(',')
        .map(|d| d.trim().to_ascii_lowercase())
        .collect();
    if directives
        .iter()
        .any(|d| d == "no-store" || d == "no-cache")
    {
        return KEYS_AT_LEAST;
    }
    directives
        .iter()
        .find_map(|d| {
            d.strip_prefix("max-age=")?
                .trim_matches('"')
                .parse::<u64>()
                .ok()
        })
        .map_or(KEYS_DEFAULT, |seconds| {
            Duration::from_secs(seconds).clamp(KEYS_AT_LEAST, KEYS_AT_MOST)
        })
}

/// The `iss` of a token, read before its signature is checked (to find the keys that
/// check it); nothing else of it is trusted until then.
fn unverified_issuer(token: &str) -> Result<String, ApiError> {
    use base64::Engine;
    let malformed = || refused("The token is not a JWT.");
    let payload = token.split('.').nth(1).ok_or_else(malformed)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| malformed())?;
    #[derive(serde::Deserialize)]
    struct Issued {
        iss: String,
    }
    serde_json::from_slice::<Issued>(&bytes)
        .map(|i| i.iss)
        .map_err(|_| refused("The token names no issuer (iss)."))
}

fn describe(error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::ExpiredSignature => "The token has expired.".into(),
        ErrorKind::ImmatureSignature => "The token is not valid yet.".into(),
        ErrorKind::InvalidAudience => "The token was issued for another audience.".into(),
        ErrorKind::InvalidIssuer => "The token was issued by another issuer.".into(),
        ErrorKind::InvalidSignature => "The token's signature does not match its key.".into(),
        ErrorKind::InvalidAlgorithm => "The token's algorithm does not match its key.".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("The token has no {claim} claim."),
        _ => "The token is not valid.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::CACHE_CONTROL, value.parse().unwrap());
        headers
    }

    #[test]
    fn keys_are_kept_as_the_caching_headers_say_within_bounds() {
        assert_eq!(fresh_for(&reqwest::header::HeaderMap::new()), KEYS_DEFAULT);
        assert_eq!(
            fresh_for(&headers("public, max-age=3600")),
            Duration::from_secs(3600)
        );
        assert_eq!(fresh_for(&headers("max-age=1")), KEYS_AT_LEAST);
        assert_eq!(fresh_for(&headers("max-age=99999999")), KEYS_AT_MOST);
        assert_eq!(fresh_for(&headers("no-cache")), KEYS_AT_LEAST);
        assert_eq!(fresh_for(&headers("private")), KEYS_DEFAULT);
    }

    #[test]
    fn shared_secrets_and_encryption_keys_in_a_key_set_are_never_used() {
        let set: JwkSet = serde_json::from_value(serde_json::json!({"keys": [
            {"kty": "oct", "kid": "s", "k": "c2VjcmV0"},
            {"kty": "RSA", "kid": "e", "use": "enc", "n": "sXch", "e": "AQAB"},
            {"kty": "RSA", "kid": "r", "n": "sXch", "e": "AQAB"},
            {"kty": "RSA", "kid": "p", "alg": "PS256", "n": "sXch", "e": "AQAB"},
            {"kty": "RSA", "kid": "h", "alg": "HS256", "n": "sXch", "e": "AQAB"},
        ]}))
        .unwrap();
        let keys: Vec<(Option<String>, Algorithm)> = set
            .keys
            .iter()
            .filter_map(key_of)
            .map(|k| (k.kid, k.alg))
            .collect();
        assert_eq!(
            keys,
            [
                (Some("r".into()), Algorithm::RS256),
                (Some("p".into()), Algorithm::PS256)
            ]
        );
    }

    #[test]
    fn the_issuer_is_read_from_the_payload() {
        use base64::Engine;
        let encode = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let token = format!(
            "{}.{}.sig",
            encode("{}"),
            encode(r#"{"iss":"https://id.example.nl"}"#)
        );
        assert_eq!(unverified_issuer(&token).unwrap(), "https://id.example.nl");
        assert!(unverified_issuer("nodots").is_err());
        assert!(unverified_issuer(&format!("a.{}.c", encode("{}"))).is_err());
    }
}
