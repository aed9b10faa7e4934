//! The organisation-wide audit trail (`GET /api/v1/audit`): users, API tokens, the
//! partner register, the organisation's settings and project deletions, with who, when
//! and the fields before and after; never a secret, never a contact person.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, json_of, new_project, problem, spawn_app};

async fn audit(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/audit{query}"), token).await;
    assert_eq!(response.status(), 200, "audit{query}");
    json_of(response).await
}

fn summary(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entity"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn send(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let response = app
        .request(method.clone(), path, Some(token))
        .header("If-Match", "*")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(status.is_success(), "{method} {path}: {status}");
    if status == 204 {
        Value::Null
    } else {
        json_of(response).await
    }
}

#[tokio::test]
async fn every_change_outside_the_plan_is_recorded_with_who_and_what_but_no_secret() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let admin_actor = json!({"kind": "user", "id": a.admin_id, "name": "Admin"});

    let user = json_of(
        app.post(
            "/api/v1/users",
            &a.token,
            &json!({"email": "coordinator@a.example", "name": "Coördinator", "role": "coordinator", "password": PASSWORD}),
        )
        .await,
    )
    .await;
    let user_path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    send(
        &app,
        Method::PATCH,
        &user_path,
        &a.token,
        json!({"role": "admin"}),
    )
    .await;
    send(
        &app,
        Method::PATCH,
        &user_path,
        &a.token,
        json!({"active": false}),
    )
    .await;
    send(&app, Method::DELETE, &user_path, &a.token, Value::Null).await;

    let created = json_of(
        app.post(
            "/api/v1/api-tokens",
            &a.token,
            &json!({"name": "intranet", "role": "viewer"}),
        )
        .await,
    )
    .await;
    let secret = created["secret"].as_str().unwrap().to_string();
    let token_path = format!("/api/v1/api-tokens/{}", created["id"].as_str().unwrap());
    send(&app, Method::DELETE, &token_path, &a.token, Value::Null).await;

    let partner = json_of(
        app.post(
            "/api/v1/partners",
            &a.token,
            &json!({"name": "Moskee Al Fath", "category": "religious",
                    "contacts": [{"name": "Fatima Yilmaz", "email": "fatima@example.org", "phone": "0612345678"}]}),
        )
        .await,
    )
    .await;
    let partner_path = format!("/api/v1/partners/{}", partner["id"].as_str().unwrap());
    send(
        &app,
        Method::PATCH,
        &partner_path,
        &a.token,
        json!({"notes": "Vrijdagmiddag", "contacts": [{"name": "Ahmed Yilmaz"}, {"name": "Fatima Yilmaz"}]}),
    )
    .await;
    send(
        &app,
        Method::PATCH,
        "/api/v1/organisation",
        &a.token,
        json!({"report_due_days": 45}),
    )
    .await;
    let pid = new_project(&app, &a.token, "Eenmalig").await;
    send(
        &app,
        Method::DELETE,
        &format!("/api/v1/projects/{pid}"),
        &a.token,
        Value::Null,
    )
    .await;
    // Using a token stamps its last use; that is no change worth an event.
    let (_, viewer) = app.user_with_role(&a, "viewer").await;
    assert_eq!(app.get("/api/v1/projects", &viewer).await.status(), 200);

    let page = audit(&app, &a.token, "?limit=200").await;
    let text = page.to_string();
    for secret_text in [
        secret.as_str(),
        PASSWORD,
        "argon2",
        "Fatima",
        "Ahmed",
        "fatima@example.org",
        "0612345678",
    ] {
        assert!(
            !text.contains(secret_text),
            "{secret_text} in the trail: {text}"
        );
    }
    assert_eq!(
        summary(&page),
        [
            ("user", "created"),
            ("project", "deleted"),
            ("organisation", "updated"),
            ("partner", "updated"),
            ("partner", "created"),
            ("api_token", "revoked"),
            ("api_token", "created"),
            ("user", "deleted"),
            ("user", "updated"),
            ("user", "updated"),
            ("user", "created"),
            ("user", "created"),
        ]
        .map(|(e, a)| (e.to_string(), a.to_string())),
        "newest first, from the viewer back to the first admin: {page:#}"
    );
    let items = page["items"].as_array().unwrap();
    let event = |i: usize| &items[i];

    assert_eq!(event(1)["entity_id"], pid);
    assert_eq!(event(1)["before"]["name"], "Eenmalig");
    assert_eq!(event(1)["after"], Value::Null);
    assert_eq!(event(2)["before"], json!({"report_due_days": 30}));
    assert_eq!(event(2)["after"], json!({"report_due_days": 45}));
    assert_eq!(event(3)["before"]["notes"], Value::Null);
    assert_eq!(event(3)["after"]["notes"], "Vrijdagmiddag");
    assert_eq!(
        event(3)["before"]["contacts"],
        json!({"redacted": true, "count": 1})
    );
    assert_eq!(
        event(3)["after"]["contacts"],
        json!({"redacted": true, "count": 2})
    );
    assert_eq!(event(5)["before"]["revoked_at"], Value::Null);
    assert!(event(5)["after"]["revoked_at"].is_string());
    assert_eq!(event(6)["after"]["name"], "intranet");
    assert_eq!(event(6)["after"]["secret_hash"], json!({"redacted": true}));
    assert_eq!(event(7)["before"]["email"], "coordinator@a.example");
    assert_eq!(event(8)["before"], json!({"active": true}));
    assert_eq!(event(8)["after"], json!({"active": false}));
    assert_eq!(event(9)["before"], json!({"role": "coordinator"}));
    assert_eq!(event(9)["after"], json!({"role": "admin"}));
    assert_eq!(
        event(10)["after"]["password_hash"],
        json!({"redacted": true})
    );
    for e in &items[..11] {
        assert_eq!(e["actor"], admin_actor, "{e}");
        assert!(e["at"].is_string() && e["id"].is_i64());
    }
    assert_eq!(
        event(11)["actor"],
        Value::Null,
        "the first admin comes from the CLI"
    );
    assert_eq!(event(11)["after"]["role"], "admin");

    // Filters and paging.
    let users = audit(&app, &a.token, "?entity=user").await;
    assert_eq!(summary(&users).len(), 6);
    assert!(summary(&users).iter().all(|(e, _)| e == "user"));
    // The filters take Dutch days.
    let today = crate::helpers::amsterdam_today();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    assert_eq!(
        audit(&app, &a.token, &format!("?from={tomorrow}")).await["items"],
        json!([])
    );
    assert_eq!(
        audit(&app, &a.token, &format!("?to={yesterday}")).await["items"],
        json!([])
    );
    assert_eq!(
        summary(
            &audit(
                &app,
                &a.token,
                &format!("?from={yesterday}&to={tomorrow}&limit=200")
            )
            .await
        )
        .len(),
        12
    );
    let first = audit(&app, &a.token, "?limit=4").await;
    let second = audit(
        &app,
        &a.token,
        &format!("?limit=4&cursor={}", first["next_cursor"].as_str().unwrap()),
    )
    .await;
    let ids: Vec<i64> = [&first, &second]
        .iter()
        .flat_map(|p| {
            p["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(ids.len(), 8);
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");

    // Another organisation sees only its own first admin.
    let theirs = audit(&app, &b.token, "").await;
    assert_eq!(
        summary(&theirs),
        [("user".to_string(), "created".to_string())]
    );
    assert_eq!(theirs["items"][0]["entity_id"], b.admin_id);
}

#[tokio::test]
async fn the_trail_is_for_admins_and_its_parameters_are_checked() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let (_, coordinator) = app.user_with_role(&a, "coordinator").await;
    problem(app.get("/api/v1/audit", &coordinator).await, 403).await;
    for (query, parameter) in [
        ("?entity=plan", "entity"),
        ("?from=gisteren", "from"),
        ("?from=2026-05-02&to=2026-05-01", "to"),
        ("?limit=0", "limit"),
        ("?cursor=bm9wZQ", "cursor"),
    ] {
        let body = problem(
            app.get(&format!("/api/v1/audit{query}"), &a.token).await,
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["parameter"], parameter, "{query}: {body}");
    }
}

#[tokio::test]
async fn the_request_role_cannot_write_the_trail() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    app.user_with_role(&a, "viewer").await;
    let mut conn = AsyncPgConnection::establish(&app.connections.app)
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_events SET actor = NULL".to_string(),
        "DELETE FROM audit_events".to_string(),
        format!(
            "INSERT INTO audit_events (organisation_id, entity, entity_id, action) VALUES ('{0}', 'user', '{0}', 'deleted')",
            a.organisation_id
        ),
    ] {
        let refused = conn
            .batch_execute(&format!(
                "BEGIN; SELECT set_config('app.organisation_id', '{}', true); {sql}",
                a.organisation_id
            ))
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("permission denied"),
            "{sql}: {refused}"
        );
        conn.batch_execute("ROLLBACK").await.unwrap();
    }
}
