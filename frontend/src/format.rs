//! Locale-aware formatting of sizes, times and ratios for display.

use wasm_bindgen::JsValue;

use crate::i18n::Lang;

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
}
