//! The plan as one document: refused writes change nothing.

use super::*;

#[tokio::test]
async fn writing_the_plan_needs_the_current_etag_and_a_coordinator_or_admin() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (_, coordinator) = app.user_with_role(&tenant, "coordinator").await;
    let pid = new_project(&app, &tenant.token, "Versies").await;
    seed(&app, &tenant.token, &pid).await;
    let (_, stale) = get_plan(&app, &tenant.token, &pid).await;

    // A change through a part's own endpoint makes the plan's ETag stale.
    let line = list(&app, &tenant.token, &pid, "budget-lines").await[4].clone();
    let path = lines_path(&pid, &format!("budget-lines/{}", id_of(&line)));
    let line_etag = etag_of(&app.get(&path, &tenant.token).await);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &line_etag,
            Some(&json!({"amount": "95.00"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (current, etag) = get_plan(&app, &tenant.token, &pid).await;
    assert_ne!(etag, stale);
    let mut doc = current.clone();
    doc["budget_lines"][4]["amount"] = json!("120.00");

    let response = put_plan(&app, &tenant.token, &pid, &stale, &doc).await;
    problem(response, 412).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current.clone(), etag.clone()),
        "412 changed nothing"
    );

    let response = app
        .request(Method::PUT, &lines_path(&pid, "plan"), Some(&tenant.token))
        .json(&doc)
        .send()
        .await
        .expect("request");
    problem(response, 428).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current.clone(), etag.clone()),
        "428 changed nothing"
    );

    let response = put_plan(&app, &viewer, &pid, &etag, &doc).await;
    problem(response, 403).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current.clone(), etag.clone()),
        "403 changed nothing"
    );

    // A coordinator with the current ETag may.
    let response = put_plan(&app, &coordinator, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        json_of(response).await["budget_lines"][4]["amount"],
        "120.00"
    );

    // Another organisation: 404, whatever the ETag.
    let stranger = app.tenant("Organisatie B").await;
    problem(
        app.get(&lines_path(&pid, "plan"), &stranger.token).await,
        404,
    )
    .await;
    problem(put_plan(&app, &stranger.token, &pid, "*", &doc).await, 404).await;
}

#[tokio::test]
async fn an_unknown_section_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Onbekend").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, _) = get_plan(&app, &tenant.token, &pid).await;
    let mut doc = before.clone();
    doc["budget_lines"][0]["description"] = json!("Gewijzigd");
    doc["milestones"] = json!([{"name": "Start"}]);
    assert_plan_refused(&app, &tenant.token, &pid, &doc, "/milestones").await;
}

#[tokio::test]
async fn a_new_fund_application_can_cover_a_new_budget_line_of_the_same_document() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Nieuwe regels").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, etag) = get_plan(&app, &tenant.token, &pid).await;

    let client_id = uuid::Uuid::new_v4().to_string();
    let vsb = register_funder(&app, &tenant.token, "VSB Fonds", "fund").await;
    let mut doc = before.clone();
    let mut line = budget_line(
        "materials",
        "Spelmateriaal voor bijeenkomsten",
        "240.00",
        &[],
    );
    line["id"] = json!(client_id);
    doc["budget_lines"].as_array_mut().unwrap().push(line);
    doc["fund_applications"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "funder_id": vsb,
            "amount_requested": "240.00", "status": "draft",
            "budget_line_ids": [client_id]
        }));
    let response = put_plan(&app, &tenant.token, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200, "PUT plan");
    let stored = json_of(response).await;

    let lines = stored["budget_lines"].as_array().unwrap();
    assert_eq!(
        lines.len(),
        before["budget_lines"].as_array().unwrap().len() + 1
    );
    let new_line = lines.last().unwrap();
    assert_eq!(new_line["description"], "Spelmateriaal voor bijeenkomsten");
    assert_eq!(new_line["amount"], "240.00");
    let applications = stored["fund_applications"].as_array().unwrap();
    let new_application = applications.last().unwrap();
    assert_eq!(new_application["funder_id"], json!(vsb));
    assert_eq!(
        new_application["budget_line_ids"],
        json!([new_line["id"]]),
        "the application covers the new line"
    );
    assert_eq!(get_plan(&app, &tenant.token, &pid).await.0, stored);
    let response = app
        .get(
            &lines_path(
                &pid,
                &format!("fund-applications/{}", id_of(new_application)),
            ),
            &tenant.token,
        )
        .await;
    assert_eq!(
        json_of(response).await["budget_line_ids"],
        json!([new_line["id"]])
    );
}

/// A document that cannot be read is refused for what is wrong with it, whatever the
/// If-Match: the client learns every field to fix, not that it should read the plan
/// again only to be refused next time.
#[tokio::test]
async fn a_malformed_document_is_422_naming_every_field_even_with_a_stale_etag() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Kapot").await;
    seed(&app, &tenant.token, &pid).await;
    let (current, etag) = get_plan(&app, &tenant.token, &pid).await;
    let mut doc = current.clone();
    doc["project"]["name"] = json!("");
    let partner = doc["partners"][0]["partner_id"].clone();
    doc["partners"] = json!([{ "partner_id": partner }]);
    doc["hours"][0]["hours"] = json!("veel");

    for if_match in ["\"1\"", etag.as_str()] {
        let body = problem(
            put_plan(&app, &tenant.token, &pid, if_match, &doc).await,
            422,
        )
        .await;
        let pointers: Vec<&str> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["pointer"].as_str())
            .collect();
        for wanted in ["/project/name", "/partners/0/functions", "/hours/0/hours"] {
            assert!(
                pointers.contains(&wanted),
                "If-Match {if_match}: {wanted} is named in {pointers:?}"
            );
        }
    }
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current, etag),
        "422 changed nothing"
    );
}
