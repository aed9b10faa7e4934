//! Rate limits on sign-in (per account, per client address) and, when switched on, on
//! every authenticated request (per user or API token), on `governor`'s keyed GCRA
//! limiters. Answers follow the IETF httpapi RateLimit header fields draft (-11):
//! `RateLimit-Policy: "login-address";q=20;w=60` and `RateLimit: "login-address";r=0;t=3`.

use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use super::Actor;
use crate::config::{Rate, Settings};

/// A limit that was reached: what the 429 answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    /// The policy's name in the RateLimit headers.
    pub policy: &'static str,
    /// What was limited, for the problem's `detail`.
    pub what: &'static str,
    /// Requests allowed per window.
    pub quota: u32,
    /// The window, in seconds.
    pub window: u64,
    /// Seconds until the next request is allowed (at least 1).
    pub retry_after: u64,
}

impl Limited {
    /// `RateLimit-Policy` field value.
    pub fn policy_header(&self) -> String {
        format!("\"{}\";q={};w={}", self.policy, self.quota, self.window)
    }

    /// `RateLimit` field value: nothing left until `retry_after`.
    pub fn limit_header(&self) -> String {
        format!("\"{}\";r=0;t={}", self.policy, self.retry_after)
    }
}

/// One keyed limiter with its policy.
struct Limiter<K: Hash + Eq + Clone> {
    policy: &'static str,
    what: &'static str,
    rate: Rate,
    inner: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    fn new(policy: &'static str, what: &'static str, rate: Rate) -> Self {
        // GCRA: a full burst of `requests` at once, then one more per period / requests.
        let interval = (rate.period / rate.requests.get()).max(std::time::Duration::from_nanos(1));
        let quota = Quota::with_period(interval)
            .unwrap_or_else(|| Quota::per_second(rate.requests))
            .allow_burst(rate.requests);
        Self {
            policy,
            what,
            rate,
            inner: RateLimiter::keyed(quota),
        }
    }

    /// Counts one request for `key`.
    fn check(&self, key: &K) -> Result<(), Limited> {
        self.inner.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            Limited {
                policy: self.policy,
                what: self.what,
                quota: self.rate.requests.get(),
                window: self.rate.period.as_secs(),
                retry_after: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1),
            }
        })
    }

    fn retain_recent(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }
}

/// Every rate limit the service enforces, as configured.
pub struct RateLimits {
    per_account: Option<Limiter<[u8; 32]>>,
    per_address: Option<Limiter<IpAddr>>,
    per_token: Option<Limiter<Actor>>,
    client_ip_header: Option<HeaderName>,
}

impl RateLimits {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            per_account: settings
                .login_rate_per_account
                .map(|rate| Limiter::new("login-account", "Too many sign-in attempts", rate)),
            per_address: settings.login_rate_per_address.map(|rate| {
                Limiter::new(
                    "login-address",
                    "Too many sign-in attempts from this address",
                    rate,
                )
            }),
            per_token: settings
                .api_rate_per_token
                .map(|rate| Limiter::new("api-token", "Too many requests with this token", rate)),
            client_ip_header: settings
                .trusted_client_ip_header
                .as_deref()
                .and_then(|name| HeaderName::from_bytes(name.as_bytes()).ok()),
        }
    }

    /// Counts a sign-in attempt from the request's client address.
    pub fn check_sign_in_address(&self, req: &HttpRequest) -> Result<(), Limited> {
        match (&self.per_address, self.client_address(req)) {
            (Some(limiter), Some(address)) => limiter.check(&address),
            _ => Ok(()),
        }
    }

    /// Counts a sign-in attempt for `email`, whether or not such a user exists; false
    /// when the account's attempts are used up. Only a digest of the normalised address
    /// is kept, so a long email costs no more memory than a short one.
    pub fn allow_sign_in_attempt(&self, email: &str) -> bool {
        let Some(limiter) = &self.per_account else {
            return true;
        };
        let key: [u8; 32] = Sha256::digest(email.trim().to_lowercase().as_bytes()).into();
        limiter.check(&key).is_ok()
    }

    /// Counts a request by an authenticated actor.
    pub fn check_actor(&self, actor: Actor) -> Result<(), Limited> {
        match &self.per_token {
            Some(limiter) => limiter.check(&actor),
            None => Ok(()),
        }
    }

    /// Forgets keys whose limits have fully recovered, so memory stays bounded by the
    /// keys seen within one period.
    pub fn retain_recent(&self) {
        if let Some(l) = &self.per_account {
            l.retain_recent();
        }
        if let Some(l) = &self.per_address {
            l.retain_recent();
        }
        if let Some(l) = &self.per_token {
            l.retain_recent();
        }
    }

    /// The client's address: from the trusted header when one is configured and holds an
    /// address (the last one in it: the one the proxy added), else the connection's peer.
    fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let forwarded = self.client_ip_header.as_ref().and_then(|name| {
            let value = req.headers().get_all(name).last()?.to_str().ok()?;
            parse_address(value.rsplit(',').next()?)
        });
        forwarded
            .or_else(|| req.peer_addr().map(|a| a.ip()))
            .map(limit_key)
    }
}

fn parse_address(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim();
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

/// IPv4 addresses count one by one; IPv6 by their /64, the block one subscriber gets.
fn limit_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_from_the_last_hop_and_v6_counts_per_64() {
        assert_eq!(parse_address(" 192.0.2.7 "), "192.0.2.7".parse().ok());
        assert_eq!(parse_address("192.0.2.7:4431"), "192.0.2.7".parse().ok());
        assert_eq!(
            parse_address("[2001:db8::1]:80"),
            "2001:db8::1".parse().ok()
        );
        assert_eq!(parse_address("unknown"), None);
        let key = |s: &str| limit_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), key("2001:db8:1:2:ffff::1"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), key("192.0.2.7"));
    }

    #[test]
    fn a_limiter_allows_its_burst_then_names_the_wait() {
        let limiter = Limiter::new("test", "Too many", Rate::per(3, 60));
        for _ in 0..3 {
            assert!(limiter.check(&1u8).is_ok());
        }
        let limited = limiter.check(&1u8).unwrap_err();
        assert_eq!(limited.policy_header(), "\"test\";q=3;w=60");
        // One request comes back every 20 s.
        assert!((19..=20).contains(&limited.retry_after), "{limited:?}");
        assert_eq!(
            limited.limit_header(),
            format!("\"test\";r=0;t={}", limited.retry_after)
        );
        assert!(
            limiter.check(&2u8).is_ok(),
            "another key has its own budget"
        );
    }

    #[test]
    fn account_keys_ignore_case_and_spaces() {
        let mut settings = Settings::from_lookup(|_| None).unwrap();
        settings.login_rate_per_account = Some(Rate::per(2, 60));
        let limits = RateLimits::from_settings(&settings);
        assert!(limits.allow_sign_in_attempt("Someone@Example.org"));
        assert!(limits.allow_sign_in_attempt(" someone@example.org "));
        assert!(!limits.allow_sign_in_attempt("SOMEONE@EXAMPLE.ORG"));
        assert!(limits.allow_sign_in_attempt("someone-else@example.org"));
    }
}
