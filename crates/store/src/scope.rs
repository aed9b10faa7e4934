//! What a query runs within: the caller's organisation, or one of its projects. Two
//! types, so that a project query cannot be handed an organisation-wide scope.

use crate::Conn;
use chrono::NaiveDate;
use diesel::QueryResult;

use crate::domain::{OrganisationId, ProjectId};
use crate::models::project::{self, Project};

/// Whose rows a read reaches: an organisation's own, or those an organisation shares
/// with a funder account (its accepted links, the projects that applied to that funder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The organisation's own rows.
    Own(OrganisationId),
    /// What is shared with this funder account.
    Shared(OrganisationId),
}

/// The caller's organisation: its partner register and other organisation-wide lines.
#[derive(Debug, Clone, Copy)]
pub struct OrgScope {
    pub org: OrganisationId,
}

/// A project of the caller's organisation, read under a share lock: its lines can be
/// written and checked against its period, which cannot change until the transaction
/// ends.
#[derive(Debug, Clone)]
pub struct ProjectScope {
    pub org: OrganisationId,
    project: Project,
}

impl ProjectScope {
    /// The scope of a project the transaction already holds a lock on.
    pub fn new(project: Project) -> Self {
        ProjectScope {
            org: project.organisation_id,
            project,
        }
    }

    /// The project `id` of `org` under a share lock; `NotFound` when it is not there
    /// (or not the organisation's).
    pub async fn share(conn: &mut Conn, org: OrganisationId, id: ProjectId) -> QueryResult<Self> {
        project::share(conn, org, id).await.map(Self::new)
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn project_id(&self) -> ProjectId {
        self.project.id
    }

    /// The project period, `(start, end)`.
    pub fn period(&self) -> (NaiveDate, NaiveDate) {
        (self.project.start_date, self.project.end_date)
    }
}
