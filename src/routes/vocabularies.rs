//! The vocabularies with their labels: what funder reports write in their headers and
//! cells, for clients that show the same words.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::Query;
use super::json_ok;
use crate::auth::permit::{Allowed, ReadOrganisation};
use crate::db::Db;
use crate::domain::organisation::ReportLanguage;
use crate::domain::vocabulary;
use crate::error::ApiError;
use crate::models::organisation;

/// The language of the labels.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VocabularyQuery {
    /// `nl` or `en`; the caller's account's `report_language` when left out.
    pub lang: Option<ReportLanguage>,
}

/// A value and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct TermResponse {
    /// As the API writes it.
    #[schema(example = "key_person_meetings")]
    pub value: &'static str,
    #[schema(example = "Gesprekken met sleutelpersonen")]
    pub label: &'static str,
}

/// Every vocabulary, by name (`activity`, `budget_category`, `channel`, `figure`,
/// `ladder_level`, `report_state`, …), each value with its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct Vocabularies {
    pub lang: ReportLanguage,
    pub vocabularies: BTreeMap<&'static str, Vec<TermResponse>>,
}

/// The vocabularies and their labels
///
/// Every closed list of values the API uses, with the labels funder reports print, in
/// Dutch or English: themes, figures, channels, activities, budget categories, ladder
/// levels, states and the others.
#[utoipa::path(
    tag = "vocabularies",
    params(VocabularyQuery),
    responses((status = 200, description = "The vocabularies.", body = Vocabularies))
)]
#[get("/vocabularies")]
pub async fn get_vocabularies(
    db: web::Data<Db>,
    principal: Allowed<ReadOrganisation>,
    Query(query): Query<VocabularyQuery>,
) -> Result<HttpResponse, ApiError> {
    let lang = match query.lang {
        Some(lang) => lang,
        None => {
            let org = principal.organisation_id;
            db.tenant(org, async move |conn| {
                Ok::<_, ApiError>(organisation::find(conn, org).await?.report_language)
            })
            .await?
        }
    };
    let vocabularies = vocabulary::all(lang)
        .into_iter()
        .map(|(name, terms)| {
            let terms = terms
                .into_iter()
                .map(|t| TermResponse {
                    value: t.value,
                    label: t.label,
                })
                .collect();
            (name, terms)
        })
        .collect();
    Ok(json_ok(
        HttpResponse::Ok(),
        &Vocabularies { lang, vocabularies },
    ))
}
