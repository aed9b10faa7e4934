//! What integrations hear of: the events of the change feed and the webhooks.

text_enum!(
    /// The kind of an event.
    EventType {
        /// A quarterly report was submitted for review.
        ReportSubmitted => "report.submitted",
        /// A submitted report was accepted.
        ReportAccepted => "report.accepted",
        /// A submitted report was returned for changes.
        ReportReturned => "report.returned",
        /// A returned or accepted report was reopened for correction.
        ReportReopened => "report.reopened",
        /// A quarter's report is past its due date and not submitted (found by a
        /// scheduled check, once per quarter).
        ReportOverdue => "report.overdue",
        /// Something in a project's plan changed (one event per project and write).
        PlanChanged => "plan.changed",
        /// A fund application's status changed.
        FundApplicationStatusChanged => "fund_application.status_changed",
        /// An organisation asked a funder account to link.
        FunderLinkRequested => "funder_link.requested",
        /// The funder account accepted the link.
        FunderLinkAccepted => "funder_link.accepted",
        /// The funder account refused the link.
        FunderLinkRefused => "funder_link.refused",
        /// Either side ended the link.
        FunderLinkEnded => "funder_link.ended",
    }
);
