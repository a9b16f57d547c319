//! Short-lived HS256 access tokens. Only HS256 is accepted (`none` and algorithm confusion are
//! rejected by the allowlist), expiry is enforced with no leeway beyond 30 s.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use shared::access::Role;

use super::viewer::Viewer;

const ISSUER: &str = "consult-coach";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role, by its stored name (`admin`).
    #[serde(with = "stored_role")]
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
    /// Session (refresh-token family) id.
    pub sid: String,
}

/// A role in a token by its stored name, as tokens have always carried it.
mod stored_role {
    use serde::{Deserialize, Deserializer, Serializer};
    use shared::access::Role;

    pub fn serialize<S: Serializer>(role: &Role, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(role.db_name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
        let name = String::deserialize(deserializer)?;
        Role::from_db(&name).ok_or_else(|| serde::de::Error::custom("unknown role"))
    }
}

/// The claims of a media token: one consultation's recording, for a few minutes (an `<audio>`
/// element cannot send an `Authorization` header, so the address carries the permission).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MediaClaims {
    /// Consultation id.
    sub: String,
    /// Always [`MEDIA_AUDIENCE`]: an access token (which has no audience) is never a media token.
    aud: String,
    /// Issued at (seconds).
    iat: i64,
    /// Expiry (seconds).
    exp: i64,
    /// Issuer.
    iss: String,
}

const MEDIA_AUDIENCE: &str = "consult-coach-media";

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
            sid: viewer.session_id.clone(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|t| (t, exp))
            .map_err(|_| TokenError::Invalid)
    }

    /// Issues a media token for a consultation's recording, valid `ttl_secs` from `now`.
    pub fn issue_media(
        &self,
        consultation_id: &str,
        now: i64,
        ttl_secs: i64,
    ) -> Result<String, TokenError> {
        let claims = MediaClaims {
            sub: consultation_id.to_owned(),
            aud: MEDIA_AUDIENCE.into(),
            iat: now,
            exp: now + ttl_secs,
            iss: ISSUER.into(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|_| TokenError::Invalid)
    }

    /// Verifies a media token and returns its consultation id.
    pub fn verify_media(&self, token: &str) -> Result<String, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[MEDIA_AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub", "aud"]);
        validation.validate_nbf = false;
        jsonwebtoken::decode::<MediaClaims>(token, &self.decoding, &validation)
            .map(|data| data.claims.sub)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }

    /// Verifies a token and returns its viewer.
    pub fn verify(&self, token: &str) -> Result<Viewer, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = 30;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        validation.validate_nbf = false;
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
            session_id: data.claims.sid,
            scopes: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_media_token_opens_only_its_recording_and_is_never_an_access_token() {
        let issuer = issuer();
        let now = chrono::Utc::now().timestamp();
        let media = issuer
            .issue_media("c-1", now, 900)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(issuer.verify_media(&media), Ok("c-1".to_owned()));
        assert_eq!(issuer.verify(&media).err(), Some(TokenError::Invalid));
        let (access, _) = issuer
            .issue(&viewer(), now)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            issuer.verify_media(&access).err(),
            Some(TokenError::Invalid)
        );
        let old = issuer
            .issue_media("c-1", now - 1_000, 900)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(issuer.verify_media(&old).err(), Some(TokenError::Expired));
    }

    fn issuer() -> TokenIssuer {
        TokenIssuer::new(&SecretString::from("0123456789abcdef0123456789abcdef"), 900)
    }

    fn viewer() -> Viewer {
        Viewer {
            user_id: "u1".into(),
            role: Role::Counselor,
            team_id: None,
            session_id: "family".into(),
            scopes: None,
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

        // alg=none with otherwise valid claims.
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let now = chrono::Utc::now().timestamp();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let claims = serde_json::json!({
            "sub": "u1", "role": "admin", "team": null, "iat": now, "exp": now + 100,
            "iss": "consult-coach", "jti": "x", "sid": "s"
        });
        let body = URL_SAFE_NO_PAD.encode(claims.to_string());
        assert_eq!(
            issuer().verify(&format!("{header}.{body}.")),
            Err(TokenError::Invalid)
        );

        // Same secret, another HMAC algorithm: not on the allowlist.
        let confused = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
        )
        .unwrap_or_default();
        assert_eq!(issuer().verify(&confused), Err(TokenError::Invalid));

        let other = TokenIssuer::new(&SecretString::from("another-secret-another-secret-xx"), 900);
        let (foreign, _) = other.issue(&viewer(), now).unwrap_or_default();
        assert_eq!(issuer().verify(&foreign), Err(TokenError::Invalid));
    }
}
