//! The money side of a project plan: budget lines (`/budget-lines`, optionally phased
//! per quarter), translation costs (`/translation-costs`, with a total the service
//! computes) and fund applications (`/fund-applications`, with amount rules, dates,
//! covered budget lines, reporting duties and an enforced status lifecycle). What every
//! part shares (roles, tenancy, If-Match/ETag, 405, merge patch) is in
//! [`crate::contract`].

use crate::helpers::{Refused, assert_rejected, assert_write_refused, create, write_ok};
use crate::helpers::{TestApp, etag_of, problem, sorted, spawn_app, with, without};
use crate::helpers::{
    all_items, fetch, id_of, json_of, line_path, lines_path, new_project, version,
};
use reqwest::Method;
use serde_json::{Value, json};

const BUDGET_LINES: &str = "budget-lines";
const TRANSLATION_COSTS: &str = "translation-costs";
const FUND_APPLICATIONS: &str = "fund-applications";

const INVALID_TRANSITION: &str = "urn:mantelmonitor:problem:invalid-transition";

// --- helpers ----------------------------------------------------------------------------

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect()
}

fn budget_line_body() -> Value {
    json!({
        "category": "communication",
        "description": "Flyers in het Turks en Arabisch",
        "amount": "1500",
        "phases": [
            {"quarter": "2026-Q3", "amount": "1000"},
            {"quarter": "2026-Q2", "amount": "500"}
        ]
    })
}

/// The `i`-th of a set of distinct, valid budget lines.
fn budget_sample(i: usize) -> Value {
    with(
        &budget_line_body(),
        json!({"description": format!("Begrotingsregel {i}")}),
    )
}

fn translation_body() -> Value {
    json!({
        "item": "Flyer 'Zorgt u voor een naaste?'",
        "source_language": "nl",
        "target_languages": ["tr", "ar"],
        "unit": "words",
        "quantity": "800",
        "unit_price": "0.12"
    })
}

fn fund_body() -> Value {
    json!({
        "funder_name": "Fonds Mantelzorg",
        "funder_kind": "private_fund",
        "amount_requested": "5000"
    })
}

fn keys(item: &Value) -> Vec<String> {
    sorted(item.as_object().expect("object").keys().cloned().collect())
}

// --- budget lines -----------------------------------------------------------------------

#[tokio::test]
async fn a_budget_line_is_created_with_201_location_etag_and_phases_sorted_by_quarter() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Begroting").await;
    let collection = lines_path(&pid, BUDGET_LINES);

    let body = json!({
        "category": "translation",
        "description": "Vertaling folders",
        "amount": "1000",
        "phases": [
            {"quarter": "2027-Q1", "amount": "0.01"},
            {"quarter": "2026-Q3", "amount": "999.99"}
        ]
    });
    let response = app.post(&collection, &tenant.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "id is a UUID: {id}");
    assert_eq!(location, line_path(&pid, BUDGET_LINES, &id));
    assert_eq!(created["project_id"], json!(pid));
    assert_eq!(created["category"], "translation");
    assert_eq!(created["description"], "Vertaling folders");
    assert_eq!(created["amount"], "1000.00");
    assert_eq!(
        created["phases"],
        json!([
            {"quarter": "2026-Q3", "amount": "999.99"},
            {"quarter": "2027-Q1", "amount": "0.01"}
        ]),
        "phases sorted by quarter, two decimals"
    );
    assert_eq!(
        keys(&created),
        [
            "amount",
            "category",
            "created_at",
            "description",
            "id",
            "phases",
            "project_id",
            "updated_at"
        ]
    );
    let (got, got_etag) = fetch(&app, &tenant.token, &location).await;
    assert_eq!((got, got_etag), (created.clone(), etag));

    // Without phases: an empty list. Every category is accepted; the bounds of the
    // amount too.
    let categories = [
        "personnel",
        "communication",
        "translation",
        "interpretation",
        "materials",
        "activities",
        "venue",
        "training",
        "overhead",
        "other",
    ];
    let mut expected = vec![created];
    for (i, category) in categories.iter().enumerate() {
        let (amount, answered) = match i {
            0 => ("0", "0.00"),
            1 => ("10000000", "10000000.00"),
            2 => ("12.5", "12.50"),
            _ => ("750.25", "750.25"),
        };
        let body = json!({
            "category": category,
            "description": "é".repeat(if i == 3 { 500 } else { 10 }),
            "amount": amount
        });
        let (line, _) = create(&app, &tenant.token, &lines_path(&pid, BUDGET_LINES), &body).await;
        assert_eq!(line["category"], *category);
        assert_eq!(line["amount"], answered, "{body}");
        assert_eq!(line["phases"], json!([]), "not phased");
        expected.push(line);
    }
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        expected,
        "listed in creation order"
    );
}

#[tokio::test]
async fn invalid_budget_line_fields_are_422_at_that_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Begroting").await;
    let collection = lines_path(&pid, BUDGET_LINES);
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_line_body(),
    )
    .await;
    let base = budget_line_body();
    let cases = [
        (with(&base, json!({"category": "catering"})), "/category"),
        (with(&base, json!({"description": ""})), "/description"),
        (with(&base, json!({"description": "   "})), "/description"),
        (
            with(&base, json!({"description": "d".repeat(501)})),
            "/description",
        ),
        (
            with(&base, json!({"amount": "10000000.01", "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": "1.234", "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": "-5", "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": 1500, "phases": []})),
            "/amount",
        ),
        (
            with(&base, json!({"amount": "veel", "phases": []})),
            "/amount",
        ),
        (without(&base, "amount"), "/amount"),
        (without(&base, "description"), "/description"),
        (with(&base, json!({"currency": "EUR"})), "/currency"),
        (
            with(
                &base,
                json!({"phases": [{"quarter": "2026-Q2", "amount": "veel"}]}),
            ),
            "/phases/0/amount",
        ),
        // Valid JSON of the wrong type for an enum field is still 422, not 400.
        (with(&base, json!({"category": null})), "/category"),
        (with(&base, json!({"category": 7})), "/category"),
    ];
    for (body, pointer) in cases {
        let problem = assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
        assert_eq!(problem["type"], "urn:mantelmonitor:problem:validation");
    }
}

#[tokio::test]
async fn phases_are_quarters_of_the_project_each_once_adding_up_exactly_to_the_amount() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fasering").await;
    let collection = lines_path(&pid, BUDGET_LINES);
    let phased = |amount: &str, phases: Value| json!({"category": "venue", "description": "Zaalhuur", "amount": amount, "phases": phases});

    for (body, pointer) in [
        (
            phased("100", json!([{"quarter": "2025-Q4", "amount": "100"}])),
            "/phases/0/quarter",
        ),
        (
            phased(
                "100",
                json!([{"quarter": "2026-Q1", "amount": "50"}, {"quarter": "2028-Q1", "amount": "50"}]),
            ),
            "/phases/1/quarter",
        ),
        (
            phased(
                "100",
                json!([{"quarter": "2026-Q3", "amount": "50"}, {"quarter": "2026-Q3", "amount": "50"}]),
            ),
            "/phases/1/quarter",
        ),
        (
            phased("100", json!([{"quarter": "2026-Q5", "amount": "100"}])),
            "/phases/0/quarter",
        ),
    ] {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }

    // Phases that do not add up: 422 at /phases, saying what they add up to.
    for (amount, phases, sum) in [
        (
            "1000",
            json!([{"quarter": "2026-Q3", "amount": "400.10"}, {"quarter": "2026-Q4", "amount": "600.25"}]),
            "1000.35",
        ),
        (
            "1000",
            json!([{"quarter": "2026-Q3", "amount": "999.99"}]),
            "999.99",
        ),
    ] {
        let problem = assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &phased(amount, phases),
            &["/phases"],
        )
        .await;
        let message = problem["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(sum), "the message names {sum}: {message}");
    }

    // Exactly adding up, fewer decimals in, in any order: fine.
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &phased(
            "1000.35",
            json!([
                {"quarter": "2027-Q4", "amount": "0.25"},
                {"quarter": "2026-Q1", "amount": "400.1"},
                {"quarter": "2026-Q4", "amount": "600"}
            ]),
        ),
    )
    .await;
    assert_eq!(
        line["phases"],
        json!([
            {"quarter": "2026-Q1", "amount": "400.10"},
            {"quarter": "2026-Q4", "amount": "600.00"},
            {"quarter": "2027-Q4", "amount": "0.25"}
        ])
    );

    // A period starting and ending inside a quarter: those quarters count.
    let (short, _) = app
        .project(
            &tenant.token,
            &json!({"name": "Kort project", "start_date": "2026-02-15", "end_date": "2026-08-10"}),
        )
        .await;
    let short = id_of(&short);
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&short, BUDGET_LINES),
        &phased(
            "30",
            json!([{"quarter": "2026-Q3", "amount": "10"}, {"quarter": "2026-Q1", "amount": "20"}]),
        ),
    )
    .await;
    assert_eq!(line["phases"][0]["quarter"], "2026-Q1");
    assert_rejected(
        &app,
        &tenant.token,
        &lines_path(&short, BUDGET_LINES),
        &phased(
            "30",
            json!([{"quarter": "2026-Q2", "amount": "10"}, {"quarter": "2026-Q4", "amount": "20"}]),
        ),
        &["/phases/1/quarter"],
    )
    .await;
}

#[tokio::test]
async fn patching_or_putting_a_budget_line_keeps_the_phases_adding_up() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_line_body(),
    )
    .await;
    let path = line_path(&pid, BUDGET_LINES, &id_of(&created));

    // Only the description changes.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"description": "Folders"}),
    )
    .await;
    assert_eq!(patched["description"], "Folders");
    for kept in ["category", "amount", "phases", "created_at", "id"] {
        assert_eq!(patched[kept], created[kept], "{kept} kept");
    }

    // A new amount the kept phases no longer add up to is refused.
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"amount": "2000"})),
        Refused::Invalid(&["/phases"]),
    )
    .await;
    for (body, pointer) in [
        (json!({"description": null}), "/description"),
        (json!({"category": "catering"}), "/category"),
        (json!({"amount": "1.999"}), "/amount"),
        (
            json!({"phases": [{"quarter": "2029-Q1", "amount": "1500"}]}),
            "/phases/0/quarter",
        ),
        (json!({"currency": "EUR"}), "/currency"),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag),
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }

    // Amount and phases together: fine.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"amount": "2000", "phases": [{"quarter": "2026-Q2", "amount": "2000"}]}),
    )
    .await;
    assert_eq!(patched["amount"], "2000.00");
    assert_eq!(
        patched["phases"],
        json!([{"quarter": "2026-Q2", "amount": "2000.00"}])
    );

    // An empty list stops phasing; the amount can then change freely.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"phases": []}),
    )
    .await;
    assert_eq!(patched["phases"], json!([]));
    assert_eq!(patched["amount"], "2000.00");
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"amount": "2100.5"}),
    )
    .await;
    assert_eq!(patched["amount"], "2100.50");

    // PUT replaces the whole line; phases left out means not phased.
    let (replaced, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        &json!({"category": "materials", "description": "Banners", "amount": "300"}),
    )
    .await;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["category"], "materials");
    assert_eq!(replaced["amount"], "300.00");
    assert_eq!(replaced["phases"], json!([]));
    assert_eq!(replaced["created_at"], created["created_at"]);
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&json!({
            "category": "materials",
            "description": "Banners",
            "amount": "300",
            "phases": [{"quarter": "2026-Q1", "amount": "299"}]
        })),
        Refused::Invalid(&["/phases"]),
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&json!({"category": "materials", "amount": "300"})),
        Refused::Invalid(&["/description"]),
    )
    .await;
}

// --- translation costs ------------------------------------------------------------------

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

// --- fund applications: fields and rules ------------------------------------------------

#[tokio::test]
async fn a_fund_application_is_created_as_sent_and_a_minimal_one_starts_as_draft() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fondsen").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let (l1, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(1),
    )
    .await;
    let (l2, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(2),
    )
    .await;

    let body = json!({
        "funder_name": "Gemeente Utrecht",
        "funder_kind": "municipality",
        "programme": "Mantelzorg en welzijn 2026",
        "budget_line_ids": [id_of(&l2), id_of(&l1)],
        "amount_requested": "25000.5",
        "amount_granted": null,
        "status": "submitted",
        "submitted_on": "2026-02-01",
        "decided_on": null,
        "grant_start": "2026-04-01",
        "grant_end": "2027-03-31",
        "reference": "UTR-2026-017",
        "conditions": "Tussentijdse rapportage per kwartaal",
        "reporting_duties": [
            {"quarter": "2026-Q2", "due_on": "2026-07-31"},
            {"quarter": "2026-Q3", "due_on": "2026-10-31"}
        ]
    });
    let response = app.post(&collection, &tenant.token, &body).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let etag = etag_of(&response);
    version(&etag);
    let created = json_of(response).await;
    let id = id_of(&created);
    assert_eq!(location, line_path(&pid, FUND_APPLICATIONS, &id));
    assert_eq!(created["project_id"], json!(pid));
    for same in [
        "funder_name",
        "funder_kind",
        "programme",
        "status",
        "submitted_on",
        "decided_on",
        "amount_granted",
        "grant_start",
        "grant_end",
        "reference",
        "conditions",
        "reporting_duties",
    ] {
        assert_eq!(created[same], body[same], "{same} as sent");
    }
    assert_eq!(created["amount_requested"], "25000.50");
    assert_eq!(
        sorted(strings(&created["budget_line_ids"])),
        sorted(vec![id_of(&l1), id_of(&l2)])
    );
    assert_eq!(
        keys(&created),
        [
            "amount_granted",
            "amount_requested",
            "budget_line_ids",
            "conditions",
            "created_at",
            "decided_on",
            "funder_kind",
            "funder_name",
            "grant_end",
            "grant_start",
            "id",
            "programme",
            "project_id",
            "reference",
            "reporting_duties",
            "status",
            "submitted_on",
            "updated_at"
        ]
    );
    assert_eq!(
        fetch(&app, &tenant.token, &location).await,
        (created.clone(), etag)
    );

    // Only the required fields: a draft with nothing else.
    let (minimal, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &fund_body(),
    )
    .await;
    assert_eq!(minimal["status"], "draft");
    assert_eq!(minimal["funder_kind"], "private_fund");
    assert_eq!(minimal["amount_requested"], "5000.00");
    assert_eq!(minimal["budget_line_ids"], json!([]));
    assert_eq!(minimal["reporting_duties"], json!([]));
    for empty in [
        "programme",
        "amount_granted",
        "submitted_on",
        "decided_on",
        "grant_start",
        "grant_end",
        "reference",
        "conditions",
    ] {
        assert!(minimal[empty].is_null(), "{empty} is null");
    }
    assert_eq!(
        all_items(&app, &tenant.token, &collection).await,
        [created, minimal]
    );
}

#[tokio::test]
async fn the_amount_granted_must_fit_the_status_and_the_amount_requested() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fondsen").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let base = json!({
        "funder_name": "Oranje Fonds",
        "funder_kind": "private_fund",
        "amount_requested": "1000",
        "submitted_on": "2026-03-01",
        "decided_on": "2026-05-01"
    });
    let app_with = |status: &str, granted: Value| {
        with(&base, json!({"status": status, "amount_granted": granted}))
    };

    for (body, pointer) in [
        // Never more than requested.
        (app_with("granted", json!("1000.01")), "/amount_granted"),
        (
            app_with("partially_granted", json!("1500")),
            "/amount_granted",
        ),
        // Granted in full: equal to requested.
        (app_with("granted", json!("999.99")), "/amount_granted"),
        (app_with("granted", json!(null)), "/amount_granted"),
        (
            without(&app_with("granted", json!(null)), "amount_granted"),
            "/amount_granted",
        ),
        // Partially: more than 0.
        (app_with("partially_granted", json!("0")), "/amount_granted"),
        (
            app_with("partially_granted", json!(null)),
            "/amount_granted",
        ),
        // Rejected: 0 or nothing.
        (app_with("rejected", json!("0.01")), "/amount_granted"),
        // Undecided: nothing granted, not even 0.
        (app_with("draft", json!("100")), "/amount_granted"),
        (app_with("submitted", json!("0")), "/amount_granted"),
        (app_with("withdrawn", json!("1000")), "/amount_granted"),
        (
            without(&app_with("draft", json!("100")), "status"),
            "/amount_granted",
        ),
        // Requested: more than 0, at most 10000000, two decimals.
        (
            with(&fund_body(), json!({"amount_requested": "0"})),
            "/amount_requested",
        ),
        (
            with(&fund_body(), json!({"amount_requested": "10000000.01"})),
            "/amount_requested",
        ),
        (
            with(&fund_body(), json!({"amount_requested": "12.345"})),
            "/amount_requested",
        ),
        (
            without(&fund_body(), "amount_requested"),
            "/amount_requested",
        ),
        (
            with(&fund_body(), json!({"amount_granted": 5})),
            "/amount_granted",
        ),
        (with(&fund_body(), json!({"status": "approved"})), "/status"),
        (
            with(&fund_body(), json!({"funder_kind": "bank"})),
            "/funder_kind",
        ),
        (
            with(&fund_body(), json!({"funder_name": " "})),
            "/funder_name",
        ),
        (
            with(&fund_body(), json!({"funder_name": "f".repeat(201)})),
            "/funder_name",
        ),
        (with(&fund_body(), json!({"total": "5000"})), "/total"),
    ] {
        assert_rejected(&app, &tenant.token, &collection, &body, &[pointer]).await;
    }

    // Recorded as it stands, in any status.
    for (body, status, granted) in [
        (
            app_with("granted", json!("1000")),
            "granted",
            json!("1000.00"),
        ),
        (
            app_with("partially_granted", json!("250.5")),
            "partially_granted",
            json!("250.50"),
        ),
        (app_with("rejected", json!("0")), "rejected", json!("0.00")),
        (app_with("rejected", json!(null)), "rejected", json!(null)),
        (app_with("withdrawn", json!(null)), "withdrawn", json!(null)),
        (app_with("submitted", json!(null)), "submitted", json!(null)),
        (app_with("draft", json!(null)), "draft", json!(null)),
        (
            with(
                &fund_body(),
                json!({"amount_requested": "10000000", "status": null}),
            ),
            "draft",
            json!(null),
        ),
    ] {
        let (line, _) = create(
            &app,
            &tenant.token,
            &lines_path(&pid, FUND_APPLICATIONS),
            &body,
        )
        .await;
        assert_eq!(line["status"], status, "{body}");
        assert_eq!(line["amount_granted"], granted, "{body}");
    }
}

#[tokio::test]
async fn a_decision_needs_a_decision_date_and_dates_must_be_in_order() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Fondsen").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let base = json!({
        "funder_name": "Gemeente Amsterdam",
        "funder_kind": "municipality",
        "amount_requested": "1000",
        "submitted_on": "2026-03-01"
    });

    for (changes, pointers) in [
        (
            json!({"status": "granted", "amount_granted": "1000"}),
            vec!["/decided_on"],
        ),
        (
            json!({"status": "partially_granted", "amount_granted": "10"}),
            vec!["/decided_on"],
        ),
        (
            json!({"status": "rejected", "decided_on": null}),
            vec!["/decided_on"],
        ),
        (
            json!({"status": "granted", "amount_granted": null}),
            vec!["/decided_on", "/amount_granted"],
        ),
        (
            json!({"status": "rejected", "decided_on": "2026-02-28"}),
            vec!["/decided_on"],
        ),
        (
            json!({"grant_start": "2026-04-01", "grant_end": "2026-03-31"}),
            vec!["/grant_end"],
        ),
        (json!({"submitted_on": "2026-02-30"}), vec!["/submitted_on"]),
        (json!({"grant_start": "april"}), vec!["/grant_start"]),
        (json!({"reference": "r".repeat(201)}), vec!["/reference"]),
        (json!({"programme": "p".repeat(201)}), vec!["/programme"]),
        (json!({"conditions": "c".repeat(4001)}), vec!["/conditions"]),
    ] {
        assert_rejected(
            &app,
            &tenant.token,
            &collection,
            &with(&base, changes),
            &pointers,
        )
        .await;
    }

    // Same-day dates are fine; so are the text limits.
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(
            &base,
            json!({
                "status": "rejected",
                "decided_on": "2026-03-01",
                "grant_start": "2026-04-01",
                "grant_end": "2026-04-01",
                "reference": "r".repeat(200),
                "programme": "p".repeat(200),
                "conditions": "c".repeat(4000)
            }),
        ),
    )
    .await;
    assert_eq!(line["decided_on"], "2026-03-01");
    assert_eq!(line["grant_end"], "2026-04-01");
    // Undecided applications need no decision date.
    let (line, _) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(&base, json!({"status": "submitted"})),
    )
    .await;
    assert!(line["decided_on"].is_null());
}

#[tokio::test]
async fn covered_budget_lines_must_be_this_projects_each_once() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let pid = new_project(&app, &a.token, "Fondsen").await;
    let other_pid = new_project(&app, &a.token, "Ander project").await;
    let pid_b = new_project(&app, &b.token, "Project B").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let (l1, _) = create(
        &app,
        &a.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(1),
    )
    .await;
    let (l2, _) = create(
        &app,
        &a.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(2),
    )
    .await;
    let (l3, _) = create(
        &app,
        &a.token,
        &lines_path(&other_pid, BUDGET_LINES),
        &budget_sample(3),
    )
    .await;
    let (l4, _) = create(
        &app,
        &b.token,
        &lines_path(&pid_b, BUDGET_LINES),
        &budget_sample(4),
    )
    .await;
    let (l1, l2, l3, l4) = (id_of(&l1), id_of(&l2), id_of(&l3), id_of(&l4));
    let random = uuid::Uuid::new_v4().to_string();
    let covering = |ids: Value| with(&fund_body(), json!({"budget_line_ids": ids}));

    for (ids, pointers) in [
        (json!([l1, l3]), vec!["/budget_line_ids/1"]),
        (json!([random]), vec!["/budget_line_ids/0"]),
        (json!([l4]), vec!["/budget_line_ids/0"]),
        (json!([l1, l2, l1]), vec!["/budget_line_ids/2"]),
        (json!([l2, "geen-uuid"]), vec!["/budget_line_ids/1"]),
        (
            json!([l3, l1, l4]),
            vec!["/budget_line_ids/0", "/budget_line_ids/2"],
        ),
    ] {
        assert_rejected(&app, &a.token, &collection, &covering(ids), &pointers).await;
    }

    let (application, etag) = create(
        &app,
        &a.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &covering(json!([l2, l1])),
    )
    .await;
    assert_eq!(
        sorted(strings(&application["budget_line_ids"])),
        sorted(vec![l1.clone(), l2.clone()])
    );
    let path = line_path(&pid, FUND_APPLICATIONS, &id_of(&application));
    for (ids, pointer) in [
        (json!([l3]), "/budget_line_ids/0"),
        (json!([l1, l4]), "/budget_line_ids/1"),
        (json!([l2, l2]), "/budget_line_ids/1"),
    ] {
        assert_write_refused(
            &app,
            &a.token,
            &path,
            Method::PATCH,
            Some(&etag),
            Some(&json!({"budget_line_ids": ids})),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
    let (patched, _) = write_ok(
        &app,
        &a.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"budget_line_ids": [l2]}),
    )
    .await;
    assert_eq!(patched["budget_line_ids"], json!([l2]));
}

#[tokio::test]
async fn reporting_duties_are_project_quarters_each_once_due_after_the_quarter_ends() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Rapportages").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let duties = |duties: Value| with(&fund_body(), json!({"reporting_duties": duties}));

    for (list, pointers) in [
        (
            json!([{"quarter": "2025-Q4", "due_on": "2026-01-31"}]),
            vec!["/reporting_duties/0/quarter"],
        ),
        (
            json!([
                {"quarter": "2027-Q4", "due_on": "2028-01-31"},
                {"quarter": "2028-Q1", "due_on": "2028-04-30"}
            ]),
            vec!["/reporting_duties/1/quarter"],
        ),
        (
            json!([
                {"quarter": "2026-Q2", "due_on": "2026-07-15"},
                {"quarter": "2026-Q2", "due_on": "2026-07-31"}
            ]),
            vec!["/reporting_duties/1/quarter"],
        ),
        // Due on the quarter's last day, or inside it: too early.
        (
            json!([{"quarter": "2026-Q3", "due_on": "2026-09-30"}]),
            vec!["/reporting_duties/0/due_on"],
        ),
        (
            json!([{"quarter": "2026-Q3", "due_on": "2026-08-01"}]),
            vec!["/reporting_duties/0/due_on"],
        ),
        (
            json!([{"quarter": "2026-Q9", "due_on": "2026-12-01"}]),
            vec!["/reporting_duties/0/quarter"],
        ),
        (
            json!([{"quarter": "2026-Q1", "due_on": "2026-04-31"}]),
            vec!["/reporting_duties/0/due_on"],
        ),
    ] {
        assert_rejected(&app, &tenant.token, &collection, &duties(list), &pointers).await;
    }

    // The day after the quarter ends is fine, also past the project's end.
    let list = json!([
        {"quarter": "2026-Q3", "due_on": "2026-10-01"},
        {"quarter": "2027-Q4", "due_on": "2028-01-31"}
    ]);
    let (line, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &duties(list.clone()),
    )
    .await;
    assert_eq!(line["reporting_duties"], list);
    let path = line_path(&pid, FUND_APPLICATIONS, &id_of(&line));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"reporting_duties": [{"quarter": "2026-Q1", "due_on": "2026-03-31"}]})),
        Refused::Invalid(&["/reporting_duties/0/due_on"]),
    )
    .await;
}

// --- fund applications: lifecycle --------------------------------------------------------

/// A fund application that can be put in any status: requested 1000, submitted on
/// 2026-03-01.
fn lifecycle_body() -> Value {
    json!({
        "funder_name": "Fonds Lifecycle",
        "funder_kind": "other",
        "amount_requested": "1000",
        "submitted_on": "2026-03-01"
    })
}

/// The fields that make an application valid in `status`, as a merge patch (nulls clear).
fn status_patch(status: &str) -> Value {
    match status {
        "granted" => {
            json!({"status": "granted", "amount_granted": "1000", "decided_on": "2026-05-01"})
        }
        "partially_granted" => json!({
            "status": "partially_granted", "amount_granted": "400", "decided_on": "2026-05-01"
        }),
        "rejected" => {
            json!({"status": "rejected", "amount_granted": "0", "decided_on": "2026-05-01"})
        }
        undecided => json!({"status": undecided, "amount_granted": null, "decided_on": null}),
    }
}

/// Creates an application directly in `status`; returns its path, JSON and ETag.
async fn application_in(
    app: &TestApp,
    token: &str,
    pid: &str,
    status: &str,
) -> (String, Value, String) {
    let (line, etag) = create(
        app,
        token,
        &lines_path(pid, FUND_APPLICATIONS),
        &with(&lifecycle_body(), status_patch(status)),
    )
    .await;
    assert_eq!(line["status"], status);
    (line_path(pid, FUND_APPLICATIONS, &id_of(&line)), line, etag)
}

fn allowed_after(status: &str) -> Vec<String> {
    let allowed: &[&str] = match status {
        "draft" => &["submitted", "withdrawn"],
        "submitted" => &["granted", "partially_granted", "rejected", "withdrawn"],
        _ => &[],
    };
    sorted(allowed.iter().map(|s| s.to_string()).collect())
}

#[tokio::test]
async fn every_allowed_status_move_succeeds_by_patch_and_by_put() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Levensloop").await;
    let moves = [
        ("draft", "submitted"),
        ("draft", "withdrawn"),
        ("submitted", "granted"),
        ("submitted", "partially_granted"),
        ("submitted", "rejected"),
        ("submitted", "withdrawn"),
    ];
    for (from, to) in moves {
        for method in [Method::PATCH, Method::PUT] {
            let (path, before, etag) = application_in(&app, &tenant.token, &pid, from).await;
            let body = if method == Method::PUT {
                with(&lifecycle_body(), status_patch(to))
            } else {
                status_patch(to)
            };
            let (after, _) = write_ok(
                &app,
                &tenant.token,
                &path,
                method.clone(),
                Some(&etag),
                &body,
            )
            .await;
            assert_eq!(after["status"], to, "{method} {from} → {to}");
            assert_eq!(after["id"], before["id"]);
            assert_eq!(after["amount_requested"], "1000.00");
            let granted = match to {
                "granted" => json!("1000.00"),
                "partially_granted" => json!("400.00"),
                "rejected" => json!("0.00"),
                _ => json!(null),
            };
            assert_eq!(after["amount_granted"], granted, "{method} {from} → {to}");
        }
    }

    // The whole way, one step at a time: draft → submitted → partially_granted.
    let (path, _, etag) = application_in(&app, &tenant.token, &pid, "draft").await;
    let (_, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"status": "submitted"}),
    )
    .await;
    let (done, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &status_patch("partially_granted"),
    )
    .await;
    assert_eq!(done["status"], "partially_granted");
    assert_eq!(done["decided_on"], "2026-05-01");

    // Staying in a final status while changing something else is not a move.
    let (same, _) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"status": "partially_granted", "conditions": "Eindverslag voor 2028-03-01"}),
    )
    .await;
    assert_eq!(same["status"], "partially_granted");
    assert_eq!(same["conditions"], "Eindverslag voor 2028-03-01");
}

#[tokio::test]
async fn a_status_move_outside_the_lifecycle_is_409_naming_the_allowed_moves() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Levensloop").await;
    let forbidden = [
        ("draft", "granted"),
        ("draft", "partially_granted"),
        ("draft", "rejected"),
        ("submitted", "draft"),
        ("granted", "submitted"),
        ("granted", "draft"),
        ("granted", "rejected"),
        ("granted", "withdrawn"),
        ("partially_granted", "granted"),
        ("partially_granted", "submitted"),
        ("rejected", "granted"),
        ("rejected", "submitted"),
        ("withdrawn", "draft"),
        ("withdrawn", "submitted"),
    ];
    let mut wrong = Vec::new();
    for (from, to) in forbidden {
        let (path, _, etag) = application_in(&app, &tenant.token, &pid, from).await;
        for method in [Method::PATCH, Method::PUT] {
            let body = if method == Method::PUT {
                with(&lifecycle_body(), status_patch(to))
            } else {
                status_patch(to)
            };
            let problem = assert_write_refused(
                &app,
                &tenant.token,
                &path,
                method.clone(),
                Some(&etag),
                Some(&body),
                Refused::Conflict,
            )
            .await;
            assert_eq!(
                problem["type"], INVALID_TRANSITION,
                "{method} {from} → {to}"
            );
            // `allowed` is an array of exactly the next statuses, empty for final ones.
            let allowed = problem["allowed"].as_array().map(|a| {
                sorted(
                    a.iter()
                        .map(|v| v.as_str().unwrap_or("?").to_string())
                        .collect(),
                )
            });
            if allowed.as_ref() != Some(&allowed_after(from)) {
                wrong.push(format!(
                    "{method} {from} → {to}: expected allowed {:?}, got {problem}",
                    allowed_after(from)
                ));
            }
        }
        // Still where it was.
        let (current, _) = fetch(&app, &tenant.token, &path).await;
        assert_eq!(current["status"], from);
    }
    assert!(wrong.is_empty(), "wrong `allowed`:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn patching_a_fund_application_is_a_merge_patch_checked_as_a_whole() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let body = with(
        &lifecycle_body(),
        json!({
            "programme": "Welzijn 2026",
            "reference": "REF-1",
            "conditions": "Vermelding logo",
            "grant_start": "2026-04-01",
            "grant_end": "2026-12-31",
            "reporting_duties": [{"quarter": "2026-Q2", "due_on": "2026-07-31"}]
        }),
    );
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(&body, status_patch("granted")),
    )
    .await;
    let path = line_path(&pid, FUND_APPLICATIONS, &id_of(&created));

    // null clears optional fields; the rest stays.
    let (cleared, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"programme": null, "reference": null, "grant_end": null}),
    )
    .await;
    for gone in ["programme", "reference", "grant_end"] {
        assert!(cleared[gone].is_null(), "{gone} cleared");
    }
    for kept in [
        "funder_name",
        "funder_kind",
        "conditions",
        "grant_start",
        "amount_requested",
        "amount_granted",
        "status",
        "submitted_on",
        "decided_on",
        "reporting_duties",
        "created_at",
    ] {
        assert_eq!(cleared[kept], created[kept], "{kept} kept");
    }

    // The merged result must still hold together.
    for (patch, pointers) in [
        // Granted in full: a new requested amount breaks granted == requested.
        (json!({"amount_requested": "2000"}), vec!["/amount_granted"]),
        (
            json!({"amount_granted": "1000.01"}),
            vec!["/amount_granted"],
        ),
        (json!({"amount_granted": null}), vec!["/amount_granted"]),
        (json!({"decided_on": null}), vec!["/decided_on"]),
        (json!({"decided_on": "2026-02-01"}), vec!["/decided_on"]),
        (json!({"grant_end": "2026-03-31"}), vec!["/grant_end"]),
        (json!({"funder_name": null}), vec!["/funder_name"]),
        (json!({"funder_kind": "bank"}), vec!["/funder_kind"]),
        (json!({"colour": "blauw"}), vec!["/colour"]),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag),
            Some(&patch),
            Refused::Invalid(&pointers),
        )
        .await;
    }

    // Both amounts together: fine.
    let (patched, _) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"amount_requested": "2000", "amount_granted": "2000"}),
    )
    .await;
    assert_eq!(
        (
            patched["amount_requested"].clone(),
            patched["amount_granted"].clone()
        ),
        (json!("2000.00"), json!("2000.00"))
    );
    assert_eq!(patched["status"], "granted");
}

#[tokio::test]
async fn a_budget_line_an_application_covers_cannot_be_deleted_until_it_is_uncovered() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Dekking").await;
    let (l1, l1_etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(1),
    )
    .await;
    let (l2, l2_etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(2),
    )
    .await;
    let (l1_path, l2_path) = (
        line_path(&pid, BUDGET_LINES, &id_of(&l1)),
        line_path(&pid, BUDGET_LINES, &id_of(&l2)),
    );
    let (application, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(
            &fund_body(),
            json!({"budget_line_ids": [id_of(&l1), id_of(&l2)]}),
        ),
    )
    .await;
    let app_path = line_path(&pid, FUND_APPLICATIONS, &id_of(&application));

    for (path, line_etag) in [(&l1_path, &l1_etag), (&l2_path, &l2_etag)] {
        assert_write_refused(
            &app,
            &tenant.token,
            path,
            Method::DELETE,
            Some(line_etag),
            None,
            Refused::Conflict,
        )
        .await;
    }
    assert_eq!(
        all_items(&app, &tenant.token, &lines_path(&pid, BUDGET_LINES)).await,
        [l1.clone(), l2.clone()],
        "both lines still exist"
    );

    // Uncover both: then the delete succeeds.
    let (patched, _) = write_ok(
        &app,
        &tenant.token,
        &app_path,
        Method::PATCH,
        Some(&etag),
        &json!({"budget_line_ids": []}),
    )
    .await;
    assert_eq!(patched["budget_line_ids"], json!([]));
    let response = app
        .send_if_match(Method::DELETE, &l1_path, &tenant.token, &l1_etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "204 has no body"
    );
    problem(app.get(&l1_path, &tenant.token).await, 404).await;

    // Deleting the application frees its lines as well.
    let (_, etag) = fetch(&app, &tenant.token, &app_path).await;
    let (_, etag) = write_ok(
        &app,
        &tenant.token,
        &app_path,
        Method::PATCH,
        Some(&etag),
        &json!({"budget_line_ids": [id_of(&l2)]}),
    )
    .await;
    problem(
        app.send_if_match(Method::DELETE, &l2_path, &tenant.token, &l2_etag, None)
            .await,
        409,
    )
    .await;
    let response = app
        .send_if_match(Method::DELETE, &app_path, &tenant.token, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .send_if_match(Method::DELETE, &l2_path, &tenant.token, &l2_etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        all_items(&app, &tenant.token, &lines_path(&pid, BUDGET_LINES))
            .await
            .is_empty()
    );
}
