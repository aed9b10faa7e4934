//! The plan's parts as the API serves them: each part's stored lines are the store's
//! ([`crate::db::plan`]); here each gets the names under which it is routed and
//! documented. The whole-plan document is in [`document`].

mod declare;
pub mod document;

pub use crate::db::plan::{
    budget_lines, evaluation_moments, fund_applications, funders, history, hours, partners, period,
    project_partners, roadmap, summary, target_groups, targets, translation_costs,
};

use crate::db::plan::budget_lines::BudgetLine;
use crate::db::plan::budget_lines::BudgetLines;
use crate::db::plan::evaluation_moments::EvaluationMoment;
use crate::db::plan::evaluation_moments::EvaluationMoments;
use crate::db::plan::fund_applications::FundApplication;
use crate::db::plan::fund_applications::FundApplications;
use crate::db::plan::funders::Funders;
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

declare::plan_parts! {
    /// Each section is an array of lines as for the part's own PUT, plus the line's
    /// `id` (`step` for the roadmap). A line whose `id` is a line of that section of
    /// this project is updated, and a line left out is deleted. Any other line is
    /// created under a new id of the service's (the answer shows it): an `id` sent with
    /// a new line is only a name by which later sections of the same document refer to
    /// it (a fund application's `budget_line_ids`, a target's `target_group_id` or
    /// `budget_line_id`), and is never stored.
    section target_groups: TargetGroups => TargetGroup {
        segment: "target-groups",
        id: "target_group_id",
        plural: "target groups",
        about: "The communities the project aims at (*doelgroepen*), each with the languages to use. Ordered by creation.",
    },
    section hours: Hours => PlannedHours {
        segment: "hours",
        id: "hours_id",
        plural: "planned hours",
        about: "Planned hours (*uren*) per activity and quarter, with the hourly rate that prices them. One line per activity and quarter. Ordered by creation.",
    },
    section budget_lines: BudgetLines => BudgetLine {
        segment: "budget-lines",
        id: "budget_line_id",
        plural: "budget lines",
        about: "The budget (*begroting*): planned euros per category, optionally phased per quarter. A line that a fund application or target refers to cannot be deleted. Ordered by creation.",
    },
    section translation_costs: TranslationCosts => TranslationCost {
        segment: "translation-costs",
        id: "translation_cost_id",
        plural: "translation costs",
        about: "Translation costs (*vertaalkosten*): item, source and target languages, unit, quantity and unit price. The service computes `total` (quantity × unit price, to the cent, for each target language); a client cannot send it. They roll up into the summary's translation category. Ordered by creation.",
    },
    section fund_applications: FundApplications => FundApplication {
        segment: "fund-applications",
        id: "fund_application_id",
        plural: "fund applications",
        about: "Fund applications (*fondsaanvragen*): funder, the budget lines covered, amounts requested and granted, status, dates, reference, conditions and reporting duties. The status moves draft → submitted → granted | partially_granted | rejected, and to withdrawn from draft or submitted; any other move is a 409 whose `allowed` lists the possible statuses. Ordered by creation.",
    },
    section targets: Targets => Target {
        segment: "targets",
        id: "target_id",
        plural: "targets",
        about: "Targets (*doelen*): planned figures per theme (reach per target group, partners at or above a ladder level, communication items per channel or language, hours per activity, spend per budget line or category), per quarter or for the whole project. Ordered by creation.",
    },
    section evaluation_moments: EvaluationMoments => EvaluationMoment {
        segment: "evaluation-moments",
        id: "evaluation_moment_id",
        plural: "evaluation moments",
        about: "Evaluation moments (*evaluatiemomenten*): dated reviews inside the project period, with outcome notes. Ordered by creation.",
    },
    /// Steps to change, by `step`; steps left out stay as they are.
    section roadmap: Roadmap => RoadmapStep {
        segment: "roadmap",
        id: "step",
        plural: "roadmap steps",
        about: "The nine roadmap steps (1 explore why extra attention is needed … 9 carry it out), created with the project, in step order. Steps cannot be added or removed; their status and notes change.",
    },
    register partner_register: Partners {
        segment: "partners",
        id: "partner_id",
        plural: "partners",
        tag: "partners",
        about: "The organisation's partner register, reused across its projects: name, category, notes and optional contact persons (personal data: leave one out to delete it). A partner linked to a project cannot be deleted. Ordered by creation.",
    },
    register funder_register: Funders {
        segment: "funders",
        id: "funder_id",
        plural: "funders",
        tag: "funders",
        about: "The organisation's funder register (*financiers*), reused across its projects: name (one entry per name, whatever its case and spacing), kind, optional KvK number, municipality code and reference, notes and contact persons (personal data: leave one out to delete it). Fund applications name their funder from it; a funder that applications name cannot be deleted. Ordered by creation.",
    },
    section partners: ProjectPartners => ProjectPartner {
        segment: "partners",
        id: "project_partner_id",
        plural: "project partners",
        about: "The project's partners: links to the organisation's partner register with the partner's functions (referrer, referral_target, collaboration_partner, knowledge_partner) and the current and desired collaboration level. Every change of the current level is kept in `level_history` with its date. Ordered by creation.",
    },
}
