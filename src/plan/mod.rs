//! The plan's parts as the API serves them: each part's stored lines are the store's
//! ([`crate::db::plan`]); here each gets the names under which it is routed and
//! documented. The whole-plan document is in [`document`].

mod declare;
pub mod document;

pub use crate::db::plan::{
    budget_lines, evaluation_moments, fund_applications, history, hours, partners, period,
    project_partners, roadmap, summary, target_groups, targets, translation_costs,
};

use crate::db::plan::budget_lines::BudgetLine;
use crate::db::plan::budget_lines::BudgetLines;
use crate::db::plan::evaluation_moments::EvaluationMoment;
use crate::db::plan::evaluation_moments::EvaluationMoments;
use crate::db::plan::fund_applications::FundApplication;
use crate::db::plan::fund_applications::FundApplications;
use crate::db::plan::hours::Hours;
use crate::db::plan::hours::PlannedHours;
use crate::db::plan::partners::Partners;
use crate::db::plan::project_partners::ProjectPartner;
use crate::db::plan::project_partners::ProjectPartners;
use crate::db::plan::roadmap::Roadmap;
use crate::db::plan::roadmap::RoadmapStep;
use crate::db::plan::target_groups::TargetGroup;
use crate::db::plan::target_groups::TargetGroups;
use crate::db::plan::targets::Target;
use crate::db::plan::targets::Targets;
use crate::db::plan::translation_costs::TranslationCost;
use crate::db::plan::translation_costs::TranslationCosts;
use crate::routes::parts::Part;

declare::plan_parts! {
    /// Each section is an array of lines as for the part's own PUT, plus the line's
    /// `id` (`step` for the roadmap). A line whose `id` is a line of that section of
    /// this project is updated, and a line left out is deleted. Any other line is
    /// created under a new id of the service's (the answer shows it): an `id` sent with
    /// a new line is only a name by which later sections of the same document refer to
    /// it (a fund application's `budget_line_ids`, a target's `target_group_id` or
    /// `budget_line_id`), and is never stored.
    section target_groups: TargetGroups => TargetGroup,
    section hours: Hours => PlannedHours,
    section budget_lines: BudgetLines => BudgetLine,
    section translation_costs: TranslationCosts => TranslationCost,
    section fund_applications: FundApplications => FundApplication,
    section targets: Targets => Target,
    section evaluation_moments: EvaluationMoments => EvaluationMoment,
    /// Steps to change, by `step`; steps left out stay as they are.
    section roadmap: Roadmap => RoadmapStep,
    register partner_register: Partners,
    section partners: ProjectPartners => ProjectPartner,
}

impl Part for TargetGroups {
    const SEGMENT: &'static str = "target-groups";
    const ID_PARAM: &'static str = "target_group_id";
    const PLURAL: &'static str = "target groups";
    const ABOUT: &'static str = "The communities the project aims at (*doelgroepen*), each with the languages to use. Ordered by creation.";
}

impl Part for Hours {
    const SEGMENT: &'static str = "hours";
    const ID_PARAM: &'static str = "hours_id";
    const PLURAL: &'static str = "planned hours";
    const ABOUT: &'static str = "Planned hours (*uren*) per activity and quarter, with the hourly rate that prices them. One line per activity and quarter. Ordered by creation.";
}

impl Part for BudgetLines {
    const SEGMENT: &'static str = "budget-lines";
    const ID_PARAM: &'static str = "budget_line_id";
    const PLURAL: &'static str = "budget lines";
    const ABOUT: &'static str = "The budget (*begroting*): planned euros per category, optionally phased per quarter. A line that a fund application or target refers to cannot be deleted. Ordered by creation.";
}

impl Part for TranslationCosts {
    const SEGMENT: &'static str = "translation-costs";
    const ID_PARAM: &'static str = "translation_cost_id";
    const PLURAL: &'static str = "translation costs";
    const ABOUT: &'static str = "Translation costs (*vertaalkosten*): item, source and target languages, unit, quantity and unit price. The service computes `total` (quantity × unit price, to the cent, for each target language); a client cannot send it. They roll up into the summary's translation category. Ordered by creation.";
}

impl Part for FundApplications {
    const SEGMENT: &'static str = "fund-applications";
    const ID_PARAM: &'static str = "fund_application_id";
    const PLURAL: &'static str = "fund applications";
    const ABOUT: &'static str = "Fund applications (*fondsaanvragen*): funder, the budget lines covered, amounts requested and granted, status, dates, reference, conditions and reporting duties. The status moves draft → submitted → granted | partially_granted | rejected, and to withdrawn from draft or submitted; any other move is a 409 whose `allowed` lists the possible statuses. Ordered by creation.";
}

impl Part for Targets {
    const SEGMENT: &'static str = "targets";
    const ID_PARAM: &'static str = "target_id";
    const PLURAL: &'static str = "targets";
    const ABOUT: &'static str = "Targets (*doelen*): planned figures per theme (reach per target group, partners at or above a ladder level, communication items per channel or language, hours per activity, spend per budget line or category), per quarter or for the whole project. Ordered by creation.";
}

impl Part for EvaluationMoments {
    const SEGMENT: &'static str = "evaluation-moments";
    const ID_PARAM: &'static str = "evaluation_moment_id";
    const PLURAL: &'static str = "evaluation moments";
    const ABOUT: &'static str = "Evaluation moments (*evaluatiemomenten*): dated reviews inside the project period, with outcome notes. Ordered by creation.";
}

impl Part for Roadmap {
    const SEGMENT: &'static str = "roadmap";
    const ID_PARAM: &'static str = "step";
    const PLURAL: &'static str = "roadmap steps";
    const ABOUT: &'static str = "The nine roadmap steps (1 explore why extra attention is needed … 9 carry it out), created with the project, in step order. Steps cannot be added or removed; their status and notes change.";
}

impl Part for ProjectPartners {
    const SEGMENT: &'static str = "partners";
    const ID_PARAM: &'static str = "project_partner_id";
    const PLURAL: &'static str = "project partners";
    const ABOUT: &'static str = "The project's partners: links to the organisation's partner register with the partner's functions (referrer, referral_target, collaboration_partner, knowledge_partner) and the current and desired collaboration level. Every change of the current level is kept in `level_history` with its date. Ordered by creation.";
}

impl Part for Partners {
    const SEGMENT: &'static str = "partners";
    const ID_PARAM: &'static str = "partner_id";
    const PLURAL: &'static str = "partners";
    const TAG: &'static str = "partners";
    const ABOUT: &'static str = "The organisation's partner register, reused across its projects: name, category, notes and optional contact persons (personal data: leave one out to delete it). A partner linked to a project cannot be deleted. Ordered by creation.";
}
