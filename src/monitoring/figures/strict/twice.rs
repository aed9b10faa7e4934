//! One figure set twice in one request: only the last row would count, so every row
//! that sets it is named instead.

use std::collections::HashMap;

use crate::domain::ProjectId;
use crate::domain::plan::Quarter;
use crate::domain::report::Figure;
use crate::error::FieldError;
use crate::monitoring::figures::{Origin, Row, Subject};

/// How a row is named in a message: `line 3` in a file, `/figures/2` in JSON.
fn name(origin: Origin) -> String {
    match origin {
        Origin::Json(i) => format!("/figures/{i}"),
        Origin::Csv(line) => format!("line {line}"),
    }
}

/// Rows named in one message at most; the rest are counted. Every row still gets its
/// own error, but a message naming all of 100,000 rows, on each of them, would not fit
/// in memory.
const NAMED: usize = 10;

fn list(names: &[String], total: usize) -> String {
    match names {
        [] => String::new(),
        [one] if total == 1 => one.clone(),
        _ if total > names.len() => {
            format!("{} and {} more rows", names.join(", "), total - names.len())
        }
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
        let names: Vec<String> = origins.iter().take(NAMED).copied().map(name).collect();
        let message = format!(
            "{} all set {} of {} for the same subject; set each figure once per request",
            list(&names, origins.len()),
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

    #[test]
    fn a_figure_set_by_many_rows_names_ten_and_counts_the_rest_on_every_row() {
        let p = ProjectId::generate();
        let rows: Vec<Row> = (2..100_002)
            .map(|line| {
                row(
                    Origin::Csv(line),
                    p,
                    "2025-Q1",
                    Figure::KeyPersonContacts,
                    Subject::None,
                )
            })
            .collect();
        let errors = repeated(&rows);
        assert_eq!(errors.len(), 100_000, "every row is named by its own error");
        assert_eq!(
            errors[99_999].message,
            "line 2, line 3, line 4, line 5, line 6, line 7, line 8, line 9, line 10, line 11 \
             and 99990 more rows all set key_person_contacts of 2025-Q1 for the same subject; \
             set each figure once per request"
        );
    }
}
