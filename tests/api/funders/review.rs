//! Who reviews a project's reports: the funder, through its linked account, where a fund
//! application says so (the default); otherwise the organisation, where the one who
//! submitted a report does not accept it.

use reqwest::Method;
use serde_json::json;

use super::shared::{applied, linked, report};
use crate::helpers::{
    act, id_of, json_of, lines_path, problem, register_funder, report_path, spawn_app,
};

#[tokio::test]
async fn the_funder_reviews_where_its_application_says_so() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (utrecht, code) = app.funder_account("Gemeente Utrecht").await;
    let entry = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;
    let pid = applied(&app, &org, "Mantelzorg in de wijk", &entry, "submitted").await;
    let applications = json_of(
        app.get(&lines_path(&pid, "fund-applications"), &org.token)
            .await,
    )
    .await;
    assert_eq!(
        applications["items"][0]["report_reviewer"], "funder",
        "the default"
    );
    linked(&app, &org, &entry, &code, &utrecht).await;
    report(&app, &org, &pid, "2026-Q1", true).await;
    let (reviewer_id, reviewer) = app.user_with_role(&utrecht, "reviewer").await;
    let (_, viewer) = app.user_with_role(&utrecht, "viewer").await;
    let (_, second_admin) = app.user_with_role(&org, "admin").await;

    // The organisation's admins no longer accept or return; the funder's viewer neither.
    for token in [&org.token, &second_admin] {
        let refused = problem(
            act(&app, token, &pid, "2026-Q1", "accept", None, None).await,
            403,
        )
        .await;
        assert!(
            refused["detail"]
                .as_str()
                .unwrap()
                .contains("funder reviews"),
            "{refused}"
        );
    }
    assert_eq!(
        act(&app, &viewer, &pid, "2026-Q1", "accept", None, None)
            .await
            .status(),
        403
    );

    // The funder's reviewer returns it, with a reason, as the actor of the event.
    let body = json!({"reason": "Het bereik per doelgroep ontbreekt."});
    let response = act(
        &app,
        &reviewer,
        &pid,
        "2026-Q1",
        "return",
        Some(&body),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["state"], "returned");
    let events = json_of(
        app.get(
            &format!("{}/events", report_path(&pid, "2026-Q1")),
            &org.token,
        )
        .await,
    )
    .await;
    let last = events["items"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(last["action"], "returned");
    assert_eq!(last["actor"], format!("user:{reviewer_id}"));
    assert_eq!(last["reason"], "Het bereik per doelgroep ontbreekt.");

    // Submitted again by the organisation, accepted by the funder's admin.
    let resubmitted = act(&app, &org.token, &pid, "2026-Q1", "submit", None, None).await;
    assert_eq!(resubmitted.status(), 200);
    let accepted = act(&app, &utrecht.token, &pid, "2026-Q1", "accept", None, None).await;
    assert_eq!(json_of(accepted).await["state"], "accepted");
    // Only the organisation reopens for correction.
    let why = json!({"reason": "Typefout in het verslag"});
    assert_eq!(
        act(&app, &reviewer, &pid, "2026-Q1", "reopen", Some(&why), None)
            .await
            .status(),
        403
    );
    let reopened = act(
        &app,
        &org.token,
        &pid,
        "2026-Q1",
        "reopen",
        Some(&why),
        None,
    )
    .await;
    assert_eq!(json_of(reopened).await["state"], "draft");
    // A draft is not the funder's to see, let alone review.
    assert_eq!(
        act(&app, &reviewer, &pid, "2026-Q1", "accept", None, None)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn where_the_organisation_reviews_the_submitter_does_not_accept() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (fonds, code) = app.funder_account("Oranje Fonds").await;
    let entry = register_funder(&app, &org.token, "Oranje Fonds", "fund").await;
    let pid = applied(&app, &org, "Jonge mantelzorgers", &entry, "submitted").await;
    let applications = json_of(
        app.get(&lines_path(&pid, "fund-applications"), &org.token)
            .await,
    )
    .await;
    let path = format!(
        "{}/{}",
        lines_path(&pid, "fund-applications"),
        id_of(&applications["items"][0])
    );
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &org.token,
            "*",
            Some(&json!({"report_reviewer": "organisation"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["report_reviewer"], "organisation");
    let refused = app
        .send_if_match(
            Method::PATCH,
            &path,
            &org.token,
            "*",
            Some(&json!({"report_reviewer": "fonds"})),
        )
        .await;
    assert_eq!(
        crate::helpers::named_fields(&problem(refused, 422).await),
        ["/report_reviewer"]
    );

    linked(&app, &org, &entry, &code, &fonds).await;
    report(&app, &org, &pid, "2026-Q1", true).await;
    report(&app, &org, &pid, "2026-Q2", true).await;
    let (_, reviewer) = app.user_with_role(&fonds, "reviewer").await;
    // The linked funder reads the report but does not review it.
    assert_eq!(
        app.get(&report_path(&pid, "2026-Q1"), &reviewer)
            .await
            .status(),
        200
    );
    let refused = problem(
        act(&app, &reviewer, &pid, "2026-Q1", "accept", None, None).await,
        403,
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("organisation reviews"),
        "{refused}"
    );

    // The admin who submitted does not accept; another admin does. Returning stays open
    // to the submitter (it only sends the report back).
    let own = problem(
        act(&app, &org.token, &pid, "2026-Q1", "accept", None, None).await,
        409,
    )
    .await;
    assert!(
        own["detail"].as_str().unwrap().contains("You submitted"),
        "{own}"
    );
    let (_, second_admin) = app.user_with_role(&org, "admin").await;
    let accepted = act(&app, &second_admin, &pid, "2026-Q1", "accept", None, None).await;
    assert_eq!(json_of(accepted).await["state"], "accepted");
    let body = json!({"reason": "Nog niet compleet"});
    let returned = act(
        &app,
        &org.token,
        &pid,
        "2026-Q2",
        "return",
        Some(&body),
        None,
    )
    .await;
    assert_eq!(json_of(returned).await["state"], "returned");
}

#[tokio::test]
async fn until_the_link_is_accepted_the_organisation_reviews() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (utrecht, code) = app.funder_account("Gemeente Utrecht").await;
    let entry = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;
    let pid = applied(&app, &org, "Mantelzorg in de wijk", &entry, "submitted").await;
    report(&app, &org, &pid, "2026-Q1", true).await;
    // Requested but not answered: the funder sees and reviews nothing.
    let response = app
        .post(
            "/api/v1/funder-links",
            &org.token,
            &json!({"funder_id": entry, "funder_code": code}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        act(&app, &utrecht.token, &pid, "2026-Q1", "accept", None, None)
            .await
            .status(),
        404
    );
    let (_, second_admin) = app.user_with_role(&org, "admin").await;
    let accepted = act(&app, &second_admin, &pid, "2026-Q1", "accept", None, None).await;
    assert_eq!(json_of(accepted).await["state"], "accepted");
}
