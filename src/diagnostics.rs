//! The one error type users see: where (file, line, column), what (one sentence), and what to do
//! (a hint). Every stage reports problems in the user's content as [`Diagnostic`]s; they are
//! collected, sorted and rendered together with a source snippet and caret by miette.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, NamedSource, SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

/// Why a command failed, which decides its exit code.
#[derive(Debug)]
pub enum Failure {
    /// The content or the site has errors (exit 1), all of them.
    Site(Vec<Diagnostic>),
    /// Usage or I/O trouble (exit 2): one error, naming the path and the OS reason.
    Usage(Diagnostic),
}

impl Failure {
    /// Every diagnostic of the failure.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            Failure::Site(d) => d,
            Failure::Usage(d) => vec![d],
        }
    }
}

/// A problem in the user's site, with its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, relative to the site root (`content/2025/x.md`), as shown to the user.
    pub file: Option<String>,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, when we can guess.
    pub hint: Option<String>,
    /// The file's text, for the snippet.
    #[serde(skip)]
    pub source: Option<Arc<str>>,
}

impl Diagnostic {
    /// A problem that concerns a whole file, or no file at all.
    pub fn new(file: Option<&Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.map(display_path),
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// A problem at a 1-based line and column of a file whose text we have.
    pub fn at(
        file: &Path,
        source: &Arc<str>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: Some(display_path(file)),
            line,
            column,
            message: message.into(),
            hint: None,
            source: Some(Arc::clone(source)),
        }
    }

    /// A problem at a byte offset of a file's text.
    pub fn at_offset(
        file: &Path,
        source: &Arc<str>,
        offset: usize,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_column(source, offset);
        Self::at(file, source, line, column, message)
    }

    /// Adds a hint ("did you mean `tags`?").
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `content/x.md:3:7`, `content/x.md:3`, `content/x.md` or `` (no file).
    pub fn location(&self) -> String {
        match (&self.file, self.line, self.column) {
            (None, _, _) => String::new(),
            (Some(f), 0, _) => f.clone(),
            (Some(f), l, 0) => format!("{f}:{l}"),
            (Some(f), l, c) => format!("{f}:{l}:{c}"),
        }
    }

    /// The first line of the report: `content/x.md:3:7: what is wrong`.
    pub fn headline(&self) -> String {
        let location = self.location();
        if location.is_empty() {
            self.message.clone()
        } else {
            format!("{location}: {}", self.message)
        }
    }

    /// Renders the headline, a snippet with a caret, and the hint.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_width(100);
        let mut diagnostic = MietteDiagnostic::new(self.headline());
        if let Some(hint) = &self.hint {
            diagnostic = diagnostic.with_help(hint.clone());
        }
        let mut out = String::new();
        let rendered = match (&self.source, &self.file) {
            // A snippet of a very long line (minified HTML, a pasted blob) would bury the
            // message and cost seconds to lay out: the headline and hint say enough.
            (Some(source), Some(file)) if self.line > 0 && !line_too_long(source, self.line) => {
                let offset = offset_of(source, self.line, self.column.max(1));
                let len = source[offset..].chars().next().map_or(0, char::len_utf8);
                diagnostic = diagnostic.with_label(LabeledSpan::at(offset..offset + len, "here"));
                let report = miette::Report::new(diagnostic)
                    .with_source_code(NamedSource::new(file, CharColumns(source.to_string())));
                handler.render_report(&mut out, report.as_ref())
            }
            _ => handler.render_report(&mut out, &diagnostic),
        };
        if rendered.is_err() {
            out.clear();
            let _ = write!(out, "error: {}", self.headline());
            if let Some(hint) = &self.hint {
                let _ = write!(out, "\n  help: {hint}");
            }
        }
        out
    }
}

/// Source text whose snippet header counts columns in characters, like every other place
/// warraq prints a position (miette counts bytes, which disagrees on Arabic lines).
struct CharColumns(String);

impl SourceCode for CharColumns {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.0.read_span(span, before, after)?;
        if before != 0 {
            return Ok(inner);
        }
        let offset = floor_char_boundary(&self.0, span.offset().min(self.0.len()));
        let line_start = self.0[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = self.0[line_start..offset].chars().count();
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// One source line shown around a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnippetLine {
    /// 1-based.
    pub number: usize,
    pub text: String,
    /// On the line of the problem: the characters to mark.
    pub mark: Option<std::ops::Range<usize>>,
}

/// The source lines around a diagnostic's position (at most one before and one after). `None`
/// when the diagnostic has no position.
pub fn snippet(d: &Diagnostic) -> Option<Vec<SnippetLine>> {
    let source = d.source.as_ref()?;
    if d.line == 0 {
        return None;
    }
    let lines: Vec<&str> = source.split('\n').collect();
    let at = d.line - 1;
    let line = lines.get(at)?;
    let chars: Vec<char> = line.chars().collect();
    let start = d.column.saturating_sub(1).min(chars.len());
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    let end = if chars.get(start).is_some_and(word) {
        start + chars[start..].iter().take_while(|c| word(c)).count()
    } else {
        (start + 1).min(chars.len())
    };
    let first = at.saturating_sub(1);
    let last = (at + 1).min(lines.len() - 1);
    Some(
        (first..=last)
            .map(|i| SnippetLine {
                number: i + 1,
                text: lines[i].to_string(),
                mark: (i == at).then_some(start..end),
            })
            .collect(),
    )
}

/// Whether line `line` (1-based) of `text` is too long to show as a snippet.
fn line_too_long(text: &str, line: usize) -> bool {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .is_some_and(|l| l.len() > 2000)
}

/// Sorts diagnostics by file and position so a report reads top to bottom.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// A path as the user sees it: forward slashes, relative to where they built.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The problem of a file whose name is not UTF-8 (`shown` with � where its bytes are not): its
/// name is published (an article's URL, a static file's), and `why` says how.
pub fn name_not_utf8(shown: &Path, why: &str) -> Diagnostic {
    Diagnostic::new(
        Some(shown),
        "the file's name is not UTF-8 text (shown here with � where it is not)",
    )
    .with_hint(format!("rename the file (or its folder): {why}"))
}

/// 1-based line and character column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte offset of a 1-based line and character column (clamped to the text).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_text = &text[start..];
    let line_end = line_text.find('\n').unwrap_or(line_text.len());
    start
        + line_text[..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_end, |(i, _)| i)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The closest candidate to a misspelt name, when it is close enough to be a useful guess.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wrong_len = wrong.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(wrong, c), c))
        .filter(|&(distance, c)| {
            let longest = wrong_len.max(c.chars().count());
            distance <= (longest / 3).max(1)
                || (longest > 6 && (c.contains(wrong) || wrong.contains(c)))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Builds the path used in messages for a file under a root.
pub fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let text = "---\ntitle: \"عنوان\" x\n";
        let offset = text.find('x').unwrap();
        assert_eq!(line_column(text, offset), (2, 16));
        assert_eq!(offset_of(text, 2, 16), offset);
        assert_eq!(offset_of(text, 9, 1), text.len());
    }

    #[test]
    fn snippet_headers_count_characters_like_the_headline() {
        let source: Arc<str> = Arc::from("---\ntitle: \"عنوان عربي طويل\" x\n---\n");
        let d = Diagnostic::at(Path::new("content/a.md"), &source, 2, 26, "bad");
        let out = d.render(false);
        assert!(out.contains("content/a.md:2:26: bad"), "{out}");
        assert!(out.contains("[content/a.md:2:26]"), "{out}");
        let lines = snippet(&d).unwrap();
        assert_eq!(lines.len(), 3);
        let line = &lines[1];
        assert_eq!(line.number, 2);
        let mark = line.mark.clone().unwrap();
        let marked: String = line
            .text
            .chars()
            .skip(mark.start)
            .take(mark.len())
            .collect();
        assert_eq!(marked, "x");
    }

    #[test]
    fn did_you_mean_finds_close_keys_only() {
        let keys = ["title", "tags", "date", "related", "summary"];
        assert_eq!(did_you_mean("tgas", keys), Some("tags"));
        assert_eq!(did_you_mean("titel", keys), Some("title"));
        assert_eq!(did_you_mean("relatd", keys), Some("related"));
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn rendering_names_the_place_and_shows_the_hint() {
        let source: Arc<str> = Arc::from("---\ntgas: [x]\n---\n");
        let d = Diagnostic::at(
            Path::new("content/a.md"),
            &source,
            2,
            1,
            "unknown key `tgas`",
        )
        .with_hint("did you mean `tags`?");
        let out = d.render(false);
        assert!(
            out.contains("content/a.md:2:1: unknown key `tgas`"),
            "{out}"
        );
        assert!(out.contains("tgas: [x]"), "{out}");
        assert!(out.contains("did you mean `tags`?"), "{out}");
    }
}
