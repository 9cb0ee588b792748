//! Rendering: the one stage that turns pages of a finished [`Site`] into bytes, for `build`
//! (every page, into the staged output folder) and `serve` (every page or the ones an edit
//! touched, into memory) alike. Which pages exist and where they live is the index's and the
//! routes' business; this module builds each page's typed context, runs the compiled templates
//! in parallel and hands the bytes to a [`Sink`]. Nothing here touches the file system itself.

pub mod context;
#[cfg(test)]
mod contract;
mod feed;
pub mod filters;
pub mod fingerprint;
pub mod metadata;
pub mod reads;
pub mod templates;
pub mod timeline;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::diagnostics::{Diagnostic, Failure};
use crate::index::{Page, Site, FEED_ENTRIES};
use crate::routes::Route;
use context::*;
use fingerprint::Ref;

/// What [`Renderer::context_with`] makes of a page's values.
#[derive(Clone, Copy)]
enum Make<'s> {
    /// The context templates are given.
    Value,
    /// Only its number ([`fingerprint::number_of`]), as a number value, with these shared values.
    Number(&'s fingerprint::Shared),
}

/// Where rendered pages go: a staged output folder, or memory.
pub trait Sink: Sync {
    /// Called once with every file about to be written (to create folders once).
    fn prepare(&self, files: &[String]) -> Result<(), Failure>;
    /// Stores one file; a failure here is I/O trouble (exit 2), not a problem of the site.
    fn write(&self, file: &str, bytes: Vec<u8>) -> Result<(), Failure>;
    /// Stores a copy of a file on disk (an image variant); a staged folder hard-links it.
    fn copy(&self, file: &str, from: &std::path::Path) -> Result<(), Failure> {
        let bytes = std::fs::read(from).map_err(|e| {
            Failure::Usage(Diagnostic::new(
                None,
                format!("cannot read `{}`: {e}", from.display()),
            ))
        })?;
        self.write(file, bytes)
    }
    /// Whether this sink remembers what each file was made from (a published build's staging
    /// does): only then are pages' [fingerprints](fingerprint) computed.
    fn remembers(&self) -> bool {
        false
    }
    /// Keeps the previous output's `file` when it was made from `inputs` and nobody changed it
    /// since, instead of rendering it again; true when kept.
    fn keep(&self, _file: &str, _inputs: u64) -> bool {
        false
    }
    /// Stores a rendered file with the fingerprint of what it was made from.
    fn write_made(&self, file: &str, bytes: Vec<u8>, _inputs: u64) -> Result<(), Failure> {
        self.write(file, bytes)
    }
    /// The bytes of the previous output's `file`, when it is still what the previous build
    /// wrote (a patch reads what it changes, see [`crate::search::patch`]).
    fn previous(&self, _file: &str) -> Option<Vec<u8>> {
        None
    }
    /// Keeps the previous output's `file`, whatever it was made from, as made from `inputs`
    /// (the caller knows it is what `inputs` make); true when kept.
    fn carry(&self, _file: &str, _inputs: u64) -> bool {
        false
    }
}

/// Every template a page is rendered with (the others are included or extended by these).
pub const PAGE_TEMPLATES: &[&str] = &[
    "home.html",
    "article.html",
    "taxonomy.html",
    "term.html",
    "feed.xml",
    "series_index.html",
    "series.html",
    "archive.html",
    "archive_year.html",
    "archive_month.html",
    "sitemap.xml",
    "sitemap_index.xml",
    "robots.txt",
    "404.html",
    "search.html",
];

/// Everything rendering needs, prepared once.
pub struct Renderer<'a> {
    pub site: &'a Site,
    tera: &'a Tera,
    site_value: Value,
    /// Each taxonomy's [`TaxonomyRef`], shared by the pages of its names.
    taxonomy_values: Vec<Value>,
    summaries: Vec<Value>,
    sources: &'a templates::Sources,
    /// Pages rendered (the others were kept from the previous output).
    rendered: std::sync::atomic::AtomicUsize,
    /// The sitemap's parts, made when a sitemap page is first rendered.
    sitemap: std::sync::OnceLock<Vec<Vec<Page>>>,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, tera: &'a Tera, sources: &'a templates::Sources) -> Self {
        Self::with_summaries(site, tera, sources, context::summaries(site))
    }

    /// A renderer reusing list-form values computed earlier (`serve` keeps them between edits).
    pub fn with_summaries(
        site: &'a Site,
        tera: &'a Tera,
        sources: &'a templates::Sources,
        summaries: Vec<Value>,
    ) -> Self {
        let site_value = Value::from_serializable(&SiteContext::new(site));
        let taxonomy_values = (0..site.taxonomies.len())
            .map(|x| Value::from_serializable(&taxonomy_ref(site, x)))
            .collect();
        Renderer {
            site,
            tera,
            site_value,
            taxonomy_values,
            summaries,
            sources,
            rendered: Default::default(),
            sitemap: Default::default(),
        }
    }

    /// How many pages this renderer rendered (not kept from the previous output).
    pub fn rendered(&self) -> usize {
        self.rendered.load(Ordering::Relaxed)
    }

    /// Gives the list-form values back, to be reused.
    pub fn into_summaries(self) -> Vec<Value> {
        self.summaries
    }

    /// Replaces the list-form value of article `i` (after `serve` re-read it).
    pub fn refresh_summary(&mut self, i: usize) {
        self.summaries[i] = summary_value(self.site, i);
    }

    /// The output file of a page.
    pub fn file(&self, page: Page) -> String {
        self.site.route(page).file()
    }

    /// Renders a page's template with its context, as the bytes of its file.
    fn render_context(&self, template: &str, value: Value) -> Result<Vec<u8>, Diagnostic> {
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let ctx = Context::from_serialize(&value)
            .map_err(|e| Diagnostic::new(None, format!("internal error: {e}")))?;
        // Into bytes: `Tera::render` checks the whole page is UTF-8 again (it is: templates and
        // values are Rust strings), a twentieth of a build spent proving what cannot be false.
        let mut bytes = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, &ctx, &mut bytes)
            .map_err(|e| templates::template_error(&e, self.sources))?;
        // Values are checked for control characters where they are written; as a last line of
        // defence (a site's own template), XML output is stripped of them too, since feed readers
        // reject such a feed as a whole.
        if template.ends_with(".xml") {
            let text = crate::content::source::utf8(bytes)
                .map_err(|e| Diagnostic::new(None, format!("internal error: {e}")))?;
            bytes = crate::arabic::normalize::strip_controls(text).into_bytes();
        }
        Ok(bytes)
    }

    /// The template of a page and the context it gets (one typed struct per page kind, as a
    /// Tera value). One match arm per page kind, each a few lines: kept together so every
    /// kind's template and context can be read at once.
    pub fn context(&self, page: Page) -> Result<(&'static str, Value), Diagnostic> {
        self.context_with(page, Bodies::Read, Make::Value)
    }

    /// Whether `page`'s context holds article bodies (an article's page and the feeds).
    fn shows_bodies(page: Page) -> bool {
        matches!(page, Page::Article(_) | Page::Feed | Page::TermFeed { .. })
    }

    /// [`context`](Renderer::context), with the bodies as `bodies` says.
    fn context_with(
        &self,
        page: Page,
        bodies: Bodies,
        make: Make<'_>,
    ) -> Result<(&'static str, Value), Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let path = site.route(page).path();
        let (template, ctx) = match page {
            Page::Home { number } => {
                let (pages, paginator) = self.list(
                    site.articles.len(),
                    |k| k,
                    number,
                    |n| Route::Home { number: n }.path(),
                );
                (
                    "home.html",
                    self.frame(make, page, &path, HomePage { pages, paginator }),
                )
            }
            Page::Article(i) => (
                "article.html",
                self.frame(
                    make,
                    page,
                    &path,
                    article_page(site, i, &self.summaries, bodies)?,
                ),
            ),
            Page::Taxonomy(x) => {
                let terms = (0..site.taxonomies[x].terms.len())
                    .map(|t| term_ref(site, x, t))
                    .collect();
                let value = TaxonomyPage {
                    taxonomy: taxonomy_ref(site, x),
                    terms,
                };
                ("taxonomy.html", self.frame(make, page, &path, value))
            }
            Page::Term { tax, term, number } => {
                let taxonomy = &site.taxonomies[tax];
                let segment = &taxonomy.settings.segment;
                let slug = &taxonomy.terms[term].slug;
                let items = &taxonomy.terms[term].articles;
                let (pages, paginator) = self.list_by(
                    taxonomy.settings.per_page,
                    items.len(),
                    |k| items[k],
                    number,
                    |n| {
                        Route::Term {
                            segment,
                            slug,
                            number: n,
                        }
                        .path()
                    },
                );
                // The timeline on the first page only: the others list the same name.
                let timeline = (number == 1)
                    .then(|| {
                        timeline::svg(config, items.iter().map(|&i| site.articles[i].date.day))
                    })
                    .flatten()
                    .map(|svg| Value::safe_string(&svg));
                let value = TermPage {
                    timeline,
                    taxonomy: Ref(&self.taxonomy_values[tax]),
                    term: TermValue {
                        term: term_ref(site, tax, term),
                        feed_url: site
                            .term_feeds(tax)
                            .then(|| config.href(&Route::TermFeed { segment, slug }.path())),
                        bio: taxonomy.terms[term].bio.as_deref(),
                        links: &taxonomy.terms[term].links,
                    },
                    pages,
                    paginator,
                };
                ("term.html", self.frame(make, page, &path, value))
            }
            Page::TermFeed { tax, term } => {
                let taxonomy = &site.taxonomies[tax];
                let t = &taxonomy.terms[term];
                let title = format!("{} — {}", config.title, t.name);
                let alternate = Route::Term {
                    segment: &taxonomy.settings.segment,
                    slug: &t.slug,
                    number: 1,
                };
                let feed = self.feed(&title, &path, &alternate.path(), &t.articles, bodies)?;
                ("feed.xml", self.frame(make, page, &path, feed))
            }
            Page::SeriesIndex => {
                let series = (0..site.dossiers.series.len())
                    .map(|x| series_ref(site, x))
                    .collect();
                let value = SeriesIndexPage { series };
                ("series_index.html", self.frame(make, page, &path, value))
            }
            Page::Series(x) => {
                let s = &site.dossiers.series[x];
                let value = SeriesPage {
                    series: series_ref(site, x),
                    intro: s.intro_html.as_deref().map(Value::safe_string),
                    pages: s
                        .articles
                        .iter()
                        .map(|&i| Ref(&self.summaries[i]))
                        .collect(),
                };
                ("series.html", self.frame(make, page, &path, value))
            }
            Page::Archive => {
                let years = (0..site.archive.years.len())
                    .map(|y| self.year_ref(y))
                    .collect();
                (
                    "archive.html",
                    self.frame(
                        make,
                        page,
                        &path,
                        ArchivePage {
                            years,
                            timeline: timeline::svg(
                                config,
                                site.articles.iter().map(|a| a.date.day),
                            )
                            .map(|svg| Value::safe_string(&svg)),
                        },
                    ),
                )
            }
            Page::ArchiveYear(y) => (
                "archive_year.html",
                self.frame(make, page, &path, self.archive_year(y)),
            ),
            Page::ArchiveMonth { year, month } => (
                "archive_month.html",
                self.frame(make, page, &path, self.archive_month(year, month)),
            ),
            Page::Feed => {
                let everything: Vec<usize> = (0..site.articles.len().min(FEED_ENTRIES)).collect();
                let home = Route::Home { number: 1 }.path();
                let feed = self.feed(&config.title, &path, &home, &everything, bodies)?;
                ("feed.xml", self.frame(make, page, &path, feed))
            }
            Page::Sitemap => match self.sitemap_parts() {
                [one] => (
                    "sitemap.xml",
                    self.frame(make, page, &path, self.sitemap(one)),
                ),
                parts => (
                    "sitemap_index.xml",
                    self.frame(make, page, &path, self.sitemap_index(parts)),
                ),
            },
            Page::SitemapPart(k) => match self.sitemap_parts().get(k.wrapping_sub(1)) {
                Some(part) => (
                    "sitemap.xml",
                    self.frame(make, page, &path, self.sitemap(part)),
                ),
                None => {
                    return Err(Diagnostic::new(
                        None,
                        format!("internal error: the sitemap has no part {k}"),
                    ))
                }
            },
            Page::Robots => {
                // robots.txt may only name a sitemap by its absolute URL.
                let sitemap_url = config
                    .base
                    .origin
                    .as_ref()
                    .map(|_| config.permalink(&Route::Sitemap.path()));
                (
                    "robots.txt",
                    self.frame(make, page, &path, RobotsPage { sitemap_url }),
                )
            }
            Page::NotFound => ("404.html", self.frame(make, page, &path, NotFoundPage {})),
            Page::Search => {
                let value = SearchPage {
                    index_url: config.href(&format!("{path}meta.json")),
                    script_url: crate::search::script_href(config),
                };
                ("search.html", self.frame(make, page, &path, value))
            }
        };
        // Only an article's `extra:` can hold values templates cannot take: say where it is.
        let ctx = ctx.map_err(|d| match page {
            Page::Article(i) => {
                let a = &site.articles[i];
                let at = crate::content::source::locate_value(&a.file, "extra", "").unwrap_or(0);
                Diagnostic::at_offset(&a.shown, &a.file.text, at, d.message)
                    .with_hint("`extra:` maps need text or number keys")
            }
            _ => d,
        })?;
        Ok((template, ctx))
    }

    fn frame<T: Serialize>(
        &self,
        make: Make<'_>,
        kind: Page,
        path: &str,
        page: T,
    ) -> Result<Value, Diagnostic> {
        let config = &self.site.config;
        let frame = Frame {
            site: Ref(&self.site_value),
            current_url: config.href(path),
            current_permalink: config.permalink(path),
            structured_data: metadata::structured_data(self.site, kind, path)
                .map(|json| Value::safe_string(&json)),
            page,
        };
        match make {
            Make::Value => Value::try_from_serializable(&frame).map_err(|e| e.to_string()),
            Make::Number(shared) => fingerprint::number_of(&frame, shared).map(Value::from),
        }
        .map_err(|e| {
            Diagnostic::new(
                None,
                format!("the values of page {path} cannot be given to templates: {e}"),
            )
            .with_hint("`extra:` maps need text or number keys")
        })
    }

    /// Page `number` of a list of `total` articles whose `k`-th is `item(k)`, with its
    /// paginator (only the page's own entries are touched, so pagination stays linear).
    fn list(
        &self,
        total: usize,
        item: impl Fn(usize) -> usize,
        number: usize,
        route: impl Fn(usize) -> String,
    ) -> (Vec<Ref<'_>>, Paginator) {
        self.list_by(self.site.config.per_page, total, item, number, route)
    }

    /// [`Renderer::list`] with `per_page` entries a page.
    fn list_by(
        &self,
        per_page: usize,
        total: usize,
        item: impl Fn(usize) -> usize,
        number: usize,
        route: impl Fn(usize) -> String,
    ) -> (Vec<Ref<'_>>, Paginator) {
        let config = &self.site.config;
        let start = ((number - 1) * per_page).min(total);
        let end = (start + per_page).min(total);
        let pages = (start..end)
            .map(|k| Ref(&self.summaries[item(k)]))
            .collect();
        (
            pages,
            Paginator::with_per_page(config, per_page, number, total, route),
        )
    }

    fn year_ref(&self, y: usize) -> YearRef {
        let year = &self.site.archive.years[y];
        YearRef {
            year: year.year,
            count: year.count,
            url: self
                .site
                .config
                .href(&Route::ArchiveYear { year: year.year }.path()),
        }
    }

    /// Month `m` of year `y`, previewing its newest `shown` articles (all of them: `usize::MAX`).
    fn month_group(&self, y: usize, m: usize, shown: usize) -> MonthGroup<'_> {
        let site = self.site;
        let month = &site.archive.years[y].months[m];
        let pages: Vec<Ref> = month
            .articles
            .iter()
            .map(|&i| Ref(&self.summaries[i]))
            .collect();
        MonthGroup {
            month: month_key(site, y, m),
            number: month.month,
            preview: pages.iter().take(shown).copied().collect(),
            pages,
            count: month.articles.len(),
            url: site.month_pages(y).then(|| self.month_url(y, m)),
        }
    }

    /// The href of month `m` of year `y`'s own page.
    fn month_url(&self, y: usize, m: usize) -> String {
        let site = self.site;
        site.config
            .href(&site.route(Page::ArchiveMonth { year: y, month: m }).path())
    }

    fn month_ref(&self, y: usize, m: usize) -> MonthRef {
        let site = self.site;
        MonthRef {
            month: month_key(site, y, m),
            number: site.archive.years[y].months[m].month,
            count: site.archive.years[y].months[m].articles.len(),
            url: self.month_url(y, m),
        }
    }

    fn archive_month(&self, y: usize, m: usize) -> ArchiveMonthPage<'_> {
        let months = self.site.archive.years[y].months.len();
        ArchiveMonthPage {
            year: self.year_ref(y),
            month: self.month_group(y, m, usize::MAX),
            newer_month: m.checked_sub(1).map(|n| self.month_ref(y, n)),
            older_month: Some(m + 1)
                .filter(|&n| n < months)
                .map(|n| self.month_ref(y, n)),
        }
    }

    fn archive_year(&self, y: usize) -> ArchiveYearPage<'_> {
        let year = &self.site.archive.years[y];
        let shown = if self.site.month_pages(y) {
            crate::index::pages::MONTH_PREVIEW
        } else {
            usize::MAX
        };
        let months = (0..year.months.len())
            .map(|m| self.month_group(y, m, shown))
            .collect();
        let years = self.site.archive.years.len();
        ArchiveYearPage {
            year: self.year_ref(y),
            months,
            newer_year: y.checked_sub(1).map(|j| self.year_ref(j)),
            older_year: Some(y + 1).filter(|&j| j < years).map(|j| self.year_ref(j)),
        }
    }

    /// The sitemap's parts ([`Site::sitemap`]), made once.
    fn sitemap_parts(&self) -> &[Vec<Page>] {
        self.sitemap.get_or_init(|| self.site.sitemap())
    }

    /// When article `i` last changed (its `updated`, else its date).
    fn changed(&self, i: usize) -> crate::arabic::dates::ArticleDate {
        let a = &self.site.articles[i];
        a.updated.unwrap_or(a.date)
    }

    /// When article `i` last changed, as a sitemap says it.
    fn lastmod(&self, i: usize) -> String {
        self.changed(i).machine()
    }

    /// A sitemap file listing `pages`.
    fn sitemap(&self, pages: &[Page]) -> SitemapPage {
        let site = self.site;
        let urls = pages
            .iter()
            .map(|&p| SitemapUrl {
                loc: site.config.permalink(&site.route(p).path()),
                lastmod: match p {
                    Page::Article(i) => Some(self.lastmod(i)),
                    _ => None,
                },
            })
            .collect();
        SitemapPage { urls }
    }

    /// The index of a sitemap in parts: each part's address and, for parts of articles, when the
    /// newest change among them was.
    fn sitemap_index(&self, parts: &[Vec<Page>]) -> SitemapIndexPage {
        let site = self.site;
        let sitemaps = parts
            .iter()
            .enumerate()
            .map(|(k, part)| {
                let latest = part
                    .iter()
                    .filter_map(|p| match *p {
                        Page::Article(i) => Some((self.changed(i).sort_key(), i)),
                        _ => None,
                    })
                    .max();
                SitemapUrl {
                    loc: site
                        .config
                        .permalink(&Route::SitemapPart { number: k + 1 }.path()),
                    lastmod: latest.map(|(_, i)| self.lastmod(i)),
                }
            })
            .collect();
        SitemapIndexPage { sitemaps }
    }

    fn feed(
        &self,
        title: &str,
        self_path: &str,
        alternate: &str,
        items: &[usize],
        bodies: Bodies,
    ) -> Result<FeedPage<'_>, Diagnostic> {
        let config = &self.site.config;
        let items = &items[..items.len().min(FEED_ENTRIES)];
        let entries = items
            .iter()
            .map(|&i| {
                let a = &self.site.articles[i];
                let permalink = config.permalink(&a.path);
                let body = match bodies {
                    Bodies::Read => crate::url::anchors_to(&a.body.read_of(&a.shown)?, &permalink),
                    // What the body becomes depends on it and on the permalink only.
                    Bodies::StandIn => format!("{} {permalink}", context::body_stand_in(a)),
                };
                Ok(FeedEntry {
                    summary: Ref(&self.summaries[i]),
                    content: match &a.cover {
                        Some(cover) => format!("{}{body}", feed_figure(config, cover)),
                        None => body,
                    },
                    atom_id: atom_id(config, &a.path),
                })
            })
            .collect::<Result<_, Diagnostic>>()?;
        let updated = items
            .iter()
            .map(|&i| {
                let a = &self.site.articles[i];
                a.updated.unwrap_or(a.date)
            })
            .max_by_key(|d| d.sort_key())
            .map(|d| d.rfc3339())
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        Ok(FeedPage {
            feed: FeedValue {
                title: title.to_string(),
                id: atom_id(config, self_path),
                self_url: config.permalink(self_path),
                alternate_url: config.permalink(alternate),
                updated,
                base: config
                    .base
                    .origin
                    .as_ref()
                    .map(|_| config.permalink(&Route::Home { number: 1 }.path())),
            },
            entries,
        })
    }

    /// Renders `pages` in parallel into `sink`. Template problems are collected (each distinct
    /// one reported once, naming the first page it broke: exit 1); the first I/O failure of the
    /// sink stops the work and is the only error reported (exit 2). Returns how many files
    /// were written.
    /// A page whose context and templates are what its file in the previous output was made
    /// from is not rendered again: the sink keeps that file ([`Sink::keep`]).
    pub fn render_into(&self, pages: &[Page], sink: &dyn Sink) -> Result<usize, Failure> {
        let files: Vec<String> = pages.iter().map(|&p| self.file(p)).collect();
        sink.prepare(&files)?;
        let salts = sink
            .remembers()
            .then(|| fingerprint::Salts::new(&self.site.config, self.sources));
        // Hashed once here, each stands for itself in every page that shows it: the names
        // articles link to (without their counts when no template reads them), each article's
        // list form, and the site's values (without the article count, and with each
        // taxonomy's number of names as none or some, when no template reads more; so too the
        // taxonomy of each name's pages).
        let shared = match salts {
            Some(_) => {
                let mut shared = fingerprint::Shared::default();
                if !reads::reads_term_counts(self.sources) {
                    shared.terms_without_counts(&self.summaries);
                }
                shared.add(&self.summaries.iter().collect::<Vec<_>>());
                let count = reads::reads_article_count(self.sources);
                let sizes = reads::reads_taxonomy_sizes(self.sources);
                if count && sizes {
                    shared.stand_as(&self.site_value, &self.site_value);
                } else {
                    let mut values = SiteContext::new(self.site);
                    if !count {
                        values.article_count = 0;
                    }
                    if !sizes {
                        for x in &mut values.taxonomies {
                            x.count = x.count.min(1);
                        }
                    }
                    shared.stand_as(&self.site_value, &Value::from_serializable(&values));
                }
                if !sizes {
                    for (x, value) in self.taxonomy_values.iter().enumerate() {
                        let mut of = taxonomy_ref(self.site, x);
                        of.count = of.count.min(1);
                        shared.stand_as(value, &Value::from_serializable(&of));
                    }
                }
                shared
            }
            None => fingerprint::Shared::default(),
        };
        let store = |page: Page, file: &str| -> Result<Result<(), Diagnostic>, Failure> {
            // Fingerprinted with stand-ins for its bodies, a page reads them back only when it
            // is rendered again.
            let bodies = match salts {
                Some(_) if Self::shows_bodies(page) => Bodies::StandIn,
                _ => Bodies::Read,
            };
            let Some(salts) = &salts else {
                return match self.context_with(page, bodies, Make::Value) {
                    Ok((template, value)) => match self.render_context(template, value) {
                        Ok(bytes) => sink.write(file, bytes).map(Ok),
                        Err(d) => Ok(Err(d)),
                    },
                    Err(d) => Ok(Err(d)),
                };
            };
            // The page's number straight from its values: its context is made only when the
            // page is rendered again (at 100 000 articles, making every page's context to
            // compare it was most of what an edit build spent on pages).
            let (template, number) = match self.context_with(page, bodies, Make::Number(&shared)) {
                Ok(c) => c,
                Err(d) => return Ok(Err(d)),
            };
            let inputs = salts.page(template, &number, &fingerprint::Shared::default());
            if sink.keep(file, inputs) {
                return Ok(Ok(()));
            }
            let (template, value) = match self.context_with(page, Bodies::Read, Make::Value) {
                Ok(c) => c,
                Err(d) => return Ok(Err(d)),
            };
            match self.render_context(template, value) {
                Ok(bytes) => sink.write_made(file, bytes, inputs).map(Ok),
                Err(d) => Ok(Err(d)),
            }
        };
        let stop = AtomicBool::new(false);
        let io_failure: Mutex<Option<Failure>> = Mutex::new(None);
        // Pages that list a whole year or the whole archive take a thousand times longer than
        // the others: started first, so the threads share out the rest and none of them ends the
        // build rendering one of those alone (two seconds at 100 000 articles).
        let whole = |p: &Page| {
            matches!(
                p,
                Page::Sitemap
                    | Page::SitemapPart(_)
                    | Page::Archive
                    | Page::ArchiveYear(_)
                    | Page::Taxonomy(_)
            )
        };
        let order: Vec<usize> = (0..pages.len())
            .filter(|&k| whole(&pages[k]))
            .chain((0..pages.len()).filter(|&k| !whole(&pages[k])))
            .collect();
        let mut failures: Vec<(Diagnostic, &String)> = order
            .par_iter()
            .map(|&k| (pages[k], &files[k]))
            .filter_map(|(page, file)| {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                match store(page, file) {
                    Ok(Ok(())) => None,
                    Ok(Err(d)) => Some((d, file)),
                    Err(f) => {
                        stop.store(true, Ordering::Relaxed);
                        if let Ok(mut slot) = io_failure.lock() {
                            slot.get_or_insert(f);
                        }
                        None
                    }
                }
            })
            .collect();
        if let Some(f) = io_failure.into_inner().ok().flatten() {
            return Err(f);
        }
        if failures.is_empty() {
            return Ok(files.len());
        }
        // The same template mistake fails on every page that uses it: report it once.
        failures.sort_by(|(a, pa), (b, pb)| {
            (a.location(), &a.message, pa).cmp(&(b.location(), &b.message, pb))
        });
        failures.dedup_by(|(a, _), (b, _)| a.location() == b.location() && a.message == b.message);
        Err(Failure::Site(
            failures
                .into_iter()
                .map(|(mut d, file)| {
                    d.message = format!("{} (while rendering {file})", d.message);
                    d
                })
                .collect(),
        ))
    }
}

/// A cover as feed readers show it: one absolute image (the shared variant), caption, credit.
fn feed_figure(config: &crate::config::Config, cover: &crate::content::article::Cover) -> String {
    use crate::arabic::bidi::escape_html;
    let share = cover.info.fallback(crate::images::SHARE_WIDTH);
    let mut html = format!(
        "<figure><img src=\"{}\" width=\"{}\" height=\"{}\" alt=\"{}\">",
        escape_html(&config.permalink(&format!("/{}", share.file))),
        share.width,
        share.height,
        escape_html(&cover.alt)
    );
    let parts: Vec<String> = [&cover.caption, &cover.credit]
        .into_iter()
        .flatten()
        .map(|t| format!("<bdi>{}</bdi>", escape_html(t)))
        .collect();
    if !parts.is_empty() {
        html.push_str(&format!("<figcaption>{}</figcaption>", parts.join(" — ")));
    }
    html.push_str("</figure>");
    html
}

/// `2025-04`: a month as the `arabic_month` filter reads it.
fn month_key(site: &Site, y: usize, m: usize) -> String {
    let year = &site.archive.years[y];
    format!("{}-{:02}", year.year, year.months[m].month)
}

/// An Atom id: the permalink when `base_url` is absolute, else a stable URN of the path.
fn atom_id(config: &crate::config::Config, path: &str) -> String {
    match &config.base.origin {
        Some(_) => config.permalink(path),
        None => format!("urn:warraq:{}", config.href(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::{daily, site_with, tagged_x};
    use crate::index::SitemapLimits;

    /// Every page of `site` rendered with the default templates: file → text.
    fn render_all(site: &Site) -> std::collections::BTreeMap<String, String> {
        render_with(site, &[])
    }

    /// Every page of `site` rendered with the default templates but `own` (name, text).
    fn render_with(
        site: &Site,
        own: &[(&str, &str)],
    ) -> std::collections::BTreeMap<String, String> {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in own {
            let path = dir.path().join("templates").join(name);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("templates/");
            std::fs::write(path, text).expect("template");
        }
        let (tera, sources) = templates::load(dir.path(), &site.config).expect("templates");
        let sink = crate::serve::model::MemorySink::default();
        Renderer::new(site, &tera, &sources)
            .render_into(&site.pages(), &sink)
            .expect("rendered");
        sink.into_files()
            .into_iter()
            .map(|(f, b)| (f, String::from_utf8(b).expect("UTF-8")))
            .collect()
    }

    /// Every summary of `site` with each of its term references' `count` raised by 1 000.
    fn counts_raised(site: &Site) -> Vec<Value> {
        let raise = |term: &Value| -> Value {
            let map: tera::Map = term
                .as_map()
                .expect("a term reference")
                .iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v.as_i128()) {
                        (Some("count"), Some(n)) => Value::from((n + 1000) as u64),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect();
            Value::from(map)
        };
        let list = |v: &Value| -> Value {
            Value::from(
                v.as_array()
                    .expect("a list")
                    .iter()
                    .map(raise)
                    .collect::<Vec<_>>(),
            )
        };
        context::summaries(site)
            .iter()
            .map(|summary| {
                let map: tera::Map = summary
                    .as_map()
                    .expect("a summary")
                    .iter()
                    .map(|(k, v)| {
                        let v = match k.as_str() {
                            Some("tags") => list(v),
                            Some("terms") => Value::from(
                                v.as_map()
                                    .expect("terms by taxonomy")
                                    .iter()
                                    .map(|(x, l)| (x.clone(), list(l)))
                                    .collect::<tera::Map>(),
                            ),
                            _ => v.clone(),
                        };
                        (k.clone(), v)
                    })
                    .collect();
                Value::from(map)
            })
            .collect()
    }

    /// Page fingerprints leave out the counts of the names articles link to when the templates
    /// cannot read them (`reads::reads_term_counts`), and the default templates count as unable
    /// to: this holds them to it. Every page rendered with every such count changed is the same
    /// (the pages that do show counts, tags and writers' own, make their names anew).
    #[test]
    fn the_default_templates_show_no_count_of_the_names_an_article_links_to() {
        use crate::index::tests::{article, site_from};
        let files = [
            article("a1", "date: 2025-01-01\ntags: [سوريا, داعش]\nauthor: فريق وراق\nsource: {name: الشرق الأوسط, url: \"https://aawsat.com/x\"}", "نص أول."),
            article("a2", "date: 2025-01-02\ntags: [سوريا]\nauthor: [فريق وراق, كاتب آخر]\nseries: {name: ملف, part: 1}", "نص ثان."),
            article("a3", "date: 2025-02-03\ntags: [داعش]\nauthor: كاتب آخر\nrelated: [a1]\nseries: {name: ملف, part: 2}", "نص ثالث."),
        ];
        let site =
            site_from(&files, "per_page: 2\nbase_url: https://example.org/\n").expect("site");
        assert!(
            site.taxonomies.len() >= 3 && site.taxonomies.iter().all(|t| !t.terms.is_empty()),
            "tags, writers and sources all have names"
        );
        let expected = render_all(&site);
        let dir = tempfile::tempdir().expect("temp dir");
        let (tera, sources) = templates::load(dir.path(), &site.config).expect("templates");
        let sink = crate::serve::model::MemorySink::default();
        Renderer::with_summaries(&site, &tera, &sources, counts_raised(&site))
            .render_into(&site.pages(), &sink)
            .expect("rendered");
        let raised: std::collections::BTreeMap<String, String> = sink
            .into_files()
            .into_iter()
            .map(|(f, b)| (f, String::from_utf8(b).expect("UTF-8")))
            .collect();
        assert_eq!(expected.len(), raised.len());
        for (file, text) in &expected {
            assert_eq!(text, &raised[file], "{file} shows a linked name's count");
        }
        // The check can fail: a card that prints its tags' counts.
        let card = templates::DEFAULTS
            .iter()
            .find(|(n, _)| *n == "partials/card.html")
            .expect("card")
            .1
            .replace(
                "{{ t.name | isolate }}",
                "{{ t.name | isolate }} ({{ t.count }})",
            );
        let own = render_with(&site, &[("partials/card.html", &card)]);
        assert_ne!(own["index.html"], expected["index.html"]);
        assert!(own["index.html"].contains("(2)"), "a tag of two articles");
    }

    /// Page fingerprints see each taxonomy's number of names as none or some when no template
    /// reads more (`reads::reads_taxonomy_sizes`), and the default templates count as unable
    /// to: this holds them to it. Every page rendered with every taxonomy that has names given
    /// a thousand more (in the site's values and on its names' pages) is the same.
    #[test]
    fn the_default_templates_ask_only_whether_a_taxonomy_has_names() {
        use crate::index::tests::{article, site_from};
        let files = [
            article("a1", "date: 2025-01-01\ntags: [سوريا, داعش]\nauthor: فريق وراق", "نص أول."),
            article("a2", "date: 2025-01-02\ntags: [سوريا]\nsource: {name: الشرق الأوسط, url: \"https://aawsat.com/x\"}", "نص ثان."),
            article("a3", "date: 2025-02-03\nrelated: [a1]", "نص ثالث."),
        ];
        let site = site_from(&files, "per_page: 2\n").expect("site");
        let expected = render_all(&site);
        let dir = tempfile::tempdir().expect("temp dir");
        let (tera, sources) = templates::load(dir.path(), &site.config).expect("templates");
        let mut renderer = Renderer::new(&site, &tera, &sources);
        let mut values = SiteContext::new(&site);
        let mut raised = 0;
        for x in &mut values.taxonomies {
            if x.count > 0 {
                x.count += 1000;
                raised += 1;
            }
        }
        assert!(raised >= 3, "tags, writers and sources have names");
        renderer.site_value = Value::from_serializable(&values);
        // And the taxonomy every page of one of its names gets.
        renderer.taxonomy_values = values
            .taxonomies
            .iter()
            .map(Value::from_serializable)
            .collect();
        let sink = crate::serve::model::MemorySink::default();
        renderer
            .render_into(&site.pages(), &sink)
            .expect("rendered");
        let files = sink.into_files();
        assert_eq!(expected.len(), files.len());
        for (file, bytes) in files {
            assert_eq!(
                expected[&file].as_bytes(),
                &bytes[..],
                "{file} shows how many names a taxonomy has"
            );
        }
        // The check can fail: a navigation that prints the count.
        let base = templates::DEFAULTS
            .iter()
            .find(|(n, _)| *n == "base.html")
            .expect("base")
            .1
            .replace("{{ t.title }}</a>", "{{ t.title }} ({{ t.count }})</a>");
        let own = render_with(&site, &[("base.html", &base)]);
        assert_ne!(own["index.html"], expected["index.html"]);
        assert!(own["index.html"].contains("(2)"), "two tags");
    }

    /// The `<section>` of a page that starts with `start` (an attribute), to its end.
    fn section<'a>(html: &'a str, start: &str) -> &'a str {
        html.split(start)
            .nth(1)
            .and_then(|rest| rest.split("</section>").next())
            .unwrap_or_else(|| panic!("no section {start}"))
    }

    /// The texts of every `<tag>` element of an XML file, in order.
    fn texts<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
        let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
        xml.split(open.as_str())
            .skip(1)
            .map(|rest| rest.split(close.as_str()).next().unwrap_or(""))
            .collect()
    }

    #[test]
    fn a_sitemap_too_large_for_one_file_becomes_an_index_of_parts() {
        let articles = daily("2025-01", 7);
        let list = tagged_x(&articles);
        let yaml = "per_page: 2\nbase_url: https://example.org/\n";
        let whole = render_all(&site_with(&list, yaml));
        let one = &whole["sitemap.xml"];
        assert!(one.contains("<urlset"), "{one}");
        assert!(!whole.keys().any(|f| f.starts_with("sitemaps/")));
        let every: std::collections::BTreeSet<&str> = texts(one, "loc").into_iter().collect();

        let mut site = site_with(&list, yaml);
        site.sitemap_limits = SitemapLimits {
            urls: 3,
            bytes: 1 << 20,
        };
        let split = render_all(&site);
        let index = &split["sitemap.xml"];
        assert!(index.contains("<sitemapindex"), "{index}");
        let parts = texts(index, "loc");
        let files: Vec<&String> = split
            .keys()
            .filter(|f| f.starts_with("sitemaps/"))
            .collect();
        assert_eq!(parts.len(), files.len(), "{index}");
        assert!(parts.len() >= every.len().div_ceil(3));
        let mut listed = Vec::new();
        for (k, loc) in parts.iter().enumerate() {
            assert_eq!(*loc, format!("https://example.org/sitemaps/{}.xml", k + 1));
            let part = &split[&format!("sitemaps/{}.xml", k + 1)];
            assert!(part.contains("<urlset"), "{part}");
            let locs = texts(part, "loc");
            assert!((1..=3).contains(&locs.len()), "{part}");
            listed.extend(locs);
        }
        // Every URL once, in the parts: the articles oldest first, then the other pages.
        assert_eq!(listed.len(), every.len(), "{listed:?}");
        assert_eq!(
            listed
                .iter()
                .copied()
                .collect::<std::collections::BTreeSet<_>>(),
            every
        );
        assert_eq!(listed[0], "https://example.org/a1/");
        assert_eq!(listed[6], "https://example.org/a7/");
        // A part of articles says when its newest one changed; the other parts say nothing.
        assert_eq!(
            texts(index, "lastmod")[..3],
            ["2025-01-03", "2025-01-06", "2025-01-07"]
        );
        assert_eq!(texts(index, "lastmod").len(), 3, "{index}");
        assert!(split["robots.txt"].contains("Sitemap: https://example.org/sitemap.xml"));
    }

    #[test]
    fn a_year_too_large_for_one_page_lists_each_month_on_a_page_of_its_own() {
        // Twelve articles in April 2025, one in May 2025, one in 2024.
        let mut articles = daily("2025-04", 12);
        articles.push(("may".into(), "2025-05-02".into()));
        articles.push(("old".into(), "2024-01-02".into()));
        let list = tagged_x(&articles);
        let yaml = "per_page: 2\n";
        let small = render_all(&site_with(&list, yaml));
        assert!(!small.keys().any(|f| f.starts_with("archive/2025/0")));
        assert!(!small["archive/2025/index.html"].contains("archive-more"));

        let mut site = site_with(&list, yaml);
        site.year_page_articles = 5;
        let files = render_all(&site);
        let year = &files["archive/2025/index.html"];
        let april = &files["archive/2025/04/index.html"];
        let may = &files["archive/2025/05/index.html"];
        assert!(
            !files.contains_key("archive/2024/01/index.html"),
            "2024 fits on its page"
        );
        // The year's page: each month's newest ten, and a link to the whole month.
        let in_april = section(year, "id=\"m4\"");
        assert_eq!(
            in_april.matches("<li>").count(),
            crate::index::pages::MONTH_PREVIEW
        );
        assert!(in_april.contains("href=\"/a12/\""), "newest first");
        assert!(!in_april.contains("href=\"/a1/\""));
        assert!(
            in_april.contains("href=\"/archive/2025/04/\""),
            "{in_april}"
        );
        // The month's page: every article, the way back to its year, and its neighbours.
        let listed = section(april, "class=\"archive-month\"");
        assert_eq!(listed.matches("<li>").count(), 12);
        assert!(april.contains("href=\"/a1/\""));
        assert!(april.contains("href=\"/archive/2025/#m4\""));
        assert!(
            april.contains("href=\"/archive/2025/05/\""),
            "the newer month"
        );
        assert!(
            may.contains("href=\"/archive/2025/04/\""),
            "the older month"
        );
        assert!(april.contains("dir=\"rtl\""));
        // A site's own year template from before month pages lists `pages`: still every article.
        let own = render_with(
            &site,
            &[(
                "archive_year.html",
                "{% for m in months %}{% for p in m.pages %}<li>{{ p.url }}</li>{% endfor %}{% endfor %}",
            )],
        );
        assert_eq!(own["archive/2025/index.html"].matches("<li>").count(), 13);
        // Editing an April article shows on its month's page.
        let i = crate::index::tests::index_of(&site, "a3");
        assert!(site
            .pages_showing(i)
            .contains(&Page::ArchiveMonth { year: 0, month: 1 }));
    }
}
