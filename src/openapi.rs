//! The OpenAPI document: generated from the registered handlers, then completed in one
//! place with what every operation shares (error responses, the If-Match header), so
//! no handler can forget them.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    Content, ObjectBuilder, OpenApi as Document, Ref, RefOr, Required, ResponseBuilder, Type,
};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mantelmonitor API",
        description = "The system of record for Dutch caregiver-support organisations: project plans, \
quarterly monitoring and funder reports.\n\n\
**Authentication.** Send `Authorization: Bearer <token>` with either an access token from \
`POST /api/v1/auth/token` or an API token (`mm_…`) made by an admin.\n\n\
**Errors** are `application/problem+json` (RFC 9457). Field problems are listed in `errors` \
with a JSON Pointer into the body (`pointer`) or the name of a query parameter (`parameter`) or header (`header`).\n\n\
**Concurrency.** Single resources carry an `ETag`. Every PUT, PATCH and DELETE needs `If-Match` \
with that ETag (or `*`): 428 without it, 412 when the resource changed since.\n\n\
**Lists** are ordered and paged with `limit` and the opaque `cursor` from `next_cursor`.\n\n\
**Accounts.** An organisation keeps its plans and reports. A funder account (a municipality, a fund) \
reads, through the same paths, the projects an organisation shares with it by an accepted funder link, \
and reviews their reports where a fund application says the funder reviews; it never writes a plan.\n\n\
**Rate limits.** Sign-in is limited per client address (429) and per email address (the same \
401 as a wrong password). A per-token limit on every authenticated operation can be switched on; \
a 429 carries `Retry-After` and the IETF draft's `RateLimit-Policy` and `RateLimit` headers.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    servers((url = "/", description = "This server")),
    tags(
        (name = "auth", description = "Signing in."),
        (name = "organisation", description = "The caller's own account: an organisation, or a funder account."),
        (name = "users", description = "Users of the account."),
        (name = "api-tokens", description = "Tokens for the organisation's integrations."),
        (name = "webhooks", description = "Events pushed to the account's endpoints (Standard Webhooks 1.0: signed, retried, logged) or polled from the change feed (`GET /api/v1/events`)."),
        (name = "identity-providers", description = "The identity providers (OpenID Connect) whose tokens sign the account's users in, and its service clients."),
        (name = "funder-links", description = "Consent from both sides: an organisation links an entry of its funder register to a funder account, which accepts or refuses; either side ends the link."),
        (name = "projects", description = "Projects and their plan basics."),
        (name = "plan", description = "The lines of a project's plan (target groups, hours, budget lines, translation costs, fund applications, targets, evaluation moments, the roadmap, project partners), the whole plan as one document, its summary and its history."),
        (name = "quarterly-reports", description = "Quarterly monitoring reports: writing, submitting, review, revisions, events, progress against the plan, the work list and figures in bulk."),
        (name = "partners", description = "The organisation's partner register, which projects link to."),
        (name = "funders", description = "The organisation's funder register, which fund applications name."),
        (name = "vocabularies", description = "Every closed list of values with its Dutch and English labels."),
        (name = "exports", description = "Funder reports: the quarterly figures as CSV (the Dutch spreadsheet dialect or RFC 4180) or XLSX, streamed."),
        (name = "operations", description = "Health checks."),
    ),
    // The export's vocabularies: no JSON body carries them, yet clients that show the
    // export's words read them (and `GET /vocabularies` serves their labels).
    components(schemas(
        Problem,
        FieldError,
        crate::domain::export::ReportSection,
        crate::domain::export::SubjectKind,
        crate::domain::export::Unit,
        crate::domain::export::ExportColumn,
        crate::domain::export::FigureMeasure
    )),
    security(("bearer" = [])),
    modifiers(&Completion),
)]
pub struct ApiDoc;

/// The whole document, as served at `/api/v1/openapi.json` and committed in `openapi/`.
pub fn document() -> Document {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    complete_operations(&mut doc);
    limit_plan_sections(&mut doc);
    pattern_text_fields(&mut doc);
    doc
}

/// Fields that are no free text: secrets (compared as sent) and addresses the service
/// reads as a URL or an email address.
const NOT_TEXT: &[&str] = &[
    "password",
    "new_password",
    "current_password",
    "email",
    "issuer",
    "jwks_uri",
    "url",
];

/// Every free-text field (a string with a `maxLength`, no format and no pattern but
/// "not blank") takes what `text::bounded` takes: its pattern says so, control characters
/// included. A register's name is `single_spaced`.
fn pattern_text_fields(doc: &mut Document) {
    use utoipa::openapi::schema::{Schema, SchemaType};
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (component, schema) in components.schemas.iter_mut() {
        let RefOr::T(Schema::Object(object)) = schema else {
            continue;
        };
        for (name, property) in object.properties.iter_mut() {
            let RefOr::T(Schema::Object(field)) = property else {
                continue;
            };
            let string = match &field.schema_type {
                SchemaType::Type(t) => *t == Type::String,
                SchemaType::Array(types) => types.contains(&Type::String),
                SchemaType::AnyValue => false,
            };
            let text = string
                && field.max_length.is_some()
                && field.format.is_none()
                && field.enum_values.is_none()
                && matches!(field.pattern.as_deref(), None | Some(r"\S"))
                && !NOT_TEXT.contains(&name.as_str());
            if text {
                let required = field.pattern.is_some();
                let spaced = component.starts_with("Funder") && name == "name";
                field.pattern = Some(crate::domain::text::pattern(required, spaced));
            }
        }
    }
}

/// A plan document's sections hold at most `max_lines` lines each (the macro that writes
/// their schemas takes one literal for all).
fn limit_plan_sections(doc: &mut Document) {
    use utoipa::openapi::schema::Schema;
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    if let Some(RefOr::T(Schema::Object(input))) = components.schemas.get_mut("PlanDocumentInput") {
        for (key, property) in input.properties.iter_mut() {
            if let RefOr::T(Schema::Array(section)) = property {
                section.max_items = Some(crate::plan::document::max_lines(key));
            }
        }
    }
}

struct Completion;

impl Modify for Completion {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An access token (JWT) from POST /api/v1/auth/token, or an API token (mm_…)."))
                    .build(),
            ),
        );
    }
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

/// A 429 with the headers that say when to come back.
fn too_many_requests(description: &str) -> utoipa::openapi::Response {
    let header = |description: &str, example: serde_json::Value, integer: bool| {
        let schema = ObjectBuilder::new()
            .schema_type(if integer { Type::Integer } else { Type::String })
            .examples([example]);
        let schema = if integer {
            schema.minimum(Some(1))
        } else {
            schema
        };
        HeaderBuilder::new()
            .description(Some(description))
            .schema(schema)
            .build()
    };
    ResponseBuilder::new()
        .description(description)
        .header(
            "Retry-After",
            header("Seconds until a request is allowed again.", serde_json::json!(12), true),
        )
        .header(
            "RateLimit-Policy",
            header(
                "The limit that was reached (IETF httpapi RateLimit header fields draft): its name, \
                 `q` requests per `w` seconds.",
                serde_json::json!("\"login-address\";q=20;w=60"),
                false,
            ),
        )
        .header(
            "RateLimit",
            header(
                "What is left of it: `r` requests for the next `t` seconds.",
                serde_json::json!("\"login-address\";r=0;t=12"),
                false,
            ),
        )
        .content(
            "application/problem+json",
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

fn if_match() -> Parameter {
    ParameterBuilder::new()
        .name("If-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(
            "The ETag you last read (e.g. `\"3\"`), or `*` for any current version.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(r#"^(\*|"[0-9]{1,18}"(, *"[0-9]{1,18}")*)$"#))
                .examples([serde_json::json!("*")]),
        ))
        .build()
}

const TOO_MANY_REQUESTS_REF: &str = "#/components/responses/TooManyRequests";

fn complete_operations(doc: &mut Document) {
    doc.components
        .get_or_insert_with(Default::default)
        .responses
        .insert(
            "TooManyRequests".into(),
            too_many_requests(
                "Too many requests with this token (when the per-token limit is switched on).",
            )
            .into(),
        );
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        let operations: [(HttpMethod, &mut Option<Operation>); 5] = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Delete, &mut item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            // A header is text or absent, never JSON's null.
            for parameter in operation.parameters.iter_mut().flatten() {
                if parameter.parameter_in == ParameterIn::Header
                    && let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(schema))) =
                        parameter.schema.as_mut()
                    && let utoipa::openapi::schema::SchemaType::Array(types) = &schema.schema_type
                    && types.contains(&Type::Null)
                {
                    schema.schema_type = utoipa::openapi::schema::SchemaType::Type(Type::String);
                }
            }
            let public = operation
                .security
                .as_ref()
                .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
            let writes = matches!(
                method,
                HttpMethod::Put | HttpMethod::Patch | HttpMethod::Delete
            );
            let has_query = operation
                .parameters
                .as_ref()
                .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
            let declares_if_match = operation
                .parameters
                .as_ref()
                .is_some_and(|ps| ps.iter().any(|p| p.name == "If-Match"));
            if writes && !declares_if_match {
                operation
                    .parameters
                    .get_or_insert_with(Vec::new)
                    .push(if_match());
            }
            // Every authenticated operation may meet the per-token limit once it is
            // switched on; a public one that declares a 429 gets the same headers and body.
            let declared = match operation.responses.responses.get("429") {
                Some(RefOr::T(response)) => Some(response.description.clone()),
                _ => None,
            };
            let limited = match declared {
                Some(description) => Some(too_many_requests(&description).into()),
                None if !public => Some(Ref::new(TOO_MANY_REQUESTS_REF).into()),
                None => None,
            };
            if let Some(limited) = limited {
                operation.responses.responses.insert("429".into(), limited);
            }
            let mut add = |status: &str, description: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem(description).into());
            };
            if operation.request_body.is_some() {
                add("400", "The body is not valid JSON.");
                add("413", "The body is too large.");
                add("415", "The body is not JSON.");
                add(
                    "422",
                    "The request has invalid fields; `errors` names them.",
                );
            }
            if has_query || writes {
                add(
                    "422",
                    "The request has invalid fields or parameters; `errors` names them.",
                );
            }
            if !public {
                add("401", "No valid bearer token.");
                add("403", "The caller's role may not do this.");
            }
            if has_path_params || !public {
                add("404", "No such resource in the caller's organisation.");
            }
            if method != HttpMethod::Get {
                add(
                    "409",
                    "The request conflicts with the current state; `detail` says how.",
                );
            }
            if writes {
                add("412", "The resource changed since the ETag in If-Match.");
                add("428", "If-Match is missing.");
            }
            add("500", "A fault on our side; logged, with an opaque body.");
            add("503", "The database is unavailable or busy; retry.");
            if method == HttpMethod::Get && path.starts_with("/api/") {
                conditional(operation);
            }
        }
        // Every GET answers HEAD too (routes::conditional): the same headers, no body.
        if path.starts_with("/api/")
            && let Some(get) = &item.get
        {
            item.head = Some(head_of(get));
        }
    }
}

/// A GET that answers `If-None-Match` with 304 (routes::conditional).
fn conditional(operation: &mut Operation) {
    operation.parameters.get_or_insert_with(Vec::new).push(
        ParameterBuilder::new()
            .name("If-None-Match")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "ETags you hold (e.g. `\"3\"` or `W/\"…\"`): when the answer still has one of \
                 them, it is 304 without a body.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build(),
    );
    operation.responses.responses.insert(
        "304".into(),
        ResponseBuilder::new()
            .description("Not modified: the answer still has an ETag named in If-None-Match.")
            .header(
                "ETag",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::String))
                    .build(),
            )
            .build()
            .into(),
    );
}

/// The HEAD of a GET: its parameters and statuses, without bodies.
fn head_of(get: &Operation) -> Operation {
    let mut head = get.clone();
    head.operation_id = get.operation_id.as_ref().map(|id| format!("head_{id}"));
    head.summary = get.summary.as_ref().map(|s| format!("{s} (headers only)"));
    head.description = Some("As the GET, without the body.".to_string());
    for response in head.responses.responses.values_mut() {
        if let RefOr::T(response) = response {
            response.content.clear();
        }
    }
    head
}
