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

/// A Tera error as a diagnostic naming the template file (`templates/404.html`, or that it is
/// the embedded default) and position.
pub fn template_error(err: &tera::Error, sources: &[(String, Arc<str>, bool)]) -> Diagnostic {
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
    let found = sources.iter().find(|(n, _, _)| *n == name);
    let shown = match found {
        Some((_, _, true)) | None => format!("templates/{name}"),
        Some((_, _, false)) => format!("templates/{name} (embedded default)"),
    };
    match found {
        Some((_, text, _)) => Diagnostic::at(Path::new(&shown), text, line, column, message),
        None => Diagnostic::new(Some(Path::new(&shown)), message),
    }
    .with_hint("fix the template; `warraq build` compiles every template before writing anything")
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
