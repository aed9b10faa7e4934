//! Roles and what they may do. Handlers ask for a permission, never for a role or for
//! the kind of account, so this table is the one place that says who may do what.

use crate::organisation::AccountKind;

text_enum!(
    /// What a user or API token may do within its account. `coordinator` exists only in
    /// an organisation, `reviewer` only in a funder account.
    Role {
        /// Manages users, API tokens and settings; in an organisation does everything a
        /// coordinator does, in a funder account everything a reviewer does.
        Admin => "admin",
        /// Writes plans and submits quarterly reports (organisations).
        Coordinator => "coordinator",
        /// Accepts and returns the quarterly reports shared with the funder account.
        Reviewer => "reviewer",
        /// Reads.
        Viewer => "viewer",
    }
);

/// An action that needs more than being signed in to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ReadOrganisation,
    ManageOrganisation,
    ManageUsers,
    ManageApiTokens,
    /// Read projects, their plans and reports: an organisation's own, or those shared
    /// with a funder account.
    ReadProjects,
    /// Read the organisation's registers of partners and funders (organisations only:
    /// a funder never sees partners' contact persons).
    ReadRegisters,
    /// Read a project's plan history: who changed which line of the plan (organisations
    /// only; a funder account reads the plan as it stands).
    ReadPlanHistory,
    WriteProjects,
    /// Accept and return quarterly reports (an organisation's admins; a funder account's
    /// reviewers and admins, for the reports it reviews: the database says which).
    ReviewReports,
    /// Reopen a returned or accepted report for correction (an organisation's admins).
    ReopenReports,
    /// Request, accept, refuse and end links between an organisation's funder register
    /// and funder accounts (the admins of either side).
    ManageFunderLinks,
    /// Delete a project (admins): a project is kept once reported; deleting one that was
    /// not is a decision for the organisation, not for a coordinator.
    DeleteProjects,
    /// Read the organisation-wide audit trail (admins).
    ReadAudit,
}

impl Role {
    /// Whether this role, in an account of `kind`, may do `permission`.
    pub fn allows(self, kind: AccountKind, permission: Permission) -> bool {
        use Permission::*;
        match (kind, self) {
            (AccountKind::Organisation, Role::Admin) => true,
            (AccountKind::Organisation, Role::Coordinator) => matches!(
                permission,
                ReadOrganisation | ReadProjects | ReadRegisters | ReadPlanHistory | WriteProjects
            ),
            (AccountKind::Organisation, Role::Viewer) => matches!(
                permission,
                ReadOrganisation | ReadProjects | ReadRegisters | ReadPlanHistory
            ),
            (AccountKind::Funder, Role::Admin) => matches!(
                permission,
                ReadOrganisation
                    | ManageOrganisation
                    | ManageUsers
                    | ManageApiTokens
                    | ReadProjects
                    | ReviewReports
                    | ReadAudit
                    | ManageFunderLinks
            ),
            (AccountKind::Funder, Role::Reviewer) => {
                matches!(permission, ReadOrganisation | ReadProjects | ReviewReports)
            }
            (AccountKind::Funder, Role::Viewer) => {
                matches!(permission, ReadOrganisation | ReadProjects)
            }
            // A role that does not exist in this kind of account (the database refuses
            // to store one) may do nothing.
            (AccountKind::Organisation, Role::Reviewer)
            | (AccountKind::Funder, Role::Coordinator) => false,
        }
    }

    /// Whether the role exists in an account of `kind`.
    pub fn fits(self, kind: AccountKind) -> bool {
        !matches!(
            (kind, self),
            (AccountKind::Organisation, Role::Reviewer) | (AccountKind::Funder, Role::Coordinator)
        )
    }

    /// The role, when it exists in an account of `kind`; otherwise what the field must be.
    pub fn fitting(self, kind: AccountKind) -> Result<Role, String> {
        if self.fits(kind) {
            Ok(self)
        } else {
            Err(match kind {
                AccountKind::Organisation => {
                    "must be admin, coordinator or viewer in an organisation"
                }
                AccountKind::Funder => "must be admin, reviewer or viewer in a funder account",
            }
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_and_viewers_only_read() {
        let org = AccountKind::Organisation;
        assert!(Role::Admin.allows(org, Permission::ManageUsers));
        assert!(!Role::Coordinator.allows(org, Permission::ManageUsers));
        assert!(Role::Coordinator.allows(org, Permission::WriteProjects));
        assert!(!Role::Coordinator.allows(org, Permission::DeleteProjects));
        assert!(Role::Admin.allows(org, Permission::DeleteProjects));
        assert!(!Role::Viewer.allows(org, Permission::WriteProjects));
        assert!(Role::Viewer.allows(org, Permission::ReadProjects));
    }

    #[test]
    fn a_funder_account_reads_and_reviews_but_never_writes_a_plan() {
        let funder = AccountKind::Funder;
        for role in [Role::Admin, Role::Reviewer, Role::Viewer] {
            assert!(role.allows(funder, Permission::ReadProjects), "{role}");
            for never in [
                Permission::WriteProjects,
                Permission::DeleteProjects,
                Permission::ReadRegisters,
                Permission::ReadPlanHistory,
            ] {
                assert!(!role.allows(funder, never), "{role} {never:?}");
            }
        }
        assert!(Role::Reviewer.allows(funder, Permission::ReviewReports));
        assert!(Role::Admin.allows(funder, Permission::ReviewReports));
        assert!(!Role::Viewer.allows(funder, Permission::ReviewReports));
        // Reopening for correction is the organisation's.
        for role in [Role::Admin, Role::Reviewer, Role::Viewer] {
            assert!(!role.allows(funder, Permission::ReopenReports), "{role}");
        }
        assert!(Role::Admin.allows(AccountKind::Organisation, Permission::ReopenReports));
        assert!(Role::Admin.allows(funder, Permission::ManageUsers));
        assert!(!Role::Reviewer.allows(funder, Permission::ManageUsers));
        assert!(Role::Admin.allows(funder, Permission::ManageFunderLinks));
        assert!(!Role::Reviewer.allows(funder, Permission::ManageFunderLinks));
        let org = AccountKind::Organisation;
        assert!(Role::Admin.allows(org, Permission::ManageFunderLinks));
        assert!(!Role::Coordinator.allows(org, Permission::ManageFunderLinks));
    }

    #[test]
    fn a_role_of_the_other_kind_of_account_does_nothing() {
        for permission in [Permission::ReadOrganisation, Permission::ReadProjects] {
            assert!(!Role::Coordinator.allows(AccountKind::Funder, permission));
            assert!(!Role::Reviewer.allows(AccountKind::Organisation, permission));
        }
        assert!(!Role::Coordinator.fits(AccountKind::Funder));
        assert!(!Role::Reviewer.fits(AccountKind::Organisation));
        assert!(Role::Admin.fits(AccountKind::Funder) && Role::Viewer.fits(AccountKind::Funder));
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
        }
        assert!(
            "owner"
                .parse::<Role>()
                .unwrap_err()
                .contains("admin, coordinator, reviewer, viewer")
        );
    }
}
