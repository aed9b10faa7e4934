//! `plan_parts!`: the one declaration of the plan's parts. From its list (in `mod.rs`)
//! the compiler derives, so that no second list can disagree with it:
//! - the plan document's sections, in order, with their schemas ([`PlanDocument`],
//!   [`PlanDocumentInput`], [`SECTIONS`]);
//! - reading the whole plan, and writing it: sections in the order listed (a part that
//!   refers to another comes after it), the lines a document leaves out deleted in the
//!   reverse order, so that nothing still refers to them;
//! - the routes and OpenAPI operations of every part ([`PlanParts`]), registered in
//!   the order listed.
//!
//! An entry is `section <key>: <Lines type> => <its output type> { names },` for a
//! section of the plan document (doc comments on it describe the section in
//! [`PlanDocumentInput`]), or `register <name>: <Lines type> { names },` for a part that
//! is routed but is no section (the organisation's partner register). The names are the
//! part's [`Part`](crate::routes::parts::Part) implementation: `segment` (the path),
//! `id` (the item's path parameter), `plural`, an optional `tag` (`plan` otherwise) and
//! `about` (the list operation's description). A section's part must store its lines
//! in the project scope, and every field but `tag` must be given: the compiler refuses
//! anything else.
//!
//! [`PlanDocument`]: super::PlanDocument
//! [`PlanDocumentInput`]: super::PlanDocumentInput
//! [`SECTIONS`]: super::SECTIONS
//! [`PlanParts`]: super::PlanParts

macro_rules! plan_parts {
    (@collect [$($sections:tt)*] [$($routes:tt)*]
        $(#[$doc:meta])* section $name:ident: $part:ty => $output:ty { $($names:tt)* }, $($rest:tt)*) => {
        $crate::plan::declare::plan_parts!(@names $part { $($names)* });
        $crate::plan::declare::plan_parts!(@collect
            [$($sections)* ([$(#[$doc])*] $name, $part, $output)] [$($routes)* ($name, $part)] $($rest)*);
    };
    (@collect [$($sections:tt)*] [$($routes:tt)*]
        register $name:ident: $part:ty { $($names:tt)* }, $($rest:tt)*) => {
        $crate::plan::declare::plan_parts!(@names $part { $($names)* });
        $crate::plan::declare::plan_parts!(@collect [$($sections)*] [$($routes)* ($name, $part)] $($rest)*);
    };
    (@collect [$(([$($doc:tt)*] $name:ident, $part:ty, $output:ty))*] [$(($route_name:ident, $route:ty))*]) => {
        /// Each part's handlers, their `#[utoipa::path]` operations and their routes.
        pub mod operations {
            #[allow(unused_imports)]
            use super::*;
            $($crate::routes::parts::part_operations!($route_name, $route);)*
        }

        /// The whole plan.
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct PlanDocument {
            pub project: $crate::routes::projects::ProjectResponse,
            $(pub $name: Vec<$output>,)*
        }

        /// The line types of a plan document's sections, by section (names for the
        /// schema's sake: a generic type would be named after its parameters).
        #[allow(non_camel_case_types)]
        pub mod document_lines {
            #[allow(unused_imports)]
            use super::*;
            $(pub type $name = $crate::plan::document::DocumentLine<$part>;)*
        }

        /// A plan document as written: the shape of `PlanDocument`.
        // Its schema documents the body; the service reads the body section by section
        // (`document::sections`), each line with its part's own input type.
        #[derive(serde::Deserialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        #[schema(as = PlanDocumentInput)]
        pub struct PlanDocumentInput {
            /// The project's basics, as for `PUT /projects/{project_id}`.
            pub project: $crate::routes::projects::ProjectRequest,
            $(
                $($doc)*
                #[schema(value_type = Vec<document_lines::$name>, required = false, max_items = 1000)]
                pub $name: Option<Vec<serde_json::Value>>,
            )*
        }

        /// The keys of a plan document's sections, in the order they are written.
        pub const SECTIONS: &[&str] = &[$(stringify!($name)),*];

        /// Reads the whole plan of `project`, which the transaction holds a lock on.
        pub async fn read(
            conn: &mut $crate::db::Conn,
            project: $crate::models::project::Project,
        ) -> Result<PlanDocument, $crate::error::ApiError> {
            let scope = $crate::db::scope::ProjectScope::new(project.clone());
            // Every section's lines in one round trip: the reads are pipelined.
            let conn: &$crate::db::Conn = conn;
            let ($($name,)*) =
                tokio::try_join!($(document::all::<$part>(conn, &scope)),*)?;
            Ok(PlanDocument {
                $($name,)*
                project: $crate::routes::projects::ProjectResponse::from(project),
            })
        }

        /// A plan document's sections, each line parsed with its part's input.
        pub struct ParsedSections {
            $(pub $name: Vec<document::Line<$part>>,)*
        }

        /// Parses every line of every section (a section left out is empty); 422 with
        /// the field errors of all lines when any line cannot be read.
        pub fn parse_sections(
            mut sections: serde_json::Map<String, serde_json::Value>,
        ) -> Result<ParsedSections, $crate::error::ApiError> {
            let mut errors = Vec::new();
            let parsed = ParsedSections {
                $($name: document::parse_section::<$part>(
                    stringify!($name),
                    document::take(&mut sections, stringify!($name)),
                    &mut errors,
                )?,)*
            };
            if errors.is_empty() {
                Ok(parsed)
            } else {
                Err($crate::error::ApiError::Validation(errors))
            }
        }

        /// Writes every section of a plan document (a section left out is emptied, except
        /// the roadmap), then deletes the lines left out in reverse order. Returns the
        /// field errors of all lines; the caller rolls back when there are any.
        pub async fn write_sections(
            conn: &mut $crate::db::Conn,
            scope: &$crate::db::scope::ProjectScope,
            sections: ParsedSections,
        ) -> Result<Vec<$crate::error::FieldError>, $crate::error::ApiError> {
            $crate::db::plan::defer_unique_keys(conn).await?;
            let mut errors = Vec::new();
            let created = &mut $crate::db::plan::NewIds::default();
            $(
                let $name = document::write_section::<$part>(
                    conn,
                    scope,
                    sections.$name,
                    created,
                    &mut errors,
                )
                .await?;
            )*
            $crate::plan::declare::plan_parts!(@delete conn scope errors [] $(($name, $part))*);
            if errors.is_empty() {
                $crate::db::plan::check_deferred_now(conn).await?;
            }
            Ok(errors)
        }

        /// The routes and OpenAPI operations of the parts under one parent, in the order
        /// declared: `PlanParts(Parent::Project)` in the project's scope
        /// (`/projects/{project_id}`), `PlanParts(Parent::Organisation)` at the top.
        pub struct PlanParts(pub $crate::routes::parts::Parent);

        impl PlanParts {
            fn holds<P: $crate::routes::parts::Part>(&self) -> bool {
                <<P as $crate::db::plan::Lines>::Scope as $crate::routes::parts::Routed>::PARENT == self.0
            }
        }

        impl actix_web::dev::HttpServiceFactory for PlanParts {
            fn register(self, config: &mut actix_web::dev::AppService) {
                $(if self.holds::<$route>() {
                    operations::$route_name::Service.register(config);
                })*
            }
        }

        impl utoipa_actix_web::OpenApiFactory for PlanParts {
            fn paths(&self) -> utoipa::openapi::path::Paths {
                let mut paths = utoipa::openapi::path::Paths::new();
                $(if self.holds::<$route>() {
                    paths.merge(utoipa_actix_web::OpenApiFactory::paths(&operations::$route_name::Service));
                })*
                paths
            }

            fn schemas(&self, schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                $(if self.holds::<$route>() {
                    utoipa_actix_web::OpenApiFactory::schemas(&operations::$route_name::Service, schemas);
                })*
            }
        }
    };
    // A part's names in the API: its `Part` implementation.
    (@names $part:ty {
        segment: $segment:literal,
        id: $id:literal,
        plural: $plural:literal,
        $(tag: $tag:literal,)?
        about: $about:literal $(,)?
    }) => {
        impl $crate::routes::parts::Part for $part {
            const SEGMENT: &'static str = $segment;
            const ID_PARAM: &'static str = $id;
            const PLURAL: &'static str = $plural;
            $(const TAG: &'static str = $tag;)?
            const ABOUT: &'static str = $about;
        }
    };
    // The deletes of a plan document, last section first.
    (@delete $conn:ident $scope:ident $errors:ident [$($done:tt)*] ($name:ident, $part:ty) $($rest:tt)*) => {
        $crate::plan::declare::plan_parts!(@delete $conn $scope $errors [($name, $part) $($done)*] $($rest)*);
    };
    (@delete $conn:ident $scope:ident $errors:ident [$(($name:ident, $part:ty))*]) => {
        $(
            document::delete_missing::<$part>($conn, $scope, stringify!($name), $name, &mut $errors)
                .await?;
        )*
    };
    // The entry: every rule above is internal.
    ($($entry:tt)*) => {
        $crate::plan::declare::plan_parts!(@collect [] [] $($entry)*);
    };
}
pub(crate) use plan_parts;
