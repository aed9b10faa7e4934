//! The vocabulary of quarterly reports: their states and workflow moves, and what a
//! report holds ([`content`]).

pub mod content;

text_enum!(
    /// Where a report stands.
    ReportState {
        Draft => "draft",
        Submitted => "submitted",
        Accepted => "accepted",
        /// Sent back with a reason; editable again, like a draft.
        Returned => "returned",
    }
);

impl ReportState {
    /// Whether the figures may change.
    pub fn editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }
}

text_enum!(
    /// A move in a report's workflow.
    ReportAction {
        Submit => "submit",
        Accept => "accept",
        Return => "return",
        Reopen => "reopen",
    }
);

impl ReportAction {
    /// The moves a report in `state` allows.
    pub fn allowed(state: ReportState) -> &'static [ReportAction] {
        use ReportAction::*;
        match state {
            ReportState::Draft | ReportState::Returned => &[Submit],
            ReportState::Submitted => &[Accept, Return, Reopen],
            ReportState::Accepted => &[Reopen],
        }
    }

    /// Where the move leads.
    pub fn target(self) -> ReportState {
        match self {
            ReportAction::Submit => ReportState::Submitted,
            ReportAction::Accept => ReportState::Accepted,
            ReportAction::Return => ReportState::Returned,
            ReportAction::Reopen => ReportState::Draft,
        }
    }

    /// Return and reopen must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, ReportAction::Return | ReportAction::Reopen)
    }

    /// The word in the audit trail.
    pub fn event(self) -> &'static str {
        match self {
            ReportAction::Submit => "submitted",
            ReportAction::Accept => "accepted",
            ReportAction::Return => "returned",
            ReportAction::Reopen => "reopened",
        }
    }
}

text_enum!(
    /// Where a quarter's report stands; `not_started` when there is none yet.
    QuarterState {
        NotStarted => "not_started",
        Draft => "draft",
        Submitted => "submitted",
        Accepted => "accepted",
        Returned => "returned",
    }
);

text_enum!(
    /// One figure of a quarterly report, as a row of a bulk submission names it.
    Figure {
        /// Caregivers reached for the first time; subject: a target group id.
        ReachNew => "reach_new",
        /// Caregivers reached this quarter; subject: a target group id.
        ReachTotal => "reach_total",
        KeyPersonContacts => "key_person_contacts",
        ActivityParticipants => "activity_participants",
        ReferralsReceived => "referrals_received",
        ReferralsMade => "referrals_made",
        /// Subject: a project partner id.
        PartnerReferralsReceived => "partner_referrals_received",
        /// Subject: a project partner id.
        PartnerReferralsMade => "partner_referrals_made",
        ActivePartners => "active_partners",
        NewPartners => "new_partners",
        NetworkMeetings => "network_meetings",
        /// Subject: a project partner id; value: a ladder level.
        LevelChange => "level_change",
        /// Subject: `channel` or `channel/language`.
        CommunicationCount => "communication_count",
        /// Subject: `channel` or `channel/language`.
        CommunicationReach => "communication_reach",
        /// Subject: `channel` or `channel/language`; value: euros.
        CommunicationCost => "communication_cost",
        /// Subject: a budget line id; value: euros.
        Spent => "spent",
        /// Subject: an activity; value: hours.
        HoursSpent => "hours_spent",
        /// Value: text.
        Developments => "developments",
        Obstacles => "obstacles",
        Signals => "signals",
        NextQuarter => "next_quarter",
    }
);
