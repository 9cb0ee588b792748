//! The values templates see (documented in README "Template context"). Built once per article
//! and shared by reference (Tera values are reference-counted), so list pages cost no re-serialising.

use serde::Serialize;
use tera::Value;

use crate::arabic::bidi::Dir;
use crate::config::Config;
use crate::content::article::Article;
use crate::index::related::Declared;
use crate::index::Site;

/// `site` in every template.
#[derive(Serialize)]
pub struct SiteContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub direction: Dir,
    pub feeds: bool,
    /// Hrefs of the site-wide pages.
    pub home_url: String,
    pub tags_url: String,
    pub archive_url: String,
    pub feed_url: String,
    /// Absolute URL of the home page when `base_url` is absolute.
    pub permalink: String,
    pub generator: &'static str,
    pub article_count: usize,
}

impl<'a> SiteContext<'a> {
    pub fn new(config: &'a Config, article_count: usize) -> Self {
        SiteContext {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
            direction: config.direction,
            feeds: config.feeds,
            home_url: config.href("/"),
            tags_url: config.href("/tags/"),
            archive_url: config.href("/archive/"),
            feed_url: config.href("/feed.xml"),
            permalink: config.permalink("/"),
            generator: concat!("warraq ", env!("CARGO_PKG_VERSION")),
            article_count,
        }
    }
}

/// A tag as linked from an article or listed on `/tags/`.
#[derive(Serialize)]
pub struct TagRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub count: usize,
}

/// The fields of an article shown in lists (home, tags, archive, related lists).
#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    date: String,
    date_rfc3339: String,
    updated: Option<String>,
    updated_rfc3339: String,
    summary: &'a str,
    description: &'a str,
    tags: Vec<TagRef<'a>>,
    authors: &'a [String],
    lang: Option<&'a str>,
    dir: Dir,
    draft: bool,
    word_count: usize,
    reading_minutes: usize,
    id: &'a str,
}

/// Builds the list-form value of every article.
pub fn summaries(site: &Site) -> Vec<Value> {
    use rayon::prelude::*;
    (0..site.articles.len())
        .into_par_iter()
        .map(|i| Value::from_serializable(&summary(site, i)))
        .collect()
}

/// The list-form value of one article (after `serve` replaced it).
pub fn summary_value(site: &Site, i: usize) -> Value {
    Value::from_serializable(&summary(site, i))
}

fn summary(site: &Site, i: usize) -> Summary<'_> {
    let a: &Article = &site.articles[i];
    let config = &site.config;
    Summary {
        title: &a.title,
        url: config.href(&a.path),
        permalink: config.permalink(&a.path),
        path: &a.path,
        date: a.date.machine(),
        date_rfc3339: a.date.rfc3339(),
        updated: a.updated.map(|u| u.machine()),
        updated_rfc3339: a.updated.unwrap_or(a.date).rfc3339(),
        summary: &a.summary_html,
        description: &a.description,
        tags: site.article_tags[i]
            .iter()
            .map(|&t| tag_ref(site, t))
            .collect(),
        authors: &a.authors,
        lang: a.lang.as_deref(),
        dir: a.dir,
        draft: a.draft,
        word_count: a.word_count,
        reading_minutes: a.word_count.div_ceil(200).max(1),
        id: &a.id,
    }
}

/// A tag reference.
pub fn tag_ref(site: &Site, t: usize) -> TagRef<'_> {
    let tag = &site.tags[t];
    TagRef {
        name: &tag.name,
        slug: &tag.slug,
        url: site.config.href(&format!("/tags/{}/", tag.slug)),
        count: tag.articles.len(),
    }
}

/// One entry of `page.related`.
#[derive(Serialize)]
struct RelatedItem<'a> {
    title: &'a str,
    url: Option<String>,
    date: Option<String>,
    external: bool,
    domain: Option<&'a str>,
}

/// The full value of an article page: its summary fields plus body, headings and related lists.
pub fn article(site: &Site, i: usize, summaries: &[Value]) -> Value {
    let a = &site.articles[i];
    let related = &site.related[i];
    let declared: Vec<RelatedItem<'_>> = related
        .declared
        .iter()
        .map(|d| match d {
            Declared::Article(j) => {
                let t = &site.articles[*j];
                RelatedItem {
                    title: &t.title,
                    url: Some(site.config.href(&t.path)),
                    date: Some(t.date.machine()),
                    external: false,
                    domain: None,
                }
            }
            Declared::External(e) => RelatedItem {
                title: &e.title,
                url: e.url.clone(),
                date: None,
                external: true,
                domain: e.domain.as_deref(),
            },
        })
        .collect();
    let pick =
        |list: &[usize]| -> Vec<Value> { list.iter().map(|&j| summaries[j].clone()).collect() };
    let mut map = match summaries[i].as_map() {
        Some(m) => m.clone(),
        None => tera::Map::new(),
    };
    let mut put = |k: &'static str, v: Value| {
        map.insert(k.into(), v);
    };
    put("content", Value::safe_string(&a.body_html));
    put("headings", Value::from_serializable(&a.headings));
    put("related", Value::from_serializable(&declared));
    put("backlinks", Value::from(pick(&related.backlinks)));
    put("similar", Value::from(pick(&related.similar)));
    put("source", Value::from_serializable(&a.source));
    put("extra", Value::from_serializable(&a.extra));
    put(
        "source_path",
        Value::from(crate::diagnostics::display_path(&a.shown)),
    );
    put(
        "previous",
        i.checked_add(1)
            .and_then(|j| summaries.get(j))
            .cloned()
            .unwrap_or(Value::none()),
    );
    put(
        "next",
        i.checked_sub(1)
            .and_then(|j| summaries.get(j))
            .cloned()
            .unwrap_or(Value::none()),
    );
    Value::from(map)
}

/// `paginator` on paginated lists.
#[derive(Serialize)]
pub struct Paginator {
    pub number: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub per_page: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub first: String,
    pub last: String,
    pub pages: Vec<PageLink>,
}

/// One numbered link of a paginator.
#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

/// The page numbers shown around the current one (at most 7), so a paginator's size does not
/// grow with the archive and pagination stays linear overall.
fn window(number: usize, total: usize) -> std::ops::RangeInclusive<usize> {
    let start = number.saturating_sub(3).max(1);
    let end = (start + 6).min(total);
    end.saturating_sub(6).max(1)..=end
}

/// The site path of page `n` of a list whose first page is `base` (`/tags/x/` → `/tags/x/page/2/`).
pub fn page_path(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

impl Paginator {
    pub fn new(config: &Config, base: &str, number: usize, total_items: usize) -> Paginator {
        let per_page = config.per_page;
        let total_pages = total_items.div_ceil(per_page).max(1);
        let url = |n: usize| config.href(&page_path(base, n));
        Paginator {
            number,
            total_pages,
            total_items,
            per_page,
            previous: (number > 1).then(|| url(number - 1)),
            next: (number < total_pages).then(|| url(number + 1)),
            first: url(1),
            last: url(total_pages),
            pages: window(number, total_pages)
                .map(|n| PageLink {
                    number: n,
                    url: url(n),
                    current: n == number,
                })
                .collect(),
        }
    }
}
