//! Watching the site's sources and turning file-system events into updates. Editors save in
//! many ways: in place, or by writing a temporary file and renaming it over the article (gedit,
//! JetBrains, `sed -i`, Emacs, npm write-file-atomic, Python `os.replace`), sometimes after
//! moving the old file to a backup name. What counts is the state of the files once the events
//! settle: an article that still exists was edited (incremental); temporary and backup names
//! that are gone, or are not `.md`, are ignored; anything else (a new or deleted article, a
//! folder, templates, static files, `site.yaml`) rebuilds the whole site in memory.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};

use super::model::{self, Model};
use super::{ServeOptions, Shared};
use crate::diagnostics::{self, display_path, Diagnostic};

/// Quiet time after the last change before acting, so one save (often several events) is
/// handled once.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// A file-system watcher started before the first build, and its events.
pub struct Watcher {
    inner: Option<notify::RecommendedWatcher>,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
}

impl Watcher {
    pub fn start(root: &Path) -> Watcher {
        let (tx, events) = mpsc::channel();
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let inner = match notify::recommended_watcher(tx) {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!("warning: cannot watch files ({e}); restart the server after editing");
                None
            }
        };
        let mut watcher = Watcher {
            inner,
            events,
            root,
        };
        watcher.watch_all();
        watcher
    }

    /// (Re)registers the source folders; folders created later are picked up on rebuilds.
    fn watch_all(&mut self) {
        let Some(w) = self.inner.as_mut() else { return };
        for sub in crate::inputs::FOLDERS {
            let dir = self.root.join(sub);
            if dir.is_dir() {
                let _ = w.watch(&dir, RecursiveMode::Recursive);
            }
        }
        // The root itself, not recursively: site.yaml, and source folders created later.
        let _ = w.watch(&self.root, RecursiveMode::NonRecursive);
    }

    /// The paths of the next batch of relevant events (blocks; `None` when watching ended).
    fn next_batch(&self) -> Option<Vec<PathBuf>> {
        let relevant = |e: &notify::Event| {
            !matches!(e.kind, EventKind::Access(_) | EventKind::Other)
                && e.paths.iter().any(|p| is_relevant(&self.root, p))
        };
        loop {
            let first = self.events.recv().ok()?;
            let Ok(first) = first else { continue };
            if !relevant(&first) {
                continue;
            }
            let mut paths = first.paths;
            while let Ok(next) = self.events.recv_timeout(DEBOUNCE) {
                if let Some(e) = next.ok().filter(relevant) {
                    paths.extend(e.paths);
                }
            }
            paths.retain(|p| is_relevant(&self.root, p));
            paths.sort();
            paths.dedup();
            return Some(paths);
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
    first == crate::inputs::SETTINGS || crate::inputs::FOLDERS.contains(&first.as_ref())
}

/// What a batch of changed paths asks for.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// Only temporary files came and went.
    Nothing,
    /// These articles were edited (re-read them; incremental when their structure is kept).
    Edit(Vec<usize>),
    /// Rebuild everything, because of this path.
    Full(PathBuf),
}

fn plan(model: Option<&Model>, root: &Path, paths: &[PathBuf]) -> Plan {
    let mut edited = Vec::new();
    for path in paths {
        let in_content = path.strip_prefix(root.join("content")).is_ok();
        let is_md = path.extension().is_some_and(|e| e == "md");
        let exists = path.exists();
        let Some(model) = model else {
            return Plan::Full(path.clone());
        };
        if !in_content || path.is_dir() {
            return Plan::Full(path.clone());
        }
        match model.article_at(root, path) {
            Some(i) if exists => edited.push(i),
            Some(_) => return Plan::Full(path.clone()), // deleted or renamed away
            None if is_md && exists => return Plan::Full(path.clone()), // a new article
            // A folder that was removed or renamed away, holding articles.
            None if !exists
                && model
                    .loaded
                    .site
                    .articles
                    .iter()
                    .any(|a| root.join(&a.shown).starts_with(path)) =>
            {
                return Plan::Full(path.clone())
            }
            // An image beside the articles (new, replaced or deleted): its variants change.
            None if crate::images::is_image_path(path) => return Plan::Full(path.clone()),
            None => {} // a temporary or backup file of an editor's save
        }
    }
    edited.sort_unstable();
    edited.dedup();
    if edited.is_empty() {
        Plan::Nothing
    } else {
        Plan::Edit(edited)
    }
}

/// Prints diagnostics as `build` does.
pub fn report(errors: &[Diagnostic], color: bool) {
    let mut errors = errors.to_vec();
    diagnostics::sort(&mut errors);
    for d in &errors {
        eprintln!("{}", d.render(color));
    }
    eprintln!(
        "{} problem(s); the browser shows them until they are fixed",
        errors.len()
    );
}

/// Handles changes until the watcher ends.
pub fn run(
    mut watcher: Watcher,
    options: &ServeOptions,
    shared: &Shared,
    mut model: Option<Model>,
) {
    let root = watcher.root.clone();
    while let Some(paths) = watcher.next_batch() {
        let shown = |p: &Path| display_path(p.strip_prefix(&root).unwrap_or(p));
        let names: Vec<String> = paths.iter().map(|p| shown(p)).collect();
        let start = Instant::now();
        match plan(model.as_ref(), &root, &paths) {
            Plan::Nothing => continue,
            Plan::Edit(articles) => {
                if let Some(m) = model.as_mut() {
                    if let Some(files) = m.update(&articles) {
                        let (generation, n) = shared.update(files, Vec::new());
                        eprintln!(
                            "updated {n} pages in {} ms after {} changed (generation {generation})",
                            start.elapsed().as_millis(),
                            names.join(", ")
                        );
                        refresh_similar(m, shared);
                        continue;
                    }
                }
                eprintln!("{} changed: rebuilding…", names.join(", "));
            }
            Plan::Full(path) => eprintln!("{} changed: rebuilding…", shown(&path)),
        }
        watcher.watch_all();
        model = rebuild(shared, options);
    }
}

/// Brings similar lists up to date after an incremental edit (a second, smaller update).
fn refresh_similar(model: &mut Model, shared: &Shared) {
    let start = Instant::now();
    if let Some(refresh) = model.refresh_similar() {
        let (generation, n) = shared.update(refresh.files, refresh.removed);
        if n > 0 {
            eprintln!(
                "similar lists and search: updated {n} files in {} ms (generation {generation})",
                start.elapsed().as_millis()
            );
        }
    }
}

/// Rebuilds and publishes the result (files, or errors shown as an overlay).
fn rebuild(shared: &Shared, options: &ServeOptions) -> Option<Model> {
    let start = Instant::now();
    match model::build_in_memory(&options.root, &options.build) {
        Ok((files, model)) => {
            let pages = files.len();
            let generation = shared.publish(Some(files), None);
            eprintln!(
                "built {pages} files in {} ms (generation {generation})",
                start.elapsed().as_millis()
            );
            Some(model)
        }
        Err(failure) => {
            let errors = failure.into_diagnostics();
            report(&errors, options.color);
            shared.publish(None, Some(errors));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::BuildOptions;

    #[test]
    fn only_site_sources_trigger_rebuilds() {
        let root = Path::new("/s");
        assert!(is_relevant(root, Path::new("/s/content/2025/a.md")));
        assert!(is_relevant(root, Path::new("/s/site.yaml")));
        assert!(is_relevant(root, Path::new("/s/templates/base.html")));
        assert!(is_relevant(root, Path::new("/s/data/authors.yaml")));
        assert!(is_relevant(root, Path::new("/s/series/x.md")));
        assert!(!is_relevant(root, Path::new("/s/public/index.html")));
        assert!(!is_relevant(root, Path::new("/s/content/.a.md.swp")));
        assert!(!is_relevant(root, Path::new("/s/content/a.md~")));
        assert!(!is_relevant(root, Path::new("/elsewhere/content/a.md")));
    }

    #[test]
    fn saves_through_a_temporary_file_are_edits_of_the_article() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/2025")).unwrap();
        let article = root.join("content/2025/a.md");
        std::fs::write(&article, "---\ntitle: أ\ndate: 2025-01-01\n---\nنص\n").unwrap();
        let (_, m) = model::build_in_memory(root, &BuildOptions::default())
            .unwrap_or_else(|f| panic!("{:?}", f.into_diagnostics()));
        let gone = |name: &str| root.join("content/2025").join(name);
        // gedit, JetBrains, sed -i, vim (4913 probe), write-file-atomic: temporary names that
        // no longer exist once the save settles, then the article itself.
        let batch = vec![
            gone(".goutputstream-X1"),
            gone("a.md___jb_tmp___"),
            gone("a.md___jb_old___"),
            gone("sedAb12"),
            gone("4913"),
            gone("a.md.2841953"),
            article.clone(),
        ];
        assert_eq!(plan(Some(&m), root, &batch), Plan::Edit(vec![0]));
        // Only temporary files: nothing to do.
        assert_eq!(plan(Some(&m), root, &batch[..5]), Plan::Nothing);
        // A new article, a deleted one, a template: full rebuilds.
        let new = gone("b.md");
        std::fs::write(&new, "x").unwrap();
        assert_eq!(
            plan(Some(&m), root, std::slice::from_ref(&new)),
            Plan::Full(new)
        );
        std::fs::remove_file(&article).unwrap();
        assert_eq!(
            plan(Some(&m), root, std::slice::from_ref(&article)),
            Plan::Full(article)
        );
        let folder = root.join("content/2025");
        std::fs::remove_dir_all(&folder).unwrap();
        assert_eq!(
            plan(Some(&m), root, std::slice::from_ref(&folder)),
            Plan::Full(folder)
        );
        let template = root.join("templates/base.html");
        assert_eq!(
            plan(Some(&m), root, std::slice::from_ref(&template)),
            Plan::Full(template)
        );
        // A cover replaced beside its article.
        let cover = root.join("content/2025/a/cover.JPG");
        assert_eq!(
            plan(Some(&m), root, std::slice::from_ref(&cover)),
            Plan::Full(cover)
        );
    }
}
