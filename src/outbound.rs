//! Requests the service itself sends (an identity provider's discovery document and
//! keys; later webhooks), to addresses that organisations' admins name. So that an admin
//! cannot point the service at its own network: short time-outs, no redirect to another
//! host, and no private, loopback, link-local or otherwise internal address unless
//! `MANTELMONITOR_OUTBOUND_ALLOW_PRIVATE` allows them (an intranet's own identity
//! provider; the tests). Plain `http` only where private addresses are allowed, and only
//! to such an address.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// What may be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub allow_private: bool,
}

/// The client for outbound requests.
#[derive(Clone)]
pub struct Outbound {
    client: reqwest::Client,
    reach: Reach,
}

impl Outbound {
    pub fn new(reach: Reach) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same_host = attempt.previous().first().map(|u| u.host_str())
                    == Some(attempt.url().host_str());
                if same_host && attempt.previous().len() < 3 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }))
            .dns_resolver(Arc::new(Guarded { reach }))
            .user_agent(concat!("mantelmonitor/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, reach })
    }

    pub fn reach(&self) -> Reach {
        self.reach
    }

    /// A GET of `url`, checked first (a literal address is never resolved, so the
    /// resolver alone would not see it).
    pub async fn get(&self, url: &url::Url) -> Result<reqwest::Response, String> {
        check(url.as_str(), self.reach)?;
        self.client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| describe(&e))
    }

    /// A POST of `body` as JSON to `url` with `headers`: the status, or why there was none.
    pub async fn post_json(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<u16, String> {
        let url = check(url, self.reach)?;
        let mut request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.map_err(|e| describe(&e))?;
        Ok(response.status().as_u16())
    }
}

fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "it did not answer in time".into()
    } else if error.is_connect() {
        "it could not be reached".into()
    } else if error.is_redirect() {
        "it redirected elsewhere".into()
    } else {
        "the request failed".into()
    }
}

/// `raw` as a URL the service may send requests to, or what is wrong with it in words a
/// user understands.
pub fn check(raw: &str, reach: Reach) -> Result<url::Url, String> {
    let url = url::Url::parse(raw.trim()).map_err(|_| {
        format!(
            "{raw:?} is not a URL; write it in full, such as https://login.example.nl/realms/zorg"
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not hold a user name or password".into());
    }
    let host = url.host().ok_or_else(|| format!("{raw:?} names no host"))?;
    let internal = match host {
        url::Host::Ipv4(ip) => internal(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => internal(IpAddr::V6(ip)),
        url::Host::Domain(name) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if internal && !reach.allow_private {
        return Err("names an internal address (loopback, private or link-local), which this service does not call".into());
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if reach.allow_private && internal => Ok(url),
        "http" => Err("must use https:// (plain http only to an internal address, where the configuration allows those)".into()),
        _ => Err("must begin with https://".into()),
    }
}

/// Whether `ip` is an address on the service's own side: loopback, private, link-local,
/// shared (carrier-grade NAT), unique local, unspecified, multicast or documentation.
pub fn internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
        }
    }
}

/// Resolves names, and refuses those that lead to an internal address (unless allowed):
/// checked on the addresses actually connected to, so a name cannot be switched to an
/// internal address after the URL was checked.
struct Guarded {
    reach: Reach,
}

impl Resolve for Guarded {
    fn resolve(&self, name: Name) -> Resolving {
        let reach = self.reach;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| reach.allow_private || !internal(addr.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no address this service may call").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSED: Reach = Reach {
        allow_private: false,
    };
    const OPEN: Reach = Reach {
        allow_private: true,
    };

    #[test]
    fn internal_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["145.97.39.155", "8.8.8.8", "2a00:1450:4001::1"] {
            assert!(!internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls_are_https_to_the_outside_unless_internal_ones_are_allowed() {
        assert!(check("https://login.example.nl/realms/zorg", CLOSED).is_ok());
        for refused in [
            "http://login.example.nl",
            "https://127.0.0.1:8443",
            "https://localhost",
            "https://[::1]/",
            "https://169.254.169.254/latest",
            "ftp://login.example.nl",
            "https://user:pw@login.example.nl",
            "login.example.nl",
        ] {
            assert!(check(refused, CLOSED).is_err(), "{refused}");
        }
        assert!(check("http://127.0.0.1:9000", OPEN).is_ok());
        assert!(check("http://localhost:9000", OPEN).is_ok());
        assert!(check("http://login.example.nl", OPEN).is_err());
    }
}
