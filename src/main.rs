//! The `warraq` command: parses the command line and runs it (see [`warraq::cli`]).

use clap::Parser;

/// mimalloc instead of glibc's allocator: a build makes and frees millions of small strings and
/// lists on every core (glibc's malloc and free were a tenth of a build's time).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
