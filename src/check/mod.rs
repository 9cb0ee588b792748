//! `warraq check`: proves that every internal link of a built site resolves. It reads a folder of
//! built HTML (ours or another generator's), parses every page with a real HTML parser
//! (lol_html), and checks each `href`, `src`, `srcset`, `<link>`, feed and sitemap URL against the
//! files of the folder, and each fragment against the ids and names of its target page.
//! It builds nothing itself; `warraq check` without `--site` asks the pipeline for a build in a
//! temporary folder first.

pub mod external;
pub mod report;
pub mod scan;

use scan::{scan, PageScan};

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;

use crate::url::{self, BaseUrl};

/// One link found in a page.
#[derive(Debug, Clone)]
pub struct Link {
    /// The attribute it came from (`href`, `src`, `srcset`, `loc`).
    pub attribute: &'static str,
    pub url: String,
    /// The visible text of an `<a>`, or the alt text of an image.
    pub text: String,
}

/// A problem found by the check.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The target file does not exist.
    BrokenLink,
    /// The target exists but has no element with that id or name.
    MissingAnchor,
    /// Two elements of one page carry the same id (links to it reach only the first).
    DuplicateId,
    /// An external URL answered with an error status.
    ExternalBroken,
    /// An external URL did not answer in time.
    ExternalTimeout,
    /// An external URL could not be reached.
    ExternalUnreachable,
}

/// One problem, with everything a report needs.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub kind: Kind,
    /// The page holding the link, relative to the site folder.
    pub page: String,
    /// The markdown file the page was built from, and the line of the link in it, when known.
    pub source: Option<SourceRef>,
    pub attribute: &'static str,
    /// The link as written in the page.
    pub url: String,
    /// The file it resolved to, relative to the site folder.
    pub resolved: String,
    pub text: String,
    /// A near-miss among existing files (or anchors).
    pub suggestion: Option<String>,
    /// The HTTP status of an external link.
    pub status: Option<u16>,
    /// What happened, for external links ("HTTP 404", "timeout").
    pub detail: Option<String>,
    /// The article page whose source writes this same link, when the link is shown here from that
    /// article (its summary on the home page, a tag page, the archive): `source` is then that
    /// article's file. Absent for a link written in this page's own source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_of: Option<String>,
}

/// An external link that works but redirects (reported so editors can update it).
#[derive(Debug, Clone, Serialize)]
pub struct Redirect {
    pub page: String,
    pub url: String,
    pub final_url: String,
}

/// Where a link came from in the content.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub file: String,
    pub line: Option<usize>,
}

/// The outcome of a check.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub pages: usize,
    pub links: usize,
    pub problems: Vec<Problem>,
    /// Distinct external URLs checked (0 without `--external`).
    pub external: usize,
    /// Of those, how many were answered from the cache.
    pub cached: usize,
    pub redirects: Vec<Redirect>,
}

/// What `--external` needs.
pub struct ExternalCheck<'a> {
    pub config: &'a crate::config::CheckConfig,
    pub cache: Option<PathBuf>,
}

/// Maps output pages to the markdown files they were built from (`2025/x/index.html` → the
/// file's name as shown, and where it is). A file is read only when its page has a problem.
pub type Sources = HashMap<String, (String, PathBuf)>;

/// Checks every page of `site`.
pub fn check(
    site: &Path,
    addressing: &BaseUrl,
    sources: &Sources,
    external: Option<&ExternalCheck<'_>>,
) -> std::io::Result<Outcome> {
    let mut files: HashSet<String> = HashSet::new();
    let mut pages: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(site).follow_links(true) {
        let entry = entry.map_err(std::io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = rel_path(site, entry.path());
        if rel.ends_with(".html") || rel.ends_with(".htm") || rel.ends_with(".xml") {
            pages.push(rel.clone());
        }
        files.insert(rel);
    }
    pages.sort();
    let scans: Vec<(String, PageScan)> = pages
        .par_iter()
        .map(|rel| {
            let bytes = std::fs::read(site.join(rel))?;
            Ok((rel.clone(), scan(&bytes, rel.ends_with(".xml"))))
        })
        .collect::<std::io::Result<_>>()?;
    let anchors: HashMap<&str, &HashSet<String>> = scans
        .iter()
        .map(|(p, s)| (p.as_str(), &s.anchors))
        .collect();
    let links = scans.iter().map(|(_, s)| s.links.len()).sum();
    let checker = Checker {
        files: &files,
        anchors: &anchors,
        addressing,
    };
    let mut problems: Vec<Problem> = scans
        .par_iter()
        .flat_map_iter(|(page, scan)| {
            scan.links
                .iter()
                .filter_map(|link| checker.check_link(page, link))
                .chain(scan.duplicates.iter().map(|id| duplicate_id(page, id)))
                .collect::<Vec<_>>()
        })
        .collect();
    let (mut external_count, mut cached, mut redirects) = (0, 0, Vec::new());
    if let Some(ext) = external {
        let found = external_links(&scans, &checker, &ext.config.exclude);
        let urls: Vec<String> = found.keys().cloned().collect();
        let (results, from_cache) = external::check_all(&urls, ext.config, ext.cache.as_deref());
        external_count = results.len();
        cached = from_cache;
        let (broken, redirected) = external_problems(&results, &found);
        problems.extend(broken);
        redirects = redirected;
    }
    problems.sort_by(|a, b| (&a.page, &a.url).cmp(&(&b.page, &b.url)));
    problems.dedup_by(|a, b| a.page == b.page && a.url == b.url && a.attribute == b.attribute);
    add_sources(&mut problems, sources);
    attribute_repeats(&mut problems);
    Ok(Outcome {
        pages: pages.len(),
        links,
        problems,
        external: external_count,
        cached,
        redirects,
    })
}

/// A page whose elements share an id.
fn duplicate_id(page: &str, id: &str) -> Problem {
    Problem {
        kind: Kind::DuplicateId,
        page: page.to_string(),
        source: None,
        attribute: "id",
        url: format!("#{id}"),
        resolved: String::new(),
        text: String::new(),
        suggestion: None,
        status: None,
        detail: Some(format!("more than one element has id=\"{id}\"")),
        repeat_of: None,
    }
}

/// Turns external results into problems (one per page using a failing URL) and redirects.
fn external_problems(
    results: &[external::Checked],
    found: &std::collections::BTreeMap<String, Vec<(String, Link)>>,
) -> (Vec<Problem>, Vec<Redirect>) {
    let (mut problems, mut redirects) = (Vec::new(), Vec::new());
    for result in results {
        for (page, link) in found.get(&result.url).into_iter().flatten() {
            if let Some(final_url) = &result.final_url {
                redirects.push(Redirect {
                    page: page.clone(),
                    url: result.url.clone(),
                    final_url: final_url.clone(),
                });
            }
            let kind = match result.verdict {
                external::Verdict::Broken => Kind::ExternalBroken,
                external::Verdict::Timeout => Kind::ExternalTimeout,
                external::Verdict::Unreachable => Kind::ExternalUnreachable,
                external::Verdict::Ok | external::Verdict::Redirected => continue,
            };
            problems.push(Problem {
                kind,
                page: page.clone(),
                source: None,
                attribute: link.attribute,
                url: result.url.clone(),
                resolved: String::new(),
                text: link.text.trim().to_string(),
                suggestion: None,
                status: result.status,
                detail: Some(result.detail.clone()),
                repeat_of: None,
            });
        }
    }
    redirects.sort_by(|a, b| (&a.page, &a.url).cmp(&(&b.page, &b.url)));
    (problems, redirects)
}

/// Distinct external http(s) URLs, each with the pages and links that use it.
fn external_links(
    scans: &[(String, PageScan)],
    checker: &Checker<'_>,
    exclude: &[String],
) -> std::collections::BTreeMap<String, Vec<(String, Link)>> {
    let mut found: std::collections::BTreeMap<String, Vec<(String, Link)>> = Default::default();
    for (page, scan) in scans {
        for link in &scan.links {
            let url = link.url.trim();
            let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
            let is_http = url::classify(url) == url::LinkKind::External
                && (lower.starts_with("http://") || lower.starts_with("https://"));
            if !is_http
                || checker.local_part(url).is_some()
                || exclude.iter().any(|e| url.starts_with(e.as_str()))
            {
                continue;
            }
            let url = url::without_fragment(url).to_string();
            found
                .entry(url)
                .or_default()
                .push((page.clone(), link.clone()));
        }
    }
    found
}

/// The id among `ids` that a fragment names as a heading's text would be slugified: written
/// with tashkeel (`#فصلٌ-أوّل` for the heading «فصلٌ أوّل», whose id is `فصل-أول`), decomposed as
/// some Macs save text, with spaces. Edit distance does not see these: every mark is an edit.
fn same_heading<'i>(fragment: &str, ids: &'i HashSet<String>) -> Option<&'i str> {
    use crate::arabic::slug::slugify;
    let wanted = slugify(fragment);
    if wanted.is_empty() {
        return None;
    }
    ids.iter()
        .filter(|id| slugify(id) == wanted)
        .min()
        .map(String::as_str)
}

fn rel_path(root: &Path, path: &Path) -> String {
    crate::diagnostics::display_path(path.strip_prefix(root).unwrap_or(path))
}

struct Checker<'a> {
    files: &'a HashSet<String>,
    anchors: &'a HashMap<&'a str, &'a HashSet<String>>,
    addressing: &'a BaseUrl,
}

impl Checker<'_> {
    /// Resolves one link of `page`; `None` when it is fine or not ours to check.
    fn check_link(&self, page: &str, link: &Link) -> Option<Problem> {
        // Attribute values and XML text arrive as written: `&amp;` means `&` to a browser.
        let unescaped = html_escape::decode_html_entities(link.url.trim());
        let url: &str = &unescaped;
        let local = self.local_part(url)?;
        let parts = url::split(local);
        let decoded = url::decode(parts.path);
        let problem = |kind, resolved: String, suggestion| Problem {
            kind,
            page: page.to_string(),
            source: None,
            attribute: link.attribute,
            url: url.to_string(),
            resolved,
            text: link.text.trim().to_string(),
            suggestion,
            status: None,
            detail: None,
            repeat_of: None,
        };
        let target = if decoded.is_empty() {
            page.to_string()
        } else {
            match self.resolve(page, &decoded) {
                Some(t) => t,
                None => {
                    let wanted = normalize_path(page, &decoded);
                    let suggestion = self.nearest_file(&wanted);
                    return Some(problem(Kind::BrokenLink, wanted, suggestion));
                }
            }
        };
        let fragment = parts.fragment.map(url::decode).filter(|f| !f.is_empty())?;
        let ids = self.anchors.get(target.as_str())?;
        if ids.contains(&fragment) || fragment == "top" {
            return None;
        }
        let suggestion = same_heading(&fragment, ids)
            .or_else(|| crate::diagnostics::did_you_mean(&fragment, ids.iter().map(String::as_str)))
            .map(|s| format!("#{s}"));
        Some(problem(
            Kind::MissingAnchor,
            format!("{target}#{fragment}"),
            suggestion,
        ))
    }

    /// The site-relative part of a URL, or `None` for links that leave the site.
    fn local_part<'u>(&self, url: &'u str) -> Option<&'u str> {
        self.addressing.local_part(url)
    }

    /// The file a decoded path names, if it exists.
    fn resolve(&self, page: &str, decoded: &str) -> Option<String> {
        let path = if decoded.starts_with('/') {
            self.addressing.strip(decoded).to_string()
        } else {
            normalize_path(page, decoded)
        };
        let path = path.trim_start_matches('/');
        let candidates = if path.is_empty() || path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![
                path.to_string(),
                format!("{path}/index.html"),
                format!("{path}.html"),
            ]
        };
        candidates
            .into_iter()
            .find(|c| self.files.contains(c.as_str()))
    }

    /// A near miss for a missing target: a page for a page, a file of the same kind for a file.
    fn nearest_file(&self, wanted: &str) -> Option<String> {
        let base = self.addressing.path.trim_start_matches('/');
        let (wanted, candidates): (&str, Vec<&str>) = if wanted.is_empty() || wanted.ends_with('/')
        {
            (
                wanted,
                self.files
                    .iter()
                    .filter_map(|f| f.strip_suffix("index.html"))
                    .collect(),
            )
        } else {
            let ext = wanted.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
            (
                wanted,
                self.files
                    .iter()
                    .map(String::as_str)
                    .filter(|f| f.ends_with(ext))
                    .collect(),
            )
        };
        let limit = (wanted.chars().count() / 4).max(2);
        candidates
            .into_iter()
            .map(|c| (strsim::levenshtein(wanted, c), c))
            .filter(|&(d, _)| d <= limit)
            .min()
            .map(|(_, c)| format!("/{base}{c}"))
    }
}

/// Resolves a relative path against the folder of `page` (`2025/x/index.html` + `../y/` → `2025/y/`).
pub fn normalize_path(page: &str, path: &str) -> String {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = page.split('/').collect();
        p.pop();
        p
    };
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut joined = parts.join("/");
    if path.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    joined
}

/// Adds to each problem the markdown source of its page and the line of the link in it.
/// `problems` are sorted by page: each source is read once, for its page's first problem.
fn add_sources(problems: &mut [Problem], sources: &Sources) {
    let mut read: Option<(String, String)> = None;
    for problem in problems {
        let Some((file, path)) = sources.get(&problem.page) else {
            continue;
        };
        if read.as_ref().is_none_or(|(page, _)| *page != problem.page) {
            // A file that cannot be read now (moved since the build) is named without a line.
            let text = std::fs::read_to_string(path).unwrap_or_default();
            read = Some((problem.page.clone(), text));
        }
        let text = read.as_ref().map_or("", |(_, text)| text.as_str());
        problem.source = Some(SourceRef {
            file: file.clone(),
            line: line_of(problem, text),
        });
    }
}

/// Gives a problem on a page built from no source of its own (the home page, a tag page, the
/// archive) the source of the article page that has the very same problem (kind, link and text):
/// the link is that article's, shown again in its summary, and the editor fixes it there. Left
/// alone when no article page, or more than one article's source, has it.
fn attribute_repeats(problems: &mut [Problem]) {
    type Key<'a> = (Kind, &'a str, &'a str);
    let mut owners: HashMap<Key<'_>, Option<(String, SourceRef)>> = HashMap::new();
    // A duplicate id is the page's own doing, not a link one article wrote.
    let link = |p: &Problem| p.kind != Kind::DuplicateId;
    for p in problems.iter().filter(|p| link(p)) {
        if let (Some(source), None) = (&p.source, &p.repeat_of) {
            owners
                .entry((p.kind, p.url.as_str(), p.text.as_str()))
                .and_modify(|owner| {
                    if owner.as_ref().is_some_and(|(_, s)| s.file != source.file) {
                        *owner = None;
                    }
                })
                .or_insert_with(|| Some((p.page.clone(), source.clone())));
        }
    }
    let found: Vec<Option<(String, SourceRef)>> = problems
        .iter()
        .map(|p| match &p.source {
            Some(_) => None,
            None if !link(p) => None,
            None => owners
                .get(&(p.kind, p.url.as_str(), p.text.as_str()))
                .cloned()
                .flatten(),
        })
        .collect();
    for (p, owner) in problems.iter_mut().zip(found) {
        if let Some((page, source)) = owner {
            p.source = Some(source);
            p.repeat_of = Some(page);
        }
    }
}

/// The line of `text` where the problem's link is written, when it can be found. The page's
/// href is often not what the source wrote (`x.md#part` became `/2025/x/#part`), so after the
/// href itself come the link's text in brackets on the line of its fragment, the fragment, and
/// the text: a link text such as «هنا» is also an ordinary word, found first somewhere else.
fn line_of(problem: &Problem, text: &str) -> Option<usize> {
    let decoded = url::decode(&problem.url);
    let fragment = decoded
        .split_once('#')
        .map(|(_, f)| format!("#{f}"))
        .filter(|f| f.len() > 1);
    let bracketed = (!problem.text.is_empty()).then(|| format!("[{}]", problem.text));
    let on_one_line = || {
        let (bracketed, fragment) = (bracketed.as_deref()?, fragment.as_deref()?);
        let mut at = 0;
        text.split_inclusive('\n').find_map(|line| {
            let start = at;
            at += line.len();
            (line.contains(bracketed) && line.contains(fragment))
                .then(|| start + line.find(bracketed).unwrap_or(0))
        })
    };
    written_link(text, &problem.url)
        .or_else(|| written_link(text, &decoded))
        .or_else(on_one_line)
        .or_else(|| fragment.as_deref().and_then(|f| text.find(f)))
        .or_else(|| bracketed.as_deref().and_then(|b| text.find(b)))
        .or_else(|| {
            (!problem.text.is_empty())
                .then(|| text.find(&problem.text))
                .flatten()
        })
        .map(|offset| text[..offset].matches('\n').count() + 1)
}

/// Where `link` is written in `text`: as a whole destination (between `(` and `)`, in quotes or
/// angle brackets, after a reference's `]: `) if it is written so anywhere, else its first
/// occurrence (`../` is also the start of `../x.md`).
fn written_link(text: &str, link: &str) -> Option<usize> {
    if link.is_empty() {
        return None;
    }
    let whole = |at: usize| {
        let before = text[..at].chars().next_back();
        let after = text[at + link.len()..].chars().next();
        matches!(before, Some('(' | '<' | '"' | '\'' | ' '))
            && matches!(
                after,
                None | Some(')' | '>' | '"' | '\'' | ' ' | '\n' | '\r')
            )
    };
    let mut first = None;
    for (at, _) in text.match_indices(link) {
        if whole(at) {
            return Some(at);
        }
        first.get_or_insert(at);
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_is_placed_at_the_line_that_writes_its_link() {
        let source = "---\ntitle: اضغط هنا للمزيد\ndate: 2025-01-01\n---\nنقرأ هنا أن [المقال](../y.md) مهم.\n\n\
                      للتفاصيل [هنا](x.md#الخلفية) و[هنا](x.md#النتائج).\n\n[آخر](../)\n\n<a href=\"https://e.org/a\">هنا</a>\n";
        let line = |url: &str, text: &str| {
            let problem = Problem {
                kind: Kind::MissingAnchor,
                page: "2025/a/index.html".into(),
                source: None,
                attribute: "href",
                url: url.into(),
                resolved: String::new(),
                text: text.into(),
                suggestion: None,
                status: None,
                detail: None,
                repeat_of: None,
            };
            line_of(&problem, source)
        };
        // The href as the page has it is not in the source: the text and the fragment are.
        let fragment = "%D8%A7%D9%84%D9%86%D8%AA%D8%A7%D8%A6%D8%AC";
        assert_eq!(line(&format!("/2025/x/#{fragment}"), "هنا"), Some(7));
        assert_eq!(
            line("/2025/x/#%D8%A7%D9%84%D8%AE%D9%84%D9%81%D9%8A%D8%A9", "هنا"),
            Some(7)
        );
        // A whole destination before a longer one that starts the same.
        assert_eq!(line("../", "آخر"), Some(9));
        assert_eq!(line("https://e.org/a", "هنا"), Some(11));
        // Only the text is left: in brackets first, then anywhere.
        assert_eq!(line("/2025/y/", "المقال"), Some(5));
        assert_eq!(line("/elsewhere/", "للمزيد"), Some(2));
        assert_eq!(line("/elsewhere/", ""), None);
    }

    #[test]
    fn relative_paths_resolve_against_the_page_folder() {
        assert_eq!(normalize_path("2025/x/index.html", "../y/"), "2025/y/");
        assert_eq!(
            normalize_path("2025/x/index.html", "img.png"),
            "2025/x/img.png"
        );
        assert_eq!(normalize_path("index.html", "/tags/"), "tags/");
    }

    #[test]
    fn entities_in_links_and_ids_are_read_as_browsers_read_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            r#"<a href="x.html#a&amp;b">1</a><a href="x.html?q=1&amp;r=2">2</a><a href="&#x2F;x.html">3</a>"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("x.html"), r#"<h2 id="a&b">x</h2>"#).unwrap();
        let base = BaseUrl::parse("/").unwrap();
        let outcome = check(dir.path(), &base, &Sources::new(), None).unwrap();
        assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    }
}
