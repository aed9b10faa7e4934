//! What a bulk submission refuses rather than guess at: a CSV quote that never closes
//! (the reader would take every line after it as one cell), a CSV row with more or fewer
//! cells than the header (an unquoted decimal comma splits a value in two), and one
//! figure set twice in one request (only the last would count).

use std::collections::HashMap;

use super::{Origin, Row, Subject};
use crate::domain::ProjectId;
use crate::domain::plan::Quarter;
use crate::domain::report::Figure;
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

/// How a row is named in a message: `line 3` in a file, `/figures/2` in JSON.
fn name(origin: Origin) -> String {
    match origin {
        Origin::Json(i) => format!("/figures/{i}"),
        Origin::Csv(line) => format!("line {line}"),
    }
}

fn list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// One error on the `figure` of every row that sets a figure (of one project, quarter
/// and subject) that another row of the request sets too, naming all those rows.
pub fn repeated(rows: &[Row]) -> Vec<FieldError> {
    let mut seen: HashMap<(ProjectId, Quarter, Figure, &Subject), Vec<Origin>> = HashMap::new();
    let mut order = Vec::new();
    for row in rows {
        let key = (row.project_id, row.quarter, row.figure, &row.subject);
        let origins = seen.entry(key).or_default();
        if origins.is_empty() {
            order.push(key);
        }
        origins.push(row.origin);
    }
    let mut errors = Vec::new();
    for key in order {
        let origins = &seen[&key];
        if origins.len() < 2 {
            continue;
        }
        let names: Vec<String> = origins.iter().copied().map(name).collect();
        let message = format!(
            "{} all set {} of {} for the same subject; set each figure once per request",
            list(&names),
            key.2,
            key.1
        );
        errors.extend(origins.iter().map(|o| o.error("figure", message.clone())));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::{Activity, Channel, LanguageCode};
    use crate::monitoring::figures::Value;

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

    fn row(
        origin: Origin,
        project: ProjectId,
        quarter: &str,
        figure: Figure,
        subject: Subject,
    ) -> Row {
        Row {
            origin,
            project_id: project,
            quarter: quarter.parse().unwrap(),
            figure,
            subject,
            value: Value::Count(1),
        }
    }

    #[test]
    fn a_figure_set_twice_names_every_row_that_sets_it() {
        let (p, q) = (ProjectId::generate(), ProjectId::generate());
        let tr = "tr".parse::<LanguageCode>().unwrap();
        let flyers = |language: Option<LanguageCode>| Subject::Channel(Channel::Flyers, language);
        let rows = vec![
            row(
                Origin::Csv(2),
                p,
                "2025-Q1",
                Figure::KeyPersonContacts,
                Subject::None,
            ),
            row(
                Origin::Csv(3),
                p,
                "2025-Q2",
                Figure::KeyPersonContacts,
                Subject::None,
            ),
            row(
                Origin::Csv(4),
                q,
                "2025-Q1",
                Figure::KeyPersonContacts,
                Subject::None,
            ),
            row(
                Origin::Csv(5),
                p,
                "2025-Q1",
                Figure::ReferralsMade,
                Subject::None,
            ),
            row(
                Origin::Csv(6),
                p,
                "2025-Q1",
                Figure::CommunicationCount,
                flyers(None),
            ),
            row(
                Origin::Csv(7),
                p,
                "2025-Q1",
                Figure::CommunicationCount,
                flyers(Some(tr.clone())),
            ),
            row(
                Origin::Csv(8),
                p,
                "2025-Q1",
                Figure::HoursSpent,
                Subject::Activity(Activity::Outreach),
            ),
        ];
        assert!(
            repeated(&rows).is_empty(),
            "other quarters, projects, figures and subjects"
        );

        let mut twice = rows.clone();
        twice.push(row(
            Origin::Csv(9),
            p,
            "2025-Q1",
            Figure::KeyPersonContacts,
            Subject::None,
        ));
        twice.push(row(
            Origin::Csv(10),
            p,
            "2025-Q1",
            Figure::CommunicationCount,
            flyers(Some(tr)),
        ));
        twice.push(row(
            Origin::Csv(11),
            p,
            "2025-Q1",
            Figure::KeyPersonContacts,
            Subject::None,
        ));
        let errors = repeated(&twice);
        let named: Vec<(Option<u32>, Option<&str>)> = errors
            .iter()
            .map(|e| (e.row, e.column.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                (Some(2), Some("figure")),
                (Some(9), Some("figure")),
                (Some(11), Some("figure")),
                (Some(7), Some("figure")),
                (Some(10), Some("figure")),
            ]
        );
        assert_eq!(
            errors[0].message,
            "line 2, line 9 and line 11 all set key_person_contacts of 2025-Q1 for the same \
             subject; set each figure once per request"
        );
        assert!(
            errors[3]
                .message
                .starts_with("line 7 and line 10 all set communication_count")
        );
    }

    #[test]
    fn json_rows_are_named_by_their_pointer() {
        let p = ProjectId::generate();
        let id = uuid::Uuid::now_v7();
        let rows = vec![
            row(
                Origin::Json(0),
                p,
                "2025-Q1",
                Figure::ReachNew,
                Subject::Id(id),
            ),
            row(
                Origin::Json(1),
                p,
                "2025-Q1",
                Figure::ReachTotal,
                Subject::Id(id),
            ),
            row(
                Origin::Json(2),
                p,
                "2025-Q1",
                Figure::ReachNew,
                Subject::Id(id),
            ),
        ];
        let errors = repeated(&rows);
        let pointers: Vec<Option<&str>> = errors.iter().map(|e| e.pointer.as_deref()).collect();
        assert_eq!(
            pointers,
            [Some("/figures/0/figure"), Some("/figures/2/figure")]
        );
        assert!(
            errors[0]
                .message
                .starts_with("/figures/0 and /figures/2 all set reach_new")
        );
    }
}
