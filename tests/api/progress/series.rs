//! Expected series: reach, partners and communication.

use super::*;

// --- expected series ------------------------------------------------------------------

/// `-` stands for `null`.
pub(super) const N: &str = "-";
pub(super) const QUARTERS: [&str; 4] = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"];

pub(super) fn figure(value: &str) -> Value {
    if value == N {
        Value::Null
    } else {
        json!(value)
    }
}

/// A series as the server should write it: per quarter `[planned, actual, variance,
/// cumulative_planned, cumulative_actual, cumulative_variance]`, and for the project
/// `[planned, actual, variance]`.
pub(super) fn series(subject: Value, rows: [[&str; 6]; 4], project: [&str; 3]) -> Value {
    json!({
        "subject": subject,
        "quarters": QUARTERS
            .iter()
            .zip(rows)
            .map(|(quarter, r)| json!({
                "quarter": quarter,
                "planned": figure(r[0]),
                "actual": figure(r[1]),
                "variance": figure(r[2]),
                "cumulative_planned": figure(r[3]),
                "cumulative_actual": figure(r[4]),
                "cumulative_variance": figure(r[5]),
            }))
            .collect::<Vec<_>>(),
        "planned": figure(project[0]),
        "actual": figure(project[1]),
        "variance": figure(project[2]),
    })
}

/// Asserts that `section` holds exactly the `expected` series (in any order).
pub(super) fn assert_section(progress: &Value, include: &str, section: &str, expected: &[Value]) {
    let actual = progress[section]
        .as_array()
        .unwrap_or_else(|| panic!("{section} is not a list: {progress}"));
    let subjects: Vec<&Value> = actual.iter().map(|s| &s["subject"]).collect();
    let mut wanted: Vec<&Value> = expected.iter().map(|s| &s["subject"]).collect();
    let mut got = subjects.clone();
    got.sort_by_key(|v| v.to_string());
    wanted.sort_by_key(|v| v.to_string());
    assert_eq!(got, wanted, "include={include}: the subjects of {section}");
    for want in expected {
        let found = actual
            .iter()
            .find(|s| s["subject"] == want["subject"])
            .unwrap();
        assert_eq!(
            found, want,
            "include={include}, {section}, subject {}",
            want["subject"]
        );
    }
}

/// Expected figures by `include`: accepted, submitted, draft.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Inc {
    Accepted,
    Submitted,
    Draft,
}

pub(super) fn reach(f: &Fixture, inc: Inc) -> Vec<Value> {
    use Inc::*;
    // New caregivers per report: Q1 (accepted) G1 8, G2 6; Q2 (draft) G1 14, G2 none
    // (only a total); Q3 (submitted) G1 22, G2 2.
    let all = json!({"target_group_id": null});
    let g1 = json!({"target_group_id": f.g1});
    let g2 = json!({"target_group_id": f.g2});
    match inc {
        Accepted => vec![
            // All groups: planned Q1 12, Q3 30 (project 12+30=42); actual Q1 8+6=14.
            series(
                all,
                [
                    ["12", "14", "2", "12", "14", "2"],
                    [N, "0", N, "12", "14", "2"],
                    ["30", "0", "-30", "42", "14", "-28"], // 12+30; 14-42
                    [N, "0", N, "42", "14", "-28"],
                ],
                ["42", "14", "-28"],
            ),
            // G1: planned 10/15/20/25 (cumulative 10/25/45/70), project target 60.
            series(
                g1,
                [
                    ["10", "8", "-2", "10", "8", "-2"],
                    ["15", "0", "-15", "25", "8", "-17"],
                    ["20", "0", "-20", "45", "8", "-37"],
                    ["25", "0", "-25", "70", "8", "-62"],
                ],
                ["60", "8", "-52"], // the whole-project target, not 70
            ),
            // G2: planned 5/8/–/12 (cumulative 5/13/13/25), project 5+8+12=25.
            series(
                g2,
                [
                    ["5", "6", "1", "5", "6", "1"],
                    ["8", "0", "-8", "13", "6", "-7"],
                    [N, "0", N, "13", "6", "-7"],
                    ["12", "0", "-12", "25", "6", "-19"],
                ],
                ["25", "6", "-19"],
            ),
        ],
        Submitted => vec![
            // All groups: actual Q1 14, Q3 22+2=24; cumulative 14, 14, 38, 38.
            series(
                all,
                [
                    ["12", "14", "2", "12", "14", "2"],
                    [N, "0", N, "12", "14", "2"],
                    ["30", "24", "-6", "42", "38", "-4"], // 24-30; 38-42
                    [N, "0", N, "42", "38", "-4"],
                ],
                ["42", "38", "-4"],
            ),
            // G1: actual 8, 0 (draft), 22; cumulative 8, 8, 30, 30.
            series(
                g1,
                [
                    ["10", "8", "-2", "10", "8", "-2"],
                    ["15", "0", "-15", "25", "8", "-17"],
                    ["20", "22", "2", "45", "30", "-15"],
                    ["25", "0", "-25", "70", "30", "-40"],
                ],
                ["60", "30", "-30"],
            ),
            // G2: actual 6, 0, 2; cumulative 6, 6, 8, 8.
            series(
                g2,
                [
                    ["5", "6", "1", "5", "6", "1"],
                    ["8", "0", "-8", "13", "6", "-7"],
                    [N, "2", N, "13", "8", "-5"],
                    ["12", "0", "-12", "25", "8", "-17"],
                ],
                ["25", "8", "-17"],
            ),
        ],
        Draft => vec![
            // All groups: actual 14, 14+0=14, 24; cumulative 14, 28, 52, 52.
            series(
                all,
                [
                    ["12", "14", "2", "12", "14", "2"],
                    [N, "14", N, "12", "28", "16"],       // 28-12
                    ["30", "24", "-6", "42", "52", "10"], // 52-42
                    [N, "0", N, "42", "52", "10"],
                ],
                ["42", "52", "10"],
            ),
            // G1: actual 8, 14, 22; cumulative 8, 22, 44, 44.
            series(
                g1,
                [
                    ["10", "8", "-2", "10", "8", "-2"],
                    ["15", "14", "-1", "25", "22", "-3"],
                    ["20", "22", "2", "45", "44", "-1"],
                    ["25", "0", "-25", "70", "44", "-26"],
                ],
                ["60", "44", "-16"],
            ),
            // G2: the draft has no "new" for G2, so as with submitted.
            series(
                g2,
                [
                    ["5", "6", "1", "5", "6", "1"],
                    ["8", "0", "-8", "13", "6", "-7"],
                    [N, "2", N, "13", "8", "-5"],
                    ["12", "0", "-12", "25", "8", "-17"],
                ],
                ["25", "8", "-17"],
            ),
        ],
    }
}

/// The same whatever `include`: levels come from the links' history, not from reports.
pub(super) fn partners() -> Vec<Value> {
    // At the end of Q1/Q2/Q3/Q4:
    //   P1 collaborate, collaborate, work_as_one, work_as_one
    //   P2 in_contact,  collaborate, collaborate, collaborate
    //   P3 collaborate, collaborate, collaborate, coordinate
    // At or above collaborate: 2, 3, 3, 2. At or above work_as_one: 0, 0, 1, 1.
    vec![
        // A state: the cumulative figures are the quarter's own (the planned one carried
        // from the last quarter with a target), the project's the last quarter's.
        series(
            json!({"level": "collaborate"}),
            [
                ["1", "2", "1", "1", "2", "1"],
                ["2", "3", "1", "2", "3", "1"],
                [N, "3", N, "2", "3", "1"], // no target for Q3: Q2's 2 still holds
                ["3", "2", "-1", "3", "2", "-1"],
            ],
            ["3", "2", "-1"], // the last target, 3 (not 1+2+3); the state at the end, 2
        ),
        // Only a whole-project target (1).
        series(
            json!({"level": "work_as_one"}),
            [
                [N, "0", N, N, "0", N],
                [N, "0", N, N, "0", N],
                [N, "1", N, N, "1", N],
                [N, "1", N, N, "1", N],
            ],
            ["1", "1", "0"],
        ),
    ]
}

pub(super) fn communication(inc: Inc) -> Vec<Value> {
    use Inc::*;
    // Items per report:
    //   Q1 (accepted)  social_media/tr 4, social_media/ar 3, flyers/tr 2, newsletter/– 1
    //   Q2 (draft)     social_media/– 5, radio/tr 1
    //   Q3 (submitted) social_media/nl 6, video/tr 3, social_media/tr 2
    // social_media (any language): Q1 4+3=7, Q2 5, Q3 6+2=8.
    // tr (any channel): Q1 4+2=6, Q2 1, Q3 3+2=5.
    let social = json!({"channel": "social_media", "language": null});
    let turkish = json!({"channel": null, "language": "tr"});
    match inc {
        Accepted => vec![
            // planned 10 a quarter, cumulative 10/20/30/40, project 40.
            series(
                social,
                [
                    ["10", "7", "-3", "10", "7", "-3"],
                    ["10", "0", "-10", "20", "7", "-13"],
                    ["10", "0", "-10", "30", "7", "-23"],
                    ["10", "0", "-10", "40", "7", "-33"],
                ],
                ["40", "7", "-33"],
            ),
            // planned Q1 3, Q3 5 (cumulative 3/3/8/8), project target 12.
            series(
                turkish,
                [
                    ["3", "6", "3", "3", "6", "3"],
                    [N, "0", N, "3", "6", "3"],
                    ["5", "0", "-5", "8", "6", "-2"],
                    [N, "0", N, "8", "6", "-2"],
                ],
                ["12", "6", "-6"],
            ),
        ],
        Submitted => vec![
            series(
                social,
                [
                    ["10", "7", "-3", "10", "7", "-3"],
                    ["10", "0", "-10", "20", "7", "-13"],
                    ["10", "8", "-2", "30", "15", "-15"], // 7+8; 15-30
                    ["10", "0", "-10", "40", "15", "-25"],
                ],
                ["40", "15", "-25"],
            ),
            series(
                turkish,
                [
                    ["3", "6", "3", "3", "6", "3"],
                    [N, "0", N, "3", "6", "3"],
                    ["5", "5", "0", "8", "11", "3"], // 6+5; 11-8
                    [N, "0", N, "8", "11", "3"],
                ],
                ["12", "11", "-1"],
            ),
        ],
        Draft => vec![
            series(
                social,
                [
                    ["10", "7", "-3", "10", "7", "-3"],
                    ["10", "5", "-5", "20", "12", "-8"], // 7+5; 12-20
                    ["10", "8", "-2", "30", "20", "-10"], // 12+8; 20-30
                    ["10", "0", "-10", "40", "20", "-20"],
                ],
                ["40", "20", "-20"],
            ),
            series(
                turkish,
                [
                    ["3", "6", "3", "3", "6", "3"],
                    [N, "1", N, "3", "7", "4"],      // 6+1; 7-3
                    ["5", "5", "0", "8", "12", "4"], // 7+5; 12-8
                    [N, "0", N, "8", "12", "4"],
                ],
                ["12", "12", "0"], // 12-12
            ),
        ],
    }
}
