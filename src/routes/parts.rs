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

/// Reads `name` from the path; a value that cannot name anything is a 404.
fn path_value<T: FromStr>(req: &HttpRequest, name: &str) -> Result<T, ApiError> {
    req.match_info()
        .get(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::NotFound(format!("No such resource: {name} is not valid.")))
}

/// A project that is not there (or not the caller's) is a 404.
pub fn project_missing(error: diesel::result::Error) -> ApiError {
    match error {
        diesel::result::Error::NotFound => ApiError::NotFound("The project does not exist.".into()),
        other => other.into(),
    }
}

/// The project's scope, with the project under a share lock: its lines can be written,
/// its period cannot change until the transaction ends.
pub async fn project_scope(
    conn: &mut AsyncPgConnection,
    org: OrganisationId,
    project: ProjectId,
) -> Result<ProjectScope, ApiError> {
    ProjectScope::share(conn, org, project)
        .await
        .map_err(project_missing)
}

fn project_of<P: Part>(req: &HttpRequest) -> Result<Option<ProjectId>, ApiError> {
    match P::Scope::PARENT {
        Parent::Project => path_value(req, "project_id").map(Some),
        Parent::Organisation => Ok(None),
    }
}

fn not_found<P: Part>(error: ApiError) -> ApiError {
    match error {
        ApiError::NotFound(_) => ApiError::NotFound(format!("The {} does not exist.", P::NOUN)),
        other => other,
    }
}

fn item_response<P: Part>(
    response: actix_web::HttpResponseBuilder,
    item: &P::Output,
) -> HttpResponse {
    json_ok(with_etag(response, P::meta(item).version), item)
}

/// Paging for every part list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// One page of a part list.
#[derive(Serialize)]
struct ListBody<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

async fn list<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
    Query(query): Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .validate()
    .map_err(|e| ApiError::Validation(vec![e]))?;
    let org = principal.organisation_id;
    let items = db
        .tenant(org, async move |conn| {
            let scope = P::Scope::open(conn, org, project).await?;
            P::list(conn, &scope, page.limit, page.after).await
        })
        .await?;
    let page = Page::from_rows(items, page.limit, |i| P::meta(i).keyset);
    Ok(json_ok(
        HttpResponse::Ok(),
        &ListBody {
            next_cursor: page.next.as_ref().map(encode_cursor),
            items: page.items,
        },
    ))
}

async fn get<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReadProjects>,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let key: P::Key = path_value(&req, P::ID_PARAM)?;
    let org = principal.organisation_id;
    let item = db
        .tenant(org, async move |conn| {
            let scope = P::Scope::open(conn, org, project).await?;
            P::find(conn, &scope, key, false)
                .await
                .map_err(not_found::<P>)
        })
        .await?;
    Ok(item_response::<P>(HttpResponse::Ok(), &item))
}

async fn create<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(input)): Permitted<WriteProjects, Json<P::Input>>,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let org = principal.organisation_id;
    let item = db
        .acting(principal.acting(), async move |conn| {
            let scope = P::Scope::open(conn, org, project).await?;
            let valid = P::check(conn, &scope, None, input).await?;
            P::store(conn, &scope, None, None, valid).await
        })
        .await?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), P::key(&item));
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    Ok(item_response::<P>(response, &item))
}

/// How a write changes the item it found.
enum Change<I> {
    Replace(I),
    Patch(serde_json::Value),
}

async fn write<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<WriteProjects>,
    expected: Precondition,
    change: Change<P::Input>,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let key: P::Key = path_value(&req, P::ID_PARAM)?;
    let org = principal.organisation_id;
    let item = db
        .acting(principal.acting(), async move |conn| {
            let scope = P::Scope::open(conn, org, project).await?;
            let current = P::find(conn, &scope, key, true)
                .await
                .map_err(not_found::<P>)?;
            let input = match change {
                Change::Replace(input) => input,
                Change::Patch(patch) => merge_patch::<P>(&current, patch)?,
            };
            // An invalid body is 422 whatever its ETag; only a valid one can be stale.
            let valid = P::check(conn, &scope, Some(&current), input).await?;
            if !expected.matches(P::meta(&current).version) {
                return fresh(Guarded::Stale);
            }
            P::store(conn, &scope, Some(key), Some(&current), valid).await
        })
        .await?;
    Ok(item_response::<P>(HttpResponse::Ok(), &item))
}

/// Applies an RFC 7396 merge patch to the item's input form and parses the result, so
/// that errors point at the same fields as a PUT's would.
fn merge_patch<P: Part>(
    current: &P::Output,
    patch: serde_json::Value,
) -> Result<P::Input, ApiError> {
    if !patch.is_object() {
        return Err(ApiError::field(
            "",
            "must be a JSON object with the fields to change",
        ));
    }
    let mut document =
        serde_json::to_value(P::input_of(current.clone())).map_err(ApiError::internal)?;
    super::merge_patch::merge(&mut document, patch);
    let bytes = serde_json::to_vec(&document).map_err(ApiError::internal)?;
    parse_json(&bytes)
}

async fn replace<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(input)): Permitted<WriteProjects, Json<P::Input>>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    write::<P>(req, db, principal, expected, Change::Replace(input)).await
}

async fn patch<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(patch)): Permitted<WriteProjects, Json<serde_json::Value>>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    write::<P>(req, db, principal, expected, Change::Patch(patch)).await
}

async fn delete<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<WriteProjects>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let key: P::Key = path_value(&req, P::ID_PARAM)?;
    let org = principal.organisation_id;
    db.acting(principal.acting(), async move |conn| {
        let scope = P::Scope::open(conn, org, project).await?;
        let current = P::find(conn, &scope, key, true)
            .await
            .map_err(not_found::<P>)?;
        if !expected.matches(P::meta(&current).version) {
            return fresh(Guarded::Stale);
        }
        P::delete(conn, &scope, &current).await
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Registers a part's routes and documents them.
pub struct PartService<P>(PhantomData<P>);

impl<P: Part> PartService<P> {
    pub fn new() -> Self {
        PartService(PhantomData)
    }

    fn collection_path() -> String {
        match P::Scope::PARENT {
            Parent::Project => format!("/projects/{{project_id}}/{}", P::SEGMENT),
            Parent::Organisation => format!("/{}", P::SEGMENT),
        }
    }

    fn item_path() -> String {
        format!("{}/{{{}}}", Self::collection_path(), P::ID_PARAM)
    }
}

impl<P: Part> Default for PartService<P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Part> HttpServiceFactory for PartService<P> {
    fn register(self, config: &mut AppService) {
        let mut collection = web::resource(Self::collection_path()).route(web::get().to(list::<P>));
        let mut item = web::resource(Self::item_path())
            .route(web::get().to(get::<P>))
            .route(web::put().to(replace::<P>))
            .route(web::patch().to(patch::<P>));
        if !P::FIXED {
            collection = collection.route(web::post().to(create::<P>));
            item = item.route(web::delete().to(delete::<P>));
        }
        // Any other method: 405 with the methods this resource has (RFC 9110 15.5.6).
        let refuse = |methods: &[&str]| {
            let allowed: Vec<String> = methods.iter().map(ToString::to_string).collect();
            web::to(move || {
                let allowed = allowed.clone();
                async move { Err::<HttpResponse, ApiError>(ApiError::MethodNotAllowed { allowed }) }
            })
        };
        let (collection_methods, item_methods): (&[&str], &[&str]) = if P::FIXED {
            (&["GET"], &["GET", "PATCH", "PUT"])
        } else {
            (&["GET", "POST"], &["DELETE", "GET", "PATCH", "PUT"])
        };
        collection
            .default_service(refuse(collection_methods))
            .register(config);
        item.default_service(refuse(item_methods)).register(config);
    }
}

fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn json_content(schema: RefOr<Schema>) -> utoipa::openapi::content::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

impl<P: Part> PartService<P> {
    fn list_name() -> String {
        format!("{}List", P::Output::name())
    }

    fn path_parameters(with_item: bool) -> Vec<utoipa::openapi::path::Parameter> {
        let mut out = Vec::new();
        if P::Scope::PARENT == Parent::Project {
            out.push(
                ParameterBuilder::new()
                    .name("project_id")
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some("The project's id."))
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String).format(
                        Some(utoipa::openapi::SchemaFormat::KnownFormat(
                            utoipa::openapi::KnownFormat::Uuid,
                        )),
                    )))
                    .build(),
            );
        }
        if with_item {
            let schema = if P::FIXED {
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(9))
            } else {
                ObjectBuilder::new().schema_type(Type::String).format(Some(
                    utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Uuid),
                ))
            };
            out.push(
                ParameterBuilder::new()
                    .name(P::ID_PARAM)
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some(format!("Which {}.", P::NOUN)))
                    .schema(Some(schema))
                    .build(),
            );
        }
        out
    }

    fn operation(
        id: String,
        summary: String,
        description: &str,
        with_item: bool,
    ) -> OperationBuilder {
        OperationBuilder::new()
            .operation_id(Some(id))
            .tag(P::TAG)
            .summary(Some(summary))
            .description(Some(description.to_string()))
            .parameters(Some(Self::path_parameters(with_item)))
    }

    fn item_ok(description: &str) -> utoipa::openapi::Response {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                json_content(schema_ref(&P::Output::name())),
            )
            .header(
                "ETag",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .build(),
            )
            .build()
    }

    fn body(
        schema: RefOr<Schema>,
        description: &str,
    ) -> utoipa::openapi::request_body::RequestBody {
        RequestBodyBuilder::new()
            .description(Some(description))
            .required(Some(Required::True))
            .content("application/json", json_content(schema))
            .build()
    }

    /// A merge patch, as `application/merge-patch+json` (RFC 7396) or plain JSON: the
    /// service reads both.
    fn patch_body() -> utoipa::openapi::request_body::RequestBody {
        let schema = || schema_ref(&MergePatch::<P::Input>::name());
        RequestBodyBuilder::new()
            .description(Some("The fields to change."))
            .required(Some(Required::True))
            .content("application/merge-patch+json", json_content(schema()))
            .content("application/json", json_content(schema()))
            .build()
    }
}

impl<P: Part> utoipa_actix_web::OpenApiFactory for PartService<P> {
    fn paths(&self) -> Paths {
        let snake = P::PLURAL.replace(' ', "_");
        let one = P::NOUN.replace(' ', "_");
        let writers = "Coordinators and admins.";
        let page_params = vec![
            ParameterBuilder::new()
                .name("limit")
                .parameter_in(ParameterIn::Query)
                .description(Some("How many items to return, 1 to 200."))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1))
                        .maximum(Some(200))
                        .default(Some(serde_json::json!(50))),
                ))
                .build(),
            ParameterBuilder::new()
                .name("cursor")
                .parameter_in(ParameterIn::Query)
                .description(Some(
                    "The `next_cursor` of the previous page; omit for the first page.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .max_length(Some(200)),
                ))
                .build(),
        ];
        let mut list_op = Self::operation(
            format!("list_{snake}"),
            format!("List {}", P::PLURAL),
            P::ABOUT,
            false,
        )
        .responses(
            utoipa::openapi::ResponsesBuilder::new().response(
                "200",
                ResponseBuilder::new()
                    .description(format!("One page of {}.", P::PLURAL))
                    .content(
                        "application/json",
                        json_content(schema_ref(&Self::list_name())),
                    )
                    .build(),
            ),
        );
        for p in page_params {
            list_op = list_op.parameter(p);
        }
        let mut collection = PathItem::new(HttpMethod::Get, list_op.build());
        if !P::FIXED {
            let create = Self::operation(
                format!("create_{one}"),
                format!("Create a {}", P::NOUN),
                writers,
                false,
            )
            .request_body(Some(Self::body(
                schema_ref(&P::Input::name()),
                "The new item.",
            )))
            .responses(
                utoipa::openapi::ResponsesBuilder::new().response(
                    "201",
                    ResponseBuilder::new()
                        .description("Created.")
                        .content(
                            "application/json",
                            json_content(schema_ref(&P::Output::name())),
                        )
                        .header(
                            "ETag",
                            HeaderBuilder::new()
                                .schema(ObjectBuilder::new().schema_type(Type::String))
                                .build(),
                        )
                        .header(
                            "Location",
                            HeaderBuilder::new()
                                .schema(ObjectBuilder::new().schema_type(Type::String))
                                .build(),
                        )
                        .build(),
                ),
            )
            .build();
            collection.post = Some(create);
        }
        let get_op = Self::operation(format!("get_{one}"), format!("Get a {}", P::NOUN), "", true)
            .responses(
                utoipa::openapi::ResponsesBuilder::new()
                    .response("200", Self::item_ok("The item.")),
            )
            .build();
        let mut item = PathItem::new(HttpMethod::Get, get_op);
        item.put = Some(
            Self::operation(
                format!("replace_{one}"),
                format!("Replace a {}", P::NOUN),
                &format!("{writers} Every field is set; optional fields left out are cleared."),
                true,
            )
            .request_body(Some(Self::body(
                schema_ref(&P::Input::name()),
                "The whole item.",
            )))
            .responses(
                utoipa::openapi::ResponsesBuilder::new()
                    .response("200", Self::item_ok("Replaced.")),
            )
            .build(),
        );
        item.patch = Some(
            Self::operation(
                format!("update_{one}"),
                format!("Update a {}", P::NOUN),
                &format!(
                    "{writers} A JSON merge patch (RFC 7396) of the `{}` document: fields sent replace, `null` clears an optional field, fields left out stay. The result must still be valid.",
                    P::Input::name()
                ),
                true,
            )
            .request_body(Some(Self::patch_body()))
            .responses(utoipa::openapi::ResponsesBuilder::new().response("200", Self::item_ok("Updated.")))
            .build(),
        );
        if !P::FIXED {
            item.delete = Some(
                Self::operation(
                    format!("delete_{one}"),
                    format!("Delete a {}", P::NOUN),
                    &format!("{writers} A line that other lines refer to cannot be deleted (409)."),
                    true,
                )
                .responses(utoipa::openapi::ResponsesBuilder::new().response(
                    "204",
                    ResponseBuilder::new().description("Deleted.").build(),
                ))
                .build(),
            );
        }
        PathsBuilder::new()
            .path(Self::collection_path(), collection)
            .path(Self::item_path(), item)
            .build()
    }

    fn schemas(&self, schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((P::Input::name().into_owned(), P::Input::schema()));
        P::Input::schemas(schemas);
        schemas.push((
            MergePatch::<P::Input>::name().into_owned(),
            MergePatch::<P::Input>::schema(),
        ));
        MergePatch::<P::Input>::schemas(schemas);
        schemas.push((P::Output::name().into_owned(), P::Output::schema()));
        P::Output::schemas(schemas);
        let list: Cow<'static, str> = Cow::Owned(Self::list_name());
        schemas.push((
            list.into_owned(),
            ObjectBuilder::new()
                .description(Some(format!("One page of {}.", P::PLURAL)))
                .property(
                    "items",
                    ArrayBuilder::new().items(schema_ref(&P::Output::name())),
                )
                .required("items")
                .property(
                    "next_cursor",
                    ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                            Type::String,
                            Type::Null,
                        ]))
                        .description(Some(
                            "Pass as `cursor` for the next page; `null` on the last page.",
                        )),
                )
                .required("next_cursor")
                .into(),
        ));
    }
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
