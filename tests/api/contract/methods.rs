//! Methods a path does not serve are 405 problems with an Allow header naming the ones
//! it does (RFC 9110 15.5.6) and the same list in `allowed`; nothing changes.

use reqwest::Method;
use serde_json::Value;

use super::{Part, for_every_part, world};
use crate::helpers::{all_items, fetch, problem};

#[tokio::test]
async fn methods_a_part_does_not_serve_are_405_naming_the_allowed_ones() {
    for_every_part("405", unserved_methods_are_405).await;
}

async fn unserved_methods_are_405(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, token) = (&w.app, &w.tenant.token);
    let place = part.place(app, token, &w.pid).await;
    let (path, item, etag) = part.item(app, token, &place, 0).await;
    let before = all_items(app, token, &place.collection).await;
    let (collection_allow, item_allow) = part.allowed();

    let mut collection_methods = vec![Method::PUT, Method::PATCH, Method::DELETE, Method::TRACE];
    let mut item_methods = vec![Method::POST, Method::TRACE];
    if part.fixed() {
        collection_methods.push(Method::POST);
        item_methods.push(Method::DELETE);
    }
    let body = (part.sample)(&place.refs, 1);
    for (p, methods, allow) in [
        (&place.collection, collection_methods, collection_allow),
        (&path, item_methods, item_allow),
    ] {
        for method in methods {
            let response = app
                .request(method.clone(), p, Some(token))
                .header("If-Match", "*")
                .json(&body)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 405, "{method} {p}");
            let header = response
                .headers()
                .get("allow")
                .map(|v| v.to_str().unwrap().to_string());
            assert_eq!(header.as_deref(), Some(allow), "Allow on {method} {p}");
            let problem = problem(response, 405).await;
            let allowed: Vec<Value> = allow.split(", ").map(Value::from).collect();
            assert_eq!(problem["allowed"], Value::from(allowed), "{method} {p}");
        }
    }
    assert_eq!(
        all_items(app, token, &place.collection).await,
        before,
        "nothing created or deleted"
    );
    assert_eq!(fetch(app, token, &path).await, (item, etag), "unchanged");
}
