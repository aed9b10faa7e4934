//! JSON merge patches (RFC 7396): applying one, and documenting what one may hold.
//!
//! A PATCH of a plan line or a quarterly report is merged into the resource's input
//! form (what a PUT takes) and the result is parsed and checked as a PUT would be. So the
//! patches the service takes are exactly the input type with every field optional,
//! `null` where leaving the field out is allowed (that clears it), and nested objects
//! patched field by field. [`MergePatch<T>`] derives that schema from `T`'s own, at the
//! time the document is built: a field added to an input type shows up in its patch
//! schema with nothing else to change, so the two cannot drift apart.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;

use utoipa::openapi::schema::{Object, ObjectBuilder, OneOf, OneOfBuilder, Schema, SchemaType};
use utoipa::openapi::{Ref, RefOr, Type};
use utoipa::{PartialSchema, ToSchema};

use super::extract::parse_json;
use crate::error::ApiError;

/// RFC 7396: `patch` into `target`, with one difference: a `null` for a member the
/// target does not have is kept rather than dropped. Removing what is not there changes
/// nothing in RFC 7396, so `{"nmae": null}` would pass unnoticed; kept, the parse that
/// follows names it as an unknown field. Our input forms serialize every field (`None`
/// as `null`), so a member they lack is one they do not know.
pub fn merge(target: &mut serde_json::Value, patch: serde_json::Value) {
    match (target, patch) {
        (serde_json::Value::Object(target), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    if target.remove(&key).is_none() {
                        target.insert(key, serde_json::Value::Null);
                    }
                } else {
                    merge(target.entry(key).or_insert(serde_json::Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

/// A PATCH of `current`: the patch merged into its input form and the result parsed
/// as a PUT's body would be, so that problems name the same fields.
pub fn apply<T>(current: &T, patch: serde_json::Value) -> Result<T, ApiError>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    if !patch.is_object() {
        return Err(ApiError::field(
            "",
            "must be a JSON object with the fields to change",
        ));
    }
    let mut document = serde_json::to_value(current).map_err(ApiError::internal)?;
    merge(&mut document, patch);
    let bytes = serde_json::to_vec(&document).map_err(ApiError::internal)?;
    parse_json(&bytes)
}

/// For a field of a typed patch that the resource cannot be without: it may be left
/// out of a PATCH (it stays), but not sent as `null`, which in a merge patch would
/// remove it. With `#[serde(default, deserialize_with = "not_null")]` and
/// `#[schema(nullable = false)]`, so that the document says the same.
pub fn not_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    match <Option<T> as serde::Deserialize>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(
            "must not be null; leave the field out to keep it",
        )),
    }
}

/// The OpenAPI schema of a merge patch of `T` (`TargetGroupInput` → `TargetGroupPatch`,
/// `ReportContent` → `ReportContentPatch`); never constructed, only documented.
pub struct MergePatch<T>(PhantomData<T>);

/// The component name of the patch of the component `input`.
pub fn patch_name(input: &str) -> String {
    format!("{}Patch", input.strip_suffix("Input").unwrap_or(input))
}

const COMPONENTS: &str = "#/components/schemas/";

/// `T` and every component it refers to, by name.
fn components<T: ToSchema>() -> BTreeMap<String, RefOr<Schema>> {
    let mut all = vec![(T::name().into_owned(), T::schema())];
    T::schemas(&mut all);
    all.into_iter().collect()
}

/// An object component with fields: the kind that a patch changes field by field.
fn object_component<'a>(
    all: &'a BTreeMap<String, RefOr<Schema>>,
    reference: &Ref,
) -> Option<(&'a str, &'a Object)> {
    let name = reference.ref_location.strip_prefix(COMPONENTS)?;
    match all.get_key_value(name)? {
        (name, RefOr::T(Schema::Object(object))) if is_record(object) => {
            Some((name.as_str(), object))
        }
        _ => None,
    }
}

fn is_record(object: &Object) -> bool {
    object.schema_type == SchemaType::Type(Type::Object) && !object.properties.is_empty()
}

/// Derives patch schemas, noting the object components whose patches are needed too.
struct Deriver<'a> {
    all: &'a BTreeMap<String, RefOr<Schema>>,
    needed: Vec<String>,
}

impl Deriver<'_> {
    fn object(&mut self, name: &str, input: &Object) -> Object {
        let mut patch = input.clone();
        patch.required.clear();
        for (field, schema) in patch.properties.iter_mut() {
            let optional = !input.required.contains(field);
            *schema = self.field(schema.clone(), optional);
        }
        patch.description = Some(format!(
            "A JSON merge patch (RFC 7396) of `{name}`: every field may be left out (it stays \
             as it is); a field sent replaces the current value, a list as a whole, an object \
             field by field. `null` is allowed only where `{name}` lets the field be left \
             out, and clears it. The result is checked as a whole `{name}`."
        ));
        patch.title = None;
        patch
    }

    /// A field's schema in the patch: nested objects become their patches; `null` is
    /// allowed exactly when the field may be left out of the input (the merge removes
    /// it, so a required one would be missing).
    fn field(&mut self, schema: RefOr<Schema>, optional: bool) -> RefOr<Schema> {
        let schema = match schema {
            RefOr::Ref(reference) => RefOr::Ref(self.reference(reference)),
            RefOr::T(Schema::OneOf(mut one_of)) => {
                one_of.items = one_of
                    .items
                    .into_iter()
                    .map(|item| match item {
                        RefOr::Ref(reference) => RefOr::Ref(self.reference(reference)),
                        RefOr::T(Schema::Object(inline)) if is_record(&inline) => {
                            RefOr::T(Schema::Object(self.inline(&inline)))
                        }
                        other => other,
                    })
                    .collect();
                RefOr::T(Schema::OneOf(one_of))
            }
            RefOr::T(Schema::Object(inline)) if is_record(&inline) => {
                RefOr::T(Schema::Object(self.inline(&inline)))
            }
            other => other,
        };
        nullable(schema, optional)
    }

    fn inline(&mut self, input: &Object) -> Object {
        let mut patch = input.clone();
        patch.required.clear();
        for (field, schema) in patch.properties.iter_mut() {
            let optional = !input.required.contains(field);
            *schema = self.field(schema.clone(), optional);
        }
        patch
    }

    fn reference(&mut self, mut reference: Ref) -> Ref {
        if let Some((name, _)) = object_component(self.all, &reference) {
            self.needed.push(name.to_string());
            reference.ref_location = format!("{COMPONENTS}{}", patch_name(name));
        }
        reference
    }
}

/// `schema`, taking `null` or not.
fn nullable(schema: RefOr<Schema>, null: bool) -> RefOr<Schema> {
    let null_type = || {
        RefOr::T(Schema::Object(
            ObjectBuilder::new().schema_type(Type::Null).build(),
        ))
    };
    let is_null = |item: &RefOr<Schema>| matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null));
    let with_types = |types: &SchemaType| -> Option<SchemaType> {
        let mut list = match types {
            SchemaType::Type(t) => vec![t.clone()],
            SchemaType::Array(ts) => ts.clone(),
            // Any value takes null already; it is never required to be absent here.
            SchemaType::AnyValue => return None,
        };
        list.retain(|t| *t != Type::Null);
        if null {
            list.push(Type::Null);
        }
        Some(if list.len() == 1 {
            SchemaType::Type(list.remove(0))
        } else {
            SchemaType::Array(list)
        })
    };
    match schema {
        RefOr::T(Schema::Object(mut object)) => {
            if let Some(types) = with_types(&object.schema_type) {
                object.schema_type = types;
            }
            RefOr::T(Schema::Object(object))
        }
        RefOr::T(Schema::Array(mut array)) => {
            if let Some(types) = with_types(&array.schema_type) {
                array.schema_type = types;
            }
            RefOr::T(Schema::Array(array))
        }
        RefOr::T(Schema::OneOf(mut one_of)) => {
            let has_null = one_of.items.iter().any(is_null);
            if null && !has_null {
                one_of.items.insert(0, null_type());
            } else if !null && has_null {
                one_of.items.retain(|item| !is_null(item));
            }
            RefOr::T(Schema::OneOf(one_of))
        }
        other if null => RefOr::T(Schema::OneOf(
            OneOfBuilder::new().item(null_type()).item(other).build(),
        )),
        other => other,
    }
}

/// The patch of `T` and the patches of the object components it changes field by field,
/// by component name, `T`'s first.
fn derive<T: ToSchema>() -> Vec<(String, Object)> {
    let all = components::<T>();
    let mut deriver = Deriver {
        all: &all,
        needed: Vec::new(),
    };
    let mut out = Vec::new();
    let root = T::name().into_owned();
    match all.get(&root) {
        Some(RefOr::T(Schema::Object(input))) => {
            out.push((patch_name(&root), deriver.object(&root, input)));
        }
        // Not an object: nothing to patch field by field. The document still says so.
        _ => return out,
    }
    let mut done = BTreeSet::from([root]);
    while let Some(name) = deriver.needed.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(input))) = all.get(&name) {
            let patch = deriver.object(&name, input);
            out.push((patch_name(&name), patch));
        }
    }
    out
}

impl<T: ToSchema> PartialSchema for MergePatch<T> {
    fn schema() -> RefOr<Schema> {
        match derive::<T>().into_iter().next() {
            Some((_, object)) => RefOr::T(Schema::Object(object)),
            None => RefOr::T(Schema::OneOf(OneOf::new())),
        }
    }
}

impl<T: ToSchema> ToSchema for MergePatch<T> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(patch_name(&T::name()))
    }

    /// The nested patches, and what the patches refer to unchanged (enums, list items).
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
        schemas.extend(
            derive::<T>()
                .into_iter()
                .skip(1)
                .map(|(name, object)| (name, RefOr::T(Schema::Object(object)))),
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[derive(serde::Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct InnerInput {
        count: u32,
        note: Option<String>,
    }

    #[derive(serde::Deserialize, ToSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct OuterInput {
        name: String,
        inner: InnerInput,
        maybe: Option<InnerInput>,
        #[serde(default)]
        list: Vec<InnerInput>,
    }

    fn json_of(schema: RefOr<Schema>) -> Value {
        serde_json::to_value(schema).unwrap()
    }

    #[test]
    fn a_patch_takes_every_field_optionally_and_null_only_where_it_clears() {
        assert_eq!(MergePatch::<OuterInput>::name(), "OuterPatch");
        let patch = json_of(MergePatch::<OuterInput>::schema());
        assert!(patch.get("required").is_none(), "{patch}");
        assert_eq!(patch["additionalProperties"], false);
        let p = &patch["properties"];
        assert_eq!(p["name"]["type"], "string", "required: no null");
        assert_eq!(p["inner"]["$ref"], "#/components/schemas/InnerPatch");
        assert_eq!(
            p["maybe"]["oneOf"],
            json!([{"type": "null"}, {"$ref": "#/components/schemas/InnerPatch"}])
        );
        assert_eq!(p["list"]["type"], json!(["array", "null"]));
        assert_eq!(
            p["list"]["items"]["$ref"], "#/components/schemas/InnerInput",
            "lists are replaced whole"
        );
    }

    #[test]
    fn nested_patches_are_components_of_their_own() {
        let mut schemas = Vec::new();
        MergePatch::<OuterInput>::schemas(&mut schemas);
        let names: Vec<&str> = schemas.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"InnerInput") && names.contains(&"InnerPatch"));
        let inner = schemas.iter().find(|(n, _)| n == "InnerPatch").unwrap();
        let inner = json_of(inner.1.clone());
        assert!(inner.get("required").is_none());
        assert_eq!(inner["properties"]["count"]["type"], "integer");
        assert_eq!(
            inner["properties"]["note"]["type"],
            json!(["string", "null"])
        );
    }

    #[test]
    fn merging_follows_rfc_7396() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}, "l": [1, 2]});
        merge(
            &mut target,
            json!({"a": "z", "c": {"f": null}, "l": [3], "n": 1}),
        );
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}, "l": [3], "n": 1}));
    }

    #[test]
    fn a_null_for_an_absent_member_stays_for_the_parse_to_name() {
        let mut target = json!({"a": "b", "c": {"d": "e"}});
        merge(&mut target, json!({"x": null, "c": {"y": null, "d": null}}));
        assert_eq!(target, json!({"a": "b", "x": null, "c": {"y": null}}));
    }
}
