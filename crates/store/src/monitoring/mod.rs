//! Quarterly monitoring: reports, their workflow and audit trail ([`reports`]), what
//! progress is computed from ([`progress`]), and what in the plan a report may refer to.

pub mod progress;
pub mod reports;

use std::collections::HashSet;

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;

use crate::Conn;

use crate::domain::plan::{Activity, LanguageCode};
use crate::domain::report::content::PlanRefs;
use crate::domain::{BudgetLineId, ProjectPartnerId, TargetGroupId};
use crate::error::StoreResult;
use crate::schema::{
    budget_lines, planned_hours, project_partners, target_groups, targets, translation_costs,
};
use crate::scope::ProjectScope;

/// Reads what the plan offers, holding a key-share lock on those lines until the
/// transaction ends: a concurrent delete of a line waits, and then sees the report
/// that uses it (409), or the report sees the line gone (422).
/// The six reads are pipelined: one round trip.
pub async fn plan_refs(conn: &Conn, scope: &ProjectScope) -> StoreResult<PlanRefs> {
    use futures_util::future::{try_join, try_join3};
    let (org, project) = (scope.org, scope.project_id());
    let groups = locked!(
        conn,
        target_groups::table
            .filter(target_groups::organisation_id.eq(org))
            .filter(target_groups::project_id.eq(project))
            .select((target_groups::id, target_groups::languages)),
        for_key_share,
        load
    );
    let translations = query!(
        conn,
        translation_costs::table
            .filter(translation_costs::organisation_id.eq(org))
            .filter(translation_costs::project_id.eq(project))
            .select((
                translation_costs::source_language,
                translation_costs::target_languages,
            )),
        load
    );
    let target_languages = query!(
        conn,
        targets::table
            .filter(targets::organisation_id.eq(org))
            .filter(targets::project_id.eq(project))
            .select(targets::language),
        load
    );
    let budget_lines = locked!(
        conn,
        budget_lines::table
            .filter(budget_lines::organisation_id.eq(org))
            .filter(budget_lines::project_id.eq(project))
            .select(budget_lines::id),
        for_key_share,
        load
    );
    let partners = locked!(
        conn,
        project_partners::table
            .filter(project_partners::organisation_id.eq(org))
            .filter(project_partners::project_id.eq(project))
            .select(project_partners::id),
        for_key_share,
        load
    );
    let activities = locked!(
        conn,
        planned_hours::table
            .filter(planned_hours::organisation_id.eq(org))
            .filter(planned_hours::project_id.eq(project))
            .select(planned_hours::activity),
        for_key_share,
        load
    );
    #[allow(clippy::type_complexity)]
    let ((groups, translations, target_languages), (budget_lines, partners, activities)): (
        (
            Vec<(TargetGroupId, Vec<LanguageCode>)>,
            Vec<(LanguageCode, Vec<LanguageCode>)>,
            Vec<Option<LanguageCode>>,
        ),
        (Vec<BudgetLineId>, Vec<ProjectPartnerId>, Vec<Activity>),
    ) = try_join(
        try_join3(groups, translations, target_languages),
        try_join3(budget_lines, partners, activities),
    )
    .await?;
    let mut languages: HashSet<String> = HashSet::from(["nl".to_string()]);
    for (_, codes) in &groups {
        languages.extend(codes.iter().map(|c| c.as_str().to_string()));
    }
    for (source, codes) in &translations {
        languages.insert(source.as_str().to_string());
        languages.extend(codes.iter().map(|c| c.as_str().to_string()));
    }
    languages.extend(
        target_languages
            .into_iter()
            .flatten()
            .map(|c| c.as_str().to_string()),
    );
    Ok(PlanRefs {
        target_groups: groups.into_iter().map(|(id, _)| id).collect(),
        budget_lines: budget_lines.into_iter().collect(),
        partners: partners.into_iter().collect(),
        activities: activities.into_iter().collect(),
        languages,
    })
}
