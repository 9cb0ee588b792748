//! What `serve` keeps between edits, and how an edit becomes new files: a full build in memory,
//! or an incremental update through the same render stage as `build`. Which pages an edited
//! article appears on is the index's answer ([`Site::pages_showing`](crate::index::Site)); this
//! module only re-reads the article, re-renders those pages, and then brings the similar lists
//! up to date (they depend on every article's text).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::diagnostics::{Diagnostic, Failure};
use crate::index::{similar, Page};
use crate::pipeline::{self, BuildOptions, Loaded};
use crate::render::{Renderer, Sink};

/// The site as served: output paths → bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// Rendered files collected in memory (the sink `serve` renders into).
#[derive(Default)]
pub struct MemorySink(Mutex<Vec<(String, Vec<u8>)>>);

impl MemorySink {
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.0.into_inner().unwrap_or_default()
    }
}

impl Sink for MemorySink {
    fn prepare(&self, _: &[String]) -> Result<(), Failure> {
        Ok(())
    }

    fn write(&self, file: &str, bytes: Vec<u8>) -> Result<(), Failure> {
        match self.0.lock() {
            Ok(mut files) => {
                files.push((file.to_string(), bytes));
                Ok(())
            }
            Err(_) => Err(Failure::Usage(Diagnostic::new(
                None,
                "internal error: a rendering thread panicked",
            ))),
        }
    }
}

/// A loaded site and its list-form values, kept to update incrementally.
pub struct Model {
    pub loaded: Loaded,
    summaries: Vec<tera::Value>,
    /// The search index's files as last built.
    search: std::collections::BTreeSet<String>,
}

/// What a refresh changed: files written, and files that no longer exist.
#[derive(Debug, Default)]
pub struct Refresh {
    pub files: Vec<(String, Vec<u8>)>,
    pub removed: Vec<String>,
}

/// Builds the whole site in memory: the same stages as `build`, static files included.
pub fn build_in_memory(root: &Path, options: &BuildOptions) -> Result<(Files, Model), Failure> {
    // The model rebuilds the search index from every article's words after an edit.
    let options = BuildOptions {
        keep_terms: true,
        ..options.clone()
    };
    let (loaded, _) = pipeline::load_site(root, &options)?;
    let mut files = Files::new();
    for (name, bytes) in crate::output::static_files(root)? {
        files.insert(name, Arc::new(bytes));
    }
    let renderer = Renderer::new(&loaded.site, &loaded.tera, &loaded.templates);
    let sink = MemorySink::default();
    renderer.render_into(&loaded.site.pages(), &sink)?;
    let summaries = renderer.into_summaries();
    pipeline::write_images(&loaded, &sink)?;
    files.extend(sink.into_files().into_iter().map(|(k, v)| (k, Arc::new(v))));
    let search = MemorySink::default();
    pipeline::write_search(&loaded.site, &search)?;
    let search = search.into_files();
    let names = search.iter().map(|(k, _)| k.clone()).collect();
    files.extend(search.into_iter().map(|(k, v)| (k, Arc::new(v))));
    Ok((
        files,
        Model {
            loaded,
            summaries,
            search: names,
        },
    ))
}

impl Model {
    /// Applies edits of articles `changed` without a full rebuild: each is re-read and, if the
    /// edit keeps the archive's structure (see
    /// [`reload_body`](crate::content::article::reload_body)), only the pages showing it are
    /// re-rendered. `None` asks for a full rebuild; the model is changed only when every edit
    /// qualified.
    pub fn update(&mut self, changed: &[usize]) -> Option<Vec<(String, Vec<u8>)>> {
        let site = &self.loaded.site;
        let mut fresh = Vec::with_capacity(changed.len());
        for &i in changed {
            let article = crate::content::article::reload_body(
                &self.loaded.root,
                &site.config,
                &site.articles,
                i,
            )?;
            fresh.push((i, article));
        }
        for (i, article) in fresh {
            // The model keeps every article's terms (with pairs when the site has search).
            let search = self.loaded.site.config.search;
            if let Some(t) = self.loaded.site.terms.get_mut(i) {
                *t = crate::index::terms::Terms::of(&article, search).ok()?;
            }
            self.loaded.site.articles[i] = article;
        }
        let mut pages: Vec<Page> = changed
            .iter()
            .flat_map(|&i| self.loaded.site.pages_showing(i))
            .collect();
        pages.sort_unstable();
        pages.dedup();
        self.render(&pages, changed)
    }

    /// Makes the similar lists again (they depend on all texts, so any edit may move them:
    /// only the lists an edit can reach are scored, see [`similar::Previous`]), re-renders the
    /// articles whose list changed, and rebuilds the search index. Returns the files (the
    /// search files that did not change are among them: the server counts only the ones whose
    /// bytes differ) and the search files that no longer exist.
    pub fn refresh_similar(&mut self) -> Option<Refresh> {
        let site = &self.loaded.site;
        let declared: Vec<_> = site.related.iter().map(|r| r.declared.clone()).collect();
        let backlinks: Vec<_> = site.related.iter().map(|r| r.backlinks.clone()).collect();
        let article_terms = &site.taxonomies[crate::index::TAGS].article_terms;
        let tag_names: Vec<&str> = site.tags().iter().map(|t| t.name.as_str()).collect();
        let (keys, _) = crate::index::memo::Keys::of(
            &site.config,
            &site.articles,
            article_terms,
            &tag_names,
            &declared,
            &backlinks,
        );
        // Edits that reach this point keep every article's day, tags and links
        // (`reload_body`); the numbers say so before the lists are patched.
        let lists: Vec<Vec<u32>> = site
            .related
            .iter()
            .map(|r| r.similar.iter().map(|&j| j as u32).collect())
            .collect();
        let previous =
            (keys.similar_frame == site.keys.similar_frame).then_some(similar::Previous {
                lists: &lists,
                trace: &site.similar_trace,
            });
        // The model keeps every article's terms (`build_in_memory`).
        let counts = similar::Stemmed::of(site.terms.iter().map(similar::stem_counts));
        let fresh = similar::compute(
            &site.articles,
            similar::Words::Counts(counts),
            article_terms,
            &tag_names,
            &declared,
            &backlinks,
            &site.config.similar,
            previous,
        );
        self.loaded.site.keys = keys;
        self.loaded.site.similar_trace = fresh.trace;
        let mut pages = Vec::new();
        for (j, list) in fresh.lists.into_iter().enumerate() {
            if self.loaded.site.related[j].similar != list {
                self.loaded.site.related[j].similar = list;
                pages.push(Page::Article(j));
            }
        }
        let mut files = if pages.is_empty() {
            Vec::new()
        } else {
            self.render(&pages, &[])?
        };
        let sink = MemorySink::default();
        pipeline::write_search(&self.loaded.site, &sink).ok()?;
        let search = sink.into_files();
        let names: std::collections::BTreeSet<String> =
            search.iter().map(|(k, _)| k.clone()).collect();
        let removed = self.search.difference(&names).cloned().collect();
        self.search = names;
        files.extend(search);
        Some(Refresh { files, removed })
    }

    /// Renders `pages` after refreshing the list-form values of articles `refreshed`.
    fn render(&mut self, pages: &[Page], refreshed: &[usize]) -> Option<Vec<(String, Vec<u8>)>> {
        let loaded = &self.loaded;
        let mut renderer = Renderer::with_summaries(
            &loaded.site,
            &loaded.tera,
            &loaded.templates,
            std::mem::take(&mut self.summaries),
        );
        for &i in refreshed {
            renderer.refresh_summary(i);
        }
        let sink = MemorySink::default();
        let result = renderer.render_into(pages, &sink);
        self.summaries = renderer.into_summaries();
        result.ok().map(|_| sink.into_files())
    }

    /// The index of the article whose source is `path` (absolute, under the root).
    pub fn article_at(&self, root: &Path, path: &Path) -> Option<usize> {
        self.loaded
            .site
            .articles
            .iter()
            .position(|a| root.join(&a.shown) == path)
    }
}

#[cfg(test)]
mod tests {
    //! Incremental = full: after each kind of edit the incremental result, applied over the
    //! previous files, equals a full in-memory build of the edited tree, file by file.

    use super::*;

    fn fixture_copy(name: &str) -> tempfile::TempDir {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        let dir = tempfile::tempdir().expect("temp dir");
        for entry in walkdir::WalkDir::new(&from) {
            let entry = entry.expect("walk");
            let target = dir
                .path()
                .join(entry.path().strip_prefix(&from).expect("prefix"));
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).expect("mkdir");
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
        dir
    }

    fn full(root: &Path) -> Files {
        match build_in_memory(root, &BuildOptions::default()) {
            Ok((files, _)) => files,
            Err(f) => panic!("full build failed: {:?}", f.into_diagnostics()),
        }
    }

    #[test]
    fn incremental_updates_equal_full_builds() {
        // A middle article (distinct neighbours, on list pages with others) of a site whose
        // similar lists move when its text does.
        let dir = fixture_copy("incremental_site");
        let root = dir.path();
        let (mut served, mut model) =
            build_in_memory(root, &BuildOptions::default()).expect("first build");
        let file = root.join("content/2025/oil.md");
        let original = std::fs::read_to_string(&file).expect("read");
        type Edit = Box<dyn Fn(&str) -> String>;
        let edits: Vec<(&str, Edit)> = vec![
            (
                "body",
                Box::new(|t: &str| t.replace("طلبت واشنطن", "طلبت واشنطن رسمياً وعلناً")),
            ),
            (
                "body with new words",
                Box::new(|t: &str| {
                    format!(
                        "{t}\nمجلة النبأ وبيانات داعش عن البادية والهجمات الأسبوعية في البادية.\n"
                    )
                }),
            ),
            (
                "title",
                Box::new(|t: &str| t.replacen("حقول النفط", "آبار النفط", 1)),
            ),
            (
                "summary",
                Box::new(|t: &str| t.replacen("title: ", "summary: \"ملخص جديد\"\ntitle: ", 1)),
            ),
            (
                "updated",
                Box::new(|t: &str| t.replacen("title: ", "updated: 2025-12-01\ntitle: ", 1)),
            ),
        ];
        let i = model
            .article_at(root, &file)
            .expect("the article is loaded");
        for (what, edit) in &edits {
            std::fs::write(&file, edit(&original)).expect("write");
            let first = model
                .update(&[i])
                .unwrap_or_else(|| panic!("{what}: not incremental"));
            let second = model.refresh_similar().expect("similar");
            if what.contains("new words") {
                assert!(
                    second.files.iter().any(|(k, _)| k.ends_with(".html")),
                    "the fixture must move similar lists"
                );
            }
            for (k, v) in first.into_iter().chain(second.files) {
                served.insert(k, Arc::new(v));
            }
            for k in &second.removed {
                served.remove(k);
            }
            let expected = full(root);
            let mut differing: Vec<&String> = expected
                .iter()
                .filter(|(k, v)| served.get(*k) != Some(*v))
                .map(|(k, _)| k)
                .collect();
            differing.extend(served.keys().filter(|k| !expected.contains_key(*k)));
            assert!(
                differing.is_empty(),
                "after a {what} edit these files differ: {differing:?}"
            );
        }
    }

    #[test]
    fn structural_edits_ask_for_a_full_rebuild() {
        let dir = fixture_copy("good_site");
        let root = dir.path();
        let (_, mut model) = build_in_memory(root, &BuildOptions::default()).expect("build");
        let file = root.join("content/2025/sharaa.md");
        let i = model.article_at(root, &file).expect("loaded");
        let original = std::fs::read_to_string(&file).expect("read");
        for (what, text) in [
            ("date", original.replacen("date: 2025", "date: 2021", 1)),
            ("tags", original.replacen("tags: [", "tags: [وسم جديد, ", 1)),
            // a writer has a page of their own, which the edit adds to
            (
                "author",
                original.replacen("title: ", "author: [\"كاتب جديد\", Jane Doe]\ntitle: ", 1),
            ),
            // a declared related article shows on the page and in the other's backlinks
            (
                "related",
                original.replacen("title: ", "related:\n  - title: \"تقرير آخر\"\ntitle: ", 1),
            ),
            ("broken", original.replacen("tags:", "tgas:", 1)),
        ] {
            std::fs::write(&file, &text).expect("write");
            assert!(
                model.update(&[i]).is_none(),
                "a {what} edit must rebuild everything"
            );
        }
    }
}
