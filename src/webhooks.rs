//! Webhooks (Standard Webhooks 1.0): signing, and the worker that delivers the outbox.
//!
//! Events are written by triggers in the transaction of their change (migration
//! 000018), and each becomes a delivery per subscribed endpoint. The worker claims due
//! deliveries (`FOR UPDATE SKIP LOCKED`, then a lease, so that with several processes each
//! goes out once), at most the oldest pending one per endpoint and subject (a report's
//! events arrive in order), POSTs them with `webhook-id`, `webhook-timestamp` and
//! `webhook-signature` (`v1,` HMAC-SHA256 of `id.timestamp.body`, one per secret during a
//! rotation's overlap), and records the attempt. A failure is tried again after an
//! exponential back-off with jitter, for up to `give_up_after` (three days); an endpoint
//! that has failed that long is switched off, and its log says why. A second task finds
//! overdue quarters and writes their `report.overdue` event, once per quarter.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::SystemDb;
use crate::error::ApiError;
use crate::models::webhook::{self as model, Due, Outcome};
use crate::outbound::Outbound;

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// Whether deliveries are sent at all (they stay pending otherwise).
    pub deliver: bool,
    /// How often it looks for due deliveries.
    pub poll: Duration,
    /// The first retry's delay; each next one doubles (at most 6 hours), less up to half
    /// at random.
    pub retry_base: Duration,
    /// How long a delivery is tried, and an endpoint may fail, before giving up.
    pub give_up_after: Duration,
    /// How often overdue quarters are looked for.
    pub overdue_every: Duration,
}

/// A new endpoint secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    format!(
        "whsec_{}",
        STANDARD.encode(crate::auth::random_bytes::<32>())
    )
}

/// The `webhook-signature` header of `body` for message `id` at `timestamp`: one `v1,`
/// signature per secret, space-separated.
pub fn signature(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|secret| {
            let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(body);
            Some(format!(
                "v1,{}",
                STANDARD.encode(mac.finalize().into_bytes())
            ))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The body sent for an event.
pub fn payload(event: &model::Event) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "type": event.kind,
        "timestamp": event.occurred_at,
        "data": event.data.0,
    }))
    .unwrap_or_default()
}

/// The delay before the attempt after `attempts` failed ones: doubling from `base`, at
/// most 6 hours, less up to half of it at random (`jitter` in 0..=1).
pub fn backoff(base: Duration, attempts: u32, jitter: f64) -> Duration {
    let full = base
        .saturating_mul(1u32.checked_shl(attempts.min(20)).unwrap_or(u32::MAX))
        .min(Duration::from_secs(6 * 3600));
    full.mul_f64(1.0 - 0.5 * jitter.clamp(0.0, 1.0))
}

/// The delivery worker and the overdue check, for as long as the application runs.
pub struct Worker {
    system: SystemDb,
    outbound: Outbound,
    pace: Pace,
}

impl Worker {
    pub fn new(system: SystemDb, outbound: Outbound, pace: Pace) -> Arc<Self> {
        Arc::new(Self {
            system,
            outbound,
            pace,
        })
    }

    /// Starts both loops; they end once the last strong reference is gone.
    pub fn start(self: &Arc<Self>) {
        let weak = Arc::downgrade(self);
        if self.pace.deliver {
            tokio::spawn(deliver_loop(weak.clone()));
        }
        tokio::spawn(overdue_loop(weak));
    }

    /// Claims what is due and sends it; how many were sent.
    pub async fn deliver_due(&self) -> Result<usize, ApiError> {
        let due = self
            .system
            .system(async move |conn| Ok::<_, ApiError>(model::claim(conn, 16, 60).await?))
            .await?;
        let count = due.len();
        let sends = due.into_iter().map(|due| self.send(due));
        futures_util::future::join_all(sends).await;
        Ok(count)
    }

    async fn send(&self, due: Due) {
        let now = Utc::now();
        let id = format!("msg_{}", due.event.uid.simple());
        let timestamp = now.timestamp();
        let body = payload(&due.event);
        let signature = signature(&due.endpoint.signing_secrets(now), &id, timestamp, &body);
        let headers = [
            ("webhook-id", id),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
        ];
        let started = Instant::now();
        let result = self
            .outbound
            .post_json(&due.endpoint.url, &headers, body)
            .await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (status_code, error) = match result {
            Ok(status) if (200..300).contains(&status) => (Some(i32::from(status)), None),
            Ok(status) => (Some(i32::from(status)), Some(format!("answered {status}"))),
            Err(reason) => (None, Some(reason)),
        };
        let outcome = match error {
            None => Outcome {
                status_code,
                error: None,
                duration_ms,
                retry_at: None,
                give_up: false,
                disable: None,
            },
            Some(error) => {
                let give_up_after = chrono::Duration::from_std(self.pace.give_up_after)
                    .unwrap_or(chrono::Duration::days(3));
                let give_up = due.delivery.created_at + give_up_after <= now;
                let failing_for_long = due
                    .endpoint
                    .failing_since
                    .is_some_and(|since| since + give_up_after <= now);
                let jitter = f64::from(crate::auth::random_bytes::<1>()[0]) / 255.0;
                let attempts = u32::try_from(due.delivery.attempts).unwrap_or(0);
                let delay = backoff(self.pace.retry_base, attempts, jitter);
                Outcome {
                    status_code,
                    disable: failing_for_long.then(|| {
                        format!(
                            "switched off on {}: every delivery failed since {} (last: {error})",
                            now.format("%Y-%m-%d %H:%M UTC"),
                            due.endpoint
                                .failing_since
                                .map(|s| s.format("%Y-%m-%d %H:%M UTC").to_string())
                                .unwrap_or_default()
                        )
                    }),
                    error: Some(error),
                    duration_ms,
                    retry_at: (!give_up).then(|| {
                        now + chrono::Duration::from_std(delay)
                            .unwrap_or(chrono::Duration::hours(6))
                    }),
                    give_up,
                }
            }
        };
        let recorded = self
            .system
            .system(async move |conn| Ok::<_, ApiError>(model::record(conn, &due, &outcome).await?))
            .await;
        if let Err(error) = recorded {
            tracing::warn!(
                ?error,
                "a webhook attempt could not be recorded; it is tried again after its lease"
            );
        }
    }

    /// Writes a `report.overdue` event for every open quarter past its due date, once.
    pub async fn find_overdue(&self) -> Result<usize, ApiError> {
        self.system
            .system(async move |conn| {
                let mut found = 0;
                let today = crate::models::today(conn).await?;
                for org in crate::models::organisation::organisation_ids(conn).await? {
                    let data = crate::db::monitoring::worklist::load(
                        conn,
                        crate::db::Reach::Own(org),
                        None,
                    )
                    .await?;
                    for project in &data.projects {
                        let due = data.due_dates(project);
                        for quarter in crate::domain::plan::Quarter::spanning(
                            project.start_date,
                            project.end_date,
                        ) {
                            let state = data
                                .reports
                                .iter()
                                .find(|r| r.project_id == project.id && r.quarter == quarter)
                                .map(|r| r.state);
                            let open = !matches!(
                                state,
                                Some(crate::db::monitoring::reports::ReportState::Submitted)
                                    | Some(crate::db::monitoring::reports::ReportState::Accepted)
                            );
                            let due_on = due.due_on(quarter);
                            if open && today > due_on {
                                model::emit_overdue(
                                    conn,
                                    org,
                                    project.id,
                                    &quarter.to_string(),
                                    due_on,
                                )
                                .await?;
                                found += 1;
                            }
                        }
                    }
                }
                Ok::<_, ApiError>(found)
            })
            .await
    }
}

async fn deliver_loop(worker: Weak<Worker>) {
    loop {
        let Some(strong) = worker.upgrade() else {
            return;
        };
        let poll = strong.pace.poll;
        let sent = match strong.deliver_due().await {
            Ok(sent) => sent,
            Err(error) => {
                tracing::warn!(?error, "webhook deliveries could not be claimed");
                0
            }
        };
        drop(strong);
        // Straight on while there is more to send.
        if sent == 0 {
            tokio::time::sleep(poll).await;
        }
    }
}

async fn overdue_loop(worker: Weak<Worker>) {
    loop {
        let Some(strong) = worker.upgrade() else {
            return;
        };
        let every = strong.pace.overdue_every;
        if let Err(error) = strong.find_overdue().await {
            tracing::warn!(?error, "overdue quarters could not be looked for");
        }
        drop(strong);
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification (its reference libraries'
        // tests use it too).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&[secret], id, 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
        let two = signature(&[secret, secret], id, 1614265330, body);
        assert_eq!(two.split(' ').count(), 2);
    }

    #[test]
    fn retries_back_off_doubling_with_jitter_up_to_six_hours() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 0, 0.0), Duration::from_secs(10));
        assert_eq!(backoff(base, 3, 0.0), Duration::from_secs(80));
        assert_eq!(backoff(base, 3, 1.0), Duration::from_secs(40));
        assert_eq!(backoff(base, 40, 0.0), Duration::from_secs(6 * 3600));
    }

    #[test]
    fn secrets_are_whsec_and_32_bytes() {
        let secret = new_secret();
        let raw = STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap())
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert_ne!(secret, new_secret());
    }
}
