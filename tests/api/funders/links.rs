//! Funder links: the organisation requests, the funder account answers, either ends.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Tenant, TestApp, id_of, json_of, named_fields, problem, register_funder, spawn_app,
};

const LINKS: &str = "/api/v1/funder-links";
const INVALID_TRANSITION: &str = "urn:mantelmonitor:problem:invalid-transition";

fn link_path(id: &str) -> String {
    format!("{LINKS}/{id}")
}

async fn request_link(app: &TestApp, org: &Tenant, funder: &str, code: &str) -> Value {
    let response = app
        .post(
            LINKS,
            &org.token,
            &json!({"funder_id": funder, "funder_code": code}),
        )
        .await;
    assert_eq!(response.status(), 201, "request a link");
    json_of(response).await
}

async fn move_link(app: &TestApp, token: &str, id: &str, action: &str) -> reqwest::Response {
    app.request(
        Method::POST,
        &format!("{}/{action}", link_path(id)),
        Some(token),
    )
    .send()
    .await
    .expect("link move")
}

#[tokio::test]
async fn the_organisation_requests_and_the_funder_account_answers() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (funder, code) = app.funder_account("Gemeente Utrecht").await;
    let entry = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;

    // The code as a person types it from a letter.
    let typed = format!(" {} ", code.to_lowercase());
    let response = app
        .post(
            LINKS,
            &org.token,
            &json!({"funder_id": entry, "funder_code": typed}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let requested = json_of(response).await;
    let id = id_of(&requested);
    assert_eq!(location, link_path(&id));
    assert_eq!(requested["state"], "requested");
    assert_eq!(requested["funder_id"], entry);
    assert_eq!(
        requested["organisation"],
        json!({"id": org.organisation_id, "name": "Steunpunt Noord"})
    );
    assert_eq!(
        requested["funder_account"],
        json!({"id": funder.organisation_id, "name": "Gemeente Utrecht", "funder_code": code})
    );
    assert_eq!(requested["your_side"], "organisation");
    assert_eq!(requested["actions"], json!(["end"]));
    assert_eq!(requested["decided_at"], Value::Null);

    // The funder account sees the same link from its side.
    let incoming = json_of(app.get(LINKS, &funder.token).await).await;
    let items = incoming["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{incoming}");
    assert_eq!(items[0]["id"], requested["id"]);
    assert_eq!(items[0]["your_side"], "funder");
    assert_eq!(items[0]["actions"], json!(["accept", "refuse"]));
    assert_eq!(items[0]["organisation"]["name"], "Steunpunt Noord");

    // Only the funder account's admin answers.
    let refused = problem(move_link(&app, &org.token, &id, "accept").await, 403).await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("funder account")
    );
    let (_, reviewer) = app.user_with_role(&funder, "reviewer").await;
    assert_eq!(
        move_link(&app, &reviewer, &id, "accept").await.status(),
        403
    );
    let (_, coordinator) = app.user_with_role(&org, "coordinator").await;
    assert_eq!(
        move_link(&app, &coordinator, &id, "end").await.status(),
        403
    );
    // The funder account refuses rather than ends an unanswered request.
    let early = problem(move_link(&app, &funder.token, &id, "end").await, 409).await;
    assert_eq!(early["type"], INVALID_TRANSITION);

    let response = move_link(&app, &funder.token, &id, "accept").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let accepted = json_of(response).await;
    assert_eq!(accepted["state"], "accepted");
    assert!(accepted["decided_at"].is_string());
    assert_eq!(accepted["actions"], json!(["end"]));
    let again = problem(move_link(&app, &funder.token, &id, "accept").await, 409).await;
    assert_eq!(again["type"], INVALID_TRANSITION);
    assert_eq!(again["allowed"], json!(["end"]), "{again}");
    let seen = json_of(app.get(&link_path(&id), &org.token).await).await;
    assert_eq!(seen["state"], "accepted");

    // A stale If-Match is refused; the current one goes through.
    let stale = app
        .send_if_match(
            Method::POST,
            &format!("{}/end", link_path(&id)),
            &org.token,
            "\"1\"",
            None,
        )
        .await;
    assert_eq!(stale.status(), 412);
    let ended = app
        .send_if_match(
            Method::POST,
            &format!("{}/end", link_path(&id)),
            &org.token,
            "\"2\"",
            None,
        )
        .await;
    assert_eq!(ended.status(), 200);
    let ended = json_of(ended).await;
    assert_eq!(ended["state"], "ended");
    assert_eq!(ended["ended_by"], "organisation");
    assert_eq!(ended["actions"], json!([]));
    assert_eq!(
        problem(move_link(&app, &funder.token, &id, "end").await, 409).await["type"],
        INVALID_TRANSITION
    );

    // Ended, the register entry can be linked again; the funder account may refuse.
    let second = request_link(&app, &org, &entry, &code).await;
    let refused = json_of(move_link(&app, &funder.token, &id_of(&second), "refuse").await).await;
    assert_eq!(refused["state"], "refused");
    let states: Vec<Value> = json_of(
        app.get(&format!("{LINKS}?state=ended"), &funder.token)
            .await,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(states, [requested["id"].clone()]);
}

#[tokio::test]
async fn a_link_request_names_what_is_wrong_and_stores_nothing() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let other = app.tenant("Steunpunt Zuid").await;
    let (funder, code) = app.funder_account("Oranje Fonds").await;
    let entry = register_funder(&app, &org.token, "Oranje Fonds", "fund").await;
    let theirs = register_funder(&app, &other.token, "Oranje Fonds", "fund").await;
    let unknown = "ZZZZ-ZZZZ";
    for (body, pointers) in [
        (
            json!({"funder_id": entry, "funder_code": unknown}),
            vec!["/funder_code"],
        ),
        (
            json!({"funder_id": entry, "funder_code": "ORANJE"}),
            vec!["/funder_code"],
        ),
        (
            json!({"funder_id": theirs, "funder_code": code}),
            vec!["/funder_id"],
        ),
        (
            json!({"funder_id": uuid::Uuid::new_v4(), "funder_code": unknown}),
            vec!["/funder_id", "/funder_code"],
        ),
        (json!({"funder_id": entry}), vec!["/funder_code"]),
        (
            json!({"funder_id": "geen id", "funder_code": code}),
            vec!["/funder_id"],
        ),
    ] {
        let refused = problem(app.post(LINKS, &org.token, &body).await, 422).await;
        let mut named = named_fields(&refused);
        named.sort();
        let mut expected: Vec<String> = pointers.iter().map(|p| p.to_string()).collect();
        expected.sort();
        assert_eq!(named, expected, "{body}: {refused}");
    }
    assert_eq!(
        json_of(app.get(LINKS, &org.token).await).await["items"],
        json!([])
    );

    // A funder account does not request links.
    let body = json!({"funder_id": entry, "funder_code": code});
    assert_eq!(app.post(LINKS, &funder.token, &body).await.status(), 403);

    // One live link per register entry and per funder account.
    request_link(&app, &org, &entry, &code).await;
    let twice = problem(app.post(LINKS, &org.token, &body).await, 409).await;
    assert_eq!(named_fields(&twice), ["/funder_id"], "{twice}");
    let alias = register_funder(&app, &org.token, "Stichting Oranje Fonds", "fund").await;
    let body = json!({"funder_id": alias, "funder_code": code});
    let same_account = problem(app.post(LINKS, &org.token, &body).await, 409).await;
    assert_eq!(
        named_fields(&same_account),
        ["/funder_code"],
        "{same_account}"
    );
    // Another organisation links to the same funder account on its own.
    request_link(&app, &other, &theirs, &code).await;
    let incoming = json_of(app.get(LINKS, &funder.token).await).await;
    assert_eq!(incoming["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_link_is_seen_by_its_two_sides_only() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let stranger = app.tenant("Steunpunt Zuid").await;
    let (funder, code) = app.funder_account("Gemeente Utrecht").await;
    let (other_funder, _) = app.funder_account("Gemeente Amersfoort").await;
    let entry = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;
    let link = id_of(&request_link(&app, &org, &entry, &code).await);

    for outsider in [&stranger.token, &other_funder.token] {
        assert_eq!(app.get(&link_path(&link), outsider).await.status(), 404);
        assert_eq!(
            json_of(app.get(LINKS, outsider).await).await["items"],
            json!([])
        );
        assert_eq!(move_link(&app, outsider, &link, "end").await.status(), 404);
    }
    // The link does not open the organisation to the funder account beyond its name.
    assert_eq!(
        app.get("/api/v1/funders", &funder.token).await.status(),
        403
    );
    let own = json_of(app.get("/api/v1/organisation", &funder.token).await).await;
    assert_eq!(own["id"], funder.organisation_id);
}

#[tokio::test]
async fn the_database_lets_each_side_make_only_its_own_moves() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (funder, code) = app.funder_account("Gemeente Utrecht").await;
    let entry = register_funder(&app, &org.token, "Gemeente Utrecht", "municipality").await;
    let link = id_of(&request_link(&app, &org, &entry, &code).await);

    let mut conn = AsyncPgConnection::establish(&app.connections.app)
        .await
        .expect("connect as the request role");
    let as_account = |account: &str, sql: &str| {
        format!("BEGIN; SELECT set_config('app.organisation_id', '{account}', true); {sql}; COMMIT")
    };
    let accept = format!(
        "UPDATE funder_links SET state = 'accepted', decided_at = now() WHERE id = '{link}'"
    );
    // The organisation cannot accept its own request.
    let error = conn
        .batch_execute(&as_account(&org.organisation_id, &accept))
        .await
        .expect_err("the organisation accepted its own request");
    assert!(error.to_string().contains("cannot move"), "{error}");
    conn.batch_execute("ROLLBACK").await.unwrap();
    // Nor can either side swap the funder account.
    let swap = format!(
        "UPDATE funder_links SET funder_account_id = '{}' WHERE id = '{link}'",
        org.organisation_id
    );
    assert!(
        conn.batch_execute(&as_account(&funder.organisation_id, &swap))
            .await
            .is_err()
    );
    conn.batch_execute("ROLLBACK").await.unwrap();
    // A funder account cannot request a link in an organisation's name.
    let forge = format!(
        "INSERT INTO funder_links (id, organisation_id, funder_id, funder_account_id) \
         VALUES (gen_random_uuid(), '{}', '{entry}', '{}')",
        org.organisation_id, funder.organisation_id
    );
    assert!(
        conn.batch_execute(&as_account(&funder.organisation_id, &forge))
            .await
            .is_err()
    );
    conn.batch_execute("ROLLBACK").await.unwrap();
    // The funder account's own answer goes through.
    conn.batch_execute(&as_account(&funder.organisation_id, &accept))
        .await
        .expect("the funder account accepts");
    let seen = json_of(app.get(&link_path(&link), &org.token).await).await;
    assert_eq!(seen["state"], "accepted");
}
