use std::process::ExitCode;

use clap::Parser;
use mantelmonitor::cli::{Cli, Command, run};
use mantelmonitor::config::Settings;
use mantelmonitor::telemetry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("mantelmonitor: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mantelmonitor: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve { demo: false });
    match runtime.block_on(run(command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mantelmonitor: {e}");
            ExitCode::FAILURE
        }
    }
}
