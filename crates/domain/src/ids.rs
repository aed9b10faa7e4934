//! Typed ids: an `OrganisationId` can never be passed where a `ProjectId` is expected.

id_type!(
    /// An organisation (tenant).
    OrganisationId
);
id_type!(
    /// A user of an organisation.
    UserId
);
id_type!(
    /// An API token of an organisation, for integrations.
    ApiTokenId
);
id_type!(
    /// A project of an organisation.
    ProjectId
);
