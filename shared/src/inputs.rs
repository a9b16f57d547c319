//! Validated inputs: each newtype can only be built through `parse`, so the SPA and the server reject
//! the same values with the same messages.

use serde::{Deserialize, Serialize};

/// Why an input was rejected; carries a stable code and a bilingual message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message_en}")]
pub struct InputError {
    /// Which field was rejected.
    pub field: &'static str,
    /// Korean message for counselors.
    pub message_ko: String,
    /// English message.
    pub message_en: String,
}

impl InputError {
    fn new(field: &'static str, ko: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            field,
            message_ko: ko.into(),
            message_en: en.into(),
        }
    }
}

/// A normalised (trimmed, lower-case) e-mail address used as the login name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// Longest accepted address (RFC 5321 path limit).
    pub const MAX_LEN: usize = 254;

    /// Validates and normalises an e-mail address.
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let value = raw.trim().to_lowercase();
        let invalid = || {
            InputError::new(
                "email",
                "올바른 이메일 주소를 입력해 주세요.",
                "Please enter a valid e-mail address.",
            )
        };
        if value.is_empty() || value.chars().count() > Self::MAX_LEN {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok =
            !local.is_empty() && !local.contains(char::is_whitespace) && !local.contains('@');
        if domain_ok && local_ok {
            Ok(Self(value))
        } else {
            Err(invalid())
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password offered at login or chosen by a user.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Shortest password a user may choose (OWASP ASVS 2.1.1).
    pub const MIN_NEW_LEN: usize = 12;
    /// Longest password accepted at all (bounds hashing work).
    pub const MAX_LEN: usize = 128;

    /// Accepts any non-empty password of bounded length (for login).
    pub fn parse_existing(raw: &str) -> Result<Self, InputError> {
        let len = raw.chars().count();
        if len == 0 || len > Self::MAX_LEN {
            return Err(InputError::new(
                "password",
                "비밀번호를 입력해 주세요 (최대 128자).",
                "Please enter your password (at most 128 characters).",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Accepts a newly chosen password of at least [`Self::MIN_NEW_LEN`] characters.
    pub fn parse_new(raw: &str) -> Result<Self, InputError> {
        let len = raw.chars().count();
        if !(Self::MIN_NEW_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(InputError::new(
                "password",
                format!(
                    "비밀번호는 {}자 이상 {}자 이하여야 합니다.",
                    Self::MIN_NEW_LEN,
                    Self::MAX_LEN
                ),
                format!(
                    "Passwords must be {} to {} characters long.",
                    Self::MIN_NEW_LEN,
                    Self::MAX_LEN
                ),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A rating of an analysis: 1 (not useful) to 5 (very useful).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating(u8);

impl Rating {
    /// Validates a rating.
    pub fn parse(raw: i64) -> Result<Self, InputError> {
        match u8::try_from(raw) {
            Ok(value @ 1..=5) => Ok(Self(value)),
            _ => Err(InputError::new(
                "rating",
                "평점은 1점부터 5점까지 선택해 주세요.",
                "Ratings go from 1 to 5.",
            )),
        }
    }

    /// The rating, 1-5.
    pub fn value(self) -> u8 {
        self.0
    }
}

/// A whole number within a survey question's scale (`0..=10` for NPS, `0..=100` for percent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleAnswer(u8);

impl ScaleAnswer {
    /// Validates `raw` against `min..=max` (at most 100); `field` names the question.
    pub fn parse(raw: i64, min: u8, max: u8, field: &'static str) -> Result<Self, InputError> {
        match u8::try_from(raw) {
            Ok(value) if (min..=max).contains(&value) => Ok(Self(value)),
            _ => Err(InputError::new(
                field,
                format!("{min}부터 {max} 사이의 값을 선택해 주세요."),
                format!("Choose a value from {min} to {max}."),
            )),
        }
    }

    /// The answer.
    pub fn value(self) -> u8 {
        self.0
    }
}

/// An optional feedback comment: trimmed, at most 2,000 characters, line breaks allowed but no
/// other control characters; blank means none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackComment(Option<String>);

impl FeedbackComment {
    /// Longest accepted comment, in characters.
    pub const MAX_LEN: usize = 2000;

    /// Validates a comment.
    pub fn parse(raw: Option<&str>) -> Result<Self, InputError> {
        let value = raw.map(str::trim).filter(|v| !v.is_empty());
        if let Some(value) = value
            && (value.chars().count() > Self::MAX_LEN
                || value
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
        {
            return Err(InputError::new(
                "comment",
                "의견은 2,000자 이하로, 제어 문자 없이 입력해 주세요.",
                "Comments must be at most 2,000 characters without control characters.",
            ));
        }
        Ok(Self(value.map(str::to_owned)))
    }

    /// The comment, when there is one.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// How long a share link stays valid, in hours: 1 hour to 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLifetime(u16);

impl ShareLifetime {
    /// Shortest lifetime, in hours.
    pub const MIN_HOURS: i64 = 1;
    /// Longest lifetime, in hours (30 days).
    pub const MAX_HOURS: i64 = 720;
    /// The lifetime offered when none is chosen (7 days).
    pub const DEFAULT_HOURS: u16 = 168;

    /// Validates a lifetime in hours.
    pub fn parse(hours: i64) -> Result<Self, InputError> {
        match u16::try_from(hours) {
            Ok(h) if (Self::MIN_HOURS..=Self::MAX_HOURS).contains(&hours) => Ok(Self(h)),
            _ => Err(InputError::new(
                "expiresInHours",
                "공유 링크 유효 기간은 1시간에서 720시간(30일) 사이여야 합니다.",
                "A share link must be valid for 1 to 720 hours (30 days).",
            )),
        }
    }

    /// The lifetime in milliseconds.
    pub fn as_millis(self) -> i64 {
        i64::from(self.0) * 3_600_000
    }
}

/// Why a counselor disputes an improvement item: trimmed, 5 to 1,000 characters, line breaks
/// allowed but no other control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeReason(String);

impl DisputeReason {
    /// Shortest accepted reason, in characters.
    pub const MIN_LEN: usize = 5;
    /// Longest accepted reason, in characters.
    pub const MAX_LEN: usize = 1000;

    /// Validates a reason.
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let value = raw.trim();
        let len = value.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len)
            || value
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(InputError::new(
                "reason",
                "이의 사유를 5자 이상 1,000자 이하로, 제어 문자 없이 입력해 주세요.",
                "Give a reason of 5 to 1,000 characters without control characters.",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A real date written `YYYY-MM-DD`.
fn parse_date(raw: &str, field: &'static str) -> Result<chrono::NaiveDate, InputError> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        InputError::new(
            field,
            "날짜는 YYYY-MM-DD 형식의 실제 날짜로 입력해 주세요.",
            "Dates must be real dates written as YYYY-MM-DD.",
        )
    })
}

fn check_order(from: chrono::NaiveDate, to: chrono::NaiveDate) -> Result<(), InputError> {
    if from > to {
        return Err(InputError::new(
            "to",
            "끝 날짜는 시작 날짜와 같거나 그 이후여야 합니다.",
            "The end date must not be before the start date.",
        ));
    }
    Ok(())
}

/// Optional first and last days of a list filter (`YYYY-MM-DD`, both included, in order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayBounds {
    /// The first day.
    pub from: Option<chrono::NaiveDate>,
    /// The last day (included).
    pub to: Option<chrono::NaiveDate>,
}

impl DayBounds {
    /// Validates the days given (blank: none).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self, InputError> {
        let day = |raw: Option<&str>, field| {
            raw.map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| parse_date(r, field))
                .transpose()
        };
        let bounds = Self {
            from: day(from, "from")?,
            to: day(to, "to")?,
        };
        if let (Some(from), Some(to)) = (bounds.from, bounds.to) {
            check_order(from, to)?;
        }
        Ok(bounds)
    }
}

/// A search term: trimmed, at most 100 characters, no control characters; blank means none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchTerm(String);

impl SearchTerm {
    /// Longest accepted term, in characters.
    pub const MAX_LEN: usize = 100;

    /// Validates a search term.
    pub fn parse(raw: Option<&str>) -> Result<Option<Self>, InputError> {
        let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
            return Ok(None);
        };
        if value.chars().count() > Self::MAX_LEN || value.chars().any(char::is_control) {
            return Err(InputError::new(
                "search",
                "검색어는 100자 이하로, 제어 문자 없이 입력해 주세요.",
                "Search terms must be at most 100 characters without control characters.",
            ));
        }
        Ok(Some(Self(value.to_owned())))
    }

    /// The term.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A range of whole calendar days, both ends included (`YYYY-MM-DD`), for KPIs and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRange {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
}

impl DayRange {
    /// Longest accepted range, in days (two years, leap day included).
    pub const MAX_DAYS: i64 = 731;

    /// Validates two `YYYY-MM-DD` dates: real dates, `from` not after `to`, at most
    /// [`Self::MAX_DAYS`] days.
    pub fn parse(from: &str, to: &str) -> Result<Self, InputError> {
        let (from, to) = (parse_date(from, "from")?, parse_date(to, "to")?);
        check_order(from, to)?;
        let range = Self { from, to };
        if range.days() > Self::MAX_DAYS {
            return Err(InputError::new(
                "to",
                format!("기간은 최대 {}일까지 조회할 수 있습니다.", Self::MAX_DAYS),
                format!("A range may span at most {} days.", Self::MAX_DAYS),
            ));
        }
        Ok(range)
    }

    /// The first day.
    pub fn from(&self) -> chrono::NaiveDate {
        self.from
    }

    /// The last day (included).
    pub fn to(&self) -> chrono::NaiveDate {
        self.to
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The first and last day as days since 1970-01-01.
    pub fn epoch_days(&self) -> (i64, i64) {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        ((self.from - epoch).num_days(), (self.to - epoch).num_days())
    }
}

/// A consultation title: trimmed, 1-200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Title(String);

impl Title {
    /// Longest accepted title.
    pub const MAX_LEN: usize = 200;

    /// Validates a title.
    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let value = raw.trim();
        if value.is_empty()
            || value.chars().count() > Self::MAX_LEN
            || value.chars().any(char::is_control)
        {
            return Err(InputError::new(
                "title",
                "제목은 1자 이상 200자 이하로, 제어 문자 없이 입력해 주세요.",
                "Titles must be 1 to 200 characters without control characters.",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// Derives a title from an uploaded file name (its stem, cleaned), or a default.
    pub fn from_file_name(name: &str) -> Self {
        let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
        let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
        let cleaned: String = stem
            .chars()
            .filter(|c| !c.is_control())
            .take(Self::MAX_LEN)
            .collect();
        match Self::parse(&cleaned) {
            Ok(title) => title,
            Err(_) => Self("상담".to_owned()),
        }
    }

    /// The title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_filters_take_optional_ordered_days_and_bounded_search_terms() {
        let bounds =
            DayBounds::parse(Some("2026-11-01"), None).map(|b| (b.from.is_some(), b.to.is_some()));
        assert_eq!(bounds, Ok((true, false)));
        assert_eq!(
            DayBounds::parse(Some(" "), Some("")),
            Ok(DayBounds::default())
        );
        assert_eq!(
            DayBounds::parse(Some("2026-11-02"), Some("2026-11-01")).map_err(|e| e.field),
            Err("to")
        );
        assert_eq!(
            DayBounds::parse(Some("2026-02-30"), None).map_err(|e| e.field),
            Err("from")
        );
        assert_eq!(
            SearchTerm::parse(Some("  결제  ")).map(|t| t.map(|t| t.as_str().to_owned())),
            Ok(Some("결제".to_owned()))
        );
        assert_eq!(SearchTerm::parse(Some("   ")), Ok(None));
        assert_eq!(
            SearchTerm::parse(Some(&"가".repeat(101))).map_err(|e| e.field),
            Err("search")
        );
    }

    #[test]
    fn share_lifetimes_between_an_hour_and_thirty_days_are_accepted() {
        assert_eq!(
            ShareLifetime::parse(1).map(ShareLifetime::as_millis),
            Ok(3_600_000)
        );
        assert!(ShareLifetime::parse(720).is_ok());
        for bad in [0, -1, 721, i64::MAX] {
            assert_eq!(
                ShareLifetime::parse(bad).map_err(|e| e.field),
                Err("expiresInHours")
            );
        }
    }

    #[test]
    fn dispute_reasons_are_trimmed_and_bounded() {
        assert_eq!(
            DisputeReason::parse("  고객이 먼저 끊었습니다.  ").map(|r| r.as_str().to_owned()),
            Ok("고객이 먼저 끊었습니다.".to_owned())
        );
        assert!(DisputeReason::parse("줄\n바꿈 허용").is_ok());
        for bad in ["", "짧음", "bad\u{0}reason", &"가".repeat(1001)] {
            assert_eq!(
                DisputeReason::parse(bad).map_err(|e| e.field),
                Err("reason")
            );
        }
    }

    #[test]
    fn a_day_range_accepts_real_ordered_dates_within_two_years_only() {
        let range =
            DayRange::parse("2026-11-01", " 2026-11-30 ").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(range.days(), 30);
        assert_eq!(range.epoch_days(), (20_758, 20_787));
        assert!(
            DayRange::parse("2026-02-29", "2026-03-01").is_err(),
            "not a date"
        );
        assert!(
            DayRange::parse("2026-11-30", "2026-11-01").is_err(),
            "reversed"
        );
        assert!(
            DayRange::parse("11/01/2026", "2026-11-30").is_err(),
            "format"
        );
        assert!(DayRange::parse("2024-01-01", "2025-12-31").is_ok());
        let error = DayRange::parse("2024-01-01", "2026-01-02").err();
        assert_eq!(error.map(|e| e.field), Some("to"), "longer than 731 days");
    }

    #[test]
    fn emails_are_trimmed_lowercased_and_checked() {
        assert_eq!(
            Email::parse("  Kim@Example.COM ").map(|e| e.0),
            Ok("kim@example.com".into())
        );
        for bad in [
            "",
            "kim",
            "@example.com",
            "kim@",
            "kim@.com",
            "kim@exa mple.com",
            "a@b..c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn new_passwords_need_twelve_characters_but_login_accepts_any_nonempty() {
        assert!(Password::parse_new("short").is_err());
        assert!(Password::parse_new("비밀번호는열두자이상입니다").is_ok());
        assert!(Password::parse_existing("x").is_ok());
        assert!(Password::parse_existing("").is_err());
        assert!(Password::parse_existing(&"x".repeat(129)).is_err());
        assert_eq!(
            format!("{:?}", Password::parse_existing("secret").ok()),
            "Some(Password(***))"
        );
    }

    #[test]
    fn titles_come_from_file_names_without_paths_or_extensions() {
        assert_eq!(
            Title::from_file_name("../../etc/상담_0101.txt").as_str(),
            "상담_0101"
        );
        assert_eq!(Title::from_file_name("C:\\x\\call.srt").as_str(), "call");
        assert_eq!(Title::from_file_name(".txt").as_str(), "상담");
        assert!(Title::parse("a\u{0007}b").is_err());
    }

    #[test]
    fn ratings_are_one_to_five_and_comments_are_bounded() {
        assert_eq!(Rating::parse(4).map(Rating::value), Ok(4));
        for bad in [0, 6, -1, 300] {
            assert!(Rating::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            FeedbackComment::parse(Some("  ")).map(|c| c.as_deref().is_none()),
            Ok(true)
        );
        assert_eq!(
            FeedbackComment::parse(Some(" 도움이 됐어요\n감사합니다 "))
                .map(|c| c.as_deref().map(str::to_owned)),
            Ok(Some("도움이 됐어요\n감사합니다".to_owned()))
        );
        assert!(FeedbackComment::parse(Some(&"가".repeat(2001))).is_err());
        assert!(FeedbackComment::parse(Some("bell\u{7}")).is_err());
    }

    #[test]
    fn scale_answers_stay_within_their_scale() {
        assert_eq!(
            ScaleAnswer::parse(10, 0, 10, "nps").map(ScaleAnswer::value),
            Ok(10)
        );
        assert_eq!(
            ScaleAnswer::parse(0, 0, 10, "nps").map(ScaleAnswer::value),
            Ok(0)
        );
        let error = ScaleAnswer::parse(11, 0, 10, "nps").err();
        assert_eq!(error.as_ref().map(|e| e.field), Some("nps"));
        assert!(error.is_some_and(|e| e.message_ko.contains("0부터 10")));
        assert!(ScaleAnswer::parse(-1, 0, 100, "timeSavedPct").is_err());
    }
}
