//! The organisation's partner register and its contacts.

use super::*;

#[tokio::test]
async fn a_partner_is_created_with_contacts_and_its_name_is_unique_in_the_organisation() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let body = partner_body("Moskee Ulu Camii");

    let response = app.post(REGISTER, &a.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    let created = json_of(response).await;
    assert_eq!(location, partner_path(&id_of(&created)));
    assert_eq!(created["name"], "Moskee Ulu Camii");
    assert_eq!(created["category"], "religious");
    assert_eq!(created["notes"], body["notes"]);
    assert_eq!(
        contacts_of(&created),
        body["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(contact_fields)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        fetch(&app, &a.token, &location).await,
        (created.clone(), etag)
    );
    assert_eq!(
        all_items(&app, &a.token, REGISTER).await,
        std::slice::from_ref(&created)
    );

    // Without contacts is fine too.
    let (bare, _) = create(
        &app,
        &a.token,
        REGISTER,
        &json!({"name": "Wijkteam Oost", "category": "municipality"}),
    )
    .await;
    assert_eq!(bare["contacts"], json!([]));

    assert_conflict(&app, &a.token, REGISTER, &partner_body("Moskee Ulu Camii")).await;
    assert_write_refused(
        &app,
        &a.token,
        &partner_path(&id_of(&bare)),
        Method::PATCH,
        None,
        Some(&json!({"name": "Moskee Ulu Camii"})),
        Refused::Conflict,
    )
    .await;
    // Another organisation has its own register.
    create(&app, &b.token, REGISTER, &partner_body("Moskee Ulu Camii")).await;

    for (body, pointer) in [
        (json!({"name": "", "category": "welfare"}), "/name"),
        (json!({"name": "   ", "category": "welfare"}), "/name"),
        (
            json!({"name": "n".repeat(201), "category": "welfare"}),
            "/name",
        ),
        (json!({"name": "Bank", "category": "bank"}), "/category"),
        (json!({"name": "Zonder categorie"}), "/category"),
        (
            json!({"name": "Contact zonder naam", "category": "school", "contacts": [{"role": "Docent"}]}),
            "/contacts/0/name",
        ),
    ] {
        assert_rejected(&app, &a.token, REGISTER, &body, &[pointer]).await;
    }
}

#[tokio::test]
async fn contacts_left_out_are_deleted() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let (created, _) = create(&app, &t.token, REGISTER, &partner_body("Stichting Salam")).await;
    let path = partner_path(&id_of(&created));
    let kept = created["contacts"][1].clone();

    // A merge patch without `contacts` keeps them.
    let (patched, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"notes": "Nieuwe notitie"}),
    )
    .await;
    assert_eq!(contacts_of(&patched), contacts_of(&created));

    // PUT with only the second contact: the first is gone.
    let put_body =
        json!({"name": "Stichting Salam", "category": "migrant_organisation", "contacts": [kept]});
    let (replaced, _) = write_ok(&app, &t.token, &path, Method::PUT, None, &put_body).await;
    assert_eq!(contacts_of(&replaced), [contact_fields(&kept)]);
    assert!(replaced["notes"].is_null(), "PUT clears what it leaves out");
    let text = app.get(&path, &t.token).await.text().await.unwrap();
    assert!(
        !text.contains("Fatma") && !text.contains("f.yilmaz@example.org"),
        "{text}"
    );

    // PATCH with an empty list: none left, in the item and in the list.
    let (emptied, _) = write_ok(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        &json!({"contacts": []}),
    )
    .await;
    assert_eq!(emptied["contacts"], json!([]));
    assert_eq!(fetch(&app, &t.token, &path).await.0["contacts"], json!([]));
    let listed = all_items(&app, &t.token, REGISTER).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["contacts"], json!([]));
    let text = app.get(REGISTER, &t.token).await.text().await.unwrap();
    assert!(!text.contains("Ahmet") && !text.contains("Fatma"), "{text}");
}

#[tokio::test]
async fn an_invalid_contact_email_is_422_at_its_index_and_nothing_is_stored() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Noord").await;
    let mut body = partner_body("Buurthuis De Brug");
    body["contacts"][1]["email"] = json!("geen-adres");
    assert_rejected(&app, &t.token, REGISTER, &body, &["/contacts/1/email"]).await;
    body["contacts"][1]["email"] = json!("a@@example.org");
    assert_rejected(&app, &t.token, REGISTER, &body, &["/contacts/1/email"]).await;

    let (created, _) = create(&app, &t.token, REGISTER, &partner_body("Buurthuis De Brug")).await;
    let path = partner_path(&id_of(&created));
    let contacts = json!([{"name": "Nieuwe naam", "email": "niet geldig"}]);
    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::PATCH,
        None,
        Some(&json!({"contacts": contacts})),
        Refused::Invalid(&["/contacts/0/email"]),
    )
    .await;
    let mut put_body = partner_body("Buurthuis De Brug");
    put_body["contacts"][0]["email"] = json!("@example.org");
    assert_write_refused(
        &app,
        &t.token,
        &path,
        Method::PUT,
        None,
        Some(&put_body),
        Refused::Invalid(&["/contacts/0/email"]),
    )
    .await;
}

#[tokio::test]
async fn another_organisations_partner_or_an_unknown_one_cannot_be_linked() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let (created, etag) = create(&app, &a.token, REGISTER, &partner_body("Moskee Ulu Camii")).await;
    let id = id_of(&created);
    let b_pid = new_project(&app, &b.token, "Project B").await;

    // Refused at /partner_id, as an id that names nothing is.
    let collection = lines_path(&b_pid, LINKS);
    for partner_id in [id.clone(), uuid::Uuid::new_v4().to_string()] {
        assert_rejected(
            &app,
            &b.token,
            &collection,
            &link_body(&partner_id),
            &["/partner_id"],
        )
        .await;
    }
    assert_eq!(
        fetch(&app, &a.token, &partner_path(&id)).await,
        (created, etag),
        "unchanged"
    );
}
