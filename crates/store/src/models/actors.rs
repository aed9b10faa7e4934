//! Who made a change, as histories and audit trails show it: the actor tag the triggers
//! record (`user:<id>`, `api_token:<id>`) with the user's or token's name.

use diesel::{ExpressionMethods, QueryDsl};
use diesel_async::RunQueryDsl;

use crate::Conn;
use uuid::Uuid;

use crate::domain::OrganisationId;
use crate::schema::{api_tokens, users};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeActor {
    /// `user` or `api_token`.
    pub kind: String,
    pub id: Uuid,
    /// The user's name or the token's name; `null` once deleted.
    pub name: Option<String>,
}

fn parse(tag: Option<&str>) -> Option<(&str, Uuid)> {
    let (kind, id) = tag?.split_once(':')?;
    Some((kind, id.parse().ok()?))
}

/// The actors behind `tags`, in order, with their names looked up in two queries.
async fn named(
    conn: &mut Conn,
    org: OrganisationId,
    tags: &[Option<&str>],
) -> diesel::QueryResult<Vec<Option<ChangeActor>>> {
    let parsed: Vec<Option<(&str, Uuid)>> = tags.iter().map(|t| parse(*t)).collect();
    let ids_of = |wanted: &str| -> Vec<Uuid> {
        parsed
            .iter()
            .flatten()
            .filter(|(kind, _)| *kind == wanted)
            .map(|(_, id)| *id)
            .collect()
    };
    let (user_ids, token_ids) = (ids_of("user"), ids_of("api_token"));
    let user_names: Vec<(Uuid, String)> = if user_ids.is_empty() {
        Vec::new()
    } else {
        users::table
            .filter(users::organisation_id.eq(org))
            .filter(users::id.eq_any(&user_ids))
            .select((users::id, users::name))
            .load(conn)
            .await?
    };
    let token_names: Vec<(Uuid, String)> = if token_ids.is_empty() {
        Vec::new()
    } else {
        api_tokens::table
            .filter(api_tokens::organisation_id.eq(org))
            .filter(api_tokens::id.eq_any(&token_ids))
            .select((api_tokens::id, api_tokens::name))
            .load(conn)
            .await?
    };
    Ok(parsed
        .into_iter()
        .map(|found| {
            let (kind, id) = found?;
            let names = if kind == "user" {
                &user_names
            } else {
                &token_names
            };
            Some(ChangeActor {
                kind: kind.to_string(),
                id,
                name: names
                    .iter()
                    .find(|(n, _)| *n == id)
                    .map(|(_, name)| name.clone()),
            })
        })
        .collect())
}

/// `rows` each with the actor of its tag.
pub async fn attach<R>(
    conn: &mut Conn,
    org: OrganisationId,
    rows: Vec<R>,
    tag: impl Fn(&R) -> Option<&str>,
) -> diesel::QueryResult<Vec<(R, Option<ChangeActor>)>> {
    let tags: Vec<Option<&str>> = rows.iter().map(&tag).collect();
    let actors = named(conn, org, &tags).await?;
    Ok(rows.into_iter().zip(actors).collect())
}
