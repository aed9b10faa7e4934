//! The project plan's parts: for each, its wire types, its rules and its queries, served
//! through the generic handlers in [`crate::routes::parts`].

pub mod budget_lines;
pub mod document;
pub mod evaluation_moments;
pub mod fund_applications;
pub mod history;
pub mod hours;
pub mod partners;
pub mod period;
pub mod project_partners;
pub mod roadmap;
pub mod summary;
pub mod target_groups;
pub mod targets;
pub mod translation_costs;

/// The queries every project line table shares: find (optionally locking), list a page
/// in `(created_at, id)` order, and delete. `$table` is the diesel table module, `$row`
/// the row type, selectable from it.
macro_rules! line_queries {
    ($table:ident, $row:ty, $fields:ty) => {
        /// Inserts a line under a new id of the service's, or updates the line
        /// `current` (`(id, version)`), raising its version. A client never picks the
        /// id of a new line: ids are unique across organisations, so a chosen one that
        /// is taken elsewhere would tell the client so.
        async fn store_row(
            conn: &mut diesel_async::AsyncPgConnection,
            scope: &$crate::db::scope::ProjectScope,
            current: Option<(uuid::Uuid, i64)>,
            fields: $fields,
        ) -> Result<$row, $crate::error::ApiError> {
            use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let project = scope.project_id();
            Ok(match current {
                Some((id, version)) => {
                    diesel::update(
                        $table::table
                            .filter($table::organisation_id.eq(scope.org))
                            .filter($table::id.eq(id)),
                    )
                    .set((
                        &fields,
                        $table::version.eq(version + 1),
                        $table::updated_at.eq(diesel::dsl::now),
                    ))
                    .returning(<$row>::as_returning())
                    .get_result(conn)
                    .await?
                }
                None => {
                    diesel::insert_into($table::table)
                        .values((
                            $table::id.eq(uuid::Uuid::now_v7()),
                            $table::organisation_id.eq(scope.org),
                            $table::project_id.eq(project),
                            &fields,
                        ))
                        .returning(<$row>::as_returning())
                        .get_result(conn)
                        .await?
                }
            })
        }

        async fn find_row(
            conn: &mut diesel_async::AsyncPgConnection,
            scope: &$crate::db::scope::ProjectScope,
            id: uuid::Uuid,
            lock: bool,
        ) -> Result<$row, $crate::error::ApiError> {
            use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let query = $table::table
                .filter($table::organisation_id.eq(scope.org))
                .filter($table::project_id.eq(scope.project_id()))
                .filter($table::id.eq(id))
                .select(<$row>::as_select());
            Ok(if lock {
                query.for_update().first(conn).await?
            } else {
                query.first(conn).await?
            })
        }

        async fn list_rows(
            conn: &mut diesel_async::AsyncPgConnection,
            scope: &$crate::db::scope::ProjectScope,
            limit: i64,
            after: Option<$crate::models::Keyset>,
        ) -> Result<Vec<$row>, $crate::error::ApiError> {
            use diesel::{BoolExpressionMethods, ExpressionMethods, QueryDsl, SelectableHelper};
            use diesel_async::RunQueryDsl;
            let query = $table::table
                .filter($table::organisation_id.eq(scope.org))
                .filter($table::project_id.eq(scope.project_id()))
                .into_boxed();
            Ok($crate::models::after_keyset!(query, $table, after)
                .order(($table::created_at, $table::id))
                .limit(limit + 1)
                .select(<$row>::as_select())
                .load(conn)
                .await?)
        }

        async fn delete_row(
            conn: &mut diesel_async::AsyncPgConnection,
            scope: &$crate::db::scope::ProjectScope,
            id: uuid::Uuid,
        ) -> Result<(), $crate::error::ApiError> {
            use diesel::{ExpressionMethods, QueryDsl};
            use diesel_async::RunQueryDsl;
            diesel::delete(
                $table::table
                    .filter($table::organisation_id.eq(scope.org))
                    .filter($table::project_id.eq(scope.project_id()))
                    .filter($table::id.eq(id)),
            )
            .execute(conn)
            .await?;
            Ok(())
        }
    };
}
pub(crate) use line_queries;

/// The 409 for deleting something that other lines or reports still refer to.
pub fn referenced(noun: &str, by: &str, ids: &[impl std::fmt::Display]) -> crate::error::ApiError {
    crate::error::ApiError::Conflict {
        detail: format!(
            "This {noun} is used by {} {by}; change or delete those first.",
            ids.len()
        ),
        errors: ids
            .iter()
            .map(|id| crate::error::FieldError::body("", format!("used by {by} {id}")))
            .collect(),
    }
}

/// Checks that no language appears twice in a list.
pub fn distinct_languages(
    errors: &mut crate::domain::validation::Errors,
    pointer: &str,
    languages: &[crate::domain::plan::LanguageCode],
) {
    for (i, language) in languages.iter().enumerate() {
        if languages[..i].contains(language) {
            errors.push(crate::error::FieldError::body(
                format!("{pointer}/{i}"),
                format!("{language} appears more than once"),
            ));
        }
    }
}

/// The `Part` methods every plain line shares: meta, key, list, find and store, by the
/// functions [`line_queries`] defines. Used inside `impl Part for …`.
macro_rules! line_part_methods {
    ($row:ty, $fields:ty) => {
        $crate::plan::line_part_methods!($row, $fields, reading);
        async fn store<'c>(
            conn: &'c mut diesel_async::AsyncPgConnection,
            scope: &'c $crate::db::scope::ProjectScope,
            _key: Option<uuid::Uuid>,
            current: Option<&'c $row>,
            valid: $fields,
        ) -> Result<$row, $crate::error::ApiError> {
            store_row(conn, scope, current.map(|c| (c.id, c.version)), valid).await
        }
    };
    // Every method but `store`, for a part that stores in its own way.
    ($row:ty, $fields:ty, reading) => {
        fn meta(item: &$row) -> $crate::routes::parts::Meta {
            $crate::plan::row_meta!(item)
        }
        fn key(item: &$row) -> uuid::Uuid {
            item.id
        }
        async fn list<'c>(
            conn: &'c mut diesel_async::AsyncPgConnection,
            scope: &'c $crate::db::scope::ProjectScope,
            limit: i64,
            after: Option<$crate::models::Keyset>,
        ) -> Result<Vec<$row>, $crate::error::ApiError> {
            list_rows(conn, scope, limit, after).await
        }
        async fn find<'c>(
            conn: &'c mut diesel_async::AsyncPgConnection,
            scope: &'c $crate::db::scope::ProjectScope,
            key: uuid::Uuid,
            lock: bool,
        ) -> Result<$row, $crate::error::ApiError> {
            find_row(conn, scope, key, lock).await
        }
    };
}
pub(crate) use line_part_methods;

/// The ETag-carrying meta of a row with `id`, `version` and `created_at`.
macro_rules! row_meta {
    ($item:expr) => {
        $crate::routes::parts::Meta {
            version: $item.version,
            keyset: $crate::models::Keyset {
                created_at: $item.created_at,
                id: $item.id,
            },
        }
    };
}
pub(crate) use row_meta;
