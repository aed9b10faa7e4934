//! The caller's own account: an organisation, or a funder account.

use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Json;
use super::merge_patch::not_null;
use super::{IfMatch, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, ManageOrganisation, Permitted, ReadOrganisation};
use crate::cors::Origins;
use crate::db::Db;
use crate::domain::organisation::{AccountKind, ReportLanguage};
use crate::domain::validation::Errors;
use crate::domain::{OrganisationId, origin, text};
use crate::error::ApiError;
use crate::models::organisation::{self, Organisation, OrganisationChanges};

/// An account (tenant): an organisation, or a funder account.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationResponse {
    pub id: OrganisationId,
    /// Display name.
    #[schema(example = "Steunpunt Mantelzorg Oost")]
    pub name: String,
    /// `organisation`, or `funder` for a funder account.
    pub kind: AccountKind,
    /// A funder account's public code: an organisation's admin links its funder register
    /// entry to the account with it. Null for an organisation.
    #[schema(
        example = "7KQ2-M9XD",
        pattern = r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
    )]
    pub funder_code: Option<String>,
    /// Language of funder report headers and labels.
    pub report_language: ReportLanguage,
    /// Days after a quarter ends that its quarterly report is due, unless a fund
    /// application's reporting duty names a date.
    #[schema(example = 30)]
    pub report_due_days: i32,
    /// Web origins whose pages may call the API from a browser (CORS), as a browser
    /// writes them.
    #[schema(example = json!(["https://intranet.steunpunt-oost.nl"]))]
    pub allowed_origins: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Organisation> for OrganisationResponse {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            name: o.name,
            kind: o.kind,
            funder_code: o.funder_code,
            report_language: o.report_language,
            report_due_days: o.report_due_days,
            allowed_origins: o.allowed_origins,
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// Changes to the organisation; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisationRequest {
    /// Display name, 1 to 200 characters.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(
        nullable = false,
        example = "Steunpunt Mantelzorg Oost",
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    pub report_language: Option<ReportLanguage>,
    /// 0 to 366.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false, minimum = 0, maximum = 366)]
    pub report_due_days: Option<i32>,
    /// Web origins whose pages may call the API from a browser (CORS), replacing the list:
    /// `scheme://host[:port]`, at most 20 (one listed twice counts once); `[]` allows
    /// none.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(
        nullable = false,
        max_items = 20,
        example = json!(["https://intranet.steunpunt-oost.nl"])
    )]
    pub allowed_origins: Option<Vec<Origin>>,
}

/// A web origin as a browser sends it: `https://intranet.example.nl`,
/// `http://localhost:3000`.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct Origin(String);

impl utoipa::PartialSchema for Origin {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .max_length(Some(origin::MAX_ORIGIN_LENGTH))
            .pattern(Some(concat!(
                r"^\s*[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])",
                r"(:([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?",
                r"/?\s*$"
            )))
            .examples([serde_json::json!("https://intranet.steunpunt-oost.nl")])
            .into()
    }
}

impl ToSchema for Origin {}

/// Get your organisation
#[utoipa::path(tag = "organisation", responses((status = 200, description = "The caller's organisation.", body = OrganisationResponse)))]
#[get("/organisation")]
pub async fn get_organisation(
    db: web::Data<Db>,
    principal: Allowed<ReadOrganisation>,
) -> Result<HttpResponse, ApiError> {
    let org = principal.organisation_id;
    let found = db
        .tenant(org, async move |conn| {
            Ok::<_, ApiError>(organisation::find(conn, org).await?)
        })
        .await?;
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), found.version),
        &OrganisationResponse::from(found),
    ))
}

/// Update your organisation
///
/// Admins only.
#[utoipa::path(
    tag = "organisation",
    request_body(content(
        (UpdateOrganisationRequest = "application/merge-patch+json"),
        (UpdateOrganisationRequest = "application/json"),
    )),
    responses((status = 200, description = "Updated.", body = OrganisationResponse))
)]
#[patch("/organisation")]
pub async fn update_organisation(
    db: web::Data<Db>,
    Permitted(principal, Json(request)): Permitted<
        ManageOrganisation,
        Json<UpdateOrganisationRequest>,
    >,
    IfMatch(expected): IfMatch,
    allowed: web::Data<Origins>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Errors::default();
    let changes = OrganisationChanges {
        name: request
            .name
            .and_then(|n| errors.check("/name", text::bounded(&n, 1, 200))),
        report_language: request.report_language,
        allowed_origins: request.allowed_origins.and_then(|list| {
            if list.len() > origin::MAX_ORIGINS {
                errors.check::<()>(
                    "/allowed_origins",
                    Err(format!("at most {} origins", origin::MAX_ORIGINS)),
                );
                return None;
            }
            let mut origins: Vec<String> = Vec::new();
            for (i, Origin(raw)) in list.iter().enumerate() {
                if let Some(origin) =
                    errors.check(&format!("/allowed_origins/{i}"), origin::parse(raw))
                    && !origins.contains(&origin)
                {
                    origins.push(origin);
                }
            }
            Some(origins)
        }),
        report_due_days: request.report_due_days.and_then(|days| {
            errors.check(
                "/report_due_days",
                if (0..=366).contains(&days) {
                    Ok(days)
                } else {
                    Err("must be between 0 and 366".to_string())
                },
            )
        }),
    };
    errors.finish()?;
    let org = principal.organisation_id;
    let origins_changed = changes.allowed_origins.is_some();
    let updated = db
        .acting(principal.acting(), async move |conn| {
            fresh(organisation::update(conn, org, expected, &changes).await?)
        })
        .await?;
    if origins_changed && let Err(error) = allowed.refresh(&db).await {
        // The periodic refresh catches up within seconds.
        tracing::warn!(?error, "could not read the allowed origins again");
    }
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), updated.version),
        &OrganisationResponse::from(updated),
    ))
}
