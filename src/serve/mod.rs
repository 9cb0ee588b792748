//! `warraq serve`: live preview for editors. The site is built in memory by the same stages as
//! `build` (nothing is written to disk, `public/` included), served over HTTP on loopback by
//! default, and rebuilt when `content/`, `templates/`, `static/` or `site.yaml` change (debounced
//! file-system events). Open pages reload through a small script injected only into served HTML,
//! listening to server-sent events. While the site has errors, every page shows them as an
//! overlay; the server never exits on a content error and recovers when the files are fixed.

mod http;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::diagnostics::{self, Diagnostic};
use crate::pipeline::{self, BuildOptions, Failure};

/// The site as served: output paths → bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// What the server shows right now.
#[derive(Default)]
pub struct Live {
    pub files: Files,
    /// The overlay to show on every page while the site has errors.
    pub errors: Option<Vec<Diagnostic>>,
    /// Bumped by every rebuild; clients reload when it changes.
    pub generation: u64,
}

/// State shared between the watcher and the request threads.
pub struct Shared {
    pub live: RwLock<Live>,
    /// One sender per open event stream.
    pub listeners: Mutex<Vec<mpsc::Sender<u64>>>,
}

impl Shared {
    /// Changes what is served, bumps the generation and tells every open page.
    fn change(&self, apply: impl FnOnce(&mut Live)) -> u64 {
        let generation = {
            let Ok(mut live) = self.live.write() else {
                return 0;
            };
            apply(&mut live);
            live.generation += 1;
            live.generation
        };
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.retain(|tx| tx.send(generation).is_ok());
        }
        generation
    }

    /// Replaces some files (an incremental update); the site has no errors.
    fn update(&self, changed: Vec<(String, Vec<u8>)>) -> u64 {
        self.change(|live| {
            live.files.extend(
                changed
                    .into_iter()
                    .map(|(path, bytes)| (path, Arc::new(bytes))),
            );
            live.errors = None;
        })
    }

    /// Publishes a full rebuild: new files, or errors to show over the last good ones.
    fn publish(&self, files: Option<Files>, errors: Option<Vec<Diagnostic>>) -> u64 {
        self.change(|live| {
            if let Some(files) = files {
                live.files = files;
            }
            live.errors = errors;
        })
    }
}

/// Options of `warraq serve`.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub build: BuildOptions,
}

/// What an incremental update needs from the last full build.
pub struct Model {
    loaded: pipeline::Loaded,
    summaries: Vec<tera::Value>,
}

/// Builds the whole site in memory.
pub fn build_in_memory(
    root: &Path,
    options: &BuildOptions,
) -> Result<(Files, Model), Vec<Diagnostic>> {
    let (loaded, _) = pipeline::load_site(root, options).map_err(failure_diagnostics)?;
    let files = Mutex::new(Files::new());
    for (name, bytes) in crate::output::static_files(root).map_err(|d| vec![d])? {
        if let Ok(mut f) = files.lock() {
            f.insert(name, Arc::new(bytes));
        }
    }
    let renderer =
        crate::render::Renderer::new(&loaded.site, &loaded.tera, loaded.templates.clone());
    let errors = renderer.render_all(
        |_| Ok(()),
        |path, bytes| {
            if let Ok(mut f) = files.lock() {
                f.insert(path.to_string(), Arc::new(bytes.to_vec()));
            }
            Ok(())
        },
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    let summaries = renderer.into_summaries();
    let files = files
        .into_inner()
        .map_err(|_| vec![Diagnostic::new(None, "internal error: poisoned lock")])?;
    Ok((files, Model { loaded, summaries }))
}

/// Applies edits of articles `changed` without a full rebuild: each is re-read and, if the edit
/// keeps the archive's structure (see [`reload_body`](crate::content::article::reload_body)),
/// only the pages showing it are re-rendered. `None` asks for a full rebuild (the model's
/// articles are only replaced once every edit qualified).
fn update_incrementally(model: &mut Model, changed: &[usize]) -> Option<Vec<(String, Vec<u8>)>> {
    let site = &model.loaded.site;
    let root = &model.loaded.root;
    let mut fresh = Vec::with_capacity(changed.len());
    for &i in changed {
        fresh.push((
            i,
            crate::content::article::reload_body(root, &site.config, &site.articles, i)?,
        ));
    }
    let site = &mut model.loaded.site;
    for (i, article) in fresh {
        site.articles[i] = article;
        model.summaries[i] = crate::render::context::summary_value(site, i);
    }
    let site = &model.loaded.site;
    let renderer = crate::render::Renderer::with_summaries(
        site,
        &model.loaded.tera,
        model.loaded.templates.clone(),
        std::mem::take(&mut model.summaries),
    );
    let mut pages: Vec<crate::render::Page> = Vec::new();
    for page in changed.iter().flat_map(|&i| renderer.pages_showing(i)) {
        if !pages.contains(&page) {
            pages.push(page);
        }
    }
    let rendered: Result<Vec<(String, Vec<u8>)>, Diagnostic> = pages
        .iter()
        .map(|p| {
            renderer
                .render(p)
                .map(|html| (renderer.output_path(p), html.into_bytes()))
        })
        .collect();
    model.summaries = renderer.into_summaries();
    rendered.ok()
}

fn failure_diagnostics(f: Failure) -> Vec<Diagnostic> {
    match f {
        Failure::Site(d) => d,
        Failure::Usage(d) => vec![d],
    }
}

/// Runs the server until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), Failure> {
    if !options.root.is_dir() {
        return Err(Failure::Usage(Diagnostic::new(
            None,
            format!("`{}` is not a folder", options.root.display()),
        )));
    }
    let server = tiny_http::Server::http((options.bind, options.port)).map_err(|e| {
        Failure::Usage(
            Diagnostic::new(
                None,
                format!("cannot listen on {}:{}: {e}", options.bind, options.port),
            )
            .with_hint("choose another port with --port, or stop the program using this one"),
        )
    })?;
    let address = server
        .server_addr()
        .to_ip()
        .map(|a| a.to_string())
        .unwrap_or_default();
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} — reachable from other machines",
            options.bind
        );
    }
    let shared = Arc::new(Shared {
        live: RwLock::new(Live::default()),
        listeners: Mutex::new(Vec::new()),
    });
    let model = rebuild(&shared, &options.root, &options.build);
    eprintln!("serving on http://{address}/ (Ctrl-C to stop)");

    let watcher_shared = Arc::clone(&shared);
    let root = options.root.clone();
    let build = options.build.clone();
    std::thread::spawn(move || watch(&root, &build, &watcher_shared, model));

    for request in server.incoming_requests() {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || http::respond(request, &shared));
    }
    Ok(())
}

/// Rebuilds and publishes the result (files, or errors shown as an overlay).
fn rebuild(shared: &Shared, root: &Path, options: &BuildOptions) -> Option<Model> {
    let start = Instant::now();
    match build_in_memory(root, options) {
        Ok((files, model)) => {
            let pages = files.len();
            let generation = shared.publish(Some(files), None);
            eprintln!(
                "built {pages} files in {} ms (generation {generation})",
                start.elapsed().as_millis()
            );
            Some(model)
        }
        Err(mut errors) => {
            diagnostics::sort(&mut errors);
            for d in &errors {
                eprintln!("{}", d.render(false));
            }
            eprintln!(
                "{} problem(s); the browser shows them until they are fixed",
                errors.len()
            );
            shared.publish(None, Some(errors));
            None
        }
    }
}

/// Whether a changed path can affect the site.
fn is_relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let Some(first) = rel.components().next() else {
        return false;
    };
    let first = first.as_os_str().to_string_lossy();
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Editors' swap and backup files are not content.
    if name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
    {
        return false;
    }
    matches!(
        first.as_ref(),
        "content" | "templates" | "static" | "site.yaml"
    )
}

/// Quiet time after the last change before rebuilding, so one save (often several events)
/// triggers one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// Watches the site and rebuilds on every change. Access events are ignored: a rebuild reads
/// every source file and would otherwise trigger itself.
fn watch(root: &Path, options: &BuildOptions, shared: &Shared, mut model: Option<Model>) {
    use notify::{EventKind, RecursiveMode, Watcher};
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("warning: cannot watch files ({e}); restart the server after editing");
            return;
        }
    };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let watch_all = |watcher: &mut notify::RecommendedWatcher| {
        for sub in ["content", "templates", "static"] {
            let dir = root.join(sub);
            if dir.is_dir() {
                let _ = watcher.watch(&dir, RecursiveMode::Recursive);
            }
        }
        // The root itself, not recursively: site.yaml, and source folders created later.
        let _ = watcher.watch(&root, RecursiveMode::NonRecursive);
    };
    watch_all(&mut watcher);
    let relevant = |event: &notify::Event| {
        !matches!(event.kind, EventKind::Access(_) | EventKind::Other)
            && event.paths.iter().any(|p| is_relevant(&root, p))
    };
    while let Ok(event) = rx.recv() {
        let Ok(first) = event else { continue };
        if !relevant(&first) {
            continue;
        }
        // Gather what follows within the debounce window; the time reported starts after it.
        let mut events = vec![first];
        while let Ok(next) = rx.recv_timeout(DEBOUNCE) {
            events.extend(next.ok().filter(relevant));
        }
        let start = Instant::now();
        if let Some(changed) = model
            .as_ref()
            .and_then(|m| edited_articles(m, &root, &events))
        {
            if let Some(pages) = model
                .as_mut()
                .and_then(|m| update_incrementally(m, &changed))
            {
                let n = pages.len();
                let generation = shared.update(pages);
                eprintln!(
                    "updated {n} pages in {} ms (generation {generation})",
                    start.elapsed().as_millis()
                );
                continue;
            }
        }
        watch_all(&mut watcher);
        model = rebuild(shared, &root, options);
    }
}

/// The articles whose source files these events touched, when that is all they did (nothing
/// removed, no path other than an existing article's; editors that save by writing a new file
/// and renaming it produce create events on the article's path, which count as edits);
/// `None` otherwise.
fn edited_articles(model: &Model, root: &Path, events: &[notify::Event]) -> Option<Vec<usize>> {
    use notify::EventKind;
    let by_file: HashMap<PathBuf, usize> = model
        .loaded
        .site
        .articles
        .iter()
        .enumerate()
        .map(|(i, a)| (root.join(&a.shown), i))
        .collect();
    let mut changed = Vec::new();
    for event in events {
        if matches!(event.kind, EventKind::Remove(_)) {
            return None;
        }
        for path in &event.paths {
            let i = *by_file.get(path)?;
            if !changed.contains(&i) {
                changed.push(i);
            }
        }
    }
    (!changed.is_empty()).then_some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_sources_trigger_rebuilds() {
        let root = Path::new("/s");
        assert!(is_relevant(root, Path::new("/s/content/2025/a.md")));
        assert!(is_relevant(root, Path::new("/s/site.yaml")));
        assert!(is_relevant(root, Path::new("/s/templates/base.html")));
        assert!(!is_relevant(root, Path::new("/s/public/index.html")));
        assert!(!is_relevant(root, Path::new("/s/content/.a.md.swp")));
        assert!(!is_relevant(root, Path::new("/s/content/a.md~")));
        assert!(!is_relevant(root, Path::new("/elsewhere/content/a.md")));
    }
}
