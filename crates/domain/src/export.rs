//! Funder reports: the columns of the quarterly-figures export, what each reported figure
//! is (its section, the kind of its subject, its unit), and the rules every cell follows
//! whatever the file's format: numbers in the dialect's notation, text that a
//! spreadsheet cannot mistake for a formula.

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::report::Figure;

text_enum!(
    /// The section of a quarterly report a figure comes from.
    ReportSection {
        Reach => "reach",
        Network => "network",
        Communication => "communication",
        Budget => "budget",
        Narrative => "narrative",
    }
);

text_enum!(
    /// What a figure is about.
    SubjectKind {
        /// The project as a whole.
        Project => "project",
        TargetGroup => "target_group",
        /// A partner link of the project.
        Partner => "partner",
        /// A communication channel (with a language, or none).
        Channel => "channel",
        BudgetLine => "budget_line",
        Activity => "activity",
    }
);

text_enum!(
    /// What a figure counts.
    Unit {
        Count => "count",
        Euro => "euro",
        Hours => "hours",
        /// A step of the collaboration ladder, 1 to 5.
        Level => "level",
        Text => "text",
    }
);

text_enum!(
    /// A column of the export.
    ExportColumn {
        Organisation => "organisation",
        Project => "project",
        Funder => "funder",
        ApplicationReference => "application_reference",
        Quarter => "quarter",
        QuarterStart => "quarter_start",
        ReportState => "report_state",
        Revision => "revision",
        Section => "section",
        Figure => "figure",
        SubjectKind => "subject_kind",
        Subject => "subject",
        Language => "language",
        Unit => "unit",
        Planned => "planned",
        Actual => "actual",
        CumulativePlanned => "cumulative_planned",
        CumulativeActual => "cumulative_actual",
        Variance => "variance",
        Text => "text",
    }
);

text_enum!(
    /// What a column of the wide layout holds of its figure.
    FigureMeasure {
        /// The quarter's total over every subject.
        Total => "total",
        Planned => "planned",
        Cumulative => "cumulative",
        CumulativePlanned => "cumulative_planned",
    }
);

/// The long layout's columns: one row per reported figure.
pub const LONG_COLUMNS: &[ExportColumn] = &[
    ExportColumn::Organisation,
    ExportColumn::Project,
    ExportColumn::Funder,
    ExportColumn::ApplicationReference,
    ExportColumn::Quarter,
    ExportColumn::QuarterStart,
    ExportColumn::ReportState,
    ExportColumn::Revision,
    ExportColumn::Section,
    ExportColumn::Figure,
    ExportColumn::SubjectKind,
    ExportColumn::Subject,
    ExportColumn::Language,
    ExportColumn::Unit,
    ExportColumn::Planned,
    ExportColumn::Actual,
    ExportColumn::CumulativePlanned,
    ExportColumn::CumulativeActual,
    ExportColumn::Variance,
    ExportColumn::Text,
];

/// The wide layout's first columns; each figure of [`WIDE_FIGURES`] follows with the
/// measures it has.
pub const WIDE_COLUMNS: &[ExportColumn] = &[
    ExportColumn::Organisation,
    ExportColumn::Project,
    ExportColumn::Funder,
    ExportColumn::ApplicationReference,
    ExportColumn::Quarter,
    ExportColumn::QuarterStart,
    ExportColumn::ReportState,
    ExportColumn::Revision,
];

/// A figure of the wide layout: its total per quarter, and beside it what applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WideFigure {
    pub figure: Figure,
    /// The plan can set it (reach, communication items, spend, hours).
    pub planned: bool,
    /// It adds up over quarters (every figure but a state: active partners).
    pub cumulative: bool,
}

impl WideFigure {
    /// The measures it has, in column order.
    pub fn measures(self) -> impl Iterator<Item = FigureMeasure> {
        [
            (FigureMeasure::Total, true),
            (FigureMeasure::Planned, self.planned),
            (FigureMeasure::Cumulative, self.cumulative),
            (
                FigureMeasure::CumulativePlanned,
                self.planned && self.cumulative,
            ),
        ]
        .into_iter()
        .filter_map(|(m, has)| has.then_some(m))
    }
}

const fn wide(figure: Figure, planned: bool, cumulative: bool) -> WideFigure {
    WideFigure {
        figure,
        planned,
        cumulative,
    }
}

/// The wide layout's figures, in the order the query's arrays hold them.
pub const WIDE_FIGURES: [WideFigure; 14] = [
    wide(Figure::ReachNew, true, true),
    wide(Figure::ReachTotal, false, true),
    wide(Figure::KeyPersonContacts, false, true),
    wide(Figure::ActivityParticipants, false, true),
    wide(Figure::ReferralsReceived, false, true),
    wide(Figure::ReferralsMade, false, true),
    wide(Figure::ActivePartners, false, false),
    wide(Figure::NewPartners, false, true),
    wide(Figure::NetworkMeetings, false, true),
    wide(Figure::CommunicationCount, true, true),
    wide(Figure::CommunicationReach, false, true),
    wide(Figure::CommunicationCost, false, true),
    wide(Figure::Spent, true, true),
    wide(Figure::HoursSpent, true, true),
];

/// What a figure counts.
pub fn unit(figure: Figure) -> Unit {
    match figure {
        Figure::CommunicationCost | Figure::Spent => Unit::Euro,
        Figure::HoursSpent => Unit::Hours,
        Figure::LevelChange => Unit::Level,
        Figure::Developments | Figure::Obstacles | Figure::Signals | Figure::NextQuarter => {
            Unit::Text
        }
        Figure::ReachNew
        | Figure::ReachTotal
        | Figure::KeyPersonContacts
        | Figure::ActivityParticipants
        | Figure::ReferralsReceived
        | Figure::ReferralsMade
        | Figure::PartnerReferralsReceived
        | Figure::PartnerReferralsMade
        | Figure::ActivePartners
        | Figure::NewPartners
        | Figure::NetworkMeetings
        | Figure::CommunicationCount
        | Figure::CommunicationReach => Unit::Count,
    }
}

/// A figure's value as the file shows it: euros and hours with their two decimals,
/// counts and steps without trailing zeros (a target of `10.00` caregivers is `10`).
pub fn shown(figure: Figure, value: Decimal) -> Decimal {
    match unit(figure) {
        Unit::Euro | Unit::Hours => value,
        Unit::Count | Unit::Level | Unit::Text => value.normalize(),
    }
}

/// Whether a figure adds up over quarters; a state (active partners, a ladder step)
/// and a text do not, so they have no cumulative figures.
pub fn accumulates(figure: Figure) -> bool {
    !matches!(
        figure,
        Figure::ActivePartners
            | Figure::LevelChange
            | Figure::Developments
            | Figure::Obstacles
            | Figure::Signals
            | Figure::NextQuarter
    )
}

/// A text cell a spreadsheet would read as a formula (it begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return: OWASP's CSV injection) gets a leading apostrophe,
/// which shows the text as written. Numbers are never text cells, so a negative amount
/// stays a number.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

/// A number as the dialect writes it: `1250.5` with a decimal point, or `1250,5` with a
/// comma (Dutch spreadsheets). No thousands separator, no trailing zeros beyond what
/// was stored.
pub fn decimal(value: Decimal, comma: bool, out: &mut String) {
    use std::fmt::Write;
    let start = out.len();
    let _ = write!(out, "{value}");
    if comma && let Some(dot) = out[start..].find('.') {
        out.replace_range(start + dot..start + dot + 1, ",");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn formula_like_text_is_neutralised_and_other_text_kept() {
        for hostile in ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(hostile), format!("'{hostile}"));
        }
        for plain in ["Moskee", "", "1-2", " =x", "'al"] {
            assert_eq!(neutralise(plain), plain);
        }
    }

    #[test]
    fn decimals_follow_the_dialect() {
        let cases = [
            ("1250.50", false, "1250.50"),
            ("1250.50", true, "1250,50"),
            ("-50.00", true, "-50,00"),
            ("7", true, "7"),
        ];
        for (value, comma, written) in cases {
            let mut out = String::from("x");
            decimal(Decimal::from_str(value).unwrap(), comma, &mut out);
            assert_eq!(out, format!("x{written}"));
        }
    }

    #[test]
    fn wide_figures_have_their_measures() {
        let reach: Vec<_> = WIDE_FIGURES[0].measures().collect();
        assert_eq!(
            reach,
            [
                FigureMeasure::Total,
                FigureMeasure::Planned,
                FigureMeasure::Cumulative,
                FigureMeasure::CumulativePlanned
            ]
        );
        let active: Vec<_> = WIDE_FIGURES[6].measures().collect();
        assert_eq!(active, [FigureMeasure::Total]);
        assert!(
            WIDE_FIGURES
                .iter()
                .all(|w| w.cumulative == accumulates(w.figure))
        );
    }
}
