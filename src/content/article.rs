//! The loader: walks `content/`, parses every file in parallel, gives each article its URL, and
//! renders the bodies with a resolver that turns links to `.md` files into URLs. All problems of
//! all files are collected; the caller gets either every article or every diagnostic.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::front_matter::{
    self, ArticleKind, ExternalUrl, FrontMatter, RelatedEntry, Source, SourceFile,
};
use super::links::LinkTable;
use super::markdown;
use super::spill::Stored;
use super::store::{Entry, Saving, Stat, Store};
use crate::arabic::bidi::{escape_html, Dir};
use crate::arabic::dates::ArticleDate;
use crate::arabic::normalize::word_count;
use crate::arabic::slug::slugify;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::images::{ImageInfo, Registry};
use crate::routes;

/// One article, loaded and rendered, not yet related to the others. Every article's is held for
/// the whole build (a million at once, in the largest archives): what few articles have (a
/// source, `extra:`, a cover, a dossier) is boxed, so the others pay 8 bytes for it.
#[derive(Debug)]
pub struct Article {
    /// The path shown to users: `content/2025/x.md`.
    pub shown: PathBuf,
    /// The path under `content/` without `.md`: `2025/x` (what `related:` entries name).
    pub id: String,
    pub file: SourceFile,
    pub title: String,
    pub date: ArticleDate,
    pub updated: Option<ArticleDate>,
    /// Tags as written, whitespace tidied.
    pub tags: Vec<String>,
    pub related: Vec<RelatedEntry>,
    pub summary_html: String,
    /// Plain-text summary for `<meta name=description>` and feeds.
    pub description: String,
    pub authors: Vec<String>,
    pub source: Option<Box<Source>>,
    pub lang: Option<String>,
    pub dir: Dir,
    pub draft: bool,
    /// `extra:` (`None` when the front-matter has none).
    pub extra: Option<Box<serde_yaml::Value>>,
    /// The site path, decoded: `/2025/x/`.
    pub path: String,
    /// The rendered body (on disk during a build, see [`spill`](super::spill)).
    pub body: super::spill::Stored,
    /// A hash of the rendered body: what page fingerprints are made of instead of the body
    /// itself, so a page that is kept does not read its body back.
    pub body_hash: u64,
    /// Its headings (on disk during a build, beside the body).
    pub headings: super::spill::Headings,
    /// Indexes of the articles this body links to.
    pub links_to: Vec<usize>,
    /// Plain text of the body (for search and similarity; on disk during a build).
    pub text: super::spill::Stored,
    /// A hash of the plain text: what the search index's document files are fingerprinted by,
    /// so a kept one does not read its text back.
    pub text_hash: u64,
    /// Its analysed words as the article store keeps them (see [`crate::index::terms`]), when
    /// it does: analysing an unchanged article is then reading them back.
    pub analysed: Option<super::spill::Blob>,
    pub word_count: usize,
    /// `type:` (analysis or news).
    pub kind: ArticleKind,
    /// The cover image.
    pub cover: Option<Box<Cover>>,
    /// Every image file the article shows (cover first), for publishing.
    pub images: Vec<Arc<ImageInfo>>,
    /// Names under the keys of the site's own taxonomies (`regions: [الحسكة]`), by key.
    pub own: Vec<(String, Vec<String>)>,
    /// The dossier it belongs to.
    pub series: Option<Box<front_matter::SeriesSpec>>,
}

/// The front-matter keys of the site's own taxonomies.
fn own_keys(config: &Config) -> Vec<&str> {
    config
        .taxonomies
        .iter()
        .filter_map(|t| match &t.field {
            crate::config::TermField::Own(key) => Some(key.as_str()),
            _ => None,
        })
        .collect()
}

/// An article's cover image.
#[derive(Debug, Clone)]
pub struct Cover {
    pub info: Arc<ImageInfo>,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// A parsed but not yet rendered file. Only its front-matter's text is held while every file
/// is parsed (the bodies of a whole archive held at once were most of a build's memory); the
/// file is read again when its body is rendered, and only the front-matter is kept after.
struct Parsed {
    shown: PathBuf,
    /// Where the file is.
    path: PathBuf,
    id: String,
    file: SourceFile,
    fm: FrontMatter,
    /// The file as it was when read, when it can be kept in the store (see [`super::store`]).
    stat: Option<Stat>,
    /// The store's load of this file, when the file has not changed since.
    cached: Option<Entry>,
}

impl Parsed {
    /// A problem of this file at byte `offset` of its text.
    fn problem_at(&self, offset: usize, message: String) -> Diagnostic {
        Diagnostic::at_offset(&self.shown, &self.file.text, offset, message)
    }

    /// The whole text of the file again, for rendering its body.
    fn with_body(mut self: Box<Self>) -> Result<Parsed, Diagnostic> {
        self.file = read_source(&self.shown, &self.path)?;
        Ok(*self)
    }
}

/// What to do about a link or `related:` entry naming a draft.
pub const DRAFT_HINT: &str = "publish it (remove `draft: true`) or remove the reference; `warraq build --drafts` builds drafts too";

/// Reads an article's file and finds its front-matter (`shown` names it in messages).
fn read_source(shown: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| cannot_read(shown, e))?;
    front_matter::split(shown, bytes)
}

fn cannot_read(shown: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(Some(shown), format!("cannot read the file: {e}"))
        .with_hint("check that the file still exists and that its permissions let you read it")
}

/// Bytes read first for a front-matter: front-matters are rarely over 2 KB, articles often 10 KB
/// or more, and their bodies are read again when they are rendered.
const FRONT_PREFIX: usize = 4096;

/// The start of an article's file up to the end of its front-matter, reading only the first
/// [`FRONT_PREFIX`] bytes when they hold it; otherwise (and for every problem, so that messages
/// are those of the whole file) the whole file, as [`read_source`].
fn read_front(shown: &Path, path: &Path) -> Result<SourceFile, Diagnostic> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| cannot_read(shown, e))?;
    let mut bytes = Vec::with_capacity(FRONT_PREFIX);
    (&mut file)
        .take(FRONT_PREFIX as u64)
        .read_to_end(&mut bytes)
        .map_err(|e| cannot_read(shown, e))?;
    if bytes.len() < FRONT_PREFIX {
        // The whole file.
        return front_matter::split(shown, bytes);
    }
    // Whole lines only (and so whole characters): a cut line could pass for the closing `---`.
    if let Some(end) = bytes.iter().rposition(|&b| b == b'\n') {
        bytes.truncate(end + 1);
        if let Ok(front) = front_matter::split(shown, bytes) {
            return Ok(front);
        }
    }
    read_source(shown, path)
}

/// Loads every article under `<root>/content`. Drafts are kept only when `drafts` is true.
/// Rendered bodies go to `spill` when there is one.
pub fn load(
    root: &Path,
    config: &Config,
    drafts: bool,
    spill: Option<&Arc<super::spill::Spill>>,
    progress: &crate::progress::Progress,
) -> Result<Vec<Article>, Vec<Diagnostic>> {
    load_with_store(root, config, drafts, spill, None, progress).map(|(a, _, _)| a)
}

/// [`load`], reusing what `store` kept of files that did not change (and keeping what this
/// load makes there; the store then replaces its index, on a thread of its own). Returns the
/// articles, how many were reused, and the store's writing, to be waited for.
pub fn load_with_store(
    root: &Path,
    config: &Config,
    drafts: bool,
    spill: Option<&Arc<super::spill::Spill>>,
    mut store: Option<Store>,
    progress: &crate::progress::Progress,
) -> Result<(Vec<Article>, usize, Saving), Vec<Diagnostic>> {
    let spill = store.as_ref().map(Store::spill).or(spill).cloned();
    let spill = spill.as_ref();
    let content = root.join("content");
    let (files, misnamed) = find_sources(&content)?;
    let stage = progress.bar("reading", files.len() as u64, "sources");
    let stats: Vec<Option<Stat>> = match store {
        Some(_) => files.par_iter().map(|f| Stat::of(f)).collect(),
        None => vec![None; files.len()],
    };
    let cached: Vec<Option<Entry>> = match store.as_mut() {
        Some(store) => files
            .iter()
            .zip(&stats)
            .map(|(f, stat)| store.take(&id_of(&content, f), *stat))
            .collect(),
        None => files.iter().map(|_| None).collect(),
    };
    // Each parsed article is boxed where it is made (almost a kilobyte: the lists, the sort and
    // the render below move pointers, not articles; at 100 000 articles, moving and sorting them
    // by value was half a second on one core).
    let results: Vec<Result<Box<Parsed>, Diagnostic>> = files
        .par_iter()
        .zip(cached.into_par_iter())
        .zip(stats.into_par_iter())
        .map(|((path, cached), stat)| {
            let parsed = match cached {
                Some(entry) => parse_kept(root, &content, path, config, entry, spill),
                None => parse_one(root, &content, path, config).map(|mut p| {
                    p.stat = stat;
                    p
                }),
            };
            stage.inc();
            parsed.map(Box::new)
        })
        .collect();
    drop(stage);
    let mut diagnostics = misnamed;
    let mut failed = std::collections::HashSet::new();
    // Drafts left out of this build: naming one is an error that says so.
    let mut left_out = std::collections::HashSet::new();
    let mut parsed = Vec::with_capacity(results.len());
    for (r, path) in results.into_iter().zip(&files) {
        match r {
            Ok(p) if p.fm.draft && !drafts => {
                left_out.insert(p.id);
            }
            Ok(p) => parsed.push(p),
            Err(d) => {
                failed.insert(id_of(&content, path));
                diagnostics.push(d);
            }
        }
    }
    // Newest first; ties by id, so every build orders the same way. Each key is made once:
    // comparing through the boxes computed two timestamps and missed the cache at every step.
    parsed.sort_by_cached_key(|p| (std::cmp::Reverse(p.fm.date.sort_key()), p.id.clone()));

    for p in &parsed {
        let drafts_named = p.fm.related.iter().filter_map(|entry| match entry {
            RelatedEntry::Article(id) if left_out.contains(id.as_str()) => Some(id),
            _ => None,
        });
        for id in drafts_named {
            let at = front_matter::locate_value(&p.file, "related", id).unwrap_or(0);
            diagnostics.push(
                p.problem_at(
                    at,
                    format!(
                        "related article `{id}` is a draft (`draft: true`), which is not published"
                    ),
                )
                .with_hint(DRAFT_HINT),
            );
        }
    }
    let (site_paths, by_path) = assign_paths(&parsed, config, &mut diagnostics);
    let by_id: HashMap<String, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.clone(), i))
        .collect();
    let links = LinkTable {
        by_id: &by_id,
        failed: &failed,
        drafts: &left_out,
        by_path: &by_path,
        paths: &site_paths,
        config,
    };
    let images = Registry::new(root, &config.html);
    if let Some(spill) = spill {
        spill.expect(parsed.len());
    }

    let ids: Vec<String> = parsed.iter().map(|p| p.id.clone()).collect();
    let keeping = store.is_some().then_some(&ids[..]);
    let stage = progress.bar("rendering", parsed.len() as u64, "articles");
    let rendered: Vec<Result<Loaded, Diagnostic>> = parsed
        .into_par_iter()
        .zip(site_paths.par_iter())
        .map(|(p, path)| {
            let done = match reuse(p, path, config, &links, &ids, &images, spill) {
                Ok(done) => done,
                Err(p) => {
                    let p = p.with_body()?;
                    render_one(p, path.clone(), config, &links, &images, spill, keeping)
                }
            };
            stage.inc();
            Ok(done)
        })
        .collect();
    drop(stage);
    let mut articles = Vec::with_capacity(rendered.len());
    let mut entries = Vec::new();
    let mut reused = 0;
    for r in rendered {
        match r {
            Ok(Loaded {
                article,
                problems,
                entry,
                reused: was_reused,
            }) => {
                diagnostics.extend(problems);
                if let Some(entry) = entry {
                    entries.push((article.id.clone(), entry));
                }
                reused += usize::from(was_reused);
                articles.push(article);
            }
            Err(d) => diagnostics.push(d),
        }
    }
    // Kept even when other files have problems: each article's load stands on its own, and
    // the build after the fix then reads only what changed.
    let saving = match store {
        Some(store) => store.save_in_background(entries),
        None => Saving::default(),
    };
    if diagnostics.is_empty() {
        Ok((articles, reused, saving))
    } else {
        Err(diagnostics)
    }
}

/// What loading one article gave.
struct Loaded {
    article: Article,
    problems: Vec<Diagnostic>,
    /// What the store keeps of it.
    entry: Option<Entry>,
    /// Whether it came from the store.
    reused: bool,
}

/// The article from the store's load of it, when its body would render the same now: it was
/// rendered for the same site path, and each link it resolved resolves the same way. Otherwise
/// `p` comes back, to be rendered.
fn reuse(
    mut p: Box<Parsed>,
    path: &str,
    config: &Config,
    links: &LinkTable<'_>,
    ids: &[String],
    images: &Registry,
    spill: Option<&Arc<super::spill::Spill>>,
) -> Result<Loaded, Box<Parsed>> {
    let (Some(spill), Some(mut entry)) = (spill, p.cached.take()) else {
        return Err(p);
    };
    if entry.path != path {
        return Err(p);
    }
    for link in &entry.links {
        let same = links.resolve(&p.id, &link.dest).is_ok_and(|now| {
            now.href == link.href && now.target.map(|i| &ids[i]) == link.target.as_ref()
        });
        if !same {
            return Err(p);
        }
    }
    let Some(links_to) = entry
        .links_to
        .iter()
        .map(|id| links.by_id.get(id).copied())
        .collect::<Option<Vec<usize>>>()
    else {
        return Err(p);
    };
    entry.front = p.file.text.to_string();
    let body = Body {
        html: Stored::at(spill, entry.body, entry.body_hash),
        body_hash: entry.body_hash,
        text: Stored::at(spill, entry.text, entry.text_hash),
        text_hash: entry.text_hash,
        first_html: entry.first_html.clone(),
        first_text: entry.first_text.clone(),
        headings: super::spill::Headings::at(spill, entry.headings),
        links_to,
        images: Vec::new(),
        word_count: entry.word_count as usize,
    };
    let (mut article, problems) = assemble(*p, path.to_string(), config, images, body, Vec::new());
    article.analysed = entry
        .terms
        .map(|(place, hash)| super::spill::Blob::at(spill, place, hash));
    Ok(Loaded {
        article,
        problems,
        entry: Some(entry),
        reused: true,
    })
}

/// Gives every parsed article its site path; unusable and duplicate paths are errors.
fn assign_paths(
    parsed: &[Box<Parsed>],
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<String>, HashMap<String, usize>) {
    let mut by_path: HashMap<String, usize> = HashMap::with_capacity(parsed.len());
    let mut site_paths = Vec::with_capacity(parsed.len());
    // Each path on its own, on every thread (slugging the folders and the name); only the
    // search for duplicates is in order.
    let reserved = routes::reserved_first_segments(config);
    let paths: Vec<Result<String, Diagnostic>> =
        parsed.par_iter().map(|p| site_path(p, &reserved)).collect();
    for (i, (p, path)) in parsed.iter().zip(paths).enumerate() {
        match path {
            Ok(path) => {
                if let Some(&first) = by_path.get(&path) {
                    diagnostics.push(duplicate_url(&parsed[first], p, &path));
                } else {
                    by_path.insert(path.clone(), i);
                }
                site_paths.push(path);
            }
            Err(d) => {
                diagnostics.push(d);
                site_paths.push(String::new());
            }
        }
    }
    (site_paths, by_path)
}

/// The id of a source file: its path under `content/` without `.md` (`2025/x`).
fn id_of(content: &Path, path: &Path) -> String {
    crate::diagnostics::display_path(
        &path
            .strip_prefix(content)
            .unwrap_or(path)
            .with_extension(""),
    )
}

/// Every `.md` file under `content/`, sorted, hidden files and folders skipped.
/// Whether a file or folder under content/ is left out of the articles: its name starts with a
/// dot (`.drafts/`, an editor's `.swp`).
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().starts_with(b".")
}

/// The articles' files under `content`, and a problem for each whose name is not UTF-8 (reported
/// with the others' problems; walking a folder that cannot be read is a problem at once).
fn find_sources(content: &Path) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Vec<Diagnostic>> {
    if !content.is_dir() {
        return Ok(Default::default());
    }
    let mut files = Vec::new();
    let mut misnamed = Vec::new();
    let walker = walkdir::WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry =
            entry.map_err(|e| vec![Diagnostic::new(e.path(), format!("cannot read: {e}"))])?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|x| x == "md") {
            // An article's id, URL and every link to it are made from its path, which YAML
            // and markdown (UTF-8 text) could not even write.
            let within = entry.path().strip_prefix(content).unwrap_or(entry.path());
            if within.to_str().is_none() {
                misnamed.push(crate::diagnostics::name_not_utf8(
                    &Path::new("content").join(within),
                    "an article's name becomes its URL, and related entries and links name it in UTF-8",
                ));
                continue;
            }
            files.push(entry.into_path());
        }
    }
    Ok((files, misnamed))
}

fn parse_one(
    root: &Path,
    content: &Path,
    path: &Path,
    config: &Config,
) -> Result<Parsed, Diagnostic> {
    let shown = crate::diagnostics::relative_to(root, path);
    let mut file = read_front(&shown, path)?;
    let own = own_keys(config);
    let fm = front_matter::parse_with(&shown, &file, &own)?;
    file.keep_front_matter();
    let id = id_of(content, path);
    Ok(Parsed {
        shown,
        path: path.to_path_buf(),
        id,
        file,
        fm,
        stat: None,
        cached: None,
    })
}

/// [`parse_one`] for a file the store kept: its front-matter is read from the value kept in
/// `spill` (the store's texts file), or else parsed from the store's copy of its text.
fn parse_kept(
    root: &Path,
    content: &Path,
    path: &Path,
    config: &Config,
    mut entry: Entry,
    spill: Option<&Arc<super::spill::Spill>>,
) -> Result<Parsed, Diagnostic> {
    let shown = crate::diagnostics::relative_to(root, path);
    let front = std::mem::take(&mut entry.front);
    let file = SourceFile {
        body_start: front.len(),
        text: Arc::from(front),
        yaml: entry.yaml.0..entry.yaml.1,
    };
    let kept = entry
        .front_matter
        .zip(spill)
        .and_then(|((place, hash), spill)| super::spill::Blob::at(spill, place, hash).read().ok());
    let fm = match kept.and_then(|bytes| front_matter::Kept(bytes).front_matter()) {
        Some(fm) => fm,
        None => front_matter::parse_with(&shown, &file, &own_keys(config))?,
    };
    Ok(Parsed {
        shown,
        path: path.to_path_buf(),
        id: id_of(content, path),
        file,
        fm,
        stat: Some(entry.stat),
        cached: Some(entry),
    })
}

/// `/<slugified folders>/<slug>/`; the slug is the front-matter `slug` or the file name's.
/// `reserved`: [`routes::reserved_first_segments`], which no article's path may start with.
fn site_path(p: &Parsed, reserved: &[String]) -> Result<String, Diagnostic> {
    let mut parts: Vec<&str> = p.id.split('/').collect();
    let stem = parts.pop().unwrap_or("");
    let folders: Vec<String> = parts
        .into_iter()
        .map(slugify)
        .filter(|s| !s.is_empty())
        .collect();
    let slug = match &p.fm.slug {
        Some(s) => s.0.clone(),
        None => slugify(stem),
    };
    if slug.is_empty() {
        return Err(Diagnostic::new(
            Some(&p.shown),
            format!("the file name `{stem}.md` gives no usable slug"),
        )
        .with_hint("rename the file with letters or digits, or set `slug:` in the front-matter"));
    }
    if slug.len() > MAX_NAME_BYTES {
        let message = format!(
            "this article's slug is {} bytes long; file systems allow at most {MAX_NAME_BYTES} bytes in a file or folder name",
            slug.len()
        );
        let hint = "give the article a shorter `slug:` (about 120 Arabic letters at most)";
        return Err(match p
            .fm
            .slug
            .as_ref()
            .and_then(|_| front_matter::locate_key_value(&p.file, "slug"))
        {
            Some(offset) => p.problem_at(offset, message),
            None => Diagnostic::new(Some(&p.shown), message),
        }
        .with_hint(hint));
    }
    let path = routes::article_path(&folders, &slug);
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    if reserved.iter().any(|r| r == first) {
        let message = if first.contains('.') {
            format!("this article's URL `{path}` collides with `/{first}`, which warraq generates")
        } else {
            format!("this article's URL `{path}` is inside `/{first}/`, which warraq generates")
        };
        // A `slug:` that made it (an article at the top of content/): point at its value.
        let slug_made_it = folders.is_empty() && p.fm.slug.is_some();
        return Err(match slug_made_it
            .then(|| front_matter::locate_key_value(&p.file, "slug"))
            .flatten()
        {
            Some(offset) => p.problem_at(offset, message),
            None => Diagnostic::new(Some(&p.shown), message),
        }
        .with_hint("move the file to another folder, or give it another `slug:`"));
    }
    Ok(path)
}

/// The longest file or folder name (in bytes) common file systems accept.
pub const MAX_NAME_BYTES: usize = 255;

fn duplicate_url(a: &Parsed, b: &Parsed, path: &str) -> Diagnostic {
    // Point at the file whose explicit `slug:` caused the collision; otherwise at the later path.
    let (culprit, other) = match (a.fm.slug.is_some(), b.fm.slug.is_some()) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ if a.id > b.id => (a, b),
        _ => (b, a),
    };
    let message = format!(
        "this article and {} would both be written to `{path}`",
        crate::diagnostics::display_path(&other.shown)
    );
    // With an explicit slug, point at its value; otherwise at the file's first line.
    let text = &culprit.file.text;
    let slug_value = culprit
        .fm
        .slug
        .as_ref()
        .and_then(|_| front_matter::locate_key_value(&culprit.file, "slug"));
    // Two names that look the same: one written with combining marks (as some Macs save
    // names), the other with composed letters (أ, ö); the message would name the same file twice.
    let (one, two) = (
        crate::diagnostics::display_path(&culprit.shown),
        crate::diagnostics::display_path(&other.shown),
    );
    let look_alike = {
        use unicode_normalization::UnicodeNormalization;
        one != two && one.nfc().eq(two.nfc())
    };
    let hint = if look_alike {
        "the two file names look the same but are written differently (one with combining marks, as some Macs save names): keep one of the two files"
    } else {
        "give one of them a different `slug:` or file name"
    };
    match slug_value {
        Some(offset) => Diagnostic::at_offset(&culprit.shown, text, offset, message),
        None => Diagnostic::at(&culprit.shown, text, 1, 1, message),
    }
    .with_hint(hint)
}

/// A rendered body and what rendering it found, as [`assemble`] takes it.
struct Body {
    html: Stored,
    body_hash: u64,
    text: Stored,
    text_hash: u64,
    first_html: String,
    first_text: String,
    headings: super::spill::Headings,
    links_to: Vec<usize>,
    images: Vec<Arc<ImageInfo>>,
    word_count: usize,
}

/// Renders a parsed article's body and makes the article. With `keeping` (every article's id,
/// by index), also what the store keeps of it, when it can be kept.
fn render_one(
    p: Parsed,
    path: String,
    config: &Config,
    links: &LinkTable<'_>,
    images: &Registry,
    spill: Option<&Arc<super::spill::Spill>>,
    keeping: Option<&[String]>,
) -> Loaded {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir =
        p.fm.lang
            .as_ref()
            .map_or(config.direction, |l| Dir::of_language(&l.0));
    let id = p.id.clone();
    // What the body resolved, for the store to check again next time.
    let resolved = std::cell::RefCell::new(Vec::new());
    let resolver = |dest: &str| {
        let r = links.resolve(&id, dest);
        if let (Ok(now), Some(ids)) = (&r, keeping) {
            resolved.borrow_mut().push(super::store::Link {
                dest: dest.to_string(),
                href: now.href.clone(),
                target: now.target.map(|i| ids[i].clone()),
            });
        }
        r
    };
    // Control characters in a body are blanked (same byte length, so positions hold): they
    // would make feeds invalid XML and show as nothing or boxes.
    let body_text = crate::arabic::normalize::blank_controls(p.file.body());
    let shows_images = AtomicBool::new(false);
    let resolve_image = |src: &str| {
        shows_images.store(true, Ordering::Relaxed);
        images.resolve(&id, src)
    };
    let href = |site_path: &str| config.href(site_path);
    let body_images = markdown::BodyImages {
        resolve: &resolve_image,
        href: &href,
    };
    let body =
        markdown::render_with_images(&body_text, dir, &resolver, Some(&body_images), &config.html);
    let diagnostics: Vec<Diagnostic> = body
        .problems
        .iter()
        .map(|problem| {
            let d = p.problem_at(p.file.body_start + problem.offset, problem.message.clone());
            match &problem.hint {
                Some(h) => d.with_hint(h.clone()),
                None => d,
            }
        })
        .collect();
    // The store also keeps the text's analysed words, made once the article is (from its title,
    // tags and summary too).
    let text = keeping.map(|_| body.text.clone());
    let parts = Body {
        body_hash: xxhash_rust::xxh3::xxh3_64(body.html.as_bytes()),
        html: Stored::new(body.html, spill),
        text_hash: xxhash_rust::xxh3::xxh3_64(body.text.as_bytes()),
        word_count: word_count(&body.text),
        text: Stored::new(body.text, spill),
        first_html: body.first_paragraph_html,
        first_text: body.first_paragraph_text,
        headings: super::spill::Headings::new(body.headings, spill),
        links_to: body.links_to,
        images: body.images,
    };
    // What the store keeps: a body without problems or images, both texts in its file, from a
    // file that was not changing.
    // Only what the summary is made of when the front-matter gives none (it gives the same
    // next time: it is parsed from the same text).
    let (first_html, first_text) = match p.fm.summary {
        None => (parts.first_html.clone(), parts.first_text.clone()),
        Some(_) => (String::new(), String::new()),
    };
    let entry = match (
        keeping,
        p.stat,
        parts.html.place(),
        parts.text.place(),
        parts.headings.place(),
        &p.fm.image,
    ) {
        (Some(ids), Some(stat), Some(body_at), Some(text_at), Some(headings), None)
            if diagnostics.is_empty() && !shows_images.load(Ordering::Relaxed) =>
        {
            Some(Entry {
                stat,
                front: p.file.text[..p.file.body_start].to_string(),
                yaml: (p.file.yaml.start, p.file.yaml.end),
                front_matter: front_matter::Kept::of(&p.file, &own_keys(config), &p.fm)
                    .zip(spill)
                    .and_then(|(kept, spill)| super::spill::Blob::new(&kept.0, spill))
                    .map(|blob| blob.place()),
                path: path.clone(),
                body: body_at,
                text: text_at,
                body_hash: parts.body_hash,
                text_hash: parts.text_hash,
                word_count: parts.word_count as u64,
                first_html,
                first_text,
                headings,
                links: resolved.into_inner(),
                links_to: parts.links_to.iter().map(|&i| ids[i].clone()).collect(),
                terms: None,
            })
        }
        _ => None,
    };
    let (mut article, problems) = assemble(p, path, config, images, parts, diagnostics);
    let mut entry = entry.filter(|_| problems.is_empty());
    if let (Some(entry), Some(text), Some(spill)) = (&mut entry, text, spill) {
        let bytes = crate::index::terms::encode_of(&article, &text, config.search);
        article.analysed = super::spill::Blob::new(&bytes, spill);
        entry.terms = article.analysed.as_ref().map(|b| b.place());
    }
    Loaded {
        article,
        problems,
        entry,
        reused: false,
    }
}

/// The article from its front-matter and rendered body; `diagnostics` are the body's problems,
/// returned with the front-matter's.
fn assemble(
    p: Parsed,
    path: String,
    config: &Config,
    images: &Registry,
    body: Body,
    mut diagnostics: Vec<Diagnostic>,
) -> (Article, Vec<Diagnostic>) {
    let dir =
        p.fm.lang
            .as_ref()
            .map_or(config.direction, |l| Dir::of_language(&l.0));
    let (mut summary_html, mut description) = match &p.fm.summary {
        Some(s) => (
            ["<p>", &escape_html(s.trim()), "</p>"].concat(),
            s.trim().to_string(),
        ),
        // The first paragraph is shown on other pages too: its in-page links must name this page.
        None => (
            crate::url::anchors_to(&body.first_html, &config.href(&path)),
            body.first_text,
        ),
    };
    // Both are held for every article until the end of the build: no room to spare (a string
    // grown by doubling, as `format!` grows one, may hold up to twice its bytes).
    summary_html.shrink_to_fit();
    description.shrink_to_fit();
    let tags = tidy_tags(&p.fm.tags);
    let cover = p.fm.image.as_ref().and_then(|spec| {
        let at = || {
            front_matter::locate_value(&p.file, "image", &spec.src)
                .or_else(|| front_matter::locate_value(&p.file, "image", ""))
                .unwrap_or(0)
        };
        let problem = |message: String, hint: Option<String>| {
            let d = p.problem_at(at(), message);
            match hint {
                Some(h) => d.with_hint(h),
                None => d,
            }
        };
        match images.resolve(&p.id, &spec.src) {
            Ok(Some(info)) => Some(Cover {
                info,
                alt: spec.alt.clone(),
                caption: spec.caption.clone(),
                credit: spec.credit.clone(),
            }),
            Ok(None) => {
                diagnostics.push(problem(
                    format!("the cover image `{}` is on another site", spec.src),
                    Some("save the image beside the article: warraq needs its size and makes its variants".into()),
                ));
                None
            }
            Err((message, hint)) => {
                diagnostics.push(problem(message, hint));
                None
            }
        }
    });
    // A revision before publication is a typo in one of the two dates (often the year); feeds
    // and search engines would show the article as changed before it appeared.
    // A bare day is compared as a day: `updated: 2025-01-01` after `date: 2025-01-01T10:00+03:00`
    // is the same day, not midnight before it.
    let earlier = |u: &ArticleDate| match (u.instant, p.fm.date.instant) {
        (Some(u), Some(d)) => u < d,
        _ => u.day < p.fm.date.day,
    };
    if let Some(updated) = p.fm.updated.filter(earlier) {
        let at = front_matter::locate_key_value(&p.file, "updated").unwrap_or(0);
        diagnostics.push(
            p.problem_at(
                at,
                format!("`updated` ({updated}) is earlier than `date` ({})", p.fm.date),
            )
            .with_hint("`updated` is when the article was last revised, so it cannot come before it was published; correct one of the two dates"),
        );
    }
    // `extra:` goes to templates as it is: data they cannot take (a list as a key) is an error
    // here, where the file is at hand, not while its page renders.
    if let Some(extra) = p.fm.extra.as_ref().filter(|e| !e.is_null()) {
        if let Err(e) = tera::Value::try_from_serializable(extra) {
            let at = front_matter::locate_value(&p.file, "extra", "").unwrap_or(0);
            diagnostics.push(
                p.problem_at(
                    at,
                    format!("the values of `extra:` cannot be given to templates: {e}"),
                )
                .with_hint("`extra:` maps need text or number keys"),
            );
        }
    }
    let mut article_images: Vec<Arc<ImageInfo>> = cover.iter().map(|c| c.info.clone()).collect();
    for i in &body.images {
        if !article_images.iter().any(|j| Arc::ptr_eq(i, j)) {
            article_images.push(i.clone());
        }
    }
    let article = Article {
        shown: p.shown,
        id: p.id,
        title: p.fm.title.0,
        date: p.fm.date,
        updated: p.fm.updated,
        tags,
        related: p.fm.related,
        summary_html,
        description,
        authors: p.fm.author.0,
        source: p.fm.source.map(Box::new),
        lang: p.fm.lang.map(|l| l.0),
        dir,
        draft: p.fm.draft,
        extra: p.fm.extra.filter(|e| !e.is_null()).map(Box::new),
        path,
        body_hash: body.body_hash,
        body: body.html,
        headings: body.headings,
        links_to: body.links_to,
        text_hash: body.text_hash,
        text: body.text,
        analysed: None,
        word_count: body.word_count,
        kind: p.fm.kind,
        series: p.fm.series.clone().map(Box::new),
        own: p
            .fm
            .own
            .iter()
            .map(|(k, v)| (k.clone(), tidy_tags(v)))
            .collect(),
        cover: cover.map(Box::new),
        images: article_images,
        // Every problem of the body is found by now; what comes later points into the front-matter.
        file: {
            let mut file = p.file;
            file.keep_front_matter();
            file
        },
    };
    (article, diagnostics)
}

/// `serve`'s fast path: re-reads article `i` after an edit. Returns the new article when the
/// edit leaves the archive's structure intact: the same date, names of every taxonomy (tags,
/// authors, source name, the site's own), related entries, slug, language, draft flag and
/// outgoing article links (so no order, taxonomy page, URL or backlink changes). The title,
/// summary, source URL, `updated`, `extra` and body may change. `None` asks for
/// a full rebuild (including when the file now has an error, which the full rebuild reports).
pub fn reload_body(
    root: &Path,
    config: &Config,
    articles: &[Article],
    i: usize,
) -> Option<Article> {
    let old = articles.get(i)?;
    let source = root.join(&old.shown);
    let file = read_source(&old.shown, &source).ok()?;
    let fm = front_matter::parse_with(&old.shown, &file, &own_keys(config)).ok()?;
    let same_structure = fm.date == old.date
        && tidy_tags(&fm.tags) == old.tags
        && fm.related == old.related
        && fm.author.0 == old.authors
        && fm.series.as_ref() == old.series.as_deref()
        && fm.source.as_ref().map(|x| &x.name) == old.source.as_ref().map(|x| &x.name)
        && fm
            .own
            .iter()
            .map(|(k, v)| (k.clone(), tidy_tags(v)))
            .eq(old.own.iter().cloned())
        && fm.lang.as_ref().map(|l| &l.0) == old.lang.as_ref()
        && fm.draft == old.draft;
    if !same_structure {
        return None;
    }
    let parsed = Parsed {
        shown: old.shown.clone(),
        path: source,
        id: old.id.clone(),
        file,
        fm,
        stat: None,
        cached: None,
    };
    if site_path(&parsed, &routes::reserved_first_segments(config)).ok()? != old.path {
        return None;
    }
    let by_id: HashMap<String, usize> = articles
        .iter()
        .enumerate()
        .map(|(j, a)| (a.id.clone(), j))
        .collect();
    let by_path: HashMap<String, usize> = articles
        .iter()
        .enumerate()
        .map(|(j, a)| (a.path.clone(), j))
        .collect();
    let paths: Vec<String> = articles.iter().map(|a| a.path.clone()).collect();
    // None known here: a link to either is a problem, and the full rebuild then names it.
    let none = std::collections::HashSet::new();
    let links = LinkTable {
        by_id: &by_id,
        failed: &none,
        drafts: &none,
        by_path: &by_path,
        paths: &paths,
        config,
    };
    let images = Registry::new(root, &config.html);
    let Loaded {
        article, problems, ..
    } = render_one(
        parsed,
        old.path.clone(),
        config,
        &links,
        &images,
        None,
        None,
    );
    // New images need publishing: a full rebuild does it.
    let same_images = article.images.len() == old.images.len()
        && article
            .images
            .iter()
            .zip(&old.images)
            .all(|(a, b)| a.stem == b.stem);
    (problems.is_empty() && article.links_to == old.links_to && same_images).then_some(article)
}

/// Tags as written, with runs of whitespace tidied and empty ones dropped.
fn tidy_tags(tags: &[String]) -> Vec<String> {
    tags.iter()
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty())
        .collect()
}

/// A declared related link as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalRelated {
    pub title: String,
    pub url: Option<String>,
    pub domain: Option<String>,
}

impl ExternalRelated {
    /// From a front-matter entry.
    pub fn new(title: &str, url: Option<&ExternalUrl>) -> Self {
        ExternalRelated {
            title: title.to_string(),
            url: url.map(|u| u.0.clone()),
            domain: url.and_then(|u| u.domain()).map(str::to_string),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_article_costs_few_bytes_beyond_its_text() {
        // 832 bytes before the parts few articles have were boxed.
        assert!(
            std::mem::size_of::<super::Article>() <= 640,
            "{}",
            std::mem::size_of::<super::Article>()
        );
    }
}
