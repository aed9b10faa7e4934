//! Bulk quarterly figures: rows of `project_id, quarter, figure, subject, value` from an
//! intranet (JSON, [`json`]) or a spreadsheet (CSV, `sheet.rs`), parsed one by one
//! (`parse.rs`), checked for what cannot be read unambiguously ([`strict`]) and applied
//! to the quarters' reports (`apply.rs`). Errors name the row and the column; one bad
//! row and nothing is stored. The row types live here, and the files' public names are
//! re-exported here, so callers keep writing `monitoring::figures::…`.

use uuid::Uuid;

use crate::domain::ProjectId;
use crate::domain::plan::{Activity, Amount, Channel, LanguageCode, Level, Quarter};
use crate::domain::report::Figure;
use crate::error::FieldError;

mod apply;
pub mod json;
mod outcome;
mod parse;
mod sheet;
pub mod strict;

pub use apply::{Landing, apply};
pub use json::{FigureInput, FigureValue, FiguresInput, from_json};
pub use outcome::{FiguresOutcome, ReportOutcome};
pub use parse::parse;
pub use sheet::from_csv;

/// The most rows one submission may carry.
pub const MAX_ROWS: usize = 100_000;

/// Rows parsed as they are read, so that a submission is held once as text (the body)
/// and once parsed, never as a list of raw cells as well.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<Row>,
    /// What the rows that did not parse got wrong.
    pub errors: Vec<FieldError>,
    /// Rows read, including those beyond [`MAX_ROWS`], which are counted and not parsed.
    pub count: usize,
}

impl Parsed {
    pub fn push(&mut self, raw: RawRow) {
        self.count += 1;
        if self.count > MAX_ROWS {
            return;
        }
        match parse(raw) {
            Ok(row) => self.rows.push(row),
            Err(found) => self.errors.extend(found),
        }
    }
}

/// Where a row came from, to name it in errors.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    /// Index in `figures`.
    Json(usize),
    /// Line of the CSV file (the header is line 1).
    Csv(u64),
}

impl Origin {
    pub fn error(self, column: &str, message: impl Into<String>) -> FieldError {
        match self {
            Origin::Json(i) => FieldError::body(format!("/figures/{i}/{column}"), message),
            Origin::Csv(line) => FieldError::cell(line, column, message),
        }
    }
}

/// A row as read, all text.
#[derive(Debug, Clone)]
pub struct RawRow {
    pub origin: Origin,
    pub project_id: String,
    pub quarter: String,
    pub figure: String,
    pub subject: Option<String>,
    pub value: String,
}

/// A row that parsed.
#[derive(Debug, Clone)]
pub struct Row {
    pub origin: Origin,
    pub project_id: ProjectId,
    pub quarter: Quarter,
    pub figure: Figure,
    pub subject: Subject,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Subject {
    None,
    Id(Uuid),
    Channel(Channel, Option<LanguageCode>),
    Activity(Activity),
}

#[derive(Debug, Clone)]
pub enum Value {
    Count(u32),
    Amount(Amount),
    Level(Level),
    Text(String),
}
