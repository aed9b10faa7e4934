//! Targets: each theme's subject fields, amounts, quarters and uniqueness.

use super::*;

#[tokio::test]
async fn a_target_of_every_theme_is_created_and_read_back_as_sent() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Doelen").await;
    let collection = lines_path(&pid, TARGETS);
    let group = target_group(&app, &t.token, &pid, "Turkse mantelzorgers").await;
    let line = budget_line(&app, &t.token, &pid, &[]).await;

    let bodies = [
        json!({"theme": "reach", "quarter": "2026-Q3", "target_group_id": group, "planned": "120", "notes": "Via sleutelpersonen"}),
        json!({"theme": "reach", "quarter": null, "planned": "400"}),
        json!({"theme": "partners", "quarter": "2026-Q4", "ladder_level": "coordinate", "planned": "5"}),
        json!({"theme": "communication", "quarter": "2027-Q1", "channel": "flyers", "language": "tr", "planned": "3"}),
        json!({"theme": "communication", "quarter": "2027-Q1", "channel": "radio", "planned": "2"}),
        json!({"theme": "hours", "quarter": "2026-Q2", "activity": "outreach", "planned": "40.50"}),
        json!({"theme": "spend", "quarter": "2026-Q2", "budget_line_id": line, "planned": "1250.75"}),
        json!({"theme": "spend", "quarter": "2026-Q2", "category": "translation", "planned": "300"}),
    ];
    let mut created = Vec::new();
    for body in &bodies {
        let response = app.post(&collection, &t.token, body).await;
        assert_eq!(response.status(), 201, "create {body}");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let etag = etag_of(&response);
        version(&etag);
        let target = json_of(response).await;
        let id = id_of(&target);
        assert_eq!(location, line_path(&pid, TARGETS, &id));
        assert_eq!(target["project_id"], json!(pid));
        for field in [
            "theme",
            "quarter",
            "target_group_id",
            "ladder_level",
            "channel",
            "language",
            "activity",
            "budget_line_id",
            "category",
            "notes",
        ] {
            assert_eq!(target[field], body[field], "{field} of {body}");
        }
        assert_eq!(amount(&target["planned"]), amount(&body["planned"]));
        assert!(target["created_at"].is_string() && target["updated_at"].is_string());
        assert_eq!(
            fetch(&app, &t.token, &location).await,
            (target.clone(), etag)
        );
        created.push(target);
    }
    assert_eq!(all_items(&app, &t.token, &collection).await, created);
}

#[tokio::test]
async fn a_subject_field_that_does_not_apply_to_the_theme_is_422_at_that_field() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Doelen").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let collection = lines_path(&pid, TARGETS);
    let group = target_group(&app, &t.token, &pid, "Eigen groep").await;
    let foreign_group = target_group(&app, &t.token, &other, "Andere groep").await;
    let line = budget_line(&app, &t.token, &pid, &[]).await;
    let foreign_line = budget_line(&app, &t.token, &other, &[]).await;
    let unknown = uuid::Uuid::new_v4().to_string();

    for (body, pointer) in [
        (
            json!({"theme": "reach", "ladder_level": "in_contact", "planned": "10"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "reach", "channel": "flyers", "planned": "10"}),
            "/channel",
        ),
        (
            json!({"theme": "reach", "target_group_id": foreign_group, "planned": "10"}),
            "/target_group_id",
        ),
        (
            json!({"theme": "reach", "target_group_id": unknown, "planned": "10"}),
            "/target_group_id",
        ),
        (
            json!({"theme": "partners", "planned": "3"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "partners", "ladder_level": null, "planned": "3"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "partners", "ladder_level": "best_friends", "planned": "3"}),
            "/ladder_level",
        ),
        (
            json!({"theme": "partners", "ladder_level": "coordinate", "activity": "outreach", "planned": "3"}),
            "/activity",
        ),
        (
            json!({"theme": "communication", "target_group_id": group, "planned": "2"}),
            "/target_group_id",
        ),
        (
            json!({"theme": "communication", "channel": "carrier_pigeon", "planned": "2"}),
            "/channel",
        ),
        (
            json!({"theme": "communication", "language": "xx", "planned": "2"}),
            "/language",
        ),
        (
            json!({"theme": "hours", "budget_line_id": line, "planned": "8"}),
            "/budget_line_id",
        ),
        (
            json!({"theme": "hours", "language": "ar", "planned": "8"}),
            "/language",
        ),
        (
            json!({"theme": "spend", "budget_line_id": line, "category": "communication", "planned": "100"}),
            "/category",
        ),
        (
            json!({"theme": "spend", "activity": "training", "planned": "100"}),
            "/activity",
        ),
        (
            json!({"theme": "spend", "budget_line_id": foreign_line, "planned": "100"}),
            "/budget_line_id",
        ),
        (json!({"theme": "visits", "planned": "1"}), "/theme"),
        (json!({"theme": "reach"}), "/planned"),
    ] {
        assert_rejected(&app, &t.token, &collection, &body, &[pointer]).await;
    }

    // A merge patch whose result breaks the rule is refused the same way.
    let (reach, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "reach", "target_group_id": group, "planned": "10"}),
    )
    .await;
    let path = line_path(&pid, TARGETS, &id_of(&reach));
    for (body, pointer) in [
        (json!({"ladder_level": "collaborate"}), "/ladder_level"),
        (
            json!({"target_group_id": foreign_group}),
            "/target_group_id",
        ),
        (json!({"theme": "hours"}), "/target_group_id"),
    ] {
        assert_write_refused(
            &app,
            &t.token,
            &path,
            Method::PATCH,
            None,
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
}

#[tokio::test]
async fn counts_are_whole_numbers_but_hours_and_spend_may_have_decimals() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Aantallen").await;
    let collection = lines_path(&pid, TARGETS);

    for body in [
        json!({"theme": "reach", "planned": "12.50"}),
        json!({"theme": "reach", "planned": "12.5"}),
        json!({"theme": "partners", "ladder_level": "in_contact", "planned": "2.5"}),
        json!({"theme": "communication", "planned": "0.10"}),
    ] {
        assert_rejected(&app, &t.token, &collection, &body, &["/planned"]).await;
    }
    for planned in ["-1", "1.234", "veel"] {
        let body = json!({"theme": "hours", "planned": planned});
        assert_rejected(&app, &t.token, &collection, &body, &["/planned"]).await;
    }

    let (reach, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "reach", "planned": "12"}),
    )
    .await;
    assert_eq!(amount(&reach["planned"]), Decimal::from(12));
    let (hours, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "hours", "planned": "12.50"}),
    )
    .await;
    assert_eq!(
        amount(&hours["planned"]),
        Decimal::from_str("12.5").unwrap()
    );
    let (spend, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "spend", "planned": "1250.75"}),
    )
    .await;
    assert_eq!(
        amount(&spend["planned"]),
        Decimal::from_str("1250.75").unwrap()
    );

    // Changing a count to a fraction is refused too.
    let path = line_path(&pid, TARGETS, &id_of(&reach));
    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        Some(&json!({"planned": "12.25"})),
        Refused::Invalid(&["/planned"]),
    )
    .await;
}

#[tokio::test]
async fn a_target_quarter_must_lie_inside_the_project_period() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Kwartalen").await;
    let collection = lines_path(&pid, TARGETS);

    for quarter in ["2025-Q4", "2028-Q1", "2026-Q5", "2026-3", "Q1-2026"] {
        let body = json!({"theme": "reach", "quarter": quarter, "planned": "10"});
        assert_rejected(&app, &t.token, &collection, &body, &["/quarter"]).await;
    }
    // The first and last quarter of the period, and the whole project, are fine.
    for quarter in [json!("2026-Q1"), json!("2027-Q4"), Value::Null] {
        let body = json!({"theme": "reach", "quarter": quarter, "planned": "10"});
        let (target, _) = create(&app, &t.token, &collection, &body).await;
        assert_eq!(target["quarter"], quarter);
    }
    let (target, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "hours", "planned": "10"}),
    )
    .await;
    assert!(
        target["quarter"].is_null(),
        "absent quarter: the whole project"
    );
}

#[tokio::test]
async fn a_second_target_with_the_same_theme_subject_and_quarter_is_409() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Dubbel").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let collection = lines_path(&pid, TARGETS);
    let group = target_group(&app, &t.token, &pid, "Groep").await;

    let cases = [
        json!({"theme": "reach", "quarter": "2026-Q3", "target_group_id": group, "planned": "10"}),
        json!({"theme": "reach", "quarter": null, "target_group_id": group, "planned": "10"}),
        json!({"theme": "reach", "quarter": "2026-Q3", "planned": "10"}),
        json!({"theme": "reach", "quarter": null, "planned": "10"}),
        json!({"theme": "partners", "quarter": "2026-Q3", "ladder_level": "coordinate", "planned": "4"}),
        json!({"theme": "communication", "quarter": "2026-Q3", "channel": "flyers", "language": "tr", "planned": "4"}),
        json!({"theme": "communication", "quarter": "2026-Q3", "channel": "flyers", "planned": "4"}),
        json!({"theme": "hours", "quarter": null, "planned": "100"}),
        json!({"theme": "spend", "quarter": "2026-Q3", "category": "venue", "planned": "100"}),
    ];
    // Each differs from the others in subject or quarter, so all are accepted once.
    for body in &cases {
        create(&app, &t.token, &collection, body).await;
    }
    // The same again (with another planned figure) is refused, nothing stored.
    for body in &cases {
        let mut again = body.clone();
        again["planned"] = json!("7");
        again["notes"] = json!("nog een keer");
        assert_conflict(&app, &t.token, &collection, &again).await;
    }
    // Another project may have the same.
    create(
        &app,
        &t.token,
        &lines_path(&other, TARGETS),
        &json!({"theme": "reach", "quarter": null, "planned": "10"}),
    )
    .await;

    // Changing a target so it equals another is refused too.
    let (moved, _) = create(
        &app,
        &t.token,
        &collection,
        &json!({"theme": "partners", "quarter": "2026-Q3", "ladder_level": "collaborate", "planned": "2"}),
    )
    .await;
    assert_write_refused(
        &app,
        &t.token,
        &line_path(&pid, TARGETS, &id_of(&moved)),
        Method::PATCH,
        None,
        Some(&json!({"ladder_level": "coordinate"})),
        Refused::Conflict,
    )
    .await;
}

#[tokio::test]
async fn a_target_group_or_budget_line_a_target_refers_to_cannot_be_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Verwijzingen").await;
    let group = target_group(&app, &t.token, &pid, "Groep").await;
    let line = budget_line(&app, &t.token, &pid, &[]).await;
    let (reach, _) = create(
        &app,
        &t.token,
        &lines_path(&pid, TARGETS),
        &json!({"theme": "reach", "target_group_id": group, "planned": "10"}),
    )
    .await;
    let (spend, _) = create(
        &app,
        &t.token,
        &lines_path(&pid, TARGETS),
        &json!({"theme": "spend", "budget_line_id": line, "planned": "500"}),
    )
    .await;

    let referred = [
        (
            line_path(&pid, "target-groups", &group),
            line_path(&pid, TARGETS, &id_of(&reach)),
        ),
        (
            line_path(&pid, "budget-lines", &line),
            line_path(&pid, TARGETS, &id_of(&spend)),
        ),
    ];
    for (path, target) in &referred {
        assert_write_refused(
            &app,
            &t.token,
            path,
            Method::DELETE,
            None,
            None,
            Refused::Conflict,
        )
        .await;
        fetch(&app, &t.token, target).await;
    }
    // Once the target is gone, so can the line be.
    for (path, target) in &referred {
        assert_eq!(delete_current(&app, &t.token, target).await.status(), 204);
        assert_eq!(delete_current(&app, &t.token, path).await.status(), 204);
        problem(app.get(path, &t.token).await, 404).await;
    }
}
