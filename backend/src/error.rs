//! The one mapping from service errors to GraphQL `extensions.code` and HTTP statuses.
//!
//! Every service error enum implements [`UserFacingError`]; resolvers convert with
//! [`to_graphql_error`], which logs internal causes and never sends them.

use async_graphql::ErrorExtensions;
use shared::inputs::InputError;

/// The language of user-facing messages, from the request's `Accept-Language` (Korean default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 한국어 (default).
    #[default]
    Ko,
    /// English.
    En,
}

impl Lang {
    /// Picks the first supported language of an `Accept-Language` header value.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::Ko;
        };
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("ko") {
                return Self::Ko;
            }
            if tag.starts_with("en") {
                return Self::En;
            }
        }
        Self::Ko
    }

    /// Chooses between a Korean and an English text.
    pub fn pick<'a>(self, ko: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Ko => ko,
            Self::En => en,
        }
    }
}

/// An error that can be shown to a user.
pub trait UserFacingError: std::error::Error {
    /// Stable machine-readable code (`extensions.code`).
    fn code(&self) -> &'static str;
    /// Message for the user in their language.
    fn user_message(&self, lang: Lang) -> String;
    /// Whether this is an internal failure whose cause must be logged, not shown.
    fn is_internal(&self) -> bool {
        self.code() == "INTERNAL"
    }
}

/// The generic message for internal failures.
pub fn internal_message(lang: Lang) -> String {
    lang.pick(
        "일시적인 서버 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
        "A temporary server error occurred. Please try again shortly.",
    )
    .to_owned()
}

/// Converts a service error into a GraphQL error with `extensions.code`.
pub fn to_graphql_error<E: UserFacingError>(err: E, lang: Lang) -> async_graphql::Error {
    if err.is_internal() {
        tracing::error!(error = %err, "internal error");
        crate::telemetry::metrics::METRICS.http_errors.inc();
    }
    let code = err.code();
    async_graphql::Error::new(err.user_message(lang)).extend_with(|_, ext| ext.set("code", code))
}

impl UserFacingError for InputError {
    fn code(&self) -> &'static str {
        "BAD_USER_INPUT"
    }

    fn user_message(&self, lang: Lang) -> String {
        lang.pick(&self.message_ko, &self.message_en).to_owned()
    }
}

/// Errors shared by every resolver: who may call it.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// No or an invalid credential.
    #[error("authentication required")]
    Unauthenticated,
    /// The access token expired.
    #[error("access token expired")]
    TokenExpired,
    /// Authenticated but not allowed.
    #[error("forbidden")]
    Forbidden,
}

impl UserFacingError for AccessError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::TokenExpired => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
        }
    }

    fn user_message(&self, lang: Lang) -> String {
        match self {
            Self::Unauthenticated => lang.pick("로그인이 필요합니다.", "Please sign in."),
            Self::TokenExpired => lang.pick(
                "로그인이 만료되었습니다. 다시 로그인해 주세요.",
                "Your session expired. Please sign in again.",
            ),
            Self::Forbidden => lang.pick("권한이 없습니다.", "You are not allowed to do this."),
        }
        .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_first_supported_language_and_defaults_to_korean() {
        assert_eq!(Lang::from_accept_language(None), Lang::Ko);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("fr, ko;q=0.5")), Lang::Ko);
        assert_eq!(Lang::from_accept_language(Some("de")), Lang::Ko);
    }
}
