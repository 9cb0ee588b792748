//! README's "Templates and their context" is a contract: this test renders the context of every
//! page of a fixture site (`tests/fixtures/context_contract`, where every optional value is
//! set) and compares the names each template really gets with the names README documents, in
//! both directions, so the documentation cannot drift from the typed contexts.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value as Json;

use super::Renderer;
use crate::pipeline::{load_site, BuildOptions};

/// Keys every page gets from [`Frame`](super::context::Frame).
const FRAME: &[&str] = &[
    "site",
    "current_url",
    "current_permalink",
    "structured_data",
];

/// Objects whose insides are the site's own data, not part of the contract.
const OPAQUE: &[&str] = &["extra"];

fn readme_section() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme
        .find("## Templates and their context")
        .expect("README has the section");
    let rest = &readme[start + 3..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
}

/// Identifiers inside backticks (`` `paginator` ``, `` `{number, url, current}` ``); code with
/// a dot or a slash names a file or a path (`page.backlinks`, `.md`), not a key.
fn names(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| !code.contains(['.', '/']))
        .flat_map(|code| {
            code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every key inside a value, not descending into article summaries (documented once) or opaque
/// user data; a summary that has more keys contributes only its extra ones.
fn keys(value: &Json, summary: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    match value {
        Json::Object(map) => {
            let own: BTreeSet<String> = map.keys().cloned().collect();
            let is_summary = !summary.is_empty() && summary.is_subset(&own);
            for (k, v) in map {
                if is_summary && summary.contains(k) {
                    continue;
                }
                out.insert(k.clone());
                if !OPAQUE.contains(&k.as_str()) {
                    keys(v, summary, out);
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|v| keys(v, summary, out)),
        _ => {}
    }
}

/// (One test, read top to bottom: site, summary, then one row per template; splitting it
/// would load the fixture site once per part.)
#[test]
fn readme_documents_exactly_the_context_each_template_gets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/context_contract");
    let (mut loaded, _) = load_site(&root, &BuildOptions::default())
        .unwrap_or_else(|f| panic!("{:?}", f.into_diagnostics()));
    // Limits this small site is far from, lowered so that the pages of large archives (months
    // on pages of their own, the sitemap in parts and their index) are rendered too.
    loaded.site.year_page_articles = 0;
    loaded.site.sitemap_limits = crate::index::SitemapLimits {
        urls: 2,
        bytes: 1 << 20,
    };
    let renderer = Renderer::new(&loaded.site, &loaded.tera, &loaded.templates);
    let mut by_template: BTreeMap<&str, Vec<Json>> = BTreeMap::new();
    for page in loaded.site.pages() {
        let (template, value) = renderer.context(page).expect("context");
        by_template
            .entry(template)
            .or_default()
            .push(serde_json::to_value(&value).expect("json"));
    }
    let section = readme_section();
    let mut problems = Vec::new();

    // `site` and the summary, documented in their own paragraphs.
    let site_line = section
        .lines()
        .skip_while(|l| !l.starts_with("- `site`"))
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("- `current_url`"))
        .collect::<Vec<_>>()
        .join(" ");
    let home = &by_template["home.html"][0];
    let site_keys: BTreeSet<String> = home["site"]
        .as_object()
        .expect("site")
        .keys()
        .cloned()
        .collect();
    let mut documented = names(&site_line);
    documented.remove("site");
    if documented != site_keys {
        problems.push(format!("site: README {documented:?} vs code {site_keys:?}"));
    }
    let summary_paragraph = section
        .split("\n\n")
        .find(|p| p.starts_with("An **article summary**"))
        .expect("summary paragraph");
    let summary_keys: BTreeSet<String> = home["pages"][0]
        .as_object()
        .expect("a summary")
        .keys()
        .cloned()
        .collect();
    let mut summary_all = BTreeSet::new();
    keys(&home["pages"][0], &BTreeSet::new(), &mut summary_all);
    let mut documented = names(summary_paragraph);
    documented.remove("pages");
    if documented != summary_all {
        problems.push(format!(
            "summary: README {documented:?} vs code {summary_all:?}"
        ));
    }

    for (template, values) in &by_template {
        let row = section
            .lines()
            .find(|l| l.starts_with(&format!("| `{template}` |")))
            .unwrap_or_else(|| panic!("README has no row for {template}"));
        let column = row.splitn(3, '|').nth(2).unwrap_or("");
        let documented = names(column);
        let mut actual = BTreeSet::new();
        for v in values {
            for (k, inner) in v.as_object().expect("a context is a map") {
                if !FRAME.contains(&k.as_str()) {
                    actual.insert(k.clone());
                    keys(inner, &summary_keys, &mut actual);
                }
            }
        }
        if documented != actual {
            let missing: Vec<_> = actual.difference(&documented).collect();
            let stale: Vec<_> = documented.difference(&actual).collect();
            problems.push(format!(
                "{template}: undocumented {missing:?}, documented but absent {stale:?}"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "README and code disagree:\n{}",
        problems.join("\n")
    );
}
