//! `init` and `init-funder`: creating an account (an organisation, or a funder account)
//! and its first admin.

use serde::Serialize;

use super::{CliError, InitArgs, InitFunderArgs};
use crate::auth::password;
use crate::db::SystemDb;
use crate::domain::organisation::AccountKind;
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

/// The result of `init-funder`.
#[derive(Debug, Serialize)]
pub struct InitFunderResult {
    pub funder_account_id: OrganisationId,
    /// What an organisation's admin enters to link its register entry to this account.
    pub funder_code: String,
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
    let created = create_account(
        db,
        AccountKind::Organisation,
        name,
        &args.admin_email,
        args.admin_password,
    )
    .await?;
    Ok(InitResult {
        organisation_id: created.account,
        user_id: created.user,
        email: created.email,
        password: created.generated,
    })
}

/// Creates a funder account and its first admin.
pub async fn init_funder(
    db: &SystemDb,
    args: InitFunderArgs,
) -> Result<InitFunderResult, CliError> {
    let name =
        text::bounded(&args.name, 1, 200).map_err(|m| CliError::Invalid(format!("--name {m}")))?;
    let created = create_account(
        db,
        AccountKind::Funder,
        name,
        &args.admin_email,
        args.admin_password,
    )
    .await?;
    Ok(InitFunderResult {
        funder_account_id: created.account,
        funder_code: created.funder_code.unwrap_or_default(),
        user_id: created.user,
        email: created.email,
        password: created.generated,
    })
}

struct Created {
    account: OrganisationId,
    funder_code: Option<String>,
    user: UserId,
    email: String,
    generated: Option<String>,
}

/// Attempts at a funder code not yet taken (one in a trillion is).
const CODE_ATTEMPTS: usize = 3;

async fn create_account(
    db: &SystemDb,
    kind: AccountKind,
    name: String,
    admin_email: &str,
    admin_password: Option<String>,
) -> Result<Created, CliError> {
    let email =
        Email::parse(admin_email).map_err(|m| CliError::Invalid(format!("--admin-email {m}")))?;
    let generated = admin_password.is_none().then(password::generate);
    let chosen = admin_password
        .or_else(|| generated.clone())
        .unwrap_or_default();
    password::check_policy(&chosen)
        .map_err(|m| CliError::Invalid(format!("--admin-password {m}")))?;
    let hash = tokio::task::spawn_blocking(move || password::hash(&chosen))
        .await
        .map_err(|e| CliError::Invalid(e.to_string()))?
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let email_text = email.as_str().to_string();
    for attempt in 1..=CODE_ATTEMPTS {
        let (account, user) = (OrganisationId::generate(), UserId::generate());
        let funder_code = (kind == AccountKind::Funder).then(funder_code);
        let (name, email_text, hash, code) = (
            name.clone(),
            email_text.clone(),
            hash.clone(),
            funder_code.clone(),
        );
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
                    &models::organisation::NewOrganisation {
                        id: account,
                        name,
                        kind,
                        funder_code: code,
                    },
                )
                .await?;
                models::user::create(
                    conn,
                    &models::user::NewUser {
                        id: user,
                        organisation_id: account,
                        email: email_text,
                        name: "Admin".into(),
                        password_hash: hash,
                        role: Role::Admin,
                    },
                )
                .await
                .map_err(CliError::from)
            })
            .await;
        match result {
            Ok(created) => {
                return Ok(Created {
                    account,
                    funder_code,
                    user: created.id,
                    email: created.email,
                    generated,
                });
            }
            Err(CliError::Database(crate::db::QueryError::DatabaseError(
                crate::db::DatabaseErrorKind::UniqueViolation,
                info,
            ))) if info.constraint_name() == Some("organisations_funder_code_key")
                && attempt < CODE_ATTEMPTS => {}
            Err(error) => return Err(error),
        }
    }
    unreachable!("the last attempt returns")
}

/// Crockford's base 32: digits and capitals without I, L, O and U, so that a code read
/// aloud or typed from paper is not mistaken.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new funder code: `7KQ2-M9XD`, eight random characters of Crockford's base 32.
fn funder_code() -> String {
    let bytes = crate::auth::random_bytes::<8>();
    let mut code = String::with_capacity(9);
    for (i, byte) in bytes.iter().enumerate() {
        if i == 4 {
            code.push('-');
        }
        code.push(char::from(CROCKFORD[usize::from(byte % 32)]));
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_funder_code_is_two_groups_of_four_unambiguous_characters() {
        for _ in 0..200 {
            let code = funder_code();
            assert_eq!(code.len(), 9, "{code}");
            assert_eq!(&code[4..5], "-", "{code}");
            assert!(
                code.chars()
                    .filter(|c| *c != '-')
                    .all(|c| CROCKFORD.contains(&(c as u8))),
                "{code}"
            );
            assert!(!code.contains(['I', 'L', 'O', 'U']), "{code}");
        }
        assert_ne!(funder_code(), funder_code());
    }
}
