//! Another organisation's projects are refused and left untouched.

use super::*;

#[tokio::test]
async fn another_organisations_projects_are_refused_and_left_untouched() {
    let app = spawn_app().await;
    let ours = app.tenant("Steunpunt Oost").await;
    let theirs = app.tenant("Steunpunt Noord").await;
    let p = one_project(&app, &ours).await;
    let q = one_project(&app, &theirs).await;
    put_report(&app, &theirs.token, &q.pid, "2025-Q1", &report_body(&q)).await;
    let their_report = stored(&app, &theirs.token, &q.pid, "2025-Q1").await;
    let their_states = states(&app, &theirs.token, &q.pid).await;

    // JSON: their project id, with otherwise valid rows (their own subjects even).
    let rows = vec![
        row(&p.pid, "2025-Q1", "key_person_contacts", None, json!(5)),
        row(&q.pid, "2025-Q1", "key_person_contacts", None, json!(500)),
        row(
            &q.pid,
            "2025-Q2",
            "spent",
            Some(&q.lines[0]),
            json!("99.00"),
        ),
    ];
    let found = problem(send_json(&app, &ours.token, &rows).await, 422).await;
    assert_eq!(
        sorted(named_fields(&found)),
        ["/figures/1/project_id", "/figures/2/project_id"],
        "{found}"
    );

    // CSV: the same, by line (the header is line 1) and column, whatever the line ends.
    let csv = csv_text(
        &ENGLISH,
        [0, 1, 2, 3, 4],
        &[
            Cells::new(&p.pid, "2025-Q1", "key_person_contacts", "", "5"),
            Cells::new(&q.pid, "2025-Q1", "key_person_contacts", "", "500"),
        ],
        ',',
    );
    let found = problem(send_csv(&app, &ours.token, csv.clone()).await, 422).await;
    assert_eq!(
        cells_named(&found),
        [(3, "project_id".to_string())],
        "LF: {found}"
    );
    let found = problem(send_csv(&app, &ours.token, crlf(&csv)).await, 422).await;
    assert_eq!(
        cells_named(&found),
        [(3, "project_id".to_string())],
        "CRLF, as Excel writes: {found}"
    );

    // A dry run tells nothing about them either.
    let body = json!({"figures": [row(&q.pid, "2025-Q3", "key_person_contacts", None, json!(1))]});
    let found = problem(
        send(
            &app,
            &ours.token,
            "?dry_run=true",
            "application/json",
            body.to_string(),
            None,
        )
        .await,
        422,
    )
    .await;
    assert_eq!(named_fields(&found), ["/figures/0/project_id"]);

    assert_eq!(
        stored(&app, &theirs.token, &q.pid, "2025-Q1").await,
        their_report,
        "their report is unchanged"
    );
    assert_eq!(states(&app, &theirs.token, &q.pid).await, their_states);
    assert!(
        all_not_started(&states(&app, &ours.token, &p.pid).await),
        "our valid row was not stored either"
    );
}
