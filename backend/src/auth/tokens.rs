//! Short-lived HS256 access tokens. Only HS256 is accepted (`none` and algorithm confusion are
//! rejected by the allowlist), expiry is enforced with no leeway beyond 30 s.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::viewer::{Role, Viewer};

const ISSUER: &str = "consult-coach";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role.
    pub role: Role,
    /// Team.
    pub team: Option<String>,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expiry (seconds).
    pub exp: i64,
    /// Issuer.
    pub iss: String,
    /// Token id.
    pub jti: String,
}

/// Why a token was rejected.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    /// Expired.
    #[error("token expired")]
    Expired,
    /// Malformed, wrongly signed, wrong algorithm or wrong issuer.
    #[error("invalid token")]
    Invalid,
}

/// Issues and verifies access tokens with one secret.
#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("ttl_secs", &self.ttl_secs)
            .finish_non_exhaustive()
    }
}

impl TokenIssuer {
    /// Creates an issuer from a secret of at least 32 bytes.
    pub fn new(secret: &SecretString, ttl_secs: u64) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(900),
        }
    }

    /// Token lifetime in seconds.
    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// Issues a token for a viewer at `now` (epoch seconds); returns it and its expiry.
    pub fn issue(&self, viewer: &Viewer, now: i64) -> Result<(String, i64), TokenError> {
        let exp = now + self.ttl_secs;
        let claims = Claims {
            sub: viewer.user_id.clone(),
            role: viewer.role,
            team: viewer.team_id.clone(),
            iat: now,
            exp,
            iss: ISSUER.into(),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|t| (t, exp))
            .map_err(|_| TokenError::Invalid)
    }

    /// Verifies a token and returns its viewer.
    pub fn verify(&self, token: &str) -> Result<Viewer, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 30;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(
            |e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            },
        )?;
        Ok(Viewer {
            user_id: data.claims.sub,
            role: data.claims.role,
            team_id: data.claims.team,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> TokenIssuer {
        TokenIssuer::new(&SecretString::from("0123456789abcdef0123456789abcdef"), 900)
    }

    fn viewer() -> Viewer {
        Viewer {
            user_id: "u1".into(),
            role: Role::Counselor,
            team_id: None,
        }
    }

    #[test]
    fn an_issued_token_verifies_to_the_same_viewer() {
        let now = chrono::Utc::now().timestamp();
        let (token, exp) = issuer().issue(&viewer(), now).unwrap_or_default();
        assert_eq!(exp, now + 900);
        assert_eq!(issuer().verify(&token), Ok(viewer()));
    }

    #[test]
    fn expired_tokens_and_unsigned_tokens_are_rejected() {
        let old = chrono::Utc::now().timestamp() - 2000;
        let (token, _) = issuer().issue(&viewer(), old).unwrap_or_default();
        assert_eq!(issuer().verify(&token), Err(TokenError::Expired));

        // alg=none with the same claims.
        use base64_like::encode;
        let header = encode(br#"{"alg":"none","typ":"JWT"}"#);
        let now = chrono::Utc::now().timestamp();
        let body = encode(
            format!(r#"{{"sub":"u1","role":"admin","team":null,"iat":{now},"exp":{},"iss":"consult-coach","jti":"x"}}"#, now + 100)
                .as_bytes(),
        );
        assert_eq!(
            issuer().verify(&format!("{header}.{body}.")),
            Err(TokenError::Invalid)
        );
        let other = TokenIssuer::new(&SecretString::from("another-secret-another-secret-xx"), 900);
        let (foreign, _) = other.issue(&viewer(), now).unwrap_or_default();
        assert_eq!(issuer().verify(&foreign), Err(TokenError::Invalid));
    }

    /// Minimal URL-safe base64 without padding, for forging test tokens.
    mod base64_like {
        pub fn encode(bytes: &[u8]) -> String {
            const ALPHABET: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in bytes.chunks(3) {
                let b = [
                    chunk[0],
                    *chunk.get(1).unwrap_or(&0),
                    *chunk.get(2).unwrap_or(&0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                let chars = chunk.len() + 1;
                for i in 0..chars {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                }
            }
            out
        }
    }
}
