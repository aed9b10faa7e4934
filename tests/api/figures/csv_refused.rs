//! Empty submissions, unknown columns and other content types.

use super::*;

#[tokio::test]
async fn empty_submissions_unknown_columns_and_other_content_types_are_refused() {
    let app = spawn_app().await;
    let t = app.tenant("Steunpunt Oost").await;
    let p = one_project(&app, &t).await;

    // No figures.
    let found = problem(send_json(&app, &t.token, &[]).await, 422).await;
    assert!(!found["errors"].as_array().unwrap().is_empty(), "{found}");
    problem(send_csv(&app, &t.token, String::new()).await, 422).await;
    problem(
        send_csv(
            &app,
            &t.token,
            "project_id,quarter,figure,subject,value\r\n".into(),
        )
        .await,
        422,
    )
    .await;

    // Not JSON or CSV.
    let csv = csv_text(
        &ENGLISH,
        [0, 1, 2, 3, 4],
        &[Cells::new(
            &p.pid,
            "2025-Q1",
            "key_person_contacts",
            "",
            "3",
        )],
        ',',
    );
    problem(
        send(&app, &t.token, "", "text/plain", csv.clone(), None).await,
        415,
    )
    .await;

    // An unknown column: row 1, named by its header.
    let with_colour = csv_text(
        &["project_id", "quarter", "figure", "kleur", "value"],
        [0, 1, 2, 3, 4],
        &[Cells::new(
            &p.pid,
            "2025-Q1",
            "key_person_contacts",
            "rood",
            "3",
        )],
        ',',
    );
    let found = problem(send_csv(&app, &t.token, with_colour).await, 422).await;
    assert_eq!(cells_named(&found), [(1, "kleur".to_string())], "{found}");

    assert!(all_not_started(&states(&app, &t.token, &p.pid).await));
    // The same file as text/csv is fine.
    ok(send_csv(&app, &t.token, csv).await, "text/csv").await;
}
