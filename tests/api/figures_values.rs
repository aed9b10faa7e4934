//! A figure's `value` in the JSON form is a number or text, as the OpenAPI document says:
//! `true`/`false`, `null`, a list or an object is a 422 that names `/figures/{i}/value`
//! and says in plain words what was sent, and nothing is stored. Numbers and text are
//! read as a CSV cell with the same text would be.

use serde_json::{Value, json};

use crate::figures::{all_not_started, ok, one_project, row, send_json, states};
use crate::helpers::{named_fields, problem, spawn_app, stored};

#[tokio::test]
async fn a_value_that_is_neither_a_number_nor_text_is_422_at_its_row() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;
    let pid = &p.pid;
    for (value, words) in [
        (json!(true), "is true or false"),
        (json!(false), "is true or false"),
        (Value::Null, "is null"),
        (json!([5]), "is a list"),
        (json!({"count": 5}), "is an object"),
    ] {
        let rows = [
            row(pid, "2025-Q1", "key_person_contacts", None, json!(5)),
            row(pid, "2025-Q1", "referrals_made", None, json!("2")),
            row(pid, "2025-Q1", "network_meetings", None, json!(3)),
            row(pid, "2025-Q1", "developments", None, value.clone()),
        ];
        let found = problem(send_json(&app, &t.token, &rows).await, 422).await;
        assert_eq!(
            named_fields(&found),
            ["/figures/3/value"],
            "{value}: {found}"
        );
        let message = found["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(words), "{value}: {message}");
        assert!(
            message.contains("a number") && message.contains("text"),
            "{value}: says what is allowed: {message}"
        );
        for jargon in ["invalid type", "expected", "line", "column", "serde"] {
            assert!(
                !message.contains(jargon),
                "{value}: {jargon:?} in {message}"
            );
        }
        assert!(
            all_not_started(&states(&app, &t.token, pid).await),
            "{value}: nothing stored"
        );
    }
}

#[tokio::test]
async fn numbers_and_text_are_read_as_the_same_text_in_a_cell_would_be() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt West").await;
    let p = one_project(&app, &t).await;
    let pid = &p.pid;
    let rows = [
        row(pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(pid, "2025-Q1", "referrals_made", None, json!("2")),
        row(
            pid,
            "2025-Q1",
            "developments",
            None,
            json!("Eerste bijeenkomst"),
        ),
    ];
    ok(send_json(&app, &t.token, &rows).await, "numbers and text").await;
    let (report, _) = stored(&app, &t.token, pid, "2025-Q1").await;
    assert_eq!(report["reach"]["key_person_contacts"], 5, "{report}");
    assert_eq!(report["reach"]["referrals_made"], 2, "{report}");
    assert_eq!(
        report["narrative"]["developments"], "Eerste bijeenkomst",
        "{report}"
    );
}
