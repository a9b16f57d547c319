//! Authentication: argon2id passwords, short-lived access JWTs, and the [`Viewer`] every resolver
//! checks before touching data.

pub mod limits;
pub mod passwords;
pub mod tokens;
pub mod viewer;

pub use tokens::{Claims, TokenError, TokenIssuer};
pub use viewer::Viewer;

/// Hex SHA-256 of a high-entropy secret (refresh tokens, API keys): what is stored instead of it.
pub fn hash_secret(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// `len` random bytes from the OS-seeded generator, hex-encoded.
pub fn random_hex(len: usize) -> String {
    use rand::RngCore;
    let mut bytes = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
