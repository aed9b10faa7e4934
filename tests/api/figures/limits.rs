//! How much one submission may carry: 100,000 rows, within a body limit of its own.

use super::*;
use crate::helpers::{fetch, spawn_app_with};

#[tokio::test]
async fn a_submission_may_carry_100000_rows_and_not_one_more() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Groot").await;
    let p = one_project(&app, &t).await;
    let csv = |rows: usize| {
        let mut text = String::from("project;kwartaal;cijfer;onderwerp;waarde\r\n");
        for _ in 0..rows {
            text.push_str(&format!("{};2025-Q1;key_person_contacts;;3\r\n", p.pid));
        }
        text
    };

    let refused = problem(send_csv(&app, &t.token, csv(100_001)).await, 422).await;
    let messages: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        ["has 100001 rows; at most 100000 per request"],
        "{refused}"
    );

    // 100,000 rows are read: these are refused only because they repeat one figure.
    let repeated = problem(send_csv(&app, &t.token, csv(100_000)).await, 422).await;
    let errors = repeated["errors"].as_array().unwrap();
    assert!(
        errors.iter().all(|e| !e["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at most")
            || e["message"]
                .as_str()
                .unwrap_or_default()
                .contains("more problems")),
        "{}",
        errors[0]
    );
    assert!(
        errors[0]["message"].as_str().unwrap().contains("line"),
        "the repeated figure is named: {}",
        errors[0]
    );
    let reports = json_of(app.get(&reports_path(&p.pid), &t.token).await).await;
    let states: Vec<&str> = reports["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["state"].as_str())
        .collect();
    assert!(
        states.iter().all(|s| *s == "not_started"),
        "nothing was stored: {states:?}"
    );
}

#[tokio::test]
async fn bulk_figures_have_a_body_limit_of_their_own() {
    let app = spawn_app_with(|s| {
        s.max_body_bytes = 2_048;
        s.max_figures_bytes = 8_192;
    })
    .await;
    let t = app.tenant("Steunpunt Limiet").await;
    let p = one_project(&app, &t).await;
    let csv = |text: &str| {
        format!(
            "project;kwartaal;cijfer;onderwerp;waarde\r\n{};2025-Q1;developments;;{text}\r\n",
            p.pid
        )
    };

    // Over the limit of other requests, within that of figures.
    let fits = csv(&"Voorlichting in het buurthuis. ".repeat(130));
    assert!(fits.len() > 2_048 && fits.len() < 8_192);
    let outcome = ok(
        send_csv(&app, &t.token, fits).await,
        "a body within the figures limit",
    )
    .await;
    assert_eq!(outcome["rows"], 1);
    let (report, _) = fetch(
        &app,
        &t.token,
        &format!("/api/v1/projects/{}/quarterly-reports/2025-Q1", p.pid),
    )
    .await;
    assert!(
        report["narrative"]["developments"]
            .as_str()
            .unwrap()
            .starts_with("Voorlichting")
    );

    let too_large = csv(&"Voorlichting in het buurthuis. ".repeat(300));
    assert!(too_large.len() > 8_192);
    let refused = problem(send_csv(&app, &t.token, too_large).await, 413).await;
    assert!(
        refused["detail"].as_str().unwrap().contains("8192"),
        "{refused}"
    );
    // Other requests keep their own limit.
    let project =
        json!({"name": "x".repeat(3_000), "start_date": "2026-01-01", "end_date": "2026-12-31"});
    problem(app.post("/api/v1/projects", &t.token, &project).await, 413).await;
}
