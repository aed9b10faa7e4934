//! Web origins that may call the API from a browser (CORS): `scheme://host[:port]`, as a
//! browser sends them in its `Origin` header.

/// The most origins one organisation may allow.
pub const MAX_ORIGINS: usize = 20;
/// The longest origin accepted.
pub const MAX_ORIGIN_LENGTH: usize = 200;

/// `raw` as a browser writes an origin (lowercase scheme and host, no default port, no
/// path), or what is wrong with it, in words a user understands.
pub fn parse(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    let example = "write it as a browser sends it, such as https://intranet.example.nl or http://localhost:3000";
    if trimmed.len() > MAX_ORIGIN_LENGTH {
        return Err(format!("is longer than {MAX_ORIGIN_LENGTH} characters"));
    }
    let (scheme, rest) = trimmed
        .split_once("://")
        .ok_or_else(|| format!("{trimmed:?} is not an origin; {example}"))?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => "443",
        "http" => "80",
        _ => return Err(format!("{trimmed:?} must begin with https:// or http://")),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) || rest.contains('*') {
        return Err(format!(
            "{trimmed:?} is not an origin (no path, query, user or wildcard); {example}"
        ));
    }
    let (host, port) = if let Some(close) = rest.strip_prefix('[').and_then(|r| r.find(']')) {
        // An IPv6 address: `[::1]`, then an optional port.
        rest.split_at(close + 2)
    } else {
        match rest.split_once(':') {
            Some((host, port)) => (host, &rest[host.len()..][..port.len() + 1]),
            None => (rest, ""),
        }
    };
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => None,
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            match digits.parse::<u32>() {
                Ok(n) if (1..=65_535).contains(&n) => Some(n.to_string()),
                _ => return Err(format!("{trimmed:?}: the port must be 1 to 65535")),
            }
        }
        _ => {
            return Err(format!(
                "{trimmed:?}: bad port; write an IPv6 address in brackets"
            ));
        }
    };
    let host = host.to_ascii_lowercase();
    let valid_host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(address) => {
            !address.is_empty()
                && address
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        }
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        }
    };
    if !valid_host {
        return Err(format!(
            "{trimmed:?}: {host:?} is not a host name; {example}"
        ));
    }
    Ok(match port {
        Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
        _ => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn origins_are_written_as_browsers_send_them() {
        for (raw, origin) in [
            ("https://intranet.example.nl", "https://intranet.example.nl"),
            (
                "HTTPS://Intranet.Example.NL/",
                "https://intranet.example.nl",
            ),
            (
                "https://intranet.example.nl:443",
                "https://intranet.example.nl",
            ),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://127.0.0.1:80", "http://127.0.0.1"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            (" http://[::1] ", "http://[::1]"),
        ] {
            assert_eq!(parse(raw).as_deref(), Ok(origin), "{raw}");
        }
    }

    #[test]
    fn what_is_not_an_origin_is_refused_with_a_reason() {
        for raw in [
            "intranet.example.nl",
            "ftp://example.nl",
            "https://example.nl/app",
            "https://*.example.nl",
            "https://user@example.nl",
            "https://example.nl:0",
            "https://example.nl:99999",
            "https://exa mple.nl",
            "https://",
            "http://::1",
            "http://[zz]",
            "https://a_b.nl",
            "null",
        ] {
            let error = parse(raw).unwrap_err();
            assert!(!error.is_empty(), "{raw}");
        }
    }
}
