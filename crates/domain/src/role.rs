//! Roles and what they may do. Handlers ask for a permission, never for a role, so a
//! new kind of principal (a funder, say) only changes this table.

text_enum!(
    /// What a user or API token may do within its organisation.
    Role {
        /// Manages users, API tokens and settings; does everything a coordinator does.
        Admin => "admin",
        /// Writes plans and submits quarterly reports.
        Coordinator => "coordinator",
        /// Reads.
        Viewer => "viewer",
    }
);

/// An action that needs more than being signed in to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    ReadOrganisation,
    ManageOrganisation,
    ManageUsers,
    ManageApiTokens,
    ReadProjects,
    WriteProjects,
    /// Accept, return and reopen quarterly reports (admins; funders later).
    ReviewReports,
    /// Delete a project (admins): a project is kept once reported; deleting one that was
    /// not is a decision for the organisation, not for a coordinator.
    DeleteProjects,
    /// Read the organisation-wide audit trail (admins).
    ReadAudit,
}

impl Role {
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Coordinator => {
                matches!(permission, ReadOrganisation | ReadProjects | WriteProjects)
            }
            Role::Viewer => matches!(permission, ReadOrganisation | ReadProjects),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_manage_and_viewers_only_read() {
        assert!(Role::Admin.allows(Permission::ManageUsers));
        assert!(!Role::Coordinator.allows(Permission::ManageUsers));
        assert!(Role::Coordinator.allows(Permission::WriteProjects));
        assert!(!Role::Coordinator.allows(Permission::DeleteProjects));
        assert!(Role::Admin.allows(Permission::DeleteProjects));
        assert!(!Role::Viewer.allows(Permission::WriteProjects));
        assert!(Role::Viewer.allows(Permission::ReadProjects));
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
                .contains("admin, coordinator, viewer")
        );
    }
}
