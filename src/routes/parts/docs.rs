//! A part's OpenAPI operations, built from its declaration.

use super::*;

pub(super) fn schema_ref(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

pub(super) fn json_content(schema: RefOr<Schema>) -> utoipa::openapi::content::Content {
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
