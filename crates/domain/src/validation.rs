//! Problems with what a client sent, each naming where it is (a body field, a parameter,
//! a header or a CSV cell): the rules of the domain report them, the HTTP layer sends
//! them as the `errors` of a 422 problem document.

use serde::Serialize;
use utoipa::ToSchema;

/// Where in the request a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON Pointer (RFC 6901) into the request body, e.g. `/name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// Name of the query or path parameter, e.g. `limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// Name of the request header, e.g. `If-Match`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// Line of an uploaded CSV file (the header is line 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Column of an uploaded CSV file, by its header.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub column: Option<Box<str>>,
    /// What is wrong, in a sentence a developer can act on.
    pub message: String,
}

impl FieldError {
    /// A problem with a body field; `pointer` is a JSON Pointer such as `/end_date`.
    pub fn body(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: Some(pointer.into()),
            parameter: None,
            header: None,
            row: None,
            column: None,
            message: message.into(),
        }
    }

    /// A problem with a cell of an uploaded CSV file.
    pub fn cell(row: u64, column: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: None,
            header: None,
            row: Some(u32::try_from(row).unwrap_or(u32::MAX)),
            column: Some(column.into().into_boxed_str()),
            message: message.into(),
        }
    }
    pub fn parameter(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: Some(name.into()),
            header: None,
            row: None,
            column: None,
            message: message.into(),
        }
    }
    pub fn header(name: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: None,
            parameter: None,
            header: Some(name.into()),
            row: None,
            column: None,
            message: message.into(),
        }
    }
}

/// Problems found in an input, all of them (the HTTP layer answers 422).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

/// Collects field errors; `finish` fails with all of them at once.
#[derive(Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// Keeps the value of `result`, or records its message at `pointer`.
    pub fn check<T>(&mut self, pointer: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError::body(pointer, message));
                None
            }
        }
    }

    /// An optional free-text field: trimmed, at most `max` characters, empty is none.
    pub fn optional_text(
        &mut self,
        pointer: &str,
        value: Option<String>,
        max: usize,
    ) -> Option<String> {
        value
            .and_then(|v| self.check(pointer, crate::text::bounded(&v, 0, max)))
            .filter(|v| !v.is_empty())
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// `Ok` when nothing was recorded; otherwise every problem at once.
    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Errors, FieldError, Invalid};

    #[test]
    fn nothing_recorded_is_ok() {
        assert_eq!(Errors::default().finish(), Ok(()));
    }

    #[test]
    fn every_problem_is_kept_in_order_with_its_pointer() {
        let mut errors = Errors::default();
        assert_eq!(errors.check("/a", Ok::<_, String>(1)), Some(1));
        assert_eq!(errors.check::<u8>("/b", Err("is wrong".into())), None);
        errors.push(FieldError::header("If-Match", "is missing"));
        assert_eq!(errors.check::<u8>("/c", Err("is wrong too".into())), None);
        assert_eq!(
            errors.finish(),
            Err(Invalid(vec![
                FieldError::body("/b", "is wrong"),
                FieldError::header("If-Match", "is missing"),
                FieldError::body("/c", "is wrong too"),
            ]))
        );
    }

    #[test]
    fn optional_text_is_trimmed_empty_is_none_and_too_long_is_a_problem() {
        let cases: [(Option<&str>, Option<&str>, bool); 6] = [
            (None, None, false),
            (Some(""), None, false),
            (Some("   "), None, false),
            (Some(" Mantelzorg "), Some("Mantelzorg"), false),
            // The limit counts what is sent, as the schema's maxLength does.
            (Some("  Mantelzorg  "), None, true),
            (Some("zeven tekens en meer"), None, true),
        ];
        for (input, kept, refused) in cases {
            let mut errors = Errors::default();
            let got = errors.optional_text("/notes", input.map(str::to_owned), 12);
            assert_eq!(got.as_deref(), kept, "{input:?}");
            assert_eq!(errors.finish().is_err(), refused, "{input:?}");
        }
    }
}
