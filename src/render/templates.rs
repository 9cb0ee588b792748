//! Tera set-up: the default templates are embedded in the binary (from the repository's
//! `templates/`), a site's own `templates/` overrides them file by file, and everything is
//! compiled once per build.

use std::path::Path;
use std::sync::Arc;

use tera::Tera;

use super::filters;
use crate::config::Config;
use crate::diagnostics::Diagnostic;

/// The embedded default templates: (name, source).
pub const DEFAULTS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("article.html", include_str!("../../templates/article.html")),
    (
        "taxonomy.html",
        include_str!("../../templates/taxonomy.html"),
    ),
    ("term.html", include_str!("../../templates/term.html")),
    ("series.html", include_str!("../../templates/series.html")),
    (
        "series_index.html",
        include_str!("../../templates/series_index.html"),
    ),
    ("archive.html", include_str!("../../templates/archive.html")),
    (
        "archive_year.html",
        include_str!("../../templates/archive_year.html"),
    ),
    (
        "archive_month.html",
        include_str!("../../templates/archive_month.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("feed.xml", include_str!("../../templates/feed.xml")),
    ("sitemap.xml", include_str!("../../templates/sitemap.xml")),
    (
        "sitemap_index.xml",
        include_str!("../../templates/sitemap_index.xml"),
    ),
    ("robots.txt", include_str!("../../templates/robots.txt")),
    (
        "partials/card.html",
        include_str!("../../templates/partials/card.html"),
    ),
    (
        "partials/pagination.html",
        include_str!("../../templates/partials/pagination.html"),
    ),
    (
        "partials/related.html",
        include_str!("../../templates/partials/related.html"),
    ),
];

/// The embedded search script (`static/search.js`).
pub const SEARCH_SCRIPT: &[u8] = include_bytes!("../../static/search.js");

/// The embedded default static files: (path under `static/`, bytes).
pub const STATIC_DEFAULTS: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../static/style.css")),
    ("favicon.ico", include_bytes!("../../static/favicon.ico")),
    ("search.js", SEARCH_SCRIPT),
];

/// Template sources as loaded: (name, text, whether the site provided it). Kept for error reports.
pub type Sources = Vec<(String, Arc<str>, bool)>;

/// Loads the defaults, then the site's overrides, and compiles them.
pub fn load(root: &Path, config: &Config) -> Result<(Tera, Sources), Vec<Diagnostic>> {
    let mut sources: Vec<(String, Arc<str>, bool)> = DEFAULTS
        .iter()
        .map(|(name, src)| ((*name).to_string(), Arc::from(*src), false))
        .collect();
    let dir = root.join("templates");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                vec![Diagnostic::new(
                    Some(&dir),
                    format!("cannot read templates: {e}"),
                )]
            })?;
            if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.')
            {
                continue;
            }
            let name = crate::diagnostics::display_path(
                entry.path().strip_prefix(&dir).unwrap_or(entry.path()),
            );
            let shown = Path::new("templates").join(&name);
            let bytes = std::fs::read(entry.path()).map_err(|e| {
                vec![Diagnostic::new(
                    Some(&shown),
                    format!("cannot read the template: {e}"),
                )]
            })?;
            let text = crate::content::source::text_of(&shown, "the template", bytes)
                .map_err(|d| vec![d])?;
            let text: Arc<str> = Arc::from(text.replace("\r\n", "\n"));
            match sources.iter_mut().find(|(n, _, _)| *n == name) {
                Some(slot) => *slot = (name, text, true),
                None => sources.push((name, text, true)),
            }
        }
    }
    let mut tera = Tera::new();
    filters::register(&mut tera, config);
    tera.add_raw_templates(sources.iter().map(|(n, s, _)| (n.as_str(), s.as_ref())))
        .map_err(|e| vec![template_error(&e, &sources)])?;
    Ok((tera, sources))
}

/// The ids the templates write as they are (`id="main"`, `id='related'`), sorted: a page may
/// hold any of them, so no anchor of an article's body may take one (a heading "Related" would
/// be a second `id="related"` on its page, which `check` refuses). Ids a template makes from
/// data (`id="{{ … }}"`) are not known here.
pub fn page_ids(sources: &Sources) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (_, text, _) in sources.iter() {
        let mut rest: &str = text;
        while let Some(at) = rest.find("id=") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + 3..];
            // `id=` alone, not the end of `data-id=` or `aria-describedby=`.
            if before.is_some_and(|c| !c.is_whitespace()) {
                continue;
            }
            let Some(quote) = rest.chars().next().filter(|&q| q == '"' || q == '\'') else {
                continue;
            };
            let Some(end) = rest[1..].find(quote) else {
                continue;
            };
            let value = &rest[1..1 + end];
            if !value.is_empty() && !value.contains(['{', '}', ' ']) {
                ids.push(value.to_string());
            }
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// A Tera error as a diagnostic naming the template file (`templates/404.html`, or that it is
/// the embedded default) and position.
pub fn template_error(err: &tera::Error, sources: &[(String, Arc<str>, bool)]) -> Diagnostic {
    if let Some(d) = chain_error(err, sources) {
        return d;
    }
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let mut message = match report {
        Some(r) => r.message().to_string(),
        None => err.kind().to_string(),
    };
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let place = match report {
        Some(r) => Some((
            r.filename().to_string(),
            r.span().start_line,
            r.span().start_col + 1,
        )),
        // Checks made when templates are compiled (an unknown include or filter) come as
        // ready-made reports: "error: …\n --> name:line:col\n…".
        None => match parse_report(&message) {
            Some((what, place)) => {
                message = what;
                Some(place)
            }
            None => None,
        },
    };
    let Some((name, line, column)) = place else {
        return Diagnostic::new(None, format!("template error: {message}"));
    };
    let (shown, text) = template_file(&name, sources);
    match text {
        Some(text) => Diagnostic::at(Path::new(&shown), text, line, column, message),
        None => Diagnostic::new(Some(Path::new(&shown)), message),
    }
    .with_hint("fix the template; `warraq build` compiles every template before writing anything")
}

/// The template `name` as an error shows it (`templates/404.html`, or that it is the embedded
/// default), and its text when it is loaded.
fn template_file<'s>(
    name: &str,
    sources: &'s [(String, Arc<str>, bool)],
) -> (String, Option<&'s Arc<str>>) {
    match sources.iter().find(|(n, _, _)| n == name) {
        Some((_, text, false)) => (format!("templates/{name} (embedded default)"), Some(text)),
        Some((_, text, true)) => (format!("templates/{name}"), Some(text)),
        None => (format!("templates/{name}"), None),
    }
}

/// A template that extends one that does not exist, or templates that extend or include each
/// other in a loop: Tera says so without a place ("Template 'x' is inheriting from 'y'…"); this
/// names the file, points at the `extends` or `include` that names the other template, and says
/// which templates exist.
fn chain_error(err: &tera::Error, sources: &[(String, Arc<str>, bool)]) -> Option<Diagnostic> {
    let (current, named, message, hint): (&str, &str, String, String) = match err.kind() {
        tera::ErrorKind::MissingParent { current, parent } => {
            let mut known: Vec<&str> = sources.iter().map(|(n, _, _)| n.as_str()).collect();
            known.sort_unstable();
            let near = crate::diagnostics::did_you_mean(parent, known.iter().copied())
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            (
                current.as_str(),
                parent.as_str(),
                format!(
                    "`{current}` extends `{parent}`, which is neither in templates/ nor one of warraq's default templates"
                ),
                format!("{near}templates it can extend: {}", known.join(", ")),
            )
        }
        tera::ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => {
            // The chain is the parents after `tpl`, ending with the one met again.
            let full: Vec<&str> = std::iter::once(tpl.as_str())
                .chain(inheritance_chain.iter().map(String::as_str))
                .collect();
            let (current, named) = closing_edge(&full)?;
            (
                current,
                named,
                format!(
                    "templates extend each other in a loop: {}",
                    full.join(" → ")
                ),
                "a template extends another to fill in its blocks; one of them must extend none"
                    .to_string(),
            )
        }
        tera::ErrorKind::CircularInclude { tpl, include_chain } => {
            // The chain is every include followed from the first template, ending with `tpl`
            // met again: the loop is from its first place on.
            let from = include_chain.iter().position(|n| n == tpl).unwrap_or(0);
            let full: Vec<&str> = include_chain[from..].iter().map(String::as_str).collect();
            let (current, named) = closing_edge(&full)?;
            (
                current,
                named,
                format!(
                    "templates include each other in a loop: {}",
                    full.join(" → ")
                ),
                "an include that leads back to its own template never ends; remove one of them"
                    .to_string(),
            )
        }
        _ => return None,
    };
    let (shown, text) = template_file(current, sources);
    let place = text.and_then(|text| {
        // The tag's quoted name: `"nope.html"` or `'nope.html'`.
        ["\"", "'"]
            .iter()
            .find_map(|q| Some((text, text.find(&format!("{q}{named}{q}"))? + 1)))
    });
    Some(
        match place {
            Some((text, at)) => Diagnostic::at_offset(Path::new(&shown), text, at, message),
            None => Diagnostic::new(Some(Path::new(&shown)), message),
        }
        .with_hint(hint),
    )
}

/// The last step of a loop of templates (`a → b → a`: `b` names `a`), where the file is pointed
/// at: the tag that closes the loop.
fn closing_edge<'a>(full: &[&'a str]) -> Option<(&'a str, &'a str)> {
    match full {
        [.., current, named] => Some((current, named)),
        _ => None,
    }
}

/// The message and place of a report Tera generated as text.
fn parse_report(text: &str) -> Option<(String, (String, usize, usize))> {
    let mut lines = text.lines();
    let message = lines.next()?.strip_prefix("error: ")?.to_string();
    let place = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?.to_string();
    Some((message, (name, line, column)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(template: &str) -> Diagnostic {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), template).unwrap();
        load(dir.path(), &Config::default())
            .expect_err("an error")
            .remove(0)
    }

    /// A missing parent or a loop of extends or includes names the file, points at the tag
    /// that names the other template, and says what exists (Tera says neither).
    #[test]
    fn a_missing_parent_or_a_loop_points_at_the_tag_that_names_the_other_template() {
        let d = error_of("{# the page #}\n{% extends \"baes.html\" %}");
        assert_eq!(d.location(), "templates/404.html:2:13", "{}", d.message);
        assert_eq!(
            d.message,
            "`404.html` extends `baes.html`, which is neither in templates/ nor one of warraq's default templates"
        );
        let hint = d.hint.as_deref().unwrap_or("");
        assert!(hint.starts_with("did you mean `base.html`?"), "{hint}");
        assert!(hint.contains("article.html"), "{hint}");

        assert_loop(
            [
                ("a.html", "{% extends 'b.html' %}"),
                ("b.html", "{% extends 'a.html' %}"),
            ],
            "templates extend each other in a loop: ",
            ["a.html → b.html → a.html", "b.html → a.html → b.html"],
            ["templates/a.html:1:13", "templates/b.html:1:13"],
        );
        assert_loop(
            [
                ("c.html", "<p>{% include 'd.html' %}</p>"),
                ("d.html", "{% include \"c.html\" %}"),
            ],
            "templates include each other in a loop: ",
            ["c.html → d.html → c.html", "d.html → c.html → d.html"],
            ["templates/c.html:1:16", "templates/d.html:1:13"],
        );
    }

    #[test]
    fn the_ids_templates_write_are_known_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let (_, sources) = load(dir.path(), &Config::default()).expect("default templates");
        let ids = page_ids(&sources);
        for id in ["main", "related", "similar", "backlinks", "search-input"] {
            assert!(ids.contains(&id.to_string()), "{id} in {ids:?}");
        }
        let own = vec![(
            "x.html".to_string(),
            Arc::from("<p id=\"a\" data-id=\"b\" aria-describedby='c'><i id='d'></i><b id=\"{{ page.id }}\" hidden id=e>"),
            true,
        )];
        assert_eq!(page_ids(&own), ["a", "d"]);
    }

    /// Two templates naming each other are an error that says one of the two `loops` after
    /// `says`, at one of the two `places` (which one Tera meets first is its choice).
    fn assert_loop(files: [(&str, &str); 2], says: &str, loops: [&str; 2], places: [&str; 2]) {
        let dir = tempfile::tempdir().unwrap();
        let templates = dir.path().join("templates");
        std::fs::create_dir(&templates).unwrap();
        for (name, text) in files {
            std::fs::write(templates.join(name), text).unwrap();
        }
        let d = load(dir.path(), &Config::default())
            .expect_err("a loop")
            .remove(0);
        assert!(
            loops.map(|l| format!("{says}{l}")).contains(&d.message),
            "{}",
            d.message
        );
        assert!(places.contains(&d.location().as_str()), "{}", d.location());
    }

    #[test]
    fn compile_time_errors_name_the_template_file_and_position() {
        for (template, location, message) in [
            (
                "{% include \"missing.html\" %}",
                "templates/404.html:1:12",
                "Unknown template `missing.html`",
            ),
            (
                "x\n{{ a | nosuchfilter }}",
                "templates/404.html:2:8",
                "Unknown filter `nosuchfilter`",
            ),
            ("{% for x in %}", "templates/404.html:1:13", "Found `%}`"),
        ] {
            let d = error_of(template);
            assert_eq!(d.location(), location, "{}", d.message);
            assert!(d.message.starts_with(message), "{}", d.message);
            assert!(!d.message.contains("error:"), "{}", d.message);
        }
    }
}
