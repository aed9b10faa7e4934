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

use crate::auth::jwt::{Claims, LEEWAY_SECONDS};
use crate::domain::organisation::AccountKind;
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

/// What a verified access token says, kept until it expires: its signature cannot change,
/// and checking it again costs more than the rest of a small request.
#[derive(Debug, Clone, Copy)]
struct Verified {
    organisation: OrganisationId,
    kind: AccountKind,
    user: UserId,
    session_version: i32,
    expires: i64,
}

/// Users found active a moment ago, with their role and session version, and access
/// tokens whose signature was verified.
#[derive(Debug)]
pub struct Sessions {
    seen: RwLock<HashMap<UserId, Seen>>,
    tokens: RwLock<HashMap<String, Verified>>,
    /// How long a user check is trusted; zero: not at all.
    recheck_after: Duration,
}

impl Sessions {
    pub fn new(recheck_after: Duration) -> Self {
        Sessions {
            seen: RwLock::default(),
            tokens: RwLock::default(),
            recheck_after,
        }
    }

    /// The organisation, user and session version of `token`, if it was verified before
    /// and has not expired (with the leeway verification allows).
    pub fn verified(&self, token: &str) -> Option<(OrganisationId, AccountKind, UserId, i32)> {
        let now = chrono::Utc::now().timestamp();
        let tokens = self.tokens.read().unwrap_or_else(|e| e.into_inner());
        tokens
            .get(token)
            .filter(|v| v.expires.saturating_add(LEEWAY_SECONDS as i64) >= now)
            .map(|v| (v.organisation, v.kind, v.user, v.session_version))
    }

    /// Remembers that `token`, which says `claims`, was verified just now.
    pub fn remember_token(&self, token: &str, claims: &Claims) {
        let now = chrono::Utc::now().timestamp();
        let mut tokens = self.tokens.write().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= CAPACITY {
            tokens.retain(|_, v| v.expires.saturating_add(LEEWAY_SECONDS as i64) >= now);
            if tokens.len() >= CAPACITY {
                tokens.clear();
            }
        }
        tokens.insert(
            token.to_string(),
            Verified {
                organisation: OrganisationId::from_uuid(claims.org),
                kind: claims.knd,
                user: UserId::from_uuid(claims.sub),
                session_version: claims.sv,
                expires: claims.exp,
            },
        );
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
    fn a_verified_token_is_recalled_until_it_expires() {
        let sessions = Sessions::new(RECHECK_AFTER);
        let keys =
            crate::auth::jwt::JwtKeys::new(&[7u8; 32], "iss", "aud", Duration::from_secs(60));
        let (org, user) = ids();
        let token = keys
            .issue(user, (org, AccountKind::Funder), Role::Viewer, 4)
            .unwrap();
        assert_eq!(sessions.verified(&token), None);
        let mut claims = keys.verify(&token).unwrap();
        sessions.remember_token(&token, &claims);
        assert_eq!(
            sessions.verified(&token),
            Some((org, AccountKind::Funder, user, 4))
        );
        assert_eq!(
            sessions.verified(&format!("{token}x")),
            None,
            "only that very token"
        );
        // Expired beyond the leeway: verified again, which refuses it.
        claims.exp = chrono::Utc::now().timestamp() - LEEWAY_SECONDS as i64 - 1;
        sessions.remember_token(&token, &claims);
        assert_eq!(sessions.verified(&token), None);
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
