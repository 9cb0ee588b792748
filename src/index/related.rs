//! Declared related entries, resolved; and backlinks (articles that declare or link to this one).

use std::collections::HashMap;

use crate::content::article::{Article, ExternalRelated};
use crate::content::front_matter::{locate_value, RelatedEntry};
use crate::diagnostics::{did_you_mean, Diagnostic};

/// One resolved `related:` entry.
#[derive(Debug, Clone)]
pub enum Declared {
    Article(usize),
    External(ExternalRelated),
}

/// The three related lists of one article.
#[derive(Debug, Clone, Default)]
pub struct Related {
    /// In the editor's order.
    pub declared: Vec<Declared>,
    /// Newest first.
    pub backlinks: Vec<usize>,
    /// Best first.
    pub similar: Vec<usize>,
}

impl Related {
    /// Whether any of the three lists shows article `i`.
    pub fn shows(&self, i: usize) -> bool {
        self.backlinks.contains(&i)
            || self.similar.contains(&i)
            || self
                .declared
                .iter()
                .any(|d| matches!(d, Declared::Article(k) if *k == i))
    }
}

/// Resolves every article's `related:`; unknown and self references are errors at their position.
pub fn declared(articles: &[Article], diagnostics: &mut Vec<Diagnostic>) -> Vec<Vec<Declared>> {
    let by_id: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    articles
        .iter()
        .enumerate()
        .map(|(i, article)| {
            let mut list = Vec::with_capacity(article.related.len());
            for entry in &article.related {
                match entry {
                    RelatedEntry::Article(id) => match by_id.get(id.as_str()) {
                        Some(&j) if j == i => diagnostics.push(at(article, id, format!("`{id}` is this article itself")).with_hint("remove the entry; an article is not related to itself")),
                        Some(&j) => {
                            if !list.iter().any(|d| matches!(d, Declared::Article(k) if *k == j)) {
                                list.push(Declared::Article(j));
                            }
                        }
                        None => {
                            let hint = if id.contains(" - ") {
                                "an item indented deeper than the one above it continues that item: start every `- ` of the list at the same indentation".into()
                            } else if let Some(near) = did_you_mean(id, by_id.keys().copied()) {
                                format!("did you mean `{near}`? Entries are paths under content/ without `.md`")
                            } else {
                                "entries are paths under content/ without `.md` (2025/slug), or {title, url} maps for other sites".into()
                            };
                            diagnostics.push(at(article, id, format!("related article `{id}` does not exist")).with_hint(hint));
                        }
                    },
                    RelatedEntry::External { title, url } => {
                        // Listed once, like an article: the same address (or, without one,
                        // the same title) pasted twice.
                        let external = ExternalRelated::new(title, url.as_ref());
                        let same = |e: &ExternalRelated| match (&e.url, &external.url) {
                            (Some(a), Some(b)) => a == b,
                            (None, None) => e.title == external.title,
                            _ => false,
                        };
                        if !list.iter().any(|d| matches!(d, Declared::External(e) if same(e))) {
                            list.push(Declared::External(external));
                        }
                    }
                }
            }
            list
        })
        .collect()
}

fn at(article: &Article, needle: &str, message: String) -> Diagnostic {
    // YAML folds a plain value's lines into one (an item indented under another joins it), so
    // the value as read may not be written anywhere: its first word is, or else the key.
    let first_word = needle.split_whitespace().next().unwrap_or(needle);
    let offset = locate_value(&article.file, "related", needle)
        .or_else(|| locate_value(&article.file, "related", first_word))
        .or_else(|| crate::content::front_matter::locate_key_value(&article.file, "related"))
        .unwrap_or(0);
    Diagnostic::at_offset(&article.shown, &article.file.text, offset, message)
}

/// For each article, the articles that declare it or link to it from their body, newest first.
pub fn backlinks(articles: &[Article], declared: &[Vec<Declared>]) -> Vec<Vec<usize>> {
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); articles.len()];
    for (i, article) in articles.iter().enumerate() {
        let declared_targets = declared[i].iter().filter_map(|d| match d {
            Declared::Article(j) => Some(*j),
            Declared::External(_) => None,
        });
        for j in declared_targets.chain(article.links_to.iter().copied()) {
            if j != i {
                back[j].push(i);
            }
        }
    }
    for list in &mut back {
        list.sort_unstable();
        list.dedup();
    }
    back
}

#[cfg(test)]
mod tests {
    use super::Declared;
    use crate::index::tests::{article, index_of, site_from, stems};

    #[test]
    fn a_repeated_related_entry_is_listed_once() {
        let files = [
            article(
                "a",
                "date: 2025-01-01\nrelated: [b, {title: X, url: 'https://x.org/1'}, b, {title: Y, url: 'https://x.org/1'}, {title: X, url: 'https://x.org/2'}, {title: Z}, {title: Z}]",
                "نص",
            ),
            article("b", "date: 2025-01-02", "نص"),
        ];
        let site = site_from(&files, "").unwrap();
        let a = index_of(&site, "a");
        let shown: Vec<String> = site.related[a]
            .declared
            .iter()
            .map(|d| match d {
                Declared::Article(i) => site.articles[*i].id.clone(),
                Declared::External(e) => format!("{} {:?}", e.title, e.url),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "b",
                "X Some(\"https://x.org/1\")",
                "X Some(\"https://x.org/2\")",
                "Z None"
            ]
        );
    }

    #[test]
    fn an_article_cannot_relate_to_itself() {
        let files = [article("a", "date: 2025-01-01\nrelated: [a]", "نص")];
        let problems = site_from(&files, "").expect_err("an error");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].location(), "content/a.md:4:11");
        assert!(problems[0].message.contains("is this article itself"));
    }

    #[test]
    fn backlinks_count_each_article_once_newest_first() {
        let files = [
            // Declares b and links to it from the body: one backlink.
            article(
                "a",
                "date: 2025-01-03\nrelated: [b]",
                "انظر [ب](b.md) و[ب مرة أخرى](b.md).",
            ),
            article("b", "date: 2025-01-01", "نص"),
            article("c", "date: 2025-01-02", "[ب](/b/)"),
        ];
        let site = site_from(&files, "").unwrap();
        let b = index_of(&site, "b");
        assert_eq!(stems(&site, &site.related[b].backlinks), ["a", "c"]);
    }
}
