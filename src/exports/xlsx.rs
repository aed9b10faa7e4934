//! The export as an XLSX workbook: typed cells (numbers as numbers, quarter starts as
//! dates), a frozen header row and a filter over every column, written with
//! rust_xlsxwriter in its constant-memory mode (each row goes to a temporary file as it
//! is written, so memory does not grow with the rows). An XLSX file is a zip whose
//! parts are only complete at the end, so it is sent once every row is in.

use std::io::Write;

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use super::{Cell, Sheet};
use crate::domain::export::neutralise;

/// The most rows a worksheet holds (Excel's limit), header included.
pub const MAX_ROWS: u32 = 1_048_576;

/// A workbook being written: one worksheet, the export.
pub struct XlsxSheet {
    workbook: Workbook,
    header: Format,
    date: Format,
    amount: Format,
    /// Text shown as written even when edited: what a formula-like text gets.
    literal: Format,
    rows: u32,
    columns: u16,
}

fn io(error: XlsxError) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

impl XlsxSheet {
    /// A workbook whose one worksheet is named `name`.
    pub fn new(name: &str) -> std::io::Result<Self> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet_with_constant_memory().map_err(io)?;
        sheet.set_name(name).map_err(io)?;
        sheet.set_freeze_panes(1, 0).map_err(io)?;
        Ok(XlsxSheet {
            workbook,
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            amount: Format::new().set_num_format("0.00"),
            literal: Format::new().set_quote_prefix(),
            rows: 0,
            columns: 0,
        })
    }

    /// True when another row would not fit on the worksheet.
    pub fn full(&self) -> bool {
        self.rows >= MAX_ROWS
    }

    /// Puts the filter over every column and writes the workbook to `out`.
    pub fn finish(mut self, out: impl Write + Send) -> std::io::Result<()> {
        if self.rows > 0 && self.columns > 0 {
            let sheet = self.workbook.worksheet_from_index(0).map_err(io)?;
            sheet
                .autofilter(0, 0, self.rows - 1, self.columns - 1)
                .map_err(io)?;
        }
        self.workbook.save_to_writer(out).map_err(io)
    }
}

impl Sheet for XlsxSheet {
    fn row(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()> {
        if self.full() {
            return Err(std::io::Error::other(
                "the export has more rows than a worksheet holds",
            ));
        }
        let row = self.rows;
        let first = row == 0;
        let sheet = self.workbook.worksheet_from_index(0).map_err(io)?;
        for (col, cell) in cells.iter().enumerate() {
            let col = u16::try_from(col).map_err(std::io::Error::other)?;
            match cell {
                Cell::Empty => {}
                Cell::Text(text) if first => {
                    sheet
                        .write_string_with_format(row, col, *text, &self.header)
                        .map_err(io)?;
                }
                Cell::Text(text) if neutralise(text) != *text => {
                    // Stored as text, never evaluated; the quote prefix keeps it text when
                    // someone edits the cell.
                    sheet
                        .write_string_with_format(row, col, *text, &self.literal)
                        .map_err(io)?;
                }
                Cell::Text(text) => {
                    sheet.write_string(row, col, *text).map_err(io)?;
                }
                Cell::Number(n) => {
                    sheet
                        .write_number(row, col, n.to_f64().unwrap_or_default())
                        .map_err(io)?;
                }
                Cell::Amount(n) => {
                    sheet
                        .write_number_with_format(
                            row,
                            col,
                            n.to_f64().unwrap_or_default(),
                            &self.amount,
                        )
                        .map_err(io)?;
                }
                Cell::Integer(n) => {
                    // Counts and revisions, far below 2^53: exact as a float.
                    #[allow(clippy::cast_precision_loss)]
                    let n = *n as f64;
                    sheet.write_number(row, col, n).map_err(io)?;
                }
                Cell::Date(d) => {
                    use chrono::Datelike;
                    let date = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).map_err(std::io::Error::other)?,
                        u8::try_from(d.month()).map_err(std::io::Error::other)?,
                        u8::try_from(d.day()).map_err(std::io::Error::other)?,
                    )
                    .map_err(io)?;
                    sheet
                        .write_datetime_with_format(row, col, &date, &self.date)
                        .map_err(io)?;
                }
            }
        }
        self.columns = self
            .columns
            .max(u16::try_from(cells.len()).unwrap_or(u16::MAX));
        self.rows += 1;
        Ok(())
    }
}
