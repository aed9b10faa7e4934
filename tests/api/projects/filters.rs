//! Filtering the project list by status and period.

use super::*;

#[tokio::test]
async fn the_status_filter_returns_only_projects_with_that_status() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let mut by_status: std::collections::HashMap<&str, Vec<String>> = Default::default();
    for (name, status) in [
        ("A", "active"),
        ("B", "draft"),
        ("C", "active"),
        ("D", "completed"),
        ("E", "cancelled"),
    ] {
        let (project, _) = app
            .project(&tenant.token, &body_with(name, json!({"status": status})))
            .await;
        by_status.entry(status).or_default().push(id_of(&project));
    }
    for status in ["active", "draft", "completed", "cancelled"] {
        let ids = ids_for(&app, &tenant.token, &format!("status={status}")).await;
        assert_eq!(ids, by_status[status], "status={status}");
    }
    let response = app
        .get(&format!("{PROJECTS}?status=paused"), &tenant.token)
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["status"]);
}

#[tokio::test]
async fn active_from_and_active_to_return_projects_whose_period_overlaps() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let mut ids = std::collections::HashMap::new();
    for year in [2024, 2026, 2028] {
        let body = body_in(
            &format!("Project {year}"),
            &format!("{year}-01-01"),
            &format!("{year}-12-31"),
        );
        let (project, _) = app.project(&tenant.token, &body).await;
        ids.insert(year, id_of(&project));
    }
    let set = |years: &[i32]| sorted(years.iter().map(|y| ids[y].clone()).collect());
    let cases: [(&str, &[i32]); 9] = [
        ("active_from=2025-01-01", &[2026, 2028]),
        ("active_from=2028-12-31", &[2028]),
        ("active_from=2029-01-01", &[]),
        ("active_to=2025-06-30", &[2024]),
        ("active_to=2024-01-01", &[2024]),
        ("active_to=2023-12-31", &[]),
        ("active_from=2026-06-01&active_to=2026-06-30", &[2026]),
        ("active_from=2024-12-31&active_to=2026-01-01", &[2024, 2026]),
        ("active_from=2025-01-01&active_to=2025-12-31", &[]),
    ];
    for (query, years) in cases {
        let found = sorted(ids_for(&app, &tenant.token, query).await);
        assert_eq!(found, set(years), "{query}");
    }
    let all = sorted(
        ids_for(
            &app,
            &tenant.token,
            "active_from=2024-06-01&active_to=2028-06-01",
        )
        .await,
    );
    assert_eq!(all, set(&[2024, 2026, 2028]));
    let combined = ids_for(&app, &tenant.token, "status=draft&active_from=2027-01-01").await;
    assert_eq!(combined, [ids[&2028].clone()], "filters combine");
}

#[tokio::test]
async fn active_to_before_active_from_is_422_naming_active_to() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    let response = app
        .get(
            &format!("{PROJECTS}?active_from=2026-01-02&active_to=2026-01-01"),
            &tenant.token,
        )
        .await;
    assert_eq!(named_fields(&problem(response, 422).await), ["active_to"]);
    // The same day on both ends is a valid range.
    let response = app
        .get(
            &format!("{PROJECTS}?active_from=2026-01-01&active_to=2026-01-01"),
            &tenant.token,
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_bad_date_in_a_filter_is_422_naming_the_parameter() {
    let app = spawn_app().await;
    let tenant = app.tenant("Steunpunt Noord").await;
    for (query, parameter) in [
        ("active_from=2026-13-01", "active_from"),
        ("active_from=gisteren", "active_from"),
        ("active_to=2026-02-30", "active_to"),
        ("active_to=", "active_to"),
    ] {
        let response = app.get(&format!("{PROJECTS}?{query}"), &tenant.token).await;
        let body = problem(response, 422).await;
        assert_eq!(named_fields(&body), [parameter], "{query}");
    }
}
