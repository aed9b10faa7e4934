//! Funder reports: rows of the quarterly-figures export as cells (labelled in the
//! file's language), written as CSV in either dialect ([`csv`]) or as an XLSX workbook
//! ([`xlsx`]). The rows come from the store's statements (`db::exports`); the HTTP side,
//! streaming and its failures, is `routes::exports`.

pub mod csv;
pub mod xlsx;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::exports::{LongRow, RowHead, WideRow};
use crate::domain::export::{
    LONG_COLUMNS, SubjectKind, Unit, WIDE_COLUMNS, WIDE_FIGURES, accumulates, shown, unit,
};
use crate::domain::organisation::ReportLanguage;
use crate::domain::plan::{Activity, Channel, Level};
use crate::domain::vocabulary::Labelled;

/// One row per figure with its breakdown, or one row per report with the totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One row per reported figure: per target group, partner, channel and language,
    /// budget line and activity; the complete layout.
    #[default]
    Long,
    /// One row per project and quarter, one column per figure's total (with planned and
    /// cumulative figures beside it).
    Wide,
}

/// The file's format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Csv,
    Xlsx,
}

/// How a CSV file is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub enum Dialect {
    /// What Dutch Excel and LibreOffice open right with a double-click: a UTF-8 byte
    /// order mark, `;` between fields, every field quoted, decimal comma, CRLF.
    #[default]
    #[serde(rename = "excel-nl")]
    ExcelNl,
    /// RFC 4180: `,` between fields, quoted where needed, decimal point, CRLF, no byte
    /// order mark.
    #[serde(rename = "rfc4180")]
    Rfc4180,
}

/// A cell: text (neutralised where a spreadsheet could read it as a formula, in CSV),
/// a number, a date, or nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(Decimal),
    /// Euros or hours: shown with two decimals in a workbook.
    Amount(Decimal),
    Integer(i64),
    Date(NaiveDate),
}

impl<'a> From<Option<&'a str>> for Cell<'a> {
    fn from(text: Option<&'a str>) -> Self {
        text.map_or(Cell::Empty, Cell::Text)
    }
}

impl Cell<'_> {
    /// A figure's value as a cell: an amount for euros and hours, else a number.
    fn figure(figure: crate::domain::report::Figure, value: Option<Decimal>) -> Self {
        match (value, unit(figure)) {
            (None, _) => Cell::Empty,
            (Some(v), Unit::Euro | Unit::Hours) => Cell::Amount(v),
            (Some(v), _) => Cell::Number(shown(figure, v)),
        }
    }
}

/// Where cells go: a CSV writer or a worksheet.
pub trait Sheet {
    /// Writes one row.
    fn row(&mut self, cells: &[Cell<'_>]) -> std::io::Result<()>;
}

/// The header of `layout` in `lang`.
pub fn header(layout: Layout, lang: ReportLanguage) -> Vec<String> {
    match layout {
        Layout::Long => LONG_COLUMNS
            .iter()
            .map(|c| c.label(lang).to_owned())
            .collect(),
        Layout::Wide => WIDE_COLUMNS
            .iter()
            .map(|c| c.label(lang).to_owned())
            .chain(WIDE_FIGURES.iter().flat_map(|w| {
                w.measures()
                    .map(move |m| format!("{} ({})", w.figure.label(lang), m.label(lang)))
            }))
            .collect(),
    }
}

/// Writes the header row.
pub fn write_header(
    sheet: &mut impl Sheet,
    layout: Layout,
    lang: ReportLanguage,
) -> std::io::Result<()> {
    let names = header(layout, lang);
    let cells: Vec<Cell<'_>> = names.iter().map(|n| Cell::Text(n)).collect();
    sheet.row(&cells)
}

/// The cells every layout begins with: project, funders, quarter, report.
fn head<'a>(head: &'a RowHead, quarter: &'a str, lang: ReportLanguage, cells: &mut Vec<Cell<'a>>) {
    cells.extend([
        Cell::Text(&head.organisation),
        Cell::Text(&head.project),
        head.funders.as_deref().into(),
        head.refs.as_deref().into(),
        Cell::Text(quarter),
        Cell::Date(head.quarter.first_day()),
        Cell::Text(head.state.label(lang)),
        Cell::Integer(head.revision.into()),
    ]);
}

/// A label of a code the query returns as the API writes it (a channel, an activity, a
/// level); the code itself should a newer value ever reach an older server.
fn label_of<T: Labelled + std::str::FromStr>(
    code: &str,
    lang: ReportLanguage,
) -> Option<&'static str> {
    code.parse::<T>().ok().map(|v| v.label(lang))
}

/// Writes a long row.
pub fn write_long(
    sheet: &mut impl Sheet,
    row: &LongRow,
    lang: ReportLanguage,
) -> std::io::Result<()> {
    let quarter = row.head.quarter.to_string();
    let code = row.code.as_deref();
    let subject: Option<&str> = match row.kind {
        SubjectKind::Project => None,
        SubjectKind::TargetGroup | SubjectKind::Partner | SubjectKind::BudgetLine => {
            row.subject_name.as_deref()
        }
        SubjectKind::Channel => code.map(|c| label_of::<Channel>(c, lang).unwrap_or(c)),
        SubjectKind::Activity => code.map(|c| label_of::<Activity>(c, lang).unwrap_or(c)),
    };
    // A step on the ladder is a number (its rank) with its name as the text.
    let text = match row.note.as_deref() {
        Some(note) => Some(note),
        None => code
            .filter(|_| unit(row.figure) == Unit::Level)
            .map(|c| label_of::<Level>(c, lang).unwrap_or(c)),
    };
    let flows = accumulates(row.figure);
    let number = |v: Option<Decimal>| Cell::figure(row.figure, v);
    let cumulative = |v: Option<Decimal>| number(v.filter(|_| flows));
    let variance = match (row.actual, row.planned) {
        (Some(actual), Some(planned)) => Some(actual - planned),
        _ => None,
    };
    let mut cells = Vec::with_capacity(LONG_COLUMNS.len());
    head(&row.head, &quarter, lang, &mut cells);
    cells.extend([
        Cell::Text(row.section.label(lang)),
        Cell::Text(row.figure.label(lang)),
        Cell::Text(row.kind.label(lang)),
        subject.into(),
        row.language.as_deref().into(),
        Cell::Text(unit(row.figure).label(lang)),
        number(row.planned),
        number(row.actual),
        cumulative(row.cumulative_planned),
        cumulative(row.cumulative_actual),
        number(variance),
        text.into(),
    ]);
    debug_assert_eq!(cells.len(), LONG_COLUMNS.len());
    sheet.row(&cells)
}

/// Writes a wide row.
pub fn write_wide(
    sheet: &mut impl Sheet,
    row: &WideRow,
    lang: ReportLanguage,
) -> std::io::Result<()> {
    use crate::domain::export::FigureMeasure;
    let quarter = row.head.quarter.to_string();
    let at = |values: Option<&Vec<Option<Decimal>>>, i: usize| -> Cell<'static> {
        let value = values.and_then(|v| v.get(i).copied().flatten());
        Cell::figure(WIDE_FIGURES[i].figure, value)
    };
    let mut cells = Vec::with_capacity(WIDE_COLUMNS.len() + 4 * WIDE_FIGURES.len());
    head(&row.head, &quarter, lang, &mut cells);
    for (i, figure) in WIDE_FIGURES.iter().enumerate() {
        for measure in figure.measures() {
            cells.push(match measure {
                FigureMeasure::Total => at(Some(&row.actual), i),
                FigureMeasure::Planned => at(row.planned.as_ref(), i),
                FigureMeasure::Cumulative => at(Some(&row.cumulative_actual), i),
                FigureMeasure::CumulativePlanned => at(Some(&row.cumulative_planned), i),
            });
        }
    }
    sheet.row(&cells)
}

/// The file's name: what it is, whose, and the period, e.g.
/// `kwartaalcijfers-gemeente-utrecht-2026-Q1-2026-Q4.csv`.
pub fn file_name(
    lang: ReportLanguage,
    account: &str,
    period: (Option<String>, Option<String>),
    extension: &str,
) -> String {
    let what = match lang {
        ReportLanguage::Nl => "kwartaalcijfers",
        ReportLanguage::En => "quarterly-figures",
    };
    let mut slug = String::new();
    for c in account.chars().flat_map(char::to_lowercase) {
        let c = plain_letter(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let mut name = format!("{what}-{slug}");
    match period {
        (Some(first), Some(last)) if first == last => name.push_str(&format!("-{first}")),
        (Some(first), Some(last)) => name.push_str(&format!("-{first}-{last}")),
        (Some(first), None) => name.push_str(&format!("-{first}")),
        (None, Some(last)) => name.push_str(&format!("-{last}")),
        (None, None) => {}
    }
    format!("{name}.{extension}")
}

/// The letter without its accent, for the file name's ASCII form: `é` is `e`.
fn plain_letter(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_say_what_whose_and_when_in_ascii() {
        let period = (Some("2026-Q1".to_string()), Some("2026-Q4".to_string()));
        assert_eq!(
            file_name(
                ReportLanguage::Nl,
                "Gemeente Utrecht",
                period.clone(),
                "csv"
            ),
            "kwartaalcijfers-gemeente-utrecht-2026-Q1-2026-Q4.csv"
        );
        assert_eq!(
            file_name(
                ReportLanguage::En,
                "  Stichting Één & Co. ",
                (None, None),
                "xlsx"
            ),
            "quarterly-figures-stichting-een-co.xlsx"
        );
        let one = (Some("2026-Q2".to_string()), Some("2026-Q2".to_string()));
        assert_eq!(
            file_name(ReportLanguage::Nl, "Fonds", one, "csv"),
            "kwartaalcijfers-fonds-2026-Q2.csv"
        );
    }

    #[test]
    fn headers_label_every_column_and_say_which_are_totals() {
        let long = header(Layout::Long, ReportLanguage::Nl);
        assert_eq!(long.len(), LONG_COLUMNS.len());
        assert_eq!(long[0], "Organisatie");
        let wide = header(Layout::Wide, ReportLanguage::Nl);
        assert!(wide.contains(&"Nieuw bereikte mantelzorgers (totaal)".to_string()));
        assert!(wide.contains(&"Besteed (cumulatief gepland)".to_string()));
        assert!(!wide.contains(&"Actieve partners (cumulatief)".to_string()));
        let en = header(Layout::Wide, ReportLanguage::En);
        assert!(en.contains(&"Hours spent (planned)".to_string()));
    }
}
