//! One set of handlers for every plan part (target groups, hours, budget lines, …) and
//! the partner register: list, create, get, replace, merge-patch and delete, with the
//! same roles, ETags, preconditions, paging and errors everywhere.
//!
//! A part's storage (its types, rules and queries) is the store's [`Lines`]; [`Part`]
//! adds the names it is routed and documented under. Both come together in one entry of
//! `plan_parts!` (`src/plan/mod.rs`), whose `part_operations!` ([`operations`]) writes
//! the part's handlers under `#[utoipa::path]` and registers them, so the routes and the
//! OpenAPI document cannot disagree.

use std::str::FromStr;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::extract::{Json, Query};
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, Permitted, ReadPlans, WritePlans};
use crate::db::Db;
pub use crate::db::plan::{LineScope, Lines, Meta};
use crate::db::scope::{OrgScope, ProjectScope};
use crate::domain::{OrganisationId, ProjectId};
use crate::error::{ApiError, FieldError};
use crate::models::{Guarded, Page, Precondition};

pub mod handlers;
pub mod operations;
pub mod service;

pub use handlers::{no_such_project, owner_of, project_missing, project_scope};
pub(crate) use operations::part_operations;

/// What a part belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// Lives at `/projects/{project_id}/<segment>`.
    Project,
    /// Lives at `/<segment>`, shared by the organisation's projects.
    Organisation,
}

/// Where a scope's parts are routed.
pub trait Routed: LineScope {
    const PARENT: Parent;
}

impl Routed for OrgScope {
    const PARENT: Parent = Parent::Organisation;
}

impl Routed for ProjectScope {
    const PARENT: Parent = Parent::Project;
}

/// A plan part as the API serves it: its stored lines ([`Lines`], in the store) and the
/// names under which it is routed and documented.
pub trait Part: Lines<Scope: Routed> {
    /// The path segment: `target-groups`.
    const SEGMENT: &'static str;
    /// The name of the item's path parameter: `target_group_id`.
    const ID_PARAM: &'static str;
    /// Many items, for operation summaries: `target groups`.
    const PLURAL: &'static str;
    /// The OpenAPI tag.
    const TAG: &'static str = "plan";
    /// A short explanation for the OpenAPI document.
    const ABOUT: &'static str;
}

/// Pointer prefix for errors of a line inside a larger document (the whole plan).
pub fn nest(error: ApiError, prefix: &str) -> ApiError {
    let nest_all = |errors: Vec<FieldError>| {
        errors
            .into_iter()
            .map(|mut e| {
                if let Some(pointer) = e.pointer.take() {
                    e.pointer = Some(format!("{prefix}{pointer}"));
                }
                e
            })
            .collect()
    };
    match error {
        ApiError::Validation(errors) => ApiError::Validation(nest_all(errors)),
        ApiError::Conflict { detail, errors } => ApiError::Conflict {
            detail,
            errors: nest_all(errors),
        },
        // Inside a document, a refused status move is a problem with that line's status.
        ApiError::Transition { detail, .. } => ApiError::Conflict {
            errors: vec![FieldError::body(format!("{prefix}/status"), detail.clone())],
            detail,
        },
        other => other,
    }
}
