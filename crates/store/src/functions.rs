//! Postgres functions the queries call, declared for diesel, so that every statement of a
//! request is built from the query DSL alone. A raw SQL fragment (`sql_query`,
//! `dsl::sql`) has no static query id: diesel-async then prepares it anew on every call,
//! a round trip and a plan of its own each time, where a declared function keeps the
//! statement in the connection's cache.

use diesel::sql_types::{Array, Bool, Integer, Jsonb, Text, Timestamp, Timestamptz};

/// `void`, what the advisory-lock functions answer; only ever executed, never read.
#[derive(Debug, Clone, Copy, diesel::sql_types::SqlType, diesel::query_builder::QueryId)]
#[diesel(postgres_type(oid = 2278, array_oid = 0))]
pub struct Void;

diesel::define_sql_function! {
    /// Every value of a group as one JSON array (`NULL` for none).
    #[aggregate]
    fn jsonb_agg(value: Jsonb) -> Nullable<Jsonb>;
}

diesel::define_sql_function! {
    /// A value as JSON (an array as an array, `NULL` as `null`).
    fn to_jsonb<ST: diesel::sql_types::SingleValue>(value: ST) -> Jsonb;
}

diesel::define_sql_function! {
    /// Takes an advisory lock shared until the transaction ends.
    fn pg_advisory_xact_lock_shared(key1: Integer, key2: Integer) -> Void;
}

diesel::define_sql_function! {
    /// Takes an advisory lock exclusively until the transaction ends.
    fn pg_advisory_xact_lock(key1: Integer, key2: Integer) -> Void;
}

diesel::define_sql_function! {
    /// Sets a setting, for the transaction only when `is_local`.
    fn set_config(name: Text, value: Text, is_local: Bool) -> Text;
}

diesel::define_sql_function! {
    /// The wall-clock time in `zone` at the moment `at`.
    fn timezone(zone: Text, at: Timestamptz) -> Timestamp;
}

diesel::define_sql_function! {
    /// The date of a wall-clock time.
    fn date(at: Timestamp) -> Date;
}

diesel::define_sql_function! {
    /// Each element of an array, as a row of its own.
    fn unnest(values: Array<Text>) -> Text;
}

diesel::define_sql_function! {
    /// The key under which two names are one (migration 000009): lower case, with outer
    /// and repeated white space left out.
    fn app_name_key(name: Text) -> Text;
}

diesel::define_sql_function! {
    /// The funder account a funder code names (NULL for none): the one lookup of funder
    /// accounts an organisation may make.
    fn app_funder_account_by_code(code: Text) -> Nullable<diesel::sql_types::Uuid>;
}

diesel::define_sql_function! {
    /// The projects shared with the transaction's funder account, one per row (a set):
    /// `id IN (SELECT app_funder_projects())`, the query's own filter beside the funder
    /// role's policies.
    fn app_funder_projects() -> diesel::sql_types::Uuid;
}

diesel::define_sql_function! {
    /// The oldest transaction still running: the change feed reads events of older ones.
    fn app_events_horizon() -> BigInt;
}
