//! The money side of a project plan: budget lines (`/budget-lines`, optionally phased
//! per quarter), translation costs (`/translation-costs`, with a total the service
//! computes) and fund applications (`/fund-applications`, with amount rules, dates,
//! covered budget lines, reporting duties and an enforced status lifecycle). Plus what
//! the three share: 201/Location/ETag, If-Match, merge patch, roles and tenancy.

use crate::helpers::send_without_if_match;
use crate::helpers::{TestApp, etag_of, named_fields, problem, spawn_app};
use crate::helpers::{
    all_items, fetch, id_of, json_of, line_path, lines_path, new_project, version,
};
use reqwest::Method;
use serde_json::{Value, json};

const BUDGET_LINES: &str = "budget-lines";
const TRANSLATION_COSTS: &str = "translation-costs";
const FUND_APPLICATIONS: &str = "fund-applications";
const SEGMENTS: [&str; 3] = [BUDGET_LINES, TRANSLATION_COSTS, FUND_APPLICATIONS];

const INVALID_TRANSITION: &str = "urn:mantelmonitor:problem:invalid-transition";

// --- helpers ----------------------------------------------------------------------------

/// `base` with the top-level fields of `changes` set (a `null` sets null).
fn with(base: &Value, changes: Value) -> Value {
    let mut body = base.clone();
    for (key, value) in changes.as_object().expect("object").clone() {
        body[key.as_str()] = value;
    }
    body
}

/// `base` without `field`.
fn without(base: &Value, field: &str) -> Value {
    let mut body = base.clone();
    body.as_object_mut().unwrap().remove(field);
    body
}

fn sorted(mut values: Vec<String>) -> Vec<String> {
    values.sort();
    values
}

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

/// The `i`-th of a set of distinct, valid bodies for `segment`.
fn sample(segment: &str, i: usize) -> Value {
    match segment {
        BUDGET_LINES => with(
            &budget_line_body(),
            json!({"description": format!("Begrotingsregel {i}")}),
        ),
        TRANSLATION_COSTS => with(&translation_body(), json!({"item": format!("Folder {i}")})),
        FUND_APPLICATIONS => with(&fund_body(), json!({"funder_name": format!("Fonds {i}")})),
        other => panic!("unknown segment {other}"),
    }
}

/// A PATCH body that changes one field and is valid.
fn valid_patch(segment: &str) -> Value {
    match segment {
        BUDGET_LINES => json!({"description": "Gewijzigd"}),
        TRANSLATION_COSTS => json!({"item": "Gewijzigd"}),
        _ => json!({"programme": "Gewijzigd"}),
    }
}

/// POSTs a line, asserts 201, returns its JSON and ETag.
async fn create(
    app: &TestApp,
    token: &str,
    pid: &str,
    segment: &str,
    body: &Value,
) -> (Value, String) {
    let response = app.post(&lines_path(pid, segment), token, body).await;
    let status = response.status();
    if status != 201 {
        let text = response.text().await.unwrap_or_default();
        panic!("create {segment} {body}: expected 201, got {status}: {text}");
    }
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

/// POSTs `body`, expects a 422 problem naming exactly `pointers`, and checks nothing was
/// stored. Returns the problem.
async fn assert_rejected(
    app: &TestApp,
    token: &str,
    collection: &str,
    body: &Value,
    pointers: &[&str],
) -> Value {
    let before = all_items(app, token, collection).await;
    let response = app.post(collection, token, body).await;
    assert_eq!(response.status(), 422, "POST {collection} {body}");
    let problem = problem(response, 422).await;
    assert_eq!(
        sorted(named_fields(&problem)),
        sorted(pointers.iter().map(|p| p.to_string()).collect()),
        "pointers for {body}: {problem}"
    );
    assert_eq!(
        before,
        all_items(app, token, collection).await,
        "nothing stored for {body}"
    );
    problem
}

/// How a write is expected to be refused.
enum Refused<'a> {
    /// 409.
    Conflict,
    /// 422 naming exactly these pointers.
    Invalid(&'a [&'a str]),
}

/// Sends a write with If-Match, expects it refused as `expected` (problem+json), checks
/// the item is unchanged, and returns the problem.
async fn assert_write_refused(
    app: &TestApp,
    token: &str,
    path: &str,
    method: Method,
    etag: &str,
    body: Option<&Value>,
    expected: Refused<'_>,
) -> Value {
    let (status, pointers) = match expected {
        Refused::Conflict => (409, None),
        Refused::Invalid(pointers) => (422, Some(pointers)),
    };
    let (before, before_etag) = fetch(app, token, path).await;
    let response = app
        .send_if_match(method.clone(), path, token, etag, body)
        .await;
    assert_eq!(
        response.status().as_u16(),
        status,
        "{method} {path} {body:?}"
    );
    let problem = problem(response, status).await;
    if let Some(pointers) = pointers {
        assert_eq!(
            sorted(named_fields(&problem)),
            sorted(pointers.iter().map(|p| p.to_string()).collect()),
            "{method} {body:?}: {problem}"
        );
    }
    let (after, after_etag) = fetch(app, token, path).await;
    assert_eq!(after, before, "{method} {body:?} changed nothing");
    assert_eq!(
        after_etag, before_etag,
        "{method} {body:?} kept the version"
    );
    problem
}

/// Sends a write with If-Match, expects 200, checks GET agrees and the version went up;
/// returns the new JSON and ETag.
async fn write_ok(
    app: &TestApp,
    token: &str,
    path: &str,
    method: Method,
    etag: &str,
    body: &Value,
) -> (Value, String) {
    let response = app
        .send_if_match(method.clone(), path, token, etag, Some(body))
        .await;
    let status = response.status();
    if status != 200 {
        let text = response.text().await.unwrap_or_default();
        panic!("{method} {path} {body}: expected 200, got {status}: {text}");
    }
    let new_etag = etag_of(&response);
    assert!(
        version(&new_etag) > version(etag),
        "{new_etag} after {etag}"
    );
    let written = json_of(response).await;
    assert_eq!(
        fetch(app, token, path).await,
        (written.clone(), new_etag.clone()),
        "GET gives what {method} returned"
    );
    (written, new_etag)
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
        let (line, _) = create(&app, &tenant.token, &pid, BUDGET_LINES, &body).await;
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
    create(&app, &tenant.token, &pid, BUDGET_LINES, &budget_line_body()).await;
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
        &pid,
        BUDGET_LINES,
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
        &short,
        BUDGET_LINES,
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
    let (created, etag) =
        create(&app, &tenant.token, &pid, BUDGET_LINES, &budget_line_body()).await;
    let path = line_path(&pid, BUDGET_LINES, &id_of(&created));

    // Only the description changes.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        &etag,
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
        &etag,
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
            &etag,
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
        &etag,
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
        &etag,
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
        &etag,
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
        &etag,
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
        &etag,
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
        &etag,
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
        let (line, _) = create(&app, &tenant.token, &pid, TRANSLATION_COSTS, &body).await;
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
        &pid,
        TRANSLATION_COSTS,
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
        &etag,
        Some(&json!({"total": "1.00"})),
        Refused::Invalid(&["/total"]),
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        &etag,
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
        &etag,
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
        &etag,
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
        &etag,
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
        &pid,
        TRANSLATION_COSTS,
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
    let (line, _) = create(
        &app,
        &tenant.token,
        &pid,
        TRANSLATION_COSTS,
        &with(
            &base,
            json!({"item": "i".repeat(500), "target_languages": twenty, "unit": "pages", "quantity": "2", "unit_price": "10"}),
        ),
    )
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
        &pid,
        BUDGET_LINES,
        &sample(BUDGET_LINES, 1),
    )
    .await;
    let (l2, _) = create(
        &app,
        &tenant.token,
        &pid,
        BUDGET_LINES,
        &sample(BUDGET_LINES, 2),
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
    let (minimal, _) = create(&app, &tenant.token, &pid, FUND_APPLICATIONS, &fund_body()).await;
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
        let (line, _) = create(&app, &tenant.token, &pid, FUND_APPLICATIONS, &body).await;
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
        &pid,
        FUND_APPLICATIONS,
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
        &pid,
        FUND_APPLICATIONS,
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
    let (l1, _) = create(&app, &a.token, &pid, BUDGET_LINES, &sample(BUDGET_LINES, 1)).await;
    let (l2, _) = create(&app, &a.token, &pid, BUDGET_LINES, &sample(BUDGET_LINES, 2)).await;
    let (l3, _) = create(
        &app,
        &a.token,
        &other_pid,
        BUDGET_LINES,
        &sample(BUDGET_LINES, 3),
    )
    .await;
    let (l4, _) = create(
        &app,
        &b.token,
        &pid_b,
        BUDGET_LINES,
        &sample(BUDGET_LINES, 4),
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
        &pid,
        FUND_APPLICATIONS,
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
            &etag,
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
        &etag,
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
        &pid,
        FUND_APPLICATIONS,
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
        &etag,
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
        pid,
        FUND_APPLICATIONS,
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
            let (after, _) =
                write_ok(&app, &tenant.token, &path, method.clone(), &etag, &body).await;
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
        &etag,
        &json!({"status": "submitted"}),
    )
    .await;
    let (done, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        &etag,
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
        &etag,
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
                &etag,
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
        &pid,
        FUND_APPLICATIONS,
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
        &etag,
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
            &etag,
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
        &etag,
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
        &pid,
        BUDGET_LINES,
        &sample(BUDGET_LINES, 1),
    )
    .await;
    let (l2, l2_etag) = create(
        &app,
        &tenant.token,
        &pid,
        BUDGET_LINES,
        &sample(BUDGET_LINES, 2),
    )
    .await;
    let (l1_path, l2_path) = (
        line_path(&pid, BUDGET_LINES, &id_of(&l1)),
        line_path(&pid, BUDGET_LINES, &id_of(&l2)),
    );
    let (application, etag) = create(
        &app,
        &tenant.token,
        &pid,
        FUND_APPLICATIONS,
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
            line_etag,
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
        &etag,
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
        &etag,
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

// --- shared behaviour ---------------------------------------------------------------------

#[tokio::test]
async fn a_viewer_can_read_budget_translation_and_fund_lines_but_every_write_is_403() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let pid = new_project(&app, &tenant.token, "Alleen lezen").await;
    for segment in SEGMENTS {
        let collection = lines_path(&pid, segment);
        let (created, etag) = create(&app, &tenant.token, &pid, segment, &sample(segment, 0)).await;
        let path = line_path(&pid, segment, &id_of(&created));

        let listed = app.get(&collection, &viewer).await;
        assert_eq!(listed.status(), 200, "{segment}");
        assert_eq!(json_of(listed).await["items"], json!([created]));
        assert_eq!(
            fetch(&app, &viewer, &path).await,
            (created.clone(), etag.clone())
        );

        problem(
            app.post(&collection, &viewer, &sample(segment, 1)).await,
            403,
        )
        .await;
        let put_body = sample(segment, 2);
        let patch_body = valid_patch(segment);
        for (method, body) in [
            (Method::PUT, Some(&put_body)),
            (Method::PATCH, Some(&patch_body)),
            (Method::DELETE, None),
        ] {
            let response = app
                .send_if_match(method.clone(), &path, &viewer, &etag, body)
                .await;
            assert_eq!(response.status(), 403, "{segment} {method}");
            problem(response, 403).await;
        }
        assert_eq!(
            all_items(&app, &tenant.token, &collection).await,
            std::slice::from_ref(&created),
            "{segment}: nothing created, changed or deleted"
        );
        assert_eq!(fetch(&app, &tenant.token, &path).await, (created, etag));
    }
}

#[tokio::test]
async fn money_lines_of_another_organisation_or_project_are_404() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let pid_a = new_project(&app, &a.token, "Project A1").await;
    let pid_a2 = new_project(&app, &a.token, "Project A2").await;
    let pid_b = new_project(&app, &b.token, "Project B").await;
    for segment in SEGMENTS {
        let (line, etag) = create(&app, &a.token, &pid_a, segment, &sample(segment, 0)).await;
        let id = id_of(&line);
        let path = line_path(&pid_a, segment, &id);
        let put_body = sample(segment, 1);
        let patch_body = valid_patch(segment);

        problem(app.get(&lines_path(&pid_a, segment), &b.token).await, 404).await;
        problem(
            app.post(&lines_path(&pid_a, segment), &b.token, &sample(segment, 2))
                .await,
            404,
        )
        .await;
        for (who, p) in [
            (&b.token, path.clone()),
            (&b.token, line_path(&pid_b, segment, &id)),
            (&a.token, line_path(&pid_a2, segment, &id)),
        ] {
            problem(app.get(&p, who).await, 404).await;
            for (method, body) in [
                (Method::PUT, Some(&put_body)),
                (Method::PATCH, Some(&patch_body)),
                (Method::DELETE, None),
            ] {
                for if_match in [etag.as_str(), "*"] {
                    let response = app
                        .send_if_match(method.clone(), &p, who, if_match, body)
                        .await;
                    assert_eq!(response.status(), 404, "{segment} {method} {p}");
                    problem(response, 404).await;
                }
            }
        }
        problem(
            app.get(
                &line_path(&pid_a, segment, &uuid::Uuid::new_v4().to_string()),
                &a.token,
            )
            .await,
            404,
        )
        .await;
        assert_eq!(
            fetch(&app, &a.token, &path).await,
            (line.clone(), etag),
            "{segment}: A's line is unchanged"
        );
        assert_eq!(
            all_items(&app, &a.token, &lines_path(&pid_a, segment)).await,
            [line]
        );
        assert!(
            all_items(&app, &b.token, &lines_path(&pid_b, segment))
                .await
                .is_empty()
        );
        assert!(
            all_items(&app, &a.token, &lines_path(&pid_a2, segment))
                .await
                .is_empty()
        );
    }
}

#[tokio::test]
async fn money_line_writes_need_the_current_etag_in_if_match() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Versies").await;
    for segment in SEGMENTS {
        let (created, stale) =
            create(&app, &tenant.token, &pid, segment, &sample(segment, 0)).await;
        let path = line_path(&pid, segment, &id_of(&created));
        let put_body = sample(segment, 1);
        let patch_body = valid_patch(segment);
        let writes = [
            (Method::PUT, Some(&put_body)),
            (Method::PATCH, Some(&patch_body)),
            (Method::DELETE, None),
        ];
        for (method, body) in writes.clone() {
            let response =
                send_without_if_match(&app, method.clone(), &path, &tenant.token, body).await;
            assert_eq!(
                response.status(),
                428,
                "{segment} {method} without If-Match"
            );
            problem(response, 428).await;
        }
        assert_eq!(
            fetch(&app, &tenant.token, &path).await,
            (created.clone(), stale.clone())
        );
        let (replaced, current) =
            write_ok(&app, &tenant.token, &path, Method::PUT, &stale, &put_body).await;
        for (method, body) in writes.clone() {
            let response = app
                .send_if_match(method.clone(), &path, &tenant.token, &stale, body)
                .await;
            assert_eq!(
                response.status(),
                412,
                "{segment} {method} with a stale ETag"
            );
            problem(response, 412).await;
        }
        assert_eq!(
            fetch(&app, &tenant.token, &path).await,
            (replaced, current.clone())
        );
        let (_, newest) = write_ok(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            &current,
            &patch_body,
        )
        .await;
        let response = app
            .send_if_match(Method::DELETE, &path, &tenant.token, &newest, None)
            .await;
        assert_eq!(response.status(), 204, "{segment} delete");
        problem(app.get(&path, &tenant.token).await, 404).await;
    }
}
