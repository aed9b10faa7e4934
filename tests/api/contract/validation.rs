//! Validation: an invalid body is a 422 application/problem+json naming the field by
//! its JSON pointer, whether POSTed, PUT or merged in by PATCH; a field the part does
//! not know is refused the same way; nothing is stored.

use reqwest::Method;
use serde_json::json;

use super::{Part, for_every_part, world};
use crate::helpers::{Refused, assert_rejected, assert_write_refused, with};

#[tokio::test]
async fn invalid_and_unknown_fields_are_422_naming_the_field_and_nothing_is_stored() {
    for_every_part("validation", invalid_bodies_are_422_at_the_field).await;
}

async fn invalid_bodies_are_422_at_the_field(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, token) = (&w.app, &w.tenant.token);
    let place = part.place(app, token, &w.pid).await;
    let (invalid, pointer) = ((part.invalid.0)(), part.invalid.1);
    let unknown = json!({"unexpected": true});

    if !part.fixed() {
        let sample = (part.sample)(&place.refs, 1);
        for (body, at) in [
            (part.invalid_body(&sample), pointer),
            (with(&sample, unknown.clone()), "/unexpected"),
        ] {
            assert_rejected(app, token, &place.collection, &body, &[at]).await;
        }
    }

    let (path, _, _) = part.item(app, token, &place, 0).await;
    let changed = (part.changed)(&place.refs);
    let null_required = json!({ part.required: null });
    let required_at = format!("/{}", part.required);
    for (method, body, at) in [
        (Method::PUT, part.invalid_body(&changed), pointer),
        (Method::PUT, with(&changed, unknown.clone()), "/unexpected"),
        (Method::PATCH, invalid.clone(), pointer),
        (Method::PATCH, unknown.clone(), "/unexpected"),
        // A merge patch removes a field it sets to null: a required one is missing.
        (Method::PATCH, null_required, required_at.as_str()),
        // A merge patch must be an object.
        (Method::PATCH, json!(["not", "an", "object"]), ""),
    ] {
        assert_write_refused(
            app,
            token,
            &path,
            method,
            None,
            Some(&body),
            Refused::Invalid(&[at]),
        )
        .await;
    }
}
