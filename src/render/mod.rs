//! Rendering: a finished [`Site`] becomes a list of [`Page`]s (output path + template + context),
//! each rendered independently, in parallel, by the compiled templates. Nothing here touches the
//! file system; `output` writes what this produces.

pub mod context;
pub mod filters;
pub mod templates;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::diagnostics::Diagnostic;
use crate::index::Site;
use context::{page_path, Paginator, SiteContext};

/// What one output file is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    Home { number: usize },
    Article(usize),
    Tags,
    Tag { tag: usize, number: usize },
    TagFeed(usize),
    Archive,
    ArchiveYear(usize),
    Feed,
    Sitemap,
    Robots,
    NotFound,
}

/// Everything rendering needs, prepared once.
pub struct Renderer<'a> {
    pub site: &'a Site,
    tera: &'a Tera,
    site_value: Value,
    summaries: Vec<Value>,
    /// 0..n: the home list and the site feed are every article, newest first.
    everything: Vec<usize>,
    sources: templates::Sources,
}

/// How many entries a feed holds.
pub const FEED_ENTRIES: usize = 20;

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, tera: &'a Tera, sources: templates::Sources) -> Self {
        Self::with_summaries(site, tera, sources, context::summaries(site))
    }

    /// A renderer reusing list-form values computed earlier (`serve` keeps them between edits).
    pub fn with_summaries(
        site: &'a Site,
        tera: &'a Tera,
        sources: templates::Sources,
        summaries: Vec<Value>,
    ) -> Self {
        let site_value =
            Value::from_serializable(&SiteContext::new(&site.config, site.articles.len()));
        let everything = (0..site.articles.len()).collect();
        Renderer {
            site,
            tera,
            site_value,
            summaries,
            everything,
            sources,
        }
    }

    /// Gives the list-form values back, to be reused.
    pub fn into_summaries(self) -> Vec<Value> {
        self.summaries
    }

    /// The pages that show anything of article `i` (used by `serve` after an edit that keeps the
    /// archive's structure): its own page, the home and tag pages that list it, the feeds that
    /// include it, its archive year, its neighbours (previous/next links), every article whose
    /// related, backlinks or similar list shows it, and the sitemap.
    pub fn pages_showing(&self, i: usize) -> Vec<Page> {
        let site = self.site;
        let per_page = site.config.per_page;
        let mut pages = vec![
            Page::Article(i),
            Page::Home {
                number: i / per_page + 1,
            },
            Page::Sitemap,
        ];
        if site.config.feeds && i < FEED_ENTRIES {
            pages.push(Page::Feed);
        }
        for &t in &site.article_tags[i] {
            if let Some(pos) = site.tags[t].articles.iter().position(|&j| j == i) {
                pages.push(Page::Tag {
                    tag: t,
                    number: pos / per_page + 1,
                });
                if site.config.feeds && pos < FEED_ENTRIES {
                    pages.push(Page::TagFeed(t));
                }
            }
        }
        if let Some(y) = site
            .archive
            .years
            .iter()
            .position(|y| y.months.iter().any(|m| m.articles.contains(&i)))
        {
            pages.push(Page::ArchiveYear(y));
        }
        let neighbours = [
            i.checked_sub(1),
            Some(i + 1).filter(|&j| j < site.articles.len()),
        ];
        pages.extend(neighbours.into_iter().flatten().map(Page::Article));
        for (j, related) in site.related.iter().enumerate() {
            let declared = related
                .declared
                .iter()
                .any(|d| matches!(d, crate::index::related::Declared::Article(k) if *k == i));
            if j != i
                && (declared || related.backlinks.contains(&i) || related.similar.contains(&i))
            {
                pages.push(Page::Article(j));
            }
        }
        pages
    }

    /// Every page of the site.
    pub fn pages(&self) -> Vec<Page> {
        let site = self.site;
        let per_page = site.config.per_page;
        let mut pages = Vec::with_capacity(site.articles.len() * 2);
        let home_pages = site.articles.len().div_ceil(per_page).max(1);
        pages.extend((1..=home_pages).map(|number| Page::Home { number }));
        pages.extend((0..site.articles.len()).map(Page::Article));
        pages.push(Page::Tags);
        for (t, tag) in site.tags.iter().enumerate() {
            pages.extend(
                (1..=tag.articles.len().div_ceil(per_page).max(1))
                    .map(|number| Page::Tag { tag: t, number }),
            );
            if site.config.feeds {
                pages.push(Page::TagFeed(t));
            }
        }
        pages.push(Page::Archive);
        pages.extend((0..site.archive.years.len()).map(Page::ArchiveYear));
        if site.config.feeds {
            pages.push(Page::Feed);
        }
        pages.extend([Page::Sitemap, Page::Robots, Page::NotFound]);
        pages
    }

    /// The output file of a page, relative to the output folder.
    pub fn output_path(&self, page: &Page) -> String {
        let site = self.site;
        let dir_index = |p: &str| format!("{}index.html", p.trim_start_matches('/'));
        match page {
            Page::Home { number } => dir_index(&page_path("/", *number)),
            Page::Article(i) => dir_index(&site.articles[*i].path),
            Page::Tags => "tags/index.html".into(),
            Page::Tag { tag, number } => dir_index(&page_path(
                &format!("/tags/{}/", site.tags[*tag].slug),
                *number,
            )),
            Page::TagFeed(t) => format!("tags/{}/feed.xml", site.tags[*t].slug),
            Page::Archive => "archive/index.html".into(),
            Page::ArchiveYear(y) => format!("archive/{}/index.html", site.archive.years[*y].year),
            Page::Feed => "feed.xml".into(),
            Page::Sitemap => "sitemap.xml".into(),
            Page::Robots => "robots.txt".into(),
            Page::NotFound => "404.html".into(),
        }
    }

    /// Renders one page.
    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        let site = self.site;
        let config = &site.config;
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_value.clone());
        let list = |ctx: &mut Context, items: &[usize], base: &str, number: usize| {
            let start = (number - 1) * config.per_page;
            let slice: Vec<Value> = items
                .iter()
                .skip(start)
                .take(config.per_page)
                .map(|&i| self.summaries[i].clone())
                .collect();
            ctx.insert_value("pages", Value::from(slice));
            ctx.insert(
                "paginator",
                &Paginator::new(config, base, number, items.len()),
            );
        };
        let (template, current_path) = match page {
            Page::Home { number } => {
                list(&mut ctx, &self.everything, "/", *number);
                ("home.html", page_path("/", *number))
            }
            Page::Article(i) => {
                ctx.insert_value("page", context::article(site, *i, &self.summaries));
                ("article.html", site.articles[*i].path.clone())
            }
            Page::Tags => {
                let tags: Vec<_> = (0..site.tags.len())
                    .map(|t| context::tag_ref(site, t))
                    .collect();
                ctx.insert("tags", &tags);
                ("tags.html", "/tags/".to_string())
            }
            Page::Tag { tag, number } => {
                let base = format!("/tags/{}/", site.tags[*tag].slug);
                ctx.insert("tag", &self.tag_value(*tag));
                list(&mut ctx, &site.tags[*tag].articles, &base, *number);
                ("tag.html", page_path(&base, *number))
            }
            Page::TagFeed(t) => {
                let tag = &site.tags[*t];
                let path = format!("/tags/{}/feed.xml", tag.slug);
                let title = format!("{} — {}", config.title, tag.name);
                self.feed(
                    &mut ctx,
                    &title,
                    &path,
                    &format!("/tags/{}/", tag.slug),
                    &tag.articles,
                );
                ("feed.xml", path)
            }
            Page::Archive => {
                let years: Vec<_> = site
                    .archive
                    .years
                    .iter()
                    .map(|y| serde_json::json!({"year": y.year, "count": y.count, "url": config.href(&format!("/archive/{}/", y.year))}))
                    .collect();
                ctx.insert("years", &years);
                ("archive.html", "/archive/".to_string())
            }
            Page::ArchiveYear(y) => {
                let year = &site.archive.years[*y];
                let months: Vec<Value> = year
                    .months
                    .iter()
                    .map(|m| {
                        let mut map = tera::Map::new();
                        map.insert(
                            "month".into(),
                            Value::from(format!("{}-{:02}", year.year, m.month)),
                        );
                        map.insert("number".into(), Value::from(m.month));
                        map.insert(
                            "pages".into(),
                            Value::from(
                                m.articles
                                    .iter()
                                    .map(|&i| self.summaries[i].clone())
                                    .collect::<Vec<_>>(),
                            ),
                        );
                        Value::from(map)
                    })
                    .collect();
                let neighbour = |j: Option<usize>| {
                    j.and_then(|j| site.archive.years.get(j)).map(|y| serde_json::json!({"year": y.year, "url": config.href(&format!("/archive/{}/", y.year))}))
                };
                ctx.insert(
                    "year",
                    &serde_json::json!({"year": year.year, "count": year.count}),
                );
                ctx.insert_value("months", Value::from(months));
                ctx.insert("newer_year", &neighbour(y.checked_sub(1)));
                ctx.insert("older_year", &neighbour(Some(y + 1)));
                ("archive_year.html", format!("/archive/{}/", year.year))
            }
            Page::Feed => {
                self.feed(&mut ctx, &config.title, "/feed.xml", "/", &self.everything);
                ("feed.xml", "/feed.xml".to_string())
            }
            Page::Sitemap => {
                let mut urls: Vec<serde_json::Value> =
                    vec![serde_json::json!({"loc": config.permalink("/")})];
                urls.extend(site.articles.iter().map(|a| {
                    serde_json::json!({"loc": config.permalink(&a.path), "lastmod": a.updated.unwrap_or(a.date).machine()})
                }));
                urls.push(serde_json::json!({"loc": config.permalink("/tags/")}));
                urls.extend(site.tags.iter().map(
                    |t| serde_json::json!({"loc": config.permalink(&format!("/tags/{}/", t.slug))}),
                ));
                urls.push(serde_json::json!({"loc": config.permalink("/archive/")}));
                ctx.insert("urls", &urls);
                ("sitemap.xml", "/sitemap.xml".to_string())
            }
            Page::Robots => {
                // robots.txt may only name a sitemap by its absolute URL.
                let sitemap = config
                    .origin
                    .as_ref()
                    .map(|_| config.permalink("/sitemap.xml"));
                ctx.insert("sitemap_url", &sitemap);
                ("robots.txt", "/robots.txt".to_string())
            }
            Page::NotFound => ("404.html", "/404.html".to_string()),
        };
        ctx.insert("current_url", &config.href(&current_path));
        ctx.insert("current_permalink", &config.permalink(&current_path));
        self.tera
            .render(template, &ctx)
            .map_err(|e| templates::template_error(&e, &self.sources))
    }

    fn tag_value(&self, t: usize) -> serde_json::Value {
        let tag = context::tag_ref(self.site, t);
        let feed = self
            .site
            .config
            .href(&format!("/tags/{}/feed.xml", tag.slug));
        serde_json::json!({"name": tag.name, "slug": tag.slug, "url": tag.url, "count": tag.count, "feed_url": feed})
    }

    fn feed(
        &self,
        ctx: &mut Context,
        title: &str,
        self_path: &str,
        alternate: &str,
        items: &[usize],
    ) {
        let config = &self.site.config;
        let entries: Vec<Value> = items
            .iter()
            .take(FEED_ENTRIES)
            .map(|&i| {
                let a = &self.site.articles[i];
                let mut map = self.summaries[i].as_map().cloned().unwrap_or_default();
                map.insert("content".into(), Value::from(a.body_html.as_str()));
                map.insert("atom_id".into(), Value::from(atom_id(config, &a.path)));
                Value::from(map)
            })
            .collect();
        let updated = items
            .iter()
            .take(FEED_ENTRIES)
            .map(|&i| {
                let a = &self.site.articles[i];
                a.updated.unwrap_or(a.date)
            })
            .max_by_key(|d| d.sort_key())
            .map(|d| d.rfc3339())
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
        ctx.insert(
            "feed",
            &serde_json::json!({
                "title": title,
                "id": atom_id(config, self_path),
                "self_url": config.permalink(self_path),
                "alternate_url": config.permalink(alternate),
                "updated": updated,
            }),
        );
        ctx.insert_value("entries", Value::from(entries));
    }

    /// Renders every page in parallel, handing each result to `write` as soon as it exists.
    /// `prepare` receives every output path first (to create folders once). Returns every error.
    pub fn render_all<P, W>(&self, prepare: P, write: W) -> Vec<Diagnostic>
    where
        P: FnOnce(&[String]) -> Result<(), Diagnostic>,
        W: Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync,
    {
        let pages = self.pages();
        let paths: Vec<String> = pages.iter().map(|p| self.output_path(p)).collect();
        if let Err(d) = prepare(&paths) {
            return vec![d];
        }
        let mut failures: Vec<(Diagnostic, &String)> = pages
            .par_iter()
            .zip(paths.par_iter())
            .filter_map(|(page, path)| {
                let written = self
                    .render(page)
                    .and_then(|html| write(path, html.as_bytes()));
                written.err().map(|d| (d, path))
            })
            .collect();
        // The same template mistake fails on every page that uses it: report it once, naming
        // the first page it broke.
        failures.sort_by(|(a, pa), (b, pb)| {
            (a.location(), &a.message, pa).cmp(&(b.location(), &b.message, pb))
        });
        failures.dedup_by(|(a, _), (b, _)| a.location() == b.location() && a.message == b.message);
        failures
            .into_iter()
            .map(|(mut d, path)| {
                d.message = format!("{} (while rendering {path})", d.message);
                d
            })
            .collect()
    }
}

/// An Atom id: the permalink when `base_url` is absolute, else a stable URN of the path.
fn atom_id(config: &crate::config::Config, path: &str) -> String {
    match &config.origin {
        Some(_) => config.permalink(path),
        None => format!("urn:warraq:{}", config.href(path)),
    }
}
