//! Budget lines: PATCH and PUT keep the phases adding up.

use super::*;

#[tokio::test]
async fn patching_or_putting_a_budget_line_keeps_the_phases_adding_up() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, BUDGET_LINES),
        &budget_line_body(),
    )
    .await;
    let path = line_path(&pid, BUDGET_LINES, &id_of(&created));

    // Only the description changes.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"description": "Folders"}),
    )
    .await;
    assert_eq!(patched["description"], "Folders");
    for kept in ["category", "amount", "phases", "created_at", "id"] {
        assert_eq!(patched[kept], created[kept], "{kept} kept");
    }

    // A new amount the kept phases no longer add up to is refused.
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        Some(&json!({"amount": "2000"})),
        Refused::Invalid(&["/phases"]),
    )
    .await;
    for (body, pointer) in [
        (json!({"description": null}), "/description"),
        (json!({"category": "catering"}), "/category"),
        (json!({"amount": "1.999"}), "/amount"),
        (
            json!({"phases": [{"quarter": "2029-Q1", "amount": "1500"}]}),
            "/phases/0/quarter",
        ),
        (json!({"currency": "EUR"}), "/currency"),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag),
            Some(&body),
            Refused::Invalid(&[pointer]),
        )
        .await;
    }

    // Amount and phases together: fine.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"amount": "2000", "phases": [{"quarter": "2026-Q2", "amount": "2000"}]}),
    )
    .await;
    assert_eq!(patched["amount"], "2000.00");
    assert_eq!(
        patched["phases"],
        json!([{"quarter": "2026-Q2", "amount": "2000.00"}])
    );

    // An empty list stops phasing; the amount can then change freely.
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"phases": []}),
    )
    .await;
    assert_eq!(patched["phases"], json!([]));
    assert_eq!(patched["amount"], "2000.00");
    let (patched, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"amount": "2100.5"}),
    )
    .await;
    assert_eq!(patched["amount"], "2100.50");

    // PUT replaces the whole line; phases left out means not phased.
    let (replaced, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        &json!({"category": "materials", "description": "Banners", "amount": "300"}),
    )
    .await;
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["category"], "materials");
    assert_eq!(replaced["amount"], "300.00");
    assert_eq!(replaced["phases"], json!([]));
    assert_eq!(replaced["created_at"], created["created_at"]);
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&json!({
            "category": "materials",
            "description": "Banners",
            "amount": "300",
            "phases": [{"quarter": "2026-Q1", "amount": "299"}]
        })),
        Refused::Invalid(&["/phases"]),
    )
    .await;
    assert_write_refused(
        &app,
        &tenant.token,
        &path,
        Method::PUT,
        Some(&etag),
        Some(&json!({"category": "materials", "amount": "300"})),
        Refused::Invalid(&["/description"]),
    )
    .await;
}
