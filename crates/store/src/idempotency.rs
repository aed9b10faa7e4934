//! Stored answers of idempotent requests (zero-to-production's
//! `idempotency/persistence.rs`): the first request with a key claims it inside its own
//! transaction and saves its answer there; a retry gets that answer back.

use diesel::{ExpressionMethods, QueryDsl, QueryResult};
use diesel_async::RunQueryDsl;

use crate::Conn;

use crate::domain::OrganisationId;
use crate::domain::idempotency::IdempotencyKey;
use crate::schema::idempotency_keys;

/// What claiming a key found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's now: go on, then [`save`] the answer.
    Fresh,
    /// The same request came before: its answer, byte for byte (stored as sent, since
    /// `jsonb` would reorder its keys).
    Replay { status: u16, body: Vec<u8> },
    /// The key was used for a different request.
    Reused,
}

/// Claims `key` for the request whose fingerprint is `hash`, or finds the request that
/// claimed it. A concurrent request with the same key waits on the row until the first
/// one commits (then replays it) or rolls back (then claims it).
pub async fn claim(
    conn: &mut Conn,
    org: OrganisationId,
    key: &IdempotencyKey,
    hash: &[u8],
) -> QueryResult<Claim> {
    let inserted = diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::organisation_id.eq(org),
            idempotency_keys::key.eq(key.as_str()),
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::status.eq(0i16),
            idempotency_keys::response_body.eq(Vec::<u8>::new()),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let (stored_hash, status, body): (Vec<u8>, i16, Vec<u8>) = idempotency_keys::table
        .filter(idempotency_keys::organisation_id.eq(org))
        .filter(idempotency_keys::key.eq(key.as_str()))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::response_body,
        ))
        .first(conn)
        .await?;
    Ok(if stored_hash == hash {
        Claim::Replay {
            status: u16::try_from(status).unwrap_or(200),
            body,
        }
    } else {
        Claim::Reused
    })
}

/// Saves the answer of the request that claimed `key`, in its transaction.
pub async fn save(
    conn: &mut Conn,
    org: OrganisationId,
    key: &IdempotencyKey,
    status: u16,
    body: &[u8],
) -> QueryResult<()> {
    let status = i16::try_from(status).unwrap_or(200);
    diesel::update(
        idempotency_keys::table
            .filter(idempotency_keys::organisation_id.eq(org))
            .filter(idempotency_keys::key.eq(key.as_str())),
    )
    .set((
        idempotency_keys::status.eq(status),
        idempotency_keys::response_body.eq(body),
    ))
    .execute(conn)
    .await?;
    Ok(())
}
