//! The shape of a CSV file that cannot be read unambiguously: a quote that never closes
//! (the reader would take every line after it as one cell) and a row with more or fewer
//! cells than the header (an unquoted decimal comma splits a value in two).

use crate::error::FieldError;

/// Where a quoted cell opens that the text never closes: its line (the first is 1) and
/// its place in that line (the first cell is 0).
#[derive(Debug, PartialEq, Eq)]
pub struct OpenQuote {
    pub line: u64,
    pub cell: usize,
}

/// Finds a quote that is never closed, reading as the `csv` crate does by default: a
/// quote opens a cell only as its first character, `""` inside a quoted cell is a
/// quote, and a quoted cell may span lines.
pub fn open_quote(text: &str, delimiter: u8) -> Option<OpenQuote> {
    enum State {
        CellStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut line, mut cell) = (1u64, 0usize);
    let mut opened = OpenQuote { line: 1, cell: 0 };
    let mut state = State::CellStart;
    for &b in text.as_bytes() {
        let ends_cell = b == delimiter;
        let ends_row = b == b'\n' || b == b'\r';
        state = match state {
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::CellStart if b == b'"' => {
                opened = OpenQuote { line, cell };
                State::Quoted
            }
            _ if ends_cell => {
                cell += 1;
                State::CellStart
            }
            _ if ends_row => {
                cell = 0;
                State::CellStart
            }
            _ => State::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    matches!(state, State::Quoted).then_some(opened)
}

/// The errors for a quote that never closes: one at the cell it opens in, and one for
/// every line after it, which the quote swallowed. `column` names a cell by its place.
pub fn open_quote_errors(
    text: &str,
    open: &OpenQuote,
    column: impl Fn(usize) -> String,
) -> Vec<FieldError> {
    let swallowed: Vec<u64> = text
        .split('\n')
        .zip(1u64..)
        .filter(|(content, line)| *line > open.line && !content.trim().is_empty())
        .map(|(_, line)| line)
        .collect();
    let mut errors = vec![FieldError::cell(
        open.line,
        column(open.cell),
        format!(
            "a quote (\") opens this cell and is never closed, so {} read as its text; \
             close the quote, or write a quote inside a cell as two (\"\")",
            match swallowed.len() {
                0 => "the rest of the file would be".to_string(),
                1 => "the next line would be".to_string(),
                n => format!("the {n} lines after it would be"),
            }
        ),
    )];
    errors.extend(swallowed.into_iter().map(|line| {
        FieldError::cell(
            line,
            "",
            format!(
                "is inside the quote that opens on line {} and is never closed",
                open.line
            ),
        )
    }));
    errors
}

/// The problem with a row of `cells` cells under a header of `expected`, if any.
/// `column` names a cell by its place. Rows with too many cells name no column.
pub fn cell_count(
    line: u64,
    cells: usize,
    expected: usize,
    delimiter: u8,
    column: impl Fn(usize) -> String,
) -> Option<FieldError> {
    use std::cmp::Ordering;
    match cells.cmp(&expected) {
        Ordering::Equal => None,
        Ordering::Less => Some(FieldError::cell(
            line,
            column(cells),
            format!(
                "this row has {cells} cells and the header {expected}: it ends before this column"
            ),
        )),
        Ordering::Greater => Some(FieldError::cell(
            line,
            "",
            format!(
                "this row has {cells} cells and the header {expected}; put a cell that holds \
                 the separator {} (a decimal comma, say) in quotes",
                char::from(delimiter)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_quotes_escaped_quotes_and_line_breaks_inside_quotes_are_fine() {
        for text in [
            "a;b\n1;2\n",
            "a;b\n\"1\";\"2\"\n",
            "a;b\n\"een \"\"citaat\"\"\";2\n",
            "a;b\n\"twee\nregels\";2\n",
            "a;b\n1\"5;2\n",
            "a;b\n\"\";\"\"",
            "a,b\r\n\"x, y\",2\r\n",
        ] {
            assert_eq!(
                open_quote(text, if text.contains(';') { b';' } else { b',' }),
                None,
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_quote_that_never_closes_is_found_where_it_opens() {
        let text = "a;b;c\n1;2;3\n4;\"vijf;6\n7;8;9\n10;11;12\n";
        assert_eq!(open_quote(text, b';'), Some(OpenQuote { line: 3, cell: 1 }));
        // An escaped quote does not close it; a quote inside an unquoted cell does not
        // open one.
        assert_eq!(
            open_quote("a\nx\"y\n\"een \"\"\n", b';'),
            Some(OpenQuote { line: 3, cell: 0 })
        );
        assert_eq!(
            open_quote("\"a;b\n", b';'),
            Some(OpenQuote { line: 1, cell: 0 })
        );
    }

    #[test]
    fn the_open_quote_and_every_line_it_swallows_are_named() {
        let text = "a;b;c\n1;2;3\n4;\"vijf;6\n7;8;9\n\n10;11;12\n";
        let open = open_quote(text, b';').unwrap();
        let errors = open_quote_errors(text, &open, |i| ["a", "b", "c"][i].to_string());
        let named: Vec<(Option<u32>, Option<&str>)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                (Some(3), Some("b")),
                (Some(4), Some("")),
                (Some(6), Some(""))
            ]
        );
        assert!(
            errors[0].message.contains("the 2 lines after it"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[1].message.contains("line 3"),
            "{}",
            errors[1].message
        );
    }

    #[test]
    fn a_row_must_have_as_many_cells_as_the_header() {
        let column =
            |i: usize| ["project_id", "quarter", "figure", "subject", "value"][i].to_string();
        assert!(cell_count(2, 5, 5, b',', column).is_none());
        let fewer = cell_count(3, 4, 5, b';', column).unwrap();
        assert_eq!(
            (fewer.row, fewer.column.as_deref()),
            (Some(3), Some("value"))
        );
        assert!(fewer.message.contains("4 cells"), "{}", fewer.message);
        let more = cell_count(4, 6, 5, b',', column).unwrap();
        assert_eq!((more.row, more.column.as_deref()), (Some(4), Some("")));
        assert!(more.message.contains("separator ,"), "{}", more.message);
    }
}
