//! The values templates see, one typed struct per page kind (documented in README "Templates
//! and their context"; a test below keeps README and these types in step). An article's
//! list-form value ([`Summary`]) is built once per article as a Tera value and shared by
//! reference wherever it is listed (Tera values are reference-counted and pass through
//! serialisation uncopied), so list pages cost no re-serialising.

use serde::Serialize;
use tera::Value;

use super::fingerprint::Ref;

use crate::arabic::bidi::Dir;
use crate::config::Config;
use crate::content::article::{Article, Cover};
use crate::content::front_matter::{ArticleKind, Source};
use crate::content::markdown::Heading;
use crate::diagnostics::Diagnostic;
use crate::images::{picture_html, Loading};
use crate::index::related::Declared;
use crate::index::Site;
use crate::routes::Route;

/// What every template gets besides its page's own values.
#[derive(Serialize)]
pub struct Frame<'a, T: Serialize> {
    pub site: Ref<'a>,
    /// This page's href and absolute URL.
    pub current_url: String,
    pub current_permalink: String,
    /// The page's schema.org JSON-LD, escaped for a `<script>` element (safe), or none.
    pub structured_data: Option<Value>,
    #[serde(flatten)]
    pub page: T,
}

/// `site` in every template.
#[derive(Serialize)]
pub struct SiteContext<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub direction: Dir,
    pub feeds: bool,
    /// Whether the site has a search page (`search_url`).
    pub search: bool,
    /// Hrefs of the site-wide pages.
    pub home_url: String,
    pub tags_url: String,
    /// Every taxonomy (tags first), for the navigation.
    pub taxonomies: Vec<TaxonomyRef<'a>>,
    /// Href of the dossiers' page, or none when the site has no dossier.
    pub series_url: Option<String>,
    pub archive_url: String,
    pub feed_url: String,
    pub search_url: String,
    /// Absolute URL of the home page when `base_url` is absolute.
    pub permalink: String,
    pub generator: &'static str,
    pub article_count: usize,
    /// `og:locale` of the site's language (`ar_AR`).
    pub locale: String,
    /// Absolute URL (or href) of the publisher's logo (`logo:` in `site.yaml`).
    pub logo_url: Option<String>,
}

/// The OpenGraph locale of a language tag: `ar` → `ar_AR`, `ar-MA` → `ar_MA`, `en` → `en_US`.
pub fn og_locale(language: &str) -> String {
    let mut parts = language.split(['-', '_']);
    let lang = parts.next().unwrap_or("ar").to_ascii_lowercase();
    let region = parts
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()))
        .map(str::to_ascii_uppercase);
    let region = region.unwrap_or_else(|| {
        match lang.as_str() {
            "ar" => "AR",
            "en" => "US",
            "fa" => "IR",
            "ur" => "PK",
            "he" => "IL",
            "ja" => "JP",
            "zh" => "CN",
            "ko" => "KR",
            "sv" => "SE",
            "da" => "DK",
            "el" => "GR",
            "uk" => "UA",
            other => return other.to_ascii_uppercase(),
        }
        .to_string()
    });
    format!("{lang}_{region}")
}

/// The publisher's logo as an absolute URL when possible.
pub fn logo_url(config: &Config) -> Option<String> {
    let logo = config.logo.as_deref()?;
    Some(if logo.contains("://") {
        logo.to_string()
    } else {
        config.permalink(&format!("/{}", logo.trim_start_matches('/')))
    })
}

impl<'a> SiteContext<'a> {
    pub fn new(site: &'a Site) -> Self {
        let config = &site.config;
        let article_count = site.articles.len();
        SiteContext {
            title: &config.title,
            description: &config.description,
            base_url: &config.base.written,
            language: &config.language,
            direction: config.direction,
            feeds: config.feeds,
            search: config.search,
            home_url: config.href(&Route::Home { number: 1 }.path()),
            tags_url: config.href(
                &Route::Taxonomy {
                    segment: &site.taxonomies[crate::index::TAGS].settings.segment,
                }
                .path(),
            ),
            taxonomies: (0..site.taxonomies.len())
                .map(|x| taxonomy_ref(site, x))
                .collect(),
            series_url: (!site.dossiers.series.is_empty())
                .then(|| config.href(&Route::SeriesIndex.path())),
            archive_url: config.href(&Route::Archive.path()),
            feed_url: config.href(&Route::Feed.path()),
            search_url: config.href(&Route::Search.path()),
            permalink: config.permalink(&Route::Home { number: 1 }.path()),
            generator: concat!("warraq ", env!("CARGO_PKG_VERSION")),
            article_count,
            locale: og_locale(&config.language),
            logo_url: logo_url(config),
        }
    }
}

/// A name of a taxonomy (a tag, a writer, a source, a region) as linked from an article or
/// listed on its taxonomy's page.
#[derive(Serialize)]
pub struct TermRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub count: usize,
    /// For a source: the domain of its URL ("aawsat.com"), or none.
    pub domain: Option<&'a str>,
}

/// A reference to term `t` of taxonomy `x`.
pub fn term_ref(site: &Site, x: usize, t: usize) -> TermRef<'_> {
    let taxonomy = &site.taxonomies[x];
    let term = &taxonomy.terms[t];
    TermRef {
        name: &term.name,
        slug: &term.slug,
        url: site.config.href(
            &Route::Term {
                segment: &taxonomy.settings.segment,
                slug: &term.slug,
                number: 1,
            }
            .path(),
        ),
        count: term.articles.len(),
        domain: term.domain.as_deref(),
    }
}

/// A taxonomy as linked from the navigation and shown on its pages.
#[derive(Serialize)]
pub struct TaxonomyRef<'a> {
    /// Its name in `site.yaml` (`tags`, `authors`, `regions`).
    pub name: &'a str,
    /// Its heading ("الكتّاب") and what one name is called ("الكاتب").
    pub title: &'a str,
    pub label: &'a str,
    pub url: String,
    /// How many names it has.
    pub count: usize,
}

/// A reference to taxonomy `x`.
pub fn taxonomy_ref(site: &Site, x: usize) -> TaxonomyRef<'_> {
    let t = &site.taxonomies[x];
    TaxonomyRef {
        name: &t.settings.name,
        title: &t.settings.title,
        label: &t.settings.label,
        url: site.config.href(
            &Route::Taxonomy {
                segment: &t.settings.segment,
            }
            .path(),
        ),
        count: t.terms.len(),
    }
}

/// The fields of an article shown in lists (home, tags, archive, related lists, feeds).
#[derive(Serialize)]
pub struct Summary<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub path: &'a str,
    pub date: String,
    /// A value, so that `updated_rfc3339` shares it when there is no `updated`.
    pub date_rfc3339: Value,
    pub updated: Option<String>,
    pub updated_rfc3339: Value,
    pub summary: &'a str,
    pub description: &'a str,
    /// [`TermRef`]s, as values shared by every summary that shows the term.
    pub tags: Vec<Value>,
    /// The article's names in every other taxonomy, by taxonomy name (`authors`, `sources`,
    /// `regions`): each a list of term references ([`TermRef`]s, shared like `tags`). One value
    /// for every article with the same names ([`Alike`]).
    pub terms: Value,
    /// `author:` as written (a list of names); shared like `terms`.
    pub authors: Value,
    pub lang: Option<&'a str>,
    pub dir: Dir,
    pub draft: bool,
    pub word_count: usize,
    pub reading_minutes: usize,
    pub id: &'a str,
    /// `type:` of the article: `analysis` or `news`.
    pub kind: ArticleKind,
    /// The cover image as a list thumbnail, when the article has one.
    pub image: Option<ImageValue>,
}

/// An image as templates see it: a cover on its article, or its thumbnail in lists and feeds.
#[derive(Serialize)]
pub struct ImageValue {
    /// The `<picture>` (safe HTML: WebP and original-format `srcset`, real `width`/`height`, `alt`).
    pub html: Value,
    /// Href of the original-format variant about 960 px wide.
    pub src: String,
    /// Absolute URL (when `base_url` is absolute) of the variant shared links show (1200 px
    /// wide, or the widest below), with its size and type: for `og:image`, feeds, JSON-LD.
    pub share_url: String,
    pub share_width: u32,
    pub share_height: u32,
    pub share_type: &'static str,
    /// The original's size.
    pub width: u32,
    pub height: u32,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// `sizes` of list thumbnails in the default theme.
pub const THUMBNAIL_SIZES: &str = "(min-width: 46rem) 10rem, 30vw";

/// The value of a cover, its picture lazy (lists) or eager (its own article).
pub fn image_value(config: &Config, cover: &Cover, sizes: &str, loading: Loading) -> ImageValue {
    let info = &cover.info;
    let href = |p: &str| config.href(p);
    let share = info.fallback(crate::images::SHARE_WIDTH);
    ImageValue {
        html: Value::safe_string(&picture_html(info, &cover.alt, None, sizes, loading, &href)),
        src: config.href(&format!("/{}", info.fallback(960).file)),
        share_url: config.permalink(&format!("/{}", share.file)),
        share_width: share.width,
        share_height: share.height,
        share_type: share.mime,
        width: info.width,
        height: info.height,
        alt: cover.alt.clone(),
        caption: cover.caption.clone(),
        credit: cover.credit.clone(),
    }
}

/// The list-form value of every article, built in parallel. Each term's reference is made
/// once and shared by every summary that names it (a tag's value is a map of five fields:
/// copied into each of its articles' summaries, the tags and writers were half of what the
/// summaries of an archive held); so are the `terms` and `authors` values of articles that
/// name the same writers and sources ([`Alike`]).
pub fn summaries(site: &Site) -> Vec<Value> {
    use rayon::prelude::*;
    let terms: Vec<Vec<Value>> = site
        .taxonomies
        .iter()
        .enumerate()
        .map(|(x, taxonomy)| {
            (0..taxonomy.terms.len())
                .into_par_iter()
                .map(|t| Value::from_serializable(&term_ref(site, x, t)))
                .collect()
        })
        .collect();
    let term = |x: usize, t: usize| terms[x][t].clone();
    let alike = Alike::of(site, &term);
    (0..site.articles.len())
        .into_par_iter()
        .map(|i| {
            let (names, authors) = alike.of_article(i);
            Value::from_serializable(&summary(site, i, &term, names, authors))
        })
        .collect()
}

/// The list-form value of one article (the same value as [`summaries`] makes for it).
pub fn summary_value(site: &Site, i: usize) -> Value {
    let term = |x, t| Value::from_serializable(&term_ref(site, x, t));
    let names = terms_value(site, i, &term);
    let authors = Value::from_serializable(&site.articles[i].authors);
    Value::from_serializable(&summary(site, i, &term, names, authors))
}

/// The `terms` and `authors` values of every article, each made once for all the articles that
/// have the same (most articles of an archive share their writer and source with many others:
/// a `terms` map was about a seventh of a summary's bytes, 420 bytes an article).
struct Alike {
    values: Vec<Value>,
    /// Per article: the places in `values` of its `terms` and its `authors`.
    of: Vec<[u32; 2]>,
}

impl Alike {
    fn of(site: &Site, term: &dyn Fn(usize, usize) -> Value) -> Alike {
        use ahash::AHashMap as HashMap;
        use std::hash::{BuildHasher, Hash, Hasher};
        let names_of = |i: usize| {
            site.taxonomies
                .iter()
                .skip(1)
                .map(move |t| t.article_terms[i].as_slice())
        };
        let state = ahash::RandomState::new();
        let mut values = Vec::new();
        // By the hash of an article's names: the articles that first had them and where their
        // value is (no list made per article: this pass runs in every build).
        let mut names: HashMap<u64, Vec<(usize, u32)>> = HashMap::new();
        let mut writers: HashMap<&[String], u32> = HashMap::new();
        let mut place = |value: Value| {
            values.push(value);
            (values.len() - 1) as u32
        };
        let of = (0..site.articles.len())
            .map(|i| {
                let mut h = state.build_hasher();
                names_of(i).for_each(|n| n.hash(&mut h));
                let same = names.entry(h.finish()).or_default();
                let n = match same.iter().find(|(j, _)| names_of(*j).eq(names_of(i))) {
                    Some(&(_, n)) => n,
                    None => {
                        let n = place(terms_value(site, i, term));
                        same.push((i, n));
                        n
                    }
                };
                let authors = &site.articles[i].authors;
                let w = *writers
                    .entry(authors)
                    .or_insert_with(|| place(Value::from_serializable(authors)));
                [n, w]
            })
            .collect();
        Alike { values, of }
    }

    /// Article `i`'s `terms` and `authors`.
    fn of_article(&self, i: usize) -> (Value, Value) {
        let [n, w] = self.of[i];
        (
            self.values[n as usize].clone(),
            self.values[w as usize].clone(),
        )
    }
}

/// `terms` of article `i`: its names in every taxonomy but tags, by taxonomy name.
fn terms_value(site: &Site, i: usize, term: &dyn Fn(usize, usize) -> Value) -> Value {
    let names: std::collections::BTreeMap<&str, Vec<Value>> = site
        .taxonomies
        .iter()
        .enumerate()
        .skip(1)
        .map(|(x, taxonomy)| {
            (
                taxonomy.settings.name.as_str(),
                taxonomy.article_terms[i]
                    .iter()
                    .map(|&t| term(x, t))
                    .collect(),
            )
        })
        .collect();
    Value::from_serializable(&names)
}

/// `term(x, t)`: the value of term `t` of taxonomy `x` as a [`TermRef`]; `terms` and `authors`:
/// the article's (see [`Alike`]).
fn summary<'a>(
    site: &'a Site,
    i: usize,
    term: &dyn Fn(usize, usize) -> Value,
    terms: Value,
    authors: Value,
) -> Summary<'a> {
    let a: &Article = &site.articles[i];
    let config = &site.config;
    let date_rfc3339 = Value::from(a.date.rfc3339());
    Summary {
        title: &a.title,
        url: config.href(&a.path),
        permalink: config.permalink(&a.path),
        path: &a.path,
        date: a.date.machine(),
        updated: a.updated.map(|u| u.machine()),
        updated_rfc3339: match a.updated {
            Some(u) => Value::from(u.rfc3339()),
            None => date_rfc3339.clone(),
        },
        date_rfc3339,
        summary: &a.summary_html,
        description: &a.description,
        tags: site
            .article_tags(i)
            .iter()
            .map(|&t| term(crate::index::TAGS, t))
            .collect(),
        terms,
        authors,
        lang: a.lang.as_deref(),
        dir: a.dir,
        draft: a.draft,
        word_count: a.word_count,
        reading_minutes: a.word_count.div_ceil(200).max(1),
        id: &a.id,
        kind: a.kind,
        image: a
            .cover
            .as_ref()
            .map(|c| image_value(config, c, THUMBNAIL_SIZES, Loading::Lazy)),
    }
}

/// One entry of `page.related`.
#[derive(Serialize)]
pub struct RelatedItem<'a> {
    pub title: &'a str,
    pub url: Option<String>,
    pub date: Option<String>,
    pub external: bool,
    pub domain: Option<&'a str>,
}

/// `page` on `article.html`: the summary's fields plus the body and the three lists.
#[derive(Serialize)]
pub struct ArticleValue<'a> {
    #[serde(flatten)]
    pub summary: Ref<'a>,
    /// The rendered body (safe HTML).
    pub content: Value,
    /// Read back with the body (a [`Bodies::StandIn`] context has none: the body's hash stands
    /// for them too).
    pub headings: std::borrow::Cow<'a, [Heading]>,
    pub related: Vec<RelatedItem<'a>>,
    pub backlinks: Vec<Ref<'a>>,
    pub similar: Vec<Ref<'a>>,
    pub source: Option<&'a Source>,
    pub extra: &'a serde_yaml::Value,
    pub source_path: String,
    /// The older neighbour.
    pub previous: Option<Ref<'a>>,
    /// The newer neighbour.
    pub next: Option<Ref<'a>>,
    /// The cover, its picture loaded at once (no `loading="lazy"`).
    pub cover: Option<ImageValue>,
    /// `og:locale` of the article: `ar_AR` for Arabic, `en_US` for `lang: en`.
    pub locale: String,
    /// Its dossier, or none.
    pub series: Option<ArticleSeries<'a>>,
}

/// `article.html`.
#[derive(Serialize)]
pub struct ArticlePage<'a> {
    pub page: ArticleValue<'a>,
}

/// A dossier as linked from an article, the navigation or the dossiers' page.
#[derive(Serialize)]
pub struct SeriesRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    /// How many parts it has.
    pub count: usize,
}

/// A reference to dossier `x`.
pub fn series_ref(site: &Site, x: usize) -> SeriesRef<'_> {
    let s = &site.dossiers.series[x];
    SeriesRef {
        name: &s.name,
        slug: &s.slug,
        url: site.config.href(&Route::Series { slug: &s.slug }.path()),
        count: s.articles.len(),
    }
}

/// `page.series` on an article: its dossier, its part and its neighbours in reading order.
#[derive(Serialize)]
pub struct ArticleSeries<'a> {
    #[serde(flatten)]
    pub series: SeriesRef<'a>,
    /// Its place in reading order, from 1 ("الجزء 2 من 6": `part` of `count`).
    pub part: usize,
    pub previous: Option<Ref<'a>>,
    pub next: Option<Ref<'a>>,
}

/// `series.html`: one dossier.
#[derive(Serialize)]
pub struct SeriesPage<'a> {
    pub series: SeriesRef<'a>,
    /// The introduction (safe HTML), or none.
    pub intro: Option<Value>,
    /// Its articles in reading order.
    pub pages: Vec<Ref<'a>>,
}

/// `series_index.html`: every dossier, newest first.
#[derive(Serialize)]
pub struct SeriesIndexPage<'a> {
    pub series: Vec<SeriesRef<'a>>,
}

/// Where a page's context takes article bodies from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// The bodies themselves, to render the page.
    Read,
    /// A text that stands for each body ([`body_stand_in`]), to fingerprint the page without
    /// reading its bodies back: only a page that must be rendered again reads them.
    StandIn,
}

/// What stands for article `a`'s body in a [`Bodies::StandIn`] context: a text no body is,
/// which changes whenever the body does.
pub fn body_stand_in(a: &crate::content::article::Article) -> String {
    format!("\u{0}body {:016x} {}", a.body_hash, a.body.len())
}

/// The article page's value.
pub fn article_page<'a>(
    site: &'a Site,
    i: usize,
    summaries: &'a [Value],
    bodies: Bodies,
) -> Result<ArticlePage<'a>, Diagnostic> {
    let a = &site.articles[i];
    let (body, headings) = match bodies {
        Bodies::Read => (a.body.read_of(&a.shown)?, a.headings.read_of(&a.shown)?),
        Bodies::StandIn => (
            std::borrow::Cow::Owned(body_stand_in(a)),
            std::borrow::Cow::Borrowed(&[][..]),
        ),
    };
    let related = &site.related[i];
    let declared = related
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
    let pick = |list: &[usize]| list.iter().map(|&j| Ref(&summaries[j])).collect();
    Ok(ArticlePage {
        page: ArticleValue {
            summary: Ref(&summaries[i]),
            content: Value::safe_string(&body),
            headings,
            related: declared,
            backlinks: pick(&related.backlinks),
            similar: pick(&related.similar),
            source: a.source.as_deref(),
            extra: a.extra.as_deref().unwrap_or(&serde_yaml::Value::Null),
            source_path: crate::diagnostics::display_path(&a.shown),
            previous: summaries.get(i + 1).map(Ref),
            next: i.checked_sub(1).and_then(|j| summaries.get(j)).map(Ref),
            cover: a
                .cover
                .as_ref()
                .map(|c| image_value(&site.config, c, crate::images::COLUMN_SIZES, Loading::Eager)),
            locale: og_locale(a.lang.as_deref().unwrap_or(&site.config.language)),
            series: site.dossiers.of_article[i].map(|(x, k)| {
                let members = &site.dossiers.series[x].articles;
                ArticleSeries {
                    series: series_ref(site, x),
                    part: k + 1,
                    previous: k.checked_sub(1).map(|p| Ref(&summaries[members[p]])),
                    next: members.get(k + 1).map(|&n| Ref(&summaries[n])),
                }
            }),
        },
    })
}

/// `home.html`: one page of the newest articles.
#[derive(Serialize)]
pub struct HomePage<'a> {
    pub pages: Vec<Ref<'a>>,
    pub paginator: Paginator,
}

/// `taxonomy.html`: a taxonomy's index (all tags, all writers…).
#[derive(Serialize)]
pub struct TaxonomyPage<'a> {
    pub taxonomy: TaxonomyRef<'a>,
    pub terms: Vec<TermRef<'a>>,
}

/// `term` on `term.html`.
#[derive(Serialize)]
pub struct TermValue<'a> {
    #[serde(flatten)]
    pub term: TermRef<'a>,
    /// Its feed's href, or none when the taxonomy has no feeds.
    pub feed_url: Option<String>,
    /// From `data/<taxonomy>.yaml`: a short bio or description, or none, and links
    /// (`title`, `url`).
    pub bio: Option<&'a str>,
    pub links: &'a [crate::index::taxonomy::TermLink],
}

/// `term.html`: one page of the articles of one name.
#[derive(Serialize)]
pub struct TermPage<'a> {
    /// Its articles per month as an inline SVG (safe HTML), on its first page; none after.
    pub timeline: Option<Value>,
    /// Its taxonomy's [`TaxonomyRef`], made once for all its pages.
    pub taxonomy: Ref<'a>,
    pub term: TermValue<'a>,
    pub pages: Vec<Ref<'a>>,
    pub paginator: Paginator,
}

/// A year as linked from the archive.
#[derive(Serialize)]
pub struct YearRef {
    pub year: i32,
    pub count: usize,
    pub url: String,
}

/// `archive.html`.
#[derive(Serialize)]
pub struct ArchivePage {
    pub years: Vec<YearRef>,
    /// Articles per month as an inline SVG (safe HTML), or none.
    pub timeline: Option<Value>,
}

/// One month of `archive_year.html`.
#[derive(Serialize)]
pub struct MonthGroup<'a> {
    /// `2025-04`, for the `arabic_month` filter.
    pub month: String,
    pub number: u32,
    /// Its articles, newest first (all of them).
    pub pages: Vec<Ref<'a>>,
    /// The ones its year's page shows: all of them, or when the month has a page of its own
    /// the newest few (a template written before month pages, listing `pages`, still lists
    /// every article).
    pub preview: Vec<Ref<'a>>,
    /// How many articles the month has.
    pub count: usize,
    /// Its own page, when the year is too large for one (none otherwise).
    pub url: Option<String>,
}

/// A month as linked from its neighbours' pages.
#[derive(Serialize)]
pub struct MonthRef {
    pub month: String,
    pub number: u32,
    pub count: usize,
    pub url: String,
}

/// `archive_month.html`: one month of a year too large for one page.
#[derive(Serialize)]
pub struct ArchiveMonthPage<'a> {
    pub year: YearRef,
    /// The month with all its articles (`url` is this page).
    pub month: MonthGroup<'a>,
    /// The next month with articles in the same year, and the one before (or none).
    pub newer_month: Option<MonthRef>,
    pub older_month: Option<MonthRef>,
}

/// `archive_year.html`.
#[derive(Serialize)]
pub struct ArchiveYearPage<'a> {
    pub year: YearRef,
    pub months: Vec<MonthGroup<'a>>,
    pub newer_year: Option<YearRef>,
    pub older_year: Option<YearRef>,
}

/// `feed` on `feed.xml`.
#[derive(Serialize)]
pub struct FeedValue {
    pub title: String,
    pub id: String,
    pub self_url: String,
    pub alternate_url: String,
    pub updated: String,
    /// The site's absolute URL when `base_url` is absolute: `xml:base` of the feed, so that
    /// links and images inside entries resolve in feed readers.
    pub base: Option<String>,
}

/// One entry of a feed: the summary's fields plus the full content.
#[derive(Serialize)]
pub struct FeedEntry<'a> {
    #[serde(flatten)]
    pub summary: Ref<'a>,
    /// The cover (a `<figure>` with absolute image URL, caption and credit) and the body, with
    /// in-page links (`#…`) made to point at the article.
    pub content: String,
    pub atom_id: String,
}

/// `feed.xml`.
#[derive(Serialize)]
pub struct FeedPage<'a> {
    pub feed: FeedValue,
    pub entries: Vec<FeedEntry<'a>>,
}

/// One URL of the sitemap.
#[derive(Serialize)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// `sitemap.xml` (the whole sitemap, or one of its parts).
#[derive(Serialize)]
pub struct SitemapPage {
    pub urls: Vec<SitemapUrl>,
}

/// `sitemap_index.xml`: `/sitemap.xml` when the sitemap is in parts.
#[derive(Serialize)]
pub struct SitemapIndexPage {
    /// Each part (`loc`, and `lastmod` for parts of articles).
    pub sitemaps: Vec<SitemapUrl>,
}

/// `robots.txt`.
#[derive(Serialize)]
pub struct RobotsPage {
    /// The sitemap's absolute URL (robots.txt may only name it so), when `base_url` is absolute.
    pub sitemap_url: Option<String>,
}

/// `404.html` has nothing of its own.
#[derive(Serialize)]
pub struct NotFoundPage {}

/// `search.html`.
#[derive(Serialize)]
pub struct SearchPage {
    /// Href of the index's `meta.json`; the script finds every other index file beside it.
    pub index_url: String,
    /// Href of the search script (`static/search.js`, embedded by default).
    pub script_url: String,
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

impl Paginator {
    /// The paginator of page `number` of a list of `total_items`, whose page `n` lives at
    /// `route(n)`.
    pub fn new(
        config: &Config,
        number: usize,
        total_items: usize,
        route: impl Fn(usize) -> String,
    ) -> Paginator {
        Paginator::with_per_page(config, config.per_page, number, total_items, route)
    }

    /// [`Paginator::new`] for a list of `per_page` entries a page (a taxonomy's own setting).
    pub fn with_per_page(
        config: &Config,
        per_page: usize,
        number: usize,
        total_items: usize,
        route: impl Fn(usize) -> String,
    ) -> Paginator {
        let total_pages = total_items.div_ceil(per_page).max(1);
        let url = |n: usize| config.href(&route(n));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(p: &Paginator) -> Vec<usize> {
        p.pages.iter().map(|l| l.number).collect()
    }

    #[test]
    fn one_summary_made_alone_is_the_one_made_with_shared_terms() {
        use crate::index::tests::{article, site_from};
        let files = [
            article(
                "a",
                "date: 2025-01-01\ntags: [نفط, غاز]\nauthor: سلمى",
                "نص.",
            ),
            article("b", "date: 2025-01-02\ntags: [نفط]", "نص آخر."),
        ];
        let site = site_from(&files, "").expect("site");
        let all = summaries(&site);
        for (i, shared) in all.iter().enumerate() {
            assert_eq!(&summary_value(&site, i), shared);
        }
        // Newest first: `a` is the second.
        let a = &all[1];
        let tags = a
            .get_from_path("tags")
            .and_then(|t| t.as_array())
            .expect("tags");
        assert_eq!(tags.len(), 2);
        let name = |v: &Value| {
            v.get_from_path("name")
                .and_then(|n| n.as_str().map(String::from))
        };
        assert_eq!(name(&tags[0]).as_deref(), Some("نفط"));
        let writers = a.get_from_path("terms.authors");
        let writers = writers.and_then(|w| w.as_array()).expect("authors");
        assert_eq!(name(&writers[0]).as_deref(), Some("سلمى"));
    }

    #[test]
    fn articles_with_the_same_writers_share_their_terms_and_authors_values() {
        use crate::index::tests::{article, site_from};
        let files = [
            article("a", "date: 2025-01-01\nauthor: سلمى", "نص."),
            article("b", "date: 2025-01-02\nauthor: سلمى", "نص آخر."),
            article(
                "c",
                "date: 2025-01-03T10:00:00+03:00\nauthor: ليلى",
                "نص ثالث.",
            ),
            article(
                "d",
                "date: 2025-01-04\nupdated: 2025-02-01\nauthor: ليلى",
                "نص رابع.",
            ),
        ];
        let site = site_from(&files, "").expect("site");
        let all = summaries(&site);
        // Newest first: d, c, b, a.
        let map = |i: usize, key: &str| {
            let v = all[i].get_from_path(key).expect(key);
            v.as_map().map(|m| m as *const _ as usize)
        };
        let list = |i: usize, key: &str| {
            let v = all[i].get_from_path(key).expect(key);
            v.as_array().map(|a| a.as_ptr() as usize)
        };
        let text = |i: usize, key: &str| {
            let v = all[i].get_from_path(key).expect(key);
            v.as_str().map(|s| s.as_ptr() as usize)
        };
        assert!(map(3, "terms").is_some());
        assert_eq!(map(3, "terms"), map(2, "terms"), "a and b: one writer");
        assert_eq!(list(3, "authors"), list(2, "authors"));
        assert_ne!(map(1, "terms"), map(2, "terms"), "c has another writer");
        assert_ne!(list(1, "authors"), list(2, "authors"));
        assert_eq!(map(0, "terms"), map(1, "terms"));
        // Without `updated`, both dates are one string; with it, two. (A bare day's is short
        // enough to be held in the value itself, so c has a time.)
        assert_eq!(text(1, "date_rfc3339"), text(1, "updated_rfc3339"));
        assert_ne!(text(0, "date_rfc3339"), text(0, "updated_rfc3339"));
        for (i, shared) in all.iter().enumerate() {
            assert_eq!(&summary_value(&site, i), shared);
        }
    }

    #[test]
    fn the_pagination_window_holds_seven_pages_around_the_current_one() {
        assert_eq!(window(1, 1).collect::<Vec<_>>(), [1]);
        assert_eq!(window(1, 3).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(window(1, 20).collect::<Vec<_>>(), [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(
            window(10, 20).collect::<Vec<_>>(),
            [7, 8, 9, 10, 11, 12, 13]
        );
        assert_eq!(
            window(20, 20).collect::<Vec<_>>(),
            [14, 15, 16, 17, 18, 19, 20]
        );
        assert_eq!(
            window(19, 20).collect::<Vec<_>>(),
            [14, 15, 16, 17, 18, 19, 20]
        );
    }

    #[test]
    fn paginators_link_their_neighbours_through_routes() {
        let config = Config {
            per_page: 10,
            ..Config::default()
        };
        let route = |n| {
            Route::Term {
                segment: "tags",
                slug: "داعش",
                number: n,
            }
            .path()
        };
        let first = Paginator::new(&config, 1, 25, route);
        assert_eq!(first.total_pages, 3);
        assert_eq!(first.previous, None);
        assert_eq!(
            first.next.as_deref(),
            Some("/tags/%D8%AF%D8%A7%D8%B9%D8%B4/page/2/")
        );
        assert_eq!(numbers(&first), [1, 2, 3]);
        let last = Paginator::new(&config, 3, 25, route);
        assert_eq!(last.next, None);
        assert_eq!(
            last.previous.as_deref(),
            Some("/tags/%D8%AF%D8%A7%D8%B9%D8%B4/page/2/")
        );
        assert_eq!(last.first, "/tags/%D8%AF%D8%A7%D8%B9%D8%B4/");
        let empty = Paginator::new(&config, 1, 0, route);
        assert_eq!((empty.total_pages, empty.next), (1, None));
        let exact = Paginator::new(&config, 1, 10, route);
        assert_eq!(exact.total_pages, 1);
        let one_more = Paginator::new(&config, 1, 11, route);
        assert_eq!(one_more.total_pages, 2);
    }
}
