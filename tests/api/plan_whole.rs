//! The whole plan: the summary (every figure recomputed here from the line items, in
//! whole cents), the plan as one document (read, written back, all or nothing, ETags
//! and roles) and the plan's history (who changed what, newest first, paged).

use std::collections::BTreeMap;

use crate::helpers::{TestApp, etag_of, named_fields, problem, project_body, spawn_app};
use crate::helpers::{budget_line, create, hours_line};
use crate::helpers::{id_of, json_of, lines_path, new_project};
use reqwest::{Method, Response};
use serde_json::{Value, json};

const CATEGORIES: [&str; 10] = [
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

// --- exact money, in whole cents ----------------------------------------------------

/// An amount string (`"47.35"`, `"12.5"`, `"3000"`, `"-0.10"`) in cents.
fn cents(amount: &str) -> i128 {
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(
        !whole.is_empty()
            && fraction.len() <= 2
            && whole.chars().all(|c| c.is_ascii_digit())
            && fraction.chars().all(|c| c.is_ascii_digit()),
        "not an amount with at most two decimals: {amount:?}"
    );
    let value =
        whole.parse::<i128>().unwrap() * 100 + format!("{fraction:0<2}").parse::<i128>().unwrap();
    if negative { -value } else { value }
}

/// Cents as an amount string with two decimals.
fn money(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// `a × b` of two amounts, in cents, rounded to the cent (half a cent up).
fn product(a: &str, b: &str) -> i128 {
    let exact = cents(a) * cents(b); // in 1/10000 of a euro
    assert!(exact >= 0);
    (exact + 50) / 100
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

// --- requests ------------------------------------------------------------------------

async fn summary(app: &TestApp, token: &str, pid: &str) -> Value {
    let response = app.get(&lines_path(pid, "summary"), token).await;
    assert_eq!(response.status(), 200, "GET summary");
    json_of(response).await
}

async fn get_plan(app: &TestApp, token: &str, pid: &str) -> (Value, String) {
    let response = app.get(&lines_path(pid, "plan"), token).await;
    assert_eq!(response.status(), 200, "GET plan");
    let etag = etag_of(&response);
    (json_of(response).await, etag)
}

async fn put_plan(app: &TestApp, token: &str, pid: &str, etag: &str, doc: &Value) -> Response {
    app.send_if_match(
        Method::PUT,
        &lines_path(pid, "plan"),
        token,
        etag,
        Some(doc),
    )
    .await
}

/// Every change of the plan's history, newest first, following the cursors.
async fn history(app: &TestApp, token: &str, pid: &str) -> Vec<Value> {
    let base = lines_path(pid, "history");
    let mut items = Vec::new();
    let mut path = format!("{base}?limit=200");
    for _ in 0..50 {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "GET {path}");
        let page = json_of(response).await;
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{base}?limit=200&cursor={next}"),
            None => return items,
        }
    }
    panic!("the history never ended");
}

/// The items of a list (a single page is enough for these small fixtures).
async fn list(app: &TestApp, token: &str, pid: &str, segment: &str) -> Vec<Value> {
    let response = app.get(&lines_path(pid, segment), token).await;
    assert_eq!(response.status(), 200, "GET {segment}");
    let page = json_of(response).await;
    page["items"].as_array().expect("items").clone()
}

// --- a non-trivial plan --------------------------------------------------------------

/// What was sent to build a plan, to compute the expected figures from.
struct Seed {
    hours: Vec<Value>,
    budget_lines: Vec<Value>,
    translation_costs: Vec<Value>,
    fund_applications: Vec<Value>,
}

fn translation(item: &str, targets: &[&str], unit: &str, quantity: &str, price: &str) -> Value {
    json!({
        "item": item,
        "source_language": "nl",
        "target_languages": targets,
        "unit": unit,
        "quantity": quantity,
        "unit_price": price
    })
}

/// Seven hours lines over five activities and six quarters, nine budget lines over
/// eight categories (six phased), three translation jobs, six fund applications from
/// three funders in every status, a target group, a target, an evaluation moment and a
/// partner. The project runs 2026-01-01 to 2027-12-31.
async fn seed(app: &TestApp, token: &str, pid: &str) -> Seed {
    let hours = vec![
        hours_line("outreach", "2026-Q1", "12.5", "47.35"), // 591.875 → 591.88
        hours_line("outreach", "2026-Q2", "20.25", "47.35"), // 958.8375 → 958.84
        hours_line("key_person_meetings", "2026-Q1", "8.75", "52.10"), // 455.875 → 455.88
        hours_line("caregiver_conversations", "2026-Q3", "33.33", "41.17"), // 1372.1961
        hours_line("coordination", "2026-Q2", "100", "55.55"),
        hours_line("coordination", "2027-Q1", "7.5", "63.33"), // 474.975 → 474.98
        hours_line("training", "2027-Q4", "0.01", "999.99"),   // 9.9999 → 10.00
    ];
    let budget_lines = vec![
        budget_line(
            "personnel",
            "Coördinator, 8 uur per week",
            "12000.00",
            &[
                ("2026-Q1", "3000"),
                ("2026-Q2", "3000.00"),
                ("2026-Q3", "3000.00"),
                ("2026-Q4", "3000.00"),
            ],
        ),
        budget_line(
            "communication",
            "Flyers in het Turks en Arabisch",
            "1234.56",
            &[("2026-Q1", "1000.00"), ("2026-Q2", "234.56")],
        ),
        budget_line(
            "venue",
            "Zaalhuur bijeenkomsten",
            "450.5",
            &[("2026-Q3", "225.25"), ("2027-Q1", "225.25")],
        ),
        budget_line("communication", "Website", "799.99", &[]),
        budget_line("materials", "Koffie en thee", "89.95", &[]),
        budget_line(
            "activities",
            "Buurtfeest",
            "2500",
            &[("2026-Q2", "1250.01"), ("2027-Q4", "1249.99")],
        ),
        budget_line("overhead", "Overhead", "1500.00", &[]),
        budget_line("translation", "Beëdigd vertaler", "300.00", &[]),
        budget_line(
            "interpretation",
            "Tolken bij gesprekken",
            "620.40",
            &[("2027-Q2", "620.40")],
        ),
    ];
    let translation_costs = vec![
        translation(
            "Flyer 'Zorgt u voor een naaste?'",
            &["tr", "ar"],
            "words",
            "1250",
            "0.12",
        ),
        translation(
            "Brochure mantelzorgondersteuning",
            &["ar"],
            "pages",
            "4",
            "35.50",
        ),
        translation(
            "Uitlegvideo",
            &["tr", "ar", "ti"],
            "minutes",
            "12.5",
            "8.40",
        ),
    ];
    for body in &hours {
        create(app, token, &lines_path(pid, "hours"), body).await;
    }
    let mut budget_line_ids = Vec::new();
    for body in &budget_lines {
        budget_line_ids.push(id_of(
            &create(app, token, &lines_path(pid, "budget-lines"), body)
                .await
                .0,
        ));
    }
    for body in &translation_costs {
        let created = create(app, token, &lines_path(pid, "translation-costs"), body)
            .await
            .0;
        let langs = body["target_languages"].as_array().unwrap().len() as i128;
        let expected = product(text(&body["quantity"]), text(&body["unit_price"])) * langs;
        assert_eq!(created["total"], json!(money(expected)), "total of {body}");
    }
    let fund_applications = vec![
        json!({
            "funder_name": "Gemeente Utrecht", "funder_kind": "municipality",
            "programme": "Mantelzorg en welzijn 2026", "budget_line_ids": [budget_line_ids[0]],
            "amount_requested": "10000", "amount_granted": "10000.00", "status": "granted",
            "submitted_on": "2025-10-01", "decided_on": "2025-12-15"
        }),
        json!({
            "funder_name": "Gemeente Utrecht", "funder_kind": "municipality",
            "amount_requested": "2500.50", "status": "submitted", "submitted_on": "2026-03-01"
        }),
        json!({
            "funder_name": "Oranje Fonds", "funder_kind": "private_fund",
            "budget_line_ids": [budget_line_ids[1], budget_line_ids[5]],
            "amount_requested": "8000.00", "amount_granted": "6250.75",
            "status": "partially_granted", "submitted_on": "2025-11-01", "decided_on": "2026-01-20"
        }),
        json!({
            "funder_name": "Oranje Fonds", "funder_kind": "private_fund",
            "amount_requested": "3000", "status": "rejected",
            "submitted_on": "2025-11-15", "decided_on": "2026-02-01"
        }),
        json!({
            "funder_name": "Fonds Sluyterman", "funder_kind": "private_fund",
            "amount_requested": "1999.99", "status": "draft"
        }),
        json!({
            "funder_name": "Fonds Sluyterman", "funder_kind": "private_fund",
            "amount_requested": "4000.00", "status": "withdrawn", "submitted_on": "2026-01-10"
        }),
    ];
    for body in &fund_applications {
        create(app, token, &lines_path(pid, "fund-applications"), body).await;
    }

    // Parts that do not count in the summary, but are part of the document.
    let group = create(app, token, &lines_path(pid, "target-groups"), &json!({"name": "Turks-Nederlandse mantelzorgers", "description": null, "languages": ["tr", "nl"]}))
.await
.0;
    create(app, token, &lines_path(pid, "targets"), &json!({"theme": "reach", "quarter": "2026-Q2", "target_group_id": group["id"], "planned": "40"}))
.await;
    create(
        app,
        token,
        &lines_path(pid, "evaluation-moments"),
        &json!({"planned_on": "2026-12-15", "subject": "Tussenevaluatie met sleutelpersonen"}),
    )
    .await;
    let response = app
        .post(
            "/api/v1/partners",
            token,
            &json!({"name": format!("Moskee Ulu Camii {pid}"), "category": "religious"}),
        )
        .await;
    assert_eq!(response.status(), 201, "create partner");
    let partner = json_of(response).await;
    create(
        app,
        token,
        &lines_path(pid, "partners"),
        &json!({
            "partner_id": partner["id"], "functions": ["referrer", "collaboration_partner"],
            "current_level": "in_contact", "desired_level": "collaborate"
        }),
    )
    .await;

    Seed {
        hours,
        budget_lines,
        translation_costs,
        fund_applications,
    }
}

// --- the expected summary -------------------------------------------------------------

/// The summary as computed here from the line items, with `per_activity` and
/// `per_category` keyed by name (see [`normalise`]).
fn expected_summary(pid: &str, seed: &Seed) -> Value {
    let mut hours_total = 0;
    let mut hours_cost = 0;
    let mut per_activity: BTreeMap<String, (i128, i128)> = BTreeMap::new();
    // quarter → (phased budget, hours cost)
    let mut per_quarter: BTreeMap<String, (i128, i128)> = BTreeMap::new();
    for line in &seed.hours {
        let cost = product(text(&line["hours"]), text(&line["hourly_rate"]));
        let hours = cents(text(&line["hours"]));
        hours_total += hours;
        hours_cost += cost;
        let activity = per_activity
            .entry(text(&line["activity"]).to_string())
            .or_default();
        activity.0 += hours;
        activity.1 += cost;
        per_quarter
            .entry(text(&line["quarter"]).to_string())
            .or_default()
            .1 += cost;
    }
    let mut lines_total = 0;
    let mut per_category: BTreeMap<String, i128> = BTreeMap::new();
    for line in &seed.budget_lines {
        let amount = cents(text(&line["amount"]));
        lines_total += amount;
        *per_category
            .entry(text(&line["category"]).to_string())
            .or_default() += amount;
        for phase in line["phases"].as_array().into_iter().flatten() {
            per_quarter
                .entry(text(&phase["quarter"]).to_string())
                .or_default()
                .0 += cents(text(&phase["amount"]));
        }
    }
    let translation_total: i128 = seed
        .translation_costs
        .iter()
        .map(|t| {
            product(text(&t["quantity"]), text(&t["unit_price"]))
                * t["target_languages"].as_array().unwrap().len() as i128
        })
        .sum();
    let total = lines_total + hours_cost + translation_total;

    let categories: serde_json::Map<String, Value> = CATEGORIES
        .iter()
        .map(|category| {
            let lines = per_category.get(*category).copied().unwrap_or(0);
            let hours = if *category == "personnel" {
                hours_cost
            } else {
                0
            };
            let translations = if *category == "translation" {
                translation_total
            } else {
                0
            };
            (
                category.to_string(),
                json!({
                    "category": category,
                    "budget_lines": money(lines),
                    "hours": money(hours),
                    "translation_costs": money(translations),
                    "total": money(lines + hours + translations),
                }),
            )
        })
        .collect();

    // funder → (applications, requested, granted, pending); a BTreeMap orders by name.
    let mut funders: BTreeMap<String, (i64, i128, i128, i128)> = BTreeMap::new();
    for application in &seed.fund_applications {
        let status = application["status"].as_str().unwrap_or("draft");
        let requested = cents(text(&application["amount_requested"]));
        let funder = funders
            .entry(text(&application["funder_name"]).to_string())
            .or_default();
        funder.0 += 1;
        if status != "withdrawn" {
            funder.1 += requested;
        }
        if status == "granted" || status == "partially_granted" {
            funder.2 += cents(text(&application["amount_granted"]));
        }
        if status == "draft" || status == "submitted" {
            funder.3 += requested;
        }
    }
    let requested: i128 = funders.values().map(|f| f.1).sum();
    let granted: i128 = funders.values().map(|f| f.2).sum();
    let pending: i128 = funders.values().map(|f| f.3).sum();
    let per_funder: Vec<Value> = funders
        .iter()
        .map(|(name, (n, requested, granted, pending))| {
            json!({
                "funder_name": name,
                "applications": n,
                "requested": money(*requested),
                "granted": money(*granted),
                "pending": money(*pending),
            })
        })
        .collect();

    let phasing: Vec<Value> = per_quarter
        .iter()
        .map(|(quarter, (budget, hours))| {
            json!({
                "quarter": quarter,
                "budget_lines": money(*budget),
                "hours": money(*hours),
                "total": money(budget + hours),
            })
        })
        .collect();
    let phased: i128 = per_quarter.values().map(|(b, h)| b + h).sum();

    json!({
        "project_id": pid,
        "currency": "EUR",
        "hours": {
            "hours": money(hours_total),
            "cost": money(hours_cost),
            "per_activity": per_activity
                .iter()
                .map(|(activity, (hours, cost))| {
                    (activity.clone(), json!({"activity": activity, "hours": money(*hours), "cost": money(*cost)}))
                })
                .collect::<serde_json::Map<String, Value>>(),
        },
        "budget": {
            "per_category": categories,
            "budget_lines": money(lines_total),
            "translation_costs": money(translation_total),
            "hours": money(hours_cost),
            "total": money(total),
        },
        "funding": {
            "requested": money(requested),
            "granted": money(granted),
            "pending": money(pending),
            "per_funder": per_funder,
            "gap": money(total - granted),
        },
        "phasing": phasing,
        "unphased": money(total - phased),
    })
}

/// Keys `hours.per_activity` by activity (leaving out activities without hours) and
/// `budget.per_category` by category, checking every category is there once.
fn normalise(summary: &Value) -> Value {
    let mut normal = summary.clone();
    let activities: serde_json::Map<String, Value> = summary["hours"]["per_activity"]
        .as_array()
        .expect("per_activity")
        .iter()
        .filter(|a| !(a["hours"] == "0.00" && a["cost"] == "0.00"))
        .map(|a| (text(&a["activity"]).to_string(), a.clone()))
        .collect();
    normal["hours"]["per_activity"] = Value::Object(activities);
    let categories = summary["budget"]["per_category"]
        .as_array()
        .expect("per_category");
    let mut names: Vec<&str> = categories.iter().map(|c| text(&c["category"])).collect();
    names.sort();
    let mut all = CATEGORIES.to_vec();
    all.sort();
    assert_eq!(names, all, "every category, each once");
    normal["budget"]["per_category"] = Value::Object(
        categories
            .iter()
            .map(|c| (text(&c["category"]).to_string(), c.clone()))
            .collect(),
    );
    normal
}

/// Compares a summary with the expectation part by part, for readable failures.
fn assert_summary(actual: &Value, expected: &Value) {
    let actual = normalise(actual);
    for key in ["project_id", "currency", "unphased"] {
        assert_eq!(actual[key], expected[key], "{key}");
    }
    for key in ["hours", "cost", "per_activity"] {
        assert_eq!(actual["hours"][key], expected["hours"][key], "hours.{key}");
    }
    for category in CATEGORIES {
        assert_eq!(
            actual["budget"]["per_category"][category],
            expected["budget"]["per_category"][category],
            "budget.per_category {category}"
        );
    }
    for key in ["budget_lines", "translation_costs", "hours", "total"] {
        assert_eq!(
            actual["budget"][key], expected["budget"][key],
            "budget.{key}"
        );
    }
    for key in ["per_funder", "requested", "granted", "pending", "gap"] {
        assert_eq!(
            actual["funding"][key], expected["funding"][key],
            "funding.{key}"
        );
    }
    assert_eq!(actual["phasing"], expected["phasing"], "phasing");
    assert_eq!(actual, *expected, "the whole summary");
}

// --- summary -------------------------------------------------------------------------

#[tokio::test]
async fn the_summary_of_a_new_project_is_all_zero_and_a_grant_without_budget_is_a_negative_gap() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Leeg plan").await;

    let empty = summary(&app, &tenant.token, &pid).await;
    assert_eq!(empty["project_id"], json!(pid));
    assert_eq!(empty["currency"], "EUR");
    assert_eq!(empty["hours"]["hours"], "0.00");
    assert_eq!(empty["hours"]["cost"], "0.00");
    for activity in empty["hours"]["per_activity"]
        .as_array()
        .expect("per_activity")
    {
        assert_eq!(
            (&activity["hours"], &activity["cost"]),
            (&json!("0.00"), &json!("0.00"))
        );
    }
    let categories = empty["budget"]["per_category"]
        .as_array()
        .expect("per_category");
    assert_eq!(categories.len(), CATEGORIES.len(), "every category");
    for category in categories {
        for key in ["budget_lines", "hours", "translation_costs", "total"] {
            assert_eq!(category[key], "0.00", "{category}");
        }
    }
    for key in ["budget_lines", "translation_costs", "hours", "total"] {
        assert_eq!(empty["budget"][key], "0.00", "budget.{key}");
    }
    for key in ["requested", "granted", "pending", "gap"] {
        assert_eq!(empty["funding"][key], "0.00", "funding.{key}");
    }
    assert_eq!(empty["funding"]["per_funder"], json!([]));
    assert_eq!(empty["phasing"], json!([]));
    assert_eq!(empty["unphased"], "0.00");

    // Granted money and no budget: the gap goes below zero.
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, "fund-applications"),
        &json!({
            "funder_name": "Gemeente Utrecht", "funder_kind": "municipality",
            "amount_requested": "100.10", "amount_granted": "100.10", "status": "granted",
            "submitted_on": "2025-10-01", "decided_on": "2025-11-01"
        }),
    )
    .await;
    let granted = summary(&app, &tenant.token, &pid).await;
    assert_eq!(granted["funding"]["granted"], "100.10");
    assert_eq!(granted["funding"]["requested"], "100.10");
    assert_eq!(granted["funding"]["pending"], "0.00");
    assert_eq!(granted["funding"]["gap"], "-100.10");
    assert_eq!(granted["budget"]["total"], "0.00");
}

#[tokio::test]
async fn the_summary_agrees_to_the_cent_with_every_line_item() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let pid = new_project(&app, &tenant.token, "Rijk plan").await;
    // Lines in another project never count.
    let other = new_project(&app, &tenant.token, "Ander project").await;
    create(
        &app,
        &tenant.token,
        &lines_path(&other, "budget-lines"),
        &budget_line("other", "Elders", "999.99", &[("2026-Q1", "999.99")]),
    )
    .await;
    let seed = seed(&app, &tenant.token, &pid).await;
    let expected = expected_summary(&pid, &seed);

    // A few figures spelled out, so the fixture's arithmetic can be checked by eye.
    assert_eq!(expected["hours"]["cost"], "9418.78");
    assert_eq!(expected["budget"]["total"], "29671.18");
    assert_eq!(expected["funding"]["gap"], "13420.43");

    let actual = summary(&app, &tenant.token, &pid).await;
    assert_summary(&actual, &expected);
    // A viewer sees the same figures.
    assert_eq!(summary(&app, &viewer, &pid).await, actual);

    // The summary follows a change to a line.
    let line = list(&app, &tenant.token, &pid, "hours").await[3].clone();
    let path = lines_path(&pid, &format!("hours/{}", id_of(&line)));
    let etag = etag_of(&app.get(&path, &tenant.token).await);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &etag,
            Some(&json!({"hours": "40.4", "hourly_rate": "39.99"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let mut changed = seed;
    changed.hours[3]["hours"] = json!("40.4");
    changed.hours[3]["hourly_rate"] = json!("39.99");
    assert_summary(
        &summary(&app, &tenant.token, &pid).await,
        &expected_summary(&pid, &changed),
    );

    // Another organisation does not see it.
    let stranger = app.tenant("Organisatie B").await;
    problem(
        app.get(&lines_path(&pid, "summary"), &stranger.token).await,
        404,
    )
    .await;
}

/// Half a cent is rounded up, as a bookkeeper (and a spreadsheet's ROUND) would:
/// 12.5 h × € 46.25 = € 578.125 → € 578.13, and 0.5 h × € 0.25 = € 0.125 → € 0.13.
/// BUG: the server rounds half to even (578.12, 0.12), so this fails for now.
#[tokio::test]
async fn an_hours_cost_of_exactly_half_a_cent_is_rounded_up() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Afronden").await;
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, "hours"),
        &hours_line("outreach", "2026-Q1", "12.5", "46.25"),
    )
    .await;
    create(
        &app,
        &tenant.token,
        &lines_path(&pid, "hours"),
        &hours_line("training", "2026-Q2", "0.5", "0.25"),
    )
    .await;
    let actual = summary(&app, &tenant.token, &pid).await;
    let per_activity: BTreeMap<&str, &Value> = actual["hours"]["per_activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (text(&a["activity"]), &a["cost"]))
        .collect();
    assert_eq!(per_activity["outreach"], "578.13", "12.5 × 46.25 = 578.125");
    assert_eq!(per_activity["training"], "0.13", "0.5 × 0.25 = 0.125");
    assert_eq!(actual["hours"]["cost"], "578.26");
    assert_eq!(actual["budget"]["total"], "578.26");
}

// --- the plan as one document ----------------------------------------------------------

const SECTIONS: [(&str, &str); 8] = [
    ("target_groups", "target-groups"),
    ("hours", "hours"),
    ("budget_lines", "budget-lines"),
    ("translation_costs", "translation-costs"),
    ("fund_applications", "fund-applications"),
    ("targets", "targets"),
    ("evaluation_moments", "evaluation-moments"),
    ("partners", "partners"),
];

#[tokio::test]
async fn the_plan_is_one_document_of_every_part_with_the_nine_roadmap_steps_and_an_etag() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (project, _) = app.project(&tenant.token, &project_body("Heel plan")).await;
    let pid = id_of(&project);
    seed(&app, &tenant.token, &pid).await;

    let (plan, etag) = get_plan(&app, &tenant.token, &pid).await;
    let mut keys: Vec<&str> = plan
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let mut expected_keys: Vec<&str> = SECTIONS.iter().map(|(key, _)| *key).collect();
    expected_keys.extend(["project", "roadmap"]);
    expected_keys.sort();
    assert_eq!(keys, expected_keys);
    assert_eq!(plan["project"]["id"], json!(pid));
    assert_eq!(plan["project"]["name"], "Heel plan");
    for (key, segment) in SECTIONS {
        assert_eq!(
            plan[key].as_array().expect(key),
            &list(&app, &tenant.token, &pid, segment).await,
            "{key} as its own list shows it"
        );
    }
    assert_eq!(plan["hours"].as_array().unwrap().len(), 7);
    assert_eq!(plan["budget_lines"].as_array().unwrap().len(), 9);
    let steps: Vec<i64> = plan["roadmap"]
        .as_array()
        .expect("roadmap")
        .iter()
        .map(|s| s["step"].as_i64().expect("step"))
        .collect();
    assert_eq!(
        steps,
        (1..=9).collect::<Vec<_>>(),
        "the nine roadmap steps in order"
    );
    for step in plan["roadmap"].as_array().unwrap() {
        assert!(!text(&step["title"]).trim().is_empty(), "{step}");
        assert!(step["status"].is_string());
    }
    assert_eq!(
        plan["roadmap"].as_array().unwrap(),
        &list(&app, &tenant.token, &pid, "roadmap").await
    );

    // The ETag is stable while nothing changes, and the viewer reads the same document.
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (plan.clone(), etag.clone())
    );
    assert_eq!(
        get_plan(&app, &viewer, &pid).await,
        (plan.clone(), etag.clone())
    );

    // A change to any one part changes the plan's ETag.
    let moment = &plan["evaluation_moments"][0];
    let path = lines_path(&pid, &format!("evaluation-moments/{}", id_of(moment)));
    let line_etag = etag_of(&app.get(&path, &tenant.token).await);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &line_etag,
            Some(&json!({"outcome_notes": "Goed verlopen"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (after, after_etag) = get_plan(&app, &tenant.token, &pid).await;
    assert_ne!(
        after_etag, etag,
        "the plan's ETag follows a change to a part"
    );
    assert_eq!(
        after["evaluation_moments"][0]["outcome_notes"],
        "Goed verlopen"
    );
}

/// Removes `updated_at` from an object.
fn forget_updated_at(value: &mut Value) {
    value.as_object_mut().expect("object").remove("updated_at");
}

fn roadmap_step(doc: &mut Value, step: i64) -> &mut Value {
    doc["roadmap"]
        .as_array_mut()
        .expect("roadmap")
        .iter_mut()
        .find(|s| s["step"] == step)
        .expect("roadmap step")
}

#[tokio::test]
async fn a_plan_read_changed_and_written_back_stores_exactly_those_changes() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Terugschrijven").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, etag) = get_plan(&app, &tenant.token, &pid).await;

    // As read, with read-only fields (created_at, total, title, partner_name,
    // level_history, …) still in it; a few of them even altered: they are ignored.
    let mut doc = before.clone();
    doc["budget_lines"][3]["amount"] = json!("850.00");
    let dropped = doc["hours"].as_array_mut().unwrap().remove(0);
    doc["translation_costs"][0]["total"] = json!("1.00");
    doc["translation_costs"]
        .as_array_mut()
        .unwrap()
        .push(translation("Poster", &["tr"], "flat", "1", "75.00"));
    doc["partners"][0]["partner_name"] = json!("Een andere naam");
    {
        let step = roadmap_step(&mut doc, 2);
        step["status"] = json!("in_progress");
        step["notes"] = json!("Sleutelpersonen benaderd");
        step["title"] = json!("Een andere titel");
    }
    assert!(doc["partners"][0]["level_history"].is_array());
    assert!(doc["budget_lines"][0]["created_at"].is_string());

    let response = put_plan(&app, &tenant.token, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200, "PUT plan");
    let new_etag = etag_of(&response);
    assert_ne!(new_etag, etag, "the ETag changed");
    let answered = json_of(response).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (answered.clone(), new_etag),
        "a fresh GET shows what the PUT answered"
    );

    // The new line was created, with its total computed.
    let translations = answered["translation_costs"].as_array().unwrap();
    assert_eq!(
        translations.len(),
        before["translation_costs"].as_array().unwrap().len() + 1
    );
    let added = translations.last().unwrap();
    assert!(uuid::Uuid::parse_str(text(&added["id"])).is_ok(), "{added}");
    assert_eq!(added["project_id"], json!(pid));
    assert_eq!(added["item"], "Poster");
    assert_eq!(added["total"], "75.00");
    assert!(
        translations[..translations.len() - 1]
            .iter()
            .all(|t| t["id"] != added["id"]),
        "a new id"
    );

    // Everything else is exactly as before, but for the changes.
    let mut expected = before.clone();
    expected["budget_lines"][3]["amount"] = json!("850.00");
    expected["hours"].as_array_mut().unwrap().remove(0);
    {
        let step = roadmap_step(&mut expected, 2);
        step["status"] = json!("in_progress");
        step["notes"] = json!("Sleutelpersonen benaderd");
    }
    let mut got = answered.clone();
    got["translation_costs"].as_array_mut().unwrap().pop();
    for doc in [&mut expected, &mut got] {
        forget_updated_at(&mut doc["project"]);
        forget_updated_at(&mut doc["budget_lines"][3]);
        forget_updated_at(roadmap_step(doc, 2));
    }
    assert_eq!(got, expected, "exactly the changes");

    // The parts' own endpoints agree.
    problem(
        app.get(
            &lines_path(&pid, &format!("hours/{}", id_of(&dropped))),
            &tenant.token,
        )
        .await,
        404,
    )
    .await;
    let line = app
        .get(
            &lines_path(
                &pid,
                &format!("budget-lines/{}", id_of(&before["budget_lines"][3])),
            ),
            &tenant.token,
        )
        .await;
    assert_eq!(json_of(line).await["amount"], "850.00");
}

/// Many valid changes to the document read from `before`, touching every section.
fn many_valid_changes(before: &Value) -> Value {
    let mut doc = before.clone();
    doc["project"]["name"] = json!("Nieuwe naam");
    doc["project"]["rationale"] =
        json!("Weinig mantelzorgers met een migratieachtergrond vinden ons");
    doc["target_groups"][0]["name"] = json!("Marokkaans-Nederlandse mantelzorgers");
    doc["hours"][1]["hours"] = json!("22.75");
    doc["hours"].as_array_mut().unwrap().remove(6);
    doc["hours"]
        .as_array_mut()
        .unwrap()
        .push(hours_line("other", "2026-Q4", "3.5", "40.00"));
    doc["budget_lines"][0]["description"] = json!("Coördinator, 10 uur per week");
    doc["budget_lines"][6]["amount"] = json!("1750.00");
    doc["budget_lines"]
        .as_array_mut()
        .unwrap()
        .push(budget_line(
            "training",
            "Training sleutelpersonen",
            "640.00",
            &[("2026-Q3", "640.00")],
        ));
    doc["translation_costs"][1]["quantity"] = json!("6");
    doc["translation_costs"].as_array_mut().unwrap().remove(2);
    doc["fund_applications"][4]["amount_requested"] = json!("2222.22");
    doc["evaluation_moments"][0]["subject"] = json!("Eindevaluatie");
    doc["targets"][0]["planned"] = json!("55");
    roadmap_step(&mut doc, 3)["status"] = json!("done");
    doc
}

/// PUTs `doc`, expects a 422 naming exactly `pointer`, and checks that the plan, its
/// ETag, its summary and its history are exactly as before.
async fn assert_plan_refused(app: &TestApp, token: &str, pid: &str, doc: &Value, pointer: &str) {
    let (before, etag) = get_plan(app, token, pid).await;
    let summary_before = summary(app, token, pid).await;
    let history_before = history(app, token, pid).await;

    let response = put_plan(app, token, pid, &etag, doc).await;
    assert_eq!(response.status(), 422, "PUT plan with a bad {pointer}");
    let problem = problem(response, 422).await;
    assert_eq!(named_fields(&problem), [pointer], "{problem}");

    assert_eq!(
        get_plan(app, token, pid).await,
        (before, etag),
        "nothing of the document was stored"
    );
    assert_eq!(summary(app, token, pid).await, summary_before);
    assert_eq!(history(app, token, pid).await, history_before, "no history");
}

#[tokio::test]
async fn one_bad_amount_deep_in_the_document_refuses_all_of_it() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Alles of niets").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, etag) = get_plan(&app, &tenant.token, &pid).await;

    let mut doc = many_valid_changes(&before);
    assert!(
        doc["budget_lines"][3]["phases"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    doc["budget_lines"][3]["amount"] = json!("12.345");
    assert_plan_refused(&app, &tenant.token, &pid, &doc, "/budget_lines/3/amount").await;

    // The same changes without the bad amount are fine: it was the only fault.
    doc["budget_lines"][3]["amount"] = json!("12.35");
    let response = put_plan(&app, &tenant.token, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200);
    let stored = json_of(response).await;
    assert_eq!(stored["project"]["name"], "Nieuwe naam");
    assert_eq!(stored["budget_lines"][3]["amount"], "12.35");
    assert_eq!(stored["budget_lines"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn one_hours_line_outside_the_period_refuses_the_whole_document() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Alles of niets").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, _) = get_plan(&app, &tenant.token, &pid).await;

    let mut doc = many_valid_changes(&before);
    doc["hours"][4]["quarter"] = json!("2028-Q1");
    assert_plan_refused(&app, &tenant.token, &pid, &doc, "/hours/4/quarter").await;
}

#[tokio::test]
async fn writing_the_plan_needs_the_current_etag_and_a_coordinator_or_admin() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (_, viewer) = app.user_with_role(&tenant, "viewer").await;
    let (_, coordinator) = app.user_with_role(&tenant, "coordinator").await;
    let pid = new_project(&app, &tenant.token, "Versies").await;
    seed(&app, &tenant.token, &pid).await;
    let (_, stale) = get_plan(&app, &tenant.token, &pid).await;

    // A change through a part's own endpoint makes the plan's ETag stale.
    let line = list(&app, &tenant.token, &pid, "budget-lines").await[4].clone();
    let path = lines_path(&pid, &format!("budget-lines/{}", id_of(&line)));
    let line_etag = etag_of(&app.get(&path, &tenant.token).await);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &tenant.token,
            &line_etag,
            Some(&json!({"amount": "95.00"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let (current, etag) = get_plan(&app, &tenant.token, &pid).await;
    assert_ne!(etag, stale);
    let mut doc = current.clone();
    doc["budget_lines"][4]["amount"] = json!("120.00");

    let response = put_plan(&app, &tenant.token, &pid, &stale, &doc).await;
    problem(response, 412).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current.clone(), etag.clone()),
        "412 changed nothing"
    );

    let response = app
        .request(Method::PUT, &lines_path(&pid, "plan"), Some(&tenant.token))
        .json(&doc)
        .send()
        .await
        .expect("request");
    problem(response, 428).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current.clone(), etag.clone()),
        "428 changed nothing"
    );

    let response = put_plan(&app, &viewer, &pid, &etag, &doc).await;
    problem(response, 403).await;
    assert_eq!(
        get_plan(&app, &tenant.token, &pid).await,
        (current.clone(), etag.clone()),
        "403 changed nothing"
    );

    // A coordinator with the current ETag may.
    let response = put_plan(&app, &coordinator, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        json_of(response).await["budget_lines"][4]["amount"],
        "120.00"
    );

    // Another organisation: 404, whatever the ETag.
    let stranger = app.tenant("Organisatie B").await;
    problem(
        app.get(&lines_path(&pid, "plan"), &stranger.token).await,
        404,
    )
    .await;
    problem(put_plan(&app, &stranger.token, &pid, "*", &doc).await, 404).await;
}

#[tokio::test]
async fn an_unknown_section_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Onbekend").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, _) = get_plan(&app, &tenant.token, &pid).await;
    let mut doc = before.clone();
    doc["budget_lines"][0]["description"] = json!("Gewijzigd");
    doc["milestones"] = json!([{"name": "Start"}]);
    assert_plan_refused(&app, &tenant.token, &pid, &doc, "/milestones").await;
}

#[tokio::test]
async fn a_new_fund_application_can_cover_a_new_budget_line_of_the_same_document() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Nieuwe regels").await;
    seed(&app, &tenant.token, &pid).await;
    let (before, etag) = get_plan(&app, &tenant.token, &pid).await;

    let client_id = uuid::Uuid::new_v4().to_string();
    let mut doc = before.clone();
    let mut line = budget_line(
        "materials",
        "Spelmateriaal voor bijeenkomsten",
        "240.00",
        &[],
    );
    line["id"] = json!(client_id);
    doc["budget_lines"].as_array_mut().unwrap().push(line);
    doc["fund_applications"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "funder_name": "VSB Fonds", "funder_kind": "private_fund",
            "amount_requested": "240.00", "status": "draft",
            "budget_line_ids": [client_id]
        }));
    let response = put_plan(&app, &tenant.token, &pid, &etag, &doc).await;
    assert_eq!(response.status(), 200, "PUT plan");
    let stored = json_of(response).await;

    let lines = stored["budget_lines"].as_array().unwrap();
    assert_eq!(
        lines.len(),
        before["budget_lines"].as_array().unwrap().len() + 1
    );
    let new_line = lines.last().unwrap();
    assert_eq!(new_line["description"], "Spelmateriaal voor bijeenkomsten");
    assert_eq!(new_line["amount"], "240.00");
    let applications = stored["fund_applications"].as_array().unwrap();
    let new_application = applications.last().unwrap();
    assert_eq!(new_application["funder_name"], "VSB Fonds");
    assert_eq!(
        new_application["budget_line_ids"],
        json!([new_line["id"]]),
        "the application covers the new line"
    );
    assert_eq!(get_plan(&app, &tenant.token, &pid).await.0, stored);
    let response = app
        .get(
            &lines_path(
                &pid,
                &format!("fund-applications/{}", id_of(new_application)),
            ),
            &tenant.token,
        )
        .await;
    assert_eq!(
        json_of(response).await["budget_line_ids"],
        json!([new_line["id"]])
    );
}

// --- history -------------------------------------------------------------------------

/// A project and one budget line created by a coordinator (a user), the line's amount
/// changed by an API token, then the line deleted by the coordinator.
struct Story {
    app: TestApp,
    admin: String,
    user_id: String,
    user: String,
    token_id: String,
    pid: String,
    line_id: String,
}

async fn story() -> Story {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let (user_id, user) = app.user_with_role(&tenant, "coordinator").await;
    let pid = new_project(&app, &user, "Geschiedenis").await;
    let response = app
        .post(
            &lines_path(&pid, "budget-lines"),
            &user,
            &budget_line("communication", "Flyers", "1000.00", &[]),
        )
        .await;
    assert_eq!(response.status(), 201);
    let etag = etag_of(&response);
    let line_id = id_of(&json_of(response).await);
    let path = lines_path(&pid, &format!("budget-lines/{line_id}"));

    let response = app
        .post(
            "/api/v1/api-tokens",
            &tenant.token,
            &json!({"name": "Intranet koppeling", "role": "coordinator"}),
        )
        .await;
    assert_eq!(response.status(), 201, "create API token");
    let created = json_of(response).await;
    let token_id = id_of(&created);
    let secret = text(&created["secret"]).to_string();
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &secret,
            &etag,
            Some(&json!({"amount": "1250.50"})),
        )
        .await;
    assert_eq!(response.status(), 200, "PATCH with the API token");
    let etag = etag_of(&response);

    let response = app
        .send_if_match(Method::DELETE, &path, &user, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    Story {
        admin: tenant.token,
        app,
        user_id,
        user,
        token_id,
        pid,
        line_id,
    }
}

#[tokio::test]
async fn the_history_shows_who_changed_what_newest_first() {
    let s = story().await;
    let changes = history(&s.app, &s.user, &s.pid).await;
    assert!(changes.len() >= 4, "{changes:#?}");

    let deleted = &changes[0];
    assert_eq!(deleted["entity"], "budget_line");
    assert_eq!(deleted["entity_id"], json!(s.line_id));
    assert_eq!(deleted["action"], "deleted");
    assert_eq!(deleted["actor"]["kind"], "user");
    assert_eq!(deleted["actor"]["id"], json!(s.user_id));
    assert!(deleted["after"].is_null(), "{deleted}");
    assert!(deleted["before"].is_object(), "{deleted}");

    let updated = &changes[1];
    assert_eq!(updated["entity"], "budget_line");
    assert_eq!(updated["entity_id"], json!(s.line_id));
    assert_eq!(updated["action"], "updated");
    assert_eq!(
        updated["actor"],
        json!({"kind": "api_token", "id": s.token_id, "name": "Intranet koppeling"})
    );
    assert_eq!(
        updated["before"],
        json!({"amount": "1000.00"}),
        "only the changed field"
    );
    assert_eq!(
        updated["after"],
        json!({"amount": "1250.50"}),
        "only the changed field"
    );

    let created = &changes[2];
    assert_eq!(created["entity"], "budget_line");
    assert_eq!(created["entity_id"], json!(s.line_id));
    assert_eq!(created["action"], "created");
    assert_eq!(
        created["actor"],
        json!({"kind": "user", "id": s.user_id, "name": "coordinator"})
    );
    assert!(created["before"].is_null(), "{created}");

    // Older: the project's creation, by the same user.
    assert!(
        changes[3..].iter().any(|c| c["entity"] == "project"
            && c["entity_id"] == json!(s.pid)
            && c["action"] == "created"
            && c["actor"]["kind"] == "user"
            && c["actor"]["id"] == json!(s.user_id)),
        "{changes:#?}"
    );
    for change in &changes[3..] {
        assert_ne!(change["entity_id"], json!(s.line_id), "{change}");
    }

    // Newest first: ids go down, times never go up.
    for pair in changes.windows(2) {
        assert!(
            pair[0]["id"].as_i64().unwrap() > pair[1]["id"].as_i64().unwrap(),
            "{pair:?}"
        );
        let newer = chrono::DateTime::parse_from_rfc3339(text(&pair[0]["changed_at"])).unwrap();
        let older = chrono::DateTime::parse_from_rfc3339(text(&pair[1]["changed_at"])).unwrap();
        assert!(newer >= older, "{pair:?}");
    }
}

#[tokio::test]
async fn the_history_pages_one_change_at_a_time_through_every_change_once() {
    let s = story().await;
    let all = history(&s.app, &s.user, &s.pid).await;
    let base = lines_path(&s.pid, "history");
    let mut walked = Vec::new();
    let mut path = format!("{base}?limit=1");
    loop {
        let response = s.app.get(&path, &s.user).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = json_of(response).await;
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{page}");
        walked.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{base}?limit=1&cursor={next}"),
            None => break,
        }
        assert!(walked.len() <= all.len(), "the pages never end");
    }
    assert_eq!(walked, all, "every change once, newest first");

    for query in ["limit=0", "limit=201", "limit=veel"] {
        let response = s.app.get(&format!("{base}?{query}"), &s.user).await;
        assert_eq!(
            named_fields(&problem(response, 422).await),
            ["limit"],
            "{query}"
        );
    }
    let response = s.app.get(&format!("{base}?cursor=nope"), &s.user).await;
    assert_eq!(named_fields(&problem(response, 422).await), ["cursor"]);
}

#[tokio::test]
async fn a_viewer_reads_the_history_and_another_organisation_gets_404() {
    let s = story().await;
    let tenant_view = history(&s.app, &s.admin, &s.pid).await;
    let viewer = {
        // The viewer belongs to the same organisation as the admin.
        let email = format!("viewer-{}@example.org", uuid::Uuid::new_v4().simple());
        let response = s
            .app
            .post(
                "/api/v1/users",
                &s.admin,
                &json!({"email": email, "name": "Lezer", "role": "viewer", "password": crate::helpers::PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), 201);
        s.app.login(&email, crate::helpers::PASSWORD).await
    };
    assert_eq!(history(&s.app, &viewer, &s.pid).await, tenant_view);

    let stranger = s.app.tenant("Organisatie B").await;
    problem(
        s.app
            .get(&lines_path(&s.pid, "history"), &stranger.token)
            .await,
        404,
    )
    .await;
    let unknown = uuid::Uuid::new_v4().to_string();
    problem(
        s.app.get(&lines_path(&unknown, "history"), &s.admin).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_refused_write_adds_nothing_to_the_history() {
    let s = story().await;
    let app = &s.app;
    let line = create(
        app,
        &s.user,
        &lines_path(&s.pid, "budget-lines"),
        &budget_line("venue", "Zaal", "300.00", &[]),
    )
    .await
    .0;
    let path = lines_path(&s.pid, &format!("budget-lines/{}", id_of(&line)));
    let line_etag = etag_of(&app.get(&path, &s.user).await);
    let before = history(app, &s.user, &s.pid).await;
    let (plan, plan_etag) = get_plan(app, &s.user, &s.pid).await;

    let response = app
        .post(
            &lines_path(&s.pid, "budget-lines"),
            &s.user,
            &budget_line("venue", "Zaal 2", "12.345", &[]),
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["/amount"]);
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            &s.user,
            &line_etag,
            Some(&json!({"amount": "-5"})),
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["/amount"]);
    let mut doc = plan.clone();
    doc["budget_lines"][0]["amount"] = json!("1.001");
    let response = put_plan(app, &s.user, &s.pid, &plan_etag, &doc).await;
    assert_eq!(
        named_fields(&problem(response, 422).await),
        ["/budget_lines/0/amount"]
    );

    assert_eq!(
        history(app, &s.user, &s.pid).await,
        before,
        "no entry for a refused write"
    );
    assert_eq!(get_plan(app, &s.user, &s.pid).await, (plan, plan_etag));
}

// --- a document may pass through states the end result does not have -----------------

#[tokio::test]
async fn a_plan_may_replace_a_line_by_a_new_one_for_the_same_key_and_swap_names() {
    let app = spawn_app().await;
    let admin = app.tenant("Swap").await;
    let pid = new_project(&app, &admin.token, "Wisselen").await;
    let old = create(
        &app,
        &admin.token,
        &lines_path(&pid, "hours"),
        &hours_line("outreach", "2026-Q3", "10", "50"),
    )
    .await
    .0;
    create(
        &app,
        &admin.token,
        &lines_path(&pid, "target-groups"),
        &json!({"name": "A", "languages": ["tr"]}),
    )
    .await;
    create(
        &app,
        &admin.token,
        &lines_path(&pid, "target-groups"),
        &json!({"name": "B", "languages": ["ar"]}),
    )
    .await;

    let (mut doc, etag) = get_plan(&app, &admin.token, &pid).await;
    doc["hours"] = json!([hours_line("outreach", "2026-Q3", "12", "50")]);
    doc["target_groups"][0]["name"] = json!("B");
    doc["target_groups"][1]["name"] = json!("A");
    let response = put_plan(&app, &admin.token, &pid, &etag, &doc).await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );

    let hours = list(&app, &admin.token, &pid, "hours").await;
    assert_eq!(hours.len(), 1);
    assert_ne!(
        hours[0]["id"], old["id"],
        "the new line replaced the old one"
    );
    assert_eq!(hours[0]["hours"], "12.00");
    let names: Vec<Value> = list(&app, &admin.token, &pid, "target-groups")
        .await
        .iter()
        .map(|g| json!([g["name"], g["languages"][0]]))
        .collect();
    assert_eq!(names, [json!(["B", "tr"]), json!(["A", "ar"])]);
}

#[tokio::test]
async fn a_plan_that_ends_with_a_repeated_key_is_refused_whole() {
    let app = spawn_app().await;
    let admin = app.tenant("Twice").await;
    let pid = new_project(&app, &admin.token, "Dubbel").await;
    let (mut doc, etag) = get_plan(&app, &admin.token, &pid).await;
    doc["budget_lines"] = json!([budget_line("venue", "Zaal", "100", &[])]);
    doc["hours"] = json!([
        hours_line("outreach", "2026-Q3", "10", "50"),
        hours_line("outreach", "2026-Q3", "12", "50")
    ]);
    let refused = problem(put_plan(&app, &admin.token, &pid, &etag, &doc).await, 409).await;
    assert_eq!(named_fields(&refused), ["/quarter"], "{refused}");
    let (after, etag_after) = get_plan(&app, &admin.token, &pid).await;
    assert_eq!(etag_after, etag, "nothing stored");
    assert_eq!(after["budget_lines"], json!([]));
}

#[tokio::test]
async fn a_refused_status_move_inside_the_plan_names_the_line() {
    let app = spawn_app().await;
    let admin = app.tenant("Move").await;
    let pid = new_project(&app, &admin.token, "Status").await;
    create(&app, &admin.token, &lines_path(&pid, "fund-applications"), &json!({"funder_name": "Oranje Fonds", "funder_kind": "private_fund", "amount_requested": "100",
                "amount_granted": "100", "status": "granted", "decided_on": "2026-02-01"}))
.await;
    let (mut doc, etag) = get_plan(&app, &admin.token, &pid).await;
    doc["fund_applications"][0]["status"] = json!("draft");
    doc["fund_applications"][0]["amount_granted"] = Value::Null;
    doc["fund_applications"][0]["decided_on"] = Value::Null;
    let refused = problem(put_plan(&app, &admin.token, &pid, &etag, &doc).await, 422).await;
    assert_eq!(
        named_fields(&refused),
        ["/fund_applications/0/status"],
        "{refused}"
    );
}

#[tokio::test]
async fn a_stale_etag_hears_412_before_a_refused_status_move() {
    let app = spawn_app().await;
    let admin = app.tenant("Stale").await;
    let pid = new_project(&app, &admin.token, "Oud").await;
    let granted = create(
        &app,
        &admin.token,
        &lines_path(&pid, "fund-applications"),
        &json!({"funder_name": "Gemeente", "funder_kind": "municipality", "amount_requested": "100",
                "amount_granted": "100", "status": "granted", "decided_on": "2026-02-01"}),
    )
    .await
    .0;
    let path = lines_path(&pid, &format!("fund-applications/{}", id_of(&granted)));
    let body = json!({"status": "submitted", "amount_granted": null, "decided_on": null});
    let stale = app
        .send_if_match(Method::PATCH, &path, &admin.token, "\"999\"", Some(&body))
        .await;
    problem(stale, 412).await;
    let current = app
        .send_if_match(Method::PATCH, &path, &admin.token, "*", Some(&body))
        .await;
    let refused = problem(current, 409).await;
    assert_eq!(refused["allowed"], json!([]));
}

#[tokio::test]
async fn a_translation_total_beyond_ten_million_is_refused() {
    let app = spawn_app().await;
    let admin = app.tenant("Big").await;
    let pid = new_project(&app, &admin.token, "Groot").await;
    let body = translation("Archief", &["tr", "ar", "ti"], "words", "10000000", "0.50");
    let refused = problem(
        app.post(&lines_path(&pid, "translation-costs"), &admin.token, &body)
            .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&refused), ["/quantity"], "{refused}");
    assert!(
        list(&app, &admin.token, &pid, "translation-costs")
            .await
            .is_empty()
    );
}
