//! Fund applications: covered budget lines and reporting duties.

use super::*;

#[tokio::test]
async fn covered_budget_lines_must_be_this_projects_each_once() {
    let app = spawn_app().await;
    let a = app.tenant("Organisatie A").await;
    let b = app.tenant("Organisatie B").await;
    let pid = new_project(&app, &a.token, "Fondsen").await;
    let funder = register_funder(&app, &a.token, "Fonds Mantelzorg", "fund").await;
    let other_pid = new_project(&app, &a.token, "Ander project").await;
    let pid_b = new_project(&app, &b.token, "Project B").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let (l1, _) = create(
        &app,
        &a.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(1),
    )
    .await;
    let (l2, _) = create(
        &app,
        &a.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(2),
    )
    .await;
    let (l3, _) = create(
        &app,
        &a.token,
        &lines_path(&other_pid, BUDGET_LINES),
        &budget_sample(3),
    )
    .await;
    let (l4, _) = create(
        &app,
        &b.token,
        &lines_path(&pid_b, BUDGET_LINES),
        &budget_sample(4),
    )
    .await;
    let (l1, l2, l3, l4) = (id_of(&l1), id_of(&l2), id_of(&l3), id_of(&l4));
    let random = uuid::Uuid::new_v4().to_string();
    let covering = |ids: Value| with(&fund_body(&funder), json!({"budget_line_ids": ids}));

    for (ids, pointers) in [
        (json!([l1, l3]), vec!["/budget_line_ids/1"]),
        (json!([random]), vec!["/budget_line_ids/0"]),
        (json!([l4]), vec!["/budget_line_ids/0"]),
        (json!([l1, l2, l1]), vec!["/budget_line_ids/2"]),
        (json!([l2, "geen-uuid"]), vec!["/budget_line_ids/1"]),
        (
            json!([l3, l1, l4]),
            vec!["/budget_line_ids/0", "/budget_line_ids/2"],
        ),
    ] {
        assert_rejected(&app, &a.token, &collection, &covering(ids), &pointers).await;
    }

    let (application, etag) = create(
        &app,
        &a.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &covering(json!([l2, l1])),
    )
    .await;
    assert_eq!(
        sorted(strings(&application["budget_line_ids"])),
        sorted(vec![l1.clone(), l2.clone()])
    );
    let path = line_path(&pid, FUND_APPLICATIONS, &id_of(&application));
    for (ids, pointer) in [
        (json!([l3]), "/budget_line_ids/0"),
        (json!([l1, l4]), "/budget_line_ids/1"),
        (json!([l2, l2]), "/budget_line_ids/1"),
    ] {
        assert_write_refused(
            &app,
            &a.token,
            &path,
            Method::PATCH,
            Some(&etag),
            Some(&json!({"budget_line_ids": ids})),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }
    let (patched, _) = write_ok(
        &app,
        &a.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"budget_line_ids": [l2]}),
    )
    .await;
    assert_eq!(patched["budget_line_ids"], json!([l2]));
}

#[tokio::test]
async fn reporting_duties_are_project_quarters_each_once_due_after_the_quarter_ends() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Rapportages").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Mantelzorg", "fund").await;
    let collection = lines_path(&pid, FUND_APPLICATIONS);
    let duties = |duties: Value| with(&fund_body(&funder), json!({"reporting_duties": duties}));

    for (list, pointers) in [
        (
            json!([{"quarter": "2025-Q4", "due_on": "2026-01-31"}]),
            vec!["/reporting_duties/0/quarter"],
        ),
        (
            json!([
                {"quarter": "2027-Q4", "due_on": "2028-01-31"},
                {"quarter": "2028-Q1", "due_on": "2028-04-30"}
            ]),
            vec!["/reporting_duties/1/quarter"],
        ),
        (
            json!([
                {"quarter": "2026-Q2", "due_on": "2026-07-15"},
                {"quarter": "2026-Q2", "due_on": "2026-07-31"}
            ]),
            vec!["/reporting_duties/1/quarter"],
        ),
        // Due on the quarter's last day, or inside it: too early.
        (
            json!([{"quarter": "2026-Q3", "due_on": "2026-09-30"}]),
            vec!["/reporting_duties/0/due_on"],
        ),
        (
            json!([{"quarter": "2026-Q3", "due_on": "2026-08-01"}]),
            vec!["/reporting_duties/0/due_on"],
        ),
        (
            json!([{"quarter": "2026-Q9", "due_on": "2026-12-01"}]),
            vec!["/reporting_duties/0/quarter"],
        ),
        (
            json!([{"quarter": "2026-Q1", "due_on": "2026-04-31"}]),
            vec!["/reporting_duties/0/due_on"],
        ),
    ] {
        assert_rejected(&app, &tenant.token, &collection, &duties(list), &pointers).await;
    }

    // The day after the quarter ends is fine, also past the project's end.
    let list = json!([
        {"quarter": "2026-Q3", "due_on": "2026-10-01"},
        {"quarter": "2027-Q4", "due_on": "2028-01-31"}
    ]);
    let (line, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &duties(list.clone()),
    )
    .await;
    assert_eq!(line["reporting_duties"], list);
    let path = line_path(&pid, FUND_APPLICATIONS, &id_of(&line));
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"reporting_duties": [{"quarter": "2026-Q1", "due_on": "2026-03-31"}]})),
        Refused::Invalid(&["/reporting_duties/0/due_on"]),
    )
    .await;
}
