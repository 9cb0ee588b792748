//! Taxonomies (tags, writers, sources, a site's own such as regions), one mechanism for all:
//! every name an article carries under a taxonomy's field becomes a term with its page; spellings
//! that normalise to the same slug are one term ("الشَّرْع" = "الشرع"), shown with its most used
//! spelling.

use std::collections::HashMap;

use crate::arabic::normalize::fold;
use crate::arabic::slug::slugify;
use crate::config::{Taxonomy as Settings, TermField, TermSort};
use crate::content::article::{Article, MAX_NAME_BYTES};
use crate::content::front_matter::locate_value;
use crate::diagnostics::Diagnostic;

/// One name of a taxonomy (a tag, a writer, a source, a region).
#[derive(Debug, Clone)]
pub struct Term {
    /// The display name: the most used spelling (ties: the first in sorted order).
    pub name: String,
    pub slug: String,
    /// Its articles, newest first.
    pub articles: Vec<usize>,
    /// For a source: the domain of its URL (from its newest article that gives one).
    pub domain: Option<String>,
}

/// One taxonomy of the site, indexed.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub settings: Settings,
    /// In the order of its index page (`sort`).
    pub terms: Vec<Term>,
    /// For each article, the indexes into `terms` of its names, in the editor's order.
    pub article_terms: Vec<Vec<usize>>,
}

/// The names article `a` carries under a taxonomy, with the domain of each (sources).
fn names_of<'a>(field: &TermField, a: &'a Article) -> Vec<(&'a str, Option<&'a str>)> {
    match field {
        TermField::Tags => a.tags.iter().map(|t| (t.as_str(), None)).collect(),
        TermField::Author => a.authors.iter().map(|t| (t.as_str(), None)).collect(),
        TermField::Source => a
            .source
            .iter()
            .map(|s| (s.name.as_str(), s.url.as_ref().and_then(|u| u.domain())))
            .collect(),
        TermField::Own(key) => a
            .own
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, names)| names.iter().map(|n| (n.as_str(), None)))
            .collect(),
    }
}

/// Indexes one taxonomy over all articles; names that cannot have a page are problems.
pub fn index(
    settings: &Settings,
    articles: &[Article],
    diagnostics: &mut Vec<Diagnostic>,
) -> Taxonomy {
    struct Building {
        spellings: HashMap<String, usize>,
        articles: Vec<usize>,
        domain: Option<String>,
    }
    let key = settings.field.key();
    let mut by_slug: HashMap<String, Building> = HashMap::new();
    let mut article_slugs: Vec<Vec<String>> = Vec::with_capacity(articles.len());
    for (i, article) in articles.iter().enumerate() {
        let mut slugs = Vec::new();
        for (name, domain) in names_of(&settings.field, article) {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.is_empty() {
                continue;
            }
            let slug = slugify(&name);
            let problem = if slug.is_empty() {
                Some((
                    format!(
                        "{} `{name}` has no letter or digit",
                        settings.label_for_errors()
                    ),
                    "remove it or write it with words",
                ))
            } else if slug.len() > MAX_NAME_BYTES {
                Some((
                    format!(
                        "this {} is {} bytes long as a folder name; file systems allow at most {MAX_NAME_BYTES}",
                        settings.label_for_errors(),
                        slug.len()
                    ),
                    "shorten it: a tag, a writer's or a source's name is a few words",
                ))
            } else {
                None
            };
            if let Some((message, hint)) = problem {
                let offset = locate_value(&article.file, key, &name).unwrap_or(0);
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
                domain: None,
            });
            *entry.spellings.entry(name).or_default() += 1;
            entry.articles.push(i);
            if entry.domain.is_none() {
                entry.domain = domain.map(str::to_string);
            }
            slugs.push(slug);
        }
        article_slugs.push(slugs);
    }
    let mut terms: Vec<Term> = by_slug
        .into_iter()
        .map(|(slug, b)| {
            let name = b
                .spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_else(|| slug.clone());
            Term {
                name,
                slug,
                articles: b.articles,
                domain: b.domain,
            }
        })
        .collect();
    match settings.sort {
        TermSort::Count => terms.sort_by_cached_key(|t| {
            (
                std::cmp::Reverse(t.articles.len()),
                fold(&t.name),
                t.slug.clone(),
            )
        }),
        TermSort::Name => terms.sort_by_cached_key(|t| (fold(&t.name), t.slug.clone())),
    }
    let position: HashMap<&str, usize> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    let article_terms = article_slugs
        .iter()
        .map(|slugs| {
            slugs
                .iter()
                .filter_map(|s| position.get(s.as_str()).copied())
                .collect()
        })
        .collect();
    Taxonomy {
        settings: settings.clone(),
        terms,
        article_terms,
    }
}

impl Settings {
    /// How a name of this taxonomy is called in messages (`tag`, `author`, `regions` name).
    fn label_for_errors(&self) -> String {
        match &self.field {
            TermField::Tags => "tag".into(),
            TermField::Author => "author".into(),
            TermField::Source => "source".into(),
            TermField::Own(key) => format!("`{key}` name"),
        }
    }
}
