//! Tags: spellings that normalise to the same slug are one tag ("الشَّرْع" = "الشرع"), shown with
//! its most used spelling.

use std::collections::HashMap;

use crate::arabic::normalize::fold;
use crate::arabic::slug::slugify;
use crate::content::article::{Article, MAX_NAME_BYTES};
use crate::content::front_matter::locate_value;
use crate::diagnostics::Diagnostic;

/// One tag of the archive.
#[derive(Debug, Clone)]
pub struct Tag {
    /// The display name: the most used spelling (ties: the first in sorted order).
    pub name: String,
    pub slug: String,
    /// Its articles, newest first.
    pub articles: Vec<usize>,
}

/// Builds the tag list (sorted by count, then normalised name) and each article's tag indexes.
pub fn index(
    articles: &[Article],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Tag>, Vec<Vec<usize>>) {
    struct Building {
        spellings: HashMap<String, usize>,
        articles: Vec<usize>,
    }
    let mut by_slug: HashMap<String, Building> = HashMap::new();
    let mut article_slugs: Vec<Vec<String>> = Vec::with_capacity(articles.len());
    for (i, article) in articles.iter().enumerate() {
        let mut slugs = Vec::new();
        for tag in &article.tags {
            let slug = slugify(tag);
            let problem = if slug.is_empty() {
                Some((
                    format!("tag `{tag}` has no letter or digit"),
                    "remove it or write it with words",
                ))
            } else if slug.len() > MAX_NAME_BYTES {
                Some((
                    format!(
                        "this tag is {} bytes long as a folder name; file systems allow at most {MAX_NAME_BYTES}",
                        slug.len()
                    ),
                    "shorten the tag: a tag names a topic in a few words",
                ))
            } else {
                None
            };
            if let Some((message, hint)) = problem {
                let offset = locate_value(&article.file, "tags", tag).unwrap_or(0);
                diagnostics.push(
                    Diagnostic::at_offset(&article.shown, &article.file.text, offset, message)
                        .with_hint(hint),
                );
                continue;
            }
            if slugs.contains(&slug) {
                continue;
            }
            let entry = by_slug.entry(slug.clone()).or_insert_with(|| Building {
                spellings: HashMap::new(),
                articles: Vec::new(),
            });
            *entry.spellings.entry(tag.clone()).or_default() += 1;
            entry.articles.push(i);
            slugs.push(slug);
        }
        article_slugs.push(slugs);
    }
    let tags = named_and_sorted(
        by_slug
            .into_iter()
            .map(|(slug, b)| (slug, b.spellings, b.articles)),
    );
    let position: HashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    let article_tags = article_slugs
        .iter()
        .map(|slugs| {
            slugs
                .iter()
                .filter_map(|s| position.get(s.as_str()).copied())
                .collect()
        })
        .collect();
    (tags, article_tags)
}

/// Tags named by their most used spelling (ties: the first in sorted order), sorted by count,
/// then normalised name.
fn named_and_sorted(
    found: impl Iterator<Item = (String, HashMap<String, usize>, Vec<usize>)>,
) -> Vec<Tag> {
    let mut tags: Vec<Tag> = found
        .map(|(slug, spellings, articles)| {
            let name = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_else(|| slug.clone());
            Tag {
                name,
                slug,
                articles,
            }
        })
        .collect();
    tags.sort_by_cached_key(|t| {
        (
            std::cmp::Reverse(t.articles.len()),
            fold(&t.name),
            t.slug.clone(),
        )
    });
    tags
}
