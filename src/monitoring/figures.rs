//! Bulk quarterly figures: rows of `project_id, quarter, figure, subject, value` from an
//! intranet (JSON) or a spreadsheet (CSV), applied to the quarters' reports. Errors name
//! the row and the column; one bad row and nothing is stored.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::content::{
    BudgetSpend, CommunicationEffort, LevelChangeReport, PartnerReferrals, ReportContent,
    TargetGroupReach,
};
use crate::domain::ProjectId;
use crate::domain::plan::{Activity, Amount, Channel, LanguageCode, Level, Quarter};
use crate::domain::report::Figure;
use crate::error::FieldError;

pub mod json;
pub mod strict;

pub use json::FigureValue;

/// The most rows one submission may carry.
pub const MAX_ROWS: usize = 10_000;

/// One figure as a JSON client sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FigureInput {
    pub project_id: String,
    /// `2026-Q3`.
    pub quarter: String,
    pub figure: String,
    /// What the figure is about; see the figure list. Absent for figures of the whole
    /// quarter.
    pub subject: Option<String>,
    /// A whole number, a decimal string (`"1250.50"`), a ladder level or text, as the
    /// figure needs.
    #[schema(schema_with = json::schema)]
    pub value: FigureValue,
}

/// A bulk submission as JSON.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiguresInput {
    /// At most 10000.
    pub figures: Vec<FigureInput>,
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

pub fn from_json(input: FiguresInput) -> Vec<RawRow> {
    input
        .figures
        .into_iter()
        .enumerate()
        .map(|(i, f)| RawRow {
            origin: Origin::Json(i),
            project_id: f.project_id,
            quarter: f.quarter,
            figure: f.figure,
            subject: f.subject,
            value: f.value.into_text(),
        })
        .collect()
}

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
/// and a row with more or fewer cells than the header are refused, not guessed at.
pub fn from_csv(body: &[u8]) -> Result<Vec<RawRow>, Vec<FieldError>> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(vec![FieldError::cell(1, "", "the file is not UTF-8")]);
    };
    // Excel writes CRLF; with plain LF the reader's line numbers are the file's.
    let text = text.replace("\r\n", "\n");
    let text = text.as_str();
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
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
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
        rows.push(RawRow {
            origin: Origin::Csv(line),
            project_id: get("project_id"),
            quarter: get("quarter"),
            figure: get("figure"),
            subject: (!subject.is_empty()).then_some(subject),
            value: get("value"),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// A decimal written with a point or a comma (`12,50` from a Dutch spreadsheet).
fn amount(text: &str) -> Result<Amount, String> {
    let normal = if text.contains(',') && !text.contains('.') {
        text.replace(',', ".")
    } else {
        text.to_string()
    };
    normal.parse()
}

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
    let (subject, value) = match figure {
        None => (None, None),
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
                    crate::domain::text::bounded(&raw.value, 0, 20000).map(Value::Text)
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

/// Where in a report each row landed, to name the row for a problem found later.
#[derive(Default)]
pub struct Landing(Vec<(String, Origin, &'static str)>);

impl Landing {
    fn mark(&mut self, pointer: String, origin: Origin, column: &'static str) {
        self.0.push((pointer, origin, column));
    }

    /// The row and column behind a pointer into the report, or `fallback`.
    pub fn locate(&self, error: &FieldError, fallback: Origin) -> FieldError {
        let pointer = error.pointer.as_deref().unwrap_or_default();
        self.0
            .iter()
            .filter(|(p, _, _)| pointer.starts_with(p.as_str()))
            .max_by_key(|(p, _, _)| p.len())
            .map(|(_, origin, column)| origin.error(column, error.message.clone()))
            .unwrap_or_else(|| fallback.error("quarter", error.message.clone()))
    }
}

fn slot<T>(list: &mut Vec<T>, matches: impl Fn(&T) -> bool, make: impl FnOnce() -> T) -> usize {
    match list.iter().position(matches) {
        Some(i) => i,
        None => {
            list.push(make());
            list.len() - 1
        }
    }
}

/// Applies a row to a report: the figure is set, replacing what was there.
pub fn apply(content: &mut ReportContent, row: &Row, landing: &mut Landing) {
    use Figure::*;
    let o = row.origin;
    let as_count = |v: &Value| match v {
        Value::Count(n) => Some(*n),
        _ => None,
    };
    let as_amount = |v: &Value| match v {
        Value::Amount(a) => *a,
        _ => Amount::ZERO,
    };
    let id = match row.subject {
        Subject::Id(id) => id,
        _ => Uuid::nil(),
    };
    match row.figure {
        ReachNew | ReachTotal => {
            let list = &mut content.reach.per_target_group;
            let i = slot(
                list,
                |r| r.target_group_id == id,
                || TargetGroupReach {
                    target_group_id: id,
                    new: None,
                    total: None,
                },
            );
            let (field, target) = if row.figure == ReachNew {
                ("new", &mut list[i].new)
            } else {
                ("total", &mut list[i].total)
            };
            *target = as_count(&row.value);
            landing.mark(
                format!("/reach/per_target_group/{i}/target_group_id"),
                o,
                "subject",
            );
            landing.mark(format!("/reach/per_target_group/{i}/{field}"), o, "value");
        }
        PartnerReferralsReceived | PartnerReferralsMade => {
            let list = &mut content.reach.per_partner;
            let i = slot(
                list,
                |r| r.project_partner_id == id,
                || PartnerReferrals {
                    project_partner_id: id,
                    received: None,
                    made: None,
                },
            );
            let (field, target) = if row.figure == PartnerReferralsReceived {
                ("received", &mut list[i].received)
            } else {
                ("made", &mut list[i].made)
            };
            *target = as_count(&row.value);
            landing.mark(
                format!("/reach/per_partner/{i}/project_partner_id"),
                o,
                "subject",
            );
            landing.mark(format!("/reach/per_partner/{i}/{field}"), o, "value");
        }
        LevelChange => {
            if let Value::Level(level) = row.value {
                let list = &mut content.network.level_changes;
                let i = slot(
                    list,
                    |c| c.project_partner_id == id,
                    || LevelChangeReport {
                        project_partner_id: id,
                        level,
                    },
                );
                list[i].level = level;
                landing.mark(format!("/network/level_changes/{i}"), o, "subject");
            }
        }
        CommunicationCount | CommunicationReach | CommunicationCost => {
            if let Subject::Channel(channel, language) = &row.subject {
                let list = &mut content.communication;
                let i = slot(
                    list,
                    |e| e.channel == *channel && e.language == *language,
                    || CommunicationEffort {
                        channel: *channel,
                        language: language.clone(),
                        count: 0,
                        estimated_reach: None,
                        cost: None,
                    },
                );
                let field = match row.figure {
                    CommunicationCount => {
                        list[i].count = as_count(&row.value).unwrap_or_default();
                        "count"
                    }
                    CommunicationReach => {
                        list[i].estimated_reach = as_count(&row.value);
                        "estimated_reach"
                    }
                    _ => {
                        list[i].cost = Some(as_amount(&row.value));
                        "cost"
                    }
                };
                landing.mark(format!("/communication/{i}/language"), o, "subject");
                landing.mark(format!("/communication/{i}/channel"), o, "subject");
                landing.mark(format!("/communication/{i}/{field}"), o, "value");
            }
        }
        Spent => {
            let list = &mut content.budget.spent;
            let i = slot(
                list,
                |s| s.budget_line_id == id,
                || BudgetSpend {
                    budget_line_id: id,
                    amount: Amount::ZERO,
                },
            );
            list[i].amount = as_amount(&row.value);
            landing.mark(format!("/budget/spent/{i}/budget_line_id"), o, "subject");
            landing.mark(format!("/budget/spent/{i}/amount"), o, "value");
        }
        HoursSpent => {
            if let Subject::Activity(activity) = row.subject {
                let list = &mut content.budget.hours;
                let i = slot(
                    list,
                    |h| h.activity == activity,
                    || super::content::HoursSpent {
                        activity,
                        hours: Amount::ZERO,
                    },
                );
                list[i].hours = as_amount(&row.value);
                landing.mark(format!("/budget/hours/{i}/activity"), o, "subject");
                landing.mark(format!("/budget/hours/{i}/hours"), o, "value");
            }
        }
        KeyPersonContacts => set(
            &mut content.reach.key_person_contacts,
            row,
            landing,
            "/reach/key_person_contacts",
        ),
        ActivityParticipants => set(
            &mut content.reach.activity_participants,
            row,
            landing,
            "/reach/activity_participants",
        ),
        ReferralsReceived => set(
            &mut content.reach.referrals_received,
            row,
            landing,
            "/reach/referrals_received",
        ),
        ReferralsMade => set(
            &mut content.reach.referrals_made,
            row,
            landing,
            "/reach/referrals_made",
        ),
        ActivePartners => set(
            &mut content.network.active_partners,
            row,
            landing,
            "/network/active_partners",
        ),
        NewPartners => set(
            &mut content.network.new_partners,
            row,
            landing,
            "/network/new_partners",
        ),
        NetworkMeetings => set(
            &mut content.network.network_meetings,
            row,
            landing,
            "/network/network_meetings",
        ),
        Developments | Obstacles | Signals | NextQuarter => {
            let narrative = &mut content.narrative;
            let (field, target) = match row.figure {
                Developments => ("developments", &mut narrative.developments),
                Obstacles => ("obstacles", &mut narrative.obstacles),
                Signals => ("signals", &mut narrative.signals),
                _ => ("next_quarter", &mut narrative.next_quarter),
            };
            *target = match &row.value {
                Value::Text(t) if !t.is_empty() => Some(t.clone()),
                _ => None,
            };
            landing.mark(format!("/narrative/{field}"), o, "value");
        }
    }
}

fn set(target: &mut Option<u32>, row: &Row, landing: &mut Landing, pointer: &str) {
    if let Value::Count(n) = row.value {
        *target = Some(n);
    }
    landing.mark(pointer.to_string(), row.origin, "value");
}

/// What a bulk submission did (or, in a dry run, would do) to one report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportOutcome {
    pub project_id: ProjectId,
    pub quarter: Quarter,
    /// A new draft was (or would be) created.
    pub created: bool,
    /// How many rows applied to it.
    pub rows: usize,
}

/// The answer to a bulk submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresOutcome {
    pub dry_run: bool,
    pub rows: usize,
    pub reports: Vec<ReportOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
