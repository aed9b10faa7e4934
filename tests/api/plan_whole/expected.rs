//! The summary expected of the seeded plan, computed here in whole cents.

use super::*;

// --- the expected summary -------------------------------------------------------------

/// The summary as computed here from the line items, with `per_activity` and
/// `per_category` keyed by name (see [`normalise`]).
pub(super) fn expected_summary(pid: &str, seed: &Seed) -> Value {
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

    // (funder name, id) → (applications, requested, granted, pending); a BTreeMap
    // orders by name.
    let mut funders: BTreeMap<(String, String), (i64, i128, i128, i128)> = BTreeMap::new();
    for application in &seed.fund_applications {
        let status = application["status"].as_str().unwrap_or("draft");
        let requested = cents(text(&application["amount_requested"]));
        let id = text(&application["funder_id"]).to_string();
        let name = seed.funders[&id].0.clone();
        let funder = funders.entry((name, id)).or_default();
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
        .map(|((name, id), (n, requested, granted, pending))| {
            json!({
                "funder_id": id,
                "funder_name": name,
                "funder_kind": seed.funders[id].1,
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
pub(super) fn normalise(summary: &Value) -> Value {
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
pub(super) fn assert_summary(actual: &Value, expected: &Value) {
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
