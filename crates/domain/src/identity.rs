//! Identity providers: which claim names a user, and how a groups or roles claim maps to
//! a role in the organisation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::role::Role;

text_enum!(
    /// The claim of a provider's tokens that names the user.
    UserClaim {
        /// The email address: the user of that address in the organisation.
        Email => "email",
        /// The provider's subject identifier: the user the provider made, or linked.
        Subject => "sub",
    }
);

/// The most rules a provider's role mapping holds.
pub const MAX_RULES: usize = 50;

/// One rule of a role mapping: a value of the roles claim (a group, an app role) and the
/// role it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRule {
    /// A value of the roles claim, compared exactly.
    #[schema(
        example = "mantelzorg-coordinatoren",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub value: String,
    /// The role it gives: `admin`, `coordinator` or `viewer`.
    pub role: Role,
}

/// How much a role of an organisation may do, to pick the most of several.
fn rank(role: Role) -> u8 {
    match role {
        Role::Admin => 3,
        Role::Coordinator | Role::Reviewer => 2,
        Role::Viewer => 1,
    }
}

/// The role a token whose roles claim holds `values` gives: the highest role any rule
/// maps one of them to, else `default` (`None`: no role, so refused).
pub fn role_for<'a>(
    values: impl IntoIterator<Item = &'a str>,
    rules: &[RoleRule],
    default: Option<Role>,
) -> Option<Role> {
    values
        .into_iter()
        .flat_map(|value| rules.iter().filter(move |r| r.value == value))
        .map(|r| r.role)
        .max_by_key(|role| rank(*role))
        .or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(value: &str, role: Role) -> RoleRule {
        RoleRule {
            value: value.into(),
            role,
        }
    }

    #[test]
    fn the_highest_mapped_role_wins_and_the_default_fills_in() {
        let rules = [
            rule("zorg-lezers", Role::Viewer),
            rule("zorg-beheer", Role::Admin),
            rule("zorg-coordinatoren", Role::Coordinator),
        ];
        assert_eq!(
            role_for(["zorg-lezers", "zorg-coordinatoren"], &rules, None),
            Some(Role::Coordinator)
        );
        assert_eq!(
            role_for(["zorg-beheer", "zorg-lezers"], &rules, None),
            Some(Role::Admin)
        );
        assert_eq!(role_for(["iets-anders"], &rules, None), None);
        assert_eq!(
            role_for(["iets-anders"], &rules, Some(Role::Viewer)),
            Some(Role::Viewer)
        );
        assert_eq!(role_for([], &rules, None), None);
        // Exact comparison: no case folding, no prefixes.
        assert_eq!(role_for(["Zorg-Beheer", "zorg"], &rules, None), None);
    }
}
