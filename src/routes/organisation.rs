//! The caller's own account: an organisation, or a funder account.

use actix_web::{HttpResponse, get, patch, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Json;
use super::merge_patch::not_null;
use super::{IfMatch, fresh, json_ok, with_etag};
use crate::auth::permit::{Allowed, ManageOrganisation, Permitted, ReadOrganisation};
use crate::db::Db;
use crate::domain::organisation::{AccountKind, ReportLanguage};
use crate::domain::validation::Errors;
use crate::domain::{OrganisationId, text};
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
}

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
) -> Result<HttpResponse, ApiError> {
    let mut errors = Errors::default();
    let changes = OrganisationChanges {
        name: request
            .name
            .and_then(|n| errors.check("/name", text::bounded(&n, 1, 200))),
        report_language: request.report_language,
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
    let updated = db
        .acting(principal.acting(), async move |conn| {
            fresh(organisation::update(conn, org, expected, &changes).await?)
        })
        .await?;
    Ok(json_ok(
        with_etag(HttpResponse::Ok(), updated.version),
        &OrganisationResponse::from(updated),
    ))
}
