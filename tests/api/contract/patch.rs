//! Merge patch (RFC 7396): a PATCH changes the fields it sends, `null` clears an
//! optional field, and every other field stays as it was.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Part, for_every_part, world};
use crate::helpers::write_ok;

#[tokio::test]
async fn a_patch_of_one_field_changes_that_field_and_keeps_every_other() {
    for_every_part("merge patch", patch_round_trip).await;
}

/// Asserts `after` has the fields of `before`, with the same values but for `changed`
/// and the update time.
fn assert_rest_kept(before: &Value, after: &Value, changed: &str) {
    let before = before.as_object().expect("object");
    let after = after.as_object().expect("object");
    let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(before), keys(after), "the same fields");
    for (key, value) in before {
        if key != changed && key != "updated_at" {
            assert_eq!(&after[key], value, "PATCH of {changed} kept {key}");
        }
    }
}

async fn patch_round_trip(part: &'static Part) {
    let w = world("Steunpunt Noord").await;
    let (app, token) = (&w.app, &w.tenant.token);
    let place = part.place(app, token, &w.pid).await;
    let (path, before, etag) = part.item(app, token, &place, 0).await;

    let (field, value) = (part.patch.0, (part.patch.1)());
    assert_ne!(before[field], value, "the patch changes {field}");
    let (patched, _) = write_ok(
        app,
        token,
        &path,
        Method::PATCH,
        Some(&etag),
        &json!({ field: value }),
    )
    .await;
    assert_eq!(patched[field], value, "{field} patched");
    assert_rest_kept(&before, &patched, field);

    let mut current = patched;
    if let Some(optional) = part.clears {
        assert!(!current[optional].is_null(), "the sample sets {optional}");
        let (cleared, _) = write_ok(
            app,
            token,
            &path,
            Method::PATCH,
            None,
            &json!({ optional: null }),
        )
        .await;
        assert!(cleared[optional].is_null(), "null cleared {optional}");
        assert_rest_kept(&current, &cleared, optional);
        current = cleared;
    }

    // An empty patch changes no field (it is still a write: the version goes up).
    let (same, _) = write_ok(app, token, &path, Method::PATCH, None, &json!({})).await;
    assert_rest_kept(&current, &same, "updated_at");
}
