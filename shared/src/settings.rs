//! Validation of the server's typed settings: every crate's settings struct checks its own values
//! with these helpers, so a bad value is reported the same way wherever it is read (the dotted
//! setting name and what is wrong with it).

/// A setting whose value is out of range or inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid setting `{key}`: {reason}")]
pub struct InvalidSetting {
    /// Dotted name of the setting (`speech.threads`).
    pub key: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

/// An [`InvalidSetting`] for `key`.
pub fn invalid(key: &'static str, reason: &str) -> InvalidSetting {
    InvalidSetting {
        key,
        reason: reason.to_owned(),
    }
}

/// Rejects `value` outside `range`, naming the setting.
///
/// Errors: an [`InvalidSetting`] that states the range and the value.
pub fn check_range<T>(
    key: &'static str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<(), InvalidSetting>
where
    T: PartialOrd + std::fmt::Display,
{
    if range.contains(&value) {
        Ok(())
    } else {
        Err(InvalidSetting {
            key,
            reason: format!(
                "must be between {} and {} (got {value})",
                range.start(),
                range.end()
            ),
        })
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]
mod tests {
    use super::*;

    #[test]
    fn a_value_outside_its_range_names_the_setting_the_range_and_the_value() {
        let error = check_range("speech.threads", 0, 1..=64).unwrap_err();
        assert_eq!(error.key, "speech.threads");
        assert_eq!(
            error.to_string(),
            "invalid setting `speech.threads`: must be between 1 and 64 (got 0)"
        );
        assert!(check_range("speech.threads", 64, 1..=64).is_ok());
    }
}
