//! Lists page in creation order (a fixed part's in key order) with cursors that are
//! checked; DELETE removes that item only and frees its place.

use reqwest::Method;

use super::{At, Items, Part, for_every_part, world};
use crate::helpers::{all_items, json_of, named_fields, new_project, problem};

#[tokio::test]
async fn lists_page_by_two_through_every_item_once_in_order() {
    for_every_part("paging", pages_by_two).await;
}

async fn pages_by_two(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, token) = (&w.app, &w.tenant.token);
    let place = part.place(app, token, &w.pid).await;
    let expected = match part.items {
        Items::Created => {
            let other = new_project(app, token, "Ander project").await;
            let other = part.place(app, token, &other).await;
            let mut created = Vec::new();
            for i in 0..5 {
                created.push(part.item(app, token, &place, i).await.1);
                // Items of another project never show up in this list.
                if let At::Project(_) = part.at {
                    super::create_sample(app, token, part, &other, i).await;
                }
            }
            created
        }
        Items::Fixed { keys, .. } => {
            let listed = all_items(app, token, &place.collection).await;
            let steps: Vec<String> = listed.iter().map(|s| s["step"].to_string()).collect();
            assert_eq!(steps, keys, "every key once, in order");
            listed
        }
    };

    let collection = &place.collection;
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    let mut path = format!("{collection}?limit=2");
    loop {
        let response = app.get(&path, token).await;
        assert_eq!(response.status(), 200, "{path}");
        let page = json_of(response).await;
        let items = page["items"].as_array().expect("items");
        sizes.push(items.len());
        seen.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => path = format!("{collection}?limit=2&cursor={next}"),
            None => {
                assert!(page["next_cursor"].is_null(), "null on the last page");
                break;
            }
        }
        assert!(sizes.len() < 10, "the pages never end");
    }
    let mut full = vec![2; expected.len() / 2];
    if expected.len() % 2 == 1 {
        full.push(1);
    }
    assert_eq!(sizes, full, "pages of two");
    assert_eq!(seen, expected, "every item once, in order");

    for query in ["limit=0", "limit=201", "limit=-1", "limit=veel"] {
        let response = app.get(&format!("{collection}?{query}"), token).await;
        let named = named_fields(&problem(response, 422).await);
        assert_eq!(named, ["limit"], "{query}");
    }
    for cursor in ["nope", "bm9wZQ", "MTIzOmFiYw"] {
        let response = app
            .get(&format!("{collection}?cursor={cursor}"), token)
            .await;
        let named = named_fields(&problem(response, 422).await);
        assert_eq!(named, ["cursor"], "cursor={cursor}");
    }
}

#[tokio::test]
async fn delete_answers_204_removes_only_that_item_and_frees_its_place() {
    for_every_part("delete", delete_removes_only_that_item).await;
}

async fn delete_removes_only_that_item(part: &'static Part) {
    if part.fixed() {
        // Nothing to delete: the 405 contract covers DELETE on a fixed part.
        return;
    }
    let w = world("Steunpunt Noord").await;
    let (app, token) = (&w.app, &w.tenant.token);
    let place = part.place(app, token, &w.pid).await;
    let (path, _, etag) = part.item(app, token, &place, 0).await;
    let (_, kept, _) = part.item(app, token, &place, 1).await;

    let response = app
        .send_if_match(Method::DELETE, &path, token, &etag, None)
        .await;
    assert_eq!(response.status(), 204);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "204 has no body"
    );
    problem(app.get(&path, token).await, 404).await;
    problem(
        app.send_if_match(Method::DELETE, &path, token, "*", None)
            .await,
        404,
    )
    .await;
    assert_eq!(all_items(app, token, &place.collection).await, [kept]);

    // What made the item unique (its name, activity and quarter, partner) is free again.
    part.item(app, token, &place, 0).await;
}
