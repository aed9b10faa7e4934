//! Communication: items per targeted channel and/or language (absent: any).

use rust_decimal::Decimal;

use super::Series;
use super::load::{Inputs, Target};
use super::series::{self, Planned};
use crate::domain::plan::{Channel, LanguageCode, TargetTheme};

/// What a communication target is about; `None` is any channel or any language.
#[derive(Debug, Clone, PartialEq)]
struct Subject {
    channel: Option<Channel>,
    language: Option<LanguageCode>,
}

impl Subject {
    fn of(target: &Target) -> Self {
        Subject {
            channel: target.channel,
            language: target.language.clone(),
        }
    }
}

/// One series per subject, in the order the subjects first appear among the targets.
pub fn series(inputs: &Inputs) -> Vec<Series> {
    let mut subjects: Vec<Subject> = Vec::new();
    for target in communication_targets(inputs) {
        let subject = Subject::of(target);
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }
    subjects
        .into_iter()
        .map(|subject| of_subject(inputs, subject))
        .collect()
}

fn communication_targets(inputs: &Inputs) -> impl Iterator<Item = &Target> {
    inputs
        .targets
        .iter()
        .filter(|t| t.theme == TargetTheme::Communication)
}

fn of_subject(inputs: &Inputs, subject: Subject) -> Series {
    let planned: Planned = communication_targets(inputs)
        .filter(|t| Subject::of(t) == subject)
        .map(|t| (t.quarter, t.planned))
        .collect();
    let Subject { channel, language } = subject;
    let actual = series::per_report(&inputs.reports, |content| {
        let n: u32 = content
            .communication
            .iter()
            .filter(|e| channel.is_none_or(|ch| e.channel == ch))
            .filter(|e| {
                language
                    .as_ref()
                    .is_none_or(|l| e.language.as_ref() == Some(l))
            })
            .map(|e| e.count)
            .sum();
        Decimal::from(n)
    });
    series::build(
        serde_json::json!({ "channel": channel, "language": language }),
        &inputs.quarters,
        &planned,
        &actual,
        series::COUNTS,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::monitoring::content::{CommunicationEffort, ReportContent};
    use crate::monitoring::progress::test_support::{
        language, quarters, report, rows, subjects, target, totals,
    };

    fn about(channel: Option<Channel>, code: Option<&str>, q: Option<u32>, n: &str) -> Target {
        Target {
            channel,
            language: code.map(language),
            ..target(TargetTheme::Communication, q, n)
        }
    }

    fn items(efforts: &[(Channel, Option<&str>, u32)]) -> ReportContent {
        let communication = efforts
            .iter()
            .map(|(channel, code, count)| CommunicationEffort {
                channel: *channel,
                language: code.map(language),
                count: *count,
                estimated_reach: Some(1000),
                cost: None,
            })
            .collect();
        ReportContent {
            communication,
            ..ReportContent::default()
        }
    }

    #[test]
    fn communication_per_channel_language_or_both() {
        use Channel::{Flyers, Newsletter, SocialMedia};
        let inputs = Inputs {
            quarters: quarters(2),
            targets: vec![
                about(Some(SocialMedia), None, Some(1), "10"),
                about(None, Some("tr"), Some(1), "3"),
                about(Some(SocialMedia), None, Some(2), "10"),
                about(None, Some("tr"), None, "12"),
                about(Some(SocialMedia), Some("tr"), Some(2), "2"),
                target(TargetTheme::Reach, Some(1), "99"),
            ],
            reports: vec![
                report(
                    1,
                    items(&[
                        (SocialMedia, Some("tr"), 4),
                        (SocialMedia, Some("ar"), 2),
                        (Flyers, Some("tr"), 1),
                        (Newsletter, None, 5),
                    ]),
                ),
                report(2, items(&[(SocialMedia, None, 3), (Flyers, Some("tr"), 2)])),
            ],
            ..Inputs::default()
        };
        let communication = series(&inputs);
        assert_eq!(
            subjects(&communication),
            [
                json!({ "channel": "social_media", "language": null }),
                json!({ "channel": null, "language": "tr" }),
                json!({ "channel": "social_media", "language": "tr" }),
            ]
        );
        let expected: [(&[&str], &str); 3] = [
            (
                &["2026-Q1 10 6 -4 | 10 6 -4", "2026-Q2 10 3 -7 | 20 9 -11"],
                "20 9 -11",
            ),
            (
                &["2026-Q1 3 5 2 | 3 5 2", "2026-Q2 - 2 - | 3 7 4"],
                "12 7 -5",
            ),
            (
                &["2026-Q1 - 4 - | - 4 -", "2026-Q2 2 0 -2 | 2 4 2"],
                "2 4 2",
            ),
        ];
        for (series, (quarter_rows, project)) in communication.iter().zip(expected) {
            assert_eq!(rows(series), quarter_rows, "{}", series.subject);
            assert_eq!(totals(series), project, "{}", series.subject);
        }
    }
}
