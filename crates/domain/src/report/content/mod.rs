//! What a quarterly report holds, what in the plan it refers to, and (in `rules.rs`,
//! re-exported as [`validate`]) its rules: counts are whole and non-negative, "new"
//! never exceeds "total", and every figure refers to something in the plan.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{BudgetLineId, ProjectPartnerId, TargetGroupId};

use crate::plan::{Activity, Amount, Channel, LanguageCode, Level};

/// The largest count a report accepts (the schema's `maximum` says the same).
pub const MAX_COUNT: u32 = 1_000_000;
/// The most items a list of a report holds (the schema's `maxItems`).
pub const MAX_ITEMS: usize = 500;
/// The most characters of each free text (the schema's `maxLength`).
pub const MAX_TEXT: usize = 20_000;

/// Caregivers reached in one target group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupReach {
    #[schema(value_type = Uuid)]
    pub target_group_id: TargetGroupId,
    /// Reached for the first time this quarter.
    #[schema(maximum = 1_000_000)]
    pub new: Option<u32>,
    /// Reached this quarter, new or not; at least `new`.
    #[schema(maximum = 1_000_000)]
    pub total: Option<u32>,
}

/// Referrals with one project partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerReferrals {
    /// A partner link of the project (`/projects/{id}/partners`).
    #[schema(value_type = Uuid)]
    pub project_partner_id: ProjectPartnerId,
    #[schema(maximum = 1_000_000)]
    pub received: Option<u32>,
    #[schema(maximum = 1_000_000)]
    pub made: Option<u32>,
}

/// Reach (*bereik*).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reach {
    #[serde(default)]
    #[schema(max_items = 500)]
    pub per_target_group: Vec<TargetGroupReach>,
    #[schema(maximum = 1_000_000)]
    pub key_person_contacts: Option<u32>,
    #[schema(maximum = 1_000_000)]
    pub activity_participants: Option<u32>,
    #[schema(maximum = 1_000_000)]
    pub referrals_received: Option<u32>,
    #[schema(maximum = 1_000_000)]
    pub referrals_made: Option<u32>,
    /// Optionally, referrals per partner.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub per_partner: Vec<PartnerReferrals>,
}

/// A move on the collaboration ladder this quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelChangeReport {
    #[schema(value_type = Uuid)]
    pub project_partner_id: ProjectPartnerId,
    pub level: Level,
}

/// The network.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Network {
    #[schema(maximum = 1_000_000)]
    pub active_partners: Option<u32>,
    #[schema(maximum = 1_000_000)]
    pub new_partners: Option<u32>,
    #[schema(maximum = 1_000_000)]
    pub network_meetings: Option<u32>,
    #[serde(default)]
    #[schema(max_items = 500)]
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
    #[schema(maximum = 1_000_000)]
    pub count: u32,
    #[schema(maximum = 1_000_000)]
    pub estimated_reach: Option<u32>,
    #[schema(value_type = Option<crate::plan::Euros>)]
    pub cost: Option<Amount>,
}

/// Euros spent on one budget line this quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpend {
    #[schema(value_type = Uuid)]
    pub budget_line_id: BudgetLineId,
    #[schema(value_type = crate::plan::Euros)]
    pub amount: Amount,
}

/// Hours spent on one activity this quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursSpent {
    /// An activity the plan has hours for.
    pub activity: Activity,
    #[schema(value_type = crate::plan::Hours)]
    pub hours: Amount,
}

/// Budget (*budgettering*): money and hours spent this quarter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Budget {
    #[serde(default)]
    #[schema(max_items = 500)]
    pub spent: Vec<BudgetSpend>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub hours: Vec<HoursSpent>,
}

/// The free text of a report; each at most 20000 characters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    #[schema(max_length = 20000)]
    pub developments: Option<String>,
    #[schema(max_length = 20000)]
    pub obstacles: Option<String>,
    /// Signals from the communities and partners.
    #[schema(max_length = 20000)]
    pub signals: Option<String>,
    #[schema(max_length = 20000)]
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
    #[schema(max_items = 500)]
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
    TargetGroup(TargetGroupId),
    BudgetLine(BudgetLineId),
    /// A project partner link, in referrals or in a level change.
    ProjectPartner(ProjectPartnerId),
    /// Hours spent on a planned activity.
    Activity(Activity),
}

impl ReportContent {
    /// Whether any figure of the report refers to `target`.
    pub fn refers_to(&self, target: PlanRef) -> bool {
        self.references().any(|r| r == target)
    }

    /// Every reference of the report to the plan, in the order of its figures (a line
    /// named twice comes twice).
    pub fn references(&self) -> impl Iterator<Item = PlanRef> + '_ {
        let groups = self.reach.per_target_group.iter();
        let referrals = self.reach.per_partner.iter();
        let levels = self.network.level_changes.iter();
        let spent = self.budget.spent.iter();
        let hours = self.budget.hours.iter();
        groups
            .map(|r| PlanRef::TargetGroup(r.target_group_id))
            .chain(referrals.map(|p| PlanRef::ProjectPartner(p.project_partner_id)))
            .chain(levels.map(|c| PlanRef::ProjectPartner(c.project_partner_id)))
            .chain(spent.map(|s| PlanRef::BudgetLine(s.budget_line_id)))
            .chain(hours.map(|h| PlanRef::Activity(h.activity)))
    }
}

/// What in the plan a report may refer to.
#[derive(Debug, Default)]
pub struct PlanRefs {
    pub target_groups: HashSet<TargetGroupId>,
    pub budget_lines: HashSet<BudgetLineId>,
    pub partners: HashSet<ProjectPartnerId>,
    pub activities: HashSet<Activity>,
    pub languages: HashSet<String>,
}

mod rules;
pub use rules::validate;

#[cfg(test)]
mod tests;
