//! The generic handlers every part is served by: list, get, create, replace, merge-patch, delete.

use super::*;
use crate::auth::Principal;
use crate::db::Reach;
use crate::domain::Permission;

/// Reads `name` from the path; a value that cannot name anything is a 404.
pub fn path_value<T: FromStr>(req: &HttpRequest, name: &str) -> Result<T, ApiError> {
    req.match_info()
        .get(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::NotFound(format!("No such resource: {name} is not valid.")))
}

/// A project that is not there (or not the caller's) is a 404.
pub fn project_missing(error: crate::db::QueryError) -> ApiError {
    ApiError::from(crate::db::StoreError::missing(NO_SUCH_PROJECT)(error))
}

/// The 404 of a project that is not there (or not the caller's).
pub fn no_such_project() -> ApiError {
    ApiError::NotFound(NO_SUCH_PROJECT.into())
}

const NO_SUCH_PROJECT: &str = "The project does not exist.";

/// The project's scope, with the project under a share lock: its lines can be written,
/// its period cannot change until the transaction ends.
pub async fn project_scope(
    conn: &mut crate::db::Conn,
    org: OrganisationId,
    project: ProjectId,
) -> Result<ProjectScope, ApiError> {
    Ok(ProjectScope::open(conn, org, Some(project)).await?)
}

/// The organisation a read of `project` touches: the caller's own, or (a funder account)
/// the one whose project is shared with it; 404 for a project it does not reach. Without
/// a project (a register) only an organisation reads its own.
pub async fn owner_of(
    conn: &mut crate::db::Conn,
    reach: Reach,
    project: Option<ProjectId>,
) -> Result<OrganisationId, ApiError> {
    match (reach, project) {
        (Reach::Own(org), _) => Ok(org),
        (Reach::Shared(_), Some(id)) => crate::models::project::owner(conn, reach, id)
            .await
            .map_err(project_missing),
        (Reach::Shared(_), None) => Err(ApiError::Forbidden(
            "A funder account reads the projects shared with it, not an organisation's registers."
                .into(),
        )),
    }
}

pub fn project_of<P: Part>(req: &HttpRequest) -> Result<Option<ProjectId>, ApiError> {
    match P::Scope::PARENT {
        Parent::Project => path_value(req, "project_id").map(Some),
        Parent::Organisation => Ok(None),
    }
}

pub fn not_found<P: Part>(error: crate::db::StoreError) -> ApiError {
    match ApiError::from(error) {
        ApiError::NotFound(_) => no_such::<P>(),
        other => other,
    }
}

/// The 404 of an item of `P` that is not there.
pub fn no_such<P: Part>() -> ApiError {
    ApiError::NotFound(format!("The {} does not exist.", P::NOUN))
}

pub fn item_response<P: Part>(
    response: actix_web::HttpResponseBuilder,
    item: &P::Output,
) -> HttpResponse {
    json_ok(with_etag(response, P::meta(item).version), item)
}

/// Paging for every part list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

impl utoipa::IntoParams for ListQuery {
    fn into_params(
        _: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        vec![
            ParameterBuilder::new()
                .name("limit")
                .parameter_in(ParameterIn::Query)
                .description(Some("How many items to return, 1 to 200."))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(1))
                        .maximum(Some(200))
                        .default(Some(serde_json::json!(50))),
                ))
                .build(),
            ParameterBuilder::new()
                .name("cursor")
                .parameter_in(ParameterIn::Query)
                .description(Some(
                    "The `next_cursor` of the previous page; omit for the first page.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some(crate::routes::KEYSET_CURSOR)),
                ))
                .build(),
        ]
    }
}

/// One page of a part list.
#[derive(Serialize)]
pub struct ListBody<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

/// An organisation's registers are read by its own users only: a funder account reads
/// projects shared with it, never an organisation's partners or funders as such.
fn may_read<P: Part>(principal: &Principal) -> Result<(), ApiError> {
    match <P::Scope as Routed>::PARENT {
        Parent::Organisation => principal.require(Permission::ReadRegisters),
        Parent::Project => Ok(()),
    }
}

pub async fn list<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReadPlans>,
    Query(query): Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    may_read::<P>(&principal)?;
    let project = project_of::<P>(&req)?;
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .validate()
    .map_err(|e| ApiError::Validation(vec![e]))?;
    let reach = principal.reach();
    let items = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, project).await?;
            let scope = P::Scope::open(conn, org, project).await?;
            Ok::<_, ApiError>(P::list(conn, &scope, page.limit, page.after).await?)
        })
        .await?;
    let page = Page::from_rows(items, page.limit, |i| P::meta(i).keyset);
    Ok(json_ok(
        HttpResponse::Ok(),
        &ListBody {
            next_cursor: page.next.as_ref().map(encode_cursor),
            items: page.items,
        },
    ))
}

pub async fn get<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<ReadPlans>,
) -> Result<HttpResponse, ApiError> {
    may_read::<P>(&principal)?;
    let project = project_of::<P>(&req)?;
    let key: P::Key = path_value(&req, P::ID_PARAM)?;
    let reach = principal.reach();
    let item = db
        .reading(reach, async move |conn| {
            let org = owner_of(conn, reach, project).await?;
            Ok::<_, ApiError>(P::get(conn, org, project, key).await?)
        })
        .await?
        .ok_or_else(no_such::<P>)?;
    Ok(item_response::<P>(HttpResponse::Ok(), &item))
}

pub async fn create<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(input)): Permitted<WritePlans, Json<P::Input>>,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let org = principal.organisation_id;
    let item = db
        .acting(principal.acting(), async move |conn| {
            let scope = P::Scope::open(conn, org, project).await?;
            let valid = P::check(conn, &scope, None, input).await?;
            Ok::<_, ApiError>(P::store(conn, &scope, None, None, valid).await?)
        })
        .await?;
    let location = format!("{}/{}", req.path().trim_end_matches('/'), P::key(&item));
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    Ok(item_response::<P>(response, &item))
}

/// How a write changes the item it found.
pub enum Change<I> {
    Replace(I),
    Patch(serde_json::Value),
}

pub async fn write<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<WritePlans>,
    expected: Precondition,
    change: Change<P::Input>,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let key: P::Key = path_value(&req, P::ID_PARAM)?;
    let org = principal.organisation_id;
    let item = db
        .acting(principal.acting(), async move |conn| {
            let scope = P::Scope::open(conn, org, project).await?;
            let current = P::find(conn, &scope, key, true)
                .await
                .map_err(not_found::<P>)?;
            let input = match change {
                Change::Replace(input) => input,
                Change::Patch(patch) => merge_patch::<P>(&current, patch)?,
            };
            // An invalid body is 422 whatever its ETag; only a valid one can be stale.
            let valid = P::check(conn, &scope, Some(&current), input).await?;
            if !expected.matches(P::meta(&current).version) {
                return fresh(Guarded::Stale);
            }
            Ok(P::store(conn, &scope, Some(key), Some(&current), valid).await?)
        })
        .await?;
    Ok(item_response::<P>(HttpResponse::Ok(), &item))
}

/// Applies an RFC 7396 merge patch to the item's input form.
pub fn merge_patch<P: Part>(
    current: &P::Output,
    patch: serde_json::Value,
) -> Result<P::Input, ApiError> {
    crate::routes::merge_patch::apply(&P::input_of(current.clone()), patch)
}

pub async fn replace<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(input)): Permitted<WritePlans, Json<P::Input>>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    write::<P>(req, db, principal, expected, Change::Replace(input)).await
}

pub async fn patch<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    Permitted(principal, Json(patch)): Permitted<WritePlans, Json<serde_json::Value>>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    write::<P>(req, db, principal, expected, Change::Patch(patch)).await
}

pub async fn delete<P: Part>(
    req: HttpRequest,
    db: web::Data<Db>,
    principal: Allowed<WritePlans>,
    IfMatch(expected): IfMatch,
) -> Result<HttpResponse, ApiError> {
    let project = project_of::<P>(&req)?;
    let key: P::Key = path_value(&req, P::ID_PARAM)?;
    let org = principal.organisation_id;
    db.acting(principal.acting(), async move |conn| {
        let scope = P::Scope::open(conn, org, project).await?;
        let current = P::find(conn, &scope, key, true)
            .await
            .map_err(not_found::<P>)?;
        if !expected.matches(P::meta(&current).version) {
            return fresh(Guarded::Stale);
        }
        Ok(P::delete(conn, &scope, &current).await?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
