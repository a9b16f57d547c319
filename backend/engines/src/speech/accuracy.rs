//! Word and character error rates, for the speech tests and the benchmark.
//!
//! Both compare normalised text: lowercase, punctuation removed. The character error rate (for
//! Korean) ignores spaces, since Korean spacing varies freely between writers; the word error rate
//! (for English) compares words.

/// Edit distance between two sequences (substitutions, insertions, deletions).
fn edit_distance<T: PartialEq>(reference: &[T], hypothesis: &[T]) -> usize {
    let mut previous: Vec<usize> = (0..=hypothesis.len()).collect();
    let mut current = vec![0; hypothesis.len() + 1];
    for (i, r) in reference.iter().enumerate() {
        current[0] = i + 1;
        for (j, h) in hypothesis.iter().enumerate() {
            let substitution = previous[j] + usize::from(r != h);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[hypothesis.len()]
}

/// Errors and reference length of a comparison; rates add up over several clips by summing both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ErrorCount {
    /// Edits needed.
    pub errors: usize,
    /// Units (characters or words) in the reference.
    pub reference: usize,
}

impl ErrorCount {
    /// The rate, 0 for an empty reference.
    pub fn rate(&self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let rate = self.errors as f64 / self.reference.max(1) as f64;
        rate
    }

    /// Both counts summed.
    pub fn plus(self, other: Self) -> Self {
        Self {
            errors: self.errors + other.errors,
            reference: self.reference + other.reference,
        }
    }
}

/// Character errors, ignoring case, punctuation and spaces.
pub fn character_errors(reference: &str, hypothesis: &str) -> ErrorCount {
    let chars = |s: &str| -> Vec<char> {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let (r, h) = (chars(reference), chars(hypothesis));
    ErrorCount {
        errors: edit_distance(&r, &h),
        reference: r.len(),
    }
}

/// Word errors, ignoring case and punctuation (apostrophes stay: "don't").
pub fn word_errors(reference: &str, hypothesis: &str) -> ErrorCount {
    let words = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let (r, h) = (words(reference), words(hypothesis));
    ErrorCount {
        errors: edit_distance(&r, &h),
        reference: r.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_errors_ignore_spacing_and_punctuation() {
        let count = character_errors(
            "업로드된 오디오를, 재생합니다.",
            "업로드 된 오디오를 재생합니다",
        );
        assert_eq!(
            count,
            ErrorCount {
                errors: 0,
                reference: 13
            }
        );
        // 란→라 and 히→니: two substitutions.
        let count = character_errors("나란히 비교", "나라니 비교");
        assert_eq!(count.errors, 2);
    }

    #[test]
    fn word_errors_count_substitutions_insertions_and_deletions() {
        let count = word_errors("Thank you for calling.", "thank you for the call");
        assert_eq!(
            count,
            ErrorCount {
                errors: 2,
                reference: 4
            }
        );
        assert!((count.rate() - 0.5).abs() < 1e-9);
        let total = count.plus(word_errors("don't stop", "don't stop"));
        assert_eq!(
            total,
            ErrorCount {
                errors: 2,
                reference: 6
            }
        );
    }
}
