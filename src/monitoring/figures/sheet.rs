//! The CSV form of a bulk submission, as a spreadsheet writes it: comma or semicolon
//! separated, UTF-8 with or without a byte-order mark, headers in English or Dutch.

use std::collections::HashMap;

use super::{Origin, Parsed, RawRow, strict};
use crate::error::FieldError;

/// Column names, English or Dutch.
fn column(name: &str) -> Option<&'static str> {
    Some(match name.trim().to_lowercase().as_str() {
        "project_id" | "project" => "project_id",
        "quarter" | "kwartaal" => "quarter",
        "figure" | "cijfer" => "figure",
        "subject" | "onderwerp" => "subject",
        "value" | "waarde" => "value",
        _ => return None,
    })
}

/// Reads CSV: comma or semicolon separated (whichever the header uses), UTF-8 with or
/// without a byte-order mark, headers in English or Dutch. A quote that never closes
/// and a row with more or fewer cells than the header are refused, not guessed at. Each
/// row is parsed into `parsed` as it is read; what cannot be read as CSV is the error.
pub fn from_csv(body: &[u8], parsed: &mut Parsed) -> Result<(), Vec<FieldError>> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(vec![FieldError::cell(1, "", "the file is not UTF-8")]);
    };
    // Excel writes CRLF; with plain LF the reader's line numbers are the file's.
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let text = text.as_ref();
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    if let Some(open) = strict::open_quote(text, delimiter) {
        let names: Vec<&str> = header.split(char::from(delimiter)).collect();
        // A cell of a row is named by its header; a quote in the header names none.
        let name = |cell: usize| match names.get(cell) {
            Some(raw) if open.line > 1 => {
                column(raw).map_or_else(|| raw.trim().to_string(), str::to_string)
            }
            _ => String::new(),
        };
        return Err(strict::open_quote_errors(text, &open, name));
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![FieldError::cell(
                1,
                "",
                format!("unreadable header: {e}"),
            )]);
        }
    };
    let mut positions: HashMap<&'static str, usize> = HashMap::new();
    let mut errors = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        match column(name) {
            Some(known) => {
                positions.insert(known, i);
            }
            None => errors.push(FieldError::cell(
                1,
                name,
                "unknown column; expected project_id, quarter, figure, subject, value",
            )),
        }
    }
    for required in ["project_id", "quarter", "figure", "value"] {
        if !positions.contains_key(required) {
            errors.push(FieldError::cell(1, required, "this column is missing"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut record = csv::StringRecord::new();
    loop {
        let record = match reader.read_record(&mut record) {
            Ok(true) => &record,
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or_default();
                errors.push(FieldError::cell(line, "", format!("unreadable row: {e}")));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or_default();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let name = |cell: usize| {
            headers
                .get(cell)
                .and_then(column)
                .unwrap_or_default()
                .to_string()
        };
        if let Some(error) = strict::cell_count(line, record.len(), headers.len(), delimiter, name)
        {
            errors.push(error);
            continue;
        }
        let get = |name: &str| {
            positions
                .get(name)
                .and_then(|i| record.get(*i))
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let subject = get("subject");
        parsed.push(RawRow {
            origin: Origin::Csv(line),
            project_id: get("project_id"),
            quarter: get("quarter"),
            figure: get("figure"),
            subject: (!subject.is_empty()).then_some(subject),
            value: get("value"),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
