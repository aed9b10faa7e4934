//! Tenancy: another organisation's items, and another project's, are not found (404)
//! for every method and every If-Match, exactly like items that do not exist; nothing
//! changes.

use super::{At, Part, for_every_part, world};
use crate::helpers::{all_items, fetch, new_project, problem};

#[tokio::test]
async fn another_organisation_or_project_gets_404_on_every_method_and_nothing_changes() {
    for_every_part("tenancy", other_organisations_and_projects_are_404).await;
}

async fn other_organisations_and_projects_are_404(part: &'static Part) {
    let w = world("Organisatie A").await;
    let (app, a) = (&w.app, &w.tenant.token);
    let b = app.tenant("Organisatie B").await;
    let pid_a2 = new_project(app, a, "Project A2").await;
    let pid_b = new_project(app, &b.token, "Project B").await;
    let place = part.place(app, a, &w.pid).await;
    let place_b = part.place(app, &b.token, &pid_b).await;
    let (path, item, etag) = part.item(app, a, &place, 0).await;
    let key = path.rsplit('/').next().expect("key").to_string();
    let (before_a, before_a2, before_b) = (
        all_items(app, a, &place.collection).await,
        all_items(app, a, &part.collection(&pid_a2)).await,
        all_items(app, &b.token, &place_b.collection).await,
    );

    // Where B would find A's item: under A's path, and (for project parts) under B's
    // own project; and A itself under its other project.
    let mut foreign = vec![(&b.token, path.clone())];
    if let At::Project(_) = part.at {
        // B's lists and creates on A's project.
        problem(app.get(&place.collection, &b.token).await, 404).await;
        if !part.fixed() {
            let body = (part.sample)(&place.refs, 1);
            problem(app.post(&place.collection, &b.token, &body).await, 404).await;
            // A fixed part's keys exist in every project: step 3 of B's project is B's.
            foreign.push((&b.token, place_b.item(&key)));
            foreign.push((a, format!("{}/{key}", part.collection(&pid_a2))));
        }
    }
    for (who, p) in &foreign {
        problem(app.get(p, who).await, 404).await;
        for (method, body) in part.writes(&place.refs) {
            for if_match in [etag.as_str(), "*"] {
                let response = app
                    .send_if_match(method.clone(), p, who, if_match, body.as_ref())
                    .await;
                assert_eq!(response.status(), 404, "{method} {p} If-Match {if_match}");
                problem(response, 404).await;
            }
        }
    }
    // The 404 says which is missing: B's project, seen from A, or the item.
    if let At::Project(_) = part.at {
        let p = format!("{}/{key}", part.collection(&pid_b));
        let body = problem(app.get(&p, a).await, 404).await;
        assert_eq!(body["detail"], "The project does not exist.", "{p}");
    }
    // Keys that name nothing are 404 too, for the owner.
    for unknown in part.unknown_keys() {
        let p = place.item(&unknown);
        let body = problem(app.get(&p, a).await, 404).await;
        let detail = body["detail"].as_str().unwrap_or_default();
        assert_ne!(
            detail, "The project does not exist.",
            "{p}: names the item, not the project"
        );
        for (method, body) in part.writes(&place.refs) {
            let response = app
                .send_if_match(method.clone(), &p, a, "*", body.as_ref())
                .await;
            assert_eq!(response.status(), 404, "{method} {p}");
            problem(response, 404).await;
        }
    }

    assert_eq!(
        fetch(app, a, &path).await,
        (item.clone(), etag),
        "A's item is unchanged"
    );
    assert_eq!(all_items(app, a, &place.collection).await, before_a);
    if !part.fixed() {
        assert_eq!(before_a, [item], "A's list holds its one item");
    }
    assert_eq!(
        all_items(app, a, &part.collection(&pid_a2)).await,
        before_a2
    );
    let listed_b = all_items(app, &b.token, &place_b.collection).await;
    assert_eq!(listed_b, before_b, "B's items are unchanged");
    if !part.fixed() {
        assert!(listed_b.is_empty(), "B sees none of A's items");
        if let At::Project(_) = part.at {
            assert!(before_a2.is_empty(), "A's other project has none");
        }
    }
}
