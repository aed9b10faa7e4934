//! Webhooks and the change feed: events written with their changes, delivered signed
//! (Standard Webhooks) to a receiver the test runs, in order per report, retried while the
//! receiver is down, logged, redelivered on request; and polled from the feed.

mod delivery;
mod feed;

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Tenant, TestApp, spawn_app_with};

/// A server whose worker looks every 50 ms and retries after 100 ms.
pub async fn app_with_fast_webhooks(give_up: Duration) -> TestApp {
    spawn_app_with(|s| {
        s.webhooks.poll = Duration::from_millis(50);
        s.webhooks.retry_base = Duration::from_millis(100);
        s.webhooks.give_up_after = give_up;
        s.webhooks.overdue_every = Duration::from_secs(1);
    })
    .await
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }

    pub fn kind(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_string()
    }

    /// Whether one of its signatures is `secret`'s (Standard Webhooks: HMAC-SHA256 of
    /// `id.timestamp.body` with the base64 secret after `whsec_`).
    pub fn signed_by(&self, secret: &str) -> bool {
        let key = STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(format!("{}.{}.{}", self.id, self.timestamp, self.body).as_bytes());
        let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
        self.signature.split(' ').any(|s| s == expected)
    }
}

/// A webhook receiver on loopback that answers `status` (the test changes it).
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub answers: Arc<Mutex<Vec<u16>>>,
    status: Arc<AtomicU16>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn header<'a>(head: &'a str, name: &str) -> &'a str {
    head.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then_some(value.trim())
        })
        .unwrap_or("")
}

impl Receiver {
    pub async fn start(status: u16) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let answers = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(status));
        let task = tokio::spawn({
            let (got, answers, status) = (got.clone(), answers.clone(), status.clone());
            async move {
                loop {
                    let Ok((mut socket, _)) = listener.accept().await else {
                        return;
                    };
                    let (got, answers, status) = (got.clone(), answers.clone(), status.clone());
                    tokio::spawn(async move {
                        let mut buffer = Vec::new();
                        let mut chunk = [0u8; 8192];
                        // Head, then as many body bytes as Content-Length says.
                        let (head, body) = loop {
                            let n = socket.read(&mut chunk).await.unwrap_or(0);
                            if n == 0 {
                                return;
                            }
                            buffer.extend_from_slice(&chunk[..n]);
                            let text = String::from_utf8_lossy(&buffer).to_string();
                            if let Some(end) = text.find("\r\n\r\n") {
                                let head = text[..end].to_string();
                                let length: usize =
                                    header(&head, "content-length").parse().unwrap_or(0);
                                if buffer.len() >= end + 4 + length {
                                    let body =
                                        String::from_utf8_lossy(&buffer[end + 4..end + 4 + length])
                                            .to_string();
                                    break (head, body);
                                }
                            }
                        };
                        let answer = status.load(Ordering::SeqCst);
                        got.lock().unwrap().push(Received {
                            id: header(&head, "webhook-id").to_string(),
                            timestamp: header(&head, "webhook-timestamp").to_string(),
                            signature: header(&head, "webhook-signature").to_string(),
                            body,
                        });
                        answers.lock().unwrap().push(answer);
                        let response = format!(
                            "HTTP/1.1 {answer} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    });
                }
            }
        });
        Receiver {
            url,
            got,
            answers,
            status,
            task,
        }
    }

    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// What was answered 2xx, in arrival order.
    pub fn accepted(&self) -> Vec<Received> {
        let got = self.got.lock().unwrap();
        let answers = self.answers.lock().unwrap();
        got.iter()
            .zip(answers.iter())
            .filter(|(_, status)| (200..300).contains(*status))
            .map(|(r, _)| r.clone())
            .collect()
    }

    /// Waits (at most 15 s) until `n` requests were accepted.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let accepted = self.accepted();
            if accepted.len() >= n || Instant::now() > deadline {
                return accepted;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Adds an endpoint for `events`; the endpoint and its secret.
pub async fn subscribe(
    app: &TestApp,
    tenant: &Tenant,
    url: &str,
    events: &[&str],
) -> (Value, String) {
    let response = app
        .post(
            "/api/v1/webhooks",
            &tenant.token,
            &json!({"url": url, "events": events}),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    let secret = body["secret"].as_str().unwrap().to_string();
    (body, secret)
}
