//! Every page kind's site path and output file, in one place. Nothing else formats a site URL:
//! the renderer, the sitemap, tag references, feed links, the URLs articles may not take,
//! `check`'s page → source mapping and `serve`'s own endpoints all derive from [`Route`].
//!
//! Moving a section is a one-line change of its constant below (for example `ARCHIVE = "أرشيف"`),
//! or, for a taxonomy, of its `segment` in `site.yaml`; a test in this module proves every path
//! follows.

/// The section of dossiers (series).
pub const SERIES: &str = "series";
/// The section of the date archive.
pub const ARCHIVE: &str = "archive";
/// The search page; its index files live under it (see [`crate::search`]).
pub const SEARCH: &str = crate::search::index::FOLDER;
/// The segment before a page number in paginated lists (`/page/2/`, `/tags/x/page/2/`).
pub const PAGE: &str = "page";
/// `serve`'s own endpoints (live reload), never part of a built site.
pub const SERVE: &str = "__warraq";

/// Files at the top of every build that are not pages (and so no article may take their name).
const FEED_FILE: &str = "feed.xml";
const SITEMAP_FILE: &str = "sitemap.xml";
/// The folder of the sitemap's parts, when it has more than one (see [`Route::SitemapPart`]).
const SITEMAP_PARTS: &str = "sitemaps";
const ROBOTS_FILE: &str = "robots.txt";
const NOT_FOUND_FILE: &str = "404.html";

/// A page of the site, by what identifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route<'a> {
    /// Page `number` (from 1) of the home list.
    Home {
        number: usize,
    },
    /// An article, by its site path (`/2025/x/`, decoded).
    Article {
        path: &'a str,
    },
    /// A taxonomy's index (`/tags/`, `/authors/`), by its URL segment.
    Taxonomy {
        segment: &'a str,
    },
    /// Page `number` of one name of a taxonomy (`/tags/داعش/page/2/`).
    Term {
        segment: &'a str,
        slug: &'a str,
        number: usize,
    },
    /// The feed of one name (`/authors/x/feed.xml`).
    TermFeed {
        segment: &'a str,
        slug: &'a str,
    },
    /// Every dossier.
    SeriesIndex,
    /// One dossier, its articles in reading order.
    Series {
        slug: &'a str,
    },
    Archive,
    ArchiveYear {
        year: i32,
    },
    /// One month of a year too large to list on one page (`/archive/2025/04/`).
    ArchiveMonth {
        year: i32,
        month: u32,
    },
    Feed,
    Sitemap,
    /// Part `number` (from 1) of a sitemap too large for one file (`/sitemaps/2.xml`);
    /// `/sitemap.xml` is then their index.
    SitemapPart {
        number: usize,
    },
    Robots,
    NotFound,
    /// The search page (`/search/`, `/search/?q=…`).
    Search,
    /// `serve`'s live-reload event stream.
    ServeEvents,
}

impl Route<'_> {
    /// The decoded site path (`/tags/أحمد-الشرع/page/2/`); give it to
    /// [`BaseUrl::href`](crate::url::BaseUrl::href) for an href.
    pub fn path(&self) -> String {
        match self {
            Route::Home { number } => paginated("/", *number),
            Route::Article { path } => (*path).to_string(),
            Route::Taxonomy { segment } => format!("/{segment}/"),
            Route::Term {
                segment,
                slug,
                number,
            } => paginated(&format!("/{segment}/{slug}/"), *number),
            Route::TermFeed { segment, slug } => format!("/{segment}/{slug}/{FEED_FILE}"),
            Route::SeriesIndex => format!("/{SERIES}/"),
            Route::Series { slug } => format!("/{SERIES}/{slug}/"),
            Route::Archive => format!("/{ARCHIVE}/"),
            Route::ArchiveYear { year } => format!("/{ARCHIVE}/{year}/"),
            Route::ArchiveMonth { year, month } => format!("/{ARCHIVE}/{year}/{month:02}/"),
            Route::Feed => format!("/{FEED_FILE}"),
            Route::Sitemap => format!("/{SITEMAP_FILE}"),
            Route::SitemapPart { number } => format!("/{SITEMAP_PARTS}/{number}.xml"),
            Route::Robots => format!("/{ROBOTS_FILE}"),
            Route::NotFound => format!("/{NOT_FOUND_FILE}"),
            Route::Search => format!("/{SEARCH}/"),
            Route::ServeEvents => format!("/{SERVE}/events"),
        }
    }

    /// The output file, relative to the output folder (`tags/x/index.html`).
    pub fn file(&self) -> String {
        file_of(&self.path())
    }
}

/// The output file that serves a site path: folders get `index.html`.
pub fn file_of(site_path: &str) -> String {
    let rel = site_path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// The site path of page `n` of a list whose first page is `first` (`/x/` → `/x/page/2/`).
fn paginated(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}{PAGE}/{n}/")
    }
}

/// The site path of an article from its slugified folders and slug: `/2025/x/`.
pub fn article_path(folders: &[String], slug: &str) -> String {
    let mut path = String::from("/");
    for f in folders {
        path.push_str(f);
        path.push('/');
    }
    path.push_str(slug);
    path.push('/');
    path
}

/// The first path segments generated pages occupy; an article whose path starts with one of
/// them would collide with (or hide) a generated page.
pub fn reserved_first_segments(config: &crate::config::Config) -> Vec<String> {
    let mut segments = fixed_first_segments();
    segments.extend(config.taxonomies.iter().map(|t| t.segment.clone()));
    segments.sort();
    segments.dedup();
    segments
}

/// The first path segments of the pages every site has (not its taxonomies, which take the
/// segments `site.yaml` gives them).
pub fn fixed_first_segments() -> Vec<String> {
    let every_kind = [
        Route::Home { number: 2 },
        Route::SeriesIndex,
        Route::Archive,
        Route::Feed,
        Route::Sitemap,
        Route::SitemapPart { number: 1 },
        Route::Robots,
        Route::NotFound,
        Route::Search,
        Route::ServeEvents,
    ];
    let mut segments: Vec<String> = every_kind
        .iter()
        .filter_map(|r| {
            r.path()
                .trim_start_matches('/')
                .split('/')
                .next()
                .map(str::to_string)
        })
        .filter(|s| !s.is_empty())
        .collect();
    segments.push(crate::images::FOLDER.to_string());
    segments.sort();
    segments.dedup();
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_has_its_path_and_file() {
        let cases = [
            (Route::Home { number: 1 }, "/", "index.html"),
            (Route::Home { number: 3 }, "/page/3/", "page/3/index.html"),
            (
                Route::Article { path: "/2025/x/" },
                "/2025/x/",
                "2025/x/index.html",
            ),
            (
                Route::Taxonomy { segment: "tags" },
                "/tags/",
                "tags/index.html",
            ),
            (
                Route::Term {
                    segment: "tags",
                    slug: "داعش",
                    number: 1,
                },
                "/tags/داعش/",
                "tags/داعش/index.html",
            ),
            (
                Route::Term {
                    segment: "tags",
                    slug: "داعش",
                    number: 2,
                },
                "/tags/داعش/page/2/",
                "tags/داعش/page/2/index.html",
            ),
            (
                Route::TermFeed {
                    segment: "tags",
                    slug: "داعش",
                },
                "/tags/داعش/feed.xml",
                "tags/داعش/feed.xml",
            ),
            (Route::Archive, "/archive/", "archive/index.html"),
            (
                Route::ArchiveYear { year: 2025 },
                "/archive/2025/",
                "archive/2025/index.html",
            ),
            (
                Route::ArchiveMonth {
                    year: 2025,
                    month: 4,
                },
                "/archive/2025/04/",
                "archive/2025/04/index.html",
            ),
            (Route::Feed, "/feed.xml", "feed.xml"),
            (Route::Sitemap, "/sitemap.xml", "sitemap.xml"),
            (
                Route::SitemapPart { number: 2 },
                "/sitemaps/2.xml",
                "sitemaps/2.xml",
            ),
            (Route::Robots, "/robots.txt", "robots.txt"),
            (Route::NotFound, "/404.html", "404.html"),
            (Route::Search, "/search/", "search/index.html"),
        ];
        for (route, path, file) in cases {
            assert_eq!(route.path(), path, "{route:?}");
            assert_eq!(route.file(), file, "{route:?}");
        }
    }

    #[test]
    fn reserved_segments_follow_the_routes() {
        assert_eq!(
            reserved_first_segments(&crate::config::Config::default()),
            [
                "404.html",
                "__warraq",
                "archive",
                "authors",
                "feed.xml",
                "images",
                "page",
                "robots.txt",
                "search",
                "series",
                "sitemap.xml",
                "sitemaps",
                "sources",
                "tags"
            ]
        );
    }

    #[test]
    fn articles_are_folders_under_their_sections() {
        assert_eq!(article_path(&["2025".into()], "x"), "/2025/x/");
        assert_eq!(article_path(&[], "x"), "/x/");
    }
}
