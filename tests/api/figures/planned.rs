//! A plan to report on, and every kind of figure for it.

use super::*;

// --- a plan to report on -------------------------------------------------------------

/// The hours a figures test plans: outreach in 2024-Q2, key person meetings in 2024-Q3.
pub(super) const HOURS: [(&str, &str); 2] =
    [("outreach", "2024-Q2"), ("key_person_meetings", "2024-Q3")];

pub(super) async fn project_plan(
    app: &TestApp,
    token: &str,
    name: &str,
    partners: &[String; 2],
) -> PlannedProject {
    planned_project(app, token, name, partners, HOURS).await
}

/// An organisation with one planned project.
pub(crate) async fn one_project(app: &TestApp, t: &Tenant) -> PlannedProject {
    let partners = register_partners(app, &t.token).await;
    project_plan(app, &t.token, "Mantelzorg in Oost", &partners).await
}

/// Every kind of figure once, as (figure, subject, JSON value, CSV value with a point,
/// CSV value with a decimal comma).
pub(super) type FigureCase = (&'static str, Option<String>, Value, String, String);
/// A value as JSON, as CSV with a decimal point, and as CSV with a decimal comma.
pub(super) type Written = (Value, String, String);

pub(super) fn every_figure(p: &PlannedProject) -> Vec<FigureCase> {
    let s = |t: &str| Some(t.to_string());
    let n = |v: u64| (json!(v), v.to_string(), v.to_string());
    let dec = |json_text: &str, point: &str, comma: &str| {
        (json!(json_text), point.to_string(), comma.to_string())
    };
    let text = |t: &str| (json!(t), t.to_string(), t.to_string());
    let items: Vec<(&'static str, Option<String>, Written)> = vec![
        ("reach_new", s(&p.groups[0]), n(12)),
        ("reach_total", s(&p.groups[0]), n(30)),
        ("reach_new", s(&p.groups[1]), n(0)),
        ("reach_total", s(&p.groups[1]), n(4)),
        ("key_person_contacts", None, n(9)),
        ("activity_participants", None, n(41)),
        ("referrals_received", None, n(5)),
        ("referrals_made", None, n(3)),
        ("partner_referrals_received", s(&p.links[0]), n(4)),
        ("partner_referrals_made", s(&p.links[0]), n(1)),
        ("active_partners", None, n(6)),
        ("new_partners", None, n(2)),
        ("network_meetings", None, n(3)),
        ("level_change", s(&p.links[1]), text("coordinate")),
        ("communication_count", s("flyers/tr"), n(200)),
        ("communication_reach", s("flyers/tr"), n(150)),
        (
            "communication_cost",
            s("flyers/tr"),
            dec("120.50", "120.50", "120,50"),
        ),
        ("communication_count", s("radio/pap"), n(2)),
        ("communication_count", s("information_meeting"), n(3)),
        (
            "spent",
            s(&p.lines[0]),
            dec("1250.50", "1250.50", "1250,50"),
        ),
        ("spent", s(&p.lines[1]), dec("89.95", "89.95", "89,95")),
        ("hours_spent", s("outreach"), dec("40.50", "40.5", "40,5")),
        ("hours_spent", s("key_person_meetings"), dec("7", "7", "7")),
        (
            "developments",
            None,
            text("Twee nieuwe sleutelpersonen, in de moskee."),
        ),
        (
            "obstacles",
            None,
            text("Weinig bereik onder Arabischtaligen."),
        ),
        (
            "signals",
            None,
            text("Vraag naar respijtzorg in het Turks."),
        ),
        ("next_quarter", None, text("Voorlichting in het buurthuis.")),
    ];
    items
        .into_iter()
        .map(|(f, subject, (j, point, comma))| (f, subject, j, point, comma))
        .collect()
}

/// What a report holds after `every_figure`, nulls left out.
pub(super) fn every_figure_expected(p: &PlannedProject) -> Value {
    json!({
        "reach": {
            "per_target_group": [
                {"target_group_id": p.groups[0], "new": 12, "total": 30},
                {"target_group_id": p.groups[1], "new": 0, "total": 4}
            ],
            "key_person_contacts": 9,
            "activity_participants": 41,
            "referrals_received": 5,
            "referrals_made": 3,
            "per_partner": [{"project_partner_id": p.links[0], "received": 4, "made": 1}]
        },
        "network": {
            "active_partners": 6,
            "new_partners": 2,
            "network_meetings": 3,
            "level_changes": [{"project_partner_id": p.links[1], "level": "coordinate"}]
        },
        "communication": [
            {"channel": "flyers", "language": "tr", "count": 200, "estimated_reach": 150, "cost": "120.50"},
            {"channel": "radio", "language": "pap", "count": 2},
            {"channel": "information_meeting", "count": 3}
        ],
        "budget": {
            "spent": [
                {"budget_line_id": p.lines[0], "amount": "1250.50"},
                {"budget_line_id": p.lines[1], "amount": "89.95"}
            ],
            "hours": [
                {"activity": "outreach", "hours": "40.50"},
                {"activity": "key_person_meetings", "hours": "7.00"}
            ]
        },
        "narrative": {
            "developments": "Twee nieuwe sleutelpersonen, in de moskee.",
            "obstacles": "Weinig bereik onder Arabischtaligen.",
            "signals": "Vraag naar respijtzorg in het Turks.",
            "next_quarter": "Voorlichting in het buurthuis."
        }
    })
}

pub(super) fn every_figure_json(p: &PlannedProject, quarter: &str) -> Vec<Value> {
    every_figure(p)
        .into_iter()
        .map(|(figure, subject, value, _, _)| {
            row(&p.pid, quarter, figure, subject.as_deref(), value)
        })
        .collect()
}

/// A report body for a PUT, valid for the plan.
pub(super) fn report_body(p: &PlannedProject) -> Value {
    json!({
        "reach": {
            "per_target_group": [{"target_group_id": p.groups[0], "new": 1, "total": 2}],
            "key_person_contacts": 1
        },
        "network": {"active_partners": 3, "new_partners": 1, "network_meetings": 1},
        "communication": [{"channel": "flyers", "language": "ar", "count": 10}],
        "budget": {"spent": [{"budget_line_id": p.lines[1], "amount": "10.00"}]},
        "narrative": {"developments": "Begin."}
    })
}

pub(crate) fn outcome(dry_run: bool, reports: &[(&str, &str, bool, usize)]) -> Value {
    let rows: usize = reports.iter().map(|r| r.3).sum();
    json!({
        "dry_run": dry_run,
        "rows": rows,
        "reports": reports.iter().map(|(pid, quarter, created, rows)| json!({
            "project_id": pid, "quarter": quarter, "created": created, "rows": rows
        })).collect::<Vec<_>>()
    })
}
