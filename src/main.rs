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
    if matches!(
        cli.command,
        warraq::cli::Command::Build { .. } | warraq::cli::Command::Check { .. }
    ) {
        keep_freed_memory();
        no_huge_pages();
    }
    warraq::cli::run(cli)
}

/// Turns transparent huge pages off for this process. With them, the first touch of each fresh
/// 2 MB of a build's memory made the kernel zero all of it at once: on this project's 2-core
/// virtual machines, a quarter of a 100k edit build's CPU time (`clear_page_erms` under
/// `do_huge_pmd_anonymous_page` in `perf`; the alternating measurements are in
/// `benches/HISTORY.md`, fourteenth session). `build` and `check` only; failing to set it (an old
/// kernel) changes nothing else.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}

/// Tells mimalloc to keep the memory a build frees for a second (instead of 10 ms) before it
/// hands it back to the system: a build frees and allocates again gigabytes (every chunk's
/// analysed words, every page's context and text), and each page handed back was zeroed by the
/// kernel again when reused. Clean 100k builds, alternating pairs: 10 ms 27.5, 27.2, 26.7 s
/// against 1 s 27.3, 25.6, 25.5 s (system time −1.3 s). Never handing memory back was faster
/// still (about a second) but kept what the index stage freed beside what rendering then made:
/// at 500 000 articles, peak 6.37 GB against 6.14 GB. `build` and `check` only: `serve` lives on.
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (include/mimalloc.h); the Rust
    // bindings name no constant for it. In milliseconds.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is allowed at any time; the value is one mimalloc documents.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000) };
}
