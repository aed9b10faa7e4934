//! The work list, `GET /api/v1/quarterly-reports`: every quarter of every project the
//! caller reaches, filtered and paged. Periods lie in 2024, so every quarter has ended
//! and is past its due date whatever day the tests run.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Tenant, TestApp, id_of, json_of, problem, project_body, register_funder, report_path, spawn_app,
};

const WORK: &str = "/api/v1/quarterly-reports";

async fn project_2024(app: &TestApp, org: &Tenant, name: &str, funder: Option<&str>) -> String {
    let mut body = project_body(name);
    body["start_date"] = json!("2024-01-01");
    body["end_date"] = json!("2024-12-31");
    let pid = id_of(&app.project(&org.token, &body).await.0);
    if let Some(funder) = funder {
        let application = json!({"funder_id": funder, "amount_requested": "5000",
                                 "status": "submitted", "submitted_on": "2023-12-01"});
        let response = app
            .post(
                &format!("/api/v1/projects/{pid}/fund-applications"),
                &org.token,
                &application,
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    pid
}

async fn put_report(app: &TestApp, org: &Tenant, pid: &str, quarter: &str, submit: bool) {
    let response = app
        .request(Method::PUT, &report_path(pid, quarter), Some(&org.token))
        .json(&json!({"narrative": {"developments": "Verslag"}}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), 201);
    if submit {
        let response = app
            .request(
                Method::POST,
                &format!("{}/submit", report_path(pid, quarter)),
                Some(&org.token),
            )
            .send()
            .await
            .expect("submit");
        assert_eq!(response.status(), 200);
    }
}

/// `(project id, quarter, state)` of every item of every page.
async fn work(app: &TestApp, token: &str, query: &str) -> Vec<(String, String, String)> {
    let response = app.get(&format!("{WORK}{query}"), token).await;
    assert_eq!(response.status(), 200, "{query}");
    let page = json_of(response).await;
    triples(&page)
}

fn triples(page: &Value) -> Vec<(String, String, String)> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["project_id"].as_str().unwrap().to_string(),
                i["quarter"].as_str().unwrap().to_string(),
                i["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expected(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(p, q, s)| (p.to_string(), q.to_string(), s.to_string()))
        .collect()
}

#[tokio::test]
async fn the_work_list_has_every_quarter_of_every_project_and_filters_combine() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let other = app.tenant("Steunpunt Zuid").await;
    let funder = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;
    let a = project_2024(&app, &org, "Mantelzorg in de wijk", Some(&funder)).await;
    let b = project_2024(&app, &org, "Jonge mantelzorgers", None).await;
    project_2024(&app, &other, "Elders", None).await;
    put_report(&app, &org, &a, "2024-Q1", true).await;
    put_report(&app, &org, &a, "2024-Q2", false).await;

    // By quarter, then project.
    let (first, second) = if a < b { (&a, &b) } else { (&b, &a) };
    let all = work(&app, &org.token, "").await;
    let mut order = Vec::new();
    for q in ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"] {
        for p in [first, second] {
            let state = match (p == &a, q) {
                (true, "2024-Q1") => "submitted",
                (true, "2024-Q2") => "draft",
                _ => "not_started",
            };
            order.push((p.clone(), q.to_string(), state.to_string()));
        }
    }
    assert_eq!(all, order, "the other organisation's project is not on it");
    let page = json_of(app.get(WORK, &org.token).await).await;
    let item = &page["items"][0];
    assert!(item["project_name"].is_string() && item["organisation_id"] == org.organisation_id);
    assert!(item["due_on"].is_string(), "{item}");

    assert_eq!(
        work(&app, &org.token, "?state=submitted").await,
        expected(&[(&a, "2024-Q1", "submitted")])
    );
    assert_eq!(
        work(&app, &org.token, "?state=draft&due=true&overdue=true").await,
        expected(&[(&a, "2024-Q2", "draft")])
    );
    assert_eq!(
        work(&app, &org.token, "?due=true").await.len(),
        7,
        "all but the submitted one"
    );
    assert_eq!(work(&app, &org.token, "?due=false").await.len(), 1);
    assert_eq!(
        work(
            &app,
            &org.token,
            "?from=2024-Q3&to=2024-Q3&state=not_started"
        )
        .await,
        expected(&[
            (first, "2024-Q3", "not_started"),
            (second, "2024-Q3", "not_started")
        ])
    );
    let funded = work(&app, &org.token, &format!("?funder_id={funder}")).await;
    assert_eq!(funded.len(), 4);
    assert!(funded.iter().all(|(p, _, _)| p == &a));

    // Paged, the pages add up to the whole list.
    let mut walked = Vec::new();
    let mut query = "?limit=3".to_string();
    for _ in 0..5 {
        let page = json_of(app.get(&format!("{WORK}{query}"), &org.token).await).await;
        walked.extend(triples(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => query = format!("?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(walked, all);
}

#[tokio::test]
async fn a_bad_work_list_query_names_its_parameter() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    for (query, parameter) in [
        ("?from=2024-Q3&to=2024-Q1", "to"),
        ("?from=2024-Q5", "from"),
        ("?state=klaar", "state"),
        ("?due=misschien", "due"),
        ("?limit=0", "limit"),
        ("?cursor=nonsense", "cursor"),
        ("?funder_id=geen-id", "funder_id"),
    ] {
        let refused = problem(app.get(&format!("{WORK}{query}"), &org.token).await, 422).await;
        let named: Vec<String> = refused["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["parameter"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(named, [parameter], "{query}: {refused}");
    }
}

#[tokio::test]
async fn a_funder_accounts_work_list_is_what_waits_for_its_review() {
    let app = spawn_app().await;
    let north = app.tenant("Steunpunt Noord").await;
    let south = app.tenant("Steunpunt Zuid").await;
    let (utrecht, code) = app.funder_account("Gemeente Utrecht").await;
    let mut shared = Vec::new();
    for org in [&north, &south] {
        let entry = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;
        let pid = project_2024(&app, org, "Gedeeld", Some(&entry)).await;
        project_2024(&app, org, "Niet gedeeld", None).await;
        put_report(&app, org, &pid, "2024-Q1", true).await;
        put_report(&app, org, &pid, "2024-Q2", false).await;
        let link = json_of(
            app.post(
                "/api/v1/funder-links",
                &org.token,
                &json!({"funder_id": entry, "funder_code": code}),
            )
            .await,
        )
        .await;
        let accepted = app
            .request(
                Method::POST,
                &format!("/api/v1/funder-links/{}/accept", id_of(&link)),
                Some(&utrecht.token),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), 200);
        shared.push(pid);
    }
    shared.sort();
    let waiting = work(&app, &utrecht.token, "?state=submitted").await;
    assert_eq!(
        waiting,
        expected(&[
            (&shared[0], "2024-Q1", "submitted"),
            (&shared[1], "2024-Q1", "submitted")
        ]),
        "across both organisations"
    );
    let all = work(&app, &utrecht.token, "").await;
    assert_eq!(all.len(), 8, "the shared projects only: {all:?}");
    assert!(
        all.iter().all(|(_, _, state)| state != "draft"),
        "a draft reads not_started: {all:?}"
    );
}
