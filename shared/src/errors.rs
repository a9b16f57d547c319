//! Every error code the API answers with (`extensions.code` of a GraphQL error, a consultation's
//! `failureCode`) and the few the web app produces itself. The server writes each code's message
//! in the reader's language; the web app shows that message and words only its own codes.

use serde::{Deserialize, Serialize};

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The code as sent (`NOT_FOUND`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }

            /// The code of a sent name, `None` for a code this version does not know.
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(Self::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    /// An argument is invalid; the message says which and why.
    BadUserInput = "BAD_USER_INPUT",
    /// The request is not a well-formed GraphQL request.
    BadRequest = "BAD_REQUEST",
    /// No credential, or one that is invalid, expired or whose session ended.
    Unauthenticated = "UNAUTHENTICATED",
    /// Signed in but not allowed.
    Forbidden = "FORBIDDEN",
    /// The thing does not exist or is not visible to the caller.
    NotFound = "NOT_FOUND",
    /// An internal failure (its cause is logged, never sent).
    Internal = "INTERNAL",
    /// The database is unreachable; try again shortly.
    ServiceUnavailable = "SERVICE_UNAVAILABLE",
    /// A mutation sent over GET.
    MethodNotAllowed = "METHOD_NOT_ALLOWED",
    /// The request body is larger than allowed.
    PayloadTooLarge = "PAYLOAD_TOO_LARGE",
    /// The query asks for too much at once (its cost is over `graphql.max_complexity`).
    QueryTooComplex = "QUERY_TOO_COMPLEX",
    /// The query is nested deeper than `graphql.max_depth`.
    QueryTooDeep = "QUERY_TOO_DEEP",
    /// An expensive field appears more often than `graphql.max_expensive_aliases`.
    TooManyExpensiveFields = "TOO_MANY_EXPENSIVE_FIELDS",
    /// More files than allowed in one request.
    TooManyFiles = "TOO_MANY_FILES",
    /// Too many subscriptions on one connection.
    TooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS",
    /// Too many sign-in attempts; `retryAfterSeconds` says how long to wait.
    TooManyAttempts = "TOO_MANY_ATTEMPTS",
    /// A wrong e-mail or password (also a wrong current password).
    InvalidCredentials = "INVALID_CREDENTIALS",
    /// The e-mail is already registered.
    EmailTaken = "EMAIL_TAKEN",
    /// A team of this name exists.
    TeamNameTaken = "TEAM_NAME_TAKEN",
    /// Self sign-up is off on this server.
    SignupDisabled = "SIGNUP_DISABLED",
    /// The uploaded file is empty.
    EmptyFile = "EMPTY_FILE",
    /// The uploaded file (or its conversation) is too large.
    FileTooLarge = "FILE_TOO_LARGE",
    /// The file is not a transcript or a recording we read.
    UnsupportedFileType = "UNSUPPORTED_FILE_TYPE",
    /// The request's media type is not one the API accepts.
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE",
    /// No agent or customer turns were found.
    NoTurnsFound = "NO_TURNS_FOUND",
    /// A conversation has more turns than an analysis takes.
    TooManyTurns = "TOO_MANY_TURNS",
    /// A line of a JSONL evaluation file is not a conversation.
    InvalidJsonlLine = "INVALID_JSONL_LINE",
    /// A recording could not be decoded.
    MediaDecodeFailed = "MEDIA_DECODE_FAILED",
    /// A recording is longer than allowed.
    MediaTooLong = "MEDIA_TOO_LONG",
    /// No speech was found in a recording.
    NoSpeechFound = "NO_SPEECH_FOUND",
    /// Speech-to-text is off or its model is missing.
    SpeechUnavailable = "SPEECH_UNAVAILABLE",
    /// Speech-to-text failed on a recording.
    TranscriptionFailed = "TRANSCRIPTION_FAILED",
    /// The stored file could not be read.
    StorageUnavailable = "STORAGE_UNAVAILABLE",
    /// The analysis kept failing.
    ProcessingFailed = "PROCESSING_FAILED",
    /// The analysis is not finished yet.
    NotAnalysed = "NOT_ANALYSED",
    /// A dispute was already resolved.
    DisputeResolved = "DISPUTE_RESOLVED",
    /// A share link expired.
    ShareLinkExpired = "SHARE_LINK_EXPIRED",
    /// A share link was revoked.
    ShareLinkRevoked = "SHARE_LINK_REVOKED",
    /// The server cannot produce this export (no Korean font for PDFs).
    ExportUnavailable = "EXPORT_UNAVAILABLE",
    /// A backup failed.
    BackupFailed = "BACKUP_FAILED",
    /// The web app could not reach the server (client only).
    NetworkError = "NETWORK_ERROR",
    /// The server's answer was not a GraphQL response (client only).
    BadResponse = "BAD_RESPONSE",
    /// The live connection gave up (client only).
    SubscriptionFailed = "SUBSCRIPTION_FAILED",
}

impl ErrorCode {
    /// Whether only the web app produces this code (the server never sends it).
    pub fn is_client_side(self) -> bool {
        matches!(
            self,
            Self::NetworkError | Self::BadResponse | Self::SubscriptionFailed
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_name_and_serde() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(*code));
            let wire = serde_json::to_value(code).unwrap_or_default();
            assert_eq!(wire, code.as_str());
        }
        assert_eq!(ErrorCode::parse("NO_SUCH_CODE"), None);
    }
}
