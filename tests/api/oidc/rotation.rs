//! The provider's keys: rotation needs one refetch, a flood of unknown kids fetches at
//! most once per interval, and an unreachable provider fails closed for its own tokens.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Provider, register, unauthorized};
use crate::helpers::{spawn_app, spawn_app_with};

fn user(sub: &str) -> serde_json::Value {
    json!({"sub": sub, "email": format!("{sub}@steunpunt.example"), "groups": ["zorg-lezers"]})
}

#[tokio::test]
async fn a_rotated_key_is_taken_after_one_refetch_and_the_removed_one_is_refused() {
    let app = spawn_app_with(|s| s.oidc_refetch_interval = Duration::from_secs(1)).await;
    let org = app.tenant("Steunpunt Sleutelwissel").await;
    let provider = Provider::start(&["rsa-1"]).await;
    register(&app, &org, &provider, json!({})).await;
    let old = provider.token("rsa-1", user("een"));
    assert_eq!(app.get("/api/v1/users/me", &old).await.status(), 200);
    assert_eq!(provider.fetches(), 1);

    // The provider rotates: key-2 in, key-1 out.
    provider.serve_keys(&["rsa-2"]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let new = provider.token("rsa-2", user("twee"));
    assert_eq!(app.get("/api/v1/users/me", &new).await.status(), 200);
    assert_eq!(provider.fetches(), 2, "one refetch for the new kid");
    let again = provider.token("rsa-2", user("drie"));
    assert_eq!(app.get("/api/v1/users/me", &again).await.status(), 200);
    assert_eq!(provider.fetches(), 2, "the new key is held");

    // A token of the removed key, not seen before: its kid is gone.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let removed = provider.token("rsa-1", user("vier"));
    assert!(unauthorized(&app, &removed).await.contains("not among"));
}

#[tokio::test]
async fn a_flood_of_unknown_kids_fetches_the_keys_at_most_once_per_interval() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Vloed").await;
    let provider = Provider::start(&["rsa-1"]).await;
    register(&app, &org, &provider, json!({})).await;
    let token = provider.token("rsa-1", user("een"));
    assert_eq!(app.get("/api/v1/users/me", &token).await.status(), 200);
    let before = provider.fetches();
    let started = Instant::now();
    for i in 0..60 {
        let forged = super::sign(
            "rsa-2",
            Some(&format!("kid-{i}")),
            provider.claims(user("x")),
        );
        assert_eq!(app.get("/api/v1/users/me", &forged).await.status(), 401);
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "within one interval"
    );
    assert!(
        provider.fetches() <= before + 1,
        "{} fetches for 60 unknown kids",
        provider.fetches() - before
    );
    // The known key still works meanwhile.
    let token = provider.token("rsa-1", user("twee"));
    assert_eq!(app.get("/api/v1/users/me", &token).await.status(), 200);
}

#[tokio::test]
async fn an_unreachable_provider_fails_closed_for_its_tokens_only() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Onbereikbaar").await;
    let provider = Provider::start(&["rsa-1"]).await;
    register(&app, &org, &provider, json!({})).await;
    provider.go_down();
    let token = provider.token("rsa-1", user("een"));
    let started = Instant::now();
    assert!(
        unauthorized(&app, &token)
            .await
            .contains("could not be fetched")
    );
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "short time-outs: {:?}",
        started.elapsed()
    );
    // Everyone else carries on meanwhile.
    assert_eq!(app.get("/api/v1/users/me", &org.token).await.status(), 200);
}
