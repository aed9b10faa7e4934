//! Fund applications: the status lifecycle and merge patch.

use super::*;

/// A fund application that can be put in any status: requested 1000, submitted on
/// 2026-03-01.
fn lifecycle_body(funder: &str) -> Value {
    json!({
        "funder_id": funder,
        "amount_requested": "1000",
        "submitted_on": "2026-03-01"
    })
}

/// The fields that make an application valid in `status`, as a merge patch (nulls clear).
fn status_patch(status: &str) -> Value {
    match status {
        "granted" => {
            json!({"status": "granted", "amount_granted": "1000", "decided_on": "2026-05-01"})
        }
        "partially_granted" => json!({
            "status": "partially_granted", "amount_granted": "400", "decided_on": "2026-05-01"
        }),
        "rejected" => {
            json!({"status": "rejected", "amount_granted": "0", "decided_on": "2026-05-01"})
        }
        undecided => json!({"status": undecided, "amount_granted": null, "decided_on": null}),
    }
}

/// Creates an application directly in `status`; returns its path, JSON and ETag.
async fn application_in(
    app: &TestApp,
    token: &str,
    pid: &str,
    funder: &str,
    status: &str,
) -> (String, Value, String) {
    let (line, etag) = create(
        app,
        token,
        &lines_path(pid, FUND_APPLICATIONS),
        &with(&lifecycle_body(funder), status_patch(status)),
    )
    .await;
    assert_eq!(line["status"], status);
    (line_path(pid, FUND_APPLICATIONS, &id_of(&line)), line, etag)
}

fn allowed_after(status: &str) -> Vec<String> {
    let allowed: &[&str] = match status {
        "draft" => &["submitted", "withdrawn"],
        "submitted" => &["granted", "partially_granted", "rejected", "withdrawn"],
        _ => &[],
    };
    sorted(allowed.iter().map(|s| s.to_string()).collect())
}

#[tokio::test]
async fn every_allowed_status_move_succeeds_by_patch_and_by_put() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Levensloop").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Levensloop", "other").await;
    let moves = [
        ("draft", "submitted"),
        ("draft", "withdrawn"),
        ("submitted", "granted"),
        ("submitted", "partially_granted"),
        ("submitted", "rejected"),
        ("submitted", "withdrawn"),
    ];
    for (from, to) in moves {
        for method in [Method::PATCH, Method::PUT] {
            let (path, before, etag) =
                application_in(&app, &tenant.token, &pid, &funder, from).await;
            let body = if method == Method::PUT {
                with(&lifecycle_body(&funder), status_patch(to))
            } else {
                status_patch(to)
            };
            let (after, _) = write_ok(
                &app,
                &tenant.token,
                &path,
                method.clone(),
                Some(&etag),
                &body,
            )
            .await;
            assert_eq!(after["status"], to, "{method} {from} → {to}");
            assert_eq!(after["id"], before["id"]);
            assert_eq!(after["amount_requested"], "1000.00");
            let granted = match to {
                "granted" => json!("1000.00"),
                "partially_granted" => json!("400.00"),
                "rejected" => json!("0.00"),
                _ => json!(null),
            };
            assert_eq!(after["amount_granted"], granted, "{method} {from} → {to}");
        }
    }

    // The whole way, one step at a time: draft → submitted → partially_granted.
    let (path, _, etag) = application_in(&app, &tenant.token, &pid, &funder, "draft").await;
    let (_, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"status": "submitted"}),
    )
    .await;
    let (done, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &status_patch("partially_granted"),
    )
    .await;
    assert_eq!(done["status"], "partially_granted");
    assert_eq!(done["decided_on"], "2026-05-01");

    // Staying in a final status while changing something else is not a move.
    let (same, _) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"status": "partially_granted", "conditions": "Eindverslag voor 2028-03-01"}),
    )
    .await;
    assert_eq!(same["status"], "partially_granted");
    assert_eq!(same["conditions"], "Eindverslag voor 2028-03-01");
}

#[tokio::test]
async fn a_status_move_outside_the_lifecycle_is_409_naming_the_allowed_moves() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Levensloop").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Levensloop", "other").await;
    let forbidden = [
        ("draft", "granted"),
        ("draft", "partially_granted"),
        ("draft", "rejected"),
        ("submitted", "draft"),
        ("granted", "submitted"),
        ("granted", "draft"),
        ("granted", "rejected"),
        ("granted", "withdrawn"),
        ("partially_granted", "granted"),
        ("partially_granted", "submitted"),
        ("rejected", "granted"),
        ("rejected", "submitted"),
        ("withdrawn", "draft"),
        ("withdrawn", "submitted"),
    ];
    let mut wrong = Vec::new();
    for (from, to) in forbidden {
        let (path, _, etag) = application_in(&app, &tenant.token, &pid, &funder, from).await;
        for method in [Method::PATCH, Method::PUT] {
            let body = if method == Method::PUT {
                with(&lifecycle_body(&funder), status_patch(to))
            } else {
                status_patch(to)
            };
            let problem = assert_write_refused(
                &app,
                &tenant.token,
                &path,
                method.clone(),
                Some(&etag),
                Some(&body),
                Refused::Conflict,
            )
            .await;
            assert_eq!(
                problem["type"], INVALID_TRANSITION,
                "{method} {from} → {to}"
            );
            // `allowed` is an array of exactly the next statuses, empty for final ones.
            let allowed = problem["allowed"].as_array().map(|a| {
                sorted(
                    a.iter()
                        .map(|v| v.as_str().unwrap_or("?").to_string())
                        .collect(),
                )
            });
            if allowed.as_ref() != Some(&allowed_after(from)) {
                wrong.push(format!(
                    "{method} {from} → {to}: expected allowed {:?}, got {problem}",
                    allowed_after(from)
                ));
            }
        }
        // Still where it was.
        let (current, _) = fetch(&app, &tenant.token, &path).await;
        assert_eq!(current["status"], from);
    }
    assert!(wrong.is_empty(), "wrong `allowed`:\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn patching_a_fund_application_is_a_merge_patch_checked_as_a_whole() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let pid = new_project(&app, &tenant.token, "Patch").await;
    let funder = register_funder(&app, &tenant.token, "Fonds Levensloop", "other").await;
    let body = with(
        &lifecycle_body(&funder),
        json!({
            "programme": "Welzijn 2026",
            "reference": "REF-1",
            "conditions": "Vermelding logo",
            "grant_start": "2026-04-01",
            "grant_end": "2026-12-31",
            "reporting_duties": [{"quarter": "2026-Q2", "due_on": "2026-07-31"}]
        }),
    );
    let (created, etag) = create(
        &app,
        &tenant.token,
        &lines_path(&pid, FUND_APPLICATIONS),
        &with(&body, status_patch("granted")),
    )
    .await;
    let path = line_path(&pid, FUND_APPLICATIONS, &id_of(&created));

    // null clears optional fields; the rest stays.
    let (cleared, etag) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"programme": null, "reference": null, "grant_end": null}),
    )
    .await;
    for gone in ["programme", "reference", "grant_end"] {
        assert!(cleared[gone].is_null(), "{gone} cleared");
    }
    for kept in [
        "funder_id",
        "conditions",
        "grant_start",
        "amount_requested",
        "amount_granted",
        "status",
        "submitted_on",
        "decided_on",
        "reporting_duties",
        "created_at",
    ] {
        assert_eq!(cleared[kept], created[kept], "{kept} kept");
    }

    // The merged result must still hold together.
    for (patch, pointers) in [
        // Granted in full: a new requested amount breaks granted == requested.
        (json!({"amount_requested": "2000"}), vec!["/amount_granted"]),
        (
            json!({"amount_granted": "1000.01"}),
            vec!["/amount_granted"],
        ),
        (json!({"amount_granted": null}), vec!["/amount_granted"]),
        (json!({"decided_on": null}), vec!["/decided_on"]),
        (json!({"decided_on": "2026-02-01"}), vec!["/decided_on"]),
        (json!({"grant_end": "2026-03-31"}), vec!["/grant_end"]),
        (json!({"funder_id": null}), vec!["/funder_id"]),
        (
            json!({"funder_id": "00000000-0000-4000-8000-000000000000"}),
            vec!["/funder_id"],
        ),
        (json!({"colour": "blauw"}), vec!["/colour"]),
    ] {
        assert_write_refused(
            &app,
            &tenant.token,
            &path,
            Method::PATCH,
            Some(&etag),
            Some(&patch),
            Refused::Invalid(&pointers),
        )
        .await;
    }

    // Both amounts together: fine.
    let (patched, _) = write_ok(
        &app,
        &tenant.token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({"amount_requested": "2000", "amount_granted": "2000"}),
    )
    .await;
    assert_eq!(
        (
            patched["amount_requested"].clone(),
            patched["amount_granted"].clone()
        ),
        (json!("2000.00"), json!("2000.00"))
    );
    assert_eq!(patched["status"], "granted");
}
