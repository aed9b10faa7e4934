//! Applying parsed rows to a report: each sets one figure, replacing what was there,
//! and marks where it landed, so that a problem the report's rules find later names
//! the row and column it came from.

use uuid::Uuid;

use crate::domain::{BudgetLineId, ProjectPartnerId, TargetGroupId};

use super::{Origin, Row, Subject, Value};
use crate::domain::plan::Amount;
use crate::domain::report::Figure;
use crate::error::FieldError;
use crate::monitoring::content::{
    BudgetSpend, CommunicationEffort, LevelChangeReport, PartnerReferrals, ReportContent,
    TargetGroupReach,
};

/// Where in a report each row landed, to name the row for a problem found later.
#[derive(Default)]
pub struct Landing(Vec<(String, Origin, &'static str)>);

impl Landing {
    fn mark(&mut self, pointer: String, origin: Origin, column: &'static str) {
        self.0.push((pointer, origin, column));
    }

    /// The row and column behind a pointer into the report, or `fallback`.
    pub fn locate(&self, error: &FieldError, fallback: Origin) -> FieldError {
        let pointer = error.pointer.as_deref().unwrap_or_default();
        self.0
            .iter()
            .filter(|(p, _, _)| pointer.starts_with(p.as_str()))
            .max_by_key(|(p, _, _)| p.len())
            .map(|(_, origin, column)| origin.error(column, error.message.clone()))
            .unwrap_or_else(|| fallback.error("quarter", error.message.clone()))
    }
}

fn slot<T>(list: &mut Vec<T>, matches: impl Fn(&T) -> bool, make: impl FnOnce() -> T) -> usize {
    match list.iter().position(matches) {
        Some(i) => i,
        None => {
            list.push(make());
            list.len() - 1
        }
    }
}

/// Applies a row to a report: the figure is set, replacing what was there.
pub fn apply(content: &mut ReportContent, row: &Row, landing: &mut Landing) {
    use Figure::*;
    let o = row.origin;
    let as_count = |v: &Value| match v {
        Value::Count(n) => Some(*n),
        _ => None,
    };
    let as_amount = |v: &Value| match v {
        Value::Amount(a) => *a,
        _ => Amount::ZERO,
    };
    // The figure says what kind of line its subject's id names.
    let id = match row.subject {
        Subject::Id(id) => id,
        _ => Uuid::nil(),
    };
    let (group, link, line) = (
        TargetGroupId::from(id),
        ProjectPartnerId::from(id),
        BudgetLineId::from(id),
    );
    match row.figure {
        ReachNew | ReachTotal => {
            let list = &mut content.reach.per_target_group;
            let i = slot(
                list,
                |r| r.target_group_id == group,
                || TargetGroupReach {
                    target_group_id: group,
                    new: None,
                    total: None,
                },
            );
            let (field, target) = if row.figure == ReachNew {
                ("new", &mut list[i].new)
            } else {
                ("total", &mut list[i].total)
            };
            *target = as_count(&row.value);
            landing.mark(
                format!("/reach/per_target_group/{i}/target_group_id"),
                o,
                "subject",
            );
            landing.mark(format!("/reach/per_target_group/{i}/{field}"), o, "value");
        }
        PartnerReferralsReceived | PartnerReferralsMade => {
            let list = &mut content.reach.per_partner;
            let i = slot(
                list,
                |r| r.project_partner_id == link,
                || PartnerReferrals {
                    project_partner_id: link,
                    received: None,
                    made: None,
                },
            );
            let (field, target) = if row.figure == PartnerReferralsReceived {
                ("received", &mut list[i].received)
            } else {
                ("made", &mut list[i].made)
            };
            *target = as_count(&row.value);
            landing.mark(
                format!("/reach/per_partner/{i}/project_partner_id"),
                o,
                "subject",
            );
            landing.mark(format!("/reach/per_partner/{i}/{field}"), o, "value");
        }
        LevelChange => {
            if let Value::Level(level) = row.value {
                let list = &mut content.network.level_changes;
                let i = slot(
                    list,
                    |c| c.project_partner_id == link,
                    || LevelChangeReport {
                        project_partner_id: link,
                        level,
                    },
                );
                list[i].level = level;
                landing.mark(format!("/network/level_changes/{i}"), o, "subject");
            }
        }
        CommunicationCount | CommunicationReach | CommunicationCost => {
            if let Subject::Channel(channel, language) = &row.subject {
                let list = &mut content.communication;
                let i = slot(
                    list,
                    |e| e.channel == *channel && e.language == *language,
                    || CommunicationEffort {
                        channel: *channel,
                        language: language.clone(),
                        count: 0,
                        estimated_reach: None,
                        cost: None,
                    },
                );
                let field = match row.figure {
                    CommunicationCount => {
                        list[i].count = as_count(&row.value).unwrap_or_default();
                        "count"
                    }
                    CommunicationReach => {
                        list[i].estimated_reach = as_count(&row.value);
                        "estimated_reach"
                    }
                    _ => {
                        list[i].cost = Some(as_amount(&row.value));
                        "cost"
                    }
                };
                landing.mark(format!("/communication/{i}/language"), o, "subject");
                landing.mark(format!("/communication/{i}/channel"), o, "subject");
                landing.mark(format!("/communication/{i}/{field}"), o, "value");
            }
        }
        Spent => {
            let list = &mut content.budget.spent;
            let i = slot(
                list,
                |s| s.budget_line_id == line,
                || BudgetSpend {
                    budget_line_id: line,
                    amount: Amount::ZERO,
                },
            );
            list[i].amount = as_amount(&row.value);
            landing.mark(format!("/budget/spent/{i}/budget_line_id"), o, "subject");
            landing.mark(format!("/budget/spent/{i}/amount"), o, "value");
        }
        HoursSpent => {
            if let Subject::Activity(activity) = row.subject {
                let list = &mut content.budget.hours;
                let i = slot(
                    list,
                    |h| h.activity == activity,
                    || crate::monitoring::content::HoursSpent {
                        activity,
                        hours: Amount::ZERO,
                    },
                );
                list[i].hours = as_amount(&row.value);
                landing.mark(format!("/budget/hours/{i}/activity"), o, "subject");
                landing.mark(format!("/budget/hours/{i}/hours"), o, "value");
            }
        }
        KeyPersonContacts => set(
            &mut content.reach.key_person_contacts,
            row,
            landing,
            "/reach/key_person_contacts",
        ),
        ActivityParticipants => set(
            &mut content.reach.activity_participants,
            row,
            landing,
            "/reach/activity_participants",
        ),
        ReferralsReceived => set(
            &mut content.reach.referrals_received,
            row,
            landing,
            "/reach/referrals_received",
        ),
        ReferralsMade => set(
            &mut content.reach.referrals_made,
            row,
            landing,
            "/reach/referrals_made",
        ),
        ActivePartners => set(
            &mut content.network.active_partners,
            row,
            landing,
            "/network/active_partners",
        ),
        NewPartners => set(
            &mut content.network.new_partners,
            row,
            landing,
            "/network/new_partners",
        ),
        NetworkMeetings => set(
            &mut content.network.network_meetings,
            row,
            landing,
            "/network/network_meetings",
        ),
        Developments | Obstacles | Signals | NextQuarter => {
            let narrative = &mut content.narrative;
            let (field, target) = match row.figure {
                Developments => ("developments", &mut narrative.developments),
                Obstacles => ("obstacles", &mut narrative.obstacles),
                Signals => ("signals", &mut narrative.signals),
                _ => ("next_quarter", &mut narrative.next_quarter),
            };
            *target = match &row.value {
                Value::Text(t) if !t.is_empty() => Some(t.clone()),
                _ => None,
            };
            landing.mark(format!("/narrative/{field}"), o, "value");
        }
    }
}

fn set(target: &mut Option<u32>, row: &Row, landing: &mut Landing, pointer: &str) {
    if let Value::Count(n) = row.value {
        *target = Some(n);
    }
    landing.mark(pointer.to_string(), row.origin, "value");
}
