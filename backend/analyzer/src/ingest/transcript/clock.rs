//! Clock timestamps (`hh:mm:ss`, `mm:ss`, with an optional `.mmm`/`,mmm` fraction) → milliseconds,
//! and wall-clock date-times of chat exports (`2024-01-05 14:30:00`, `2024. 1. 5. 오후 2:30`,
//! `2024년 1월 5일 오후 2:30`) → milliseconds since the epoch (time zone ignored: a transcript's
//! times are only compared with each other).

use std::sync::LazyLock;

use regex::Regex;

/// The date-time pattern shared by [`parse_date_time`] and the KakaoTalk line patterns: year,
/// month, day (separated by `-`, `.`, `/` or 년/월/일), an optional weekday, then an optional
/// 오전/오후/AM/PM before or after `h:mm[:ss[.fff]]`, and an optional UTC offset.
pub(super) const DATE_TIME_PATTERN: &str = r"(?x:
    (?P<year>\d{4}) \s* [-./년] \s* (?P<month>\d{1,2}) \s* [-./월] \s* (?P<day>\d{1,2}) \s* [.일]?
    (?: \s* (?: \( [^)]{1,4} \) | [월화수목금토일]요일 ) )?
    (?: \s* T | \s* ,)? \s*
    (?P<ampm1>오전|오후|AM|PM|am|pm)? \s*
    (?P<hour>\d{1,2}) : (?P<minute>\d{2}) (?: : (?P<second>\d{2}) (?: [.,] (?P<fraction>\d{1,9}) )? )?
    (?: \s* (?P<ampm2>오전|오후|AM|PM|am|pm) )?
    (?: \s* (?: Z | [+-]\d{2}:?\d{2} ) )?
)";

/// [`DATE_TIME_PATTERN`] as a whole value.
static DATE_TIME: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*{DATE_TIME_PATTERN}\s*$")).ok());

/// Parses a wall-clock date-time into milliseconds since the epoch (as if it were UTC).
pub(super) fn parse_date_time(value: &str) -> Option<i64> {
    let captures = DATE_TIME.as_ref()?.captures(value)?;
    date_time_from_captures(&captures)
}

/// Milliseconds since the epoch from the named groups of [`DATE_TIME_PATTERN`].
pub(super) fn date_time_from_captures(captures: &regex::Captures<'_>) -> Option<i64> {
    let number = |name: &str| -> Option<u32> { captures.name(name)?.as_str().parse().ok() };
    let year = i32::try_from(number("year")?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, number("month")?, number("day")?)?;
    let mut hour = number("hour")?;
    let meridiem = captures
        .name("ampm1")
        .or_else(|| captures.name("ampm2"))
        .map(|m| m.as_str());
    match meridiem {
        Some("오후" | "PM" | "pm") if (1..12).contains(&hour) => hour += 12,
        Some("오전" | "AM" | "am") if hour == 12 => hour = 0,
        _ => {}
    }
    let millis = captures.name("fraction").map_or(Some(0), |f| {
        let digits = f.as_str().get(..3).unwrap_or(f.as_str());
        let scale = 10u32.pow(3 - u32::try_from(digits.len()).ok()?);
        digits.parse::<u32>().ok().map(|v| v * scale)
    })?;
    let time = chrono::NaiveTime::from_hms_milli_opt(
        hour,
        number("minute")?,
        number("second").unwrap_or(0),
        millis,
    )?;
    Some(date.and_time(time).and_utc().timestamp_millis())
}

/// Parses `h:mm:ss[.fff]` or `m:ss[.fff]` (also with `,` before the fraction, as in SRT).
pub(super) fn parse_clock(value: &str) -> Option<u64> {
    let value = value.trim();
    let (whole, fraction) = match value.find(['.', ',']) {
        Some(at) => (value.get(..at)?, Some(value.get(at + 1..)?)),
        None => (value, None),
    };
    let mut parts = [0u64; 3];
    let mut count = 0usize;
    for part in whole.split(':') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let slot = parts.get_mut(count)?;
        *slot = part.parse().ok()?;
        count += 1;
    }
    let (hours, minutes, seconds) = match count {
        2 => (0, parts[0], parts[1]),
        3 => (parts[0], parts[1], parts[2]),
        _ => return None,
    };
    if seconds >= 60 || (count == 3 && minutes >= 60) || hours > 99 {
        return None;
    }
    let millis = match fraction {
        None => 0,
        Some(digits)
            if !digits.is_empty()
                && digits.len() <= 3
                && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let parsed: u64 = digits.parse().ok()?;
            parsed * 10u64.pow(3 - u32::try_from(digits.len()).ok()?)
        }
        Some(_) => return None,
    };
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// Whether a string is a clock timestamp.
pub(super) fn is_clock(value: &str) -> bool {
    parse_clock(value).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_forms_parse_to_milliseconds() {
        assert_eq!(parse_clock("00:00:05"), Some(5_000));
        assert_eq!(parse_clock("01:02"), Some(62_000));
        assert_eq!(parse_clock("1:02:03.5"), Some(3_723_500));
        assert_eq!(parse_clock("00:00:01,250"), Some(1_250));
        assert_eq!(parse_clock("120:00"), Some(7_200_000));
    }

    #[test]
    fn chat_export_date_times_parse_to_comparable_milliseconds() {
        let base = parse_date_time("2024-01-05 14:30:00").unwrap_or_default();
        for (value, offset_ms) in [
            ("2024-01-05T14:30:00", 0),
            ("2024-01-05 14:30", 0),
            ("2024/01/05 14:30:15", 15_000),
            ("2024-01-05T14:30:00.250Z", 250),
            ("2024-01-05 14:30:00+09:00", 0),
            ("2024. 1. 5. 오후 2:31", 60_000),
            ("2024년 1월 5일 오후 2:30", 0),
            ("2024년 1월 5일 금요일 오후 2:32", 120_000),
            ("2024-01-05 2:30:00 PM", 0),
            ("2024-01-05 오전 12:00", -52_200_000),
        ] {
            assert_eq!(
                parse_date_time(value).map(|ms| ms - base),
                Some(offset_ms),
                "{value}"
            );
        }
        for bad in [
            "",
            "2024-13-01 10:00",
            "2024-02-30 10:00",
            "10:00",
            "2024-01-05",
            "2024-01-05 25:00",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn malformed_clocks_are_rejected() {
        for bad in [
            "",
            "5",
            "1:2:3:4",
            "00:60",
            "00:61:00",
            "a:b",
            "1:",
            ":1",
            "00:00.1234",
            "1.5",
            "00:00.",
            "１:00",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }
}
