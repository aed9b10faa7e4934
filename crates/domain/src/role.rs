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
    /// Read projects and their plans: an organisation's own, or those shared with a
    /// funder account.
    ReadPlans,
    /// Read the organisation's registers of partners and funders (organisations only:
    /// a funder never sees partners' contact persons).
    ReadRegisters,
    /// Read a project's plan history: who changed which line of the plan (organisations
    /// only; a funder account reads the plan as it stands).
    ReadPlanHistory,
    /// Create and change projects, their plans and the registers.
    WritePlans,
    /// Read quarterly reports, their history, progress and the work lists.
    ReadReports,
    /// Write draft quarterly reports and their figures.
    WriteReports,
    /// Submit a quarterly report for review.
    SubmitReports,
    /// Accept and return quarterly reports (an organisation's admins; a funder account's
    /// reviewers and admins, for the reports it reviews: the database says which).
    ReviewReports,
    /// Reopen a returned or accepted report for correction (an organisation's admins).
    ReopenReports,
    /// Download the figures as CSV or Excel.
    ReadExports,
    /// Request, accept, refuse and end links between an organisation's funder register
    /// and funder accounts (the admins of either side).
    ManageFunderLinks,
    /// Delete a project (admins): a project is kept once reported; deleting one that was
    /// not is a decision for the organisation, not for a coordinator.
    DeleteProjects,
    /// Read the organisation-wide audit trail (admins).
    ReadAudit,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::ReadOrganisation,
        Permission::ManageOrganisation,
        Permission::ManageUsers,
        Permission::ManageApiTokens,
        Permission::ReadPlans,
        Permission::ReadRegisters,
        Permission::ReadPlanHistory,
        Permission::WritePlans,
        Permission::ReadReports,
        Permission::WriteReports,
        Permission::SubmitReports,
        Permission::ReviewReports,
        Permission::ReopenReports,
        Permission::ReadExports,
        Permission::ManageFunderLinks,
        Permission::DeleteProjects,
        Permission::ReadAudit,
    ];

    /// The scope an API token needs for this, besides a role that allows it. Reading
    /// the account itself (its name, settings, links and the vocabularies) needs none.
    pub const fn scope(self) -> Option<Scope> {
        use Permission::*;
        Some(match self {
            ReadOrganisation => return None,
            ReadPlans | ReadRegisters | ReadPlanHistory => Scope::PlansRead,
            WritePlans | DeleteProjects => Scope::PlansWrite,
            ReadReports => Scope::ReportsRead,
            WriteReports => Scope::ReportsWrite,
            SubmitReports => Scope::ReportsSubmit,
            ReviewReports | ReopenReports => Scope::ReportsReview,
            ReadExports => Scope::ExportsRead,
            ManageOrganisation | ManageUsers | ManageApiTokens | ManageFunderLinks | ReadAudit => {
                Scope::Admin
            }
        })
    }
}

text_enum!(
    /// What an API token may do, within what its role allows.
    Scope {
        /// Read projects and their plans (an organisation's tokens also the registers and
        /// the plan history).
        PlansRead => "plans:read",
        /// Create, change and delete projects, their plans and the registers.
        PlansWrite => "plans:write",
        /// Read quarterly reports, their history, progress and the work lists.
        ReportsRead => "reports:read",
        /// Write draft quarterly reports and send figures in bulk.
        ReportsWrite => "reports:write",
        /// Submit quarterly reports for review.
        ReportsSubmit => "reports:submit",
        /// Accept and return quarterly reports (and, in an organisation, reopen them).
        ReportsReview => "reports:review",
        /// Download the figures as CSV or Excel.
        ExportsRead => "exports:read",
        /// Settings, users, API tokens, funder links and the audit trail.
        Admin => "admin",
    }
);

/// A set of scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scopes(u16);

impl Scopes {
    /// Every scope: what a signed-in user holds (the role alone limits them).
    pub const ALL: Scopes = Scopes((1 << Scope::ALL.len()) - 1);

    pub const fn contains(self, scope: Scope) -> bool {
        self.0 & Self::bit(scope) != 0
    }

    pub const fn with(self, scope: Scope) -> Scopes {
        Scopes(self.0 | Self::bit(scope))
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every scope of `self` is in `other`.
    pub const fn within(self, other: Scopes) -> bool {
        self.0 & !other.0 == 0
    }

    pub const fn intersect(self, other: Scopes) -> Scopes {
        Scopes(self.0 & other.0)
    }

    /// The scopes, in the order of [`Scope::ALL`].
    pub fn iter(self) -> impl Iterator<Item = Scope> {
        Scope::ALL
            .iter()
            .copied()
            .filter(move |s| self.contains(*s))
    }

    /// The scopes `asked` as a set, each checked: named once, within `allowed` (what the
    /// role or account may do, `why_not_allowed` saying so), within `held` (what the
    /// caller holds). The problems by index in `asked`.
    pub fn checked(
        asked: &[Scope],
        allowed: Scopes,
        why_not_allowed: &str,
        held: Scopes,
    ) -> (Scopes, Vec<(usize, String)>) {
        let mut seen = Scopes::default();
        let mut problems = Vec::new();
        for (i, scope) in asked.iter().enumerate() {
            if seen.contains(*scope) {
                problems.push((i, format!("names {scope} a second time")));
            } else if !allowed.contains(*scope) {
                problems.push((i, format!("{scope} is more than {why_not_allowed}")));
            } else if !held.contains(*scope) {
                problems.push((
                    i,
                    format!(
                        "{scope} is more than you hold: nothing made can do more than its maker"
                    ),
                ));
            }
            seen = seen.with(*scope);
        }
        (seen, problems)
    }

    const fn bit(scope: Scope) -> u16 {
        1 << scope as u16
    }
}

impl FromIterator<Scope> for Scopes {
    fn from_iter<I: IntoIterator<Item = Scope>>(scopes: I) -> Self {
        scopes.into_iter().fold(Scopes::default(), Scopes::with)
    }
}

impl Role {
    /// Whether this role, in an account of `kind`, may do `permission`.
    pub fn allows(self, kind: AccountKind, permission: Permission) -> bool {
        use Permission::*;
        let reads = matches!(
            permission,
            ReadOrganisation | ReadPlans | ReadReports | ReadExports
        );
        match (kind, self) {
            (AccountKind::Organisation, Role::Admin) => true,
            (AccountKind::Organisation, Role::Coordinator) => {
                reads
                    || matches!(
                        permission,
                        ReadRegisters | ReadPlanHistory | WritePlans | WriteReports | SubmitReports
                    )
            }
            (AccountKind::Organisation, Role::Viewer) => {
                reads || matches!(permission, ReadRegisters | ReadPlanHistory)
            }
            (AccountKind::Funder, Role::Admin) => {
                reads
                    || matches!(
                        permission,
                        ManageOrganisation
                            | ManageUsers
                            | ManageApiTokens
                            | ReviewReports
                            | ReadAudit
                            | ManageFunderLinks
                    )
            }
            (AccountKind::Funder, Role::Reviewer) => reads || permission == ReviewReports,
            (AccountKind::Funder, Role::Viewer) => reads,
            // A role that does not exist in this kind of account (the database refuses
            // to store one) may do nothing.
            (AccountKind::Organisation, Role::Reviewer)
            | (AccountKind::Funder, Role::Coordinator) => false,
        }
    }

    /// The scopes that mean something for this role in an account of `kind`: those of
    /// the permissions it has. An API token of the role holds at most these.
    pub fn scopes(self, kind: AccountKind) -> Scopes {
        Permission::ALL
            .iter()
            .filter(|p| self.allows(kind, **p))
            .filter_map(|p| p.scope())
            .collect()
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
        assert!(Role::Coordinator.allows(org, Permission::WritePlans));
        assert!(Role::Coordinator.allows(org, Permission::SubmitReports));
        assert!(!Role::Coordinator.allows(org, Permission::DeleteProjects));
        assert!(Role::Admin.allows(org, Permission::DeleteProjects));
        assert!(!Role::Viewer.allows(org, Permission::WritePlans));
        assert!(!Role::Viewer.allows(org, Permission::WriteReports));
        assert!(Role::Viewer.allows(org, Permission::ReadPlans));
        assert!(Role::Viewer.allows(org, Permission::ReadExports));
    }

    #[test]
    fn a_funder_account_reads_and_reviews_but_never_writes_a_plan() {
        let funder = AccountKind::Funder;
        for role in [Role::Admin, Role::Reviewer, Role::Viewer] {
            assert!(role.allows(funder, Permission::ReadPlans), "{role}");
            assert!(role.allows(funder, Permission::ReadReports), "{role}");
            for never in [
                Permission::WritePlans,
                Permission::WriteReports,
                Permission::SubmitReports,
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
        for permission in [Permission::ReadOrganisation, Permission::ReadPlans] {
            assert!(!Role::Coordinator.allows(AccountKind::Funder, permission));
            assert!(!Role::Reviewer.allows(AccountKind::Organisation, permission));
        }
        assert!(!Role::Coordinator.fits(AccountKind::Funder));
        assert!(!Role::Reviewer.fits(AccountKind::Organisation));
        assert!(Role::Admin.fits(AccountKind::Funder) && Role::Viewer.fits(AccountKind::Funder));
    }

    #[test]
    fn a_role_s_scopes_are_those_of_its_permissions() {
        use Scope::*;
        let org = AccountKind::Organisation;
        let funder = AccountKind::Funder;
        let of = |role: Role, kind| role.scopes(kind).iter().collect::<Vec<_>>();
        assert_eq!(Role::Admin.scopes(org), Scopes::ALL);
        assert_eq!(
            of(Role::Coordinator, org),
            [
                PlansRead,
                PlansWrite,
                ReportsRead,
                ReportsWrite,
                ReportsSubmit,
                ExportsRead
            ]
        );
        assert_eq!(of(Role::Viewer, org), [PlansRead, ReportsRead, ExportsRead]);
        assert_eq!(
            of(Role::Admin, funder),
            [PlansRead, ReportsRead, ReportsReview, ExportsRead, Admin]
        );
        assert_eq!(
            of(Role::Reviewer, funder),
            [PlansRead, ReportsRead, ReportsReview, ExportsRead]
        );
        assert_eq!(
            of(Role::Viewer, funder),
            [PlansRead, ReportsRead, ExportsRead]
        );
        assert!(Role::Coordinator.scopes(funder).is_empty());
    }

    #[test]
    fn every_permission_but_reading_the_account_needs_a_scope_a_role_can_hold() {
        for permission in Permission::ALL {
            match permission.scope() {
                None => assert_eq!(*permission, Permission::ReadOrganisation),
                Some(scope) => assert!(
                    Role::Admin
                        .scopes(AccountKind::Organisation)
                        .contains(scope),
                    "{permission:?}"
                ),
            }
        }
    }

    #[test]
    fn scope_sets_hold_what_is_put_in() {
        let set: Scopes = [Scope::ReportsWrite, Scope::PlansRead, Scope::ReportsWrite]
            .into_iter()
            .collect();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Scope::PlansRead, Scope::ReportsWrite]
        );
        assert!(set.within(Scopes::ALL) && !Scopes::ALL.within(set));
        assert!(!set.contains(Scope::ReportsSubmit));
        assert_eq!(Scopes::ALL.iter().count(), Scope::ALL.len());
        assert_eq!(
            set.intersect([Scope::PlansRead].into_iter().collect()),
            [Scope::PlansRead].into_iter().collect()
        );
    }

    #[test]
    fn asked_scopes_are_checked_once_each_against_what_is_allowed_and_held() {
        use Scope::*;
        let allowed: Scopes = [PlansRead, PlansWrite, ReportsRead].into_iter().collect();
        let held: Scopes = [PlansRead, ReportsRead].into_iter().collect();
        let (set, problems) = Scopes::checked(
            &[PlansRead, PlansRead, Admin, PlansWrite, ReportsRead],
            allowed,
            "the role viewer may do",
            held,
        );
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [PlansRead, PlansWrite, ReportsRead, Admin]
        );
        let at: Vec<usize> = problems.iter().map(|(i, _)| *i).collect();
        assert_eq!(at, [1, 2, 3]);
        assert!(problems[0].1.contains("second time"));
        assert!(problems[1].1.contains("the role viewer may do"));
        assert!(problems[2].1.contains("more than you hold"));
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
