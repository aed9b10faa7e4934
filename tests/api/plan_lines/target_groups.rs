//! Target groups: create and languages.

use super::*;

#[tokio::test]
async fn a_target_group_is_created_with_201_location_etag_and_get_and_list_agree() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Doelgroepen").await;
    let collection = lines_path(&pid, TARGET_GROUPS);

    let response = app
        .post(
            &collection,
            &tenant.token,
            &target_group_body("Turks-Nederlandse mantelzorgers"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "id is a UUID: {id}");
    assert_eq!(
        location,
        format!("/api/v1/projects/{pid}/target-groups/{id}")
    );
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["name"], "Turks-Nederlandse mantelzorgers");
    assert_eq!(
        created["description"],
        "Mantelzorgers met een Turkse achtergrond in Oost"
    );
    assert_eq!(created["languages"], json!(["tr", "nl"]));
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());
    let mut keys: Vec<&str> = created
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "created_at",
            "description",
            "id",
            "languages",
            "name",
            "project_id",
            "updated_at"
        ]
    );

    let (got, got_etag) = fetch(&app, &tenant.token, &location).await;
    assert_eq!(got, created, "GET gives what POST returned");
    assert_eq!(got_etag, etag);
    let listed = json_of(app.get(&collection, &tenant.token).await).await;
    assert_eq!(listed["items"], json!([created]));
    assert!(listed["next_cursor"].is_null());
}

#[tokio::test]
async fn languages_are_iso_639_1_codes_or_639_3_codes_for_languages_without_one() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Talen").await;
    let collection = lines_path(&pid, TARGET_GROUPS);
    let languages = json!(["tr", "ar", "nl", "ti", "zgh", "srn", "pap"]);
    let body = json!({"name": "Veel talen", "description": null, "languages": languages});
    let (created, _) = create(&app, &tenant.token, &lines_path(&pid, TARGET_GROUPS), &body).await;
    assert_eq!(created["languages"], languages);
    assert!(created["description"].is_null());
    let (got, _) = fetch(
        &app,
        &tenant.token,
        &line_path(&pid, TARGET_GROUPS, &id_of(&created)),
    )
    .await;
    assert_eq!(got["languages"], languages, "stored as sent");

    // Tigrinya has a 639-1 code, so its 639-3 code is refused, pointing at the right one.
    let body = json!({"name": "Tigrinya", "description": null, "languages": ["nl", "tir"]});
    let problem = assert_rejected(&app, &tenant.token, &collection, &body, &["/languages/1"]).await;
    let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(
        message
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| word == "ti"),
        "the message names \"ti\": {message}"
    );
}

#[tokio::test]
async fn an_unknown_uppercase_or_repeated_language_is_422_at_its_index() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Talen").await;
    let collection = lines_path(&pid, TARGET_GROUPS);
    for (languages, pointer) in [
        (json!(["nl", "xx"]), "/languages/1"),
        (json!(["TR"]), "/languages/0"),
        (json!(["nl", "ar", "Nl"]), "/languages/2"),
        (json!(["nl", "tr", "nl"]), "/languages/2"),
        (json!(["zgh", "ar", "zgh"]), "/languages/2"),
        (json!(["nl", 5]), "/languages/1"),
    ] {
        let body = json!({"name": "Groep", "description": null, "languages": languages});
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }
}

#[tokio::test]
async fn target_group_name_and_description_limits_and_a_repeated_name_are_refused() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Namen").await;
    let other_pid = new_project(&app, &tenant.token, "Ander project").await;
    let collection = lines_path(&pid, TARGET_GROUPS);

    for name in ["", "   "] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &target_group_body(name),
            &["/name"],
        )
        .await;
    }
    let long = "ë".repeat(201);
    assert_rejected(
        &app,
        &tenant.token,
        &collection,
        &target_group_body(&long),
        &["/name"],
    )
    .await;
    let mut body = target_group_body("Lange beschrijving");
    body["description"] = json!("d".repeat(4001));
    assert_rejected(&app, &tenant.token, &collection, &body, &["/description"]).await;
    let mut body = target_group_body("Zonder naam");
    body.as_object_mut().unwrap().remove("name");
    assert_rejected(&app, &tenant.token, &collection, &body, &["/name"]).await;
    let mut body = target_group_body("Kleur");
    body["colour"] = json!("blauw");
    assert_rejected(&app, &tenant.token, &collection, &body, &["/colour"]).await;

    // The limits themselves are fine.
    let mut body = target_group_body(&"ë".repeat(200));
    body["description"] = json!("d".repeat(4000));
    create(&app, &tenant.token, &lines_path(&pid, TARGET_GROUPS), &body).await;

    let (first, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Eritrese mantelzorgers"),
    )
    .await;
    let before = all_items(&app, &tenant.token, &collection).await;
    let response = app
        .post(
            &collection,
            &tenant.token,
            &target_group_body("Eritrese mantelzorgers"),
        )
        .await;
    problem(response, 409).await;
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        before,
        "no second one stored"
    );
    // The same name in another project is fine.
    create(
        &app,
        &tenant.token,
        &lines_path(&other_pid, TARGET_GROUPS),
        &target_group_body("Eritrese mantelzorgers"),
    )
    .await;

    // Renaming another group to the taken name is refused too.
    let (second, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Syrische mantelzorgers"),
    )
    .await;
    let path = line_path(&pid, TARGET_GROUPS, &id_of(&second));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"name": first["name"]})),
        Refused::Conflict,
    )
    .await;
}
