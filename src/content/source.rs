//! One source file as text: decoded (UTF-8 only, BOM dropped, CRLF and lone CR made LF), split
//! into front-matter and body, and the places in it that errors point at.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::Diagnostic;

/// A source file split into its parts, text normalised (BOM dropped, CRLF → LF).
#[derive(Debug)]
pub struct SourceFile {
    pub text: Arc<str>,
    /// Byte range of the YAML between the `---` lines.
    pub yaml: std::ops::Range<usize>,
    /// Byte offset where the markdown body starts.
    pub body_start: usize,
}

impl SourceFile {
    /// The markdown body.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// Keeps only the text up to the body (what the indexes' messages point into): the body is
    /// rendered, and its problems are found, when the article is loaded.
    pub fn keep_front_matter(&mut self) {
        self.text = Arc::from(&self.text[..self.body_start]);
    }

    /// Lets the text go once nothing can point into it any more ([`Site::build`] does, once
    /// every problem of the sources has been found). What points into it afterwards finds
    /// nothing.
    ///
    /// [`Site::build`]: crate::index::Site::build
    pub fn release(&mut self) {
        self.text = Arc::from("");
        self.yaml = 0..0;
        self.body_start = 0;
    }
}

/// `String::from_utf8`, checked with SIMD instructions (the `simdutf8` crate): a build checks
/// every article's source and reads its spilled texts back (several gigabytes at 100 000
/// articles), and the standard library checks Arabic text a character at a time.
pub fn utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: `simdutf8` has just found `bytes` to be valid UTF-8.
        Ok(unsafe { String::from_utf8_unchecked(bytes) })
    } else {
        // Checked again, slowly, for the error with its position.
        String::from_utf8(bytes)
    }
}

/// Decodes bytes into text and finds the front-matter. `shown` is the path used in messages.
pub fn split(shown: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = match utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix: Arc<str> = Arc::from(String::from_utf8_lossy(&bytes[..valid]).as_ref());
            let (line, column) = crate::diagnostics::line_column(&prefix, valid);
            return Err(Diagnostic {
                line,
                column,
                source: None,
                ..Diagnostic::new(
                    Some(shown),
                    format!("the file is not UTF-8 text (invalid byte at offset {valid})"),
                )
            }
            .with_hint("save the file as UTF-8; warraq reads no other encoding"));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    // CRLF and lone CR (old Mac files) both end lines, for YAML as for our positions.
    let text: Arc<str> = if text.contains('\r') {
        Arc::from(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Arc::from(text)
    };
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::at(shown, &text, 1, 1, "the file has no front-matter")
            .with_hint("start the file with a `---` line, then `title:` and `date:`, then another `---` line"));
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(SourceFile {
                yaml: yaml_start..pos,
                body_start: (end + 1).min(text.len()),
                text,
            });
        }
        pos = end + 1;
    }
    Err(
        Diagnostic::at(shown, &text, 1, 1, "the front-matter is never closed")
            .with_hint("end the front-matter with a line holding only `---`"),
    )
}

/// The first forbidden control character in `text[range]`, as an error at its position.
pub fn control_character(
    shown: &Path,
    text: &Arc<str>,
    range: std::ops::Range<usize>,
) -> Option<Diagnostic> {
    // YAML also ends lines at U+2028 and U+2029, invisible in an editor: refused too, so YAML's
    // positions and ours always agree.
    let (i, c) = text[range.clone()].char_indices().find(|&(_, c)| {
        crate::arabic::normalize::is_forbidden_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
    })?;
    let what = if c.is_control() {
        "an invisible control character"
    } else {
        "an invisible line separator"
    };
    Some(
        Diagnostic::at_offset(
            shown,
            text,
            range.start + i,
            format!(
                "{what} (U+{:04X}) is here; feeds and pages cannot carry it",
                c as u32
            ),
        )
        .with_hint("delete it (it often comes from copying text out of another program)"),
    )
}

/// Byte offset, in the file, of `needle` as the value of a top-level `key` (or of an item of its
/// list): where later stages point when a value is wrong in context (an unknown related article).
pub fn locate_value(file: &SourceFile, key: &str, needle: &str) -> Option<usize> {
    let yaml = &file.text[file.yaml.clone()];
    let mut offset = 0;
    let mut in_key = false;
    for line in yaml.split_inclusive('\n') {
        let starts_key = !line.starts_with([' ', '\t', '-', '#']) && !line.trim().is_empty();
        if starts_key {
            in_key = line.split(':').next().map(str::trim) == Some(key);
        }
        if in_key {
            let search_from = if starts_key {
                line.find(':').map_or(0, |i| i + 1)
            } else {
                0
            };
            if let Some(i) = line[search_from..].find(needle) {
                return Some(file.yaml.start + offset + search_from + i);
            }
        }
        offset += line.len();
    }
    None
}

/// Byte offset, in the file, of the first character of the value of a top-level `key` (after
/// the colon and its spaces): where an error about the value as a whole points.
pub fn locate_key_value(file: &SourceFile, key: &str) -> Option<usize> {
    locate_value(file, key, "").map(|after_colon| {
        let rest = &file.text[after_colon..];
        after_colon + rest.len() - rest.trim_start_matches([' ', '\t']).len()
    })
}

#[cfg(test)]
mod tests {
    use super::utf8;

    #[test]
    fn utf8_accepts_and_refuses_what_the_standard_library_does() {
        let cases: Vec<Vec<u8>> = vec![
            "مقال عن الحسكة — Reuters 2025".repeat(40).into_bytes(),
            Vec::new(),
            "😀 emoji at the end 😀".into(),
            vec![0xC0, 0x80],       // overlong NUL
            vec![0xED, 0xA0, 0x80], // a surrogate
            vec![b'a', 0xD8],       // cut in the middle of a character
            [&"سوريا".repeat(50).into_bytes()[..], &[0xFF, b'x']].concat(),
            vec![0xF4, 0x90, 0x80, 0x80], // beyond U+10FFFF
        ];
        for bytes in cases {
            let ours = utf8(bytes.clone()).map_err(|e| e.utf8_error().valid_up_to());
            let std = String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to());
            assert_eq!(ours, std);
        }
    }
}
