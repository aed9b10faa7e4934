//! Authentication: who is calling, and for which organisation.
//!
//! A request carries `Authorization: Bearer <token>`, either an access token (a JWT we
//! signed at login) or an API token (`mm_…`). Both resolve to a [`Principal`]. A new
//! kind of credential (an organisation's own identity provider) is one more arm in
//! [`Authenticator::authenticate`]; handlers only ever see the principal.

pub mod api_token;
pub mod hashing;
pub mod jwt;
mod memory;
pub mod oidc;
pub mod password;
pub mod permit;
mod principal;
pub mod rate_limit;
pub mod sessions;

pub use principal::{Actor, Authenticator, Principal};

use argon2::password_hash::rand_core::{OsRng, RngCore};

/// `n` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}
