//! A funder account, its users and what it may not do.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, json_of, named_fields, problem, project_body, spawn_app};

#[tokio::test]
async fn a_funder_account_signs_in_as_everyone_does_and_sees_only_itself() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (funder, code) = app.funder_account("Gemeente Utrecht").await;
    app.project(&org.token, &project_body("Mantelzorg in de wijk"))
        .await;

    let account = json_of(app.get("/api/v1/organisation", &funder.token).await).await;
    assert_eq!(account["id"], funder.organisation_id);
    assert_eq!(account["name"], "Gemeente Utrecht");
    assert_eq!(account["kind"], "funder");
    assert_eq!(account["funder_code"], code);
    let organisation = json_of(app.get("/api/v1/organisation", &org.token).await).await;
    assert_eq!(organisation["kind"], "organisation");
    assert_eq!(organisation["funder_code"], Value::Null);

    let me = json_of(app.get("/api/v1/users/me", &funder.token).await).await;
    assert_eq!(me["email"], funder.admin_email);
    assert_eq!(me["role"], "admin");
    let users = json_of(app.get("/api/v1/users", &funder.token).await).await;
    let emails: Vec<&Value> = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| &u["email"])
        .collect();
    assert_eq!(emails, [&json!(funder.admin_email)], "its own users only");

    // No organisation's project is the funder's before anything is shared with it.
    let projects = json_of(app.get("/api/v1/projects", &funder.token).await).await;
    assert_eq!(projects["items"], json!([]));
}

#[tokio::test]
async fn a_funder_account_has_reviewers_and_an_organisation_has_coordinators() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (funder, _) = app.funder_account("Oranje Fonds").await;

    let (_, reviewer) = app.user_with_role(&funder, "reviewer").await;
    let me = json_of(app.get("/api/v1/users/me", &reviewer).await).await;
    assert_eq!(me["role"], "reviewer");
    app.user_with_role(&funder, "viewer").await;

    for (account, role, message) in [
        (
            &funder,
            "coordinator",
            "must be admin, reviewer or viewer in a funder account",
        ),
        (
            &org,
            "reviewer",
            "must be admin, coordinator or viewer in an organisation",
        ),
    ] {
        let email = format!("{role}@example.org");
        let body = json!({"email": email, "role": role, "password": PASSWORD});
        let refused = problem(app.post("/api/v1/users", &account.token, &body).await, 422).await;
        assert_eq!(named_fields(&refused), ["/role"], "{refused}");
        assert_eq!(refused["errors"][0]["message"], message, "{refused}");
        let response = app
            .post(
                "/api/v1/api-tokens",
                &account.token,
                &json!({"name": "Koppeling", "role": role}),
            )
            .await;
        assert_eq!(named_fields(&problem(response, 422).await), ["/role"]);
    }

    // Promoting a user to a role of the other kind of account is refused too.
    let (viewer_id, _) = app.user_with_role(&org, "viewer").await;
    let path = format!("/api/v1/users/{viewer_id}");
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &org.token,
            "*",
            Some(&json!({"role": "reviewer"})),
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["/role"]);
    let user = json_of(app.get(&path, &org.token).await).await;
    assert_eq!(user["role"], "viewer", "unchanged");
}

#[tokio::test]
async fn a_funder_account_writes_no_plan_and_reads_no_register() {
    let app = spawn_app().await;
    let (funder, _) = app.funder_account("Gemeente Utrecht").await;
    let (_, reviewer) = app.user_with_role(&funder, "reviewer").await;
    for token in [&funder.token, &reviewer] {
        for (method, path, body) in [
            (
                Method::POST,
                "/api/v1/projects",
                Some(project_body("Eigen project")),
            ),
            (Method::GET, "/api/v1/partners", None),
            (Method::GET, "/api/v1/funders", None),
            (
                Method::POST,
                "/api/v1/funders",
                Some(json!({"name": "Zichzelf", "kind": "municipality"})),
            ),
        ] {
            let mut request = app.request(method.clone(), path, Some(token));
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.expect("request");
            let refused = problem(response, 403).await;
            assert!(
                refused["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("funder account")),
                "{method} {path}: {refused}"
            );
        }
    }
    // A reviewer does not manage the account's users; its admin does.
    assert_eq!(app.get("/api/v1/users", &reviewer).await.status(), 403);
    assert_eq!(app.get("/api/v1/users", &funder.token).await.status(), 200);
}

#[tokio::test]
async fn one_email_is_one_user_across_organisations_and_funder_accounts() {
    let app = spawn_app().await;
    let org = app.tenant("Steunpunt Noord").await;
    let (funder, _) = app.funder_account("Gemeente Utrecht").await;
    let body =
        json!({"email": org.admin_email.to_uppercase(), "role": "viewer", "password": PASSWORD});
    let refused = problem(app.post("/api/v1/users", &funder.token, &body).await, 409).await;
    assert_eq!(named_fields(&refused), ["/email"], "{refused}");
}

#[tokio::test]
async fn the_database_refuses_a_role_of_the_other_kind_of_account() {
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let app = spawn_app().await;
    let (funder, _) = app.funder_account("Gemeente Utrecht").await;
    let org = app.tenant("Steunpunt Noord").await;
    let mut conn = AsyncPgConnection::establish(&app.database_url)
        .await
        .expect("connect as the owner");
    for (account, role) in [(&funder, "coordinator"), (&org, "reviewer")] {
        let insert = format!(
            "INSERT INTO users (id, organisation_id, email, name, password_hash, role) \
             VALUES (gen_random_uuid(), '{}', '{role}@example.org', '', 'x', '{role}')",
            account.organisation_id
        );
        match diesel::sql_query(&insert).execute(&mut conn).await {
            Err(diesel::result::Error::DatabaseError(_, info)) => {
                assert_eq!(info.constraint_name(), Some("users_role_fits_account"));
            }
            other => panic!("{role} in the wrong kind of account: {other:?}"),
        }
        let promote = format!(
            "UPDATE users SET role = '{role}' WHERE organisation_id = '{}'",
            account.organisation_id
        );
        assert!(
            diesel::sql_query(&promote)
                .execute(&mut conn)
                .await
                .is_err(),
            "{promote}"
        );
    }
}
