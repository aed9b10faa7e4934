//! Unit tests of what a report refers to.

use super::*;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A report that refers to target group 1, budget line 2, partner link 3 (referrals),
/// partner link 4 (a level change) and outreach hours.
fn report() -> ReportContent {
    serde_json::from_value(serde_json::json!({
        "reach": {
            "per_target_group": [{"target_group_id": id(1), "new": 1, "total": 2}],
            "per_partner": [{"project_partner_id": id(3), "received": 1}]
        },
        "network": {"level_changes": [{"project_partner_id": id(4), "level": "coordinate"}]},
        "budget": {
            "spent": [{"budget_line_id": id(2), "amount": "10.00"}],
            "hours": [{"activity": "outreach", "hours": "4.00"}]
        }
    }))
    .expect("a valid report")
}

#[test]
fn every_kind_of_plan_line_a_report_uses_is_found_and_nothing_else() {
    let report = report();
    for (target, uses) in [
        (PlanRef::TargetGroup(id(1).into()), true),
        (PlanRef::TargetGroup(id(2).into()), false),
        (PlanRef::BudgetLine(id(2).into()), true),
        (PlanRef::BudgetLine(id(1).into()), false),
        (PlanRef::ProjectPartner(id(3).into()), true),
        (PlanRef::ProjectPartner(id(4).into()), true),
        (PlanRef::ProjectPartner(id(1).into()), false),
        (PlanRef::Activity(Activity::Outreach), true),
        (PlanRef::Activity(Activity::Coordination), false),
    ] {
        assert_eq!(report.refers_to(target), uses, "{target:?}");
    }
    assert!(!ReportContent::default().refers_to(PlanRef::TargetGroup(id(1).into())));
}

#[test]
fn the_references_are_every_line_the_figures_name_in_order() {
    assert_eq!(
        report().references().collect::<Vec<_>>(),
        vec![
            PlanRef::TargetGroup(id(1).into()),
            PlanRef::ProjectPartner(id(3).into()),
            PlanRef::ProjectPartner(id(4).into()),
            PlanRef::BudgetLine(id(2).into()),
            PlanRef::Activity(Activity::Outreach),
        ]
    );
    assert_eq!(ReportContent::default().references().count(), 0);
}
