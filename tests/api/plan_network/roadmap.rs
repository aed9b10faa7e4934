//! The nine roadmap steps of a project: their order, status and notes.

use super::*;

#[tokio::test]
async fn a_new_project_has_nine_roadmap_steps_in_order_not_started() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Stappenplan").await;
    let collection = lines_path(&pid, ROADMAP);

    let page = json_of(app.get(&collection, &t.token).await).await;
    let steps = page["items"].as_array().expect("items").clone();
    assert!(page["next_cursor"].is_null());
    assert_eq!(
        steps
            .iter()
            .map(|s| s["step"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        (1..=9).collect::<Vec<_>>()
    );
    assert_eq!(steps[0]["title"], "Explore why extra attention is needed");
    assert_eq!(steps[8]["title"], "Carry it out");
    for step in &steps {
        assert_eq!(step["status"], "not_started", "{step}");
        assert!(step["notes"].is_null(), "{step}");
        assert!(step["title"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(step["updated_at"].is_string());
        let (got, etag) = fetch(
            &app,
            &t.token,
            &line_path(&pid, ROADMAP, &step["step"].to_string()),
        )
        .await;
        assert_eq!(&got, step);
        version(&etag);
    }

    // Paging by four: 4 + 4 + 1, in step order.
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let mut path = format!("{collection}?limit=4");
    loop {
        let response = app.get(&path, &t.token).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = json_of(response).await;
        let items = page["items"].as_array().expect("items");
        sizes.push(items.len());
        seen.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{collection}?limit=4&cursor={next}"),
            None => break,
        }
        assert!(sizes.len() < 10, "the pages never end");
    }
    assert_eq!(sizes, [4, 4, 1]);
    assert_eq!(seen, steps);
}

#[tokio::test]
async fn a_roadmap_step_status_and_notes_change_with_put_and_patch() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Stappenplan").await;
    let other = new_project(&app, &t.token, "Ander project").await;
    let path = line_path(&pid, ROADMAP, "3");
    let (before, _) = fetch(&app, &t.token, &path).await;

    let (put, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PUT,
        None,
        &json!({"status": "in_progress", "notes": "Gesprekken met moskeebesturen"}),
    )
    .await;
    assert_eq!(put["step"], 3);
    assert_eq!(put["title"], before["title"]);
    assert_eq!(put["status"], "in_progress");
    assert_eq!(put["notes"], "Gesprekken met moskeebesturen");

    let (patched, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"status": "done"}),
    )
    .await;
    assert_eq!(patched["status"], "done");
    assert_eq!(
        patched["notes"], "Gesprekken met moskeebesturen",
        "notes kept"
    );
    let (cleared, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"notes": null}),
    )
    .await;
    assert!(cleared["notes"].is_null());
    assert_eq!(cleared["status"], "done");
    let (skipped, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PUT,
        None,
        &json!({"status": "skipped"}),
    )
    .await;
    assert_eq!(skipped["status"], "skipped");

    for (method, body, pointer) in [
        (Method::PATCH, json!({"status": "finished"}), "/status"),
        (Method::PATCH, json!({"status": null}), "/status"),
        (Method::PUT, json!({"notes": "zonder status"}), "/status"),
        (Method::PATCH, json!({"title": "Eigen titel"}), "/title"),
        (Method::PATCH, json!({"notes": "n".repeat(20001)}), "/notes"),
    ] {
        assert_write_refused(
            &app,
            &t.token,
            &path,
            method,
            None,
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }

    // Only that step of that project changed.
    let steps = all_items(&app, &t.token, &lines_path(&pid, ROADMAP)).await;
    for step in &steps {
        let expected = if step["step"] == 3 {
            "skipped"
        } else {
            "not_started"
        };
        assert_eq!(step["status"], expected, "{step}");
    }
    for step in all_items(&app, &t.token, &lines_path(&other, ROADMAP)).await {
        assert_eq!(step["status"], "not_started", "other project: {step}");
    }
}
