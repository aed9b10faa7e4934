//! The vocabulary of the organisation-wide audit trail.

use crate::{ApiTokenId, IdentityProviderId, OrganisationId, UserId};

/// Who acts, for which organisation: what a write records in the histories.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acting {
    pub organisation: OrganisationId,
    pub actor: Actor,
}

/// Who is acting: kept in the audit trail of later changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    User(UserId),
    ApiToken(ApiTokenId),
    /// A service client of an identity provider (a client-credentials token), or the
    /// provider making a user just in time.
    IdentityProvider(IdentityProviderId),
}

impl Actor {
    /// How the actor is recorded in history rows: `user:<id>` or `api_token:<id>`.
    pub fn tag(&self) -> String {
        match self {
            Actor::User(id) => format!("user:{id}"),
            Actor::ApiToken(id) => format!("api_token:{id}"),
            Actor::IdentityProvider(id) => format!("identity_provider:{id}"),
        }
    }
}

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
        /// A funder in the funder register.
        Funder => "funder",
        /// An identity provider the organisation trusts.
        IdentityProvider => "identity_provider",
        /// A webhook endpoint.
        WebhookEndpoint => "webhook_endpoint",
    }
);
