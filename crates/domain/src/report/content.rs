//! What a quarterly report holds, and its rules: counts are whole and non-negative,
//! "new" never exceeds "total", and every figure refers to something in the plan.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::plan::{Activity, Amount, Channel, LanguageCode, Level};
use crate::validation::{Errors, FieldError, Invalid};

/// The largest count a report accepts.
pub const MAX_COUNT: u32 = 1_000_000;

/// Caregivers reached in one target group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupReach {
    pub target_group_id: Uuid,
    /// Reached for the first time this quarter.
    pub new: Option<u32>,
    /// Reached this quarter, new or not; at least `new`.
    pub total: Option<u32>,
}

/// Referrals with one project partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerReferrals {
    /// A partner link of the project (`/projects/{id}/partners`).
    pub project_partner_id: Uuid,
    pub received: Option<u32>,
    pub made: Option<u32>,
}

/// Reach (*bereik*).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reach {
    #[serde(default)]
    pub per_target_group: Vec<TargetGroupReach>,
    pub key_person_contacts: Option<u32>,
    pub activity_participants: Option<u32>,
    pub referrals_received: Option<u32>,
    pub referrals_made: Option<u32>,
    /// Optionally, referrals per partner.
    #[serde(default)]
    pub per_partner: Vec<PartnerReferrals>,
}

/// A move on the collaboration ladder this quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelChangeReport {
    pub project_partner_id: Uuid,
    pub level: Level,
}

/// The network.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub active_partners: Option<u32>,
    pub new_partners: Option<u32>,
    pub network_meetings: Option<u32>,
    #[serde(default)]
    pub level_changes: Vec<LevelChangeReport>,
}

/// Communication efforts in one channel and language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunicationEffort {
    pub channel: Channel,
    /// A language of the plan (its target groups, translations or communication
    /// targets) or Dutch; absent for efforts in no particular language.
    pub language: Option<LanguageCode>,
    /// How many: posts, flyers, meetings, broadcasts.
    pub count: u32,
    pub estimated_reach: Option<u32>,
    /// Euros.
    pub cost: Option<Amount>,
}

/// Euros spent on one budget line this quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpend {
    pub budget_line_id: Uuid,
    pub amount: Amount,
}

/// Hours spent on one activity this quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursSpent {
    /// An activity the plan has hours for.
    pub activity: Activity,
    pub hours: Amount,
}

/// Budget (*budgettering*): money and hours spent this quarter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    #[serde(default)]
    pub spent: Vec<BudgetSpend>,
    #[serde(default)]
    pub hours: Vec<HoursSpent>,
}

/// The free text of a report; each at most 20000 characters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    pub developments: Option<String>,
    pub obstacles: Option<String>,
    /// Signals from the communities and partners.
    pub signals: Option<String>,
    pub next_quarter: Option<String>,
}

/// Everything a quarterly report says. Every section may be left out (empty).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportContent {
    #[serde(default)]
    pub reach: Reach,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub communication: Vec<CommunicationEffort>,
    #[serde(default)]
    pub budget: Budget,
    #[serde(default)]
    pub narrative: Narrative,
}

/// A line of the plan (or a planned activity) that a report can refer to: what a
/// delete guard asks about, typed, so that renaming a report field cannot silently
/// disable a guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanRef {
    TargetGroup(Uuid),
    BudgetLine(Uuid),
    /// A project partner link, in referrals or in a level change.
    ProjectPartner(Uuid),
    /// Hours spent on a planned activity.
    Activity(Activity),
}

impl ReportContent {
    /// Whether any figure of the report refers to `target`.
    pub fn refers_to(&self, target: PlanRef) -> bool {
        match target {
            PlanRef::TargetGroup(id) => self
                .reach
                .per_target_group
                .iter()
                .any(|r| r.target_group_id == id),
            PlanRef::BudgetLine(id) => self.budget.spent.iter().any(|s| s.budget_line_id == id),
            PlanRef::ProjectPartner(id) => {
                self.reach
                    .per_partner
                    .iter()
                    .any(|p| p.project_partner_id == id)
                    || self
                        .network
                        .level_changes
                        .iter()
                        .any(|c| c.project_partner_id == id)
            }
            PlanRef::Activity(activity) => self.budget.hours.iter().any(|h| h.activity == activity),
        }
    }
}

/// What in the plan a report may refer to.
#[derive(Debug, Default)]
pub struct PlanRefs {
    pub target_groups: HashSet<Uuid>,
    pub budget_lines: HashSet<Uuid>,
    pub partners: HashSet<Uuid>,
    pub activities: HashSet<Activity>,
    pub languages: HashSet<String>,
}

fn count(errors: &mut Errors, pointer: String, value: Option<u32>) {
    if let Some(n) = value
        && n > MAX_COUNT
    {
        errors.push(FieldError::body(
            pointer,
            format!("must be at most {MAX_COUNT}"),
        ));
    }
}

fn once<T: PartialEq>(errors: &mut Errors, items: &[T], i: usize, pointer: String, what: &str) {
    if items[..i].contains(&items[i]) {
        errors.push(FieldError::body(
            pointer,
            format!("{what} appears more than once"),
        ));
    }
}

/// Checks a report against its rules and the plan; every problem is reported at once,
/// with the pointer of the figure. Returns the content with its free text trimmed.
pub fn validate(refs: &PlanRefs, mut content: ReportContent) -> Result<ReportContent, Invalid> {
    let mut errors = Errors::default();
    let lists = [
        (
            "/reach/per_target_group",
            content.reach.per_target_group.len(),
        ),
        ("/reach/per_partner", content.reach.per_partner.len()),
        (
            "/network/level_changes",
            content.network.level_changes.len(),
        ),
        ("/communication", content.communication.len()),
        ("/budget/spent", content.budget.spent.len()),
        ("/budget/hours", content.budget.hours.len()),
    ];
    for (pointer, len) in lists {
        if len > 500 {
            errors.push(FieldError::body(pointer, "must list at most 500 items"));
        }
    }
    errors.finish()?;
    let mut errors = Errors::default();

    let reach = &content.reach;
    let groups: Vec<Uuid> = reach
        .per_target_group
        .iter()
        .map(|r| r.target_group_id)
        .collect();
    for (i, r) in reach.per_target_group.iter().enumerate() {
        let at = format!("/reach/per_target_group/{i}");
        if !refs.target_groups.contains(&r.target_group_id) {
            errors.push(FieldError::body(
                format!("{at}/target_group_id"),
                format!(
                    "{} is not a target group of this project",
                    r.target_group_id
                ),
            ));
        }
        once(
            &mut errors,
            &groups,
            i,
            format!("{at}/target_group_id"),
            "this target group",
        );
        count(&mut errors, format!("{at}/new"), r.new);
        count(&mut errors, format!("{at}/total"), r.total);
        if let (Some(new), Some(total)) = (r.new, r.total)
            && new > total
        {
            errors.push(FieldError::body(
                format!("{at}/new"),
                format!("must not exceed total ({total})"),
            ));
        }
    }
    for (pointer, value) in [
        ("/reach/key_person_contacts", reach.key_person_contacts),
        ("/reach/activity_participants", reach.activity_participants),
        ("/reach/referrals_received", reach.referrals_received),
        ("/reach/referrals_made", reach.referrals_made),
        ("/network/active_partners", content.network.active_partners),
        ("/network/new_partners", content.network.new_partners),
        (
            "/network/network_meetings",
            content.network.network_meetings,
        ),
    ] {
        count(&mut errors, pointer.to_string(), value);
    }
    if let (Some(new), Some(active)) = (
        content.network.new_partners,
        content.network.active_partners,
    ) && new > active
    {
        errors.push(FieldError::body(
            "/network/new_partners",
            format!("must not exceed active_partners ({active})"),
        ));
    }
    let partner_of = |errors: &mut Errors, pointer: String, id: Uuid| {
        if !refs.partners.contains(&id) {
            errors.push(FieldError::body(
                pointer,
                format!("{id} is not a partner of this project"),
            ));
        }
    };
    let referral_partners: Vec<Uuid> = reach
        .per_partner
        .iter()
        .map(|r| r.project_partner_id)
        .collect();
    for (i, r) in reach.per_partner.iter().enumerate() {
        let at = format!("/reach/per_partner/{i}");
        partner_of(
            &mut errors,
            format!("{at}/project_partner_id"),
            r.project_partner_id,
        );
        once(
            &mut errors,
            &referral_partners,
            i,
            format!("{at}/project_partner_id"),
            "this partner",
        );
        count(&mut errors, format!("{at}/received"), r.received);
        count(&mut errors, format!("{at}/made"), r.made);
    }
    let moved: Vec<Uuid> = content
        .network
        .level_changes
        .iter()
        .map(|c| c.project_partner_id)
        .collect();
    for (i, change) in content.network.level_changes.iter().enumerate() {
        let at = format!("/network/level_changes/{i}/project_partner_id");
        partner_of(&mut errors, at.clone(), change.project_partner_id);
        once(&mut errors, &moved, i, at, "this partner");
    }
    let efforts: Vec<(Channel, Option<&str>)> = content
        .communication
        .iter()
        .map(|c| (c.channel, c.language.as_ref().map(LanguageCode::as_str)))
        .collect();
    for (i, effort) in content.communication.iter().enumerate() {
        let at = format!("/communication/{i}");
        if let Some(language) = &effort.language
            && !refs.languages.contains(language.as_str())
        {
            errors.push(FieldError::body(
                format!("{at}/language"),
                format!("{language} is not a language of this project's plan"),
            ));
        }
        once(
            &mut errors,
            &efforts,
            i,
            format!("{at}/channel"),
            "this channel and language",
        );
        count(&mut errors, format!("{at}/count"), Some(effort.count));
        count(
            &mut errors,
            format!("{at}/estimated_reach"),
            effort.estimated_reach,
        );
        if let Some(cost) = effort.cost {
            errors.check(&format!("{at}/cost"), cost.at_most(10_000_000));
        }
    }
    let lines: Vec<Uuid> = content
        .budget
        .spent
        .iter()
        .map(|s| s.budget_line_id)
        .collect();
    for (i, spend) in content.budget.spent.iter().enumerate() {
        let at = format!("/budget/spent/{i}");
        if !refs.budget_lines.contains(&spend.budget_line_id) {
            errors.push(FieldError::body(
                format!("{at}/budget_line_id"),
                format!(
                    "{} is not a budget line of this project",
                    spend.budget_line_id
                ),
            ));
        }
        once(
            &mut errors,
            &lines,
            i,
            format!("{at}/budget_line_id"),
            "this budget line",
        );
        errors.check(&format!("{at}/amount"), spend.amount.at_most(10_000_000));
    }
    let activities: Vec<Activity> = content.budget.hours.iter().map(|h| h.activity).collect();
    for (i, spent) in content.budget.hours.iter().enumerate() {
        let at = format!("/budget/hours/{i}");
        if !refs.activities.contains(&spent.activity) {
            errors.push(FieldError::body(
                format!("{at}/activity"),
                format!("the plan has no hours for {}", spent.activity),
            ));
        }
        once(
            &mut errors,
            &activities,
            i,
            format!("{at}/activity"),
            "this activity",
        );
        errors.check(&format!("{at}/hours"), spent.hours.at_most(10_000));
    }
    let narrative = &mut content.narrative;
    for (pointer, field) in [
        ("/narrative/developments", &mut narrative.developments),
        ("/narrative/obstacles", &mut narrative.obstacles),
        ("/narrative/signals", &mut narrative.signals),
        ("/narrative/next_quarter", &mut narrative.next_quarter),
    ] {
        *field = errors.optional_text(pointer, field.take(), 20000);
    }
    errors.finish()?;
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            (PlanRef::TargetGroup(id(1)), true),
            (PlanRef::TargetGroup(id(2)), false),
            (PlanRef::BudgetLine(id(2)), true),
            (PlanRef::BudgetLine(id(1)), false),
            (PlanRef::ProjectPartner(id(3)), true),
            (PlanRef::ProjectPartner(id(4)), true),
            (PlanRef::ProjectPartner(id(1)), false),
            (PlanRef::Activity(Activity::Outreach), true),
            (PlanRef::Activity(Activity::Coordination), false),
        ] {
            assert_eq!(report.refers_to(target), uses, "{target:?}");
        }
        assert!(!ReportContent::default().refers_to(PlanRef::TargetGroup(id(1))));
    }
}
