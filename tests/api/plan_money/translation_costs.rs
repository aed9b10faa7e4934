//! Translation costs: the total the service computes, and invalid fields.

use super::*;

#[tokio::test]
async fn the_translation_total_is_computed_per_language_from_the_rounded_line_cost() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Vertalingen").await;
    let collection = lines_path(&pid, TRANSLATION_COSTS);

    let body = json!({
        "item": "Folder mantelzorgondersteuning",
        "source_language": "nl",
        "target_languages": ["tr", "ar", "ti"],
        "unit": "words",
        "quantity": "1234.5",
        "unit_price": "0.13"
    });
    let response = app.post(&collection, &tenant.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert_eq!(location, line_path(&pid, TRANSLATION_COSTS, &id));
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["item"], "Folder mantelzorgondersteuning");
    assert_eq!(created["source_language"], "nl");
    assert_eq!(created["target_languages"], json!(["tr", "ar", "ti"]));
    assert_eq!(created["unit"], "words");
    assert_eq!(created["quantity"], "1234.50");
    assert_eq!(created["unit_price"], "0.13");
    // 1234.5 × 0.13 = 160.485 → 160.49 (half away from zero), × 3 languages.
    assert_eq!(created["total"], "481.47");
    assert_eq!(
        keys(&created),
        [
            "created_at",
            "id",
            "item",
            "project_id",
            "quantity",
            "source_language",
            "target_languages",
            "total",
            "unit",
            "unit_price",
            "updated_at"
        ]
    );
    assert_eq!(
        fetch(&app, &tenant.token, &location).await,
        (created.clone(), etag)
    );

    for (unit, quantity, price, targets, total) in [
        // A flat fee: quantity 1.
        ("flat", "1", "750", json!(["tr", "ar"]), "1500.00"),
        ("pages", "3", "19.99", json!(["ti"]), "59.97"),
        // 0.025 → 0.03 per language, not 0.05 → 0.05 for both.
        ("minutes", "0.5", "0.05", json!(["tr", "ar"]), "0.06"),
        // 0.825 → 0.83 per language: 3.32, not 3.30.
        (
            "words",
            "2.5",
            "0.33",
            json!(["tr", "ar", "ti", "so"]),
            "3.32",
        ),
        ("words", "0.01", "0.01", json!(["en"]), "0.00"),
    ] {
        let body = json!({
            "item": format!("{unit} {quantity}"),
            "source_language": "nl",
            "target_languages": targets,
            "unit": unit,
            "quantity": quantity,
            "unit_price": price
        });
        let (line, _) = create(
            &app,
            &tenant.token,
            &lines_path(&pid, TRANSLATION_COSTS),
            &body,
        )
        .await;
        assert_eq!(line["total"], total, "{body}");
        assert_eq!(line["unit"], unit);
    }
    assert_eq!(all_items(&app, &tenant.token, &collection).await.len(), 6);
}

#[tokio::test]
async fn a_client_cannot_send_the_translation_total_and_writes_recompute_it() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Vertalingen").await;
    let collection = lines_path(&pid, TRANSLATION_COSTS);

    for total in [json!("96.00"), json!("192.00"), json!(null)] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &with(&translation_body(), json!({"total": total})),
            &["/total"],
        )
        .await;
    }

    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, TRANSLATION_COSTS),
        &translation_body(),
    )
    .await;
    // 800 × 0.12 = 96.00, × 2.
    assert_eq!(created["total"], "192.00");
    let path = line_path(&pid, TRANSLATION_COSTS, &id_of(&created));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"total": "1.00"})),
        Refused::Invalid(&["/total"]),
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&with(&translation_body(), json!({"total": "192.00"}))),
        Refused::Invalid(&["/total"]),
    )
    .await;

    // PATCH: the total follows quantity, price and languages.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"quantity": "1234.5", "unit_price": "0.13"}),
    )
    .await;
    assert_eq!(patched["total"], "320.98", "160.49 × 2");
    assert_eq!(patched["item"], created["item"]);
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"target_languages": ["tr", "ar", "so", "fa", "ps"]}),
    )
    .await;
    assert_eq!(patched["total"], "802.45", "160.49 × 5");
    assert_eq!(patched["quantity"], "1234.50");

    // PUT: likewise.
    let (replaced, _) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        &json!({
            "item": "Voice-over video",
            "source_language": "nl",
            "target_languages": ["ar"],
            "unit": "flat",
            "quantity": "1",
            "unit_price": "499.95"
        }),
    )
    .await;
    assert_eq!(replaced["total"], "499.95");
    assert_eq!(replaced["unit"], "flat");
    assert_eq!(replaced["id"], created["id"]);
}

#[tokio::test]
async fn invalid_translation_cost_fields_are_422_at_that_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Vertalingen").await;
    let collection = lines_path(&pid, TRANSLATION_COSTS);
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, TRANSLATION_COSTS),
        &translation_body(),
    )
    .await;
    let base = translation_body();
    let twenty_one = json!([
        "tr", "ar", "en", "de", "fr", "es", "it", "pl", "ro", "bg", "so", "ti", "fa", "ps", "am",
        "uk", "ru", "zh", "pt", "hi", "ur"
    ]);
    let cases = [
        (with(&base, json!({"item": ""})), "/item"),
        (with(&base, json!({"item": "  "})), "/item"),
        (with(&base, json!({"item": "i".repeat(501)})), "/item"),
        (
            with(&base, json!({"source_language": "xx"})),
            "/source_language",
        ),
        (
            with(&base, json!({"source_language": "NL"})),
            "/source_language",
        ),
        (
            with(&base, json!({"target_languages": []})),
            "/target_languages",
        ),
        (
            with(&base, json!({"target_languages": twenty_one})),
            "/target_languages",
        ),
        (
            with(&base, json!({"target_languages": ["tr", "ar", "tr"]})),
            "/target_languages/2",
        ),
        (
            with(&base, json!({"target_languages": ["tr", "nl"]})),
            "/target_languages/1",
        ),
        (
            with(&base, json!({"target_languages": ["tr", "xx"]})),
            "/target_languages/1",
        ),
        (with(&base, json!({"unit": "lines"})), "/unit"),
        (with(&base, json!({"quantity": "0"})), "/quantity"),
        (with(&base, json!({"quantity": "0.00"})), "/quantity"),
        (with(&base, json!({"quantity": "-1"})), "/quantity"),
        (with(&base, json!({"quantity": "1.005"})), "/quantity"),
        (with(&base, json!({"quantity": "10000000.01"})), "/quantity"),
        (with(&base, json!({"quantity": 800})), "/quantity"),
        (with(&base, json!({"unit_price": "0.125"})), "/unit_price"),
        (
            with(&base, json!({"unit_price": "1000000.01"})),
            "/unit_price",
        ),
        (with(&base, json!({"unit_price": "-0.12"})), "/unit_price"),
        (without(&base, "unit_price"), "/unit_price"),
        (without(&base, "target_languages"), "/target_languages"),
        (with(&base, json!({"currency": "EUR"})), "/currency"),
    ];
    for (body, pointer) in cases {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }

    // The limits themselves are fine: 20 languages, 500 characters.
    let mut twenty = twenty_one.as_array().unwrap().clone();
    twenty.pop();
    let (line, _) = create(&app, &tenant.token, &lines_path(&pid, TRANSLATION_COSTS), &with(
            &base,
            json!({"item": "i".repeat(500), "target_languages": twenty, "unit": "pages", "quantity": "2", "unit_price": "10"}),
        ))
    .await;
    assert_eq!(line["total"], "400.00", "20 × 2 × 10");
}
