//! The command line: `serve` (default), `migrate`, `init`, `init-funder`, `demo`, `openapi`.

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;
use crate::db::{self, SystemDb};
use crate::startup::{Application, Database, StartupError, jwt_secret};

/// Prints a line to stdout; a closed pipe (`| head`) is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

// After `say!`, so that the submodules can print with it.
mod bootstrap;
mod demo;

pub use bootstrap::{InitFunderResult, InitResult, init, init_funder};
pub use demo::{DEMO_EMAIL, DemoResult, load_demo};

use demo::print_demo;

/// Mantelmonitor: project plans and quarterly monitoring for caregiver-support organisations.
///
/// Configuration comes from environment variables; see the README.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve {
        /// Load the demo organisation first and print its token.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an organisation and its first admin.
    Init(InitArgs),
    /// Create a funder account (a municipality, a fund) and its first admin; prints the
    /// funder code organisations link to it by.
    InitFunder(InitFunderArgs),
    /// Load a demo organisation with a realistic project and print a ready-to-use API token.
    Demo {
        /// Print only the token (for scripts: `TOKEN=$(mantelmonitor demo --token-only)`).
        #[arg(long, conflicts_with = "json")]
        token_only: bool,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the OpenAPI document (to regenerate `openapi/openapi.json`).
    Openapi,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The organisation's name.
    #[arg(long)]
    pub organisation: String,
    /// The first admin's email address.
    #[arg(long)]
    pub admin_email: String,
    /// The first admin's password; a strong one is generated and printed when left out.
    #[arg(long)]
    pub admin_password: Option<String>,
    /// Print a JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitFunderArgs {
    /// The funder's name, e.g. "Gemeente Utrecht".
    #[arg(long)]
    pub name: String,
    /// The first admin's email address.
    #[arg(long)]
    pub admin_email: String,
    /// The first admin's password; a strong one is generated and printed when left out.
    #[arg(long)]
    pub admin_password: Option<String>,
    /// Print a JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A failure of a command, with the message to print.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] crate::db::QueryError),
    #[error("database unavailable: {0}")]
    Pool(#[from] db::PoolError),
}

/// Runs a command to completion.
pub async fn run(command: Command, settings: Settings) -> Result<(), CliError> {
    if let Command::Openapi = command {
        let document = crate::openapi::document()
            .to_pretty_json()
            .map_err(|e| CliError::Invalid(e.to_string()))?;
        say!("{document}");
        return Ok(());
    }
    // Before the cluster starts, so a refused second service leaves the first one alone.
    let _service = match command {
        Command::Serve { .. } => Database::claim_service(&settings)?,
        _ => None,
    };
    let database = Database::open(&settings).await?;
    let result = run_with(command, &settings, &database).await;
    database.close();
    result
}

async fn run_with(
    command: Command,
    settings: &Settings,
    database: &Database,
) -> Result<(), CliError> {
    match command {
        Command::Serve { demo } => {
            let secret = jwt_secret(settings, database.is_embedded())?;
            let app = Application::build(settings, &database.connections, &secret).await?;
            if demo {
                let db = SystemDb::new(&database.connections, settings.db_timeout)
                    .map_err(CliError::Invalid)?;
                print_demo(&load_demo(&db).await?, false, false);
            }
            tracing::info!(bind = %settings.bind, port = app.port(), embedded = database.is_embedded(), "serving");
            app.run_until_stopped().await.map_err(StartupError::Io)?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            let applied = db::prepare(&database.connections)
                .await
                .map_err(StartupError::Database)?;
            say!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::Init(args) => {
            let db = prepared(settings, database).await?;
            let json = args.json;
            let result = init(&db, args).await?;
            if json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(&result).unwrap_or_default()
                );
            } else {
                say!(
                    "Created organisation {} with admin {}.",
                    result.organisation_id,
                    result.email
                );
                if let Some(password) = &result.password {
                    say!("Generated password (shown once): {password}");
                }
            }
            Ok(())
        }
        Command::InitFunder(args) => {
            let db = prepared(settings, database).await?;
            let json = args.json;
            let result = init_funder(&db, args).await?;
            if json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(&result).unwrap_or_default()
                );
            } else {
                say!(
                    "Created funder account {} with admin {}; its funder code is {}.",
                    result.funder_account_id,
                    result.email,
                    result.funder_code
                );
                if let Some(password) = &result.password {
                    say!("Generated password (shown once): {password}");
                }
            }
            Ok(())
        }
        Command::Demo { token_only, json } => {
            let db = prepared(settings, database).await?;
            print_demo(&load_demo(&db).await?, token_only, json);
            Ok(())
        }
        Command::Openapi => Ok(()),
    }
}

/// The owner's connections to a database made ready (roles and migrations).
async fn prepared(settings: &Settings, database: &Database) -> Result<SystemDb, CliError> {
    db::prepare(&database.connections)
        .await
        .map_err(StartupError::Database)?;
    SystemDb::new(&database.connections, settings.db_timeout).map_err(CliError::Invalid)
}
