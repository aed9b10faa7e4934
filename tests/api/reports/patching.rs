//! Writing a report: every planned language, and merge patch.

use super::*;

#[tokio::test]
async fn every_language_of_the_plan_and_dutch_may_be_reported() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    // tr and nl: target group, ar: target group, ti: translation, pap: communication
    // target, nl: always; and an effort in no particular language.
    let mut content = full_content(&plan);
    content["communication"]
        .as_array_mut()
        .unwrap()
        .push(json!({"channel": "social_media", "count": 12}));
    let (report, _) = create_report(&app, &t.token, &plan.pid, "2024-Q1", &content).await;
    let languages: Vec<Value> = report["communication"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["language"].clone())
        .collect();
    assert_eq!(
        languages,
        [
            json!("tr"),
            json!("ar"),
            json!("pap"),
            json!("ti"),
            json!("nl"),
            Value::Null
        ]
    );
    assert_content(
        &json!({"communication": &report["communication"].as_array().unwrap()[..5]}),
        &json!({"communication": &full_content(&plan)["communication"]}),
        "five efforts as sent",
    );
}

#[tokio::test]
async fn patch_merges_into_the_report_and_needs_if_match() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &coordinator).await;
    let pid = &plan.pid;
    let path = report_path(pid, "2025-Q3");
    let content = full_content(&plan);
    let (_, etag) = create_report(&app, &coordinator, pid, "2025-Q3", &content).await;

    let patch = json!({
        "narrative": {"obstacles": "Minder vrijwilligers in de zomer."},
        "network": {"network_meetings": 5},
        "budget": {"spent": [{"budget_line_id": plan.lines[1], "amount": "10.00"}]},
        "communication": null
    });
    let response = app
        .request(Method::PATCH, &path, Some(&coordinator))
        .json(&patch)
        .send()
        .await
        .unwrap();
    problem(response, 428).await;
    let response = app
        .send_if_match(Method::PATCH, &path, &coordinator, &etag, Some(&patch))
        .await;
    assert_eq!(response.status(), 200, "PATCH with the current ETag");
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag);
    let patched = json_of(response).await;

    // Fields sent replace, the rest stays.
    let mut narrative = content["narrative"].clone();
    narrative["obstacles"] = json!("Minder vrijwilligers in de zomer.");
    assert_eq!(patched["narrative"], narrative);
    let mut network = content["network"].clone();
    network["network_meetings"] = json!(5);
    assert_eq!(patched["network"], network);
    // Lists are replaced as a whole.
    assert_eq!(
        patched["budget"]["spent"],
        json!([{"budget_line_id": plan.lines[1], "amount": "10.00"}])
    );
    assert_eq!(patched["budget"]["hours"], content["budget"]["hours"]);
    // null clears.
    assert!(
        is_empty_section(&patched["communication"]),
        "communication cleared: {}",
        patched["communication"]
    );
    assert_eq!(patched["reach"], content["reach"]);
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q3").await,
        (patched.clone(), new_etag.clone())
    );
    // Stale ETag.
    problem(
        app.send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &etag,
            Some(&json!({"network": {"network_meetings": 6}})),
        )
        .await,
        412,
    )
    .await;
    // Clearing one figure.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &coordinator,
            &new_etag,
            Some(&json!({"reach": {"key_person_contacts": null}})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cleared = json_of(response).await;
    assert!(cleared["reach"]["key_person_contacts"].is_null());
    assert_eq!(
        cleared["reach"]["per_target_group"],
        content["reach"]["per_target_group"]
    );
    // PATCH does not create.
    let response = app
        .send_if_match(
            Method::PATCH,
            &report_path(pid, "2025-Q4"),
            &coordinator,
            "\"1\"",
            Some(&json!({"network": {"network_meetings": 1}})),
        )
        .await;
    assert_eq!(
        response.status(),
        404,
        "PATCH of a report that does not exist"
    );
    assert_eq!(
        quarter_status(&app, &coordinator, pid, "2025-Q4").await["state"],
        "not_started"
    );
}
