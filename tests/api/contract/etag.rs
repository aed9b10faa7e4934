//! ETag and If-Match: every item carries an ETag; PUT, PATCH and DELETE need If-Match
//! (428 without), a stale one is 412 and changes nothing, the current one (or `*`, or a
//! list that holds it) succeeds and gives a new ETag; a weak tag never matches.

use reqwest::Method;

use super::{Part, for_every_part, world};
use crate::helpers::{
    Refused, assert_write_refused, etag_of, fetch, json_of, named_fields, problem,
    send_without_if_match, version, write_ok,
};

#[tokio::test]
async fn writes_need_if_match_a_stale_etag_is_412_and_the_current_one_gives_a_new_etag() {
    for_every_part("ETag/If-Match", if_match_is_required_and_must_be_current).await;
}

async fn if_match_is_required_and_must_be_current(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, token) = (&w.app, &w.tenant.token);
    let place = part.place(app, token, &w.pid).await;
    let (path, created, stale) = part.item(app, token, &place, 0).await;
    let writes = part.writes(&place.refs);

    // Without If-Match: 428, nothing changed.
    for (method, body) in &writes {
        let response =
            send_without_if_match(app, method.clone(), &path, token, body.as_ref()).await;
        assert_eq!(response.status(), 428, "{method} without If-Match");
        problem(response, 428).await;
    }
    // An If-Match that is neither `*` nor a list of ETags: 422 naming the header.
    for (method, body) in &writes {
        let response = app
            .send_if_match(method.clone(), &path, token, "1", body.as_ref())
            .await;
        let problem = problem(response, 422).await;
        assert_eq!(named_fields(&problem), ["If-Match"], "{method} If-Match: 1");
    }
    assert_eq!(
        fetch(app, token, &path).await,
        (created.clone(), stale.clone()),
        "428 and 422 changed nothing"
    );

    // With the current ETag: PUT succeeds, the ETag goes up, the item keeps its key.
    let (replaced, current) = write_ok(
        app,
        token,
        &path,
        Method::PUT,
        Some(&stale),
        &(part.changed)(&place.refs),
    )
    .await;
    for key in ["id", "step"] {
        assert_eq!(replaced.get(key), created.get(key), "PUT keeps the {key}");
    }

    // With the old one: 412, nothing changed.
    for (method, body) in &writes {
        let response = app
            .send_if_match(method.clone(), &path, token, &stale, body.as_ref())
            .await;
        assert_eq!(response.status(), 412, "{method} with a stale ETag");
        problem(response, 412).await;
    }
    // A weak tag never matches under If-Match's strong comparison, even the current one.
    let weak = format!("W/{current}");
    for (method, body) in &writes {
        let response = app
            .send_if_match(method.clone(), &path, token, &weak, body.as_ref())
            .await;
        assert_eq!(response.status(), 412, "{method} with {weak}");
        problem(response, 412).await;
    }
    assert_eq!(
        fetch(app, token, &path).await,
        (replaced, current.clone()),
        "412 changed nothing"
    );
    // An invalid body is 422 whatever its ETag: only a valid write can be stale.
    let invalid = part.invalid_body(&(part.changed)(&place.refs));
    assert_write_refused(
        app,
        token,
        &path,
        Method::PUT,
        Some(&stale),
        Some(&invalid),
        Refused::Invalid(&[part.invalid.1]),
    )
    .await;

    // PATCH with the current ETag, then with a list that holds the current one, then
    // with `*` (any version): each succeeds and raises the version.
    let (_, patched) = write_ok(
        app,
        token,
        &path,
        Method::PATCH,
        Some(&current),
        &part.patch_body(),
    )
    .await;
    let listed = format!("{stale}, {patched}");
    let response = app
        .send_if_match(
            Method::PUT,
            &path,
            token,
            &listed,
            Some(&(part.sample)(&place.refs, 0)),
        )
        .await;
    assert_eq!(response.status(), 200, "PUT with If-Match: {listed}");
    let after_list = etag_of(&response);
    assert!(
        version(&after_list) > version(&patched),
        "{after_list} after {patched}"
    );
    let response = app
        .send_if_match(Method::PATCH, &path, token, "*", Some(&part.patch_body()))
        .await;
    assert_eq!(response.status(), 200, "PATCH with If-Match: *");
    let newest = etag_of(&response);
    assert!(
        version(&newest) > version(&after_list),
        "{newest} after {after_list}"
    );
    assert_eq!(
        fetch(app, token, &path).await,
        (json_of(response).await, newest.clone())
    );

    if !part.fixed() {
        // DELETE with an older ETag is 412; with the newest, 204 with no body.
        let response = app
            .send_if_match(Method::DELETE, &path, token, &current, None)
            .await;
        problem(response, 412).await;
        let response = app
            .send_if_match(Method::DELETE, &path, token, &newest, None)
            .await;
        assert_eq!(response.status(), 204, "DELETE with the current ETag");
        assert!(
            response.bytes().await.unwrap().is_empty(),
            "204 has no body"
        );
        problem(app.get(&path, token).await, 404).await;
    }
}
