//! `init`: creating an organisation and its first admin.

use serde::Serialize;

use super::{CliError, InitArgs};
use crate::auth::password;
use crate::db::SystemDb;
use crate::domain::{Email, OrganisationId, Role, UserId, text};
use crate::models;

/// The result of `init`.
#[derive(Debug, Serialize)]
pub struct InitResult {
    pub organisation_id: OrganisationId,
    pub user_id: UserId,
    pub email: String,
    /// Present only when generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

/// Creates an organisation and its first admin.
pub async fn init(db: &SystemDb, args: InitArgs) -> Result<InitResult, CliError> {
    let name = text::bounded(&args.organisation, 1, 200)
        .map_err(|m| CliError::Invalid(format!("--organisation {m}")))?;
    let email = Email::parse(&args.admin_email)
        .map_err(|m| CliError::Invalid(format!("--admin-email {m}")))?;
    let generated = args.admin_password.is_none().then(password::generate);
    let chosen = args
        .admin_password
        .or_else(|| generated.clone())
        .unwrap_or_default();
    password::check_policy(&chosen)
        .map_err(|m| CliError::Invalid(format!("--admin-password {m}")))?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&chosen))
        .await
        .map_err(|e| CliError::Invalid(e.to_string()))?
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let org = OrganisationId::generate();
    let user = UserId::generate();
    let email_text = email.as_str().to_string();
    let result = db
        .system(async move |conn| {
            if models::user::find_by_email(conn, &email_text)
                .await?
                .is_some()
            {
                return Err(CliError::Invalid(format!(
                    "a user with email {email_text} already exists"
                )));
            }
            models::organisation::create(
                conn,
                &models::organisation::NewOrganisation { id: org, name },
            )
            .await?;
            models::user::create(
                conn,
                &models::user::NewUser {
                    id: user,
                    organisation_id: org,
                    email: email_text,
                    name: "Admin".into(),
                    password_hash: hash,
                    role: Role::Admin,
                },
            )
            .await
            .map_err(CliError::from)
        })
        .await?;
    Ok(InitResult {
        organisation_id: org,
        user_id: result.id,
        email: result.email,
        password: generated,
    })
}
