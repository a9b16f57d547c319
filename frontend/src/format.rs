//! Locale-aware formatting of sizes, times and ratios for display.

use wasm_bindgen::JsValue;

use crate::i18n::Lang;

/// The server's default KPI time zone (Korea), assumed until an answer tells the real one.
pub const DEFAULT_OFFSET_MINUTES: i32 = 540;

/// Today in the time zone `offset_minutes` east of UTC (the one the server counts KPI days in).
pub fn today(offset_minutes: i32) -> chrono::NaiveDate {
    let ms = js_sys::Date::now() + f64::from(offset_minutes) * 60_000.0;
    // The cast is exact for any clock reading (far below 2^53 ms).
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The `days` days ending `last`, both included.
pub fn last_days(last: chrono::NaiveDate, days: i64) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let first = last
        .checked_sub_signed(chrono::TimeDelta::days(days - 1))
        .unwrap_or(last);
    (first, last)
}

/// A byte count in B, KB, MB or GB (1024-based, one decimal above bytes).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    // Precision loss above 2^53 bytes does not matter for display.
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// An RFC 3339 timestamp as a short local date and time in the UI language; the input unchanged
/// when it does not parse.
pub fn format_datetime(rfc3339: &str, lang: Lang) -> String {
    let ms = js_sys::Date::parse(rfc3339);
    if ms.is_nan() {
        return rfc3339.to_owned();
    }
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let options = js_sys::Object::new();
    for (key, value) in [
        ("year", "numeric"),
        ("month", "short"),
        ("day", "numeric"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        // Setting a plain property on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    let locale = match lang {
        Lang::Ko => "ko-KR",
        Lang::En => "en-US",
    };
    String::from(date.to_locale_string(locale, &options))
}

/// Milliseconds as `m:ss` (or `h:mm:ss`).
pub fn format_clock(ms: u64) -> String {
    let total = ms / 1000;
    let (hours, minutes, seconds) = (total / 3600, (total / 60) % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// A 0-1 ratio as a whole percentage.
pub fn format_ratio(ratio: f64) -> String {
    format!("{:.0}%", (ratio * 100.0).clamp(0.0, 100.0))
}

/// A -1..1 sentiment with an explicit sign.
pub fn format_sentiment(value: f64) -> String {
    format!("{value:+.2}")
}

/// A `YYYY-MM-DD` day (what `<input type="date">` and the API use); `None` for anything else.
/// Written by hand: chrono's parser would bring its whole format machinery into the WASM.
pub fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    let mut parts = text.split('-');
    let mut number = |len: usize| {
        parts
            .next()
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (year, month, day) = (number(4)?, number(2)?, number(2)?);
    if parts.next().is_some() {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// A figure for display: thousands separated, two decimals below 10, one below 1,000, none above,
/// without trailing zeros (`1,234`, `98.5`, `0.25`, `-3`).
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let decimals = match value.abs() {
        v if v >= 1000.0 => 0,
        v if v >= 10.0 => 1,
        _ => 2,
    };
    let fixed = format!("{value:.decimals$}");
    let (sign, digits) = match fixed.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", fixed.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let fraction = fraction.trim_end_matches('0');
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    // Rounding can leave "-0".
    let sign = if grouped == "0" && fraction.is_empty() {
        ""
    } else {
        sign
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_clocks_and_ratios_read_naturally() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(1536), "1.5 KB");
        assert_eq!(format_bytes(5 * 1024 * 1024), "5.0 MB");
        assert_eq!(format_clock(65_000), "1:05");
        assert_eq!(format_clock(3_725_000), "1:02:05");
        assert_eq!(format_ratio(0.624), "62%");
        assert_eq!(format_sentiment(0.5), "+0.50");
    }

    #[test]
    fn kpi_figures_are_grouped_and_keep_only_meaningful_decimals() {
        assert_eq!(format_number(1_234_567.4), "1,234,567");
        assert_eq!(format_number(98.46), "98.5");
        assert_eq!(format_number(100.0), "100");
        assert_eq!(format_number(0.25), "0.25");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(-0.001), "0");
        assert_eq!(format_number(-1500.0), "-1,500");
        assert_eq!(format_number(f64::NAN), "—");
    }

    #[test]
    fn only_real_iso_days_parse() {
        assert_eq!(
            parse_day("2026-02-28").map(|d| d.to_string()),
            Some("2026-02-28".to_owned())
        );
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "26-02-28",
            "2026-02-28-1",
            "",
            "２０２６-02-28",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
