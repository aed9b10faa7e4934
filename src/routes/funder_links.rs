//! Funder links: consent from both sides before a funder account sees anything of an
//! organisation. The organisation's admin links an entry of its funder register to a
//! funder account by the account's funder code; the funder account's admin accepts or
//! refuses; either side ends it. Both sides read the same link at the same path.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Query};
use super::{PageParams, encode_cursor, fresh, json_ok, parse_if_match, with_etag};
use crate::auth::permit::{Allowed, ManageFunderLinks, Permitted, ReadOrganisation};
use crate::db::Db;
use crate::domain::funder_link::{LinkAction, LinkRefusal, LinkSide, LinkState};
use crate::domain::organisation::AccountKind;
use crate::domain::validation::Errors;
use crate::domain::{FunderId, FunderLinkId, OrganisationId};
use crate::error::ApiError;
use crate::models::funder_link::{self as model, FunderLink, NewFunderLink};
use crate::models::{Guarded, Precondition};

/// One side of a link: an account and its name.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedAccount {
    pub id: OrganisationId,
    #[schema(example = "Steunpunt Mantelzorg Oost")]
    pub name: String,
}

/// The funder account of a link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedFunderAccount {
    pub id: OrganisationId,
    #[schema(example = "Gemeente Utrecht")]
    pub name: String,
    #[schema(example = "7KQ2-M9XD")]
    pub funder_code: String,
}

/// A link between an entry of an organisation's funder register and a funder account.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunderLinkResponse {
    pub id: FunderLinkId,
    pub state: LinkState,
    /// The organisation that requested the link.
    pub organisation: LinkedAccount,
    /// The organisation's funder register entry (`/api/v1/funders/{funder_id}`).
    pub funder_id: FunderId,
    pub funder_account: LinkedFunderAccount,
    /// The side the caller is on.
    pub your_side: LinkSide,
    /// The moves open to the caller now.
    pub actions: Vec<LinkAction>,
    pub requested_at: DateTime<Utc>,
    /// When the funder account accepted or refused.
    pub decided_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<LinkSide>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl FunderLinkResponse {
    fn of(link: FunderLink, me: OrganisationId) -> Self {
        let side = link.side_of(me);
        let row = link.row;
        Self {
            id: row.id,
            state: row.state,
            organisation: LinkedAccount {
                id: row.organisation_id,
                name: link.organisation_name,
            },
            funder_id: row.funder_id,
            funder_account: LinkedFunderAccount {
                id: row.funder_account_id,
                name: link.account_name,
                funder_code: link.funder_code.unwrap_or_default(),
            },
            your_side: side,
            actions: LinkAction::open(row.state, side),
            requested_at: row.requested_at,
            decided_at: row.decided_at,
            ended_at: row.ended_at,
            ended_by: row.ended_by,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

fn link_response(
    response: actix_web::HttpResponseBuilder,
    link: FunderLink,
    me: OrganisationId,
) -> HttpResponse {
    let version = link.row.version;
    json_ok(
        with_etag(response, version),
        &FunderLinkResponse::of(link, me),
    )
}

/// One page of funder links.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunderLinkList {
    pub items: Vec<FunderLinkResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging for the links.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListFunderLinksQuery {
    /// Only links in this state.
    pub state: Option<LinkState>,
    /// How many items to return, 1 to 200.
    #[param(minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(
        pattern = r"^[0-9]{1,16}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
}

/// A request to link a funder of the register to a funder account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFunderLinkRequest {
    /// The entry of the organisation's funder register.
    pub funder_id: FunderId,
    /// The funder account's code, as the funder gave it (case does not matter; at most five
    /// spaces around it, and one on either side of the dash).
    #[schema(
        example = "7KQ2-M9XD",
        pattern = r"^[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]{0,5}[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{4} ?- ?[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{4}[\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]{0,5}$"
    )]
    pub funder_code: String,
}

/// List funder links
///
/// The links the caller's account is a side of, oldest first: an organisation's requests
/// to funder accounts, or the requests a funder account received.
#[utoipa::path(
    tag = "funder-links",
    params(ListFunderLinksQuery),
    responses((status = 200, description = "One page of links.", body = FunderLinkList))
)]
#[get("/funder-links")]
pub async fn list_funder_links(
    db: web::Data<Db>,
    principal: Allowed<ReadOrganisation>,
    Query(query): Query<ListFunderLinksQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .validate()
    .map_err(|e| ApiError::Validation(vec![e]))?;
    let me = principal.organisation_id;
    let state = query.state;
    let found = db
        .tenant(me, async move |conn| {
            Ok::<_, ApiError>(model::list(conn, me, state, page.limit, page.after).await?)
        })
        .await?;
    let body = FunderLinkList {
        next_cursor: found.next.as_ref().map(encode_cursor),
        items: found
            .items
            .into_iter()
            .map(|link| FunderLinkResponse::of(link, me))
            .collect(),
    };
    Ok(json_ok(HttpResponse::Ok(), &body))
}

/// Request a funder link
///
/// An organisation's admin links an entry of its funder register to the funder account
/// whose code the funder gave. The funder account sees nothing until its admin accepts.
/// One link per register entry and per funder account may be requested or accepted at a
/// time (409).
#[utoipa::path(
    tag = "funder-links",
    request_body = CreateFunderLinkRequest,
    responses((status = 201, description = "Requested.", body = FunderLinkResponse, headers(("Location" = String), ("ETag" = String))))
)]
#[post("/funder-links")]
pub async fn create_funder_link(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<
        ManageFunderLinks,
        Json<CreateFunderLinkRequest>,
    >,
) -> Result<HttpResponse, ApiError> {
    if principal.kind != AccountKind::Organisation {
        return Err(ApiError::Forbidden(
            "An organisation requests a link; a funder account accepts or refuses it.".into(),
        ));
    }
    let mut errors = Errors::default();
    let code = errors.check("/funder_code", funder_code(&request.funder_code));
    errors.finish()?;
    let code = code.unwrap_or_default();
    let me = principal.organisation_id;
    let funder = request.funder_id;
    let created = db
        .acting(principal.acting(), async move |conn| {
            // Both in one round trip.
            let shared: &crate::db::Conn = conn;
            let (registered, account) = tokio::try_join!(
                async {
                    Ok::<_, ApiError>(crate::db::plan::funders::exists(shared, me, funder).await?)
                },
                async { Ok::<_, ApiError>(model::account_by_code(shared, &code).await?) },
            )?;
            let mut errors = Errors::default();
            if !registered {
                errors.push(crate::domain::validation::FieldError::body(
                    "/funder_id",
                    "is not a funder in the organisation's register",
                ));
            }
            if account.is_none() {
                errors.push(crate::domain::validation::FieldError::body(
                    "/funder_code",
                    "is not the code of a funder account; ask the funder for theirs",
                ));
            }
            errors.finish()?;
            let Some(account) = account else {
                return Err(ApiError::internal(std::io::Error::other(
                    "checked account missing",
                )));
            };
            let row = model::create(
                conn,
                &NewFunderLink {
                    id: FunderLinkId::generate(),
                    organisation_id: me,
                    funder_id: funder,
                    funder_account_id: account,
                },
            )
            .await?;
            Ok::<_, ApiError>(model::find(conn, me, row.id).await?)
        })
        .await?;
    let mut response = HttpResponse::Created();
    response.insert_header((
        header::LOCATION,
        format!("/api/v1/funder-links/{}", created.row.id),
    ));
    Ok(link_response(response, created, me))
}

/// A funder code as typed: spaces and case do not matter; the shape must be right.
fn funder_code(typed: &str) -> Result<String, String> {
    let wrong = || "must be a funder code of four and four characters, e.g. 7KQ2-M9XD".to_string();
    // At most five spaces around it, as the schema's pattern says.
    let leading = typed.chars().take_while(|c| c.is_whitespace()).count();
    let trailing = typed
        .chars()
        .rev()
        .take_while(|c| c.is_whitespace())
        .count();
    if leading > 5 || trailing > 5 {
        return Err(wrong());
    }
    let code = typed.trim();
    // Only ASCII: an upper case of another letter could pass for a code's (`ß` is `SS`).
    if !code.is_ascii() {
        return Err(wrong());
    }
    // One space may stand on either side of the dash, as a person copies it from a letter.
    let code = match code.split_once('-') {
        Some((head, tail)) => format!(
            "{}-{}",
            head.strip_suffix(' ').unwrap_or(head),
            tail.strip_prefix(' ').unwrap_or(tail)
        ),
        None => code.to_string(),
    }
    .to_ascii_uppercase();
    let shaped = code.len() == 9
        && code.char_indices().all(|(i, c)| {
            if i == 4 {
                c == '-'
            } else {
                c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c))
            }
        });
    if shaped { Ok(code) } else { Err(wrong()) }
}

/// Get a funder link
#[utoipa::path(
    tag = "funder-links",
    params(("link_id" = uuid::Uuid, Path, description = "The link's id.")),
    responses((status = 200, description = "The link.", body = FunderLinkResponse, headers(("ETag" = String))))
)]
#[get("/funder-links/{link_id}")]
pub async fn get_funder_link(
    db: web::Data<Db>,
    principal: Allowed<ReadOrganisation>,
    path: web::Path<FunderLinkId>,
) -> Result<HttpResponse, ApiError> {
    let (me, id) = (principal.organisation_id, path.into_inner());
    let found = db
        .tenant(me, async move |conn| {
            model::find(conn, me, id).await.map_err(link_missing)
        })
        .await?;
    Ok(link_response(HttpResponse::Ok(), found, me))
}

fn link_missing(error: crate::db::QueryError) -> ApiError {
    match error {
        crate::db::QueryError::NotFound => {
            ApiError::NotFound("There is no such funder link.".into())
        }
        other => other.into(),
    }
}

/// One move of a link, as the three handlers below call it: `If-Match` is optional.
async fn act(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ManageFunderLinks>,
    id: FunderLinkId,
    action: LinkAction,
) -> Result<HttpResponse, ApiError> {
    let expected = match req.headers().get(header::IF_MATCH) {
        Some(value) => parse_if_match(Some(value))?,
        None => Precondition::Any,
    };
    let me = principal.organisation_id;
    let moved = db
        .acting(principal.acting(), async move |conn| {
            let current = model::lock(conn, me, id).await.map_err(link_missing)?;
            if !expected.matches(current.version) {
                return fresh(Guarded::Stale);
            }
            let side = if current.funder_account_id == me {
                LinkSide::Funder
            } else {
                LinkSide::Organisation
            };
            action
                .check(current.state, side)
                .map_err(|refusal| match refusal {
                    LinkRefusal::Side(detail) => ApiError::Forbidden(detail),
                    LinkRefusal::State(open) => ApiError::Transition {
                        detail: format!(
                            "A {} link cannot {action}; open to you: {}.",
                            current.state,
                            if open.is_empty() {
                                "nothing".to_string()
                            } else {
                                open.iter()
                                    .map(ToString::to_string)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            }
                        ),
                        allowed: open.iter().map(ToString::to_string).collect(),
                    },
                })?;
            model::set_state(conn, &current, action.target(), side).await?;
            Ok::<_, ApiError>(model::find(conn, me, id).await?)
        })
        .await?;
    Ok(link_response(HttpResponse::Ok(), moved, me))
}

/// Accept a funder link
///
/// The funder account's admin takes part: from now on the account reads the projects
/// that applied to this funder (submitted, granted or partially granted), their plans
/// and their reports past draft.
#[utoipa::path(
    tag = "funder-links",
    params(("link_id" = uuid::Uuid, Path, description = "The link's id.")),
    responses(
        (status = 200, description = "Accepted.", body = FunderLinkResponse, headers(("ETag" = String))),
        (status = 409, description = "The link is not waiting for an answer.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/funder-links/{link_id}/accept")]
pub async fn accept_funder_link(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ManageFunderLinks>,
    path: web::Path<FunderLinkId>,
) -> Result<HttpResponse, ApiError> {
    act(req, db, principal, path.into_inner(), LinkAction::Accept).await
}

/// Refuse a funder link
///
/// The funder account's admin declines; the organisation may request again later.
#[utoipa::path(
    tag = "funder-links",
    params(("link_id" = uuid::Uuid, Path, description = "The link's id.")),
    responses(
        (status = 200, description = "Refused.", body = FunderLinkResponse, headers(("ETag" = String))),
        (status = 409, description = "The link is not waiting for an answer.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/funder-links/{link_id}/refuse")]
pub async fn refuse_funder_link(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ManageFunderLinks>,
    path: web::Path<FunderLinkId>,
) -> Result<HttpResponse, ApiError> {
    act(req, db, principal, path.into_inner(), LinkAction::Refuse).await
}

/// End a funder link
///
/// Either side stops sharing: the funder account sees nothing of the organisation's
/// projects from now on. The organisation withdraws a request that has no answer yet
/// the same way.
#[utoipa::path(
    tag = "funder-links",
    params(("link_id" = uuid::Uuid, Path, description = "The link's id.")),
    responses(
        (status = 200, description = "Ended.", body = FunderLinkResponse, headers(("ETag" = String))),
        (status = 409, description = "The link is refused or ended already.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/funder-links/{link_id}/end")]
pub async fn end_funder_link(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ManageFunderLinks>,
    path: web::Path<FunderLinkId>,
) -> Result<HttpResponse, ApiError> {
    act(req, db, principal, path.into_inner(), LinkAction::End).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funder_code_is_read_whatever_its_case_and_spaces() {
        assert_eq!(funder_code(" 7kq2-m9xd "), Ok("7KQ2-M9XD".into()));
        assert_eq!(funder_code("7KQ2 - M9XD"), Ok("7KQ2-M9XD".into()));
        for wrong in [
            "7KQ2M9XD",
            "7KQ2-M9X",
            "7KQ2-M9XDD",
            "IKQ2-M9XD",
            "7KQ2_M9XD",
            "7KQ2  -  M9XD",
            "7K Q2-M9XD",
            "7KQ2\t-M9XD",
            "      7KQ2-M9XD",
            "7KQ2-ẞ9XD",
            "",
        ] {
            assert!(funder_code(wrong).is_err(), "{wrong}");
        }
    }
}
