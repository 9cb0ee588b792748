//! The command line: clap definitions, and turning results into output and exit codes
//! (0 success; 1 the content or the site has errors; 2 usage or I/O trouble).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diagnostics::{self, Diagnostic};
use crate::pipeline::{self, BuildOptions, Failure};
use crate::scaffold;

#[derive(Debug, Parser)]
#[command(
    name = "warraq",
    version,
    about = "Build a right-to-left Arabic news-analysis archive from markdown",
    long_about = "warraq (وَرّاق) reads articles (markdown with YAML front-matter) from content/, renders \
right-to-left HTML through Tera templates, and builds the indexes of an analysis archive: tags, related \
articles, writers, sources, dossiers, date archives, feeds and an Arabic-aware search that runs in the \
browser without a server. `warraq check` verifies the result for CI.",
    after_help = "Examples:\n  warraq init my-archive\n  cd my-archive && warraq new \"عنوان المقال\" --tags \"سوريا, داعش\"\n  warraq build\n  warraq build --root site --output /var/www/archive --base-url https://example.org/"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into public/ (replaced only when the build succeeds)
    #[command(
        after_help = "Examples:\n  warraq build\n  warraq build --drafts --output /tmp/preview\n  warraq build --base-url https://example.org/archive/"
    )]
    Build {
        /// The site folder (holding content/, and optionally site.yaml, templates/, static/)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: `output` in site.yaml, else public/ under the root)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include articles marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Override `base_url` from site.yaml
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Print the time each stage took
        #[arg(long, short)]
        verbose: bool,
        /// Allow an empty site to replace a published one that has articles
        #[arg(long)]
        allow_empty: bool,
        /// Print nothing but errors (no progress, no summary)
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Reuse nothing of the previous build: render and write every file again
        #[arg(long)]
        clean: bool,
    },
    /// Check that every internal link, anchor and asset of the built site resolves
    #[command(
        after_help = "Examples:\n  warraq check                      # builds into a temporary folder, public/ untouched\n  warraq check --site public        # checks an existing folder of HTML\n  warraq check --format json > report.json\n  warraq check --external          # also request every external link\n\nExit codes: 0 every link resolves; 1 broken links or content errors; 2 usage or I/O trouble."
    )]
    Check {
        /// The site folder (its site.yaml gives base_url)
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check this folder of built HTML instead of building the site
        #[arg(long, value_name = "DIR")]
        site: Option<PathBuf>,
        /// Report format: human (stderr) or json (stdout, stable schema)
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Include drafts in the build that is checked
        #[arg(long)]
        drafts: bool,
        /// Also request every external http(s) link (settings under `check:` in site.yaml)
        #[arg(long)]
        external: bool,
        /// Print nothing when every link resolves; problems are still reported (human format)
        #[arg(short, long)]
        quiet: bool,
    },
    /// Preview the site: build in memory, serve it, rebuild and reload on every change
    #[command(
        after_help = "Examples:\n  warraq serve\n  warraq serve --port 8080 --drafts\n  warraq serve --bind 0.0.0.0     # reachable from other machines: only when asked\n\nOpen pages reload by themselves after each edit; content errors are shown in the page until fixed."
    )]
    Serve {
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on (loopback unless another is given explicitly)
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port (0 picks a free one)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include drafts
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new article in content/
    #[command(
        after_help = "Examples:\n  warraq new \"عودة داعش إلى البادية\"\n  warraq new \"قراءة في خطاب النبأ\" --tags \"داعش, النبأ\" --dir 2025"
    )]
    New {
        /// The article's title; its slug becomes the file name
        title: String,
        /// Comma-separated tags (`,` or the Arabic `،`)
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
        /// Sub-folder of content/ (default: the current year)
        #[arg(long)]
        dir: Option<String>,
        /// The site folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site: site.yaml, content/ with a first article, static/
    #[command(after_help = "Examples:\n  warraq init\n  warraq init my-archive")]
    Init {
        /// The folder to create the site in (default: the current folder)
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let result = match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            base_url,
            verbose,
            allow_empty,
            quiet,
            clean,
        } => build(
            &root,
            output.as_deref(),
            BuildOptions {
                drafts,
                base_url,
                allow_empty,
                progress: crate::progress::Progress::new(quiet),
                clean,
                spill_in: Some(root.join(".warraq-cache")),
                store: true,
                keep_terms: false,
            },
            verbose,
            quiet,
        ),
        Command::Check {
            root,
            site,
            format,
            drafts,
            external,
            quiet,
        } => {
            let options = BuildOptions {
                drafts,
                base_url: None,
                allow_empty: true,
                spill_in: Some(std::env::temp_dir()),
                ..BuildOptions::default()
            };
            match check(&root, site.as_deref(), &options, external, format, quiet) {
                Ok(code) => return code,
                Err(failure) => Err(failure),
            }
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts,
        } => crate::serve::serve(crate::serve::ServeOptions {
            root,
            bind,
            port,
            build: BuildOptions {
                drafts,
                base_url: None,
                allow_empty: true,
                ..BuildOptions::default()
            },
            color,
        }),
        Command::New {
            title,
            tags,
            dir,
            root,
        } => scaffold::new_article(&root, &title, &tags, dir.as_deref()).map(|path| {
            eprintln!("created {}", diagnostics::display_path(&path));
        }),
        Command::Init { dir } => scaffold::init(&dir).map(|()| {
            eprintln!(
                "created a new site in {}; next: cd into it, run `warraq serve` and open http://127.0.0.1:1111/ to preview as you write; `warraq build` writes public/",
                dir.display()
            );
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(failure, color),
    }
}

/// `warraq build`.
fn build(
    root: &Path,
    output: Option<&Path>,
    options: BuildOptions,
    verbose: bool,
    quiet: bool,
) -> Result<(), Failure> {
    let built = pipeline::build(root, output, &options)?;
    if quiet {
        return Ok(());
    }
    for w in &built.warnings {
        match &w.hint {
            Some(hint) => eprintln!("warning: {}\n  help: {hint}", w.headline()),
            None => eprintln!("warning: {}", w.headline()),
        }
    }
    let files = built.files;
    if built.nothing_changed {
        eprintln!(
            "nothing changed since the last build of {} ({}, {}): 0 files written, {} unchanged",
            built.output.display(),
            counted(built.articles, "article"),
            counted(built.pages, "page"),
            files.unchanged
        );
    } else {
        eprintln!(
            "built {} into {} in {}: {} written, {} unchanged, {} removed",
            counted(built.articles, "article"),
            counted(built.pages, "page"),
            built.output.display(),
            counted(files.written, "file"),
            files.unchanged,
            files.removed
        );
    }
    let images = built.images;
    if images.encoded + images.reused > 0 {
        eprintln!(
            "images: {} encoded, {} reused from .warraq-cache/images",
            counted(images.encoded, "variant"),
            images.reused
        );
    }
    if built.relative_base {
        eprintln!("note: base_url is a path, so the sitemap and feeds carry relative links; set an absolute base_url (https://…) when publishing");
    }
    if verbose && !built.nothing_changed {
        let t = &built.timings;
        eprintln!(
            "  load {:.3}s, index {:.3}s (words {:.3}s, similar {:.3}s), render+write {:.3}s (images {:.3}s, search index {:.3}s), swap {:.3}s",
            t.load, t.index, t.index_parts.words, t.index_parts.similar, t.render, t.images, t.search, t.commit
        );
        if !t.memory.is_empty() {
            let mb = |b: u64| b.div_ceil(1 << 20);
            let stages: Vec<String> = t
                .memory
                .iter()
                .map(|(stage, now, peak)| {
                    format!("{stage} {} MB (peak {} MB)", mb(*now), mb(*peak))
                })
                .collect();
            eprintln!("  memory after {}", stages.join(", "));
        }
        eprintln!(
            "  {} of {} articles read and rendered, the others kept in .warraq-cache/articles",
            t.articles - t.reused,
            t.articles
        );
        eprintln!(
            "  {} of {} pages rendered, the others unchanged since the previous build",
            built.rendered, built.pages
        );
        let reused = match (t.index_parts.similar_kept, t.search_kept) {
            (true, true) => Some("similar lists and search index"),
            (true, false) => Some("similar lists"),
            (false, true) => Some("search index"),
            (false, false) => None,
        };
        if let Some(what) = reused {
            eprintln!(
                "  {what} kept from the previous build: what they are made from did not change"
            );
        }
        if t.search_patched > 0 {
            eprintln!(
                "  search index patched for the {} documents whose words changed",
                t.search_patched
            );
        }
        if let Some(read) = t.index_parts.vectors_read {
            eprintln!(
                "  similar vectors made again for {read} of {} articles, the others the previous build's",
                t.articles
            );
        }
        let scored = t.index_parts.similar_scored;
        if !t.index_parts.similar_kept && scored < t.articles {
            eprintln!(
                "  {scored} of {} similar lists scored again, the others the previous build's: \
                 the edit cannot reach them",
                t.articles
            );
        }
    }
    Ok(())
}

/// `n` and `noun`, plural unless `n` is one: "1 file", "0 files", "2 files".
fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `warraq check`: the report, and exit 1 when anything is broken.
fn check(
    root: &Path,
    site: Option<&Path>,
    options: &BuildOptions,
    external: bool,
    format: Format,
    quiet: bool,
) -> Result<ExitCode, Failure> {
    let (name, outcome) = match pipeline::check(root, site, options, external) {
        Ok(checked) => checked,
        Err(failure) => {
            if format == Format::Json {
                let shown = site.map(|s| s.display().to_string());
                println!(
                    "{}",
                    crate::check::report::json_failure(shown.as_deref(), &failure)
                );
            }
            return Err(failure);
        }
    };
    match format {
        Format::Json => println!("{}", crate::check::report::json(&name, &outcome)),
        // Quiet: a check that passes says nothing (its exit code says it); one that fails says
        // everything it would have said.
        Format::Human if quiet && outcome.problems.is_empty() => {}
        Format::Human => eprintln!("{}", crate::check::report::human(&name, &outcome)),
    }
    Ok(if outcome.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Prints every diagnostic of a failure and gives its exit code.
pub fn report(failure: Failure, color: bool) -> ExitCode {
    match failure {
        Failure::Site(mut all) => {
            diagnostics::sort(&mut all);
            for d in &all {
                eprintln!("{}", d.render(color));
            }
            eprintln!(
                "error: {} found; nothing was written",
                counted(all.len(), "problem")
            );
            ExitCode::from(1)
        }
        Failure::Usage(d) => {
            print_usage_error(&d, color);
            ExitCode::from(2)
        }
    }
}

fn print_usage_error(d: &Diagnostic, color: bool) {
    eprintln!("{}", d.render(color));
}
