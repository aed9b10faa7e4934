//! Evaluation moments, dated inside the project period.

use super::*;

#[tokio::test]
async fn evaluation_moments_are_dated_inside_the_project_period() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Evaluatie").await;
    let collection = lines_path(&pid, EVALUATIONS);

    let body = json!({"planned_on": "2026-12-15", "subject": "Tussenevaluatie met sleutelpersonen", "outcome_notes": null});
    let response = app.post(&collection, &t.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    let moment = json_of(response).await;
    assert_eq!(location, line_path(&pid, EVALUATIONS, &id_of(&moment)));
    assert_eq!(moment["project_id"], json!(pid));
    assert_eq!(moment["planned_on"], "2026-12-15");
    assert_eq!(moment["subject"], body["subject"]);
    assert!(moment["outcome_notes"].is_null());
    assert_eq!(
        fetch(&app, &t.token, &location).await,
        (moment.clone(), etag)
    );

    // The first and last day of the period are inside it; 500 characters is the limit.
    create(
        &app,
        &t.token,
        &collection,
        &json!({"planned_on": "2026-01-01", "subject": "Start"}),
    )
    .await;
    create(
        &app,
        &t.token,
        &collection,
        &json!({"planned_on": "2027-12-31", "subject": "ë".repeat(500)}),
    )
    .await;

    for (body, pointer) in [
        (
            json!({"planned_on": "2025-12-31", "subject": "Te vroeg"}),
            "/planned_on",
        ),
        (
            json!({"planned_on": "2028-01-01", "subject": "Te laat"}),
            "/planned_on",
        ),
        (
            json!({"planned_on": "2026-02-30", "subject": "Geen dag"}),
            "/planned_on",
        ),
        (json!({"subject": "Zonder datum"}), "/planned_on"),
        (
            json!({"planned_on": "2026-06-01", "subject": ""}),
            "/subject",
        ),
        (
            json!({"planned_on": "2026-06-01", "subject": "   "}),
            "/subject",
        ),
        (
            json!({"planned_on": "2026-06-01", "subject": "ë".repeat(501)}),
            "/subject",
        ),
        (json!({"planned_on": "2026-06-01"}), "/subject"),
    ] {
        assert_rejected(&app, &t.token, &collection, &body, &[pointer]).await;
    }

    // Moving it outside the period is refused; recording the outcome works.
    assert_write_refused(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        Some(&json!({"planned_on": "2028-03-01"})),
        Refused::Invalid(&["/planned_on"]),
    )
    .await;
    let (patched, _) = write_ok(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        &json!({"outcome_notes": "Drie nieuwe sleutelpersonen gevonden"}),
    )
    .await;
    assert_eq!(
        patched["outcome_notes"],
        "Drie nieuwe sleutelpersonen gevonden"
    );
    assert_eq!(patched["planned_on"], "2026-12-15");
    assert_eq!(patched["subject"], moment["subject"]);
}
