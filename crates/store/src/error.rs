//! What a store function can answer besides its result: a rule the input breaks, a
//! conflict with what is stored, something that is not there, or a failed query. The
//! HTTP layer turns each into its status in one place (`ApiError: From<StoreError>`).

use crate::domain::validation::{FieldError, Invalid};

/// Every way a store function can refuse or fail.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The input breaks a rule; each field error names the field (a 422).
    #[error("invalid input: {} field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The change conflicts with what is stored (a line others still refer to).
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Vec<FieldError>,
    },
    /// A move the item's lifecycle does not allow from where it is; `allowed` names the
    /// moves that are.
    #[error("transition refused: {detail}")]
    Transition {
        detail: String,
        allowed: Vec<String>,
    },
    /// What was asked for is not there (or not the caller's), in words.
    #[error("not found: {0}")]
    NotFound(String),
    /// A query failed; the HTTP layer picks the status from its kind.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// A fault of ours that is not a query's.
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// One invalid field.
    pub fn field(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        StoreError::Invalid(vec![FieldError::body(pointer, message)])
    }

    /// A conflict without field details.
    pub fn conflict(detail: impl Into<String>) -> Self {
        StoreError::Conflict {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Internal(Box::new(error))
    }

    /// The 409 for deleting something that other lines or reports still refer to.
    pub fn referenced(noun: &str, by: &str, ids: &[impl std::fmt::Display]) -> Self {
        StoreError::Conflict {
            detail: format!(
                "This {noun} is used by {} {by}; change or delete those first.",
                ids.len()
            ),
            errors: ids
                .iter()
                .map(|id| FieldError::body("", format!("used by {by} {id}")))
                .collect(),
        }
    }

    /// A query's `NotFound` as the words given; anything else as it is.
    pub fn missing(noun_phrase: &str) -> impl FnOnce(diesel::result::Error) -> StoreError + '_ {
        move |error| match error {
            diesel::result::Error::NotFound => StoreError::NotFound(noun_phrase.into()),
            other => StoreError::Query(other),
        }
    }
}

impl From<Invalid> for StoreError {
    fn from(invalid: Invalid) -> Self {
        StoreError::Invalid(invalid.0)
    }
}

/// What store functions return.
pub type StoreResult<T> = Result<T, StoreError>;
