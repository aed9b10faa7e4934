//! `part_operations!`: a part's six handlers (list, create, get, replace, update,
//! delete), each a thin call of the generic one in [`handlers`](super::handlers) under
//! its own `#[utoipa::path]`, so that its OpenAPI operation is generated from the
//! handler that serves it, and a `Service` that registers them (a fixed part, the
//! roadmap, has no create or delete). `plan_parts!` invokes it once per declared part.
//!
//! The names in the operations come from the part's [`Part`](super::Part) declaration:
//! `list_target_groups`, "Create a target group", its path and its id parameter.

macro_rules! part_operations {
    ($name:ident, $part:ty) => {
        /// The handlers, operations and routes of one part.
        pub mod $name {
            // The part's type is named where the declaration is.
            #[allow(unused_imports)]
            use super::*;
            use actix_web::{HttpRequest, HttpResponse, web};

            use $crate::auth::permit::{Allowed, Permitted, ReadPlans, WritePlans};
            use $crate::db::Db;
            use $crate::error::ApiError;
            use $crate::routes::IfMatch;
            use $crate::routes::extract::{Json, Query};
            use $crate::routes::parts::operations::{names, ItemList, ItemPath, ParentPath};
            use $crate::routes::parts::handlers::{self, ListQuery};
            use $crate::routes::parts::{Lines, Part};

            type P = $part;
            type Input = <P as Lines>::Input;
            type Output = <P as Lines>::Output;
            type Patch = $crate::routes::merge_patch::MergePatch<Input>;
            type List = ItemList<P>;
            type Parent = ParentPath<P>;
            type Item = ItemPath<P>;

            #[utoipa::path(
                get,
                path = names::collection_path::<P>(),
                operation_id = format!("list_{}", names::snake(<P as Part>::PLURAL)),
                tag = <P as Part>::TAG,
                summary = format!("List {}", <P as Part>::PLURAL),
                description = <P as Part>::ABOUT,
                params(Parent, ListQuery),
                responses((status = 200, description = format!("One page of {}.", <P as Part>::PLURAL), body = List)),
            )]
            pub async fn list(
                req: HttpRequest,
                db: web::Data<Db>,
                principal: Allowed<ReadPlans>,
                query: Query<ListQuery>,
            ) -> Result<HttpResponse, ApiError> {
                handlers::list::<P>(req, db, principal, query).await
            }

            #[utoipa::path(
                post,
                path = names::collection_path::<P>(),
                operation_id = format!("create_{}", names::snake(<P as Lines>::NOUN)),
                tag = <P as Part>::TAG,
                summary = format!("Create a {}", <P as Lines>::NOUN),
                description = names::WRITERS,
                params(Parent),
                request_body(content = Input, description = "The new item."),
                responses((status = 201, description = "Created.", body = Output,
                    headers(("ETag" = String), ("Location" = String)))),
            )]
            pub async fn create(
                req: HttpRequest,
                db: web::Data<Db>,
                body: Permitted<WritePlans, Json<Input>>,
            ) -> Result<HttpResponse, ApiError> {
                handlers::create::<P>(req, db, body).await
            }

            #[utoipa::path(
                get,
                path = names::item_path::<P>(),
                operation_id = format!("get_{}", names::snake(<P as Lines>::NOUN)),
                tag = <P as Part>::TAG,
                summary = format!("Get a {}", <P as Lines>::NOUN),
                description = "",
                params(Item),
                responses((status = 200, description = "The item.", body = Output, headers(("ETag" = String)))),
            )]
            pub async fn get(
                req: HttpRequest,
                db: web::Data<Db>,
                principal: Allowed<ReadPlans>,
            ) -> Result<HttpResponse, ApiError> {
                handlers::get::<P>(req, db, principal).await
            }

            #[utoipa::path(
                put,
                path = names::item_path::<P>(),
                operation_id = format!("replace_{}", names::snake(<P as Lines>::NOUN)),
                tag = <P as Part>::TAG,
                summary = format!("Replace a {}", <P as Lines>::NOUN),
                description = format!("{} Every field is set; optional fields left out are cleared.", names::WRITERS),
                params(Item),
                request_body(content = Input, description = "The whole item."),
                responses((status = 200, description = "Replaced.", body = Output, headers(("ETag" = String)))),
            )]
            pub async fn replace(
                req: HttpRequest,
                db: web::Data<Db>,
                body: Permitted<WritePlans, Json<Input>>,
                if_match: IfMatch,
            ) -> Result<HttpResponse, ApiError> {
                handlers::replace::<P>(req, db, body, if_match).await
            }

            #[utoipa::path(
                patch,
                path = names::item_path::<P>(),
                operation_id = format!("update_{}", names::snake(<P as Lines>::NOUN)),
                tag = <P as Part>::TAG,
                summary = format!("Update a {}", <P as Lines>::NOUN),
                description = names::patch_description::<P>(),
                params(Item),
                request_body(
                    content(
                        (Patch = "application/merge-patch+json"),
                        (Patch = "application/json"),
                    ),
                    description = "The fields to change.",
                ),
                responses((status = 200, description = "Updated.", body = Output, headers(("ETag" = String)))),
            )]
            pub async fn update(
                req: HttpRequest,
                db: web::Data<Db>,
                body: Permitted<WritePlans, Json<serde_json::Value>>,
                if_match: IfMatch,
            ) -> Result<HttpResponse, ApiError> {
                handlers::patch::<P>(req, db, body, if_match).await
            }

            #[utoipa::path(
                delete,
                path = names::item_path::<P>(),
                operation_id = format!("delete_{}", names::snake(<P as Lines>::NOUN)),
                tag = <P as Part>::TAG,
                summary = format!("Delete a {}", <P as Lines>::NOUN),
                description = format!("{} A line that other lines refer to cannot be deleted (409).", names::WRITERS),
                params(Item),
                responses((status = 204, description = "Deleted.")),
            )]
            pub async fn delete(
                req: HttpRequest,
                db: web::Data<Db>,
                principal: Allowed<WritePlans>,
                if_match: IfMatch,
            ) -> Result<HttpResponse, ApiError> {
                handlers::delete::<P>(req, db, principal, if_match).await
            }

            /// Registers the part's routes (with a 405 naming the methods each path
            /// has) and documents them from the handlers' `#[utoipa::path]`.
            pub struct Service;

            impl actix_web::dev::HttpServiceFactory for Service {
                fn register(self, config: &mut actix_web::dev::AppService) {
                    $crate::routes::parts::service::register::<P>(
                        config,
                        $crate::routes::parts::service::Routes {
                            list: web::get().to(list),
                            create: web::post().to(create),
                            get: web::get().to(get),
                            replace: web::put().to(replace),
                            update: web::patch().to(update),
                            delete: web::delete().to(delete),
                        },
                    );
                }
            }

            impl utoipa_actix_web::OpenApiFactory for Service {
                fn paths(&self) -> utoipa::openapi::path::Paths {
                    use $crate::routes::parts::operations::with;
                    let fixed = <P as Lines>::FIXED;
                    let mut paths = with::<__path_list>(utoipa::openapi::path::PathsBuilder::new());
                    if !fixed {
                        paths = with::<__path_create>(paths);
                    }
                    paths = with::<__path_update>(with::<__path_replace>(with::<__path_get>(paths)));
                    if !fixed {
                        paths = with::<__path_delete>(paths);
                    }
                    paths.build()
                }

                fn schemas(
                    &self,
                    schemas: &mut Vec<(
                        String,
                        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
                    )>,
                ) {
                    use utoipa::__dev::SchemaReferences;
                    <__path_list as SchemaReferences>::schemas(schemas);
                    <__path_create as SchemaReferences>::schemas(schemas);
                    <__path_get as SchemaReferences>::schemas(schemas);
                    <__path_update as SchemaReferences>::schemas(schemas);
                }
            }
        }
    };
}
pub(crate) use part_operations;

/// The names in a part's operations, from its declaration.
pub mod names {
    use super::super::Part;
    use utoipa::ToSchema;

    /// Who may write a part's lines.
    pub const WRITERS: &str = "Coordinators and admins.";

    /// `target groups` as an identifier: `target_groups`.
    pub fn snake(words: &str) -> String {
        words.replace(' ', "_")
    }

    /// The collection's path within its parent's scope (`/projects/{project_id}` for a
    /// project's parts, the API's root for the organisation's): `/target-groups`.
    pub fn collection_path<P: Part>() -> String {
        format!("/{}", P::SEGMENT)
    }

    pub fn item_path<P: Part>() -> String {
        format!("{}/{{{}}}", collection_path::<P>(), P::ID_PARAM)
    }

    pub fn patch_description<P: Part>() -> String {
        format!(
            "{WRITERS} A JSON merge patch (RFC 7396) of the `{}` document: fields sent replace, `null` clears an optional field, fields left out stay. The result must still be valid.",
            P::Input::name()
        )
    }
}

/// Adds the operation of a `#[utoipa::path]` handler, with its tags.
pub fn with<O>(paths: PathsBuilder) -> PathsBuilder
where
    O: utoipa::Path + for<'t> utoipa::__dev::Tags<'t>,
{
    let mut operation = O::operation();
    let tags: Vec<String> = O::tags().into_iter().map(String::from).collect();
    if !tags.is_empty() {
        operation.tags = Some(tags);
    }
    paths.path(
        O::path(),
        PathItem::from_http_methods(O::methods(), operation),
    )
}

/// One page of a part's items, as its list answers it: named `<Output>List`
/// (`TargetGroupList`) in the OpenAPI document.
pub struct ItemList<P>(PhantomData<P>);

impl<P: Part> PartialSchema for ItemList<P> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(Some(format!("One page of {}.", P::PLURAL)))
            .property(
                "items",
                ArrayBuilder::new().items(RefOr::Ref(Ref::from_schema_name(P::Output::name()))),
            )
            .required("items")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some(
                        "Pass as `cursor` for the next page; `null` on the last page.",
                    )),
            )
            .required("next_cursor")
            .into()
    }
}

impl<P: Part> ToSchema for ItemList<P> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("{}List", P::Output::name()))
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((P::Output::name().into_owned(), P::Output::schema()));
        P::Output::schemas(schemas);
    }
}

/// The path parameter of a part's parent: the project's id, for a project's lines.
pub struct ParentPath<P>(PhantomData<P>);

impl<P: Part> IntoParams for ParentPath<P> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        match <P::Scope as Routed>::PARENT {
            Parent::Project => vec![
                ParameterBuilder::new()
                    .name("project_id")
                    .parameter_in(ParameterIn::Path)
                    .required(Required::True)
                    .description(Some("The project's id."))
                    .schema(Some(uuid_schema()))
                    .build(),
            ],
            Parent::Organisation => Vec::new(),
        }
    }
}

/// The path parameters of one item: its parent's, then the item's own (a UUID, or the
/// step number 1 to 9 of a fixed part, the roadmap).
pub struct ItemPath<P>(PhantomData<P>);

impl<P: Part> IntoParams for ItemPath<P> {
    fn into_params(parameter_in: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let key = if P::FIXED {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(9))
        } else {
            uuid_schema()
        };
        let mut params = ParentPath::<P>::into_params(parameter_in);
        params.push(
            ParameterBuilder::new()
                .name(P::ID_PARAM)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(format!("Which {}.", P::NOUN)))
                .schema(Some(key))
                .build(),
        );
        params
    }
}

fn uuid_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
}

use std::borrow::Cow;
use std::marker::PhantomData;

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, PathItem, PathsBuilder};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{KnownFormat, Ref, RefOr, Required, SchemaFormat};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::{Parent, Part, Routed};
