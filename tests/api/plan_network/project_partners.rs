//! A project's partner links and their level history.

use super::*;

#[tokio::test]
async fn a_project_partner_keeps_a_history_of_its_levels() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Netwerk").await;
    let partner_id = partner(&app, &t.token, "Moskee Ulu Camii").await;
    let collection = lines_path(&pid, LINKS);

    let body = link_body(&partner_id);
    let response = app.post(&collection, &t.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    let link = json_of(response).await;
    assert_eq!(location, line_path(&pid, LINKS, &id_of(&link)));
    assert_eq!(link["project_id"], json!(pid));
    assert_eq!(link["partner_id"], json!(partner_id));
    assert_eq!(link["partner_name"], "Moskee Ulu Camii");
    assert_eq!(link["functions"], body["functions"]);
    assert_eq!(link["current_level"], "in_contact");
    assert_eq!(link["desired_level"], "collaborate");
    assert_eq!(link["level_since"], json!(days_ago(60)));
    assert_eq!(link["notes"], "Via de imam");
    let history = link["level_history"].as_array().expect("level_history");
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["level"], "in_contact");
    assert!(history[0]["previous_level"].is_null());
    assert_eq!(history[0]["reached_on"], json!(days_ago(60)));
    assert!(history[0]["recorded_at"].is_string());
    assert_eq!(fetch(&app, &t.token, &location).await, (link.clone(), etag));

    // Changes that leave the level alone add nothing.
    for patch in [
        json!({"notes": "Ook via de vrouwengroep"}),
        json!({"desired_level": "work_as_one"}),
        json!({"current_level": "in_contact"}),
    ] {
        let (patched, _) = write_ok(&app, &t.token, &location, Method::PATCH, None, &patch).await;
        assert_eq!(
            patched["level_history"], link["level_history"],
            "after {patch}"
        );
        assert_eq!(patched["current_level"], "in_contact");
    }

    // A new level with a date: recorded with that date and the old level.
    let (moved, _) = write_ok(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        &json!({"current_level": "coordinate", "level_since": days_ago(30)}),
    )
    .await;
    assert_eq!(moved["current_level"], "coordinate");
    assert_eq!(moved["level_since"], json!(days_ago(30)));
    let history = moved["level_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(
        history[0], link["level_history"][0],
        "the first entry stays"
    );
    assert_eq!(history[1]["level"], "coordinate");
    assert_eq!(history[1]["previous_level"], "in_contact");
    assert_eq!(history[1]["reached_on"], json!(days_ago(30)));

    // Renaming the partner in the register shows in the link.
    write_ok(
        &app,
        &t.token,
        &partner_path(&partner_id),
        Method::PATCH,
        None,
        &json!({"name": "Ulu Camii"}),
    )
    .await;
    assert_eq!(
        fetch(&app, &t.token, &location).await.0["partner_name"],
        "Ulu Camii"
    );

    // A new level without a date (the stored level_since is of the old level).
    let (moved, _) = write_ok(
        &app,
        &t.token,
        &location,
        Method::PATCH,
        None,
        &json!({"current_level": "collaborate"}),
    )
    .await;
    let history = moved["level_history"].as_array().unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    assert_eq!(history[2]["level"], "collaborate");
    assert_eq!(history[2]["previous_level"], "coordinate");
    // Oldest first.
    let recorded: Vec<&str> = history
        .iter()
        .map(|h| h["recorded_at"].as_str().unwrap())
        .collect();
    let parsed: Vec<chrono::DateTime<chrono::FixedOffset>> = recorded
        .iter()
        .map(|r| chrono::DateTime::parse_from_rfc3339(r).expect("recorded_at"))
        .collect();
    assert!(
        parsed.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {recorded:?}"
    );
    // ... is reached today.
    let today = todays();
    let reached = history[2]["reached_on"].as_str().unwrap().to_string();
    assert!(
        today.contains(&reached),
        "reached_on {reached}, today {today:?}"
    );
    assert_eq!(moved["level_since"], json!(reached));
}

#[tokio::test]
async fn a_partner_is_linked_once_per_project_with_valid_functions_and_dates() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Netwerk").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let partner_id = partner(&app, &t.token, "Moskee Ulu Camii").await;
    let second = partner(&app, &t.token, "Wijkteam Oost").await;
    let collection = lines_path(&pid, LINKS);

    create(&app, &t.token, &collection, &link_body(&partner_id)).await;
    let mut again = link_body(&partner_id);
    again["functions"] = json!(["collaboration_partner"]);
    assert_conflict(&app, &t.token, &collection, &again).await;
    // The same partner in another project is fine.
    create(
        &app,
        &t.token,
        &lines_path(&other, LINKS),
        &link_body(&partner_id),
    )
    .await;

    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
    for (change, pointer) in [
        (json!({"functions": []}), "/functions"),
        (json!({"functions": ["sponsor"]}), "/functions/0"),
        (json!({"current_level": "best_friends"}), "/current_level"),
        (json!({"desired_level": null}), "/desired_level"),
        (json!({"level_since": tomorrow}), "/level_since"),
        (json!({"partner_id": "geen-uuid"}), "/partner_id"),
        (json!({"notes": "n".repeat(4001)}), "/notes"),
    ] {
        let mut body = link_body(&second);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        assert_rejected(&app, &t.token, &collection, &body, &[pointer]).await;
    }
    // A function named twice is refused somewhere in /functions.
    let before = all_items(&app, &t.token, &collection).await;
    let mut body = link_body(&second);
    body["functions"] = json!(["referrer", "referrer"]);
    let response = app.post(&collection, &t.token, &body).await;
    let named = named_fields(&problem(response, 422).await);
    assert!(
        !named.is_empty() && named.iter().all(|p| p.starts_with("/functions")),
        "{named:?}"
    );
    assert_eq!(
        all_items(&app, &t.token, &collection).await,
        before,
        "nothing stored"
    );

    // A level change dated in the future is refused on PATCH too.
    let (link, _) = create(&app, &t.token, &collection, &link_body(&second)).await;
    assert_write_refused(
        &app,
        &t.token,
        &line_path(&pid, LINKS, &id_of(&link)),
        Method::PATCH,
        None,
        Some(&json!({"current_level": "collaborate", "level_since": tomorrow})),
        Refused::Invalid(&["/level_since"]),
    )
    .await;
}

#[tokio::test]
async fn a_partner_linked_to_a_project_cannot_be_deleted_until_the_link_is() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Netwerk").await;
    let partner_id = partner(&app, &t.token, "Moskee Ulu Camii").await;
    let path = partner_path(&partner_id);
    let (link, _) = create(
        &app,
        &t.token,
        &lines_path(&pid, LINKS),
        &link_body(&partner_id),
    )
    .await;
    let link_path = line_path(&pid, LINKS, &id_of(&link));

    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::DELETE,
        None,
        None,
        Refused::Conflict,
    )
    .await;
    assert_eq!(
        fetch(&app, &t.token, &link_path).await.0,
        link,
        "the link is untouched"
    );

    assert_eq!(
        delete_current(&app, &t.token, &link_path).await.status(),
        204
    );
    problem(app.get(&link_path, &t.token).await, 404).await;
    let response = delete_current(&app, &t.token, &path).await;
    assert_eq!(response.status(), 204);
    problem(app.get(&path, &t.token).await, 404).await;
    assert!(all_items(&app, &t.token, REGISTER).await.is_empty());
}
