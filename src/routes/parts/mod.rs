//! One set of handlers for every plan part (target groups, hours, budget lines, …) and
//! the partner register: list, create, get, replace, merge-patch and delete, with the
//! same roles, ETags, preconditions, paging and errors everywhere.
//!
//! A part says what is particular to it by implementing [`Part`]: its types, its rules
//! and its queries. [`PartService`] registers its routes with actix and documents them in
//! the OpenAPI document, so the two cannot disagree.

use std::borrow::Cow;
use std::fmt::Display;
use std::future::Future;
use std::marker::PhantomData;
use std::str::FromStr;

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use diesel_async::AsyncPgConnection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem, Paths, PathsBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};

use super::extract::{Json, Query, parse_json};
use super::merge_patch::MergePatch;
use super::{IfMatch, PageParams, encode_cursor, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, Permitted, ReadProjects, WriteProjects};
use crate::db::Db;
use crate::db::scope::{OrgScope, ProjectScope};
use crate::domain::{OrganisationId, ProjectId};
use crate::error::{ApiError, FieldError};
use crate::models::{Guarded, Keyset, Page, Precondition};

mod docs;
mod handlers;
mod service;

use handlers::*;
pub use handlers::{project_missing, project_scope};
pub use service::PartService;

/// What a part belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parent {
    /// Lives at `/projects/{project_id}/<segment>`.
    Project,
    /// Lives at `/<segment>`, shared by the organisation's projects.
    Organisation,
}

/// How a part's scope is opened from its path: a project part's from the path's
/// `project_id` (under a share lock), an organisation part's from the caller alone.
pub trait PartScope: Sized + Send + Sync + 'static {
    /// Where the part's paths live.
    const PARENT: Parent;

    fn open(
        conn: &mut AsyncPgConnection,
        org: OrganisationId,
        project: Option<ProjectId>,
    ) -> impl Future<Output = Result<Self, ApiError>> + Send;
}

impl PartScope for OrgScope {
    const PARENT: Parent = Parent::Organisation;

    async fn open(
        _conn: &mut AsyncPgConnection,
        org: OrganisationId,
        _project: Option<ProjectId>,
    ) -> Result<Self, ApiError> {
        Ok(OrgScope { org })
    }
}

impl PartScope for ProjectScope {
    const PARENT: Parent = Parent::Project;

    async fn open(
        conn: &mut AsyncPgConnection,
        org: OrganisationId,
        project: Option<ProjectId>,
    ) -> Result<Self, ApiError> {
        match project {
            Some(id) => project_scope(conn, org, id).await,
            None => Err(ApiError::internal(std::io::Error::other(
                "a project part was routed without a project id",
            ))),
        }
    }
}

/// The id, version and list position of a stored item.
pub struct Meta {
    pub version: i64,
    pub keyset: Keyset,
}

/// A kind of plan line; see the module documentation.
pub trait Part: 'static {
    /// The path segment: `target-groups`.
    const SEGMENT: &'static str;
    /// The name of the item's path parameter: `target_group_id`.
    const ID_PARAM: &'static str;
    /// One item, in words: `target group`.
    const NOUN: &'static str;
    /// Many items, for operation summaries: `target groups`.
    const PLURAL: &'static str;
    /// The OpenAPI tag.
    const TAG: &'static str = "plan";
    /// A short explanation for the OpenAPI document.
    const ABOUT: &'static str;
    /// The part's scope: [`ProjectScope`] for a project's lines, [`OrgScope`] for the
    /// organisation's own (the partner register).
    type Scope: PartScope;
    /// Items exist with their parent and cannot be created or deleted (the roadmap).
    const FIXED: bool = false;

    /// The path value that names an item.
    type Key: FromStr + Display + Copy + Send + Sync + 'static;
    /// What a client sends to create or replace an item.
    type Input: DeserializeOwned + Serialize + ToSchema + Send + 'static;
    /// What the service answers.
    type Output: Serialize + ToSchema + Clone + Send + Sync + 'static;
    /// An input that passed every check, ready to store.
    type Valid: Send + Sync + 'static;

    fn meta(item: &Self::Output) -> Meta;
    fn key(item: &Self::Output) -> Self::Key;

    /// The input that would store `item` as it is, for merge patches.
    fn input_of(item: Self::Output) -> Self::Input;

    /// True when storing `input` would leave `item` as it is (the whole-plan PUT skips
    /// such lines, so their versions stay).
    fn unchanged(item: &Self::Output, input: &Self::Input) -> bool {
        serde_json::to_value(Self::input_of(item.clone())).ok() == serde_json::to_value(input).ok()
    }

    /// At most `limit + 1` items after `after`, in list order.
    fn list<'c>(
        conn: &'c mut AsyncPgConnection,
        scope: &'c Self::Scope,
        limit: i64,
        after: Option<Keyset>,
    ) -> impl Future<Output = Result<Vec<Self::Output>, ApiError>> + Send + 'c;

    /// One item; `lock` takes a row lock for a following write.
    fn find<'c>(
        conn: &'c mut AsyncPgConnection,
        scope: &'c Self::Scope,
        key: Self::Key,
        lock: bool,
    ) -> impl Future<Output = Result<Self::Output, ApiError>> + Send + 'c;

    /// Checks an input against the project and the rest of the plan; 422 names each
    /// field, 409 a move the item's lifecycle does not allow.
    fn check<'c>(
        conn: &'c mut AsyncPgConnection,
        scope: &'c Self::Scope,
        current: Option<&'c Self::Output>,
        input: Self::Input,
    ) -> impl Future<Output = Result<Self::Valid, ApiError>> + Send + 'c;

    /// Inserts (no `current`) or updates the item `current`, which `key` names. A new
    /// item always gets an id of the service's, whatever a client sent.
    fn store<'c>(
        conn: &'c mut AsyncPgConnection,
        scope: &'c Self::Scope,
        key: Option<Self::Key>,
        current: Option<&'c Self::Output>,
        valid: Self::Valid,
    ) -> impl Future<Output = Result<Self::Output, ApiError>> + Send + 'c;

    /// Points the input's references to lines that the same plan document creates from
    /// the ids the document gave them to the ids they were stored under. Only parts
    /// that refer to other lines of the plan have anything to do.
    fn follow(_input: &mut Self::Input, _created: &crate::plan::document::NewIds) {}

    /// Deletes the item; 409 when other lines still refer to it.
    fn delete<'c>(
        conn: &'c mut AsyncPgConnection,
        scope: &'c Self::Scope,
        current: &'c Self::Output,
    ) -> impl Future<Output = Result<(), ApiError>> + Send + 'c;
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
