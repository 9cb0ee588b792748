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

/// How to save a file in another encoding as UTF-8.
const SAVE_AS: &str = "open it in your editor and save it with the encoding UTF-8 (\"Save with encoding\" or \"Encoding → UTF-8\"); warraq reads no other encoding";

/// What to tell an editor about `bytes` that are not UTF-8 from byte `valid` on (`what`: "the
/// file", "site.yaml"): the encoding it most likely is, when that is plain, and how to fix it.
/// Arabic text saved by older Windows editors is Windows-1256, and Notepad's "Unicode" is UTF-16:
/// both are named, as "invalid byte" alone does not tell an editor what to change.
pub fn not_utf8(what: &str, bytes: &[u8], valid: usize) -> (String, &'static str) {
    const SAVE: &str = "save the file as UTF-8; warraq reads no other encoding";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return (
            format!("{what} is UTF-16 text (it starts with UTF-16's byte-order mark), not UTF-8"),
            SAVE_AS,
        );
    }
    if let Some(message) = utf16_without_mark(what, bytes) {
        return (message, SAVE_AS);
    }
    // Windows-1256: Arabic letters are single bytes from 0xC1 on, which UTF-8 never has alone.
    let high: Vec<u8> = bytes.iter().copied().filter(|&b| b >= 0x80).collect();
    let letters = high.iter().filter(|&&b| is_1256_letter(b)).count();
    if letters >= 4 && letters * 10 >= high.len() * 9 {
        return (
            format!(
                "{what} is not UTF-8 text (invalid byte at offset {valid}); its bytes look like \
                 Windows-1256, the older Arabic encoding of Windows"
            ),
            SAVE_AS,
        );
    }
    (
        format!("{what} is not UTF-8 text (invalid byte at offset {valid})"),
        SAVE,
    )
}

/// UTF-16 saved without its byte-order mark: its spaces, newlines and Latin letters have a zero
/// byte, always at the same parity, which no text file has. (Such a file can even be valid UTF-8,
/// zero bytes and all: Arabic letters are U+06xx, two bytes below 0x80.)
fn utf16_without_mark(what: &str, bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1024)];
    let zeros = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|&(i, &b)| b == 0 && i % 2 == parity)
            .count()
    };
    let (even, odd) = (zeros(0), zeros(1));
    ((even >= 3 && odd == 0) || (odd >= 3 && even == 0))
        .then(|| format!("{what} is UTF-16 text (every other byte of it is zero), not UTF-8"))
}

/// `bytes` as text without a leading BOM, or the error that names their encoding, positioned
/// at the first bad byte of the file `shown` (`what` names it in the message: "the file",
/// "site.yaml").
pub fn text_of(shown: &Path, what: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let mut text = utf8(bytes).map_err(|e| encoding_error(shown, what, e))?;
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    Ok(text)
}

/// The error of [`text_of`].
fn encoding_error(shown: &Path, what: &str, e: std::string::FromUtf8Error) -> Diagnostic {
    let valid = e.utf8_error().valid_up_to();
    let bytes = e.into_bytes();
    let prefix = String::from_utf8_lossy(&bytes[..valid]);
    let (line, column) = crate::diagnostics::line_column(&prefix, valid);
    let (message, hint) = not_utf8(what, &bytes, valid);
    Diagnostic {
        line,
        column,
        ..Diagnostic::new(Some(shown), message)
    }
    .with_hint(hint)
}

/// Whether `b` is an Arabic letter (or tatweel) in Windows-1256.
fn is_1256_letter(b: u8) -> bool {
    matches!(b, 0xC1..=0xD6 | 0xD8..=0xDB | 0xDC..=0xDF | 0xE1 | 0xE3..=0xE6 | 0xEC | 0xED)
}

/// Decodes bytes into text and finds the front-matter. `shown` is the path used in messages.
pub fn split(shown: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = text_of(shown, "the file", bytes)?;
    // CRLF and lone CR (old Mac files) both end lines, for YAML as for our positions.
    let text: Arc<str> = if text.contains('\r') {
        Arc::from(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Arc::from(text)
    };
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        if let Some(message) = utf16_without_mark("the file", text.as_bytes()) {
            return Err(Diagnostic::at(shown, &text, 1, 1, message).with_hint(SAVE_AS));
        }
        return Err(no_front_matter(shown, &text));
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

/// The error of a file whose first line is not `---`, with what it has instead when that is
/// recognisable: front-matter after blank lines, or TOML front-matter (`+++`, Hugo's).
fn no_front_matter(shown: &Path, text: &Arc<str>) -> Diagnostic {
    const START: &str =
        "start the file with a `---` line, then `title:` and `date:`, then another `---` line";
    let mut lines = text.lines().enumerate();
    let first_text = lines.find(|(_, l)| !l.trim().is_empty());
    match first_text {
        Some((n, line)) if n > 0 && line.trim_end() == "---" => Diagnostic::at(
            shown,
            text,
            n + 1,
            1,
            "the front-matter starts after blank lines; it must start on the first line",
        )
        .with_hint(if n == 1 {
            "remove the blank line above `---`".to_string()
        } else {
            format!("remove the {n} blank lines above `---`")
        }),
        Some((n, line)) if line.trim_end() == "+++" => Diagnostic::at(
            shown,
            text,
            n + 1,
            1,
            "this front-matter is TOML (between `+++` lines); warraq reads YAML between `---` lines",
        )
        .with_hint("write `---` for `+++`, and `key: value` for `key = value` (title: \"…\", date: 2025-04-28)"),
        _ => Diagnostic::at(shown, text, 1, 1, "the file has no front-matter").with_hint(START),
    }
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

/// The first forbidden control character that YAML `text[range]` writes as the escape of a
/// double-quoted string (`"\x01"`, `"\u0085"`, `"\e"`), as an error at the escape:
/// [`control_character`] sees only the characters as written. YAML that does not parse is left
/// to the parse that reports it.
pub fn escaped_control(
    shown: &Path,
    text: &Arc<str>,
    range: std::ops::Range<usize>,
) -> Option<Diagnostic> {
    let yaml = &text[range.clone()];
    // Parsed a second time only when an escape of a control is written at all (`\"` and `\\`,
    // common in headlines, are not).
    yaml_escapes(yaml).next()?;
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).ok()?;
    let c = first_control(&value)?;
    // Where it is written: the first escape that means it (a backslash in a plain or
    // single-quoted scalar is itself, so an earlier one there could be named instead: rare,
    // and still the same mistake one line away).
    let at = yaml_escapes(yaml)
        .find(|&(_, e)| e == c)
        .map_or(0, |(i, _)| i);
    Some(
        Diagnostic::at_offset(
            shown,
            text,
            range.start + at,
            format!(
                "this escape writes an invisible control character (U+{:04X}); feeds and pages \
                 cannot carry it",
                c as u32
            ),
        )
        .with_hint("delete the escape (it often comes from text exported by another program)"),
    )
}

/// The first forbidden control character in any string of a YAML value, keys included.
fn first_control(value: &serde_yaml::Value) -> Option<char> {
    use serde_yaml::Value;
    let in_text = |s: &str| {
        s.chars()
            .find(|&c| crate::arabic::normalize::is_forbidden_control(c))
    };
    match value {
        Value::String(s) => in_text(s),
        Value::Sequence(items) => items.iter().find_map(first_control),
        Value::Mapping(map) => map
            .iter()
            .find_map(|(k, v)| first_control(k).or_else(|| first_control(v))),
        Value::Tagged(tagged) => first_control(&tagged.value),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Each backslash escape of YAML's double-quoted strings in `yaml` that writes a forbidden
/// control character: its byte offset and the character.
fn yaml_escapes(yaml: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = yaml.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            i += 1;
            if bytes[at] != b'\\' || i >= bytes.len() {
                continue;
            }
            let kind = bytes[i];
            i += 1;
            let hex = |digits: usize| {
                let h = yaml.get(at + 2..at + 2 + digits)?;
                if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                char::from_u32(u32::from_str_radix(h, 16).ok()?)
            };
            let c = match kind {
                b'0' => Some('\0'),
                b'a' => Some('\u{7}'),
                b'b' => Some('\u{8}'),
                b'v' => Some('\u{b}'),
                b'f' => Some('\u{c}'),
                b'e' => Some('\u{1b}'),
                b'N' => Some('\u{85}'),
                b'x' => hex(2),
                b'u' => hex(4),
                b'U' => hex(8),
                _ => None,
            };
            if let Some(c) = c.filter(|&c| crate::arabic::normalize::is_forbidden_control(c)) {
                return Some((at, c));
            }
        }
        None
    })
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
    use super::{not_utf8, utf8, yaml_escapes};

    #[test]
    fn yaml_escapes_finds_each_form_that_writes_a_control() {
        let yaml = r#"a: "\0 \a \b \v \f \e \N \x7f \u0085 \U0000FFFF \uFFFE""#;
        let found: Vec<char> = yaml_escapes(yaml).map(|(_, c)| c).collect();
        assert_eq!(
            found,
            [
                '\0', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{85}', '\u{7f}', '\u{85}',
                '\u{ffff}', '\u{fffe}'
            ]
        );
        // Escapes of printable text, a written backslash, a short or broken hex escape.
        let harmless = r#"a: "\t \n \r \\ \" \/ \_ \L \P \x41 \u00e9 \\x01 \x1 \xZZ \x+1 \u12""#;
        assert_eq!(yaml_escapes(harmless).count(), 0, "{harmless}");
        assert_eq!(yaml_escapes(r#"t: "ab\x01""#).next(), Some((6, '\u{1}')));
    }

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

    #[test]
    fn files_in_other_encodings_are_named_by_their_encoding() {
        let text = "---\ntitle: عنوان الحسكة\ndate: 2025-01-01\n---\nنص المقال\n";
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        // "---\ntitle: عنوان الحسكة\n..." as Windows-1256 writes it.
        let mut cp1256 = b"---\ntitle: ".to_vec();
        cp1256.extend([218, 228, 230, 199, 228, 32, 199, 225, 205, 211, 223, 201]);
        cp1256.extend(b"\ndate: 2025-01-01\n---\n");
        // UTF-8 Arabic with one broken byte is not mistaken for Windows-1256.
        let mut broken = text.as_bytes().to_vec();
        broken.insert(11, 0xFF);
        for (bytes, expect, hint) in [
            (
                utf16le,
                "site.yaml is UTF-16 text (it starts",
                "save it with the encoding UTF-8",
            ),
            (
                utf16be,
                "site.yaml is UTF-16 text (it starts",
                "save it with the encoding UTF-8",
            ),
            (
                cp1256,
                "invalid byte at offset 11); its bytes look like Windows-1256",
                "UTF-8",
            ),
            (
                broken,
                "site.yaml is not UTF-8 text (invalid byte at offset 11)",
                "save the file as UTF-8",
            ),
        ] {
            let valid = String::from_utf8(bytes.clone())
                .expect_err("not UTF-8")
                .utf8_error()
                .valid_up_to();
            let (message, h) = not_utf8("site.yaml", &bytes, valid);
            assert!(message.contains(expect), "{message}");
            assert!(h.contains(hint), "{h}");
            if !expect.contains("Windows") {
                assert!(!message.contains("Windows"), "{message}");
            }
        }
    }

    /// UTF-16 without its mark is valid UTF-8 (Arabic letters are U+06xx, both bytes below 0x80),
    /// so it is recognised where the file is found to have no front-matter.
    #[test]
    fn utf16_without_its_mark_is_named_too() {
        let path = std::path::Path::new("content/a.md");
        for text in [
            "---\ntitle: x\ndate: 2025-01-01\n---\nbody\n",
            "---\ntitle: الحسكة\ndate: 2025-01-01\n---\nنص\n",
        ] {
            for big_endian in [false, true] {
                let bytes: Vec<u8> = text
                    .encode_utf16()
                    .flat_map(|u| {
                        if big_endian {
                            u.to_be_bytes()
                        } else {
                            u.to_le_bytes()
                        }
                    })
                    .collect();
                let e = super::split(path, bytes).expect_err("not an article");
                assert!(e.message.contains("is UTF-16 text"), "{}", e.message);
            }
        }
        let e = super::split(path, b"title: x\n".to_vec()).expect_err("no front-matter");
        assert_eq!(e.message, "the file has no front-matter");
    }
}
