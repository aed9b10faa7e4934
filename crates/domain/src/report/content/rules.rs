//! The rules of a report's content: counts are whole and at most [`MAX_COUNT`], "new"
//! never exceeds "total", each subject appears once, and every figure refers to
//! something in the plan ([`PlanRefs`]).

use crate::{BudgetLineId, ProjectPartnerId, TargetGroupId};

use super::{MAX_COUNT, MAX_ITEMS, MAX_TEXT, PlanRefs, ReportContent};
use crate::plan::{Activity, Channel, Euros, Hours, LanguageCode};
use crate::validation::{Errors, FieldError, Invalid};

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
        if len > MAX_ITEMS {
            errors.push(FieldError::body(
                pointer,
                format!("must list at most {MAX_ITEMS} items"),
            ));
        }
    }
    errors.finish()?;
    let mut errors = Errors::default();

    let reach = &content.reach;
    let groups: Vec<TargetGroupId> = reach
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
    let partner_of = |errors: &mut Errors, pointer: String, id: ProjectPartnerId| {
        if !refs.partners.contains(&id) {
            errors.push(FieldError::body(
                pointer,
                format!("{id} is not a partner of this project"),
            ));
        }
    };
    let referral_partners: Vec<ProjectPartnerId> = reach
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
    let moved: Vec<ProjectPartnerId> = content
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
            errors.check(&format!("{at}/cost"), cost.at_most(Euros::MAX));
        }
    }
    let lines: Vec<BudgetLineId> = content
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
        errors.check(&format!("{at}/amount"), spend.amount.at_most(Euros::MAX));
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
        errors.check(&format!("{at}/hours"), spent.hours.at_most(Hours::MAX));
    }
    let narrative = &mut content.narrative;
    for (pointer, field) in [
        ("/narrative/developments", &mut narrative.developments),
        ("/narrative/obstacles", &mut narrative.obstacles),
        ("/narrative/signals", &mut narrative.signals),
        ("/narrative/next_quarter", &mut narrative.next_quarter),
    ] {
        *field = errors.optional_text(pointer, field.take(), MAX_TEXT);
    }
    errors.finish()?;
    Ok(content)
}
