//! Whole-archive structures, built once from all articles: tags, the three related lists,
//! the date archive. Nothing here renders HTML; [`Site`] is what the renderer is fed.

pub mod archive;
pub mod memo;
pub mod pages;
pub mod related;
pub mod series;
pub mod similar;
pub mod taxonomy;
pub mod terms;

use crate::config::Config;
use crate::content::article::Article;
use crate::diagnostics::Diagnostic;

pub use archive::Archive;
pub use pages::{Page, SitemapLimits, FEED_ENTRIES};
pub use related::Related;
pub use taxonomy::{Taxonomy, Term};

/// Tags are the first taxonomy of every site (they cannot be turned off).
pub const TAGS: usize = 0;

/// The finished model of the site.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first.
    pub articles: Vec<Article>,
    /// Tags ([`TAGS`]), then writers, sources and the site's own, as `site.yaml` configures.
    pub taxonomies: Vec<Taxonomy>,
    /// Dossiers, and each article's dossier and position in it.
    pub dossiers: series::Dossiers,
    /// Problems that do not stop the build (a gap in a dossier's parts).
    pub warnings: Vec<Diagnostic>,
    /// For each article: declared, backlinks, similar.
    pub related: Vec<Related>,
    pub archive: Archive,
    /// For each article, its analysed text, when asked to keep it (`serve`); otherwise empty.
    pub terms: Vec<terms::Terms>,
    /// The search index's lists, gathered while the articles were analysed (when the site has
    /// search and its terms were not kept).
    pub postings: Option<crate::search::postings::Postings>,
    /// How much one sitemap file may hold (the protocol's limits; tests set smaller ones).
    pub sitemap_limits: SitemapLimits,
    /// The most articles a year's page lists ([`pages::YEAR_PAGE_ARTICLES`]; tests set fewer).
    pub year_page_articles: usize,
    /// Seconds spent analysing every article's words, and computing similar articles (`-v`).
    pub times: IndexTimes,
    /// The numbers of what the similar lists and the search index are made from.
    pub keys: memo::Keys,
    /// The previous build's search index files, when they were made from the same inputs
    /// ([`memo`]): kept instead of written, and no lists were gathered for them.
    pub search_kept: Option<Vec<String>>,
    /// What the similar lists were scored from (kept for the next build, [`memo`]).
    pub similar_trace: similar::Trace,
    /// After an edit of a few articles: what it changes in the search index, and the lists of
    /// the keys it changes ([`crate::search::patch`]).
    pub search_patch: Option<(crate::search::patch::Plan, crate::search::patch::Gathered)>,
    /// The shape of the search index kept whole from the previous build ([`memo`]).
    pub search_shape: Option<crate::search::index::Shape>,
    /// Each article's words' number ([`memo::Keys::of`]), in site order.
    pub word_numbers: Vec<u64>,
    /// The vectors the similar lists were scored with, for the next build ([`memo`]).
    pub similar_vectors: Option<similar::Kept>,
}

/// How long the two costliest parts of indexing took, in seconds.
#[derive(Debug, Default, Clone, Copy)]
pub struct IndexTimes {
    pub words: f64,
    pub similar: f64,
    /// The similar lists were the previous build's ([`memo`]).
    pub similar_kept: bool,
    /// How many similar lists were scored (the others were the previous build's).
    pub similar_scored: usize,
    /// How many articles' stem counts the similar vectors were made from, when the others'
    /// were the previous build's ([`similar::Kept::patch`]).
    pub vectors_read: Option<usize>,
}

impl Site {
    /// The tags of the site, in the order of their index page.
    pub fn tags(&self) -> &[Term] {
        &self.taxonomies[TAGS].terms
    }

    /// The indexes into [`Site::tags`] of article `i`'s tags.
    pub fn article_tags(&self, i: usize) -> &[usize] {
        &self.taxonomies[TAGS].article_terms[i]
    }

    /// Every image file the articles show, once each, in a stable order.
    pub fn images(&self) -> Vec<std::sync::Arc<crate::images::ImageInfo>> {
        let mut all: Vec<_> = self
            .articles
            .iter()
            .flat_map(|a| a.images.iter().cloned())
            .collect();
        all.sort_by(|a, b| a.stem.cmp(&b.stem));
        all.dedup_by(|a, b| a.stem == b.stem);
        all
    }

    /// Indexes loaded articles; every problem found (unknown related entries, bad tags) is returned.
    /// `keep_terms` keeps every article's analysed words in [`terms`](Site::terms). What
    /// `previous` kept is reused where it was made from the same inputs ([`memo`]).
    pub fn build(
        config: Config,
        mut articles: Vec<Article>,
        keep_terms: bool,
        previous: Option<&memo::Memo>,
        progress: &crate::progress::Progress,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        let mut warnings = taxonomy::stray_data_files(&config);
        warnings.extend(crate::scaffold::placeholders(&articles));
        let mut taxonomies: Vec<Taxonomy> = Vec::with_capacity(config.taxonomies.len());
        for t in &config.taxonomies {
            let data = match taxonomy::load_data(&config, t) {
                Ok(data) => data,
                Err(d) => {
                    diagnostics.push(d);
                    Default::default()
                }
            };
            let indexed = taxonomy::index(t, &data, &articles, &mut diagnostics);
            warnings.extend(data.unused(&indexed));
            warnings.extend(taxonomy::spelling_variants(&indexed, &articles));
            taxonomies.push(indexed);
        }
        let dossiers = series::index(&config, &articles, &mut diagnostics, &mut warnings);
        let declared = related::declared(&articles, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        // Every problem the sources can have is found by now (the bodies' while loading, the
        // front-matters' above): their text goes before the words are analysed, where a build's
        // memory peaks (0.7 KB an article).
        for a in &mut articles {
            a.file.release();
        }
        let backlinks = related::backlinks(&articles, &declared);
        let tag_names: Vec<&str> = taxonomies[TAGS]
            .terms
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        let (keys, word_numbers) = memo::Keys::of(
            &config,
            &articles,
            &taxonomies[TAGS].article_terms,
            &tag_names,
            &declared,
            &backlinks,
        );
        let previous = previous.filter(|_| !keep_terms);
        let kept_similar = previous.and_then(|m| m.similar_for(keys.similar, articles.len()));
        let search_kept = previous
            .filter(|_| config.search)
            .and_then(|m| m.search_for(keys.search));
        let search_shape = previous
            .filter(|_| search_kept.is_some())
            .and_then(|m| m.search.as_ref())
            .map(|s| s.shape.clone());
        let plan = previous
            .filter(|_| config.search && search_kept.is_none())
            .and_then(|m| m.search_to_patch(keys.search_frame))
            .and_then(|before| {
                crate::search::patch::plan(&articles, &word_numbers, before, &tag_names)
            });
        // The previous build's vectors, made again where an edit moved them: only the edited
        // articles' stem counts are read (and those of articles sharing a rare stem with them).
        let vectors = previous
            .filter(|_| kept_similar.is_none())
            .filter(|m| {
                m.similar_to_patch(keys.similar_frame, articles.len())
                    .is_some()
            })
            .and_then(|m| m.vectors.as_ref())
            .and_then(|kept| vectors_from(kept, &articles, &word_numbers));
        let vectors_read = vectors.as_ref().map(|v| v.read);
        let wanted = terms::Wanted {
            lists: config.search && search_kept.is_none(),
            counts: kept_similar.is_none() && vectors.is_none(),
            targets: plan.as_ref().map(|p| &p.targets),
        };
        let start = std::time::Instant::now();
        let analysed = if keep_terms || wanted.lists || wanted.counts {
            let stage = progress.bar("analysing", articles.len() as u64, "articles");
            terms::analyse_all(&articles, config.search, keep_terms, wanted, &stage)
                .map_err(|d| vec![d])?
        } else {
            terms::Analysed::default()
        };
        let words = start.elapsed().as_secs_f64();
        let stage = progress.stage("finding similar articles");
        let start = std::time::Instant::now();
        let similar_kept = kept_similar.is_some();
        let (similar, trace, similar_scored, mut similar_vectors) = match kept_similar {
            Some(lists) => (
                lists,
                previous.map(|m| m.trace.clone()).unwrap_or_default(),
                0,
                // Vectors a failed build left are of other words: the next build would take
                // them for these.
                previous
                    .and_then(|m| m.vectors.clone())
                    .filter(|k| k.words == word_numbers),
            ),
            None => {
                let patch =
                    previous.and_then(|m| m.similar_to_patch(keys.similar_frame, articles.len()));
                let words = match vectors {
                    Some(v) => similar::Words::Vectors(v),
                    None => similar::Words::Counts(analysed.counts),
                };
                let computed = similar::compute(
                    &articles,
                    words,
                    &taxonomies[TAGS].article_terms,
                    &tag_names,
                    &declared,
                    &backlinks,
                    &config.similar,
                    patch,
                );
                (
                    computed.lists,
                    computed.trace,
                    computed.scored,
                    Some(computed.kept).filter(|k| !k.is_empty()),
                )
            }
        };
        // What the next build compares and reads the previous counts from.
        if let Some(kept) = &mut similar_vectors {
            kept.words.clone_from(&word_numbers);
            kept.places = articles
                .iter()
                .map(|a| a.analysed.as_ref().map(|b| b.place()))
                .collect();
        }
        let search_patch = plan.zip(analysed.gathered);
        let times = IndexTimes {
            words,
            similar: start.elapsed().as_secs_f64(),
            similar_kept,
            similar_scored,
            vectors_read,
        };
        drop(stage);
        drop(tag_names);
        let related = declared
            .into_iter()
            .zip(backlinks)
            .zip(similar)
            .map(|((declared, backlinks), similar)| Related {
                declared,
                backlinks,
                similar,
            })
            .collect();
        let archive = Archive::build(&articles);
        Ok(Site {
            config,
            articles,
            taxonomies,
            dossiers,
            warnings,
            related,
            archive,
            terms: analysed.terms,
            postings: analysed.postings,
            sitemap_limits: SitemapLimits::default(),
            year_page_articles: pages::YEAR_PAGE_ARTICLES,
            times,
            keys,
            search_kept,
            similar_trace: trace,
            search_patch,
            search_shape,
            word_numbers,
            similar_vectors,
        })
    }
}

/// Every article's similar vector made from the previous build's ([`similar::Kept::patch`]),
/// when the words of at most max(64, n/50) oldest-first numbers changed (a removed article
/// moves every newer one) and there are no fewer articles; `None` sends the build through every
/// article's stem counts.
fn vectors_from(
    kept: &similar::Kept,
    articles: &[Article],
    words: &[u64],
) -> Option<similar::Vectors> {
    let (n, m) = (articles.len(), kept.len());
    if m > n || kept.words.len() != m || kept.places.len() != m {
        return None;
    }
    // Oldest-first number `o` is site index `n - 1 - o` now and `m - 1 - o` in the memo.
    let changed: Vec<usize> = (0..n)
        .filter(|&o| o >= m || words[n - 1 - o] != kept.words[m - 1 - o])
        .collect();
    if changed.len() > (n / 50).max(64) {
        return None;
    }
    // The previous counts are read from the article store, beside the articles' own.
    let store = articles.iter().find_map(|a| a.analysed.as_ref())?;
    let before = |o: usize| {
        let (place, hash) = kept.places[m - 1 - o]?;
        terms::stems_of_kept(&store.beside(place, hash).read_if_there()?)
    };
    let now = |o: usize| terms::stem_counts_of(&articles[n - 1 - o]).ok();
    kept.patch(n, &changed, &before, &now)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A site of articles `(file stem, date, tags)` with `per_page: 2`, loaded from a temporary
    /// folder through the real loader.
    pub fn site_of(articles: &[(&str, &str, &[&str])]) -> Site {
        site_with(articles, "per_page: 2\n")
    }

    /// Like [`site_of`] with the given `site.yaml`.
    pub fn site_with(articles: &[(&str, &str, &[&str])], site_yaml: &str) -> Site {
        let files: Vec<(String, String)> = articles
            .iter()
            .map(|(stem, date, tags)| {
                let tags = tags.join(", ");
                article(
                    stem,
                    &format!("date: {date}\ntags: [{tags}]"),
                    &format!("نص المقال {stem}."),
                )
            })
            .collect();
        site_from(&files, site_yaml).expect("site")
    }

    /// A site of whole files `(stem under content/, text)`, or the problems it has.
    pub fn site_from(files: &[(String, String)], site_yaml: &str) -> Result<Site, Vec<Diagnostic>> {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.yaml"), site_yaml).expect("site.yaml");
        std::fs::create_dir(dir.path().join("content")).expect("content/");
        for (stem, text) in files {
            std::fs::write(dir.path().join("content").join(format!("{stem}.md")), text)
                .expect("article");
        }
        let config = Config::load(dir.path()).expect("config");
        let hidden = crate::progress::Progress::hidden();
        let loaded = crate::content::article::load(dir.path(), &config, false, None, &hidden)?;
        Site::build(config, loaded, true, None, &hidden)
    }

    /// An article's file: title = stem, then the given front-matter lines and body.
    pub fn article(stem: &str, front: &str, body: &str) -> (String, String) {
        (
            stem.to_string(),
            format!("---\ntitle: {stem}\n{front}\n---\n{body}\n"),
        )
    }

    /// `n` articles `a1`…`a<n>` dated one a day from the first of `month` ("2025-01").
    pub fn daily(month: &str, n: usize) -> Vec<(String, String)> {
        (1..=n)
            .map(|d| (format!("a{d}"), format!("{month}-{d:02}")))
            .collect()
    }

    /// Articles `(stem, date)` as [`site_with`] takes them, each tagged `x`.
    pub fn tagged_x(articles: &[(String, String)]) -> Vec<(&str, &str, &[&str])> {
        articles
            .iter()
            .map(|(s, d)| (s.as_str(), d.as_str(), &["x"][..]))
            .collect()
    }

    /// The stems of a list of article indexes.
    pub fn stems(site: &Site, list: &[usize]) -> Vec<String> {
        list.iter().map(|&i| site.articles[i].id.clone()).collect()
    }

    /// The index of the article with this stem.
    pub fn index_of(site: &Site, stem: &str) -> usize {
        site.articles
            .iter()
            .position(|a| a.id == stem)
            .expect("article")
    }
}
