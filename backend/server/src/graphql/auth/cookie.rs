//! The web app's session cookie: its refresh token in an `HttpOnly`, `SameSite=Strict` cookie that
//! the browser sends only to [`SESSION_PATH`] (where the web app signs in, refreshes and signs
//! out), `Secure` when the request came over HTTPS. Scripts on the page never see the token, so
//! an injected one cannot carry the session away; API consumers keep the token in the body.

use actix_web::HttpRequest;
use actix_web::http::header;
use async_graphql::{Context, Enum};

use super::types::LoginPayload;

/// The path the session cookie is scoped to: the GraphQL endpoint's twin for sign-in, refresh
/// and sign-out.
pub const SESSION_PATH: &str = "/graphql/session";
/// The cookie's name.
pub const COOKIE_NAME: &str = "cc_refresh";

/// Where a new refresh token is delivered.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RefreshTokenIn {
    /// In the answer's `refreshToken` (API consumers keep it themselves).
    #[default]
    Body,
    /// In an `HttpOnly` cookie sent only to `/graphql/session` (browsers); the answer's
    /// `refreshToken` is then empty.
    Cookie,
}

/// What a GraphQL request brings about the session cookie.
#[derive(Debug, Clone, Default)]
pub struct SessionCookie {
    /// The refresh token the cookie carries, if any.
    pub token: Option<String>,
    /// Whether the request came over HTTPS (the cookie is then `Secure`).
    pub https: bool,
}

impl SessionCookie {
    /// The cookie of `req`, if it sent one.
    pub fn from_request(req: &HttpRequest) -> Self {
        let token = req
            .headers()
            .get_all(header::COOKIE)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == COOKIE_NAME)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty());
        Self {
            token,
            https: crate::web::is_https(req),
        }
    }

    /// `Set-Cookie` carrying `token` for `max_age_secs`.
    fn set(&self, token: &str, max_age_secs: i64) -> String {
        self.attributes(token, max_age_secs.max(0))
    }

    /// `Set-Cookie` removing the cookie.
    fn clear(&self) -> String {
        self.attributes("", 0)
    }

    fn attributes(&self, value: &str, max_age_secs: i64) -> String {
        let secure = if self.https { "; Secure" } else { "" };
        format!(
            "{COOKIE_NAME}={value}; Path={SESSION_PATH}; Max-Age={max_age_secs}; HttpOnly; SameSite=Strict{secure}"
        )
    }
}

/// The request's session cookie (none outside HTTP requests).
pub fn session_cookie(ctx: &Context<'_>) -> SessionCookie {
    ctx.data_opt::<SessionCookie>().cloned().unwrap_or_default()
}

/// Hands a fresh session to the client: with [`RefreshTokenIn::Cookie`], the refresh token
/// becomes the cookie and leaves the answer.
pub fn deliver(ctx: &Context<'_>, mut payload: LoginPayload, to: RefreshTokenIn) -> LoginPayload {
    if to == RefreshTokenIn::Cookie {
        let max_age = (payload.refresh_expires_at - chrono::Utc::now()).num_seconds();
        ctx.append_http_header(
            "set-cookie",
            session_cookie(ctx).set(&payload.refresh_token, max_age),
        );
        payload.refresh_token = String::new();
    }
    payload
}

/// Tells the browser to drop the cookie.
pub fn clear(ctx: &Context<'_>) {
    ctx.append_http_header("set-cookie", session_cookie(ctx).clear());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_read_among_others_and_written_with_its_attributes() {
        let req = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "a=1; cc_refresh=ccr_abc ; b=2"))
            .to_http_request();
        let cookie = SessionCookie::from_request(&req);
        assert_eq!(cookie.token.as_deref(), Some("ccr_abc"));
        assert!(!cookie.https);
        assert_eq!(
            cookie.set("ccr_new", 60),
            "cc_refresh=ccr_new; Path=/graphql/session; Max-Age=60; HttpOnly; SameSite=Strict"
        );
        let secure = SessionCookie {
            https: true,
            ..cookie
        };
        assert_eq!(
            secure.clear(),
            "cc_refresh=; Path=/graphql/session; Max-Age=0; HttpOnly; SameSite=Strict; Secure"
        );
        let without = actix_web::test::TestRequest::default()
            .insert_header((header::COOKIE, "cc_refresh="))
            .to_http_request();
        assert_eq!(SessionCookie::from_request(&without).token, None);
    }
}
