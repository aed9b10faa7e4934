//! Sign-in through an organisation's own identity provider (OpenID Connect), against a
//! provider the test serves itself on loopback: its discovery document and its key set
//! (which the test changes, counts and switches off), and tokens the test signs with the
//! keys in `keys/`.

mod refused;
mod rotation;
mod sign_in;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Tenant, TestApp, problem};

pub const AUDIENCE: &str = "mantelmonitor-api";

/// An identity provider on loopback: discovery at `/.well-known/openid-configuration`,
/// keys at `/jwks`.
pub struct Provider {
    pub issuer: String,
    /// The kids of the keys the key set holds.
    keys: Arc<Mutex<Vec<&'static str>>>,
    pub discovery_fetches: Arc<AtomicUsize>,
    pub key_fetches: Arc<AtomicUsize>,
    down: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn jwk(kid: &str) -> Value {
    let all: Value = serde_json::from_str(include_str!("keys/jwks.json")).expect("jwks.json");
    all[kid].clone()
}

fn der(kid: &str) -> &'static [u8] {
    match kid {
        "rsa-1" => include_bytes!("keys/rsa-1.der"),
        "rsa-2" => include_bytes!("keys/rsa-2.der"),
        "ec-1" => include_bytes!("keys/ec-1.der"),
        "ed-1" => include_bytes!("keys/ed-1.der"),
        other => panic!("no test key {other}"),
    }
}

impl Provider {
    /// A provider whose key set holds `kids`.
    pub async fn start(kids: &[&'static str]) -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let keys = Arc::new(Mutex::new(kids.to_vec()));
        let discovery_fetches = Arc::new(AtomicUsize::new(0));
        let key_fetches = Arc::new(AtomicUsize::new(0));
        let down = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn({
            let (issuer, keys, discovery, fetches, down) = (
                issuer.clone(),
                keys.clone(),
                discovery_fetches.clone(),
                key_fetches.clone(),
                down.clone(),
            );
            async move {
                loop {
                    let Ok((mut socket, _)) = listener.accept().await else {
                        return;
                    };
                    let mut buffer = vec![0u8; 8192];
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    let request = String::from_utf8_lossy(&buffer[..n]).to_string();
                    let path = request.split_whitespace().nth(1).unwrap_or("").to_string();
                    if down.load(Ordering::SeqCst) {
                        // Accepts and says nothing: the service's time-out decides.
                        drop(socket);
                        continue;
                    }
                    let (status, body) = match path.as_str() {
                        "/.well-known/openid-configuration" => {
                            discovery.fetch_add(1, Ordering::SeqCst);
                            (
                                200,
                                json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")}),
                            )
                        }
                        "/jwks" => {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            let held = keys.lock().unwrap().clone();
                            (
                                200,
                                json!({"keys": held.iter().map(|k| jwk(k)).collect::<Vec<_>>()}),
                            )
                        }
                        _ => (404, json!({})),
                    };
                    let body = body.to_string();
                    let response = format!(
                        "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncache-control: max-age=3600\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            }
        });
        Provider {
            issuer,
            keys,
            discovery_fetches,
            key_fetches,
            down,
            task,
        }
    }

    /// From now on the key set holds `kids`.
    pub fn serve_keys(&self, kids: &[&'static str]) {
        *self.keys.lock().unwrap() = kids.to_vec();
    }

    pub fn go_down(&self) {
        self.down.store(true, Ordering::SeqCst);
    }

    pub fn fetches(&self) -> usize {
        self.key_fetches.load(Ordering::SeqCst)
    }

    /// A token of this provider for `claims` (added to `iss`, `aud`, `iat`, `exp`),
    /// signed with key `kid`.
    pub fn token(&self, kid: &str, claims: Value) -> String {
        sign(kid, Some(kid), self.claims(claims))
    }

    /// The standard claims with `extra` over them.
    pub fn claims(&self, extra: Value) -> Value {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.issuer,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 300,
        });
        for (key, value) in extra.as_object().expect("claims object") {
            claims[key] = value.clone();
        }
        claims
    }
}

/// `claims` signed with test key `key`, the header naming `kid`.
pub fn sign(key: &str, kid: Option<&str>, claims: Value) -> String {
    let (alg, encoding) = match key {
        k if k.starts_with("rsa") => (Algorithm::RS256, EncodingKey::from_rsa_der(der(k))),
        k if k.starts_with("ec") => (Algorithm::ES256, EncodingKey::from_ec_der(der(k))),
        k => (Algorithm::EdDSA, EncodingKey::from_ed_der(der(k))),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, &claims, &encoding).unwrap()
}

/// Registers `provider` for the tenant with `settings` over the defaults: users named
/// by email, made just in time, their `groups` mapping to roles.
pub async fn register(
    app: &TestApp,
    tenant: &Tenant,
    provider: &Provider,
    settings: Value,
) -> Value {
    let mut body = json!({
        "name": "Intranet",
        "issuer": provider.issuer,
        "audience": AUDIENCE,
        "user_claim": "email",
        "roles_claim": "groups",
        "role_mapping": [
            {"value": "zorg-beheer", "role": "admin"},
            {"value": "zorg-coordinatoren", "role": "coordinator"},
            {"value": "zorg-lezers", "role": "viewer"}
        ],
        "create_users": true
    });
    for (key, value) in settings.as_object().expect("settings object") {
        body[key] = value.clone();
    }
    let response = app
        .post("/api/v1/identity-providers", &tenant.token, &body)
        .await;
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "register {body}: {answer}");
    answer
}

/// The 401 a refused token gets, with its reason.
pub async fn unauthorized(app: &TestApp, token: &str) -> String {
    let body = problem(app.get("/api/v1/users/me", token).await, 401).await;
    body["detail"].as_str().unwrap_or_default().to_string()
}
