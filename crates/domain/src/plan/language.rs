//! ISO 639 language codes.

use super::*;

/// An ISO 639 language code: 639-1 (`tr`), or 639-3 (`zgh`, `srn`, `pap`) for a
/// language that has no 639-1 code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "diesel",
    derive(diesel::expression::AsExpression, diesel::deserialize::FromSqlRow),
    diesel(sql_type = diesel::sql_types::Text)
)]
pub struct LanguageCode(String);

impl LanguageCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for LanguageCode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        use isolang::Language;
        match s.len() {
            2 if Language::from_639_1(s).is_some() => Ok(LanguageCode(s.to_string())),
            3 => match Language::from_639_3(s) {
                Some(language) => match language.to_639_1() {
                    Some(short) => Err(format!(
                        "{s:?} has the ISO 639-1 code {short:?} ({}); use that",
                        language.to_name()
                    )),
                    None => Ok(LanguageCode(s.to_string())),
                },
                None => Err(format!("{s:?} is not an ISO 639-3 language code")),
            },
            _ => Err(format!(
                "{s:?} is not an ISO 639 language code; use the lowercase ISO 639-1 code (\"tr\"), or ISO 639-3 (\"zgh\") where a language has no 639-1 code"
            )),
        }
    }
}

serde_via_str!(LanguageCode);

impl PartialSchema for LanguageCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "An ISO 639-1 language code, or an ISO 639-3 code for a language without a 639-1 code (Tamazight `zgh`, Sranan Tongo `srn`, Papiamento `pap`).",
            ))
            .pattern(Some("^[a-z]{2,3}$"))
            .examples([serde_json::json!("tr")])
            .into()
    }
}
impl ToSchema for LanguageCode {}

sql_via!(
    LanguageCode,
    diesel::sql_types::Text,
    String,
    |v| v.0.clone(),
    |i| Ok(LanguageCode(i))
);

/// Checks that no language appears twice in a list; each repeat is a problem at its
/// own index under `pointer`.
pub fn distinct_languages(
    errors: &mut crate::validation::Errors,
    pointer: &str,
    languages: &[LanguageCode],
) {
    for (i, language) in languages.iter().enumerate() {
        if languages[..i].contains(language) {
            errors.push(crate::validation::FieldError::body(
                format!("{pointer}/{i}"),
                format!("{language} appears more than once"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::{Errors, FieldError, Invalid};

    #[test]
    fn each_repeat_of_a_language_is_named_at_its_index() {
        let codes: Vec<LanguageCode> = ["tr", "nl", "tr", "ar", "nl"]
            .iter()
            .map(|c| c.parse().expect("a known code"))
            .collect();
        let mut errors = Errors::default();
        distinct_languages(&mut errors, "/languages", &codes);
        assert_eq!(
            errors.finish(),
            Err(Invalid(vec![
                FieldError::body("/languages/2", "tr appears more than once"),
                FieldError::body("/languages/4", "nl appears more than once"),
            ]))
        );
        let mut errors = Errors::default();
        distinct_languages(&mut errors, "/languages", &codes[..2]);
        assert_eq!(errors.finish(), Ok(()));
    }
}
