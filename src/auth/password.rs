//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane,
//! OWASP's recommended minimum).
//!
//! Argon2 needs 19 MiB of working memory for every hash. The caller owns it ([`Memory`],
//! mapped directly rather than through malloc), so [`super::hashing::PasswordHashing`]
//! can reuse it across hashes and give it back when sign-ins go quiet.

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::password_hash::{Salt, rand_core::OsRng};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use subtle::ConstantTimeEq;

pub use super::memory::Memory;

/// Shortest and longest accepted passwords, in characters. The upper bound keeps a
/// hash request from becoming a denial of service.
pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// A stored hash asking for more memory than this (KiB) is not ours: refuse it rather
/// than allocate what it asks for.
const MAX_MEMORY_KIB: u32 = 256 * 1024;

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

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`), exactly as
/// `Argon2::default().hash_password` would. Slow on purpose: call it off the async threads.
pub fn hash_with(
    password: &str,
    memory: &mut Memory,
) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt_buffer = [0u8; Salt::MAX_LENGTH];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buffer)?;
    let blocks = memory
        .blocks(params.block_count())
        .ok_or(argon2::Error::MemoryTooLittle)?;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        Ok(argon2.hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, blocks)?)
    })?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string())
}

/// True when `password` matches the PHC string `hash`, computed with the algorithm,
/// version and parameters that string names. Slow on purpose.
pub fn verify_with(password: &str, hash: &str, memory: &mut Memory) -> bool {
    matches(password, hash, memory).unwrap_or(false)
}

fn matches(password: &str, hash: &str, memory: &mut Memory) -> password_hash::Result<bool> {
    let parsed = PasswordHash::new(hash)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Ok(false);
    };
    let algorithm = Algorithm::try_from(parsed.algorithm)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(&parsed)?;
    if params.m_cost() > MAX_MEMORY_KIB {
        return Ok(false);
    }
    let mut salt_buffer = [0u8; Salt::MAX_LENGTH];
    let salt_bytes = salt.decode_b64(&mut salt_buffer)?;
    let mut out = [0u8; Output::MAX_LENGTH];
    let out = &mut out[..expected.len()];
    Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
        password.as_bytes(),
        salt_bytes,
        out,
        memory
            .blocks(params.block_count())
            .ok_or(argon2::Error::MemoryTooLittle)?,
    )?;
    Ok(bool::from(expected.as_bytes().ct_eq(out)))
}

/// [`hash_with`] on memory of its own, for one-off use (the CLI, start-up).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    hash_with(password, &mut Memory::default())
}

/// [`verify_with`] on memory of its own, for one-off use.
pub fn verify(password: &str, hash: &str) -> bool {
    verify_with(password, hash, &mut Memory::default())
}

/// A strong random password (24 characters, 144 bits), for `init` without one.
pub fn generate() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(super::random_bytes::<18>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::{PasswordHasher, PasswordVerifier};

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("wrong horse battery", &a));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn our_hashes_and_the_crates_own_are_interchangeable() {
        let ours = hash("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        // A hash as the service stored them before, and one with other parameters: both
        // are checked with the parameters they name.
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let other_params = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x10,
            Params::new(8 * 1024, 3, 2, Some(48)).unwrap(),
        )
        .hash_password(b"correct horse battery", &salt)
        .unwrap()
        .to_string();
        let mut memory = Memory::default();
        for stored in [&theirs, &other_params] {
            assert!(verify_with("correct horse battery", stored, &mut memory));
            assert!(!verify_with("correct horse batterY", stored, &mut memory));
        }
    }

    #[test]
    fn memory_is_reused_and_oversized_hashes_are_refused() {
        let mut memory = Memory::default();
        let stored = hash_with("correct horse battery", &mut memory).unwrap();
        let size = memory.size();
        assert_eq!(size, 19 * 1024 * 1024);
        for _ in 0..3 {
            assert!(verify_with("correct horse battery", &stored, &mut memory));
        }
        assert_eq!(memory.size(), size);
        let huge = stored.replace("m=19456", "m=4194304");
        assert!(!verify_with("correct horse battery", &huge, &mut memory));
        assert_eq!(memory.size(), size);
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
