//! Rules for free text fields.

/// Trims `value` and checks its length in characters: at most `max` as sent (the
/// schema's `maxLength`), at least `min` once trimmed. Returns the trimmed text or a
/// message for the field error.
pub fn bounded(value: &str, min: usize, max: usize) -> Result<String, String> {
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
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
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    let spaced = value.split_whitespace().collect::<Vec<_>>().join(" ");
    bounded(&spaced, min, max)
}

/// White space as `str::trim` and `split_whitespace` know it (Unicode White_Space), as a
/// regular expression class body.
const WHITE: &str =
    r"\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// The control characters [`bounded`] refuses (all but tab, line feed and carriage
/// return), as a class body.
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// [`CONTROL`] without the white space among them, which [`single_spaced`] makes a space.
const CONTROL_NOT_WHITE: &str = r"\u0000-\u0008\u000E-\u001F\u007F-\u0084\u0086-\u009F";

/// The pattern of what [`bounded`] takes (or [`single_spaced`], with `spaced`): white
/// space around, and inside no control character; with `required`, not only white space.
/// No `\s`, whose meaning differs between regular expression dialects.
pub fn pattern(required: bool, spaced: bool) -> String {
    let inside = if spaced { CONTROL_NOT_WHITE } else { CONTROL };
    let core = format!("[^{inside}]*[^{WHITE}{CONTROL}]");
    if required {
        format!("^[{WHITE}]*{core}[{WHITE}]*$")
    } else {
        format!("^[{WHITE}]*({core})?[{WHITE}]*$")
    }
}

#[cfg(test)]
mod tests {
    use super::{bounded, pattern, single_spaced};

    #[test]
    fn the_text_pattern_takes_exactly_what_the_rules_take() {
        let alphabet = [
            'a', 'é', ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{1}', '\u{1c}', '\u{7f}',
            '\u{85}', '\u{a0}', '\u{2028}', '\u{feff}',
        ];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.chars().count() == texts.last().unwrap().chars().count())
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for (required, spaced) in [(false, false), (true, false), (true, true)] {
            let regex = regex::Regex::new(&pattern(required, spaced)).unwrap();
            let min = usize::from(required);
            for text in &texts {
                let taken = if spaced {
                    single_spaced(text, min, 100).is_ok()
                } else {
                    bounded(text, min, 100).is_ok()
                };
                assert_eq!(
                    regex.is_match(text),
                    taken,
                    "{text:?} required {required} spaced {spaced}"
                );
            }
        }
    }

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
