//! Whole-archive structures, built once from all articles: tags, the three related lists,
//! the date archive. Nothing here renders HTML; [`Site`] is what the renderer is fed.

pub mod archive;
pub mod pages;
pub mod related;
pub mod similar;
pub mod tags;

use crate::config::Config;
use crate::content::article::Article;
use crate::diagnostics::Diagnostic;

pub use archive::Archive;
pub use pages::{Page, FEED_ENTRIES};
pub use related::Related;
pub use tags::Tag;

/// The finished model of the site.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first.
    pub articles: Vec<Article>,
    /// By count, then by normalised name.
    pub tags: Vec<Tag>,
    /// For each article, the indexes into `tags` of its tags (in the editor's order).
    pub article_tags: Vec<Vec<usize>>,
    /// For each article: declared, backlinks, similar.
    pub related: Vec<Related>,
    pub archive: Archive,
}

impl Site {
    /// Indexes loaded articles; every problem found (unknown related entries, bad tags) is returned.
    pub fn build(config: Config, articles: Vec<Article>) -> Result<Site, Vec<Diagnostic>> {
        let mut diagnostics = Vec::new();
        let (tags, article_tags) = tags::index(&articles, &mut diagnostics);
        let declared = related::declared(&articles, &mut diagnostics);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let backlinks = related::backlinks(&articles, &declared);
        let similar = similar::compute(
            &articles,
            &article_tags,
            tags.len(),
            &declared,
            &backlinks,
            &config.similar,
        );
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
            tags,
            article_tags,
            related,
            archive,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A site of articles `(file stem, date, tags)` with `per_page: 2`, loaded from a temporary
    /// folder through the real loader.
    pub fn site_of(articles: &[(&str, &str, &[&str])]) -> Site {
        site_with(articles, "per_page: 2\n")
    }

    /// Like [`site_of`] with the given `site.yaml`; bodies are given by `body_of(stem)`.
    pub fn site_with(articles: &[(&str, &str, &[&str])], site_yaml: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.yaml"), site_yaml).expect("site.yaml");
        std::fs::create_dir(dir.path().join("content")).expect("content/");
        for (stem, date, tags) in articles {
            let tags = tags.join(", ");
            std::fs::write(
                dir.path().join("content").join(format!("{stem}.md")),
                format!(
                    "---\ntitle: {stem}\ndate: {date}\ntags: [{tags}]\n---\nنص المقال {stem}.\n"
                ),
            )
            .expect("article");
        }
        let config = Config::load(dir.path()).expect("config");
        let loaded = crate::content::article::load(dir.path(), &config, false).expect("articles");
        Site::build(config, loaded).expect("site")
    }
}
