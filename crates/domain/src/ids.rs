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

// The lines of a project's plan, and the organisation's partner register: each kind of
// line has its own id, so a budget line's id cannot be stored where a target group's
// belongs, nor looked up in the wrong table.
id_type!(
    /// A target group of a project (`target_groups`).
    TargetGroupId
);
id_type!(
    /// A line of planned hours (`planned_hours`).
    HoursId
);
id_type!(
    /// A budget line (`budget_lines`).
    BudgetLineId
);
id_type!(
    /// A translation cost (`translation_costs`).
    TranslationCostId
);
id_type!(
    /// A fund application (`fund_applications`).
    FundApplicationId
);
id_type!(
    /// A target (`targets`).
    TargetId
);
id_type!(
    /// An evaluation moment (`evaluation_moments`).
    EvaluationMomentId
);
id_type!(
    /// A step of a project's roadmap, as stored (`roadmap_steps`); clients name a step
    /// by its number.
    RoadmapStepId
);
id_type!(
    /// A partner of the organisation's register (`partners`).
    PartnerId
);
id_type!(
    /// A funder of the organisation's register (`funders`).
    FunderId
);
id_type!(
    /// A link between a funder of an organisation's register and a funder account
    /// (`funder_links`).
    FunderLinkId
);
id_type!(
    /// A project's link to a partner of the register (`project_partners`).
    ProjectPartnerId
);
id_type!(
    /// An organisation's identity provider: an OpenID issuer whose tokens it trusts.
    IdentityProviderId
);
id_type!(
    /// A webhook endpoint of an account.
    WebhookEndpointId
);
