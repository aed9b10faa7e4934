//! Schema pieces the derive cannot write: lists whose items each appear once
//! (`uniqueItems`), for the fields whose rules refuse a repeat.

use utoipa::openapi::schema::{
    Array, ArrayBuilder, KnownFormat, ObjectBuilder, SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr, Schema};

/// A list of `items`, each at most once, `min` to `max` long.
pub fn unique_list(
    items: impl Into<RefOr<Schema>>,
    (min, max): (usize, usize),
    description: &str,
    example: serde_json::Value,
) -> Array {
    ArrayBuilder::new()
        .items(items.into())
        .min_items((min > 0).then_some(min))
        .max_items(Some(max))
        .unique_items(true)
        .description(Some(description))
        .examples([example])
        .build()
}

/// A list of components named `component`, each at most once.
pub fn unique_refs(
    component: &str,
    limits: (usize, usize),
    description: &str,
    example: serde_json::Value,
) -> Array {
    unique_list(
        Ref::from_schema_name(component),
        limits,
        description,
        example,
    )
}

/// A list of ids, each at most once.
pub fn unique_ids(limits: (usize, usize), description: &str) -> Array {
    let id = ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)));
    unique_list(
        id,
        limits,
        description,
        serde_json::json!(["0198c2a4-7d1e-7c3b-9a51-3f0e2b6d8c41"]),
    )
}
