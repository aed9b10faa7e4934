//! Reading one row: its project, quarter and figure, and the subject and value that
//! figure needs, with every problem named by its column.

use uuid::Uuid;

use super::{RawRow, Row, Subject, Value};
use crate::domain::ProjectId;
use crate::domain::plan::{Activity, Amount, Channel, LanguageCode, Level, Quarter};
use crate::domain::report::Figure;
use crate::error::FieldError;

/// A decimal written with a point or a comma (`12,50` from a Dutch spreadsheet).
fn amount(text: &str) -> Result<Amount, String> {
    let normal = if text.contains(',') && !text.contains('.') {
        text.replace(',', ".")
    } else {
        text.to_string()
    };
    normal.parse()
}

/// The most characters of a subject (an id, a channel and language, an activity).
pub const MAX_SUBJECT: usize = 200;
/// The most characters of a value (the free text of a report's narrative).
pub const MAX_VALUE: usize = 20_000;

fn count(text: &str) -> Result<u32, String> {
    text.parse::<u32>()
        .map_err(|_| format!("{text:?} is not a whole number from 0 up"))
}

/// Parses one row; every problem is reported with its column.
pub fn parse(raw: RawRow) -> Result<Row, Vec<FieldError>> {
    use Figure::*;
    let o = raw.origin;
    let mut errors = Vec::new();
    let project_id = raw
        .project_id
        .parse::<ProjectId>()
        .map_err(|_| errors.push(o.error("project_id", "is not a project id (a UUID)")))
        .ok();
    let quarter = raw
        .quarter
        .parse::<Quarter>()
        .map_err(|m| errors.push(o.error("quarter", m)))
        .ok();
    let figure = raw
        .figure
        .trim()
        .parse::<Figure>()
        .map_err(|m| errors.push(o.error("figure", m)))
        .ok();
    let too_long = |text: Option<&str>, max: usize| text.is_some_and(|t| t.chars().count() > max);
    let overlong = [
        ("subject", too_long(raw.subject.as_deref(), MAX_SUBJECT)),
        ("value", too_long(Some(&raw.value), MAX_VALUE)),
    ];
    for (column, max) in [("subject", MAX_SUBJECT), ("value", MAX_VALUE)] {
        if overlong.contains(&(column, true)) {
            errors.push(o.error(column, format!("must be at most {max} characters")));
        }
    }
    let (subject, value) = match figure {
        None => (None, None),
        // Its words would say nothing more.
        Some(_) if overlong.iter().any(|(_, long)| *long) => (None, None),
        Some(figure) => {
            let subject = raw.subject.as_deref().map(str::trim);
            let subject = match figure {
                ReachNew
                | ReachTotal
                | PartnerReferralsReceived
                | PartnerReferralsMade
                | LevelChange
                | Spent => match subject.map(str::parse::<Uuid>) {
                    Some(Ok(id)) => Some(Subject::Id(id)),
                    _ => {
                        errors.push(o.error(
                            "subject",
                            format!("{figure} needs the id of what it counts"),
                        ));
                        None
                    }
                },
                CommunicationCount | CommunicationReach | CommunicationCost => {
                    let (channel, language) = match subject {
                        Some(s) => s.split_once('/').map_or((s, None), |(c, l)| (c, Some(l))),
                        None => ("", None),
                    };
                    let channel = channel
                        .parse::<Channel>()
                        .map_err(|m| errors.push(o.error("subject", m)))
                        .ok();
                    let language = match language.map(str::parse::<LanguageCode>) {
                        Some(Ok(l)) => Some(Some(l)),
                        Some(Err(m)) => {
                            errors.push(o.error("subject", m));
                            None
                        }
                        None => Some(None),
                    };
                    channel.zip(language).map(|(c, l)| Subject::Channel(c, l))
                }
                HoursSpent => subject
                    .unwrap_or_default()
                    .parse::<Activity>()
                    .map_err(|m| errors.push(o.error("subject", m)))
                    .ok()
                    .map(Subject::Activity),
                _ => match subject {
                    None => Some(Subject::None),
                    Some(_) => {
                        errors.push(o.error(
                            "subject",
                            format!("{figure} has no subject; leave it empty"),
                        ));
                        None
                    }
                },
            };
            let text = raw.value.trim();
            let value = match figure {
                CommunicationCost | Spent | HoursSpent => amount(text).map(Value::Amount),
                LevelChange => text.parse::<Level>().map(Value::Level),
                Developments | Obstacles | Signals | NextQuarter => {
                    crate::domain::text::bounded(&raw.value, 0, MAX_VALUE).map(Value::Text)
                }
                _ => count(text).map(Value::Count),
            }
            .map_err(|m| errors.push(o.error("value", m)))
            .ok();
            (subject, value)
        }
    };
    match (project_id, quarter, figure, subject, value) {
        (Some(project_id), Some(quarter), Some(figure), Some(subject), Some(value))
            if errors.is_empty() =>
        {
            Ok(Row {
                origin: o,
                project_id,
                quarter,
                figure,
                subject,
                value,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::figures::Origin;

    const PROJECT: &str = "0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d11";
    const LINE: &str = "0192f0c1-8f7e-7c3a-9a57-3c1f3c2b8d22";

    fn raw(figure: &str, subject: Option<&str>, value: &str) -> RawRow {
        RawRow {
            origin: Origin::Csv(7),
            project_id: PROJECT.into(),
            quarter: "2026-Q2".into(),
            figure: figure.into(),
            subject: subject.map(str::to_string),
            value: value.into(),
        }
    }

    /// The columns the errors of a row name, with their messages.
    fn refused(row: RawRow) -> Vec<(String, String)> {
        match parse(row) {
            Ok(row) => panic!("accepted: {row:?}"),
            Err(errors) => errors
                .into_iter()
                .map(|e| {
                    assert_eq!(e.row, Some(7), "every error names the line");
                    (e.column.unwrap_or_default().to_string(), e.message)
                })
                .collect(),
        }
    }

    #[test]
    fn each_kind_of_figure_reads_its_subject_and_value() {
        let line: Uuid = LINE.parse().unwrap();
        for (figure, subject, value, want_subject, want_value) in [
            (
                "reach_total",
                Some(LINE),
                "12",
                Subject::Id(line),
                "Count(12)",
            ),
            ("network_meetings", None, " 3 ", Subject::None, "Count(3)"),
            (
                "spent",
                Some(LINE),
                "1250,5",
                Subject::Id(line),
                "Amount(1250.50)",
            ),
            (
                "communication_cost",
                Some("flyers/tr"),
                "12.5",
                Subject::Channel(Channel::Flyers, Some("tr".parse().unwrap())),
                "Amount(12.50)",
            ),
            (
                "communication_count",
                Some("flyers"),
                "200",
                Subject::Channel(Channel::Flyers, None),
                "Count(200)",
            ),
            (
                "hours_spent",
                Some("outreach"),
                "4.25",
                Subject::Activity(Activity::Outreach),
                "Amount(4.25)",
            ),
            (
                "level_change",
                Some(LINE),
                "coordinate",
                Subject::Id(line),
                &format!("{:?}", Value::Level("coordinate".parse().unwrap())),
            ),
            (
                "developments",
                None,
                "Twee nieuwe sleutelpersonen.",
                Subject::None,
                "Text(\"Twee nieuwe sleutelpersonen.\")",
            ),
        ] {
            let row =
                parse(raw(figure, subject, value)).unwrap_or_else(|e| panic!("{figure}: {e:?}"));
            assert_eq!(row.subject, want_subject, "{figure}");
            let value = match row.value {
                Value::Amount(a) => format!("Amount({a})"),
                other => format!("{other:?}"),
            };
            assert_eq!(value, want_value, "{figure}");
            assert_eq!(row.quarter.to_string(), "2026-Q2");
        }
    }

    #[test]
    fn each_problem_names_its_column_in_plain_words() {
        for (row, column, says) in [
            (
                RawRow {
                    project_id: "project 7".into(),
                    ..raw("network_meetings", None, "1")
                },
                "project_id",
                "is not a project id",
            ),
            (
                RawRow {
                    quarter: "2026-Q5".into(),
                    ..raw("network_meetings", None, "1")
                },
                "quarter",
                "",
            ),
            (raw("visitors", None, "1"), "figure", ""),
            (
                raw("reach_total", None, "12"),
                "subject",
                "needs the id of what it counts",
            ),
            (
                raw("reach_total", Some("tg-1"), "12"),
                "subject",
                "needs the id",
            ),
            (
                raw("network_meetings", Some(LINE), "1"),
                "subject",
                "has no subject; leave it empty",
            ),
            (
                raw("network_meetings", None, "-1"),
                "value",
                "is not a whole number from 0 up",
            ),
            (
                raw("network_meetings", None, "1.5"),
                "value",
                "is not a whole number",
            ),
            (
                raw("communication_count", Some("telepathy"), "1"),
                "subject",
                "",
            ),
            (
                raw("communication_count", Some("flyers/klingon"), "1"),
                "subject",
                "",
            ),
            (raw("hours_spent", Some("sleeping"), "1"), "subject", ""),
            (raw("level_change", Some(LINE), "best friends"), "value", ""),
        ] {
            let errors = refused(row.clone());
            assert_eq!(errors.len(), 1, "{row:?}: {errors:?}");
            assert_eq!(errors[0].0, column, "{row:?}");
            assert!(errors[0].1.contains(says), "{row:?}: {}", errors[0].1);
            assert!(!errors[0].1.is_empty());
        }
    }

    #[test]
    fn every_problem_of_a_row_is_named_at_once() {
        let row = RawRow {
            project_id: "?".into(),
            quarter: "Q2".into(),
            ..raw("reach_total", None, "many")
        };
        let columns: Vec<String> = refused(row).into_iter().map(|(c, _)| c).collect();
        assert_eq!(columns, ["project_id", "quarter", "subject", "value"]);
    }
}
