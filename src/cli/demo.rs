//! `demo`: the demo organisation with a realistic project and its plan, a fresh admin
//! API token for it, and how that is printed.

use chrono::{Duration, NaiveDate, Utc};
use serde::Serialize;

use super::CliError;
use crate::auth::{api_token, password};
use crate::db::SystemDb;
use crate::db::plan::Lines;
use crate::db::plan::funders::{self, FunderInput, Funders};
use crate::db::scope::{OrgScope, ProjectScope};
use crate::domain::organisation::AccountKind;
use crate::domain::plan::FunderKind;
use crate::domain::project::{OrganisationRole, ProjectStatus};
use crate::domain::{ApiTokenId, FunderId, OrganisationId, ProjectId, Role, UserId};
use crate::models;

/// What `demo` made.
#[derive(Debug, Serialize)]
pub struct DemoResult {
    pub organisation_id: OrganisationId,
    pub project_id: ProjectId,
    /// An admin API token valid for 30 days.
    pub token: String,
}

pub const DEMO_EMAIL: &str = "demo@steunpunt-mantelzorg.example";

/// Loads the demo organisation (once) and issues a fresh admin API token for it.
pub async fn load_demo(db: &SystemDb) -> Result<DemoResult, CliError> {
    let token_id = ApiTokenId::generate();
    let issued = api_token::issue(token_id);
    let secret = issued.secret_hash;
    let password_hash = tokio::task::spawn_blocking(|| password::hash(&password::generate()))
        .await
        .map_err(|e| CliError::Invalid(e.to_string()))?
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let (organisation_id, project_id) = db
        .system(async move |conn| {
            let (org, project) = match models::user::find_by_email(conn, DEMO_EMAIL).await? {
                Some((admin, _, _)) => {
                    let org = admin.organisation_id;
                    let first = models::project::list(
                        conn,
                        crate::db::Reach::Own(org),
                        &Default::default(),
                        1,
                        None,
                    )
                    .await?;
                    (org, first.items.first().map(|p| p.id))
                }
                None => (create_demo_organisation(conn, password_hash).await?, None),
            };
            let project = match project {
                Some(id) => id,
                None => create_demo_project(conn, org).await?,
            };
            models::api_token::create(
                conn,
                &models::api_token::NewApiToken {
                    id: token_id,
                    organisation_id: org,
                    name: format!("demo {}", Utc::now().format("%Y-%m-%d %H:%M")),
                    role: Role::Admin,
                    secret_hash: secret,
                    created_by: None,
                    expires_at: Some(Utc::now() + Duration::days(30)),
                    scopes: Role::Admin
                        .scopes(crate::domain::organisation::AccountKind::Organisation)
                        .iter()
                        .collect(),
                },
            )
            .await?;
            Ok::<_, CliError>((org, project))
        })
        .await?;
    Ok(DemoResult {
        organisation_id,
        project_id,
        token: issued.token,
    })
}

async fn create_demo_organisation(
    conn: &mut crate::db::Conn,
    password_hash: String,
) -> Result<OrganisationId, crate::db::QueryError> {
    let org = OrganisationId::generate();
    models::organisation::create(
        conn,
        &models::organisation::NewOrganisation {
            id: org,
            name: "Steunpunt Mantelzorg Oost (demo)".into(),
            kind: AccountKind::Organisation,
            funder_code: None,
        },
    )
    .await?;
    models::user::create(
        conn,
        &models::user::NewUser {
            id: UserId::generate(),
            organisation_id: org,
            email: DEMO_EMAIL.into(),
            name: "Demo admin".into(),
            password_hash,
            role: Role::Admin,
        },
    )
    .await?;
    Ok(org)
}

async fn create_demo_project(
    conn: &mut crate::db::Conn,
    org: OrganisationId,
) -> Result<ProjectId, CliError> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    let project = models::project::create(
        conn,
        &models::project::NewProject {
            id: ProjectId::generate(),
            organisation_id: org,
            name: "Mantelzorgers met een migratieachtergrond bereiken".into(),
            summary: Some(
                "Turkse, Marokkaanse en Eritrese mantelzorgers in Oost vinden via sleutelpersonen, moskeeën \
                 en huisartsen de weg naar ondersteuning."
                    .into(),
            ),
            rationale: Some(
                "Van de 1.200 ingeschreven mantelzorgers heeft 3% een migratieachtergrond, tegen 38% van de \
                 inwoners van het stadsdeel. Wijkteams en huisartsen signaleren overbelasting die niet bij ons aankomt."
                    .into(),
            ),
            organisation_role: Some(OrganisationRole::DirectSupport),
            start_date: date(2026, 1, 1),
            end_date: date(2027, 12, 31),
            status: ProjectStatus::Active,
        },
    )
    .await?;
    let id = project.id;
    let municipality = demo_funder(conn, org, "Gemeente Utrecht", FunderKind::Municipality).await?;
    let fund = demo_funder(conn, org, "Oranje Fonds", FunderKind::Fund).await?;
    let scope = ProjectScope::new(project);
    let sections = crate::plan::parse_sections(demo_plan(municipality, fund))
        .map_err(|e| CliError::Invalid(format!("the demo plan was refused: {e}")))?;
    let errors = crate::plan::document::write_sections(conn, &scope, sections)
        .await
        .map_err(|e| CliError::Invalid(format!("the demo plan was refused: {e}")))?;
    if !errors.is_empty() {
        return Err(CliError::Invalid(format!(
            "the demo plan was refused: {errors:?}"
        )));
    }
    Ok(id)
}

/// The demo project's plan, as the sections of a plan document.
/// The funder `name` of the organisation's register, entered when it is not there.
async fn demo_funder(
    conn: &mut crate::db::Conn,
    org: OrganisationId,
    name: &str,
    kind: FunderKind,
) -> Result<FunderId, CliError> {
    let stored = |e: crate::db::StoreError| {
        CliError::Invalid(format!("the demo funder was not stored: {e}"))
    };
    if let Some(funder) = funders::find_by_name(conn, org, name)
        .await
        .map_err(stored)?
    {
        return Ok(funder.id);
    }
    let input = FunderInput {
        name: name.into(),
        kind,
        kvk_number: None,
        municipality_code: (kind == FunderKind::Municipality).then(|| "GM0344".into()),
        reference: None,
        notes: None,
        contacts: Vec::new(),
    };
    let valid = funders::validate(input)
        .map_err(|e| CliError::Invalid(format!("the demo funder was refused: {e}")))?;
    let funder = Funders::store(conn, &OrgScope { org }, None, None, valid)
        .await
        .map_err(stored)?;
    Ok(funder.id)
}

fn demo_plan(municipality: FunderId, fund: FunderId) -> serde_json::Map<String, serde_json::Value> {
    let personnel = uuid::Uuid::now_v7();
    let translation = uuid::Uuid::now_v7();
    let plan = serde_json::json!({
        "target_groups": [
            {"name": "Turks-Nederlandse mantelzorgers", "languages": ["tr", "nl"]},
            {"name": "Marokkaans-Nederlandse mantelzorgers", "languages": ["ar", "zgh", "nl"]},
            {"name": "Eritrese nieuwkomers", "languages": ["ti"]}
        ],
        "budget_lines": [
            {"id": personnel, "category": "personnel", "description": "Sleutelpersonen, vrijwilligersvergoeding", "amount": "4800.00",
             "phases": [{"quarter": "2026-Q1", "amount": "1200"}, {"quarter": "2026-Q2", "amount": "1200"},
                        {"quarter": "2026-Q3", "amount": "1200"}, {"quarter": "2026-Q4", "amount": "1200"}]},
            {"id": translation, "category": "translation", "description": "Folder in het Turks, Arabisch en Tigrinya", "amount": "750.00"},
            {"category": "activities", "description": "Voorlichtingsbijeenkomsten in moskee en buurthuis", "amount": "2400.00"},
            {"category": "training", "description": "Training cultuursensitief werken", "amount": "1850.00"}
        ],
        "hours": [
            {"activity": "outreach", "quarter": "2026-Q1", "hours": "60", "hourly_rate": "52.50"},
            {"activity": "key_person_meetings", "quarter": "2026-Q2", "hours": "40", "hourly_rate": "52.50"},
            {"activity": "coordination", "quarter": "2026-Q2", "hours": "24", "hourly_rate": "61.25"}
        ],
        "translation_costs": [
            {"item": "Folder 'Zorgt u voor een naaste?'", "source_language": "nl", "target_languages": ["tr", "ar", "ti"],
             "unit": "words", "quantity": "850", "unit_price": "0.14"}
        ],
        "fund_applications": [
            {"funder_id": municipality, "programme": "Mantelzorg en welzijn 2026",
             "budget_line_ids": [personnel], "amount_requested": "8000.00", "amount_granted": "8000.00", "status": "granted",
             "submitted_on": "2025-10-01", "decided_on": "2025-12-15",
             "reporting_duties": [{"quarter": "2026-Q1", "due_on": "2026-04-30"}, {"quarter": "2026-Q2", "due_on": "2026-07-31"}]},
            {"funder_id": fund, "budget_line_ids": [translation],
             "amount_requested": "3500.00", "status": "submitted", "submitted_on": "2026-02-01"}
        ],
        "evaluation_moments": [
            {"planned_on": "2026-12-15", "subject": "Tussenevaluatie met sleutelpersonen"}
        ],
        "roadmap": [
            {"step": 1, "status": "done"}, {"step": 2, "status": "done"}, {"step": 3, "status": "in_progress"}
        ]
    });
    match plan {
        serde_json::Value::Object(sections) => sections,
        _ => serde_json::Map::new(),
    }
}

pub(super) fn print_demo(demo: &DemoResult, token_only: bool, json: bool) {
    if token_only {
        say!("{}", demo.token);
    } else if json {
        say!("{}", serde_json::to_string_pretty(demo).unwrap_or_default());
    } else {
        say!(
            "Demo organisation {} with project {}.",
            demo.organisation_id,
            demo.project_id
        );
        say!(
            "Admin API token (valid 30 days, shown once):\n\n  export TOKEN={}\n",
            demo.token
        );
        say!(
            "Try: curl -s -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/projects"
        );
    }
}
