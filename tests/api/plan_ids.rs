//! No request tells a client that an id exists in another organisation: a plan
//! document's new lines get ids of the service's, whatever ids the document gives them,
//! and those ids only name the new lines for references within the document.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::create;
use crate::helpers::{etag_of, fetch, id_of, json_of, line_path, lines_path};
use crate::helpers::{new_project, problem, register_funder, spawn_app};

/// The answer with every id and time replaced by a placeholder: what is left is what
/// a client learns beyond the ids it is given.
fn shape(value: &Value) -> Value {
    match value {
        Value::String(s) if uuid::Uuid::parse_str(s).is_ok() => json!("<id>"),
        Value::String(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => json!("<time>"),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), shape(v))).collect())
        }
        other => other.clone(),
    }
}

/// `plan` with a new target group and a new budget line under the given ids, a new
/// fund application to `funder` covering that line and a new target for that group.
fn with_new_lines(plan: &Value, funder: &str, group_id: &str, line_id: &str) -> Value {
    let mut doc = plan.clone();
    let push = |doc: &mut Value, section: &str, line: Value| {
        doc[section].as_array_mut().unwrap().push(line);
    };
    push(
        &mut doc,
        "target_groups",
        json!({"id": group_id, "name": "Tigrinyasprekende mantelzorgers", "languages": ["ti"]}),
    );
    push(
        &mut doc,
        "budget_lines",
        json!({"id": line_id, "category": "materials", "description": "Spelmateriaal", "amount": "240.00"}),
    );
    push(
        &mut doc,
        "fund_applications",
        json!({
            "funder_id": funder,
            "amount_requested": "240.00", "budget_line_ids": [line_id]
        }),
    );
    push(
        &mut doc,
        "targets",
        json!({"theme": "reach", "target_group_id": group_id, "planned": "25"}),
    );
    doc
}

#[tokio::test]
async fn a_new_line_with_an_id_of_another_organisation_answers_as_a_fresh_id_would() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Noord").await;
    let b = app.tenant("Steunpunt Zuid").await;

    let a_pid = new_project(&app, &a.token, "Plan van A").await;
    let a_group = create(
        &app,
        &a.token,
        &lines_path(&a_pid, "target-groups"),
        &json!({"name": "Turkstalige mantelzorgers", "languages": ["tr"]}),
    )
    .await
    .0;
    let a_line = create(
        &app,
        &a.token,
        &lines_path(&a_pid, "budget-lines"),
        &json!({"category": "materials", "description": "Flyers", "amount": "500.00"}),
    )
    .await
    .0;
    let (a_group_id, a_line_id) = (id_of(&a_group), id_of(&a_line));
    let a_plan = fetch(&app, &a.token, &lines_path(&a_pid, "plan")).await;
    let a_line_read = fetch(
        &app,
        &a.token,
        &line_path(&a_pid, "budget-lines", &a_line_id),
    )
    .await;

    // B writes the same document twice, to two like projects: once reusing A's ids for
    // its new lines (on main: 409), once with ids no one uses.
    let fresh = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    let vsb = register_funder(&app, &b.token, "VSB Fonds", "fund").await;
    let mut answers = Vec::new();
    for (group_id, line_id) in [(a_group_id.clone(), a_line_id.clone()), fresh] {
        let pid = new_project(&app, &b.token, "Plan van B").await;
        let (plan, etag) = fetch(&app, &b.token, &lines_path(&pid, "plan")).await;
        let doc = with_new_lines(&plan, &vsb, &group_id, &line_id);
        let response = app
            .send_if_match(
                Method::PUT,
                &lines_path(&pid, "plan"),
                &b.token,
                &etag,
                Some(&doc),
            )
            .await;
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"].clone();
        if status != 200 {
            let text = response.text().await.unwrap_or_default();
            panic!("PUT plan with new lines named {group_id}, {line_id}: {status} {text}");
        }
        assert!(!etag_of(&response).is_empty());
        let body = json_of(response).await;

        // The new lines have ids of the service's, and the references follow them.
        let group = body["target_groups"].as_array().unwrap().last().unwrap();
        let line = body["budget_lines"].as_array().unwrap().last().unwrap();
        assert_eq!(line["description"], "Spelmateriaal");
        assert_ne!(line["id"], json!(line_id), "not the id the document gave");
        assert_ne!(group["id"], json!(group_id), "not the id the document gave");
        assert_eq!(line["project_id"], json!(pid));
        assert_eq!(
            body["fund_applications"][0]["budget_line_ids"],
            json!([line["id"]])
        );
        assert_eq!(body["targets"][0]["target_group_id"], group["id"]);
        assert_eq!(
            fetch(&app, &b.token, &lines_path(&pid, "plan")).await.0,
            body
        );
        answers.push((status, content_type, shape(&body)));
    }
    assert_eq!(answers[0], answers[1], "A's ids answer as ids no one uses");

    // A's plan and line are untouched, and B cannot read them.
    assert_eq!(
        fetch(&app, &a.token, &lines_path(&a_pid, "plan")).await,
        a_plan
    );
    assert_eq!(
        fetch(
            &app,
            &a.token,
            &line_path(&a_pid, "budget-lines", &a_line_id)
        )
        .await,
        a_line_read
    );
}

#[tokio::test]
async fn a_single_line_create_takes_no_id_of_its_own() {
    let app = spawn_app().await;
    let a = app.tenant("Steunpunt Noord").await;
    let b = app.tenant("Steunpunt Zuid").await;
    let a_pid = new_project(&app, &a.token, "Plan van A").await;
    let a_line = create(
        &app,
        &a.token,
        &lines_path(&a_pid, "budget-lines"),
        &json!({"category": "materials", "description": "Flyers", "amount": "500.00"}),
    )
    .await
    .0;
    let b_pid = new_project(&app, &b.token, "Plan van B").await;
    let mut answers = Vec::new();
    for id in [id_of(&a_line), uuid::Uuid::new_v4().to_string()] {
        let body =
            json!({"id": id, "category": "materials", "description": "Spel", "amount": "1.00"});
        let response = app
            .post(&lines_path(&b_pid, "budget-lines"), &b.token, &body)
            .await;
        answers.push(problem(response, 422).await);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(
        answers[0]["errors"][0]["pointer"], "/id",
        "an id is not part of a new line: {}",
        answers[0]
    );
}

#[tokio::test]
async fn two_new_lines_of_one_section_with_one_id_are_refused_as_ambiguous() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &t.token, "Plan").await;
    let (plan, etag) = fetch(&app, &t.token, &lines_path(&pid, "plan")).await;
    let name = uuid::Uuid::new_v4().to_string();
    let vsb = register_funder(&app, &t.token, "VSB Fonds", "fund").await;
    let mut doc = with_new_lines(&plan, &vsb, &uuid::Uuid::new_v4().to_string(), &name);
    doc["budget_lines"].as_array_mut().unwrap().push(
        json!({"id": name, "category": "venue", "description": "Zaalhuur", "amount": "100.00"}),
    );
    let response = app
        .send_if_match(
            Method::PUT,
            &lines_path(&pid, "plan"),
            &t.token,
            &etag,
            Some(&doc),
        )
        .await;
    let found = problem(response, 422).await;
    assert_eq!(
        crate::helpers::named_fields(&found),
        ["/budget_lines/1/id"],
        "{found}"
    );
    assert_eq!(
        fetch(&app, &t.token, &lines_path(&pid, "plan")).await,
        (plan, etag),
        "nothing stored"
    );
}
