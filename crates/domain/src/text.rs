//! Rules for free text fields.

/// Trims `value` and checks its length in characters. Returns the trimmed text or a
/// message for the field error.
pub fn bounded(value: &str, min: usize, max: usize) -> Result<String, String> {
    let trimmed = value.trim();
    let len = trimmed.chars().count();
    if len < min {
        return Err(if min == 1 {
            "must not be empty".to_string()
        } else {
            format!("must be at least {min} characters")
        });
    }
    if len > max {
        return Err(format!("must be at most {max} characters"));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err("must not contain control characters".to_string());
    }
    Ok(trimmed.to_string())
}

/// [`bounded`], with every run of white space inside made one space: a name as a
/// register keeps it, so that `Gemeente  Utrecht` and `Gemeente Utrecht` are one name.
pub fn single_spaced(value: &str, min: usize, max: usize) -> Result<String, String> {
    let spaced = value.split_whitespace().collect::<Vec<_>>().join(" ");
    bounded(&spaced, min, max)
}

#[cfg(test)]
mod tests {
    use super::{bounded, single_spaced};

    #[test]
    fn single_spaced_makes_every_run_of_white_space_one_space() {
        assert_eq!(
            single_spaced(" Gemeente \t  Utrecht ", 1, 200).unwrap(),
            "Gemeente Utrecht"
        );
        assert_eq!(
            single_spaced("Oranje\nFonds", 1, 200).unwrap(),
            "Oranje Fonds"
        );
        assert_eq!(
            single_spaced(" \t ", 1, 200).unwrap_err(),
            "must not be empty"
        );
        assert!(single_spaced("abcde", 1, 4).is_err());
    }

    #[test]
    fn trims_and_bounds_in_characters_not_bytes() {
        assert_eq!(bounded("  Zorg  ", 1, 10).unwrap(), "Zorg");
        assert_eq!(bounded("ëëëë", 1, 4).unwrap(), "ëëëë");
        assert!(bounded("ëëëëë", 1, 4).is_err());
        assert_eq!(bounded("   ", 1, 4).unwrap_err(), "must not be empty");
        assert!(bounded("a\u{0}b", 1, 4).is_err());
    }
}
