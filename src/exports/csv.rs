//! The export as CSV: the Dutch spreadsheet dialect or RFC 4180, written into a buffer
//! that the caller takes in chunks as it fills.

use super::{Cell, Dialect, Sheet};
use crate::domain::export::{decimal, neutralise};

/// The UTF-8 byte order mark: what tells Excel the file is UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// The bytes written, shared between the CSV writer (which buffers its own and hands
/// them over when its buffer fills) and the sheet, which takes them.
#[derive(Clone, Default)]
struct Written(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Written {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::io::Write for Written {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.lock().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A CSV file being written.
pub struct CsvSheet {
    writer: csv::Writer<Written>,
    written: Written,
    comma: bool,
    scratch: String,
}

impl CsvSheet {
    pub fn new(dialect: Dialect) -> Self {
        let mut builder = csv::WriterBuilder::new();
        builder.terminator(csv::Terminator::CRLF);
        let written = Written::default();
        match dialect {
            Dialect::ExcelNl => {
                builder.delimiter(b';').quote_style(csv::QuoteStyle::Always);
                written.lock().extend_from_slice(BOM);
            }
            Dialect::Rfc4180 => {
                builder
                    .delimiter(b',')
                    .quote_style(csv::QuoteStyle::Necessary);
            }
        }
        CsvSheet {
            writer: builder
                .buffer_capacity(16 * 1024)
                .from_writer(written.clone()),
            written,
            comma: dialect == Dialect::ExcelNl,
            scratch: String::new(),
        }
    }

    /// The bytes written so far, taken (the sheet goes on with an empty buffer).
    pub fn take(&mut self) -> std::io::Result<Vec<u8>> {
        self.writer.flush()?;
        Ok(std::mem::take(&mut *self.written.lock()))
    }

    /// How many bytes wait to be taken (roughly: the writer holds up to 16 KiB of its
    /// own).
    pub fn buffered(&self) -> usize {
        self.written.lock().len()
    }
}

impl Sheet for CsvSheet {
    fn row(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()> {
        for cell in cells {
            self.scratch.clear();
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => {
                    self.writer.write_field(neutralise(text).as_bytes())?;
                    continue;
                }
                Cell::Number(n) | Cell::Amount(n) => decimal(*n, self.comma, &mut self.scratch),
                Cell::Integer(n) => {
                    use std::fmt::Write;
                    let _ = write!(self.scratch, "{n}");
                }
                Cell::Date(d) => {
                    use std::fmt::Write;
                    let _ = write!(self.scratch, "{}", d.format("%Y-%m-%d"));
                }
            }
            self.writer.write_field(self.scratch.as_bytes())?;
        }
        self.writer.write_record(None::<&[u8]>)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn written(dialect: Dialect, cells: &[Cell<'_>]) -> String {
        let mut sheet = CsvSheet::new(dialect);
        sheet.row(cells).unwrap();
        String::from_utf8(sheet.take().unwrap()).unwrap()
    }

    #[test]
    fn excel_nl_quotes_everything_with_a_decimal_comma_and_a_bom() {
        let cells = [
            Cell::Text("Moskee \"Ayasofya\"; Oost"),
            Cell::Number(Decimal::new(-5050, 2)),
            Cell::Empty,
            Cell::Text("=1+1"),
            Cell::Integer(3),
        ];
        assert_eq!(
            written(Dialect::ExcelNl, &cells),
            "\u{feff}\"Moskee \"\"Ayasofya\"\"; Oost\";\"-50,50\";\"\";\"'=1+1\";\"3\"\r\n"
        );
    }

    #[test]
    fn rfc4180_quotes_where_needed_with_a_decimal_point() {
        let cells = [
            Cell::Text("Regel 1\nRegel 2"),
            Cell::Number(Decimal::new(125050, 2)),
            Cell::Text("a,b"),
            Cell::Empty,
            Cell::Date(chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()),
        ];
        assert_eq!(
            written(Dialect::Rfc4180, &cells),
            "\"Regel 1\nRegel 2\",1250.50,\"a,b\",,2026-04-01\r\n"
        );
    }
}
