//! The pages of a site, by identity: which exist, where each lives (through [`routes`]), and
//! which of them show anything of a given article. Both `build` (every page) and `serve` (the
//! pages an edit touches) ask here; rendering only turns a [`Page`] into bytes.

use super::Site;
use crate::routes::Route;

/// How many entries a feed holds.
pub const FEED_ENTRIES: usize = 20;

/// How much one sitemap file may hold: the sitemaps protocol accepts at most 50 000 URLs and
/// 50 MB (uncompressed) in a file, and search engines ignore a file over either limit. A larger
/// site's `/sitemap.xml` is an index of parts that keep within both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SitemapLimits {
    pub urls: usize,
    pub bytes: usize,
}

impl Default for SitemapLimits {
    fn default() -> SitemapLimits {
        SitemapLimits {
            urls: 50_000,
            // 50 MB less room for the file's own lines.
            bytes: 50 * 1024 * 1024 - 1024,
        }
    }
}

/// A year with more articles than this lists each month's newest [`MONTH_PREVIEW`] on its page
/// and the whole month on a page of its own: at 100 000 articles a year's page listing all of
/// them was 2 MB, too much for a phone.
pub const YEAR_PAGE_ARTICLES: usize = 1000;

/// Articles of each month a year's page shows when its months have pages of their own.
pub const MONTH_PREVIEW: usize = 10;

/// Bytes a sitemap spends on one URL besides its address: `  <url><loc></loc>`, a
/// `<lastmod>` with an RFC 3339 time, `</url>` and the line's end.
const SITEMAP_LINE: usize = 80;

/// One output file of the site, by what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Page {
    Home {
        number: usize,
    },
    Article(usize),
    /// A taxonomy's index page (`/tags/`).
    Taxonomy(usize),
    /// Page `number` of one term of taxonomy `tax`.
    Term {
        tax: usize,
        term: usize,
        number: usize,
    },
    /// The feed of one term.
    TermFeed {
        tax: usize,
        term: usize,
    },
    /// Every dossier (when the site has any).
    SeriesIndex,
    /// One dossier.
    Series(usize),
    Archive,
    ArchiveYear(usize),
    /// Month `month` (its index in the year) of year `year` (its index in the archive), when
    /// the year is too large for one page (see [`YEAR_PAGE_ARTICLES`]).
    ArchiveMonth {
        year: usize,
        month: usize,
    },
    Feed,
    /// `/sitemap.xml`: every URL, or the index of the parts when they do not fit in one file.
    Sitemap,
    /// Part `number` (from 1) of a sitemap split in parts (see [`SitemapLimits`]).
    SitemapPart(usize),
    Robots,
    NotFound,
    Search,
}

impl Site {
    /// Where a page lives.
    pub fn route(&self, page: Page) -> Route<'_> {
        match page {
            Page::Home { number } => Route::Home { number },
            Page::Article(i) => Route::Article {
                path: &self.articles[i].path,
            },
            Page::Taxonomy(x) => Route::Taxonomy {
                segment: &self.taxonomies[x].settings.segment,
            },
            Page::Term { tax, term, number } => Route::Term {
                segment: &self.taxonomies[tax].settings.segment,
                slug: &self.taxonomies[tax].terms[term].slug,
                number,
            },
            Page::TermFeed { tax, term } => Route::TermFeed {
                segment: &self.taxonomies[tax].settings.segment,
                slug: &self.taxonomies[tax].terms[term].slug,
            },
            Page::SeriesIndex => Route::SeriesIndex,
            Page::Series(x) => Route::Series {
                slug: &self.dossiers.series[x].slug,
            },
            Page::Archive => Route::Archive,
            Page::ArchiveYear(y) => Route::ArchiveYear {
                year: self.archive.years[y].year,
            },
            Page::ArchiveMonth { year, month } => {
                let y = &self.archive.years[year];
                Route::ArchiveMonth {
                    year: y.year,
                    month: y.months[month].month,
                }
            }
            Page::Feed => Route::Feed,
            Page::Sitemap => Route::Sitemap,
            Page::SitemapPart(number) => Route::SitemapPart { number },
            Page::Robots => Route::Robots,
            Page::NotFound => Route::NotFound,
            Page::Search => Route::Search,
        }
    }

    /// How many pages a list of `items` entries takes (an empty list still has its first page).
    pub fn page_count(&self, items: usize) -> usize {
        items.div_ceil(self.config.per_page).max(1)
    }

    /// Whether the months of year `y` have pages of their own (the year has more articles than
    /// one page should list).
    pub fn month_pages(&self, y: usize) -> bool {
        self.archive.years[y].count > self.year_page_articles
    }

    /// Whether the terms of taxonomy `tax` have feeds.
    pub fn term_feeds(&self, tax: usize) -> bool {
        self.config.feeds && self.taxonomies[tax].settings.feeds
    }

    /// Every page of the site, in a stable order.
    pub fn pages(&self) -> Vec<Page> {
        let feeds = self.config.feeds;
        let mut pages = Vec::with_capacity(self.articles.len() * 2);
        pages
            .extend((1..=self.page_count(self.articles.len())).map(|number| Page::Home { number }));
        pages.extend((0..self.articles.len()).map(Page::Article));
        for (x, taxonomy) in self.taxonomies.iter().enumerate() {
            pages.push(Page::Taxonomy(x));
            let per_page = taxonomy.settings.per_page;
            for (t, term) in taxonomy.terms.iter().enumerate() {
                let count = term.articles.len().div_ceil(per_page).max(1);
                pages.extend((1..=count).map(|number| Page::Term {
                    tax: x,
                    term: t,
                    number,
                }));
                if self.term_feeds(x) {
                    pages.push(Page::TermFeed { tax: x, term: t });
                }
            }
        }
        if !self.dossiers.series.is_empty() {
            pages.push(Page::SeriesIndex);
            pages.extend((0..self.dossiers.series.len()).map(Page::Series));
        }
        pages.push(Page::Archive);
        for (y, year) in self.archive.years.iter().enumerate() {
            pages.push(Page::ArchiveYear(y));
            if self.month_pages(y) {
                pages.extend(
                    (0..year.months.len()).map(|month| Page::ArchiveMonth { year: y, month }),
                );
            }
        }
        if feeds {
            pages.push(Page::Feed);
        }
        pages.push(Page::Sitemap);
        let parts = self.sitemap().len();
        if parts > 1 {
            pages.extend((1..=parts).map(Page::SitemapPart));
        }
        pages.extend([Page::Robots, Page::NotFound]);
        if self.config.search {
            pages.push(Page::Search);
        }
        pages
    }

    /// The pages that show anything of article `i` while the archive keeps its structure (the
    /// same order, tags and lists): its own page, the home and tag pages that list it, the
    /// feeds that include it, its archive year, its neighbours (previous/next links), every
    /// article whose related, backlinks or similar list shows it, and the sitemap (and its part
    /// that lists it). Sorted, without repeats.
    pub fn pages_showing(&self, i: usize) -> Vec<Page> {
        let per_page = self.config.per_page;
        let mut pages = vec![
            Page::Article(i),
            Page::Home {
                number: i / per_page + 1,
            },
            Page::Sitemap,
        ];
        let sitemap = self.sitemap();
        if sitemap.len() > 1 {
            if let Some(k) = sitemap
                .iter()
                .position(|part| part.contains(&Page::Article(i)))
            {
                pages.push(Page::SitemapPart(k + 1));
            }
        }
        if self.config.feeds && i < FEED_ENTRIES {
            pages.push(Page::Feed);
        }
        for (x, taxonomy) in self.taxonomies.iter().enumerate() {
            for &t in &taxonomy.article_terms[i] {
                if let Some(pos) = taxonomy.terms[t].articles.iter().position(|&j| j == i) {
                    pages.push(Page::Term {
                        tax: x,
                        term: t,
                        number: pos / taxonomy.settings.per_page + 1,
                    });
                    if self.term_feeds(x) && pos < FEED_ENTRIES {
                        pages.push(Page::TermFeed { tax: x, term: t });
                    }
                }
            }
        }
        for (y, year) in self.archive.years.iter().enumerate() {
            if let Some(month) = year.months.iter().position(|m| m.articles.contains(&i)) {
                pages.push(Page::ArchiveYear(y));
                if self.month_pages(y) {
                    pages.push(Page::ArchiveMonth { year: y, month });
                }
            }
        }
        if let Some((x, _)) = self.dossiers.of_article[i] {
            // Its dossier's page and index, and every part (each says "part k of n" and links
            // its neighbours in the dossier).
            pages.extend([Page::Series(x), Page::SeriesIndex]);
            pages.extend(
                self.dossiers.series[x]
                    .articles
                    .iter()
                    .map(|&j| Page::Article(j)),
            );
        }
        let newer = i.checked_sub(1);
        let older = Some(i + 1).filter(|&j| j < self.articles.len());
        pages.extend([newer, older].into_iter().flatten().map(Page::Article));
        pages.extend(self.articles_listing(i).into_iter().map(Page::Article));
        pages.sort_unstable();
        pages.dedup();
        pages
    }

    /// The pages the sitemap lists, in one part when they fit in one file (the home page, the
    /// articles newest first, each taxonomy's index and names, the dossiers, the archive);
    /// otherwise in parts of at most [`SitemapLimits`]: the articles oldest first, then the other
    /// pages, so that a new article changes only the last part of the articles.
    pub fn sitemap(&self) -> Vec<Vec<Page>> {
        let mut others = vec![Page::Home { number: 1 }];
        for (x, taxonomy) in self.taxonomies.iter().enumerate() {
            others.push(Page::Taxonomy(x));
            others.extend((0..taxonomy.terms.len()).map(|term| Page::Term {
                tax: x,
                term,
                number: 1,
            }));
        }
        if !self.dossiers.series.is_empty() {
            others.push(Page::SeriesIndex);
            others.extend((0..self.dossiers.series.len()).map(Page::Series));
        }
        others.push(Page::Archive);
        let limits = self.sitemap_limits;
        let n = self.articles.len();
        // Each URL's bytes in a sitemap file (its address and the line around it), made in
        // parallel: a million articles' permalinks take a moment on one thread.
        let size = |p: &Page| self.config.permalink(&self.route(*p).path()).len() + SITEMAP_LINE;
        let sizes = |pages: &[Page]| -> Vec<usize> {
            use rayon::prelude::*;
            pages.par_iter().map(size).collect()
        };
        if n + others.len() <= limits.urls {
            let mut all = Vec::with_capacity(n + others.len());
            all.push(others[0]);
            all.extend((0..n).map(Page::Article));
            all.extend_from_slice(&others[1..]);
            if sizes(&all).iter().sum::<usize>() <= limits.bytes {
                return vec![all];
            }
        }
        let mut order: Vec<Page> = (0..n).rev().map(Page::Article).collect();
        order.extend(others);
        let mut parts = Vec::new();
        let mut part = Vec::new();
        let mut bytes = 0;
        for (page, s) in order.iter().zip(sizes(&order)) {
            if !part.is_empty() && (part.len() == limits.urls || bytes + s > limits.bytes) {
                parts.push(std::mem::take(&mut part));
                bytes = 0;
            }
            part.push(*page);
            bytes += s;
        }
        if !part.is_empty() {
            parts.push(part);
        }
        parts
    }

    /// The other articles whose related, backlinks or similar list shows article `i`.
    pub fn articles_listing(&self, i: usize) -> Vec<usize> {
        self.related
            .iter()
            .enumerate()
            .filter(|&(j, r)| j != i && r.shows(i))
            .map(|(j, _)| j)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::{daily, site_of, site_with, tagged_x};

    #[test]
    fn every_page_exists_once() {
        let site = site_of(&[
            ("a", "2025-01-03", &["x"]),
            ("b", "2025-01-02", &["x", "y"]),
            ("c", "2024-05-01", &[]),
        ]);
        let pages = site.pages();
        let mut unique = pages.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), pages.len());
        let files: std::collections::HashSet<String> =
            pages.iter().map(|&p| site.route(p).file()).collect();
        assert_eq!(files.len(), pages.len(), "two pages share a file");
        for f in [
            "index.html",
            "a/index.html",
            "tags/index.html",
            "tags/x/index.html",
            "tags/x/feed.xml",
            "archive/2024/index.html",
            "feed.xml",
            "sitemap.xml",
        ] {
            assert!(files.contains(f), "{f} missing");
        }
    }

    #[test]
    fn pagination_counts_pages_at_the_edges() {
        // per_page is 2 in site_of.
        let site = site_of(&[]);
        assert_eq!(site.page_count(0), 1);
        assert_eq!(site.page_count(1), 1);
        assert_eq!(site.page_count(2), 1);
        assert_eq!(site.page_count(3), 2);
        let homes = site
            .pages()
            .iter()
            .filter(|p| matches!(p, Page::Home { .. }))
            .count();
        assert_eq!(homes, 1, "an empty site still has its home page");
    }

    #[test]
    fn pages_showing_an_article_are_found_by_the_index() {
        let site = site_of(&[
            ("a", "2025-01-05", &["x"]),
            ("b", "2025-01-04", &["x"]),
            ("c", "2025-01-03", &["x"]),
            ("d", "2025-01-02", &["y"]),
        ]);
        // c is third newest: home page 2, tag x page 2, archive year 0, neighbours b and d.
        let shown = site.pages_showing(2);
        for p in [
            Page::Article(2),
            Page::Home { number: 2 },
            Page::Term {
                tax: 0,
                term: 0,
                number: 2,
            },
            Page::TermFeed { tax: 0, term: 0 },
            Page::ArchiveYear(0),
            Page::Article(1),
            Page::Article(3),
            Page::Feed,
            Page::Sitemap,
        ] {
            assert!(shown.contains(&p), "{p:?} not in {shown:?}");
        }
        assert!(!shown.contains(&Page::Home { number: 1 }));
        assert!(!shown.contains(&Page::Term {
            tax: 0,
            term: 1,
            number: 1
        }));
    }

    /// The article ids of each part of a sitemap (other pages left out).
    fn article_parts(site: &Site) -> Vec<Vec<String>> {
        site.sitemap()
            .iter()
            .map(|part| {
                part.iter()
                    .filter_map(|p| match p {
                        Page::Article(i) => Some(site.articles[*i].id.clone()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn sitemap_parts_keep_within_both_limits_and_a_new_article_changes_only_the_last() {
        let dates = daily("2025-01", 9);
        let list = |n: usize| tagged_x(&dates[..n]);
        let small = site_of(&list(8));
        let one = small.sitemap();
        assert_eq!(one.len(), 1, "a small site has one sitemap file");
        assert_eq!(one[0][0], Page::Home { number: 1 });
        assert_eq!(one[0][1], Page::Article(0), "newest first, as before");
        assert!(!small.pages().contains(&Page::SitemapPart(1)));

        let limited = |n: usize, limits: SitemapLimits| {
            let mut site = site_with(&list(n), "per_page: 2\n");
            site.sitemap_limits = limits;
            site
        };
        let by_count = SitemapLimits {
            urls: 3,
            bytes: 1 << 20,
        };
        let before = limited(8, by_count);
        let parts = before.sitemap();
        assert!(
            parts.iter().all(|p| (1..=3).contains(&p.len())),
            "{parts:?}"
        );
        let listed: usize = parts.iter().map(Vec::len).sum();
        assert_eq!(listed, one[0].len(), "every URL, once");
        let pages = before.pages();
        for k in 1..=parts.len() {
            assert!(pages.contains(&Page::SitemapPart(k)));
        }
        assert!(!pages.contains(&Page::SitemapPart(parts.len() + 1)));
        // The part listing an article is among the pages that show it.
        for i in 0..before.articles.len() {
            let k = parts
                .iter()
                .position(|p| p.contains(&Page::Article(i)))
                .unwrap();
            assert!(before.pages_showing(i).contains(&Page::SitemapPart(k + 1)));
        }
        // One article newer than all: the full parts of articles stay as they were.
        let after = limited(9, by_count);
        let (old, new) = (article_parts(&before), article_parts(&after));
        assert_eq!(old[..2], new[..2], "{old:?} → {new:?}");
        assert_eq!(new[2], ["a7", "a8", "a9"]);

        // By size: each part's URLs fit in the bytes allowed.
        let size = |site: &Site, p: &Page| {
            site.config.permalink(&site.route(*p).path()).len() + SITEMAP_LINE
        };
        let one_url = size(&before, &Page::Article(0));
        let by_size = limited(
            8,
            SitemapLimits {
                urls: 50_000,
                bytes: one_url * 2 + 1,
            },
        );
        let parts = by_size.sitemap();
        assert!(parts.len() >= 4, "{parts:?}");
        for part in &parts {
            let bytes: usize = part.iter().map(|p| size(&by_size, p)).sum();
            assert!(bytes <= one_url * 2 + 1 || part.len() == 1, "{part:?}");
        }
    }
}
