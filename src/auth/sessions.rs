//! The user check of an access token, remembered for a moment.
//!
//! Every request with an access token must find its user still active, with the role it
//! has now and the session version the token was signed for (a password change or a
//! deactivation raises it). Asking Postgres on every request costs a transaction of its
//! own; here the answer is kept for a moment (`MANTELMONITOR_USER_RECHECK_MS`, 500 ms
//! by default, at most a second), keyed by the session version, so a token ended by a
//! change made through this process ends at once (the change forgets the user), and one
//! ended elsewhere (another instance, the CLI) ends within that time.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::domain::{OrganisationId, Role, UserId};

/// Entries kept at most; beyond it the stale ones go, and if that is not enough, all.
const CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Seen {
    organisation: OrganisationId,
    session_version: i32,
    role: Role,
    at: Instant,
}

/// Users found active a moment ago, with their role and session version.
#[derive(Debug)]
pub struct Sessions {
    seen: RwLock<HashMap<UserId, Seen>>,
    /// How long a user check is trusted; zero: not at all.
    recheck_after: Duration,
}

impl Sessions {
    pub fn new(recheck_after: Duration) -> Self {
        Sessions {
            seen: RwLock::default(),
            recheck_after,
        }
    }

    /// The role of `user`, if they were found active in `organisation` with
    /// `session_version` less than the recheck time ago.
    pub fn recall(
        &self,
        organisation: OrganisationId,
        user: UserId,
        session_version: i32,
    ) -> Option<Role> {
        let seen = self.seen.read().unwrap_or_else(|e| e.into_inner());
        seen.get(&user)
            .filter(|s| {
                s.organisation == organisation
                    && s.session_version == session_version
                    && s.at.elapsed() < self.recheck_after
            })
            .map(|s| s.role)
    }

    /// Remembers that `user` was found active just now.
    pub fn remember(
        &self,
        organisation: OrganisationId,
        user: UserId,
        session_version: i32,
        role: Role,
    ) {
        if self.recheck_after.is_zero() {
            return;
        }
        let mut seen = self.seen.write().unwrap_or_else(|e| e.into_inner());
        if seen.len() >= CAPACITY {
            seen.retain(|_, s| s.at.elapsed() < self.recheck_after);
            if seen.len() >= CAPACITY {
                seen.clear();
            }
        }
        seen.insert(
            user,
            Seen {
                organisation,
                session_version,
                role,
                at: Instant::now(),
            },
        );
    }

    /// Forgets `user`: their next request is checked against the database. Called after
    /// every change to a user (role, activity, password, removal).
    pub fn forget(&self, user: UserId) {
        self.seen
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECHECK_AFTER: Duration = Duration::from_millis(500);

    fn ids() -> (OrganisationId, UserId) {
        (
            OrganisationId::from_uuid(uuid::Uuid::new_v4()),
            UserId::from_uuid(uuid::Uuid::new_v4()),
        )
    }

    #[test]
    fn a_user_check_is_recalled_only_for_the_same_organisation_and_session_version() {
        let sessions = Sessions::new(RECHECK_AFTER);
        let (org, user) = ids();
        assert_eq!(sessions.recall(org, user, 3), None);
        sessions.remember(org, user, 3, Role::Coordinator);
        assert_eq!(sessions.recall(org, user, 3), Some(Role::Coordinator));
        assert_eq!(
            sessions.recall(org, user, 4),
            None,
            "a newer session version"
        );
        assert_eq!(sessions.recall(org, user, 2), None, "an ended session");
        let (other_org, _) = ids();
        assert_eq!(sessions.recall(other_org, user, 3), None);
    }

    #[test]
    fn a_forgotten_or_stale_user_check_is_asked_again() {
        let sessions = Sessions::new(RECHECK_AFTER);
        let (org, user) = ids();
        sessions.remember(org, user, 0, Role::Admin);
        sessions.forget(user);
        assert_eq!(sessions.recall(org, user, 0), None);
        sessions.remember(org, user, 0, Role::Admin);
        std::thread::sleep(RECHECK_AFTER + Duration::from_millis(20));
        assert_eq!(sessions.recall(org, user, 0), None);
    }

    #[test]
    fn with_no_recheck_time_nothing_is_remembered() {
        let sessions = Sessions::new(Duration::ZERO);
        let (org, user) = ids();
        sessions.remember(org, user, 0, Role::Admin);
        assert_eq!(sessions.recall(org, user, 0), None);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let sessions = Sessions::new(RECHECK_AFTER);
        let org = OrganisationId::from_uuid(uuid::Uuid::new_v4());
        for _ in 0..CAPACITY + 5 {
            let user = UserId::from_uuid(uuid::Uuid::new_v4());
            sessions.remember(org, user, 0, Role::Viewer);
        }
        let len = sessions.seen.read().unwrap().len();
        assert!(len <= CAPACITY, "{len} entries");
    }
}
