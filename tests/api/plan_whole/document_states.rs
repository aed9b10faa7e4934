//! A plan document may pass through states the end result does not have.

use super::*;

#[tokio::test]
async fn a_plan_may_replace_a_line_by_a_new_one_for_the_same_key_and_swap_names() {
    let app = spawn_app().await;
    let admin = app.tenant("Swap").await;
    let pid = new_project(&app, &admin.token, "Wisselen").await;
    let old = create(
        &app,
        &admin.token,
        &lines_path(&pid, "hours"),
        &hours_line("outreach", "2026-Q3", "10", "50"),
    )
    .await
    .0;
    create(
        &app,
        &admin.token,
        &lines_path(&pid, "target-groups"),
        &json!({"name": "A", "languages": ["tr"]}),
    )
    .await;
    create(
        &app,
        &admin.token,
        &lines_path(&pid, "target-groups"),
        &json!({"name": "B", "languages": ["ar"]}),
    )
    .await;

    let (mut doc, etag) = get_plan(&app, &admin.token, &pid).await;
    doc["hours"] = json!([hours_line("outreach", "2026-Q3", "12", "50")]);
    doc["target_groups"][0]["name"] = json!("B");
    doc["target_groups"][1]["name"] = json!("A");
    let response = put_plan(&app, &admin.token, &pid, &etag, &doc).await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );

    let hours = list(&app, &admin.token, &pid, "hours").await;
    assert_eq!(hours.len(), 1);
    assert_ne!(
        hours[0]["id"], old["id"],
        "the new line replaced the old one"
    );
    assert_eq!(hours[0]["hours"], "12.00");
    let names: Vec<Value> = list(&app, &admin.token, &pid, "target-groups")
        .await
        .iter()
        .map(|g| json!([g["name"], g["languages"][0]]))
        .collect();
    assert_eq!(names, [json!(["B", "tr"]), json!(["A", "ar"])]);
}

#[tokio::test]
async fn a_plan_that_ends_with_a_repeated_key_is_refused_whole() {
    let app = spawn_app().await;
    let admin = app.tenant("Twice").await;
    let pid = new_project(&app, &admin.token, "Dubbel").await;
    let (mut doc, etag) = get_plan(&app, &admin.token, &pid).await;
    doc["budget_lines"] = json!([budget_line("venue", "Zaal", "100", &[])]);
    doc["hours"] = json!([
        hours_line("outreach", "2026-Q3", "10", "50"),
        hours_line("outreach", "2026-Q3", "12", "50")
    ]);
    let refused = problem(put_plan(&app, &admin.token, &pid, &etag, &doc).await, 409).await;
    assert_eq!(named_fields(&refused), ["/quarter"], "{refused}");
    let (after, etag_after) = get_plan(&app, &admin.token, &pid).await;
    assert_eq!(etag_after, etag, "nothing stored");
    assert_eq!(after["budget_lines"], json!([]));
}

#[tokio::test]
async fn a_refused_status_move_inside_the_plan_names_the_line() {
    let app = spawn_app().await;
    let admin = app.tenant("Move").await;
    let pid = new_project(&app, &admin.token, "Status").await;
    let oranje = register_funder(&app, &admin.token, "Oranje Fonds", "fund").await;
    create(
        &app,
        &admin.token,
        &lines_path(&pid, "fund-applications"),
        &json!({"funder_id": oranje, "amount_requested": "100",
                "amount_granted": "100", "status": "granted", "decided_on": "2026-02-01"}),
    )
    .await;
    let (mut doc, etag) = get_plan(&app, &admin.token, &pid).await;
    doc["fund_applications"][0]["status"] = json!("draft");
    doc["fund_applications"][0]["amount_granted"] = Value::Null;
    doc["fund_applications"][0]["decided_on"] = Value::Null;
    let refused = problem(put_plan(&app, &admin.token, &pid, &etag, &doc).await, 422).await;
    assert_eq!(
        named_fields(&refused),
        ["/fund_applications/0/status"],
        "{refused}"
    );
}

#[tokio::test]
async fn a_stale_etag_hears_412_before_a_refused_status_move() {
    let app = spawn_app().await;
    let admin = app.tenant("Stale").await;
    let pid = new_project(&app, &admin.token, "Oud").await;
    let funder = register_funder(&app, &admin.token, "Gemeente", "municipality").await;
    let granted = create(
        &app,
        &admin.token,
        &lines_path(&pid, "fund-applications"),
        &json!({"funder_id": funder, "amount_requested": "100",
                "amount_granted": "100", "status": "granted", "decided_on": "2026-02-01"}),
    )
    .await
    .0;
    let path = lines_path(&pid, &format!("fund-applications/{}", id_of(&granted)));
    let body = json!({"status": "submitted", "amount_granted": null, "decided_on": null});
    let stale = app
        .send_if_match(Method::PATCH, &path, &admin.token, "\"999\"", Some(&body))
        .await;
    problem(stale, 412).await;
    let current = app
        .send_if_match(Method::PATCH, &path, &admin.token, "*", Some(&body))
        .await;
    let refused = problem(current, 409).await;
    assert_eq!(refused["allowed"], json!([]));
}

#[tokio::test]
async fn a_translation_total_beyond_ten_million_is_refused() {
    let app = spawn_app().await;
    let admin = app.tenant("Big").await;
    let pid = new_project(&app, &admin.token, "Groot").await;
    let body = translation("Archief", &["tr", "ar", "ti"], "words", "10000000", "0.50");
    let refused = problem(
        app.post(&lines_path(&pid, "translation-costs"), &admin.token, &body)
            .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/quantity"], "{refused}");
    assert!(
        list(&app, &admin.token, &pid, "translation-costs")
            .await
            .is_empty()
    );
}
