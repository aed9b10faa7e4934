//! Roles: viewers, coordinators and admins read every part; only coordinators and
//! admins write (`Permission::WritePlans`). A refused write is a 403 problem and
//! stores nothing.

use reqwest::Method;
use serde_json::json;

use super::{Part, for_every_part, world};
use crate::helpers::{all_items, fetch, json_of, problem, write_ok};

#[tokio::test]
async fn viewers_read_every_part_and_every_write_of_theirs_is_403_storing_nothing() {
    for_every_part("roles (viewer)", viewer_reads_but_never_writes).await;
}

async fn viewer_reads_but_never_writes(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, admin) = (&w.app, &w.tenant.token);
    let (_, viewer) = app.user_with_role(&w.tenant, "viewer").await;
    let viewer = &viewer;
    let place = part.place(app, admin, &w.pid).await;
    let (path, item, etag) = part.item(app, admin, &place, 0).await;
    let before = all_items(app, admin, &place.collection).await;
    if !part.fixed() {
        assert_eq!(
            before,
            std::slice::from_ref(&item),
            "the list holds the one item"
        );
    }

    let listed = app.get(&place.collection, viewer).await;
    assert_eq!(listed.status(), 200, "a viewer lists");
    assert_eq!(json_of(listed).await["items"], json!(before));
    assert_eq!(
        fetch(app, viewer, &path).await,
        (item.clone(), etag.clone()),
        "a viewer reads the item and its ETag"
    );

    if !part.fixed() {
        let body = (part.sample)(&place.refs, 1);
        problem(app.post(&place.collection, viewer, &body).await, 403).await;
    }
    for (method, body) in part.writes(&place.refs) {
        let response = app
            .send_if_match(method.clone(), &path, viewer, &etag, body.as_ref())
            .await;
        assert_eq!(response.status(), 403, "{method} as a viewer");
        problem(response, 403).await;
    }
    // The role is checked before the body is read: an invalid PATCH, and a body that
    // cannot even be read as the part's input (an unknown field), are 403 too, so a
    // caller who may not write learns nothing of the schema.
    let response = app
        .send_if_match(
            Method::PATCH,
            &path,
            viewer,
            &etag,
            Some(&(part.invalid.0)()),
        )
        .await;
    assert_eq!(response.status(), 403, "an invalid PATCH as a viewer");
    problem(response, 403).await;
    let mut unreadable = (part.changed)(&place.refs);
    unreadable["unexpected"] = json!(true);
    let response = app
        .send_if_match(Method::PUT, &path, viewer, &etag, Some(&unreadable))
        .await;
    assert_eq!(response.status(), 403, "an unreadable PUT as a viewer");
    problem(response, 403).await;
    if !part.fixed() {
        let mut unreadable = (part.sample)(&place.refs, 2);
        unreadable["unexpected"] = json!(true);
        problem(app.post(&place.collection, viewer, &unreadable).await, 403).await;
    }
    assert_eq!(
        all_items(app, admin, &place.collection).await,
        before,
        "nothing created, changed or deleted"
    );
    assert_eq!(fetch(app, admin, &path).await, (item, etag), "unchanged");
}

#[tokio::test]
async fn coordinators_create_replace_patch_and_delete_in_every_part() {
    for_every_part("roles (coordinator)", coordinator_writes).await;
}

async fn coordinator_writes(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, admin) = (&w.app, &w.tenant.token);
    let (_, coordinator) = app.user_with_role(&w.tenant, "coordinator").await;
    let place = part.place(app, admin, &w.pid).await;

    // The item as a coordinator makes it (for a fixed part: replaces it).
    let (path, item, _) = part.item(app, &coordinator, &place, 0).await;
    assert_eq!(fetch(app, admin, &path).await.0, item, "an admin sees it");
    let (replaced, _) = write_ok(
        app,
        &coordinator,
        &path,
        Method::PUT,
        None,
        &(part.changed)(&place.refs),
    )
    .await;
    let (field, value) = (part.patch.0, (part.patch.1)());
    let (patched, _) = write_ok(
        app,
        &coordinator,
        &path,
        Method::PATCH,
        None,
        &json!({ field: value }),
    )
    .await;
    assert_eq!(patched[field], value, "the coordinator's patch is stored");
    assert_ne!(patched, replaced);
    if !part.fixed() {
        let response = app
            .send_if_match(
                Method::DELETE,
                &path,
                &coordinator,
                &fetch(app, admin, &path).await.1,
                None,
            )
            .await;
        assert_eq!(response.status(), 204, "a coordinator deletes");
        problem(app.get(&path, admin).await, 404).await;
    }
}
