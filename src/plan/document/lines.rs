//! The lines of a plan document as a client writes them: the read-only fields a GET
//! shows and a write ignores, and the schema of a section's line, both derived from the
//! part's own input and output schemas.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{KnownFormat, RefOr, Schema, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

use crate::routes::parts::Part;

/// The fields a GET answers that a write does not take (`created_at`, `total`, …):
/// the properties of the `Output` schema that the `Input` schema lacks, other than
/// `key` (the field that names the item). Derived from the two schemas, so that no list
/// of names can fall behind a part.
pub fn read_only_fields<Output: ToSchema, Input: ToSchema>(key: &str) -> Vec<String> {
    fn properties(schema: RefOr<Schema>) -> Vec<String> {
        match schema {
            RefOr::T(Schema::Object(object)) => object.properties.into_keys().collect(),
            _ => Vec::new(),
        }
    }
    let input = properties(Input::schema());
    properties(Output::schema())
        .into_iter()
        .filter(|name| name != key && !input.contains(name))
        .collect()
}

/// The field that names a line in a plan document: `step` for the roadmap's fixed
/// steps, `id` for every other part.
pub fn key_field<P: Part>() -> &'static str {
    if P::FIXED { "step" } else { "id" }
}

/// A line of a plan document's section as a client writes it: the part's input, the
/// field that names the line, and the read-only fields of a GET (accepted and ignored,
/// so that a document read can be written back). Its schema is derived from the part's
/// input and output schemas; the service parses the line with the part's own input.
pub struct DocumentLine<P>(PhantomData<P>);

impl<P: Part> PartialSchema for DocumentLine<P> {
    fn schema() -> RefOr<Schema> {
        let key = key_field::<P>();
        let RefOr::T(Schema::Object(input)) = P::Input::schema() else {
            return P::Input::schema();
        };
        let output = match P::Output::schema() {
            RefOr::T(Schema::Object(output)) => output.properties,
            _ => Default::default(),
        };
        let mut line = ObjectBuilder::new().description(Some(format!(
            "A {} as a section of a plan document holds it: the fields of `{}`, `{key}`, \
             and the read-only fields of a GET, which are ignored.",
            P::NOUN,
            P::Input::name(),
        )));
        line = if P::FIXED {
            line.property(
                key,
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(9))
                    .description(Some("Which step.")),
            )
            .required(key)
        } else {
            line.property(
                key,
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .description(Some(
                        "A line of this section to update; for a new line, a name by which \
                         later sections refer to it (never stored). Leave out for a new \
                         line that nothing refers to.",
                    )),
            )
        };
        for (name, schema) in input.properties {
            line = line.property(name, schema);
        }
        for name in input.required {
            line = line.required(name);
        }
        for name in read_only_fields::<P::Output, P::Input>(key) {
            if let Some(schema) = output.get(&name) {
                line = line.property(name, schema.clone());
            }
        }
        line.additional_properties(input.additional_properties.map(|a| *a))
            .into()
    }
}

impl<P: Part> ToSchema for DocumentLine<P> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("{}DocumentLine", P::Output::name()))
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        P::Input::schemas(schemas);
        P::Output::schemas(schemas);
    }
}

/// Removes `fields` (the read-only fields of a GET) from an object, so that a document
/// read can be written back.
pub fn strip_read_only(value: &mut Value, fields: &[String]) {
    if let Value::Object(map) = value {
        for key in fields {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::plan::Lines;
    use crate::plan::*;
    use crate::routes::projects::{ProjectRequest, ProjectResponse};

    fn read_only<P: Lines>() -> Vec<String> {
        read_only_fields::<P::Output, P::Input>(if P::FIXED { "step" } else { "id" })
    }

    /// What a GET answers and a PUT ignores, per part: the fields the service sets.
    #[test]
    fn the_read_only_fields_of_each_part_are_those_the_service_sets() {
        let expected: [(&str, Vec<String>, &[&str]); 10] = [
            (
                "project",
                read_only_fields::<ProjectResponse, ProjectRequest>("id"),
                &["created_at", "updated_at"],
            ),
            (
                "target_groups",
                read_only::<TargetGroups>(),
                &["project_id", "created_at", "updated_at"],
            ),
            (
                "hours",
                read_only::<Hours>(),
                &["project_id", "created_at", "updated_at"],
            ),
            (
                "budget_lines",
                read_only::<BudgetLines>(),
                &["project_id", "created_at", "updated_at"],
            ),
            (
                "translation_costs",
                read_only::<TranslationCosts>(),
                &["project_id", "total", "created_at", "updated_at"],
            ),
            (
                "fund_applications",
                read_only::<FundApplications>(),
                &["project_id", "created_at", "updated_at"],
            ),
            (
                "targets",
                read_only::<Targets>(),
                &["project_id", "created_at", "updated_at"],
            ),
            (
                "evaluation_moments",
                read_only::<EvaluationMoments>(),
                &["project_id", "created_at", "updated_at"],
            ),
            ("roadmap", read_only::<Roadmap>(), &["title", "updated_at"]),
            (
                "partners",
                read_only::<ProjectPartners>(),
                &[
                    "project_id",
                    "partner_name",
                    "level_history",
                    "created_at",
                    "updated_at",
                ],
            ),
        ];
        for (section, found, wanted) in expected {
            assert_eq!(found, wanted, "{section}");
        }
    }
}
