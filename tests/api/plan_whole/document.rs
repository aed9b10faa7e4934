//! The plan as one document: read, written back, one change at a time.

use super::*;

const SECTIONS: [(&str, &str); 8] = [
    ("target_groups", "target-groups"),
    ("hours", "hours"),
    ("budget_lines", "budget-lines"),
    ("translation_costs", "translation-costs"),
    ("fund_applications", "fund-applications"),
    ("targets", "targets"),
    ("evaluation_moments", "evaluation-moments"),
    ("partners", "partners"),
];

#[tokio::test]
async fn the_plan_is_one_document_of_every_part_with_the_nine_roadmap_steps_and_an_etag() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (project, _) = app.project(&tenant.token, &project_body("Heel plan")).await;
    let pid = id_of(&project);
    seed(&app, &tenant.token, &pid).await;

    let (plan, etag) = get_plan(&app, &tenant.token, &pid).await;
    let mut keys: Vec<&str> = plan
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let mut expected_keys: Vec<&str> = SECTIONS.iter().map(|(key, _)| *key).collect();
    expected_keys.extend(["project", "roadmap"]);
    expected_keys.sort();
    assert_eq!(keys, expected_keys);
    assert_eq!(plan["project"]["id"], json!(pid));
    assert_eq!(plan["project"]["name"], "Heel plan");
    for (key, segment) in SECTIONS {
        assert_eq!(
            plan[key].as_array().expect(key),
            &list(&app, &tenant.token, &pid, segment).await,
            "{key} as its own list shows it"
        );
    }
    assert_eq!(plan["hours"].as_array().unwrap().len(), 7);
    assert_eq!(plan["budget_lines"].as_array().unwrap().len(), 9);
    let steps: Vec<i64> = plan["roadmap"]
        .as_array()
        .expect("roadmap")
        .iter()
        .map(|s| s["step"].as_i64().expect("step"))
        .collect();
    assert_eq!(
        steps,
        (1..=9).collect::<Vec<_>>(),
        "the nine roadmap steps in order"
    );
    for step in plan["roadmap"].as_array().unwrap() {
        assert!(!text(&step["title"]).trim().is_empty(), "{step}");
        assert!(step["status"].is_string());
    }
    assert_eq!(
        plan["roadmap"].as_array().unwrap(),
        &list(&app, &tenant.token, &pid, "roadmap").await
    );

    // The ETag is stable while nothing changes, and the viewer reads the same document.
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (plan.clone(), etag.clone())
    );
    assert_eq!(
        get_plan(&app, &viewer, &pid).await,
        (plan.clone(), etag.clone())
    );

    // A change to any one part changes the plan's ETag.
    let moment = &plan["evaluation_moments"][0];
    let path = lines_path(&pid, &format!("evaluation-moments/{}", id_of(moment)));
    let line_etag = etag_of(&app.get(&path, &tenant.token).await);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &line_etag,
            Some(&json!({"outcome_notes": "Goed verlopen"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (after, after_etag) = get_plan(&app, &tenant.token, &pid).await;
    assert_ne!(
        after_etag, etag,
        "the plan's ETag follows a change to a part"
    );
    assert_eq!(
        after["evaluation_moments"][0]["outcome_notes"],
        "Goed verlopen"
    );
}

/// Removes `updated_at` from an object.
fn forget_updated_at(value: &mut Value) {
    value.as_object_mut().expect("object").remove("updated_at");
}

fn roadmap_step(doc: &mut Value, step: i64) -> &mut Value {
    doc["roadmap"]
        .as_array_mut()
        .expect("roadmap")
        .iter_mut()
        .find(|s| s["step"] == step)
        .expect("roadmap step")
}

#[tokio::test]
async fn a_plan_read_changed_and_written_back_stores_exactly_those_changes() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Terugschrijven").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, etag) = get_plan(&app, &tenant.token, &pid).await;

    // As read, with read-only fields (created_at, total, title, partner_name,
    // level_history, …) still in it; a few of them even altered: they are ignored.
    let mut doc = before.clone();
    doc["budget_lines"][3]["amount"] = json!("850.00");
    let dropped = doc["hours"].as_array_mut().unwrap().remove(0);
    doc["translation_costs"][0]["total"] = json!("1.00");
    doc["translation_costs"]
        .as_array_mut()
        .unwrap()
        .push(translation("Poster", &["tr"], "flat", "1", "75.00"));
    doc["partners"][0]["partner_name"] = json!("Een andere naam");
    {
        let step = roadmap_step(&mut doc, 2);
        step["status"] = json!("in_progress");
        step["notes"] = json!("Sleutelpersonen benaderd");
        step["title"] = json!("Een andere titel");
    }
    assert!(doc["partners"][0]["level_history"].is_array());
    assert!(doc["budget_lines"][0]["created_at"].is_string());

    let response = put_plan(&app, &tenant.token, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200, "PUT plan");
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag, "the ETag changed");
    let answered = json_of(response).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (answered.clone(), new_etag),
        "a fresh GET shows what the PUT answered"
    );

    // The new line was created, with its total computed.
    let translations = answered["translation_costs"].as_array().unwrap();
    assert_eq!(
        translations.len(),
        before["translation_costs"].as_array().unwrap().len() + 1
    );
    let added = translations.last().unwrap();
    assert!(uuid::Uuid::parse_str(text(&added["id"])).is_ok(), "{added}");
    assert_eq!(added["project_id"], json!(pid));
    assert_eq!(added["item"], "Poster");
    assert_eq!(added["total"], "75.00");
    assert!(
        translations[..translations.len() - 1]
            .iter()
            .all(|t| t["id"] != added["id"]),
        "a new id"
    );

    // Everything else is exactly as before, but for the changes.
    let mut expected = before.clone();
    expected["budget_lines"][3]["amount"] = json!("850.00");
    expected["hours"].as_array_mut().unwrap().remove(0);
    {
        let step = roadmap_step(&mut expected, 2);
        step["status"] = json!("in_progress");
        step["notes"] = json!("Sleutelpersonen benaderd");
    }
    let mut got = answered.clone();
    got["translation_costs"].as_array_mut().unwrap().pop();
    for doc in [&mut expected, &mut got] {
        forget_updated_at(&mut doc["project"]);
        forget_updated_at(&mut doc["budget_lines"][3]);
        forget_updated_at(roadmap_step(doc, 2));
    }
    assert_eq!(got, expected, "exactly the changes");

    // The parts' own endpoints agree.
    problem(
        app.get(
            &lines_path(&pid, &format!("hours/{}", id_of(&dropped))),
            &tenant.token,
        )
        .await,
        404,
    )
    .await;
    let line = app
        .get(
            &lines_path(
                &pid,
                &format!("budget-lines/{}", id_of(&before["budget_lines"][3])),
            ),
            &tenant.token,
        )
        .await;
    assert_eq!(json_of(line).await["amount"], "850.00");
}

/// Many valid changes to the document read from `before`, touching every section.
fn many_valid_changes(before: &Value) -> Value {
    let mut doc = before.clone();
    doc["project"]["name"] = json!("Nieuwe naam");
    doc["project"]["rationale"] =
        json!("Weinig mantelzorgers met een migratieachtergrond vinden ons");
    doc["target_groups"][0]["name"] = json!("Marokkaans-Nederlandse mantelzorgers");
    doc["hours"][1]["hours"] = json!("22.75");
    doc["hours"].as_array_mut().unwrap().remove(6);
    doc["hours"]
        .as_array_mut()
        .unwrap()
        .push(hours_line("other", "2026-Q4", "3.5", "40.00"));
    doc["budget_lines"][0]["description"] = json!("Coördinator, 10 uur per week");
    doc["budget_lines"][6]["amount"] = json!("1750.00");
    doc["budget_lines"]
        .as_array_mut()
        .unwrap()
        .push(budget_line(
            "training",
            "Training sleutelpersonen",
            "640.00",
            &[("2026-Q3", "640.00")],
        ));
    doc["translation_costs"][1]["quantity"] = json!("6");
    doc["translation_costs"].as_array_mut().unwrap().remove(2);
    doc["fund_applications"][4]["amount_requested"] = json!("2222.22");
    doc["evaluation_moments"][0]["subject"] = json!("Eindevaluatie");
    doc["targets"][0]["planned"] = json!("55");
    roadmap_step(&mut doc, 3)["status"] = json!("done");
    doc
}

#[tokio::test]
async fn one_bad_amount_deep_in_the_document_refuses_all_of_it() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Alles of niets").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, etag) = get_plan(&app, &tenant.token, &pid).await;

    let mut doc = many_valid_changes(&before);
    assert!(
        doc["budget_lines"][3]["phases"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    doc["budget_lines"][3]["amount"] = json!("12.345");
    assert_plan_refused(&app, &tenant.token, &pid, &doc, "/budget_lines/3/amount").await;

    // The same changes without the bad amount are fine: it was the only fault.
    doc["budget_lines"][3]["amount"] = json!("12.35");
    let response = put_plan(&app, &tenant.token, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200);
    let stored = json_of(response).await;
    assert_eq!(stored["project"]["name"], "Nieuwe naam");
    assert_eq!(stored["budget_lines"][3]["amount"], "12.35");
    assert_eq!(stored["budget_lines"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn one_hours_line_outside_the_period_refuses_the_whole_document() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Alles of niets").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, _) = get_plan(&app, &tenant.token, &pid).await;

    let mut doc = many_valid_changes(&before);
    doc["hours"][4]["quarter"] = json!("2028-Q1");
    assert_plan_refused(&app, &tenant.token, &pid, &doc, "/hours/4/quarter").await;
}
