//! Clock timestamps (`hh:mm:ss`, `mm:ss`, with an optional `.mmm`/`,mmm` fraction) → milliseconds.

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
