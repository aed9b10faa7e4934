//! A budget line an application covers.

use super::*;

#[tokio::test]
async fn a_budget_line_an_application_covers_cannot_be_deleted_until_it_is_uncovered() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Dekking").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Mantelzorg", "fund").await;
    let (l1, l1_etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(1),
    )
    .await;
    let (l2, l2_etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_sample(2),
    )
    .await;
    let (l1_path, l2_path) = (
        line_path(&pid, BUDGET_LINES, &id_of(&l1)),
        line_path(&pid, BUDGET_LINES, &id_of(&l2)),
    );
    let (application, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(
            &fund_body(&funder),
            json!({"budget_line_ids": [id_of(&l1), id_of(&l2)]}),
        ),
    )
    .await;
    let app_path = line_path(&pid, FUND_APPLICATIONS, &id_of(&application));

    for (path, line_etag) in [(&l1_path, &l1_etag), (&l2_path, &l2_etag)] {
        assert_write_refused(
            &app,
            &tenant.token,
            path,
            Method::DELETE,
            Some(line_etag),
            None,
            Refused::Conflict,
        )
        .await;
    }
    assert_eq!(
        all_items(&app, &tenant.token, &lines_path(&pid, BUDGET_LINES)).await,
        [l1.clone(), l2.clone()],
        "both lines still exist"
    );

    // Uncover both: then the delete succeeds.
    let (patched, _) = write_ok(
        &app,
        &tenant.token,
        &app_path,
        Method::PATCH,
        Some(&etag),
        &json!({"budget_line_ids": []}),
    )
    .await;
    assert_eq!(patched["budget_line_ids"], json!([]));
    let response = app
        .send_if_match(Method::DELETE, &l1_path, &tenant.token, &l1_etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "204 has no body"
    );
    problem(app.get(&l1_path, &tenant.token).await, 404).await;

    // Deleting the application frees its lines as well.
    let (_, etag) = fetch(&app, &tenant.token, &app_path).await;
    let (_, etag) = write_ok(
        &app,
        &tenant.token,
        &app_path,
        Method::PATCH,
        Some(&etag),
        &json!({"budget_line_ids": [id_of(&l2)]}),
    )
    .await;
    problem(
        app.send_if_match(Method::DELETE, &l2_path, &tenant.token, &l2_etag, None)
            .await,
        409,
    )
    .await;
    let response = app
        .send_if_match(Method::DELETE, &app_path, &tenant.token, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .send_if_match(Method::DELETE, &l2_path, &tenant.token, &l2_etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        all_items(&app, &tenant.token, &lines_path(&pid, BUDGET_LINES))
            .await
            .is_empty()
    );
}
