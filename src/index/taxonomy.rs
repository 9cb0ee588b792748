//! Taxonomies (tags, writers, sources, a site's own such as regions), one mechanism for all:
//! every name an article carries under a taxonomy's field becomes a term with its page; spellings
//! that normalise to the same slug are one term ("الشَّرْع" = "الشرع"), shown with its most used
//! spelling.

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::arabic::normalize::fold;
use crate::arabic::slug::slugify;
use crate::config::{Taxonomy as Settings, TermField, TermSort};
use crate::content::article::{Article, MAX_NAME_BYTES};
use crate::content::front_matter::locate_value;
use crate::diagnostics::{did_you_mean, Diagnostic};

/// What `data/<taxonomy>.yaml` says of one name: the name to show, a short bio or description,
/// links, and other spellings that are the same name.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermData {
    /// The name to show (default: the most used spelling).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub bio: Option<String>,
    #[serde(default)]
    pub links: Vec<TermLink>,
    /// Other spellings merged into this name (`"سارة احمد"`, `"Sara Al-Ahmad"`).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A link of a name (a writer's profile, a source's site).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TermLink {
    pub title: String,
    pub url: crate::content::front_matter::ExternalUrl,
}

/// What `data/<taxonomy>.yaml` says of names, by slug, and where each name is written.
#[derive(Debug, Default)]
pub struct Data {
    pub terms: HashMap<String, TermData>,
    /// Each name as written (its slug, the name, the warning it gets when no article carries it).
    written: Vec<(String, String, Diagnostic)>,
}

impl Data {
    /// What the file says of the name with this slug.
    pub fn get(&self, slug: &str) -> Option<&TermData> {
        self.terms.get(slug)
    }

    /// A warning at each name of the file that no article of `taxonomy` carries (under any of
    /// its aliases): a misspelt name in the data file shows its bio nowhere, silently.
    pub fn unused(&self, taxonomy: &Taxonomy) -> Vec<Diagnostic> {
        let carried: std::collections::HashSet<&str> =
            taxonomy.terms.iter().map(|t| t.slug.as_str()).collect();
        let mut out: Vec<Diagnostic> = self
            .written
            .iter()
            .filter(|(slug, _, _)| !carried.contains(slug.as_str()))
            .map(|(_, name, warning)| {
                let key = taxonomy.settings.field.key();
                let hint = match did_you_mean(name, taxonomy.terms.iter().map(|t| t.name.as_str()))
                {
                    Some(near) => format!(
                        "did you mean `{near}`? Write the name as the articles' `{key}:` write it"
                    ),
                    None => format!(
                        "write the name as the articles' `{key}:` write it, or remove the entry"
                    ),
                };
                warning.clone().with_hint(hint)
            })
            .collect();
        out.sort_by_key(|d| d.line);
        out
    }
}

/// A warning for each `data/<name>.yaml` whose name is no taxonomy of the site
/// (`data/author.yaml` for `authors`): warraq never reads it, so nothing it says is shown.
pub fn stray_data_files(config: &crate::config::Config) -> Vec<Diagnostic> {
    let Ok(entries) = std::fs::read_dir(config.root.join("data")) else {
        return Vec::new();
    };
    let names: Vec<&str> = config.taxonomies.iter().map(|t| t.name.as_str()).collect();
    let mut out: Vec<Diagnostic> = entries
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().into_owned();
            let stem = file.strip_suffix(".yaml").or_else(|| file.strip_suffix(".yml"))?;
            if file.starts_with('.') || (names.contains(&stem) && file.ends_with(".yaml")) {
                return None;
            }
            let shown = std::path::Path::new("data").join(&file);
            let hint = match (file.ends_with(".yml"), names.contains(&stem)) {
                (true, true) => format!("rename it data/{stem}.yaml"),
                _ => match did_you_mean(stem, names.iter().copied()) {
                    Some(near) => format!("did you mean data/{near}.yaml? The site's taxonomies: {}", names.join(", ")),
                    None => format!("the site's taxonomies are {}; a data file is named after one (data/authors.yaml)", names.join(", ")),
                },
            };
            Some(
                Diagnostic::new(
                    Some(&shown),
                    format!("data/{file} is no taxonomy's data file, so warraq does not read it"),
                )
                .with_hint(hint),
            )
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Reads `data/<name>.yaml` of a taxonomy (a map from a name to its [`TermData`]) when it
/// exists; errors are positioned in that file.
pub fn load_data(config: &crate::config::Config, settings: &Settings) -> Result<Data, Diagnostic> {
    let shown = std::path::PathBuf::from(format!("data/{}.yaml", settings.name));
    let text = match std::fs::read(config.root.join(&shown)) {
        Ok(bytes) => crate::content::source::text_of(&shown, "the file", bytes)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Data::default()),
        Err(e) => {
            return Err(Diagnostic::new(
                Some(&shown),
                format!("cannot read it: {e}"),
            ))
        }
    };
    let source: std::sync::Arc<str> = std::sync::Arc::from(text);
    if source.trim().is_empty() {
        return Ok(Data::default());
    }
    let what = format!("data/{}.yaml", settings.name);
    let raw: HashMap<String, Option<TermData>> = serde_yaml::from_str(&source)
        .map_err(|e| crate::yaml::to_diagnostic(&shown, &source, 1, &what, &e))?;
    let mut out = Data::default();
    for (name, data) in raw {
        let slug = slugify(&name);
        let offset = source.find(&name).unwrap_or(0);
        if slug.is_empty() {
            return Err(Diagnostic::at_offset(
                &shown,
                &source,
                offset,
                format!("`{name}` has no letter or digit"),
            ));
        }
        let warning = Diagnostic::at_offset(
            &shown,
            &source,
            offset,
            format!(
                "`{name}` names no {} of any article, so what {what} says of it is shown nowhere",
                settings.label_for_errors()
            ),
        );
        out.written.push((slug.clone(), name, warning));
        out.terms.insert(slug, data.unwrap_or_default());
    }
    Ok(out)
}

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
    /// Its bio or description and links, from `data/<taxonomy>.yaml`.
    pub bio: Option<String>,
    pub links: Vec<TermLink>,
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

/// The hint for a name of a list of names (`tags`, a site's own taxonomy) written unquoted with
/// Arabic commas: `[داعش، سوريا]` is one item to YAML, whose lists are separated by `,` alone,
/// and an Arabic keyboard types `،`. A quoted name keeps its comma, as does a writer's or a
/// source's (one name, where a comma can belong: "فريق التحرير، بيروت").
fn arabic_comma_list(field: &TermField, name: &str, article: &Article) -> Option<String> {
    if matches!(field, TermField::Author | TermField::Source) || !name.contains('،') {
        return None;
    }
    let at = locate_value(&article.file, field.key(), name)?;
    if article.file.text[..at].ends_with(['"', '\'']) {
        return None;
    }
    let items: Vec<&str> = name
        .split('،')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    Some(format!(
        "separate the names with `,` ({}), or quote the name if the comma belongs to it",
        items.join(", ")
    ))
}

/// Indexes one taxonomy over all articles; names that cannot have a page are problems.
pub fn index(
    settings: &Settings,
    data: &Data,
    articles: &[Article],
    diagnostics: &mut Vec<Diagnostic>,
) -> Taxonomy {
    // Every alias's slug leads to its name's slug.
    let alias_of: HashMap<String, &str> = data
        .terms
        .iter()
        .flat_map(|(slug, d)| d.aliases.iter().map(move |a| (slugify(a), slug.as_str())))
        .collect();
    struct Building {
        spellings: HashMap<String, usize>,
        articles: Vec<usize>,
        domain: Option<String>,
    }
    let key = settings.field.key();
    let mut by_slug: HashMap<String, Building> = HashMap::new();
    let mut article_slugs: Vec<Vec<String>> = Vec::with_capacity(articles.len());
    // Each name tidied and slugged in parallel, and each distinct spelling once per thread: an
    // archive names the same few thousand tags over and over (normalising every name of 100 000
    // articles on one thread was a second of a build; on two, still 0.4 s of every build).
    // Everything that depends on order stays in order.
    let named: Vec<Vec<(String, String, Option<&str>)>> = {
        use rayon::prelude::*;
        articles
            .par_iter()
            .map_init(HashMap::<String, (String, String)>::new, |seen, article| {
                names_of(&settings.field, article)
                    .into_iter()
                    .map(|(name, domain)| {
                        if let Some((tidy, slug)) = seen.get(name) {
                            return (tidy.clone(), slug.clone(), domain);
                        }
                        let tidy = name.split_whitespace().collect::<Vec<_>>().join(" ");
                        let slug = slugify(&tidy);
                        seen.insert(name.to_string(), (tidy.clone(), slug.clone()));
                        (tidy, slug, domain)
                    })
                    .collect()
            })
            .collect()
    };
    for (i, (article, names)) in articles.iter().zip(named).enumerate() {
        let mut slugs = Vec::new();
        for (name, slug, domain) in names {
            if name.is_empty() {
                continue;
            }
            let slug = alias_of.get(&slug).map_or(slug, |s| (*s).to_string());
            let problem = if slug.is_empty() {
                Some((
                    format!(
                        "{} `{name}` has no letter or digit",
                        settings.label_for_errors()
                    ),
                    "remove it or write it with words".to_string(),
                ))
            } else if let Some(hint) = arabic_comma_list(&settings.field, &name, article) {
                Some((
                    format!(
                        "{} `{name}` is one name: YAML does not read the Arabic comma (،) as \
                         a list's separator",
                        settings.label_for_errors()
                    ),
                    hint,
                ))
            } else if slug.len() > MAX_NAME_BYTES {
                Some((
                    format!(
                        "this {} is {} bytes long as a folder name; file systems allow at most {MAX_NAME_BYTES}",
                        settings.label_for_errors(),
                        slug.len()
                    ),
                    "shorten it: a tag, a writer's or a source's name is a few words".to_string(),
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
            let known = data.get(&slug);
            let name = known
                .and_then(|d| d.name.clone())
                .unwrap_or_else(|| most_used(b.spellings, &slug));
            Term {
                name,
                articles: b.articles,
                domain: b.domain,
                bio: known.and_then(|d| d.bio.clone()),
                links: known.map(|d| d.links.clone()).unwrap_or_default(),
                slug,
            }
        })
        .collect();
    match settings.sort {
        TermSort::Count => {
            terms.sort_by_cached_key(|t| (Reverse(t.articles.len()), fold(&t.name), t.slug.clone()))
        }
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

/// A warning for each name of `taxonomy` written in another spelling of a name it already has:
/// spellings that read the same to search (أمريكا and امريكا, الرقة and الرقه, مسؤول and مسئول)
/// but have slugs of their own, so readers get two pages, each with part of the articles. The
/// warning is at the less used spelling in its newest article, and names the other.
pub fn spelling_variants(taxonomy: &Taxonomy, articles: &[Article]) -> Vec<Diagnostic> {
    let mut read_the_same: HashMap<String, Vec<&Term>> = HashMap::new();
    for t in &taxonomy.terms {
        read_the_same
            .entry(slugify(&fold(&t.name)))
            .or_default()
            .push(t);
    }
    let settings = &taxonomy.settings;
    let label = settings.label_for_errors();
    let count = |t: &Term| match t.articles.len() {
        1 => "1 article".to_string(),
        n => format!("{n} articles"),
    };
    let mut out = Vec::new();
    let mut groups: Vec<Vec<&Term>> = read_the_same
        .into_values()
        .filter(|g| g.len() > 1)
        .collect();
    groups.sort_by(|a, b| a[0].slug.cmp(&b[0].slug));
    for mut group in groups {
        // The name most articles carry is the one to keep; between as many, the one written with
        // its hamza, taa marbuta or alif maqsura (أمريكا over امريكا), then the first by slug.
        group.sort_by_cached_key(|t| {
            let careful = fold(&t.name) != t.name.to_lowercase();
            (Reverse(t.articles.len()), Reverse(careful), t.slug.clone())
        });
        let kept = group[0];
        for other in &group[1..] {
            let Some(&newest) = other.articles.first() else {
                continue;
            };
            let article = &articles[newest];
            // The spelling as this article writes it (it may carry marks the name shown lacks).
            let written = names_of(&settings.field, article)
                .into_iter()
                .map(|(name, _)| name)
                .find(|name| slugify(name) == other.slug)
                .unwrap_or(&other.name);
            let offset = locate_value(&article.file, settings.field.key(), written).unwrap_or(0);
            out.push(
                Diagnostic::at_offset(
                    &article.shown,
                    &article.file.text,
                    offset,
                    format!(
                        "{label} `{}` ({}) is another spelling of {label} `{}` ({}): search reads them as one name, but readers get two pages, each with part of the articles",
                        other.name,
                        count(other),
                        kept.name,
                        count(kept),
                    ),
                )
                .with_hint(format!(
                    "write `{}` as the other articles do, or keep both spellings on one page by listing `{}` under `aliases:` of `{}` in data/{}.yaml",
                    kept.name, other.name, kept.name, settings.name
                )),
            );
        }
    }
    out
}

/// The spelling written most often (ties: the first in sorted order), or `fallback`: the name a
/// tag, a writer or a dossier is shown by.
pub fn most_used(spellings: HashMap<String, usize>, fallback: &str) -> String {
    spellings
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(s, _)| s)
        .unwrap_or_else(|| fallback.to_string())
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
