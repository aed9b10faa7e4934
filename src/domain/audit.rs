//! The vocabulary of the organisation-wide audit trail.

text_enum!(
    /// What an audit event is about.
    AuditEntity {
        /// The organisation's settings.
        Organisation => "organisation",
        User => "user",
        ApiToken => "api_token",
        /// An organisation in the partner register.
        Partner => "partner",
        /// A project; its deletion (its other changes are in the project's history).
        Project => "project",
    }
);
