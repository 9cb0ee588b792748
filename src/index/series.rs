//! Dossiers (series, ملفات): articles that declare the same `series:` name, in reading order.
//! Explicit parts order them (`series: {name, part: 2}`); articles without a part follow, oldest
//! first (`series: name` alone orders a whole dossier by date). Names are merged like tags
//! (the same slug is the same dossier, shown in its most used spelling). Two articles claiming
//! the same part is an error at both; a missing part is a warning.

use std::collections::HashMap;

use crate::arabic::slug::slugify;
use crate::content::article::Article;
use crate::content::front_matter::locate_key_value;
use crate::diagnostics::Diagnostic;

/// One dossier.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub slug: String,
    /// Its articles in reading order.
    pub articles: Vec<usize>,
    /// The introduction (`series/<slug>.md` beside `content/`), rendered, when there is one.
    pub intro_html: Option<String>,
}

/// Every dossier (newest first by their newest article) and, per article, its dossier and
/// position in it.
#[derive(Debug)]
pub struct Dossiers {
    pub series: Vec<Series>,
    pub of_article: Vec<Option<(usize, usize)>>,
}

fn at_series(a: &Article, message: String) -> Diagnostic {
    let offset = locate_key_value(&a.file, "series").unwrap_or(0);
    Diagnostic::at_offset(&a.shown, &a.file.text, offset, message)
}

/// Groups the articles into dossiers; duplicate parts are errors, gaps warnings.
pub fn index(
    config: &crate::config::Config,
    articles: &[Article],
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Dossiers {
    let mut by_slug: HashMap<String, (HashMap<String, usize>, Vec<usize>)> = HashMap::new();
    for (i, a) in articles.iter().enumerate() {
        let Some(spec) = &a.series else { continue };
        let name = spec.name.split_whitespace().collect::<Vec<_>>().join(" ");
        let slug = slugify(&name);
        if slug.is_empty() {
            errors.push(
                at_series(a, format!("series `{name}` has no letter or digit"))
                    .with_hint("name the dossier with words"),
            );
            continue;
        }
        if slug.len() > crate::content::article::MAX_NAME_BYTES {
            errors.push(
                at_series(
                    a,
                    format!(
                        "this series name is {} bytes long as a folder name; file systems allow at most {}",
                        slug.len(),
                        crate::content::article::MAX_NAME_BYTES
                    ),
                )
                .with_hint("give the dossier a shorter name: a few words"),
            );
            continue;
        }
        let entry = by_slug.entry(slug).or_default();
        *entry.0.entry(name).or_default() += 1;
        entry.1.push(i);
    }
    let mut series: Vec<Series> = Vec::with_capacity(by_slug.len());
    for (slug, (spellings, mut members)) in by_slug {
        let name = super::taxonomy::most_used(spellings, &slug);
        let part = |i: usize| articles[i].series.as_ref().and_then(|s| s.part);
        // Parts first in their order, then the rest oldest first (indexes are newest first).
        members.sort_by_key(|&i| (part(i).is_none(), part(i), std::cmp::Reverse(i)));
        for pair in members.windows(2) {
            if let (Some(p), Some(q)) = (part(pair[0]), part(pair[1])) {
                if p == q {
                    for &i in pair {
                        let other = if i == pair[0] { pair[1] } else { pair[0] };
                        errors.push(
                            at_series(
                                &articles[i],
                                format!(
                                    "this article and {} both claim part {p} of the series «{name}»",
                                    crate::diagnostics::display_path(&articles[other].shown)
                                ),
                            )
                            .with_hint("give each article of a series its own part"),
                        );
                    }
                } else if q > p + 1 {
                    warnings.push(
                        at_series(
                            &articles[pair[1]],
                            format!(
                                "the series «{name}» has no part {} (this is part {q})",
                                p + 1
                            ),
                        )
                        .with_hint("number the parts without gaps, or add the missing part"),
                    );
                }
            }
        }
        let intro_html = intro(config, &slug, errors);
        series.push(Series {
            name,
            slug,
            articles: members,
            intro_html,
        });
    }
    // Newest dossier first (by its newest article), then by slug.
    series.sort_by_key(|s| (s.articles.iter().min().copied(), s.slug.clone()));
    let mut of_article = vec![None; articles.len()];
    for (x, s) in series.iter().enumerate() {
        for (k, &i) in s.articles.iter().enumerate() {
            of_article[i] = Some((x, k));
        }
    }
    Dossiers { series, of_article }
}

/// The introduction of a dossier: markdown in `series/<slug>.md` at the site's root, held to
/// the rules of an article's body (its raw HTML to the site's policy, its links to the allowed
/// schemes): its problems are errors at their place in that file.
fn intro(
    config: &crate::config::Config,
    slug: &str,
    errors: &mut Vec<Diagnostic>,
) -> Option<String> {
    let shown = std::path::PathBuf::from("series").join(format!("{slug}.md"));
    let bytes = match std::fs::read(config.root.join(&shown)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            errors.push(Diagnostic::new(
                Some(&shown),
                format!("cannot read the dossier's introduction: {e}"),
            ));
            return None;
        }
    };
    let text = match crate::content::source::text_of(&shown, "the file", bytes) {
        Ok(text) => text,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let text: std::sync::Arc<str> = std::sync::Arc::from(text);
    let rendered = crate::content::markdown::render(
        &text,
        config.direction,
        &|_| Ok(Default::default()),
        &config.html,
    );
    if rendered.problems.is_empty() {
        return Some(rendered.html);
    }
    for problem in rendered.problems {
        let d = Diagnostic::at_offset(&shown, &text, problem.offset, problem.message);
        errors.push(match problem.hint {
            Some(h) => d.with_hint(h),
            None => d,
        });
    }
    None
}
