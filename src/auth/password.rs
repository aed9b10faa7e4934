//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane,
//! OWASP's recommended minimum).

use argon2::password_hash::{PasswordHash, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use base64::Engine;

/// Shortest and longest accepted passwords, in characters. The upper bound keeps a
/// hash request from becoming a denial of service.
pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// Checks a new password against the policy; the message names the rule.
pub fn check_policy(password: &str) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err(format!("must be at least {MIN_LENGTH} characters"));
    }
    if len > MAX_LENGTH {
        return Err(format!("must be at most {MAX_LENGTH} characters"));
    }
    Ok(())
}

/// Hashes a password into a PHC string. Slow on purpose: call it off the async threads.
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// True when `password` matches the PHC string `hash`. Slow on purpose.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A strong random password (24 characters, 144 bits), for `init` without one.
pub fn generate() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(super::random_bytes::<18>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn policy_bounds_length_and_generated_passwords_pass_it() {
        assert!(check_policy("short").is_err());
        assert!(check_policy(&"x".repeat(257)).is_err());
        let generated = generate();
        assert_eq!(generated.len(), 24);
        assert!(check_policy(&generated).is_ok());
    }
}
