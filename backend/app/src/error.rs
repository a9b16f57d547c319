//! What the services' errors have in common: every service error enum implements
//! [`UserFacingError`] (a stable code and a message in the reader's language); the server maps
//! them to GraphQL errors once, logging internal causes and never sending them.

pub mod catalogue;

use shared::errors::ErrorCode;
use shared::inputs::InputError;
use shared::language::Language;

/// An error that can be shown to a user.
pub trait UserFacingError: std::error::Error {
    /// Stable machine-readable code (`extensions.code`).
    fn code(&self) -> ErrorCode;
    /// Message for the user in their language: the catalogue's for the code, unless the error
    /// has details to tell.
    fn user_message(&self, lang: Language) -> String {
        catalogue::message(self.code(), lang).to_owned()
    }
    /// Whether this is an internal failure whose cause must be logged, not shown.
    fn is_internal(&self) -> bool {
        self.code() == ErrorCode::Internal
    }
}

/// The generic message for internal failures.
pub fn internal_message(lang: Language) -> String {
    catalogue::message(ErrorCode::Internal, lang).to_owned()
}

impl UserFacingError for InputError {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadUserInput
    }

    fn user_message(&self, lang: Language) -> String {
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
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthenticated | Self::TokenExpired => ErrorCode::Unauthenticated,
            Self::Forbidden => ErrorCode::Forbidden,
        }
    }

    fn user_message(&self, lang: Language) -> String {
        match self {
            Self::Unauthenticated => lang.pick("로그인이 필요합니다.", "Please sign in."),
            Self::TokenExpired => catalogue::message(self.code(), lang),
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
        assert_eq!(Language::from_accept_language(None), Language::Ko);
        assert_eq!(
            Language::from_accept_language(Some("en-US,en;q=0.9")),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language(Some("fr, ko;q=0.5")),
            Language::Ko
        );
        assert_eq!(Language::from_accept_language(Some("de")), Language::Ko);
    }
}
