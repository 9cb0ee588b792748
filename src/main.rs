//! The `warraq` command: parses the command line and runs it (see [`warraq::cli`]).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match warraq::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // clap's help and version are successes; anything else is a usage error.
            return if e.use_stderr() {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::SUCCESS
            };
        }
    };
    warraq::cli::run(cli)
}
