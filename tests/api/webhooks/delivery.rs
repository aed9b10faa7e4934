//! Deliveries: signed, in order per report, retried while the receiver is down, logged,
//! redelivered on request, switched off after failing too long, and rotated secrets.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{Receiver, app_with_fast_webhooks, subscribe};
use crate::helpers::{Tenant, TestApp, act_ok, named_fields, new_project, problem, report_path};

const DAYS: Duration = Duration::from_secs(3 * 86_400);

/// A coordinator writes and submits the quarter; the admin returns it, the coordinator
/// submits again, the admin accepts: four moves of one report.
async fn four_moves(app: &TestApp, org: &Tenant) -> String {
    let pid = new_project(app, &org.token, "Mantelzorg in de wijk").await;
    let (_, coordinator) = app.user_with_role(org, "coordinator").await;
    let response = app
        .request(
            Method::PUT,
            &report_path(&pid, "2026-Q1"),
            Some(&coordinator),
        )
        .header("If-None-Match", "*")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    act_ok(app, &coordinator, &pid, "2026-Q1", "submit", None).await;
    act_ok(
        app,
        &org.token,
        &pid,
        "2026-Q1",
        "return",
        Some("Het bereik ontbreekt."),
    )
    .await;
    act_ok(app, &coordinator, &pid, "2026-Q1", "submit", None).await;
    act_ok(app, &org.token, &pid, "2026-Q1", "accept", None).await;
    pid
}

const REPORT_EVENTS: [&str; 4] = [
    "report.submitted",
    "report.accepted",
    "report.returned",
    "report.reopened",
];

#[tokio::test]
async fn events_arrive_signed_with_the_standard_headers_and_in_order() {
    let app = app_with_fast_webhooks(DAYS).await;
    let org = app.tenant("Steunpunt Haken").await;
    let receiver = Receiver::start(204).await;
    let (endpoint, secret) = subscribe(&app, &org, &receiver.url, &REPORT_EVENTS).await;
    assert!(secret.starts_with("whsec_"));
    assert!(endpoint["events"].as_array().unwrap().len() == 4);
    let pid = four_moves(&app, &org).await;

    let got = receiver.wait_for(4).await;
    let kinds: Vec<String> = got.iter().map(|r| r.kind()).collect();
    assert_eq!(
        kinds,
        [
            "report.submitted",
            "report.returned",
            "report.submitted",
            "report.accepted"
        ]
    );
    for received in &got {
        assert!(received.id.starts_with("msg_"), "{received:?}");
        assert!(received.signed_by(&secret), "signature of {received:?}");
        let age = chrono::Utc::now().timestamp() - received.timestamp.parse::<i64>().unwrap();
        assert!((0..60).contains(&age));
        let body = received.json();
        assert_eq!(body["data"]["project_id"], pid.as_str());
        assert_eq!(body["data"]["quarter"], "2026-Q1");
    }
    assert_eq!(got[1].json()["data"]["reason"], "Het bereik ontbreekt.");
    // The secret is shown only when made.
    let id = endpoint["id"].as_str().unwrap();
    let (fetched, _) =
        crate::helpers::fetch(&app, &org.token, &format!("/api/v1/webhooks/{id}")).await;
    assert!(fetched.get("secret").is_none());
    assert!(!fetched.to_string().contains(&secret[6..]));
}

#[tokio::test]
async fn a_receiver_that_was_down_gets_every_event_once_back_in_order_and_the_log_shows_it() {
    let app = app_with_fast_webhooks(DAYS).await;
    let org = app.tenant("Steunpunt Storing").await;
    let receiver = Receiver::start(503).await;
    let (endpoint, _) = subscribe(&app, &org, &receiver.url, &REPORT_EVENTS).await;
    four_moves(&app, &org).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(receiver.accepted().is_empty());
    assert!(!receiver.got.lock().unwrap().is_empty(), "tried meanwhile");
    receiver.answer(200);

    let got = receiver.wait_for(4).await;
    let kinds: Vec<String> = got.iter().map(|r| r.kind()).collect();
    assert_eq!(
        kinds,
        [
            "report.submitted",
            "report.returned",
            "report.submitted",
            "report.accepted"
        ],
        "every event, in order"
    );
    let ids: std::collections::BTreeSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 4, "each once");

    // The log: the first delivery failed with 503 before it got through.
    let id = endpoint["id"].as_str().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log: Value = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"), &org.token)
        .await
        .json()
        .await
        .unwrap();
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert!(items.iter().all(|d| d["state"] == "delivered"), "{log}");
    let first = items.last().unwrap();
    let attempts = first["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 2, "{first}");
    assert_eq!(attempts[0]["status_code"], 503);
    assert_eq!(attempts.last().unwrap()["status_code"], 200);

    // Sent again on request, with the same webhook-id.
    let delivery = first["id"].as_i64().unwrap();
    let response = app
        .request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
            Some(&org.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let again = receiver.wait_for(5).await;
    assert_eq!(again.len(), 5);
    assert_eq!(again[4].id, got[0].id);
    let response = app
        .request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/deliveries/999999/redeliver"),
            Some(&org.token),
        )
        .send()
        .await
        .unwrap();
    problem(response, 404).await;
}

#[tokio::test]
async fn an_endpoint_that_keeps_failing_is_switched_off_and_says_why() {
    let app = app_with_fast_webhooks(Duration::from_secs(1)).await;
    let org = app.tenant("Steunpunt Stil").await;
    let receiver = Receiver::start(500).await;
    let (endpoint, _) = subscribe(&app, &org, &receiver.url, &REPORT_EVENTS).await;
    four_moves(&app, &org).await;
    let path = format!("/api/v1/webhooks/{}", endpoint["id"].as_str().unwrap());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let fetched = loop {
        let (fetched, _) = crate::helpers::fetch(&app, &org.token, &path).await;
        if fetched["active"] == false || std::time::Instant::now() > deadline {
            break fetched;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(fetched["active"], false, "{fetched}");
    let reason = fetched["disabled_reason"].as_str().unwrap();
    assert!(
        reason.contains("failed since") && reason.contains("500"),
        "{reason}"
    );
    // Switched on again by an admin: the reason goes.
    let (_, etag) = crate::helpers::fetch(&app, &org.token, &path).await;
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &org.token,
            &etag,
            Some(&json!({"active": true})),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["active"], true);
    assert!(
        body["disabled_reason"].is_null() && body["failing_since"].is_null(),
        "{body}"
    );
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_for_the_overlap() {
    let app = app_with_fast_webhooks(DAYS).await;
    let org = app.tenant("Steunpunt Wissel").await;
    let receiver = Receiver::start(200).await;
    let (endpoint, old) = subscribe(&app, &org, &receiver.url, &["plan.changed"]).await;
    let id = endpoint["id"].as_str().unwrap();
    let response = app
        .request(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/rotate-secret"),
            Some(&org.token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let rotated: Value = response.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert!(rotated["previous_secret_until"].is_string());
    new_project(&app, &org.token, "Nieuw plan").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert!(
        got[0].signed_by(new) && got[0].signed_by(&old),
        "{:?}",
        got[0]
    );
    assert_eq!(got[0].signature.split(' ').count(), 2);
}

#[tokio::test]
async fn endpoints_are_checked_and_nothing_is_stored_when_one_is_wrong() {
    let app = app_with_fast_webhooks(DAYS).await;
    let org = app.tenant("Steunpunt Adres").await;
    for (body, fields) in [
        (
            json!({"url": "ftp://intranet.example.nl/hook", "events": ["plan.changed"]}),
            vec!["/url"],
        ),
        (
            json!({"url": "http://intranet.example.nl/hook", "events": ["plan.changed"]}),
            vec!["/url"],
        ),
        (
            json!({"url": "https://intranet.example.nl/hook", "events": []}),
            vec!["/events"],
        ),
        (
            json!({"url": "https://intranet.example.nl/hook", "events": ["plan.changed", "plan.changed"]}),
            vec!["/events/1"],
        ),
    ] {
        let response = app.post("/api/v1/webhooks", &org.token, &body).await;
        let p = problem(response, 422).await;
        assert_eq!(named_fields(&p), fields, "{body}: {p}");
    }
    let response = app
        .post(
            "/api/v1/webhooks",
            &org.token,
            &json!({"url": "https://intranet.example.nl/hook", "events": ["plan.gewijzigd"]}),
        )
        .await;
    let p = problem(response, 422).await;
    assert!(
        p.to_string().contains("plan.changed"),
        "names the events: {p}"
    );
    let listed = crate::helpers::all_items(&app, &org.token, "/api/v1/webhooks").await;
    assert!(listed.is_empty());
    let (_, coordinator) = app.user_with_role(&org, "coordinator").await;
    let response = app
        .post(
            "/api/v1/webhooks",
            &coordinator,
            &json!({"url": "https://intranet.example.nl/hook", "events": ["plan.changed"]}),
        )
        .await;
    problem(response, 403).await;
}

/// Two service processes on one database, both delivering: every event arrives once.
#[tokio::test]
async fn with_two_processes_each_event_is_delivered_once() {
    let fast = |s: &mut mantelmonitor::config::Settings| {
        s.webhooks.poll = Duration::from_millis(20);
        s.webhooks.retry_base = Duration::from_millis(100);
    };
    let app = crate::helpers::spawn_app_with(fast).await;
    let _second = app.second_process(fast).await;
    let org = app.tenant("Steunpunt Dubbel").await;
    let receiver = Receiver::start(200).await;
    subscribe(&app, &org, &receiver.url, &["plan.changed"]).await;
    for i in 0..20 {
        new_project(&app, &org.token, &format!("Project {i}")).await;
    }
    let got = receiver.wait_for(20).await;
    // A moment more, for a double that would come late.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = receiver.accepted();
    let ids: std::collections::BTreeSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(got.len(), 20);
    assert_eq!(all.len(), 20, "no event twice");
    assert_eq!(ids.len(), 20);
}
