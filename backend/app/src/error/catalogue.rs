//! The one catalogue of what each error code says to a person, in Korean and English. Errors
//! whose message needs details (which field, which file type, how long to wait, which thing was
//! not found) write their own; every other message is read from here, and the web app shows the
//! server's text instead of keeping a copy.

use shared::errors::ErrorCode;
use shared::language::Language;

/// The message of `code` in `lang`.
pub fn message(code: ErrorCode, lang: Language) -> &'static str {
    let (ko, en) = texts(code);
    lang.pick(ko, en)
}

/// The Korean and English message of `code`.
pub fn texts(code: ErrorCode) -> (&'static str, &'static str) {
    use ErrorCode as C;
    match code {
        C::BadUserInput => ("입력값을 확인해 주세요.", "Please check what you entered."),
        C::BadRequest => (
            "요청을 이해하지 못했습니다.",
            "The request could not be understood.",
        ),
        C::Unauthenticated => (
            "로그인이 필요하거나 로그인이 만료되었습니다. 다시 로그인해 주세요.",
            "Please sign in (again): you are not signed in, or your session ended.",
        ),
        C::Forbidden => ("권한이 없습니다.", "You are not allowed to do this."),
        C::NotFound => ("찾을 수 없습니다.", "Not found."),
        C::Internal => (
            "일시적인 서버 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
            "A temporary server error occurred. Please try again shortly.",
        ),
        C::ServiceUnavailable => (
            "데이터베이스에 일시적으로 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
            "The database is temporarily unreachable. Please try again shortly.",
        ),
        C::MethodNotAllowed => (
            "변경 요청은 POST로 보내야 합니다.",
            "Mutations must be sent with POST.",
        ),
        C::PayloadTooLarge => ("요청이 너무 큽니다.", "The request is too large."),
        C::QueryTooComplex => (
            "요청한 데이터가 너무 많습니다. 목록의 limit을 줄이거나 요청을 나눠 보내 주세요.",
            "The query asks for too much at once. Lower the lists' limits or split it.",
        ),
        C::QueryTooDeep => (
            "요청이 너무 깊게 중첩되어 있습니다.",
            "The query is nested too deep.",
        ),
        C::TooManyExpensiveFields => (
            "같은 무거운 필드를 한 요청에 너무 많이 썼습니다. 요청을 나눠 보내 주세요.",
            "An expensive field appears too often in one request. Split it into several requests.",
        ),
        C::TooManyFiles => (
            "한 번에 올릴 수 있는 파일 수를 넘었습니다.",
            "Too many files in one request.",
        ),
        C::TooManySubscriptions => (
            "실시간 구독이 너무 많습니다.",
            "Too many live subscriptions on this connection.",
        ),
        C::TooManyAttempts => (
            "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.",
            "Too many sign-in attempts. Please try again shortly.",
        ),
        C::InvalidCredentials => (
            "이메일 또는 비밀번호가 올바르지 않습니다.",
            "The e-mail or password is incorrect.",
        ),
        C::EmailTaken => (
            "이미 등록된 이메일입니다.",
            "This e-mail is already registered.",
        ),
        C::TeamNameTaken => ("이미 있는 팀 이름입니다.", "A team with this name exists."),
        C::SignupDisabled => (
            "이 서버는 직접 가입을 허용하지 않습니다. 관리자에게 계정을 요청해 주세요.",
            "Sign-up is disabled on this server. Ask an administrator for an account.",
        ),
        C::EmptyFile => ("빈 파일입니다.", "The file is empty."),
        C::FileTooLarge => (
            "파일이나 대화가 너무 커서 분석할 수 없습니다.",
            "The file or the conversation is too large to analyse.",
        ),
        C::UnsupportedFileType => (
            "텍스트로 읽을 수 없는 파일입니다.",
            "The file could not be read as text.",
        ),
        C::UnsupportedMediaType => (
            "지원하지 않는 요청 형식입니다.",
            "The request's media type is not supported.",
        ),
        C::NoTurnsFound => (
            "대화에서 상담원/고객 발화를 찾지 못했습니다. '상담원:'/'고객:' 같은 화자 표시가 있는지 확인해 주세요.",
            "No agent/customer turns were found. Check that the transcript labels its speakers (e.g. 'Agent:' / 'Customer:').",
        ),
        C::TooManyTurns => (
            "대화의 발화가 너무 많아 분석할 수 없습니다.",
            "The conversation has too many turns to analyse.",
        ),
        C::InvalidJsonlLine => (
            "대화 형식이 아닌 줄이 있습니다.",
            "A line is not a conversation.",
        ),
        C::MediaDecodeFailed => (
            "녹음 파일을 재생할 수 없습니다. 파일이 잘렸거나 손상되었을 수 있습니다. 원본 파일을 다시 올려 주세요.",
            "The recording could not be played: the file may be cut off or damaged. Please upload the original file again.",
        ),
        C::MediaTooLong => (
            "녹음이 너무 깁니다. 설정된 최대 길이보다 짧은 녹음을 올려 주세요.",
            "The recording is too long. Please upload a recording shorter than the configured maximum.",
        ),
        C::NoSpeechFound => (
            "녹음에서 말소리를 찾지 못했습니다. 소리가 녹음된 파일인지 확인해 주세요.",
            "No speech was found in the recording. Check that the file has sound.",
        ),
        C::SpeechUnavailable => (
            "음성 인식을 사용할 수 없습니다. 관리자에게 음성 인식 모델 설치를 요청해 주세요.",
            "Speech recognition is not available. Ask an administrator to install the speech model.",
        ),
        C::TranscriptionFailed => (
            "음성을 텍스트로 바꾸지 못했습니다. 잠시 후 다시 분석해 주세요.",
            "The recording could not be transcribed. Please try the analysis again later.",
        ),
        C::StorageUnavailable => (
            "저장소에서 파일을 읽지 못했습니다.",
            "The file could not be read from storage.",
        ),
        C::ProcessingFailed => (
            "분석 중 오류가 발생했습니다. 다시 시도해 주세요.",
            "The analysis failed. Please try again.",
        ),
        C::NotAnalysed => (
            "아직 분석이 끝나지 않았습니다. 분석이 끝난 뒤 다시 시도해 주세요.",
            "The analysis is not finished yet. Try again once it is.",
        ),
        C::DisputeResolved => (
            "이미 검토가 끝난 이의 제기입니다.",
            "This dispute has already been reviewed.",
        ),
        C::ShareLinkExpired => (
            "공유 링크의 유효 기간이 지났습니다. 보고서를 공유한 사람에게 새 링크를 요청하세요.",
            "This share link has expired. Ask the person who shared it for a new link.",
        ),
        C::ShareLinkRevoked => ("공유가 취소된 링크입니다.", "This share link was revoked."),
        C::ExportUnavailable => (
            "PDF에 쓸 한글 글꼴이 서버에 없습니다. 관리자에게 문의하세요 (fonts-nanum 설치 또는 exports.pdf_font 설정).",
            "The server has no Korean font for PDFs. Ask your administrator (install fonts-nanum or set exports.pdf_font).",
        ),
        C::BackupFailed => (
            "백업에 실패했습니다. 서버 로그와 백업 목록의 오류를 확인해 주세요.",
            "The backup failed. See the server log and the error in the backup list.",
        ),
        C::NetworkError => (
            "서버에 연결할 수 없습니다.",
            "The server cannot be reached.",
        ),
        C::BadResponse => (
            "서버의 응답을 이해하지 못했습니다.",
            "The server's answer could not be understood.",
        ),
        C::SubscriptionFailed => ("실시간 연결에 실패했습니다.", "The live connection failed."),
    }
}

/// The Korean and English message of a consultation's stored failure code (an unknown code reads
/// as a failed analysis).
pub fn failure_texts(code: &str) -> (&'static str, &'static str) {
    texts(ErrorCode::parse(code).unwrap_or(ErrorCode::ProcessingFailed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_korean_and_an_english_message() {
        for code in ErrorCode::ALL {
            let (ko, en) = texts(*code);
            assert!(
                ko.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
                "{code}"
            );
            assert!(en.is_ascii() && !en.is_empty(), "{code}");
        }
        assert_eq!(failure_texts("NO_SUCH"), texts(ErrorCode::ProcessingFailed));
    }
}
