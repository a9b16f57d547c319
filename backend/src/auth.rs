//! Authentication: argon2id passwords, short-lived access JWTs, and the [`Viewer`] every resolver
//! checks before touching data.

pub mod limits;
pub mod passwords;
pub mod tokens;
pub mod viewer;

pub use tokens::{Claims, TokenError, TokenIssuer};
pub use viewer::{Role, Scope, Viewer};
