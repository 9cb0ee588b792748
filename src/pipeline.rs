//! The build, stage by stage: config → load → index → templates → render + write. `build`,
//! `check` and `serve` all go through [`load_site`]; they differ in where the output goes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tera::Tera;

use crate::config::Config;
use crate::content::article;
use crate::diagnostics::Diagnostic;
pub use crate::diagnostics::Failure;
use crate::index::Site;
use crate::output::Staging;
use crate::progress::{Counting, Progress};
use crate::render::{templates, Renderer};
use crate::routes::Route;

/// Options shared by the commands that build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Replace a published site that has articles with one that has none (`--allow-empty`).
    pub allow_empty: bool,
    /// Progress shown while building (on a terminal, without `--quiet`).
    pub progress: Progress,
    /// Reuse nothing of the previous output (`--clean`): render and write every file.
    pub clean: bool,
    /// Where rendered bodies wait for their pages (see [`crate::content::spill`]); `None`
    /// keeps them in memory (`serve`).
    pub spill_in: Option<PathBuf>,
    /// Keep what loading each article made between builds, in `.warraq-cache/articles/` (see
    /// [`crate::content::store`]), and reuse it for files that did not change (`build`).
    pub store: bool,
    /// Keep every article's analysed words once the indexes are built (`serve`'s model rebuilds
    /// the search index from them after an edit); otherwise they are let go a chunk at a time.
    pub keep_terms: bool,
}

/// A loaded, indexed site with its compiled templates.
pub struct Loaded {
    pub site: Site,
    pub tera: Tera,
    pub templates: templates::Sources,
    pub root: PathBuf,
    /// The article store being written while the build goes on (waited for when dropped).
    pub saving: crate::content::store::Saving,
}

/// Timings of a build, for `--verbose` output and the performance notes.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub load: f64,
    /// Articles whose load was reused from the store (of `articles`).
    pub reused: usize,
    pub articles: usize,
    pub index: f64,
    /// Parts of `index`: analysing every article's words, similar articles.
    pub index_parts: crate::index::IndexTimes,
    /// Building the search index (part of `render`, which writes it).
    pub search: f64,
    /// The search index's lists were kept from the previous output (their inputs did not
    /// change, see [`crate::index::memo`]).
    pub search_kept: bool,
    /// The search index was patched for this many documents whose words changed (0: kept or
    /// made whole, see [`crate::search::patch`]).
    pub search_patched: usize,
    /// Encoding and publishing image variants (part of `render`).
    pub images: f64,
    pub render: f64,
    pub commit: f64,
    /// Memory in use after each stage (name, bytes in use then, peak so far), where the system
    /// says (`-v` shows it).
    pub memory: Vec<(&'static str, u64, u64)>,
}

impl Timings {
    /// Notes the memory in use at the end of `stage`.
    pub fn mark(&mut self, stage: &'static str) {
        if let Some((now, peak)) = crate::progress::memory() {
            self.memory.push((stage, now, peak));
        }
    }
}

/// Reads and indexes a site; every problem of every file is returned together.
pub fn load_site(root: &Path, options: &BuildOptions) -> Result<(Loaded, Timings), Failure> {
    let misnamed = check_layout(root, true)?;
    let config = load_config(root, options)?;
    load_with(root, config, misnamed, options, &mut None, None)
}

/// `site.yaml`, with `--base-url` applied.
fn load_config(root: &Path, options: &BuildOptions) -> Result<Config, Failure> {
    let mut config = Config::load(root).map_err(Failure::Site)?;
    if let Some(base) = &options.base_url {
        config.set_base_url(base).map_err(Failure::Usage)?;
    }
    Ok(config)
}

/// [`load_site`] once the layout is checked (its warnings: `layout_warnings`, which join the
/// site's) and the settings read. `kept` receives the article store's file of texts, when the
/// store is used (to tell afterwards whether it was damaged). `output` is the folder the build
/// publishes to, whose search index a memo of the same folder may patch.
fn load_with(
    root: &Path,
    mut config: Config,
    layout_warnings: Vec<Diagnostic>,
    options: &BuildOptions,
    kept: &mut Option<std::sync::Arc<crate::content::spill::Spill>>,
    output: Option<&Path>,
) -> Result<(Loaded, Timings), Failure> {
    let mut timings = Timings::default();
    let start = Instant::now();
    let tera = templates::load(root, &config);
    // The bodies' anchors keep out of the ids the templates write; being part of the settings,
    // they are part of the article store's salt, so a template that adds one renders again.
    if let Ok((_, sources)) = &tera {
        config.html.page_ids = templates::page_ids(sources);
    }
    let store = options
        .store
        .then(|| {
            crate::content::store::Store::open(
                &crate::content::store::dir_of(root),
                crate::content::store::salt(&config),
                options.clean,
            )
        })
        .flatten();
    *kept = store.as_ref().map(|s| s.spill().clone());
    // Texts go to the store's file; without a store, to an anonymous one; without a usable
    // folder they stay in memory: slower to nothing, only bigger.
    let spill = options
        .spill_in
        .as_ref()
        .filter(|_| store.is_none())
        .and_then(|dir| crate::content::spill::Spill::new_in(dir).ok());
    let articles = article::load_with_store(
        root,
        &config,
        options.drafts,
        spill.as_ref(),
        store,
        &options.progress,
    )
    .map(|(articles, reused, saving)| {
        timings.reused = reused;
        timings.articles = articles.len();
        (articles, saving)
    });
    let ((tera, template_sources), (articles, saving)) = match (tera, articles) {
        (Ok(t), Ok(a)) => (t, a),
        (t, a) => {
            let mut all = Vec::new();
            if let Err(d) = a {
                all.extend(d);
            }
            if let Err(d) = t {
                all.extend(d);
            }
            return Err(Failure::Site(all));
        }
    };
    timings.load = start.elapsed().as_secs_f64();
    timings.mark("load");
    let start = Instant::now();
    // What the previous build's index stage made, for a build that keeps things between builds.
    let memo = (options.store && !options.clean)
        .then(|| {
            crate::index::memo::Memo::load_with_vectors(
                &crate::index::memo::path(root),
                &crate::index::memo::vectors_path(root),
            )
        })
        .flatten()
        .map(|mut memo| {
            // A search index written to another folder (`--output`) is not this output's.
            let elsewhere = |s: &crate::index::memo::SearchMemo| output != Some(s.output.as_path());
            if memo.search.as_ref().is_some_and(elsewhere) {
                memo.search = None;
            }
            memo
        });
    let mut site = Site::build(
        config,
        articles,
        options.keep_terms,
        memo.as_ref(),
        &options.progress,
    )
    .map_err(Failure::Site)?;
    drop(memo);
    site.warnings.extend(layout_warnings);
    timings.index = start.elapsed().as_secs_f64();
    timings.index_parts = site.times;
    timings.mark("index");
    Ok((
        Loaded {
            site,
            tera,
            templates: template_sources,
            root: root.to_path_buf(),
            saving,
        },
        timings,
    ))
}

/// Refuses a root that holds no site, and site folders that are not folders: building those
/// would publish an empty site over the previous one (exit 2, nothing written).
/// `walk`: also walk every source folder (a build with nothing new skips it: its own walk of the
/// sources fails on the same problems, and then the full build reports them).
/// With `walk`, returns a warning for each file in content/ that looks meant as an article but
/// is not read as one ([`misnamed`]).
fn check_layout(root: &Path, walk: bool) -> Result<Vec<Diagnostic>, Failure> {
    let usage = |message: String, hint: &str| {
        Failure::Usage(Diagnostic::new(None, message).with_hint(hint))
    };
    if !root.is_dir() {
        return Err(usage(
            format!("`{}` is not a folder", root.display()),
            "give the site folder with --root",
        ));
    }
    if let Some(none) = no_site(
        root,
        "run `warraq init` to create a site here, or point --root at one",
    ) {
        return Err(none);
    }
    let mut outside = Vec::new();
    let mut misnamed = Vec::new();
    for sub in ["content", "templates", "static", "data", "series"] {
        let path = root.join(sub);
        match std::fs::metadata(&path) {
            Ok(m) if !m.is_dir() => {
                return Err(usage(
                    format!("`{}` exists but is not a folder", path.display()),
                    "rename or remove that file; warraq expects a folder of that name",
                ))
            }
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(usage(
                    format!("cannot read `{}`: {e}", path.display()),
                    "check the folder's permissions",
                ))
            }
            _ => {}
        }
        if walk {
            let articles = (sub == "content").then_some(&mut misnamed);
            walk_cleanly(root, &path, &mut outside, articles)?;
        }
    }
    if !outside.is_empty() {
        return Err(Failure::Site(outside));
    }
    for (name, _) in templates::DEFAULTS {
        let path = root.join("templates").join(name);
        if path.symlink_metadata().is_ok() && !path.is_file() {
            return Err(usage(
                format!("`{}` is not a file", path.display()),
                "a template must be a file; remove or rename that folder (or broken link)",
            ));
        }
    }
    misnamed.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(misnamed)
}

/// The usage error (exit 2) for a folder `root` that holds no site: neither content/ nor
/// site.yaml; `hint` says what to do from the command that met it.
pub fn no_site(root: &Path, hint: &str) -> Option<Failure> {
    let holds = root.join("content").exists() || root.join("site.yaml").exists();
    (!holds).then(|| {
        Failure::Usage(
            Diagnostic::new(
                None,
                format!(
                    "`{}` holds no site: it has neither content/ nor site.yaml",
                    root.display()
                ),
            )
            .with_hint(hint),
        )
    })
}

/// Walks a source folder of the site at `root` (following links, as the loaders do) and turns
/// the first problem — a symlink loop, an unreadable folder — into a usage error naming the path
/// (exit 2). Every symbolic link inside it that leads out of both the site and the folder (where
/// the folder itself is a link: `content` → `/srv/articles`) is added to `outside`: a link to
/// `/etc/passwd` or `~/.ssh` in a contributed change would otherwise be read, shown in errors
/// and published. For content/, `misnamed` receives a warning for each [misnamed] article.
fn walk_cleanly(
    root: &Path,
    dir: &Path,
    outside: &mut Vec<Diagnostic>,
    mut misnamed: Option<&mut Vec<Diagnostic>>,
) -> Result<(), Failure> {
    if !dir.is_dir() {
        return Ok(());
    }
    let within = [root, dir].map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()));
    let mut entries = walkdir::WalkDir::new(dir).follow_links(true).into_iter();
    while let Some(entry) = entries.next() {
        if let Some(d) = entry
            .as_ref()
            .ok()
            .and_then(|e| link_out_of(root, &within, e))
        {
            outside.push(d);
            // What it names is not walked either (a link to `/` would be the whole disk).
            if entry.as_ref().is_ok_and(|e| e.file_type().is_dir()) {
                entries.skip_current_dir();
            }
        }
        if let (Some(found), Ok(entry)) = (misnamed.as_deref_mut(), &entry) {
            found.extend(misnamed_article(root, entry));
        }
        if let Err(e) = entry {
            let path = e
                .path()
                .map_or_else(|| dir.display().to_string(), |p| p.display().to_string());
            let why = if e.loop_ancestor().is_some() {
                "it is a symbolic link that loops back to a folder containing it".to_string()
            } else {
                e.io_error()
                    .map_or_else(|| e.to_string(), |io| io.to_string())
            };
            return Err(Failure::Usage(
                Diagnostic::new(None, format!("cannot read `{path}`: {why}"))
                    .with_hint("remove the link or fix the folder's permissions"),
            ));
        }
    }
    Ok(())
}

/// The warning for a file in content/ that an editor meant as an article but that is not read
/// as one: its name ends in `.MD`, `.Md`, `.markdown` or `.mdown` instead of `.md` (a build
/// that silently left it out looked like a successful build without the article). Hidden
/// files and folders are left out by the loader, and here.
fn misnamed_article(root: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let name = entry.file_name().to_str()?;
    let (stem, extension) = name.rsplit_once('.')?;
    let meant = ["md", "markdown", "mdown", "mkd"]
        .iter()
        .any(|m| extension.eq_ignore_ascii_case(m));
    if extension == "md" || !meant || stem.is_empty() || !entry.file_type().is_file() {
        return None;
    }
    let hidden = entry
        .path()
        .strip_prefix(root.join("content"))
        .ok()?
        .components()
        .any(|c| article::is_hidden(c.as_os_str()));
    if hidden {
        return None;
    }
    let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
    Some(
        Diagnostic::new(
            Some(shown),
            format!("this file is not read as an article: articles are files whose names end in `.md` (lower case), and this one ends in `.{extension}`"),
        )
        .with_hint(format!("rename it to `{stem}.md` to publish it, or move it out of content/")),
    )
}

/// The error for `entry` when it is a symbolic link that leads out of every folder of `within`.
fn link_out_of(root: &Path, within: &[PathBuf], entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    if entry.depth() == 0 || !entry.path_is_symlink() {
        return None;
    }
    let target = std::fs::canonicalize(entry.path()).ok()?;
    if within.iter().any(|w| target.starts_with(w)) {
        return None;
    }
    let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
    Some(
        Diagnostic::new(
            Some(shown),
            format!(
                "this symbolic link leads to `{}`, outside the site: it is neither read nor published",
                target.display()
            ),
        )
        .with_hint("copy what it names into the site, or link to something inside the site's folder"),
    )
}

/// Renders every page of a loaded site into a staging folder (static files and the search
/// index and image variants included); returns what it wrote and how long images and the search
/// index took (each before the pages: running them at once saved nothing on two busy cores and
/// made each one's own time unmeasurable).
///
/// The search index's lists are let go once it is written, before every article's list form is
/// made for the pages: the two were the largest things a build held, and were held together.
pub fn render_into(
    loaded: &mut Loaded,
    staging: &Staging,
    progress: &Progress,
) -> Result<Written, Failure> {
    let pages = loaded.site.pages();
    // A static file a page replaces is not copied at all: written and then written over, it
    // was two writes of one file in one build, which an update in place could not apply twice.
    let own_static = crate::output::site_static(&loaded.root)?;
    let (hidden, in_the_way) = static_clashes(&loaded.site, &pages, &own_static);
    if !in_the_way.is_empty() {
        return Err(Failure::Site(in_the_way));
    }
    staging.copy_static(own_static, &hidden)?;
    loaded
        .site
        .warnings
        .extend(hidden.iter().map(|k| hidden_warning(k)));
    let images = loaded.site.images();
    let variants: usize = images.iter().map(|i| i.variants().len()).sum();
    let start = Instant::now();
    let stage = match variants {
        0 => crate::progress::Stage::none(),
        n => progress.bar("images", n as u64, "variants"),
    };
    let images = write_images(loaded, &Counting::new(staging, &stage))?;
    drop(stage);
    let images_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let stage = progress.stage("writing the search index");
    let search_written = write_search(&loaded.site, &Counting::new(staging, &stage))?;
    drop(stage);
    let search = start.elapsed().as_secs_f64();
    let search_memory = crate::progress::memory();
    if let Some(postings) = loaded.site.postings.take() {
        let_go(postings);
    }
    let renderer = Renderer::new(&loaded.site, &loaded.tera, &loaded.templates);
    let stage = progress.files(pages.len() as u64);
    let pages = renderer.render_into(&pages, &Counting::new(staging, &stage))?;
    drop(stage);
    let rendered = renderer.rendered();
    let_go(renderer.into_summaries());
    Ok(Written {
        pages,
        rendered,
        search,
        search_memory,
        images,
        images_secs,
        search_index: search_written,
    })
}

/// How the site's static files (`own`: output path, file) meet the pages, in one pass over the pages'
/// files (none when the site has no static files):
/// - the files a page replaces (`static/robots.txt`, `static/index.html`): the page is what is
///   published, and [`hidden_warning`] says so;
/// - an error for each file that is where a page needs a folder (`static/2025/a1` beside the
///   article `/2025/a1/`, `static/tags/x` beside the tag `x`): the page could not be written
///   (the build stopped on "Not a directory").
fn static_clashes(
    site: &Site,
    pages: &[crate::index::Page],
    own: &[(String, std::path::PathBuf)],
) -> (Vec<String>, Vec<Diagnostic>) {
    // Pages are HTML and XML files and robots.txt, in folders whose names have no `.` (slugs
    // drop punctuation): only such static files can clash, and most sites have none (a
    // stylesheet, images), so the pages' files are not listed at all.
    let could_clash = |k: &&str| {
        k.ends_with(".html")
            || k.ends_with(".xml")
            || *k == "robots.txt"
            || !k.rsplit('/').next().unwrap_or(k).contains('.')
    };
    let own: std::collections::HashSet<&str> = own
        .iter()
        .map(|(key, _)| key.as_str())
        .filter(could_clash)
        .collect();
    if own.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut hidden: Vec<String> = Vec::new();
    let mut in_the_way: Vec<(String, String)> = Vec::new();
    for &page in pages {
        let file = site.route(page).file();
        let mut at = 0;
        while let Some(slash) = file[at..].find('/') {
            let folder = &file[..at + slash];
            if own.contains(folder) && !in_the_way.iter().any(|(k, _)| k == folder) {
                in_the_way.push((folder.to_string(), file.clone()));
            }
            at += slash + 1;
        }
        if own.contains(file.as_str()) {
            hidden.push(file);
        }
    }
    hidden.sort();
    hidden.dedup();
    in_the_way.sort();
    let errors = in_the_way
        .into_iter()
        .map(|(key, file)| {
            Diagnostic::new(
                Some(&Path::new("static").join(&key)),
                format!("this file is where warraq makes the folder `/{key}/`, for `/{file}`"),
            )
            .with_hint("rename or move the file (a page's URL cannot also be a file)")
        })
        .collect();
    (hidden, errors)
}

/// The warning for a static file a page replaces (output path `key`).
fn hidden_warning(key: &str) -> Diagnostic {
    Diagnostic::new(
        Some(&Path::new("static").join(key)),
        format!("this file is not published: warraq writes `/{key}` itself, over it"),
    )
    .with_hint("to change that page, override its template in templates/ (README: Templates); otherwise move or remove the file")
}

/// What [`render_into`] wrote.
pub struct Written {
    pub pages: usize,
    /// Of those, how many were rendered (the others were kept from the previous output).
    pub rendered: usize,
    /// Seconds the search index took.
    pub search: f64,
    /// Memory in use and peak so far once the search index was written.
    pub search_memory: Option<(u64, u64)>,
    pub images: crate::images::Produced,
    /// Seconds the image variants took (encoding and publishing).
    pub images_secs: f64,
    /// The search index's files but the fragments, and what the next build needs to keep or
    /// patch them ([`crate::index::memo`]).
    pub search_index: SearchWritten,
}

/// Publishes every image the articles use, encoding the variants missing from the cache.
pub fn write_images(
    loaded: &Loaded,
    sink: &dyn crate::render::Sink,
) -> Result<crate::images::Produced, Failure> {
    let images = loaded.site.images();
    let files: Vec<String> = images
        .iter()
        .flat_map(|i| i.variants().into_iter().map(|v| v.file))
        .collect();
    sink.prepare(&files)?;
    crate::images::produce(&images, &loaded.root, sink)
}

/// Writes the search index (nothing when `search: false`); returns its list files and
/// meta.json, and whether they were all kept from the previous output.
pub fn write_search(
    site: &crate::index::Site,
    sink: &dyn crate::render::Sink,
) -> Result<SearchWritten, Failure> {
    if site.config.search {
        let (files, kept, shape, patched) = crate::search::write(site, sink)?;
        return Ok(SearchWritten {
            files,
            kept,
            shape,
            patched,
        });
    }
    Ok(SearchWritten::default())
}

/// What [`write_search`] wrote.
#[derive(Default)]
pub struct SearchWritten {
    /// The index's list files and meta.json (what the next build may keep).
    pub files: Vec<String>,
    /// Whether they were all kept from the previous output.
    pub kept: bool,
    /// What the next build needs to patch them.
    pub shape: Option<crate::search::index::Shape>,
    /// For how many documents the previous index was patched (0: kept or made whole).
    pub patched: usize,
}

/// Frees `value` on a thread of its own. Freeing a whole archive's articles and values, one
/// allocation at a time, took the end of a 100 000-article build a second and a half on one
/// core while nothing else was left to do; the build's result does not wait for it (and a
/// process that exits right after gives everything back at once).
fn let_go<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

/// Summary of a finished build.
pub struct Built {
    /// Problems that did not stop the build (a gap in a dossier's parts).
    pub warnings: Vec<Diagnostic>,
    /// `base_url` has no scheme and host (feeds and sitemap cannot be absolute).
    pub relative_base: bool,
    pub articles: usize,
    pub pages: usize,
    /// Pages rendered (the others were kept: what they are made from did not change).
    pub rendered: usize,
    /// Image variants encoded now and reused from the cache.
    pub images: crate::images::Produced,
    /// Files of the output written, kept unchanged (linked from the previous output with their
    /// modification time) and removed.
    pub files: crate::output::manifest::Counts,
    pub output: PathBuf,
    pub timings: Timings,
    /// Nothing the build reads changed since the output was made: nothing was done.
    pub nothing_changed: bool,
}

/// A path made absolute with its `.` and `..` resolved as written (the folder need not exist).
fn lexical(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuses an output inside one of the folders a build reads (`--output static/site`): every
/// build would read the previous output back as sources (static files copied into the output
/// again, one level deeper each time). Exit 2, nothing written.
fn refuse_output_in_sources(root: &Path, output: &Path) -> Result<(), Failure> {
    let out = lexical(output);
    let site = lexical(root);
    let real = |p: &Path| std::fs::canonicalize(p).ok();
    let holds_site = site.starts_with(&out)
        || real(root).is_some_and(|r| real(output).is_some_and(|o| r.starts_with(o)));
    if holds_site {
        return Err(Failure::Usage(
            Diagnostic::new(
                None,
                format!(
                    "the output folder `{}` is the site's own folder or holds it: a build would replace the site with its output",
                    output.display()
                ),
            )
            .with_hint("give --output (or `output:` in site.yaml) a folder of its own, such as public/ (the default) or ../site-html"),
        ));
    }
    for folder in crate::inputs::FOLDERS {
        let source = lexical(&root.join(folder));
        if out.starts_with(&source) || real(&root.join(folder)).is_some_and(|r| out.starts_with(r))
        {
            return Err(Failure::Usage(
                Diagnostic::new(
                    None,
                    format!(
                        "the output folder `{}` is inside the site's `{folder}/`, which every build reads: the site would be read back as its own sources",
                        output.display()
                    ),
                )
                .with_hint("give --output (or `output:` in site.yaml) a folder outside content/, templates/, static/, series/ and data/; the default is public/"),
            ));
        }
    }
    Ok(())
}

/// `warraq build`: load, render into a temporary folder, and swap it in. When nothing the build
/// reads changed since the build that made the output, and the output is intact, nothing is done.
///
/// A build that fails because a text the article store kept no longer reads back as it was kept
/// (its bytes changed on disk, its file was cut short) is made again at once with the store
/// started afresh, reading every article from its source: the store is the build's own copy of
/// what the sources say, and a damaged copy is no reason to fail the editor's build. A warning
/// says so.
pub fn build(root: &Path, output: Option<&Path>, options: &BuildOptions) -> Result<Built, Failure> {
    let mut kept = None;
    match build_once(root, output, options, &mut kept) {
        Err(_) if kept.as_ref().is_some_and(|k| k.damaged()) => {
            drop(kept);
            crate::content::store::forget(&crate::content::store::dir_of(root));
            let mut built = build_once(root, output, options, &mut None)?;
            built.warnings.push(
                Diagnostic::new(
                    None,
                    "the article store in .warraq-cache/articles was damaged (a kept text no longer read back as it was kept), so this build read every article from its source",
                )
                .with_hint("nothing to do: the store was made afresh; if this happens again, check the disk"),
            );
            Ok(built)
        }
        built => built,
    }
}

/// [`build`], once; `kept` receives the article store's file of texts, when the store is used.
fn build_once(
    root: &Path,
    output: Option<&Path>,
    options: &BuildOptions,
    kept: &mut Option<std::sync::Arc<crate::content::spill::Spill>>,
) -> Result<Built, Failure> {
    check_layout(root, false)?;
    // Taken before anything is read: an edit made during this build makes the next one run.
    let inputs = crate::inputs::settled(root, options.drafts, options.base_url.as_deref());
    let config = load_config(root, options)?;
    let output = match output {
        Some(o) => o.to_path_buf(),
        None => root.join(&config.output),
    };
    // An output that is a symbolic link (`public` → `/var/www/site`, as web servers are often
    // set up) is built where it points: the folder it names is replaced and the link stays.
    // Replacing the link itself emptied that folder, and the server kept serving it.
    let output = match std::fs::symlink_metadata(&output) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(&output).unwrap_or(output),
        _ => output,
    };
    refuse_output_in_sources(root, &output)?;
    let mut manifest =
        crate::output::manifest::Manifest::load(crate::output::manifest::path_for(root, &output));
    if options.clean {
        manifest.forget();
    }
    if let (Some(inputs), Some(made)) = (inputs, manifest.previous()) {
        if made.inputs == inputs && output.join(crate::output::MARKER).is_file() {
            let stage = options
                .progress
                .stage("comparing the output with its manifest");
            if manifest.output_intact(&output) {
                drop(stage);
                crate::output::tidy(&output);
                return Ok(Built {
                    warnings: Vec::new(),
                    relative_base: config.base.origin.is_none(),
                    articles: made.articles,
                    pages: made.pages,
                    rendered: 0,
                    images: Default::default(),
                    files: crate::output::manifest::Counts {
                        written: 0,
                        unchanged: manifest.previous_files(),
                        removed: 0,
                    },
                    output,
                    timings: Timings::default(),
                    nothing_changed: true,
                });
            }
        }
    }
    let lock = crate::output::lock(&output)?;
    let stage = options.progress.stage("looking through the sources");
    let misnamed = check_layout(root, true)?;
    drop(stage);
    let (mut loaded, mut timings) =
        load_with(root, config, misnamed, options, kept, Some(&output))?;
    // The similar vectors are written while the pages render (tens of megabytes at 100 000
    // articles, which the rest of the build then does not hold).
    let vectors = loaded.site.similar_vectors.take().filter(|_| options.store);
    let vectors_path = crate::index::memo::vectors_path(root);
    let writing_vectors = Joined(vectors.map(|kept| {
        std::thread::spawn(move || crate::index::memo::save_vectors(&vectors_path, &kept))
    }));
    let published = crate::output::published_articles(&output);
    if loaded.site.articles.is_empty() && published > 0 && !options.allow_empty {
        return Err(Failure::Usage(
            Diagnostic::new(
                None,
                format!(
                    "this build has no articles and would replace `{}`, which has {published}",
                    output.display()
                ),
            )
            .with_hint("check content/ (and --drafts); to publish an empty site on purpose, run `warraq build --allow-empty`"),
        ));
    }
    let start = Instant::now();
    let mut staging = Staging::with_manifest(&output, manifest, lock)?;
    let written = render_into(&mut loaded, &staging, &options.progress)?;
    timings.render = start.elapsed().as_secs_f64();
    if let Some((now, peak)) = written.search_memory {
        timings.memory.push(("search index", now, peak));
    }
    timings.mark("render");
    timings.search = written.search;
    timings.search_kept = written.search_index.kept;
    timings.search_patched = written.search_index.patched;
    timings.images = written.images_secs;
    let pages = written.pages;
    if let (Some(inputs), true) = (inputs, loaded.site.warnings.is_empty()) {
        staging.set_made(crate::output::manifest::Made {
            inputs,
            articles: loaded.site.articles.len(),
            pages,
        });
    }
    let start = Instant::now();
    // The previous memo goes before the output is swapped and the new one is saved after: a
    // build stopped between the two leaves none (a memo of another output would only fail to
    // keep its files: each is checked against the output's manifest).
    let memo_path = crate::index::memo::path(root);
    crate::index::memo::Memo::forget(&memo_path);
    let files = staging.commit(loaded.site.articles.len())?;
    if options.store {
        let site = &loaded.site;
        let similar = site.related.iter().map(|r| r.similar.as_slice());
        let trace = site.similar_trace.clone();
        let search = written.search_index.shape.map(|shape| {
            crate::index::memo::SearchMemo::of(
                site.keys.search_frame,
                &site.articles,
                &site.word_numbers,
                shape,
                &output,
            )
        });
        crate::index::memo::Memo::new(
            site.keys,
            similar,
            trace,
            written.search_index.files,
            search,
        )
        .save(&memo_path);
    }
    drop(writing_vectors);
    timings.commit = start.elapsed().as_secs_f64();
    let warnings = std::mem::take(&mut loaded.site.warnings);
    let relative_base = loaded.site.config.base.origin.is_none();
    let articles = loaded.site.articles.len();
    // The next build reads the store: it is written before this one ends.
    loaded.saving.finish();
    let_go(loaded);
    Ok(Built {
        warnings,
        relative_base,
        articles,
        pages,
        rendered: written.rendered,
        images: written.images,
        files,
        output,
        timings,
        nothing_changed: false,
    })
}

/// A thread that is waited for when this is dropped (on every path out of a build, failures
/// included: a file half written when the process exits would be left behind).
struct Joined(Option<std::thread::JoinHandle<()>>);

impl Drop for Joined {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            let _ = thread.join();
        }
    }
}

/// `warraq check`: builds the site into a temporary folder (public/ is not touched) and checks it,
/// or checks an existing folder of HTML when `site` is given. The temporary folder is removed on
/// every path, failures included.
pub fn check(
    root: &Path,
    site: Option<&Path>,
    options: &BuildOptions,
    external: bool,
) -> Result<(String, crate::check::Outcome), Failure> {
    use crate::check::{self, ExternalCheck, Sources};
    let io = |e: std::io::Error| {
        Failure::Usage(Diagnostic::new(None, format!("cannot read the site: {e}")))
    };
    if let Some(site) = site {
        if !site.is_dir() {
            return Err(Failure::Usage(Diagnostic::new(
                None,
                format!("`{}` is not a folder", site.display()),
            )));
        }
        let config = if root.join("site.yaml").is_file() {
            Config::load(root).map_err(Failure::Site)?
        } else {
            Config::default()
        };
        let ext = external.then(|| ExternalCheck {
            config: &config.check,
            cache: Some(check::external::cache_path(root)),
        });
        let outcome =
            check::check(site, &config.base, &Sources::new(), ext.as_ref()).map_err(io)?;
        if outcome.pages == 0 {
            // A mistyped folder (`--site dist` for public/) would otherwise pass CI with nothing
            // checked.
            return Err(Failure::Usage(
                Diagnostic::new(
                    None,
                    format!(
                        "`{}` holds no HTML page: there is nothing to check",
                        site.display()
                    ),
                )
                .with_hint("point --site at the folder `warraq build` wrote (public/ by default), or build first"),
            ));
        }
        return Ok((site.display().to_string(), outcome));
    }
    let (mut loaded, _) = load_site(root, options)?;
    let temp = tempfile::Builder::new()
        .prefix("warraq-check-")
        .tempdir()
        .map_err(|e| {
            Failure::Usage(Diagnostic::new(
                None,
                format!("cannot create a temporary folder: {e}"),
            ))
        })?;
    let staging = Staging::new(&temp.path().join("site"))?;
    render_into(&mut loaded, &staging, &Progress::hidden())?;
    let config = &loaded.site.config;
    let sources: Sources = loaded
        .site
        .articles
        .iter()
        .map(|a| {
            (
                Route::Article { path: &a.path }.file(),
                (
                    crate::diagnostics::display_path(&a.shown),
                    root.join(&a.shown),
                ),
            )
        })
        .collect();
    let ext = external.then(|| ExternalCheck {
        config: &config.check,
        cache: Some(check::external::cache_path(root)),
    });
    let outcome = check::check(staging.path(), &config.base, &sources, ext.as_ref()).map_err(io)?;
    Ok((String::new(), outcome))
}
