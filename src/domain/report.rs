//! The vocabulary of quarterly reports: their states and workflow moves.

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
