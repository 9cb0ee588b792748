//! Reports of `warraq check`: human (grouped by page, to stderr) and JSON (a stable schema, to
//! stdout; documented in README "warraq check").

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Kind, Outcome, Problem};

/// The JSON report. `version` changes only when a field is removed or changes meaning.
#[derive(Serialize)]
pub struct JsonReport<'a> {
    pub version: u32,
    pub site: &'a str,
    pub ok: bool,
    pub pages: usize,
    pub links: usize,
    pub external: usize,
    pub cached: usize,
    pub problems: &'a [Problem],
    pub redirects: &'a [super::Redirect],
}

/// Renders the JSON report.
pub fn json(site: &str, outcome: &Outcome) -> String {
    let report = JsonReport {
        version: 1,
        site: if site.is_empty() { "(build)" } else { site },
        ok: outcome.problems.is_empty(),
        pages: outcome.pages,
        links: outcome.links,
        external: outcome.external,
        cached: outcome.cached,
        problems: &outcome.problems,
        redirects: &outcome.redirects,
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The JSON report of a check that found no links to check: the site did not build (its content
/// errors, exit 1) or could not be read at all (a usage or I/O error, exit 2). A pipeline that
/// reads stdout gets a report either way: `ok` false, no pages, and the errors.
pub fn json_failure(site: Option<&str>, failure: &crate::diagnostics::Failure) -> String {
    use crate::diagnostics::{Diagnostic, Failure};
    #[derive(Serialize)]
    struct FailedReport<'a> {
        version: u32,
        site: &'a str,
        ok: bool,
        pages: usize,
        links: usize,
        external: usize,
        cached: usize,
        problems: [(); 0],
        redirects: [(); 0],
        /// `content` (the site's sources have errors) or `usage` (bad arguments, unreadable folders).
        failure: &'a str,
        errors: Vec<&'a Diagnostic>,
    }
    let (kind, errors) = match failure {
        Failure::Site(all) => ("content", all.iter().collect()),
        Failure::Usage(d) => ("usage", vec![d]),
    };
    let report = FailedReport {
        version: 1,
        site: site.unwrap_or("(build)"),
        ok: false,
        pages: 0,
        links: 0,
        external: 0,
        cached: 0,
        problems: [],
        redirects: [],
        failure: kind,
        errors,
    };
    serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Renders the human report, grouped by page.
pub fn human(site: &str, outcome: &Outcome) -> String {
    let mut out = String::new();
    let mut by_page: BTreeMap<&str, Vec<&Problem>> = BTreeMap::new();
    for p in &outcome.problems {
        by_page.entry(p.page.as_str()).or_default().push(p);
    }
    for (page, problems) in by_page {
        // A folder given with --site prefixes its pages; a build checked in place shows site paths.
        if site.is_empty() {
            let _ = write!(out, "/{page}");
        } else {
            let _ = write!(out, "{site}/{page}");
        }
        let own = problems
            .iter()
            .find(|p| p.repeat_of.is_none())
            .and_then(|p| p.source.as_ref());
        if let Some(source) = own {
            let _ = write!(out, " (from {})", source.file);
        }
        out.push('\n');
        for p in problems {
            let what = match p.kind {
                Kind::BrokenLink => "broken link",
                Kind::MissingAnchor => "missing anchor",
                Kind::DuplicateId => "duplicate id",
                Kind::ExternalBroken => "broken external link",
                Kind::ExternalTimeout => "external link timed out",
                Kind::ExternalUnreachable => "external link unreachable",
            };
            let _ = write!(out, "  ✗ {what}: {}", p.url);
            if !p.text.is_empty() {
                let _ = write!(out, " «{}»", p.text);
            }
            match &p.detail {
                Some(detail) => {
                    let _ = write!(out, " → {detail}");
                }
                None => {
                    let _ = write!(out, " → {} does not exist", p.resolved);
                }
            }
            match (&p.source, &p.repeat_of) {
                (Some(s), Some(page)) => {
                    let _ = write!(out, "\n      shown here from /{page}: at {}", s.file);
                    if let Some(line) = s.line {
                        let _ = write!(out, ":{line}");
                    }
                }
                (Some(s), None) => {
                    if let Some(line) = s.line {
                        let _ = write!(out, "\n      at {}:{line}", s.file);
                    }
                }
                _ => {}
            }
            if let Some(s) = &p.suggestion {
                let _ = write!(out, "\n      did you mean {s}?");
            }
            out.push('\n');
        }
    }
    for r in &outcome.redirects {
        let _ = writeln!(
            out,
            "{site}/{}\n  ↪ redirect: {} → {}",
            r.page, r.url, r.final_url
        );
    }
    if outcome.external > 0 {
        let _ = writeln!(
            out,
            "checked {} external URLs ({} from the cache)",
            outcome.external, outcome.cached
        );
    }
    let n = outcome.problems.len();
    let repeats = outcome
        .problems
        .iter()
        .filter(|p| p.repeat_of.is_some())
        .count();
    let _ = write!(
        out,
        "checked {} links in {} pages: {}",
        outcome.links,
        outcome.pages,
        match (n, repeats) {
            (0, _) => "all resolve".to_string(),
            (n, 0) => format!("{n} broken"),
            (n, r) => format!(
                "{n} broken ({} written in the sources, {r} more where other pages show those links again)",
                n - r
            ),
        }
    );
    out
}
