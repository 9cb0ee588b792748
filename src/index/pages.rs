//! The pages of a site, by identity: which exist, where each lives (through [`routes`]), and
//! which of them show anything of a given article. Both `build` (every page) and `serve` (the
//! pages an edit touches) ask here; rendering only turns a [`Page`] into bytes.

use super::Site;
use crate::routes::Route;

/// How many entries a feed holds.
pub const FEED_ENTRIES: usize = 20;

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
    Feed,
    Sitemap,
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
            Page::Feed => Route::Feed,
            Page::Sitemap => Route::Sitemap,
            Page::Robots => Route::Robots,
            Page::NotFound => Route::NotFound,
            Page::Search => Route::Search,
        }
    }

    /// How many pages a list of `items` entries takes (an empty list still has its first page).
    pub fn page_count(&self, items: usize) -> usize {
        items.div_ceil(self.config.per_page).max(1)
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
        pages.extend((0..self.archive.years.len()).map(Page::ArchiveYear));
        if feeds {
            pages.push(Page::Feed);
        }
        pages.extend([Page::Sitemap, Page::Robots, Page::NotFound]);
        if self.config.search {
            pages.push(Page::Search);
        }
        pages
    }

    /// The pages that show anything of article `i` while the archive keeps its structure (the
    /// same order, tags and lists): its own page, the home and tag pages that list it, the
    /// feeds that include it, its archive year, its neighbours (previous/next links), every
    /// article whose related, backlinks or similar list shows it, and the sitemap. Sorted,
    /// without repeats.
    pub fn pages_showing(&self, i: usize) -> Vec<Page> {
        let per_page = self.config.per_page;
        let mut pages = vec![
            Page::Article(i),
            Page::Home {
                number: i / per_page + 1,
            },
            Page::Sitemap,
        ];
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
        if let Some(y) = self
            .archive
            .years
            .iter()
            .position(|y| y.months.iter().any(|m| m.articles.contains(&i)))
        {
            pages.push(Page::ArchiveYear(y));
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
    use crate::index::tests::site_of;

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
}
