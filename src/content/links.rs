//! Links between articles: a body link to `../2024/x.md` or to `/2024/x/` is resolved against
//! every article's id and site path, rewritten to the target's URL, and remembered for backlinks.
//! A link to a file that exists but failed to load is left alone (its own error is reported).

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use pulldown_cmark::CowStr;

use super::markdown::{BodyProblem, Rendered, Resolved, Resolver};
use crate::config::Config;
use crate::diagnostics::did_you_mean;
use crate::url;

/// What the resolver needs to know about all articles.
pub struct LinkTable<'a> {
    pub by_id: &'a HashMap<String, usize>,
    /// Ids of files that exist but failed to load (their errors are reported on their own).
    pub failed: &'a HashSet<String>,
    /// Ids of drafts this build leaves out.
    pub drafts: &'a HashSet<String>,
    pub by_path: &'a HashMap<String, usize>,
    pub paths: &'a [String],
    pub config: &'a Config,
}

impl LinkTable<'_> {
    /// Resolves a body link of the article whose id is `from_id`.
    pub fn resolve(&self, from_id: &str, dest: &str) -> Result<Resolved, (String, Option<String>)> {
        let parts = url::split(dest);
        let decoded = url::decode(parts.path);
        if decoded.ends_with(".md") {
            let target_id = resolve_md(from_id, &decoded);
            if let Some(&i) = target_id.as_deref().and_then(|id| self.by_id.get(id)) {
                return Ok(Resolved {
                    href: Some(format!(
                        "{}{}",
                        self.config.href(&self.paths[i]),
                        parts.suffix()
                    )),
                    target: Some(i),
                });
            }
            // An article that exists but failed to load has its own error; this link is fine.
            if target_id
                .as_deref()
                .is_some_and(|id| self.failed.contains(id))
            {
                return Ok(Resolved::default());
            }
            if let Some(id) = target_id.as_deref().filter(|id| self.drafts.contains(*id)) {
                return Err((
                    format!("link to `{dest}` names a draft (content/{id}.md has `draft: true`), which is not published"),
                    Some(super::article::DRAFT_HINT.into()),
                ));
            }
            let wanted = target_id
                .clone()
                .unwrap_or_else(|| decoded.trim_end_matches(".md").to_string());
            let hint = did_you_mean(&wanted, self.by_id.keys().map(String::as_str))
                .map(|near| format!("did you mean `{near}.md`? Paths are relative to this file"))
                .or_else(|| Some("paths to .md files are relative to this file (`../2024/x.md`) or to content/ (`/2024/x.md`)".into()));
            let message = match target_id {
                Some(id) => {
                    format!("link to `{dest}` names no article (looked for content/{id}.md)")
                }
                None => format!("link to `{dest}` leads out of content/, where articles are"),
            };
            return Err((message, hint));
        }
        if decoded.starts_with('/') {
            let within = self.config.base.strip(&decoded);
            let with_slash = format!("{}/", within.trim_end_matches('/'));
            let target = self
                .by_path
                .get(within)
                .or_else(|| self.by_path.get(&with_slash))
                .copied();
            return Ok(Resolved { href: None, target });
        }
        Ok(Resolved::default())
    }
}

/// The article id a `.md` link names, relative to the linking article (or to content/ for `/x.md`).
fn resolve_md(from_id: &str, dest: &str) -> Option<String> {
    let mut stack: Vec<&str> = if dest.starts_with('/') {
        Vec::new()
    } else {
        let mut parts: Vec<&str> = from_id.split('/').collect();
        parts.pop();
        parts
    };
    for c in Path::new(dest.trim_end_matches(".md")).components() {
        match c {
            Component::Normal(s) => stack.push(s.to_str()?),
            Component::ParentDir => {
                stack.pop()?;
            }
            _ => {}
        }
    }
    Some(stack.join("/"))
}

/// Handles one link destination: refuses unsafe schemes, resolves internal ones.
/// Returns the rewritten destination when there is one.
pub fn body_link<'a>(
    out: &mut Rendered,
    dest: &str,
    offset: usize,
    resolve: &Resolver<'_>,
) -> Option<CowStr<'a>> {
    match crate::url::classify(dest) {
        crate::url::LinkKind::Unsafe(scheme) => {
            out.problems.push(BodyProblem {
                offset,
                message: format!(
                    "link to `{dest}` uses the `{scheme}:` scheme, which is not allowed"
                ),
                hint: Some(
                    "links may be http(s), mailto or tel URLs, or paths inside the site".into(),
                ),
            });
            return Some(CowStr::from("#"));
        }
        // pulldown-cmark encodes what HTML would misread (spaces, `"`, `<`) but leaves `^`, a
        // second `#` and a `%` that starts no escape, which no URL may hold.
        crate::url::LinkKind::External => {
            return match crate::url::conform(dest) {
                std::borrow::Cow::Owned(valid) => Some(CowStr::from(valid)),
                std::borrow::Cow::Borrowed(_) => None,
            };
        }
        crate::url::LinkKind::Relative => {}
    }
    if dest.starts_with('#') || dest.is_empty() {
        return None;
    }
    match resolve(dest) {
        Ok(resolved) => {
            if let Some(t) = resolved.target {
                if !out.links_to.contains(&t) {
                    out.links_to.push(t);
                }
            }
            resolved.href.map(CowStr::from)
        }
        Err((message, hint)) => {
            out.problems.push(BodyProblem {
                offset,
                message,
                hint,
            });
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_links_resolve_relative_to_the_linking_file() {
        assert_eq!(resolve_md("2025/a", "b.md").as_deref(), Some("2025/b"));
        assert_eq!(
            resolve_md("2025/a", "../2024/c.md").as_deref(),
            Some("2024/c")
        );
        assert_eq!(
            resolve_md("2025/a", "/2024/c.md").as_deref(),
            Some("2024/c")
        );
        assert_eq!(resolve_md("a", "../../x.md"), None);
    }
}
