//! The contract every plan part keeps, written once and run against every part in
//! [`parts::PARTS`]: the generic part handlers (`src/routes/parts/`) serve them all,
//! so a new part gets these tests by adding one entry to the table.
//!
//! Each contract is one test that runs every part on a server of its own and reports
//! every part that fails, by name.

mod etag;
mod lifecycle;
mod methods;
mod parts;
mod patch;
mod roles;
mod tenancy;
mod validation;

use std::future::Future;
use std::pin::Pin;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::{
    Tenant, TestApp, create, etag_of, fetch, id_of, new_project, version, write_ok,
};

pub use parts::PARTS;

/// Where a part lives.
pub enum At {
    /// `/api/v1/projects/{project_id}/<segment>`.
    Project(&'static str),
    /// `/api/v1/<segment>`, shared by the organisation's projects.
    Organisation(&'static str),
}

/// Whether clients create and delete the items, or a project is born with them.
pub enum Items {
    /// POST creates, DELETE deletes; ids are UUIDs of the service's.
    Created,
    /// A fixed set (the roadmap's nine steps): no POST, no DELETE. `keys` are the
    /// items in list order; `unknown` are keys that name none of them.
    Fixed {
        keys: &'static [&'static str],
        unknown: &'static [&'static str],
    },
}

/// What a part's samples may refer to: the ids its setup created (target groups,
/// partners).
pub type Refs = Vec<String>;

/// Creates what a part's samples refer to, for the organisation of `token` and
/// (for project parts) the project `pid`.
pub type Setup =
    for<'a> fn(&'a TestApp, &'a str, &'a str) -> Pin<Box<dyn Future<Output = Refs> + Send + 'a>>;

/// One plan part as the contracts see it.
pub struct Part {
    /// For failure messages: `target groups`.
    pub name: &'static str,
    pub at: At,
    pub items: Items,
    pub setup: Setup,
    /// The `i`-th of a set of distinct valid bodies (at least six): for a created part
    /// a POST body, for a fixed one a PUT body.
    pub sample: fn(&Refs, usize) -> Value,
    /// A valid PUT body different from `sample(0)`.
    pub changed: fn(&Refs) -> Value,
    /// A merge patch of one field to a new valid value.
    pub patch: (&'static str, fn() -> Value),
    /// An optional field that `sample(0)` sets and a `null` patch clears.
    pub clears: Option<&'static str>,
    /// A required field: a `null` patch of it is 422 there.
    pub required: &'static str,
    /// Fields that make any body invalid (as a POST/PUT body merged into a sample, or
    /// as a merge patch), and the pointer of the error.
    pub invalid: (fn() -> Value, &'static str),
}

/// A part set up for one organisation and project.
pub struct Place {
    pub collection: String,
    pub refs: Refs,
}

impl Place {
    pub fn item(&self, key: &str) -> String {
        format!("{}/{key}", self.collection)
    }
}

impl Part {
    pub fn fixed(&self) -> bool {
        matches!(self.items, Items::Fixed { .. })
    }

    /// The collection of this part in project `pid` (ignored for organisation parts).
    pub fn collection(&self, pid: &str) -> String {
        match self.at {
            At::Project(segment) => format!("/api/v1/projects/{pid}/{segment}"),
            At::Organisation(segment) => format!("/api/v1/{segment}"),
        }
    }

    /// Runs the part's setup for the organisation of `token` and project `pid`.
    pub async fn place(&self, app: &TestApp, token: &str, pid: &str) -> Place {
        Place {
            collection: self.collection(pid),
            refs: (self.setup)(app, token, pid).await,
        }
    }

    /// `body` with the part's invalid fields merged in.
    pub fn invalid_body(&self, body: &Value) -> Value {
        crate::helpers::with(body, (self.invalid.0)())
    }

    /// The Allow header of the collection and of an item.
    pub fn allowed(&self) -> (&'static str, &'static str) {
        if self.fixed() {
            ("GET", "GET, PATCH, PUT")
        } else {
            ("GET, POST", "DELETE, GET, PATCH, PUT")
        }
    }

    /// An item to work on: for a created part `sample(i)` POSTed (checking 201, a
    /// Location naming the new id and an ETag that GET repeats), for a fixed part the
    /// `i`-th existing item with `sample(i)` PUT. Returns its path, JSON and ETag.
    pub async fn item(
        &self,
        app: &TestApp,
        token: &str,
        place: &Place,
        i: usize,
    ) -> (String, Value, String) {
        match self.items {
            Items::Created => {
                let body = (self.sample)(&place.refs, i);
                let response = app.post(&place.collection, token, &body).await;
                let status = response.status();
                if status != 201 {
                    let text = response.text().await.unwrap_or_default();
                    panic!("create {body}: expected 201, got {status}: {text}");
                }
                let location = response.headers()["location"]
                    .to_str()
                    .expect("Location")
                    .to_string();
                let etag = etag_of(&response);
                version(&etag);
                let item: Value = response.json().await.expect("json");
                let id = id_of(&item);
                assert!(uuid::Uuid::parse_str(&id).is_ok(), "id is a UUID: {id}");
                assert_eq!(location, place.item(&id), "Location names the new item");
                assert_eq!(
                    fetch(app, token, &location).await,
                    (item.clone(), etag.clone()),
                    "GET gives what POST answered"
                );
                (location, item, etag)
            }
            Items::Fixed { keys, .. } => {
                let path = place.item(keys[i % keys.len()]);
                let body = (self.sample)(&place.refs, i);
                let (item, etag) = write_ok(app, token, &path, Method::PUT, None, &body).await;
                (path, item, etag)
            }
        }
    }

    /// The writes of an item: PUT `changed`, PATCH `patch`, and DELETE when clients
    /// delete.
    pub fn writes(&self, refs: &Refs) -> Vec<(Method, Option<Value>)> {
        let mut writes = vec![
            (Method::PUT, Some((self.changed)(refs))),
            (Method::PATCH, Some(self.patch_body())),
        ];
        if !self.fixed() {
            writes.push((Method::DELETE, None));
        }
        writes
    }

    /// `{"<patch field>": <patch value>}`.
    pub fn patch_body(&self) -> Value {
        serde_json::json!({ self.patch.0: (self.patch.1)() })
    }

    /// Keys that name no item: an unknown UUID and a value that cannot be an id.
    pub fn unknown_keys(&self) -> Vec<String> {
        match self.items {
            Items::Created => vec![uuid::Uuid::new_v4().to_string(), "not-a-uuid".into()],
            Items::Fixed { unknown, .. } => unknown.iter().map(|k| k.to_string()).collect(),
        }
    }
}

/// An app with one organisation and a project (2026-01-01 to 2027-12-31).
pub struct World {
    pub app: TestApp,
    pub tenant: Tenant,
    pub pid: String,
}

pub async fn world(name: &str) -> World {
    let app = crate::helpers::spawn_app().await;
    let tenant = app.tenant(name).await;
    let pid = new_project(&app, &tenant.token, "Contract").await;
    World { app, tenant, pid }
}

/// Runs `contract` against every part, each on a task (and server) of its own, and
/// fails naming every part that failed and why.
pub async fn for_every_part<F, Fut>(contract: &str, run: F)
where
    F: Fn(&'static Part) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failures = Vec::new();
    for part in PARTS.iter() {
        if let Err(error) = tokio::spawn(run(part)).await {
            let message = match error.try_into_panic() {
                Ok(payload) => payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panicked".into()),
                Err(error) => error.to_string(),
            };
            failures.push(format!("- {}: {message}", part.name));
        }
    }
    assert!(
        failures.is_empty(),
        "the {contract} contract fails for {} of {} parts:\n{}",
        failures.len(),
        PARTS.len(),
        failures.join("\n")
    );
}

/// `create` for a sample: POSTs `sample(i)` into the place and returns the JSON.
pub async fn create_sample(
    app: &TestApp,
    token: &str,
    part: &Part,
    place: &Place,
    i: usize,
) -> Value {
    create(
        app,
        token,
        &place.collection,
        &(part.sample)(&place.refs, i),
    )
    .await
    .0
}

/// Resources with PUT and PATCH that the part service does not serve: their own
/// handlers, with tests of their own (`projects.rs`, `reports/`, `oidc/`, `webhooks/`).
const NOT_PARTS: [&str; 4] = [
    "/api/v1/projects",
    "/api/v1/projects/{project_id}/quarterly-reports",
    "/api/v1/identity-providers",
    "/api/v1/webhooks",
];

/// A part registered without an entry in the table would go untested: every listable
/// resource whose items take PUT and PATCH is in the table (or named in [`NOT_PARTS`]).
#[test]
fn every_resource_with_put_and_patch_is_in_the_table() {
    let doc = serde_json::to_value(mantelmonitor::openapi::document()).expect("document");
    let paths = doc["paths"].as_object().expect("paths");
    let mut served: Vec<String> = paths
        .iter()
        .filter(|(_, item)| item.get("put").is_some() && item.get("patch").is_some())
        .filter_map(|(path, _)| path.rsplit_once('/').map(|(parent, _)| parent.to_string()))
        .filter(|parent| paths.get(parent).is_some_and(|c| c.get("get").is_some()))
        .filter(|parent| !NOT_PARTS.contains(&parent.as_str()))
        .collect();
    served.sort();
    let mut tabled: Vec<String> = PARTS.iter().map(|p| p.collection("{project_id}")).collect();
    tabled.sort();
    assert_eq!(
        tabled, served,
        "the contract table and the part service disagree"
    );
}
