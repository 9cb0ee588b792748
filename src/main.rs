//! warraq: a static-site generator for Arabic news-analysis archives.

mod arabic;
mod check;
mod cli;
mod config;
mod content;
mod diagnostics;
mod index;
mod output;
mod pipeline;
mod render;
mod routes;
mod scaffold;
mod serve;
mod url;
mod yaml;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = match cli::Cli::try_parse() {
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
    cli::run(cli)
}
