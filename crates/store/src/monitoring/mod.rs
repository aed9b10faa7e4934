//! Quarterly monitoring: reports, their workflow and audit trail ([`reports`]), what
//! progress is computed from ([`progress`]), and what in the plan a report may refer to.

pub mod progress;
pub mod reports;
pub mod worklist;

use std::collections::HashSet;

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;

use crate::Conn;

use crate::domain::plan::{Activity, LanguageCode};
use crate::domain::report::content::{PlanRef, PlanRefs};
use crate::domain::{BudgetLineId, ProjectId, ProjectPartnerId, TargetGroupId};
use crate::error::StoreResult;
use crate::json::JsonDoc;
use crate::schema::{
    budget_lines, planned_hours, project_partners, target_groups, targets, translation_costs,
};
use crate::scope::ProjectScope;
use reports::DueDates;
use uuid::Uuid;

/// Reads what the plan offers, after taking the project's references lock shared (in a
/// transaction that may write): a concurrent delete of a line waits until the report
/// that uses it is stored, and then sees it (409), or the report sees the line gone
/// (422). With `named`, only those of its lines are looked up (the ones a report
/// names: a few, where the plan may have hundreds); the languages are always all. With
/// them the project's due dates, which a report's answer shows. Two statements, the lock
/// and one read of every list, pipelined: one round trip.
pub async fn plan_refs(
    conn: &Conn,
    scope: &ProjectScope,
    named: Option<&[PlanRef]>,
) -> StoreResult<(PlanRefs, DueDates)> {
    use crate::functions::{jsonb_agg, to_jsonb};
    use diesel::sql_types::Bool;
    use diesel::{BoolExpressionMethods, IntoSql};
    use futures_util::future::try_join;
    let (org, project) = (scope.org, scope.project_id());
    let every = named.is_none();
    let pick = |f: fn(&PlanRef) -> Option<Uuid>| -> Vec<Uuid> {
        named.unwrap_or_default().iter().filter_map(f).collect()
    };
    let group_ids = pick(|r| match r {
        PlanRef::TargetGroup(id) => Some(id.as_uuid()),
        _ => None,
    });
    let line_ids = pick(|r| match r {
        PlanRef::BudgetLine(id) => Some(id.as_uuid()),
        _ => None,
    });
    let partner_ids = pick(|r| match r {
        PlanRef::ProjectPartner(id) => Some(id.as_uuid()),
        _ => None,
    });
    let activities: Vec<Activity> = named
        .unwrap_or_default()
        .iter()
        .filter_map(|r| match r {
            PlanRef::Activity(a) => Some(*a),
            _ => None,
        })
        .collect();
    // Every list one subquery of a single statement, after the lock (a statement of its
    // own, so that the reads' snapshot is taken once the lock is held).
    let lock = references_lock(conn, project, Hold::Shared);
    // `$column` of the project's rows of `$table` (those of `$ids` only, unless `every`),
    // as one JSON array: a subquery.
    macro_rules! list_of {
        ($table:ident, $column:ident) => {
            $table::table
                .filter($table::organisation_id.eq(org))
                .filter($table::project_id.eq(project))
                .select(jsonb_agg(to_jsonb($table::$column)))
                .single_value()
        };
        ($table:ident, $column:ident, $ids:expr) => {
            $table::table
                .filter($table::organisation_id.eq(org))
                .filter($table::project_id.eq(project))
                .filter(every.into_sql::<Bool>().or($table::$column.eq_any($ids)))
                .select(jsonb_agg(to_jsonb($table::$column)))
                .single_value()
        };
    }
    let groups = list_of!(target_groups, id, group_ids);
    let group_languages = list_of!(target_groups, languages);
    let sources = list_of!(translation_costs, source_language);
    let translated = list_of!(translation_costs, target_languages);
    let target_languages = list_of!(targets, language);
    let budget_lines = list_of!(budget_lines, id, line_ids);
    let partners = list_of!(project_partners, id, partner_ids);
    let activities = list_of!(planned_hours, activity, activities);
    let read = query!(
        conn,
        diesel::select((
            groups,
            group_languages,
            sources,
            translated,
            target_languages,
            budget_lines,
            partners,
            activities,
            reports::due_days(org),
            reports::live_duties(org, project),
        )),
        get_result
    );
    #[allow(clippy::type_complexity)]
    let (
        (),
        (
            groups,
            group_languages,
            sources,
            translated,
            target_languages,
            budget_lines,
            partners,
            activities,
            days,
            duties,
        ),
    ): (
        (),
        (
            List<TargetGroupId>,
            List<Vec<LanguageCode>>,
            List<LanguageCode>,
            List<Vec<LanguageCode>>,
            List<Option<LanguageCode>>,
            List<BudgetLineId>,
            List<ProjectPartnerId>,
            List<Activity>,
            Option<i32>,
            Option<reports::DutyLists>,
        ),
    ) = try_join(lock, read).await?;
    let due = DueDates::from_parts(days, duties)?;
    let (groups, group_languages, sources, translated, target_languages) = (
        listed(groups),
        listed(group_languages),
        listed(sources),
        listed(translated),
        listed(target_languages),
    );
    let (budget_lines, partners, activities) =
        (listed(budget_lines), listed(partners), listed(activities));
    let mut languages: HashSet<String> = HashSet::from(["nl".to_string()]);
    let codes = group_languages.iter().chain(&translated).flatten();
    languages.extend(codes.chain(&sources).map(|c| c.as_str().to_string()));
    languages.extend(
        target_languages
            .into_iter()
            .flatten()
            .map(|c| c.as_str().to_string()),
    );
    let refs = PlanRefs {
        target_groups: groups.into_iter().collect(),
        budget_lines: budget_lines.into_iter().collect(),
        partners: partners.into_iter().collect(),
        activities: activities.into_iter().collect(),
        languages,
    };
    Ok((refs, due))
}

/// One list of [`plan_refs`]'s statement: a JSON array, `NULL` when there is nothing.
type List<T> = Option<JsonDoc<Vec<T>>>;

fn listed<T>(list: List<T>) -> Vec<T> {
    list.map(|l| l.0).unwrap_or_default()
}

/// How a transaction holds a project's references lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Writing reports, which refer to the plan's lines: any number at once.
    Shared,
    /// Deleting a line a report may refer to: alone.
    Exclusive,
}

/// Takes the project's references lock until the transaction ends (nothing in a read-only
/// one). It keeps what a report refers to in the plan there until the report is stored,
/// without a row lock on every line the report may use: those took a multixact per line
/// whenever two reports of the project were written at once. An advisory lock, keyed by
/// the project: another project that shares the key (one in 2^32) only waits sometimes.
pub fn references_lock(
    conn: &Conn,
    project: ProjectId,
    hold: Hold,
) -> impl std::future::Future<Output = diesel::QueryResult<()>> + Send + '_ {
    use crate::functions::{pg_advisory_xact_lock, pg_advisory_xact_lock_shared};
    let key = lock_key(project);
    let skip = conn.reads_only();
    let mut conn = conn;
    async move {
        if !skip {
            match hold {
                Hold::Shared => {
                    diesel::select(pg_advisory_xact_lock_shared(REFERENCES_LOCK, key))
                        .execute(&mut conn)
                        .await?
                }
                Hold::Exclusive => {
                    diesel::select(pg_advisory_xact_lock(REFERENCES_LOCK, key))
                        .execute(&mut conn)
                        .await?
                }
            };
        }
        Ok(())
    }
}

/// The first key of every project's references lock ("mmrf").
const REFERENCES_LOCK: i32 = 0x6d6d_7266;

/// A project's id folded to the second key.
fn lock_key(project: ProjectId) -> i32 {
    let uuid = project.as_uuid();
    let bytes = uuid.as_bytes();
    let word = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (word(0) ^ word(4) ^ word(8) ^ word(12)) as i32
}
