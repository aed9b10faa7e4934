//! Merge patch and PUT of target groups and hours.

use super::*;

#[tokio::test]
async fn patching_a_target_group_changes_only_what_is_sent_and_null_clears_description() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Eerst"),
    )
    .await;
    let path = line_path(&pid, TARGET_GROUPS, &id_of(&created));

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"name": "Daarna"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert!(version(&etag2) > version(&etag), "{etag2} after {etag}");
    let renamed = json_of(response).await;
    assert_eq!(renamed["name"], "Daarna");
    assert_eq!(renamed["languages"], json!(["tr", "nl"]), "languages kept");
    assert_eq!(
        renamed["description"], created["description"],
        "description kept"
    );
    assert_eq!(renamed["created_at"], created["created_at"]);

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag2,
            Some(&json!({"description": null})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag3 = etag_of(&response);
    assert!(version(&etag3) > version(&etag2));
    let cleared = json_of(response).await;
    assert!(cleared["description"].is_null(), "null clears description");
    assert_eq!(cleared["name"], "Daarna");
    assert_eq!(cleared["languages"], json!(["tr", "nl"]));
    assert_eq!(
        fetch(&app, &tenant.token, &path).await,
        (cleared, etag3.clone())
    );

    for (body, pointer) in [
        (json!({"name": null}), "/name"),
        (json!({"name": " "}), "/name"),
        (json!({"languages": ["nl", "xx"]}), "/languages/1"),
        (json!({"colour": "blauw"}), "/colour"),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag3),
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
}

#[tokio::test]
async fn putting_a_target_group_replaces_it_whole() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Put").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TARGET_GROUPS),
        &target_group_body("Oorspronkelijk"),
    )
    .await;
    let path = line_path(&pid, TARGET_GROUPS, &id_of(&created));
    let replacement = json!({"name": "Vervangen", "description": null, "languages": ["pap", "nl"]});
    let response = app
        .send_if_match(Method::PUT, &path, &tenant.token, &etag, Some(&replacement))
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert!(version(&etag2) > version(&etag));
    let replaced = json_of(response).await;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["name"], "Vervangen");
    assert!(replaced["description"].is_null());
    assert_eq!(replaced["languages"], json!(["pap", "nl"]));
    assert_eq!(replaced["created_at"], created["created_at"]);
    assert_eq!(
        fetch(&app, &tenant.token, &path).await,
        (replaced, etag2.clone())
    );

    let mut without_name = replacement.clone();
    without_name.as_object_mut().unwrap().remove("name");
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag2),
        Some(&without_name),
        Refused::Invalid(&["/name"]),
    )
    .await;
    let mut unknown = replacement.clone();
    unknown["colour"] = json!("blauw");
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag2),
        Some(&unknown),
        Refused::Invalid(&["/colour"]),
    )
    .await;
}

#[tokio::test]
async fn patching_hours_changes_only_what_is_sent_and_null_clears_notes() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, HOURS),
        &hours_body("network_meetings", "2027-Q2"),
    )
    .await;
    let path = line_path(&pid, HOURS, &id_of(&created));

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"hours": "80"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag2 = etag_of(&response);
    assert!(version(&etag2) > version(&etag));
    let patched = json_of(response).await;
    assert_eq!(patched["hours"], "80.00");
    for kept in ["activity", "quarter", "hourly_rate", "notes", "created_at"] {
        assert_eq!(patched[kept], created[kept], "{kept} kept");
    }

    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag2,
            Some(&json!({"notes": null})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let etag3 = etag_of(&response);
    let cleared = json_of(response).await;
    assert!(cleared["notes"].is_null(), "null clears notes");
    assert_eq!(cleared["hours"], "80.00");
    assert_eq!(
        fetch(&app, &tenant.token, &path).await,
        (cleared, etag3.clone())
    );

    for (body, pointer) in [
        (json!({"hours": null}), "/hours"),
        (json!({"activity": null}), "/activity"),
        (json!({"quarter": null}), "/quarter"),
        (json!({"hours": 80}), "/hours"),
        (json!({"hours": "10000.01"}), "/hours"),
        (json!({"hourly_rate": "1.234"}), "/hourly_rate"),
        (json!({"colour": "blauw"}), "/colour"),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag3),
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
}
