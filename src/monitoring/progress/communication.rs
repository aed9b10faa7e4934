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
