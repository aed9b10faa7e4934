//! Writing a report: the first PUT, the period and invalid figures.

use super::*;

#[tokio::test]
async fn the_first_put_creates_a_draft_and_later_puts_need_the_current_etag() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let (_, coordinator) = app.user_with_role(&t, "coordinator").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let path = report_path(pid, "2025-Q1");
    let content = full_content(&plan);

    let response = put(&app, &coordinator, &path, &content).await;
    assert_eq!(response.status(), 201, "first PUT creates");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, path);
    let etag = etag_of(&response);
    let created = json_of(response).await;
    assert_content(&created, &content, "created");
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["quarter"], "2025-Q1");
    assert_eq!(created["state"], "draft");
    assert_eq!(created["revision"], 1);
    assert_eq!(created["due_on"], "2025-04-30", "2025-03-31 + 30 days");
    assert!(created["id"].is_string() && created["created_at"].is_string());
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (created.clone(), etag.clone()),
        "GET gives what PUT answered"
    );

    // Create-only on an existing report.
    let other = variant(&plan, "B");
    let response = app
        .request(Method::PUT, &path, Some(&coordinator))
        .header("If-None-Match", "*")
        .json(&other)
        .send()
        .await
        .unwrap();
    problem(response, 412).await;
    // Replacing needs If-Match: missing, then stale.
    problem(put(&app, &coordinator, &path, &other).await, 428).await;
    problem(
        app.send_if_match(Method::PUT, &path, &coordinator, "\"999999\"", Some(&other))
            .await,
        412,
    )
    .await;
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (created.clone(), etag.clone()),
        "refused PUTs changed nothing"
    );

    // With the current ETag.
    let response = app
        .send_if_match(Method::PUT, &path, &coordinator, &etag, Some(&other))
        .await;
    assert_eq!(response.status(), 200, "PUT with the current ETag");
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag);
    let replaced = json_of(response).await;
    assert_content(&replaced, &other, "replaced");
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["state"], "draft");
    assert_eq!(replaced["revision"], 1);
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (replaced.clone(), new_etag.clone())
    );
    // The old ETag is stale now.
    problem(
        app.send_if_match(Method::PUT, &path, &coordinator, &etag, Some(&content))
            .await,
        412,
    )
    .await;

    // The same body again changes nothing.
    let response = app
        .send_if_match(Method::PUT, &path, &coordinator, &new_etag, Some(&other))
        .await;
    assert_eq!(response.status(), 200, "same body again");
    assert_eq!(etag_of(&response), new_etag, "idempotent: ETag unchanged");
    assert_eq!(json_of(response).await, replaced, "idempotent: same report");
    assert_eq!(
        stored(&app, &coordinator, pid, "2025-Q1").await,
        (replaced, new_etag)
    );

    // Every section is optional.
    let (empty, _) = create_report(&app, &coordinator, pid, "2025-Q2", &json!({})).await;
    assert_eq!(empty["state"], "draft");
    for section in SECTIONS {
        assert!(
            is_empty_section(&empty[section]),
            "{section} empty: {}",
            empty[section]
        );
    }
}

#[tokio::test]
async fn only_quarters_of_the_project_period_can_be_reported() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;
    let content = full_content(&plan);

    for quarter in ["2023-Q4", "2026-Q1", "2030-Q2"] {
        let response = put(&app, &t.token, &report_path(pid, quarter), &content).await;
        let body = problem(response, 422).await;
        assert_eq!(
            named_fields(&body),
            ["quarter"],
            "{quarter} names the parameter"
        );
    }
    for malformed in ["2026Q3", "2025-Q5", "25-Q1"] {
        let path = report_path(pid, malformed);
        problem(put(&app, &t.token, &path, &content).await, 404).await;
        problem(app.get(&path, &t.token).await, 404).await;
    }
    let items = fetch_list(&app, &t.token, pid).await;
    assert_eq!(items.len(), 8);
    assert!(
        items.iter().all(|q| q["state"] == "not_started"),
        "nothing was stored"
    );
}

/// Invalid variants of `full_content` and the pointers each must name; `prefix`: the
/// pointers only need to start with it (duplicates may name the item or its key).
fn invalid_contents(plan: &Plan) -> Vec<(String, Value, Vec<String>, bool)> {
    let full = full_content(plan);
    let mut cases: Vec<(String, Value, Vec<String>, bool)> = Vec::new();
    let mut exact = |name: &str, pointer: &str, value: Value| {
        cases.push((
            name.to_string(),
            with_at(&full, pointer, value),
            vec![pointer.to_string()],
            false,
        ));
    };
    // Negative counts.
    exact("negative contacts", "/reach/key_person_contacts", json!(-1));
    exact(
        "negative referrals per partner",
        "/reach/per_partner/0/received",
        json!(-4),
    );
    exact("negative meetings", "/network/network_meetings", json!(-2));
    exact("negative count", "/communication/0/count", json!(-1));
    exact(
        "negative reach",
        "/communication/1/estimated_reach",
        json!(-80),
    );
    // Figures that contradict each other.
    exact(
        "more new than total",
        "/reach/per_target_group/0/new",
        json!(31),
    );
    exact(
        "more new partners than active",
        "/network/new_partners",
        json!(7),
    );
    // References outside the plan.
    let unknown = uuid::Uuid::new_v4().to_string();
    for (name, id) in [
        ("unknown", &unknown),
        ("another project's", &plan.other.group),
    ] {
        exact(
            &format!("{name} target group"),
            "/reach/per_target_group/1/target_group_id",
            json!(id),
        );
    }
    for (name, id) in [
        ("unknown", &unknown),
        ("another project's", &plan.other.line),
    ] {
        exact(
            &format!("{name} budget line"),
            "/budget/spent/1/budget_line_id",
            json!(id),
        );
    }
    for (name, id) in [
        ("unknown", &unknown),
        ("another project's", &plan.other.link),
    ] {
        exact(
            &format!("{name} partner in per_partner"),
            "/reach/per_partner/1/project_partner_id",
            json!(id),
        );
        exact(
            &format!("{name} partner in level_changes"),
            "/network/level_changes/0/project_partner_id",
            json!(id),
        );
    }
    exact(
        "activity without planned hours",
        "/budget/hours/1/activity",
        json!("training"),
    );
    exact(
        "language not in the plan",
        "/communication/2/language",
        json!("fr"),
    );
    // Amounts: strings with at most two decimals, not negative.
    exact("three decimals", "/budget/spent/0/amount", json!("12.345"));
    exact("amount as number", "/budget/spent/0/amount", json!(12.5));
    exact("negative amount", "/budget/spent/1/amount", json!("-1.00"));
    exact(
        "cost with three decimals",
        "/communication/0/cost",
        json!("1.999"),
    );
    exact("hours not a number", "/budget/hours/0/hours", json!("veel"));
    // Duplicates.
    for (name, array) in [
        ("target group twice", "/reach/per_target_group"),
        ("partner twice in per_partner", "/reach/per_partner"),
        ("partner twice in level_changes", "/network/level_changes"),
        ("channel and language twice", "/communication"),
        ("budget line twice", "/budget/spent"),
        ("activity twice", "/budget/hours"),
    ] {
        let (doc, pointer) = duplicated(&full, array, 0);
        cases.push((name.to_string(), doc, vec![pointer], true));
    }
    // Same channel and language with different figures is still a duplicate.
    let doc = with_at(
        &full,
        "/communication/5",
        json!({"channel": "flyers", "language": "tr", "count": 1, "estimated_reach": 1, "cost": "1.00"}),
    );
    cases.push((
        "channel and language twice, other figures".into(),
        doc,
        vec!["/communication/5".into()],
        true,
    ));
    cases
}

fn assert_names(problem: &Value, expected: &[String], prefix: bool, context: &str) {
    let named = named_fields(problem);
    if prefix {
        assert!(
            !named.is_empty() && named.iter().all(|n| n.starts_with(&expected[0])),
            "{context}: expected pointers under {}, got {named:?} in {problem}",
            expected[0]
        );
    } else {
        assert_eq!(named, expected, "{context}: pointers in {problem}");
    }
}

#[tokio::test]
async fn figures_that_break_the_rules_or_leave_the_plan_are_422_and_nothing_is_stored() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let plan = plan(&app, &t.token).await;
    let pid = &plan.pid;

    // The full content is valid, so each case fails for its one reason.
    let (existing, etag) =
        create_report(&app, &t.token, pid, "2025-Q2", &full_content(&plan)).await;
    let existing_path = report_path(pid, "2025-Q2");
    let new_path = report_path(pid, "2025-Q1");

    let mut failures = Vec::new();
    for (name, body, pointers, prefix) in invalid_contents(&plan) {
        // On create.
        let response = put(&app, &t.token, &new_path, &body).await;
        if response.status() != 422 {
            failures.push(format!("create, {name}: {}", response.status()));
        } else {
            let problem = problem(response, 422).await;
            assert_names(&problem, &pointers, prefix, &format!("create, {name}"));
        }
        // On replace.
        let response = app
            .send_if_match(Method::PUT, &existing_path, &t.token, &etag, Some(&body))
            .await;
        if response.status() != 422 {
            failures.push(format!("replace, {name}: {}", response.status()));
        } else {
            let problem = problem(response, 422).await;
            assert_names(&problem, &pointers, prefix, &format!("replace, {name}"));
        }
    }
    // Through PATCH, a section at a time.
    for (name, patch, pointer) in [
        (
            "new > total",
            json!({"reach": {"per_target_group": [
                {"target_group_id": plan.groups[0], "new": 5, "total": 2}
            ]}}),
            "/reach/per_target_group/0/new",
        ),
        (
            "new partners > active",
            json!({"network": {"new_partners": 10}}),
            "/network/new_partners",
        ),
        (
            "language not in the plan",
            json!({"communication": [{"channel": "radio", "language": "de", "count": 1}]}),
            "/communication/0/language",
        ),
    ] {
        let response = app
            .send_if_match(Method::PATCH, &existing_path, &t.token, &etag, Some(&patch))
            .await;
        if response.status() != 422 {
            failures.push(format!("patch, {name}: {}", response.status()));
        } else {
            let problem = problem(response, 422).await;
            assert_names(
                &problem,
                &[pointer.to_string()],
                false,
                &format!("patch, {name}"),
            );
        }
    }
    assert!(failures.is_empty(), "not refused with 422: {failures:#?}");

    assert_eq!(
        stored(&app, &t.token, pid, "2025-Q2").await,
        (existing, etag),
        "the existing report is unchanged"
    );
    let item = quarter_status(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(item["state"], "not_started", "no report was created");
    assert_eq!(
        actions(&events(&app, &t.token, pid, "2025-Q2").await),
        ["created"],
        "no event for refused writes"
    );
}
