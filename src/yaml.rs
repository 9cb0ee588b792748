//! Turns serde_yaml errors into positioned [`Diagnostic`]s, for `site.yaml` and front-matter alike.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostics::{did_you_mean, Diagnostic};

/// Converts a YAML error in a document that starts at `first_line` (1-based) of `source`.
/// `what` names the document in messages ("front-matter", "site.yaml").
pub fn to_diagnostic(
    file: &Path,
    source: &Arc<str>,
    first_line: usize,
    what: &str,
    err: &serde_yaml::Error,
) -> Diagnostic {
    let raw = strip_marks(&err.to_string());
    let yaml_start = crate::diagnostics::offset_of(source, first_line, 1);
    let (mut line, mut column) = match (locate_custom(&source[yaml_start..], &raw), err.location())
    {
        (Some(offset), _) => crate::diagnostics::line_column(source, yaml_start + offset),
        (None, Some(loc)) => (loc.line() + first_line - 1, loc.column()),
        // Aliases that multiplied: point at the first one.
        (None, None) => match raw
            .contains("repetition limit")
            .then(|| first_alias(&source[yaml_start..]))
            .flatten()
        {
            Some(offset) => crate::diagnostics::line_column(source, yaml_start + offset),
            None => (first_line, 1),
        },
    };
    let (message, mut hint) = explain(&raw, what);
    // serde_yaml places a key written twice at the start of its map: point at the second
    // writing instead, and say where the first one is.
    let reported = crate::diagnostics::offset_of(source, line, column);
    if let Some((first, second)) =
        duplicate_key(&raw).and_then(|k| both_writings(source, reported, k))
    {
        (line, column) = crate::diagnostics::line_column(source, second);
        let (first_line, _) = crate::diagnostics::line_column(source, first);
        hint = Some(format!(
            "keep one of the two; the first is on line {first_line}"
        ));
    }
    // A tab where YAML expects indentation (an editor's Tab key): serde_yaml's sentence is
    // about tokens.
    let at = crate::diagnostics::offset_of(source, line, column);
    let tab = source[at..].starts_with('\t');
    let mut message =
        if tab && (raw.contains("cannot start any token") || raw.contains("tab character")) {
            hint = Some("replace the tab with spaces (two for each level)".to_string());
            format!("a tab indents this line of the {what}; YAML indents with spaces only")
        } else {
            message
        };
    if let Some((m, h)) = unquoted_colon_or_early_quote(&raw, source, line) {
        (message, hint) = (m, Some(h));
    }
    // `title:عنوان`: to YAML a key needs a space after its colon, so the line is one text,
    // and the error comes where that text makes no sense (often a later line).
    let structural = [
        "expected ':'",
        "expected key",
        "mapping values",
        "invalid type: string",
    ]
    .iter()
    .any(|e| raw.contains(e));
    if let Some((at, key, value)) = structural
        .then(|| colon_without_space(&source[yaml_start..], (line + 1).saturating_sub(first_line)))
        .flatten()
    {
        (line, column) = crate::diagnostics::line_column(source, yaml_start + at);
        message = format!("`{key}:` needs a space after its colon");
        hint = Some(format!("write {key}: {value}"));
    }
    if let Some((at, m, h)) = shape_mistake(&raw, source, yaml_start, line, what) {
        (line, column) = crate::diagnostics::line_column(source, at);
        message = m;
        hint = Some(h);
    }
    // An invisible character explains the error when the error is at it, or quotes it (serde
    // writes a value's characters as `\u{200f}`).
    let explains = |col: usize, c: char| {
        col == column || raw.contains(c) || raw.contains(&format!("\\u{{{:x}}}", c as u32))
    };
    let (message, hint) = match invisible_on_line(source, line).filter(|&(col, c)| explains(col, c))
    {
        Some((col, c)) => {
            let what_it_is = format!(
                "an invisible character (U+{:04X}{})",
                c as u32,
                if crate::arabic::normalize::is_direction_mark(c) {
                    ", a direction mark"
                } else {
                    ""
                }
            );
            let message = match unknown_key(&raw) {
                Some(key)
                    if key
                        .chars()
                        .any(crate::arabic::normalize::is_invisible_format) =>
                {
                    column = col;
                    let visible: String = key
                        .chars()
                        .filter(|&c| !crate::arabic::normalize::is_invisible_format(c))
                        .collect();
                    format!("the key `{visible}` holds {what_it_is}")
                }
                _ => message,
            };
            (
                message,
                Some(format!(
                    "delete {what_it_is} at column {col} of this line: an editor that writes \
                     right to left adds it unseen"
                )),
            )
        }
        None => (message, hint),
    };
    let diagnostic = Diagnostic::at(file, source, line, column, message);
    match hint {
        Some(h) => diagnostic.with_hint(h),
        None => diagnostic,
    }
}

/// Where `key` is written the first and the second time (offsets of `source`) in the map that
/// serde_yaml placed its "duplicate" error at (`reported`), or, inside a list (where it names the
/// list's first item), in the first later map whose key it is.
fn both_writings(source: &str, reported: usize, key: &str) -> Option<(usize, usize)> {
    std::iter::once(reported)
        .chain(key_lines(&source[reported..], key).map(|at| reported + at))
        .find_map(|map| {
            // A flow map is placed at its `{` or at its first key.
            let map = map + usize::from(source[map..].starts_with('{'));
            let flow = source[..map].trim_end_matches(' ').ends_with(['{', ',']);
            let (_, column) = crate::diagnostics::line_column(source, map);
            key_twice(&source[map..], key, column - 1, flow).map(|(a, b)| (map + a, map + b))
        })
}

/// Whether `s` can be a key of front-matter or site.yaml: an ASCII word (`title`, `per_page`).
/// `داعش: قراءة` on a headline's next line is text with a colon, which the `: ` explanation is
/// for.
fn is_key(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Mistakes of shape YAML reports in its own terms, said in the editor's, with where they are
/// (an offset of `source`): a key indented under a text, a hashtag YAML takes for a comment, a
/// value that begins with one of YAML's indicators, a key without its colon, a list item
/// without the space after its `-`, a `[` never closed, a key of a list item written at its `-`. `line` is where YAML
/// placed the error (1-based, in `source`).
fn shape_mistake(
    raw: &str,
    source: &str,
    yaml_start: usize,
    line: usize,
    what: &str,
) -> Option<(usize, String, String)> {
    let yaml = &source[yaml_start..];
    let offset_of_line = |n: usize| crate::diagnostics::offset_of(source, n, 1);
    // The line YAML placed the error on and the two above it, inside the YAML, nearest first:
    // YAML often stops a line or two after the mistake.
    let near = || {
        (line.saturating_sub(2).max(1)..=line)
            .rev()
            .filter(move |&n| offset_of_line(n) >= yaml_start)
            .filter_map(|n| Some((n, line_text(source, n)?)))
    };
    // ` date: …` indented under `title: x`: YAML reads it as the rest of the title's text, and
    // fails there (or in the date's validator, whose value took the next key along).
    if let Some((at, key, parent)) = indented_key(yaml) {
        let (key_line, _) = crate::diagnostics::line_column(source, yaml_start + at);
        let swallowed = raw.contains(&format!(" {key}`")) || raw.contains(&format!(" {key}:"));
        if line + 1 == key_line || line == key_line || swallowed {
            return Some((
                yaml_start + at,
                format!(
                    "`{key}` is indented under `{parent}`, whose value is a text: YAML cannot read it as a key"
                ),
                format!("start `{key}:` at the beginning of its line, as `{parent}:` is"),
            ));
        }
    }
    // `title عنوان`: no colon, so the lines run together into one text.
    if raw.contains(", expected struct ") && raw.starts_with("invalid type: string") {
        let first = yaml
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))?;
        let (key, value) = first.split_once(' ')?;
        if is_key(key) && !key.ends_with(':') {
            let at = yaml_start + yaml.find(first)? + key.len();
            let value = value.trim();
            return Some((
                at,
                format!(
                    "`{key}` has no `:` after it, so {} is not read as keys",
                    if what.contains('.') {
                        what.to_string()
                    } else {
                        format!("the {what}")
                    }
                ),
                format!("write {key}: {value}"),
            ));
        }
    }
    // `  -داعش`: a dash without its space is part of the text.
    if let Some(rest) = raw.split("invalid type: string \"-").nth(1) {
        let item = rest.split('"').next().unwrap_or("");
        if raw.contains("expected a sequence") && !item.is_empty() && !item.starts_with(' ') {
            let at = yaml_start + yaml.find(&format!("-{item}"))?;
            return Some((
                at,
                format!("`-{item}` has no space after its `-`, so it is a text, not a list item"),
                format!("write a space after the dash: - {item}"),
            ));
        }
    }
    // `title: #عاجل …`, `tags: [#سوريا]`: a `#` after a space starts a comment, so the value is
    // empty, or a `[` loses its `]`.
    // (A flow list that lost its `]` to a comment runs into the next line, whose `key: value`
    // becomes a map in the list.)
    if [
        "value is empty",
        "while parsing a flow",
        "invalid type: map",
    ]
    .iter()
    .any(|e| raw.contains(e))
    {
        for (n, text) in near() {
            if let Some(i) = hash_value(text) {
                let word: String = text[i..]
                    .chars()
                    .take_while(|c| !matches!(c, ',' | ']' | '}' | ' ' | '\t'))
                    .collect();
                // After `key:` the whole rest of the line is the value to quote.
                let before = text[..i].trim_end();
                let hint = match before.trim_start().strip_suffix(':') {
                    Some(key) => {
                        let value = text[i..].trim_end().replace('"', "\\\"");
                        format!("quote the value: {key}: \"{value}\"")
                    }
                    None => format!("quote it: \"{word}\", or write it without the `#`"),
                };
                return Some((
                    offset_of_line(n) + i,
                    format!("`#` starts a comment in YAML, so `{word}` and the rest of its line are not read"),
                    hint,
                ));
            }
        }
    }
    // `title: *عاجل* انفجار`: a value that begins with a character YAML gives a meaning to.
    let indicator = [
        "cannot start any token",
        "while scanning a block scalar",
        "while scanning an alias",
        "while scanning an anchor",
        "while scanning a tag",
    ];
    if indicator.iter().any(|e| raw.contains(e)) {
        let text = line_text(source, line)?;
        let item = text.trim_start_matches(' ');
        let item = item
            .strip_prefix("- ")
            .unwrap_or(item)
            .trim_start_matches(' ');
        let (key, value) = match item.split_once(": ") {
            Some((k, v)) if is_key(k) => (Some(k), v.trim()),
            _ => (None, item.trim()),
        };
        let first = value.chars().next()?;
        let meaning = match first {
            '*' => "an alias (a reference to an `&anchor`)",
            '&' => "an anchor",
            '!' => "a tag",
            '>' | '|' => "the start of a block of text on the lines below",
            '%' => "a directive",
            '@' | '`' => "a character reserved for later versions of YAML",
            _ => return None,
        };
        // The value is the end of the line.
        let at = offset_of_line(line) + text.rfind(value)?;
        let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
        let written = match key {
            Some(k) => format!("{k}: \"{quoted}\""),
            None => format!("- \"{quoted}\""),
        };
        let whose = key.map_or_else(|| "this value".to_string(), |k| format!("`{k}`'s value"));
        let shown = if first == '`' {
            "a backquote".to_string()
        } else {
            format!("`{first}`")
        };
        return Some((
            at,
            format!("{whose} begins with {shown}, which YAML reads as {meaning}, not as text"),
            format!("quote it: {written}"),
        ));
    }
    if raw.contains("could not find expected ':'") {
        // `date 2025-01-01` among the keys: YAML runs it into the next line and stops there.
        for (n, text) in near() {
            if text.starts_with([' ', '-', '#']) {
                continue;
            }
            let Some((key, value)) = text.split_once(' ') else {
                continue;
            };
            if is_key(key) && !value.trim().is_empty() && !text.contains(": ") {
                return Some((
                    offset_of_line(n) + key.len(),
                    format!("`{key}` has no `:` after it"),
                    format!("write {key}: {}", value.trim()),
                ));
            }
        }
        // The dash without its space among list items, where YAML then looks for a key.
        for (n, text) in near() {
            let item = text.trim_start_matches(' ');
            let rest = item.strip_prefix('-').unwrap_or("");
            if !rest.is_empty() && !rest.starts_with([' ', '-', '\t']) && n > 1 {
                let above = line_text(source, n - 1)
                    .unwrap_or("")
                    .trim_start_matches(' ');
                if above.starts_with("- ") {
                    let at = offset_of_line(n) + (text.len() - item.len());
                    return Some((
                        at,
                        format!(
                            "`{item}` has no space after its `-`, so it is a text, not a list item"
                        ),
                        format!("write a space after the dash: - {rest}"),
                    ));
                }
            }
        }
    }
    // `tags: [داعش, سوريا` with no `]`.
    for (open, close, kind, flow) in [
        ('[', ']', "list", "flow sequence"),
        ('{', '}', "map", "flow mapping"),
    ] {
        if !raw.contains(&format!("while parsing a {flow}")) {
            continue;
        }
        let error_at = offset_of_line(line)
            .saturating_sub(yaml_start)
            .min(yaml.len());
        // `error_at` starts a line: a character boundary.
        let opened = yaml[..error_at].rfind(open).or_else(|| yaml.find(open))?;
        let rest_of_line = yaml[opened..].split('\n').next().unwrap_or("");
        if rest_of_line.contains(close) {
            continue;
        }
        let (opened_line, _) = crate::diagnostics::line_column(source, yaml_start + opened);
        return Some((
            yaml_start + opened,
            format!("the {kind} opened with `{open}` on line {opened_line} is never closed"),
            format!("end it with `{close}` on the same line"),
        ));
    }
    // A list item's key written at its `-` instead of under its first key.
    if raw.contains("did not find expected '-' indicator") {
        let text = line_text(source, line)?;
        let indent = text.len() - text.trim_start_matches(' ').len();
        let (key, _) = text[indent..].split_once(':')?;
        let above = source[..offset_of_line(line)]
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())?;
        let dash = above.len() - above.trim_start_matches(' ').len();
        let first_key = above[dash..].strip_prefix("- ")?.split(':').next()?.trim();
        if is_key(key) && dash == indent && is_key(first_key) {
            return Some((
                offset_of_line(line) + indent,
                format!("`{key}` starts at the `-` of the list item above, so it is not part of that item"),
                format!(
                    "indent `{key}:` {} spaces, under `{first_key}:`",
                    indent + 2
                ),
            ));
        }
    }
    None
}

/// Where a value or list item of `line` begins with `#` (after `: `, `[`, `,`, `{` or a list's
/// `- `), outside quotes: YAML reads it as a comment.
fn hash_value(line: &str) -> Option<usize> {
    line.char_indices().find_map(|(i, c)| {
        if c != '#' || line[..i].contains(['"', '\'']) {
            return None;
        }
        let before = line[..i].trim_end_matches(' ');
        let spaced = i > before.len() || before.ends_with(['[', '{', ',']);
        let after_dash = before.trim_start_matches(' ') == "-";
        (spaced && (before.ends_with([':', '[', ',', '{']) || after_dash)).then_some(i)
    })
}

/// The first line of `yaml` that is a `key:` written with spaces before it right after a
/// top-level key whose value is a text on its line (`title: x`, then ` date: …`): YAML reads
/// it as more of a plain text, or fails after a quoted one. Gives the key's offset, the key and the key above it.
fn indented_key(yaml: &str) -> Option<(usize, &str, &str)> {
    let mut offset = 0;
    let mut parent: Option<&str> = None;
    for line in yaml.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let text = line.trim_end();
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let indent = text.len() - text.trim_start_matches(' ').len();
        let (key, value) = text[indent..].split_once(':').unwrap_or(("", ""));
        let key_value = is_key(key) && (value.is_empty() || value.starts_with(' '));
        if indent > 0 {
            if let (Some(p), true) = (parent, key_value) {
                return Some((start + indent, key, p));
            }
            parent = None;
            continue;
        }
        let value = value.trim();
        // A text on the key's line, plain or quoted: not a block (`|`, `>`), a flow list or map,
        // an anchor, an alias or a tag.
        let plain = !value.is_empty() && !value.starts_with(['|', '>', '[', '{', '&', '!', '*']);
        parent = (key_value && plain).then_some(key);
    }
    None
}

/// Whether `text` starts with `key` written as a map's key (`key:`, `key :`).
fn starts_with_key(text: &str, key: &str) -> bool {
    text.strip_prefix(key)
        .is_some_and(|rest| rest.trim_start_matches(' ').starts_with(':'))
}

/// serde_yaml's error split into the path it prefixes nested errors with ("related[1]: unknown
/// field …") and the message.
fn path_and_message(raw: &str) -> (Option<&str>, &str) {
    match raw.split_once(": ") {
        Some((p, m)) if !p.contains(' ') && !p.is_empty() => (Some(p), m),
        _ => (None, raw),
    }
}

/// The key of a "duplicate field" (a key of ours) or "duplicate entry" (a free-form map's)
/// error.
fn duplicate_key(raw: &str) -> Option<&str> {
    let (_, message) = path_and_message(raw);
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        return rest.split('`').next();
    }
    let rest = message.strip_prefix("duplicate entry with key \"")?;
    rest.strip_suffix('"').filter(|k| !k.contains(['"', '\\']))
}

/// Where `key` starts a line of `yaml` as a block map's key (after its indentation, or after
/// the `- ` of a list item).
fn key_lines<'a>(yaml: &'a str, key: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut offset = 0;
    yaml.split_inclusive('\n').filter_map(move |line| {
        let start = offset;
        offset += line.len();
        let content = line.trim_start_matches(' ');
        let content = content
            .strip_prefix("- ")
            .map_or(content, |c| c.trim_start_matches(' '));
        let at = start + line.len() - content.len();
        starts_with_key(content, key).then_some(at)
    })
}

/// Where `key` is written as a key of the map that starts `map` (at its first key), the first
/// time and the second. A block map's keys are the lines at its first key's `indent`, up to a
/// line indented less; a flow map's (`{a: 1, a: 2}`) follow `{` or `,` at its own depth, up to
/// its `}`. `None` when the key cannot be found twice (a quoted key, say).
fn key_twice(map: &str, key: &str, indent: usize, flow: bool) -> Option<(usize, usize)> {
    let is_key_at = |at: usize| starts_with_key(&map[at..], key);
    let mut found = Vec::with_capacity(2);
    if flow {
        let mut depth = 0usize;
        let mut after_separator = true;
        for (i, c) in map.char_indices() {
            match c {
                '{' | '[' => depth += 1,
                '}' | ']' if depth == 0 => break,
                '}' | ']' => depth -= 1,
                _ => {}
            }
            if depth == 0 && after_separator && is_key_at(i) {
                found.push(i);
            }
            if c == ',' && depth == 0 {
                after_separator = true;
            } else if !c.is_whitespace() {
                after_separator = false;
            }
        }
    } else {
        let mut offset = 0;
        for (n, line) in map.split_inclusive('\n').enumerate() {
            let text = line.trim_end_matches(['\n', '\r']);
            let own = if n == 0 {
                indent
            } else {
                text.len() - text.trim_start_matches(' ').len()
            };
            let content = text.trim_start_matches(' ');
            if n > 0 && own < indent && !content.is_empty() && !content.starts_with('#') {
                break;
            }
            let at = offset + (text.len() - content.len());
            if own == indent && is_key_at(at) {
                found.push(at);
            }
            offset += line.len();
        }
    }
    (found.len() >= 2).then(|| (found[0], found[1]))
}

/// Where the first alias (`*name`) of `yaml` is.
fn first_alias(yaml: &str) -> Option<usize> {
    let bytes = yaml.as_bytes();
    (1..bytes.len().saturating_sub(1)).find(|&i| {
        bytes[i] == b'*'
            && matches!(bytes[i - 1], b' ' | b'\t' | b'[' | b',' | b'{' | b'\n')
            && !matches!(bytes[i + 1], b' ' | b'\t' | b'\n' | b'\r' | b'*')
    })
}

/// serde_yaml has no reliable position for errors raised by our own validators (a bad date, a
/// `javascript:` URL): they quote the offending value in backticks, so find that value in the
/// YAML, after the line of the top-level key named by the error's path when there is one.
fn locate_custom(yaml: &str, raw: &str) -> Option<usize> {
    let (path, message) = path_and_message(raw);
    if [
        "unknown field",
        "missing field",
        "invalid type",
        "invalid length",
        "invalid value",
    ]
    .iter()
    .any(|p| message.starts_with(p))
    {
        return None;
    }
    let needle = message.split('`').nth(1)?;
    // Our validators' messages name their key first (`slug `…` has no letter`) where serde_yaml
    // gives no path.
    let key = path
        .map(|p| p.split(['.', '[']).next().unwrap_or(p))
        .or_else(|| message.split_once(" `").map(|(k, _)| k))
        .filter(|k| !k.is_empty() && !k.contains(' '));
    let key_line = key.and_then(|k| {
        let mut offset = 0;
        for line in yaml.split_inclusive('\n') {
            if line.starts_with(k) && line[k.len()..].trim_start().starts_with(':') {
                return Some((offset, k));
            }
            offset += line.len();
        }
        None
    });
    if needle.is_empty() {
        // An empty value (`slug: ""`) cannot be searched for: point at what follows its key's
        // colon (serde_yaml's own position for it was the document's first line).
        let (at, k) = key_line?;
        let line = yaml[at..].split('\n').next().unwrap_or("");
        let colon = k.len() + line[k.len()..].find(':')? + 1;
        let value = line[colon..].len() - line[colon..].trim_start().len();
        return Some(at + colon + value);
    }
    let from = key_line.map_or(0, |(at, _)| at);
    yaml[from..].find(needle).map(|i| from + i)
}

/// Whether serde's `invalid type` message expects a map (a struct of ours, or a free-form map).
fn expects_map(message: &str) -> bool {
    message
        .split_once(", expected ")
        .is_some_and(|(_, e)| e.starts_with("struct ") || e.contains("map"))
}

/// Rewrites serde's phrasing into one sentence an editor understands, plus a hint.
fn explain(raw: &str, what: &str) -> (String, Option<String>) {
    let (path, message) = path_and_message(raw);
    let place = path.map(|p| format!(" in `{p}`")).unwrap_or_default();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        let near = did_you_mean(key, expected.iter().copied())
            .or_else(|| same_meaning(key).filter(|k| expected.contains(k)));
        let hint = match near {
            Some(near) => format!("did you mean `{near}`? Known keys: {}", expected.join(", ")),
            None => format!("known keys: {}", expected.join(", ")),
        };
        return (format!("unknown key `{key}`{place} in {what}"), Some(hint));
    }
    if let Some(key) = duplicate_key(raw) {
        return (
            format!("`{key}` is written twice{place} in {what}"),
            Some("keep one of the two".to_string()),
        );
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or("");
        return (
            format!("{what} has no `{key}`{place}"),
            Some(format!("add `{key}: …`; it is required")),
        );
    }
    if message.contains("` as u128,") || message.contains("` as i128,") {
        // serde_yaml reads a whole number too large for 64 bits as a 128-bit one, which no
        // front-matter or site.yaml value takes.
        let number = message.split('`').nth(1).unwrap_or("");
        return (
            format!("the number `{number}`{place} is too large"),
            Some(
                "write a whole number below 18446744073709551616, or quote it if it is text"
                    .to_string(),
            ),
        );
    }
    if message.starts_with("invalid type") {
        let hint = match path {
            Some("tags") => {
                // `tags: داعش، سوريا`: the list it meant, with either comma.
                let written = message
                    .strip_prefix("invalid type: string \"")
                    .and_then(|rest| rest.split_once("\", expected"))
                    .map(|(names, _)| {
                        names
                            .split([',', '،'])
                            .map(str::trim)
                            .filter(|n| !n.is_empty())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .filter(|names| !names.is_empty() && !names.contains(['[', ']', '"', '\\']))
                    .unwrap_or_else(|| "first, second".to_string());
                Some(format!("write `tags` as a list: tags: [{written}]"))
            }
            Some(p) if p == "author" => Some(format!("write `{p}` as a list: {p}: [first, second]")),
            Some(p) if p.starts_with("related") => Some(
                "a related entry is an article path (2025/slug) or a map with `title` and optional `url`".to_string(),
            ),
            _ if message.contains("invalid type: sequence") && expects_map(message) => {
                // `taxonomies:` written as a list of `- name: …` items where a map is expected.
                let key = path.map_or_else(|| "this key".to_string(), |p| format!("`{p}`"));
                Some(format!(
                    "{key} takes `name: value` lines here, not a list: remove the `- ` before them"
                ))
            }
            _ if message.contains("invalid type: string") && expects_map(message) => {
                // `similar: count 3`, or the lines under it not indented.
                let key = path.map_or_else(|| "this key".to_string(), |p| format!("`{p}`"));
                Some(format!(
                    "{key} takes `name: value` lines, indented under it (or `{{name: value}}` on its line), not a text"
                ))
            }
            _ if message.contains("invalid type: map") && message.contains(", expected a sequence") => {
                let key = path.unwrap_or("key");
                Some(format!("write `{key}` as a list: {key}: [first, second]"))
            }
            _ if message.contains("invalid type: sequence") || message.contains("invalid type: map") => {
                // The example names the key that was written, when it is one (`title`); inside
                // a list (`tags[0]`) or a map (`source.name`) the quoted value alone.
                let example = match path {
                    Some(p) if p.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') => {
                        format!("{p}: \"[…]\"")
                    }
                    _ => "\"[…]\"".to_string(),
                };
                Some(format!(
                    "a value starting with `[` or `{{` is read as a list or a map; quote it if it is text: {example}"
                ))
            }
            _ => Some("quote the value if it is meant as text".to_string()),
        };
        let message = message.replacen("invalid type: ", "wrong type: ", 1);
        if path.is_none() && message.contains(", expected struct ") {
            // The whole document is a list or a text.
            let got = message.strip_prefix("wrong type: ").unwrap_or(&message);
            let got = got.split(", expected").next().unwrap_or(got);
            let got = if got == "sequence" { "list" } else { got };
            return (
                format!("{what} is a {got}, not a map of keys"),
                Some("write one `key: value` per line, e.g. `title: \"…\"`".to_string()),
            );
        }
        let message = in_editors_words(&message);
        let arabic_digits = message.contains(|c| matches!(c, '٠'..='٩' | '۰'..='۹'));
        let hint = if message.contains(", expected a whole number") && arabic_digits {
            // `per_page: ٢٠` is text to YAML.
            let latin: String = message
                .split('"')
                .nth(1)
                .unwrap_or_default()
                .chars()
                .map(crate::arabic::normalize::latin_digit)
                .collect();
            Some(format!("write the number with Latin digits: {latin}"))
        } else if message.contains(", expected a whole number") {
            Some("write a whole number, without quotes".to_string())
        } else if message.contains(", expected a boolean") {
            // `draft: yes` is text to YAML 1.2, not a boolean.
            Some("write `true` or `false`".to_string())
        } else {
            hint
        };
        return (format!("{message}{place}"), hint);
    }
    if message.contains("` names a language; write its code")
        || message.contains("` is not a language tag like")
    {
        return (
            format!("{message}{place}"),
            Some(
                "a language is written by its ISO 639 code (ar, en, fr, fa, ur, ku), a region may \
                 follow (ar-MA, en-GB)"
                    .to_string(),
            ),
        );
    }
    if message.contains("` is not a valid date") {
        let written = message.split('`').nth(1).unwrap_or_default();
        let hint = if let Some(iso) = crate::arabic::dates::iso_suggestion(written) {
            format!("write the date as YYYY-MM-DD: {iso}")
        } else if let Some(instant) = crate::arabic::dates::instant_suggestion(written) {
            format!(
                "write the time after a `T`, with its offset from UTC: {instant} (with your own \
                 offset for +03:00)"
            )
        } else {
            "write the date as YYYY-MM-DD (2025-04-28), or with a time and its offset \
             (2025-04-28T09:30:00+03:00)"
                .to_string()
        };
        return (format!("{message}{place}"), Some(hint));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return (format!("unknown value {rest}{place}"), None);
    }
    if message == "repetition limit exceeded" {
        return (
            format!("the {what}'s aliases (`*name`) expand into too many values"),
            Some("an alias of a list that itself holds aliases multiplies them; write the values out instead".to_string()),
        );
    }
    if message == "recursion limit exceeded" {
        return (
            format!("the {what} nests lists or maps too deeply{place}"),
            Some(
                "a value may nest at most 128 lists or maps; flatten it, or quote it if it is text"
                    .to_string(),
            ),
        );
    }
    let message = message.to_string();
    let hint = if message.contains("did not find expected")
        || message.contains("while parsing")
        || message.contains("while scanning")
    {
        Some("this is not valid YAML; check quotes and brackets near here (a value with `:` or `[` must be quoted)".to_string())
    } else {
        None
    };
    (format!("{message}{place}"), hint)
}

/// serde names what it expected by Rust types (`usize`, `struct SeriesSpec`): say what an editor
/// writes instead.
fn in_editors_words(message: &str) -> String {
    let Some((got, expected)) = message.split_once(", expected ") else {
        return message.to_string();
    };
    let expected = match expected {
        e if e.starts_with("struct ") || e == "a map" => "a map of `key: value`",
        "usize" | "u8" | "u16" | "u32" | "u64" => "a whole number, 0 or more",
        "isize" | "i8" | "i16" | "i32" | "i64" => "a whole number",
        "f32" | "f64" => "a number",
        other => other,
    };
    format!("{got}, expected {expected}")
}

/// The key of ours that means what another generator's front-matter key means (`description`
/// and `excerpt` are our `summary`, `categories` our `tags`, `cover` our `image`): editors
/// bring their articles from Hugo, Jekyll and WordPress exports, and those names are too far
/// from ours for a spelling suggestion.
fn same_meaning(key: &str) -> Option<&'static str> {
    Some(match key.to_ascii_lowercase().as_str() {
        "description" | "excerpt" | "abstract" | "lead" | "subtitle" => "summary",
        "categories" | "category" | "keywords" | "topics" => "tags",
        "cover" | "thumbnail" | "featured_image" | "featuredimage" | "banner" | "images" => "image",
        "lastmod" | "modified" | "last_modified" | "updated_at" | "update" => "updated",
        "publishdate" | "pubdate" | "published" | "published_at" | "created" => "date",
        "writer" | "writers" | "byline" | "by" => "author",
        "language" | "locale" => "lang",
        "url" | "permalink" => "slug",
        "publisher" | "via" => "source",
        "serie" | "dossier" | "collection" => "series",
        "params" | "custom" | "meta" | "data" => "extra",
        _ => return None,
    })
}

/// The two ways a headline breaks a `key: value` line, in editors' words: a `: ` in an
/// unquoted value (`title: داعش: عودة`) and quotes inside a double-quoted one
/// (`title: "عودة "داعش" إلى البادية"`), each with the line as it should be written.
fn unquoted_colon_or_early_quote(raw: &str, source: &str, line: usize) -> Option<(String, String)> {
    let (key, value) = line_text(source, line)?.split_once(": ")?;
    // A map inside a list (`  - title: …`) is named by its key.
    let key = key.trim().trim_start_matches("- ").trim_start();
    let value = value.trim();
    if key.is_empty() || key.contains(['"', '\'', '[', '{', '#', ' ']) {
        return None;
    }
    if raw.contains("mapping values are not allowed") && !value.starts_with(['"', '\'', '[', '{']) {
        let quoted = value.replace('\\', "\\\\").replace('"', "\\\"");
        return Some((
            format!(
                "`{key}` holds a `: `, which starts a new key to YAML unless the value is quoted"
            ),
            format!("quote it: {key}: \"{quoted}\""),
        ));
    }
    if raw.contains("did not find expected key")
        && value.starts_with('"')
        && value.ends_with('"')
        && value.matches('"').count() > 2
    {
        let inner = value
            .strip_prefix('"')?
            .strip_suffix('"')
            .unwrap_or(&value[1..]);
        return Some((
            format!("the quotes inside `{key}`'s value end it early"),
            format!(
                "quote the value with single quotes, which may hold double ones: {key}: '{}' (or write «» inside)",
                inner.replace('\'', "''")
            ),
        ));
    }
    // A headline that begins with a quoted word (`title: "داعش" يعود`): YAML reads the quoted
    // word as the whole value, and the rest as a key that is not one.
    let early =
        raw.contains("did not find expected key") || raw.contains("mapping values are not allowed");
    if let Some(end) = closing_quote(value).filter(|_| early) {
        let rest = value[end..].trim_start();
        // Only invisible marks after the quote are theirs to explain (see `invisible_on_line`).
        let visible = rest
            .chars()
            .any(|c| !c.is_whitespace() && !crate::arabic::normalize::is_invisible_format(c));
        if visible && !rest.starts_with('#') {
            let whole = if value.starts_with('"') {
                format!("'{}'", value.replace('\'', "''"))
            } else {
                format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
            };
            return Some((
                format!(
                    "the quotes around {} close `{key}`'s value before its end",
                    &value[..end]
                ),
                format!("quote the whole value: {key}: {whole} (or write «» for the inner quotes)"),
            ));
        }
    }
    None
}

/// Where the quoted text a value begins with ends (just after its closing quote): `"` with its
/// `\` escapes, or `'` with its doubled `''`.
fn closing_quote(value: &str) -> Option<usize> {
    let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let mut chars = value.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                return Some(i + 1);
            }
        }
    }
    None
}

/// The first line of `yaml`, up to 1-based `last`, written `key:value` with no space after
/// the colon (a URL's `https://` aside): the offset of the colon, the key and the value.
fn colon_without_space(yaml: &str, last: usize) -> Option<(usize, &str, &str)> {
    let mut offset = 0;
    // The indentation of a key whose value is a block of text (`summary: |`): lines indented
    // deeper are that text, where `word:word` is just text.
    let mut block_under: Option<usize> = None;
    for line in yaml.split_inclusive('\n').take(last) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let start = offset;
        offset += line.len();
        if line.trim().is_empty() || block_under.is_some_and(|b| indent > b) {
            continue;
        }
        block_under = line
            .trim_end()
            .trim_end_matches(['-', '+'])
            .ends_with(['|', '>'])
            .then_some(indent);
        let item = line.trim_start_matches(' ');
        let item = item
            .strip_prefix("- ")
            .unwrap_or(item)
            .trim_start_matches(' ');
        let key_len = item
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(item.len());
        let (key, rest) = item.split_at(key_len);
        if let Some(value) = rest.strip_prefix(':') {
            let value = value.trim_end();
            if !key.is_empty()
                && key.starts_with(|c: char| c.is_ascii_alphabetic())
                && !value.is_empty()
                && !value.starts_with([' ', '\t', '/'])
            {
                let at = start + line.len() - item.len() + key_len;
                return Some((at, key, value));
            }
        }
    }
    None
}

/// The text of 1-based `line` of `source`.
fn line_text(source: &str, line: usize) -> Option<&str> {
    source.split('\n').nth(line.checked_sub(1)?)
}

/// The first invisible character (a direction mark, a zero-width joiner, a byte order mark) on
/// 1-based `line` of `source`, with its 1-based column: the likely cause of an error there,
/// and one its message cannot show.
fn invisible_on_line(source: &str, line: usize) -> Option<(usize, char)> {
    line_text(source, line)?
        .chars()
        .enumerate()
        .find(|&(_, c)| crate::arabic::normalize::is_invisible_format(c))
        .map(|(i, c)| (i + 1, c))
}

/// The key of serde's "unknown field `key`" error.
fn unknown_key(raw: &str) -> Option<&str> {
    let (_, message) = path_and_message(raw);
    message.strip_prefix("unknown field `")?.split('`').next()
}

/// Removes libyaml's " at line N column M" (the position is reported separately).
fn strip_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip_digits = |s: &str| {
            s.trim_start_matches(|c: char| c.is_ascii_digit())
                .to_string()
        };
        let after_line = skip_digits(after);
        match after_line.strip_prefix(" column ") {
            Some(col) => {
                let tail = skip_digits(col);
                rest = &rest[rest.len() - tail.len()..];
            }
            None => {
                rest = &rest[rest.len() - after_line.len()..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_stripped() {
        assert_eq!(
            strip_marks("did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at line 2 column 8"),
            "did not find expected ',' or ']', while parsing a flow sequence"
        );
    }

    #[test]
    fn unknown_field_gets_a_suggestion() {
        let (m, h) = explain(
            "unknown field `tgas`, expected one of `title`, `date`, `tags`",
            "front-matter",
        );
        assert_eq!(m, "unknown key `tgas` in front-matter");
        assert!(h.unwrap().starts_with("did you mean `tags`?"));
    }

    /// Keys from other generators' front-matters are met with ours (when ours is a key of the
    /// map being read); a boolean written `yes` gets a boolean's hint.
    #[test]
    fn a_key_without_a_space_after_its_colon_is_found_outside_blocks_of_text() {
        let yaml = "title: t\nsummary: |\n  note:this is text\n  more\ndate:2025-01-01\n";
        let (at, key, value) = colon_without_space(yaml, 5).unwrap();
        assert_eq!((key, value), ("date", "2025-01-01"));
        assert_eq!(&yaml[at..at + 1], ":");
        assert_eq!(
            colon_without_space(yaml, 4),
            None,
            "the block's text is not a key"
        );
        assert_eq!(colon_without_space("url: https://x.org\nx: a:b\n", 2), None);
        let (_, key, _) =
            colon_without_space("related:\n  - title: x\n    url:https://x\n", 3).unwrap();
        assert_eq!(key, "url");
    }

    #[test]
    fn other_generators_keys_and_booleans_get_useful_hints() {
        let known = "expected one of `title`, `date`, `updated`, `tags`, `summary`, `author`, `image`, `slug`, `extra`";
        for (key, ours) in [
            ("description", "summary"),
            ("categories", "tags"),
            ("cover", "image"),
            ("lastmod", "updated"),
            ("publishDate", "date"),
            ("permalink", "slug"),
            ("params", "extra"),
        ] {
            let (m, h) = explain(&format!("unknown field `{key}`, {known}"), "front-matter");
            assert_eq!(m, format!("unknown key `{key}` in front-matter"));
            assert!(
                h.unwrap().starts_with(&format!("did you mean `{ours}`?")),
                "{key}"
            );
        }
        // Not a key of this map (site.yaml has no `summary`): no suggestion.
        let (_, h) = explain(
            "unknown field `description2`, expected one of `title`, `base_url`",
            "site.yaml",
        );
        assert!(h.unwrap().starts_with("known keys:"));
        let (_, h) = explain(
            "unknown field `excerpt`, expected one of `title`, `base_url`",
            "site.yaml",
        );
        assert!(h.unwrap().starts_with("known keys:"));
        let (m, h) = explain(
            "draft: invalid type: string \"yes\", expected a boolean",
            "front-matter",
        );
        assert_eq!(
            m,
            "wrong type: string \"yes\", expected a boolean in `draft`"
        );
        assert_eq!(h.as_deref(), Some("write `true` or `false`"));
    }

    #[test]
    fn rust_type_names_never_reach_an_editor() {
        for (raw, said) in [
            (
                "invalid type: sequence, expected struct FrontMatter",
                "front-matter is a list, not a map of keys",
            ),
            (
                "per_page: invalid type: integer `-5`, expected usize",
                "wrong type: integer `-5`, expected a whole number, 0 or more in `per_page`",
            ),
            (
                "series: invalid type: string \"x\", expected struct SeriesSpec",
                "wrong type: string \"x\", expected a map of `key: value` in `series`",
            ),
            (
                "direction: unknown variant `up`, expected `ltr` or `rtl`",
                "unknown value `up`, expected `ltr` or `rtl` in `direction`",
            ),
        ] {
            assert_eq!(explain(raw, "front-matter").0, said);
        }
    }

    /// The example of quoting names the key the editor wrote, or quotes the value alone inside
    /// a list or a map (it said `title: "[…]"` for a tag).
    #[test]
    fn the_quoting_example_names_the_key_that_was_written() {
        let hint = |raw: &str| -> String { explain(raw, "front-matter").1.unwrap() };
        assert!(hint("title: invalid type: sequence, expected a string")
            .ends_with("quote it if it is text: title: \"[…]\""));
        assert!(hint("summary: invalid type: map, expected a string")
            .ends_with("quote it if it is text: summary: \"[…]\""));
        for nested in ["tags[0]", "source.name", "series.name"] {
            let h = hint(&format!(
                "{nested}: invalid type: sequence, expected a string"
            ));
            assert!(
                h.ends_with("quote it if it is text: \"[…]\""),
                "{nested}: {h}"
            );
        }
    }

    /// A list where a map of keys is expected, and a map where a list is: the hint says which
    /// shape to write instead of offering to quote a value that is no text.
    #[test]
    fn a_list_for_a_map_and_a_map_for_a_list_say_which_shape_to_write() {
        let hint = |raw: &str| -> String { explain(raw, "site.yaml").1.unwrap() };
        assert_eq!(
            hint("taxonomies: invalid type: sequence, expected a YAML mapping"),
            "`taxonomies` takes `name: value` lines here, not a list: remove the `- ` before them"
        );
        assert!(
            hint("similar: invalid type: sequence, expected struct Similar")
                .starts_with("`similar` takes `name: value` lines")
        );
        assert_eq!(
            hint("exclude: invalid type: map, expected a sequence"),
            "write `exclude` as a list: exclude: [first, second]"
        );
        assert_eq!(
            hint("similar: invalid type: string \"count 3\", expected struct Similar"),
            "`similar` takes `name: value` lines, indented under it (or `{name: value}` on its line), not a text"
        );
        // A list where text is expected is still offered quoting.
        assert!(hint("title: invalid type: sequence, expected a string")
            .contains("quote it if it is text"));
    }

    #[test]
    fn limits_and_huge_numbers_are_explained() {
        let (m, h) = explain("repetition limit exceeded", "front-matter");
        assert_eq!(
            m,
            "the front-matter's aliases (`*name`) expand into too many values"
        );
        assert!(h.is_some());
        assert_eq!(first_alias("a: &a [x]\nb: [*a, *a]\n"), Some(14));
        assert_eq!(first_alias("a: \"2 * 3\"\n"), None);
        let (m, h) = explain("extra: recursion limit exceeded", "front-matter");
        assert_eq!(
            m,
            "the front-matter nests lists or maps too deeply in `extra`"
        );
        assert!(h.unwrap().contains("128"));
        let (m, _) = explain(
            "series.part: invalid type: integer `99999999999999999999999` as u128, expected any YAML value",
            "front-matter",
        );
        assert_eq!(
            m,
            "the number `99999999999999999999999` in `series.part` is too large"
        );
    }
}
