//! The key a client sends to make a retry safe (zero-to-production's
//! `idempotency/key.rs`): parsed once at the edge, so a stored key is always a valid one.

use std::fmt;

/// An `Idempotency-Key`: 1 to 200 visible ASCII characters, e.g. a UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX_LEN: usize = 200;

    /// The key, or the rule it breaks in a user's words.
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        if (1..=Self::MAX_LEN).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic())
        {
            Ok(Self(value.to_owned()))
        } else {
            Err("must be 1 to 200 visible ASCII characters, e.g. a UUID")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::IdempotencyKey;

    #[test]
    fn accepts_visible_ascii_up_to_200_characters() {
        for good in [
            "a",
            "0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d11",
            "!~",
            &"k".repeat(200),
        ] {
            let key = IdempotencyKey::parse(good).expect(good);
            assert_eq!(key.as_str(), good);
        }
    }

    #[test]
    fn refuses_empty_long_spaced_control_and_non_ascii_keys() {
        for bad in [
            "",
            &"k".repeat(201),
            "a b",
            "tab\there",
            "new\nline",
            "sleutel-é",
            "\u{7f}",
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
