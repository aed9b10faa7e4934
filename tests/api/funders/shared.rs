//! What a linked funder account sees: the projects that applied to that funder
//! (submitted, granted or partially granted), their plans and their reports past draft,
//! across organisations, through the same paths; nothing else, and no writes.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Tenant, TestApp, id_of, json_of, lines_path, problem, project_body, register_funder,
    report_path, spawn_app,
};

const LINKS: &str = "/api/v1/funder-links";

/// A project of `org` with one application to `funder` in `status`.
pub(crate) async fn applied(
    app: &TestApp,
    org: &Tenant,
    name: &str,
    funder: &str,
    status: &str,
) -> String {
    let (project, _) = app.project(&org.token, &project_body(name)).await;
    let pid = id_of(&project);
    let mut body = json!({"funder_id": funder, "amount_requested": "5000", "status": status});
    if status != "draft" {
        body["submitted_on"] = json!("2026-01-15");
    }
    let response = app
        .post(&lines_path(&pid, "fund-applications"), &org.token, &body)
        .await;
    assert_eq!(response.status(), 201, "application {status}");
    pid
}

/// A report of `quarter`, submitted when `submit`.
pub(crate) async fn report(app: &TestApp, org: &Tenant, pid: &str, quarter: &str, submit: bool) {
    let body = json!({"narrative": {"developments": format!("Verslag {quarter}")}});
    let response = app
        .request(Method::PUT, &report_path(pid, quarter), Some(&org.token))
        .json(&body)
        .send()
        .await
        .expect("PUT report");
    assert_eq!(response.status(), 201, "report {quarter}");
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
        assert_eq!(response.status(), 200, "submit {quarter}");
    }
}

/// Links `entry` of `org` to the funder account and has it accepted; returns the link id.
pub(crate) async fn linked(
    app: &TestApp,
    org: &Tenant,
    entry: &str,
    code: &str,
    funder: &Tenant,
) -> String {
    let response = app
        .post(
            LINKS,
            &org.token,
            &json!({"funder_id": entry, "funder_code": code}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let link = id_of(&json_of(response).await);
    let accepted = app
        .request(
            Method::POST,
            &format!("{LINKS}/{link}/accept"),
            Some(&funder.token),
        )
        .send()
        .await
        .expect("accept");
    assert_eq!(accepted.status(), 200);
    link
}

async fn project_names(app: &TestApp, token: &str) -> Vec<String> {
    let page = json_of(app.get("/api/v1/projects", token).await).await;
    let mut names: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

struct World {
    app: TestApp,
    north: Tenant,
    utrecht: Tenant,
    code: String,
    north_entry: String,
    shared: String,
    draft_only: String,
    elsewhere: String,
    south_shared: String,
}

async fn world() -> World {
    let app = spawn_app().await;
    let north = app.tenant("Steunpunt Noord").await;
    let south = app.tenant("Steunpunt Zuid").await;
    let (utrecht, code) = app.funder_account("Gemeente Utrecht").await;
    let north_entry = register_funder(&app, &north.token, "Gemeente Utrecht", "municipality").await;
    let south_entry = register_funder(&app, &south.token, "gemeente Utrecht", "municipality").await;
    let fund = register_funder(&app, &north.token, "Oranje Fonds", "fund").await;
    let shared = applied(
        &app,
        &north,
        "Mantelzorg in de wijk",
        &north_entry,
        "submitted",
    )
    .await;
    let draft_only = applied(&app, &north, "Nog in voorbereiding", &north_entry, "draft").await;
    let elsewhere = applied(&app, &north, "Voor het fonds", &fund, "submitted").await;
    let south_shared = applied(&app, &south, "Respijt in Zuid", &south_entry, "submitted").await;
    report(&app, &north, &shared, "2026-Q1", true).await;
    report(&app, &north, &shared, "2026-Q2", false).await;
    report(&app, &south, &south_shared, "2026-Q1", true).await;
    linked(&app, &south, &south_entry, &code, &utrecht).await;
    World {
        app,
        north,
        utrecht,
        code,
        north_entry,
        shared,
        draft_only,
        elsewhere,
        south_shared,
    }
}

#[tokio::test]
async fn a_funder_account_sees_what_applied_to_it_once_the_link_is_accepted() {
    let w = world().await;
    let app = &w.app;
    let token = &w.utrecht.token;
    // Linked by Zuid only so far: nothing of Noord.
    assert_eq!(project_names(app, token).await, ["Respijt in Zuid"]);
    let project = format!("/api/v1/projects/{}", w.shared);
    assert_eq!(app.get(&project, token).await.status(), 404);

    let link = linked(app, &w.north, &w.north_entry, &w.code, &w.utrecht).await;
    // Across organisations, only the projects with an application to this funder past
    // draft.
    assert_eq!(
        project_names(app, token).await,
        ["Mantelzorg in de wijk", "Respijt in Zuid"]
    );
    let seen = json_of(app.get(&project, token).await).await;
    assert_eq!(seen["name"], "Mantelzorg in de wijk");
    for pid in [&w.draft_only, &w.elsewhere] {
        for path in [
            format!("/api/v1/projects/{pid}"),
            format!("/api/v1/projects/{pid}/plan"),
            lines_path(pid, "budget-lines"),
        ] {
            assert_eq!(app.get(&path, token).await.status(), 404, "{path}");
        }
    }

    // The plan, its parts, summary and progress read through the same paths.
    for path in [
        format!("{project}/plan"),
        format!("{project}/summary"),
        format!("{project}/progress"),
        lines_path(&w.shared, "fund-applications"),
        lines_path(&w.shared, "target-groups"),
        lines_path(&w.shared, "roadmap"),
    ] {
        assert_eq!(app.get(&path, token).await.status(), 200, "{path}");
    }
    let applications = json_of(
        app.get(&lines_path(&w.shared, "fund-applications"), token)
            .await,
    )
    .await;
    assert_eq!(applications["items"][0]["funder_id"], w.north_entry);
    let summary = json_of(app.get(&format!("{project}/summary"), token).await).await;
    assert_eq!(
        summary["funding"]["per_funder"][0]["funder_name"],
        "Gemeente Utrecht"
    );

    // Reports past draft, with their events; never a draft.
    let submitted = json_of(app.get(&report_path(&w.shared, "2026-Q1"), token).await).await;
    assert_eq!(submitted["state"], "submitted");
    assert_eq!(
        app.get(&report_path(&w.shared, "2026-Q2"), token)
            .await
            .status(),
        404
    );
    let events = json_of(
        app.get(
            &format!("{}/events", report_path(&w.shared, "2026-Q1")),
            token,
        )
        .await,
    )
    .await;
    assert!(
        events["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "submitted"),
        "{events}"
    );
    let quarters = json_of(
        app.get(&format!("{project}/quarterly-reports"), token)
            .await,
    )
    .await;
    let draft_quarter = quarters["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["quarter"] == "2026-Q2")
        .cloned()
        .unwrap_or(Value::Null);
    assert_ne!(draft_quarter["state"], "draft", "{quarters}");

    // Ended, the link shares nothing any more.
    let ended = app
        .request(Method::POST, &format!("{LINKS}/{link}/end"), Some(token))
        .send()
        .await
        .expect("end");
    assert_eq!(ended.status(), 200);
    assert_eq!(project_names(app, token).await, ["Respijt in Zuid"]);
    assert_eq!(app.get(&project, token).await.status(), 404);
}

#[tokio::test]
async fn a_funder_account_writes_nothing_and_reads_no_history_or_contact_person() {
    let w = world().await;
    let app = &w.app;
    linked(app, &w.north, &w.north_entry, &w.code, &w.utrecht).await;
    let token = &w.utrecht.token;
    let project = format!("/api/v1/projects/{}", w.shared);

    // A partner with a contact person, linked to the shared project.
    let partner = json_of(
        app.post(
            "/api/v1/partners",
            &w.north.token,
            &json!({"name": "Moskee Ulu Camii", "category": "religious",
                    "contacts": [{"name": "Fatma Yılmaz", "email": "f.yilmaz@example.org"}]}),
        )
        .await,
    )
    .await;
    let response = app
        .post(
            &lines_path(&w.shared, "partners"),
            &w.north.token,
            &json!({"partner_id": partner["id"], "functions": ["referrer"],
                    "current_level": "in_contact", "desired_level": "collaborate"}),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    for path in [format!("{project}/plan"), lines_path(&w.shared, "partners")] {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().await.unwrap();
        assert!(
            text.contains("Moskee Ulu Camii") || path.ends_with("partners"),
            "{text}"
        );
        for personal in ["Fatma", "f.yilmaz@example.org"] {
            assert!(!text.contains(personal), "{personal} in {path}: {text}");
        }
    }

    let history = app.get(&format!("{project}/history"), token).await;
    let status = history.status();
    let text = history.text().await.unwrap();
    assert_eq!(status, 403, "{text}");
    let report = report_path(&w.shared, "2026-Q1");
    for (method, path, body) in [
        (
            Method::PATCH,
            project.clone(),
            Some(json!({"name": "Overgenomen"})),
        ),
        (Method::DELETE, project.clone(), None),
        (
            Method::POST,
            lines_path(&w.shared, "target-groups"),
            Some(json!({"name": "Nieuw", "languages": ["nl"]})),
        ),
        (Method::PUT, format!("{project}/plan"), Some(json!({}))),
        (
            Method::PATCH,
            report.clone(),
            Some(json!({"narrative": {"obstacles": "x"}})),
        ),
        (
            Method::POST,
            format!("{report}/reopen"),
            Some(json!({"reason": "x"})),
        ),
    ] {
        let mut request = app
            .request(method.clone(), &path, Some(token))
            .header("If-Match", "*");
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        problem(response, 403).await;
    }
    let unchanged = json_of(app.get(&project, &w.north.token).await).await;
    assert_eq!(unchanged["name"], "Mantelzorg in de wijk");
}

#[tokio::test]
async fn the_database_shows_the_funder_role_nothing_else_even_without_a_filter() {
    use diesel::QueryableByName;
    use diesel::sql_types::BigInt;
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};

    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let w = world().await;
    let app = &w.app;
    linked(app, &w.north, &w.north_entry, &w.code, &w.utrecht).await;
    let account = &w.utrecht.organisation_id;
    let mut conn = AsyncPgConnection::establish(&app.connections.app)
        .await
        .expect("connect as the request role");
    let begin = format!(
        "BEGIN READ ONLY; SET LOCAL ROLE mantelmonitor_funder; \
         SELECT set_config('app.organisation_id', '{account}', true)"
    );
    let count = async |conn: &mut AsyncPgConnection, sql: &str| -> Result<i64, String> {
        diesel::sql_query(sql)
            .get_result::<Count>(conn)
            .await
            .map(|c| c.n)
            .map_err(|e| e.to_string())
    };
    conn.batch_execute(&begin).await.unwrap();
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM projects").await,
        Ok(2)
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM fund_applications").await,
        Ok(2),
        "the applications of the shared projects"
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM quarterly_reports").await,
        Ok(2),
        "the two submitted reports, not the draft"
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM organisations").await,
        Ok(3)
    );
    conn.batch_execute("ROLLBACK").await.unwrap();
    for forbidden in [
        "SELECT count(*) AS n FROM users",
        "SELECT count(*) AS n FROM api_tokens",
        "SELECT count(*) AS n FROM audit_events",
        "SELECT count(*) AS n FROM plan_changes",
        "SELECT count(contacts) AS n FROM partners",
        "SELECT count(contacts) AS n FROM funders",
        "SELECT count(*) AS n FROM funder_links",
    ] {
        conn.batch_execute(&begin).await.unwrap();
        let refused = count(&mut conn, forbidden).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.contains("permission denied")),
            "{forbidden}: {refused:?}"
        );
        conn.batch_execute("ROLLBACK").await.unwrap();
    }
    // Without the role, the same account setting reaches nothing: the request role
    // does not inherit the funder role's policies.
    conn.batch_execute(&format!(
        "BEGIN READ ONLY; SELECT set_config('app.organisation_id', '{account}', true)"
    ))
    .await
    .unwrap();
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM projects").await,
        Ok(0)
    );
    assert_eq!(
        count(&mut conn, "SELECT count(*) AS n FROM quarterly_reports").await,
        Ok(0)
    );
    conn.batch_execute("ROLLBACK").await.unwrap();
    let _ = w.south_shared;
}
