//! Direction of text, decided by the Unicode Bidirectional Algorithm's rule for paragraphs: the
//! first strong character (P2/P3). Used to give blocks an explicit `dir`, and to isolate data
//! (tag names, author names, related titles) whose direction may differ from the page's.

use unicode_bidi::{get_base_direction_with_data_source, BidiClass, BidiDataSource, Direction};

use super::Tabled;

/// The Bidi classes of Unicode's data, [tabled](Tabled) for Latin, Arabic and their neighbours.
struct Classes;

impl BidiDataSource for Classes {
    fn bidi_class(&self, c: char) -> BidiClass {
        class(c)
    }
}

/// The Bidi class of a character.
pub fn class(c: char) -> BidiClass {
    static CLASSES: Tabled<BidiClass> = Tabled::new(unicode_bidi::bidi_class);
    CLASSES.get(c)
}

/// A text direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

impl Dir {
    /// The `dir` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Dir::Ltr => "ltr",
            Dir::Rtl => "rtl",
        }
    }

    /// The direction of a language tag: Arabic, Persian, Urdu, Hebrew … are right to left.
    pub fn of_language(lang: &str) -> Dir {
        let primary = lang
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ar" | "fa" | "ur" | "he" | "yi" | "ps" | "sd" | "ckb" | "ug" | "dv" => Dir::Rtl,
            _ => Dir::Ltr,
        }
    }
}

/// The direction of the first strong character, or `None` when the text has none
/// (digits and punctuation only).
pub fn first_strong(text: &str) -> Option<Dir> {
    match get_base_direction_with_data_source(&Classes, text) {
        Direction::Ltr => Some(Dir::Ltr),
        Direction::Rtl => Some(Dir::Rtl),
        Direction::Mixed => None,
    }
}

/// True when the text holds a strong character of the direction opposite to `context`.
fn has_opposite_strong(text: &str, context: Dir) -> bool {
    text.chars().any(|c| {
        let class = class(c);
        use unicode_bidi::BidiClass::{AL, L, R};
        match context {
            Dir::Rtl => class == L,
            Dir::Ltr => matches!(class, R | AL),
        }
    })
}

/// Whether a piece of data placed inside running text of direction `context` needs isolating:
/// it has a character of the other direction, or no strong character at all (so its neutrals
/// would be claimed by the neighbours).
pub fn needs_isolation(text: &str, context: Dir) -> bool {
    first_strong(text).is_none() || has_opposite_strong(text, context)
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// HTML for data shown inside running text: escaped, and wrapped in `<bdi>` when
/// [`needs_isolation`] says so, so it cannot reorder its neighbours.
pub fn isolate_html(text: &str, context: Dir) -> String {
    let escaped = escape_html(text);
    if needs_isolation(text, context) {
        format!("<bdi>{escaped}</bdi>")
    } else {
        escaped
    }
}

/// Plain text (a `<title>`, a feed title, an `og:` value) that cannot hold markup: when its first
/// strong character disagrees with the page direction, a directional mark (RLM/LRM) is put in
/// front so that the whole string is laid out in the page direction by tabs, feed readers and
/// link previews, keeping Arabic titles that open with a Latin name in reading order.
pub fn directed_plain_text(text: &str, context: Dir) -> String {
    match first_strong(text) {
        Some(d) if d != context => {
            let mark = match context {
                Dir::Rtl => '\u{200F}',
                Dir::Ltr => '\u{200E}',
            };
            format!("{mark}{text}")
        }
        _ => text.to_string(),
    }
}

/// `text` with every explicit embedding, override and isolate it opens and leaves open closed at
/// its end (a PDF U+202C for each embedding or override, a PDI U+2069 for each isolate, as UAX #9
/// pairs them). An unclosed U+202E RIGHT-TO-LEFT OVERRIDE in a title would otherwise reverse
/// whatever follows it in the same line: the site's name after it in `<title>` and feed readers,
/// the next item of a list of tags. Balanced text is returned as it is.
pub fn closed(text: &str) -> std::borrow::Cow<'_, str> {
    // true: an isolate; false: an embedding or override.
    let mut open: Vec<bool> = Vec::new();
    for c in text.chars() {
        match c {
            '\u{202A}'..='\u{202E}' if c != '\u{202C}' => open.push(false),
            '\u{2066}'..='\u{2068}' => open.push(true),
            // A PDF closes the last embedding, but not across an open isolate.
            '\u{202C}' if open.last() == Some(&false) => {
                open.pop();
            }
            // A PDI closes the last isolate and every embedding opened inside it.
            '\u{2069}' => {
                if let Some(at) = open.iter().rposition(|&isolate| isolate) {
                    open.truncate(at);
                }
            }
            _ => {}
        }
    }
    if open.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 3 * open.len());
    out.push_str(text);
    for isolate in open.into_iter().rev() {
        out.push(if isolate { '\u{2069}' } else { '\u{202C}' });
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directional_controls_left_open_are_closed_at_the_end() {
        for (written, closed_as) in [
            ("داعش", "داعش"),
            ("\u{202E}RLO", "\u{202E}RLO\u{202C}"),
            ("a\u{202B}b\u{202C}c", "a\u{202B}b\u{202C}c"),
            ("\u{2067}x\u{202A}y", "\u{2067}x\u{202A}y\u{202C}\u{2069}"),
            // The PDI closes the isolate and the embedding inside it.
            ("\u{2067}x\u{202A}y\u{2069}z", "\u{2067}x\u{202A}y\u{2069}z"),
            // A PDF does not close an isolate; a stray PDF or PDI closes nothing.
            ("\u{2068}x\u{202C}", "\u{2068}x\u{202C}\u{2069}"),
            ("\u{202C}\u{2069}x", "\u{202C}\u{2069}x"),
            ("\u{202D}a\u{202E}b", "\u{202D}a\u{202E}b\u{202C}\u{202C}"),
            // Marks are not embeddings.
            ("\u{200F}x\u{200E}", "\u{200F}x\u{200E}"),
        ] {
            assert_eq!(closed(written), closed_as, "{written:?}");
        }
    }

    #[test]
    fn first_strong_character_decides() {
        assert_eq!(first_strong("Reuters قالت"), Some(Dir::Ltr));
        assert_eq!(first_strong("قالت Reuters"), Some(Dir::Rtl));
        assert_eq!(first_strong("2254، UN"), Some(Dir::Ltr));
        assert_eq!(first_strong("«2025»"), None);
    }

    #[test]
    fn languages_map_to_directions() {
        assert_eq!(Dir::of_language("ar"), Dir::Rtl);
        assert_eq!(Dir::of_language("ar-SY"), Dir::Rtl);
        assert_eq!(Dir::of_language("fa"), Dir::Rtl);
        assert_eq!(Dir::of_language("en"), Dir::Ltr);
        assert_eq!(Dir::of_language("fr-MA"), Dir::Ltr);
    }

    #[test]
    fn isolation_wraps_other_direction_and_neutral_data_only() {
        assert_eq!(isolate_html("داعش", Dir::Rtl), "داعش");
        assert_eq!(isolate_html("Reuters", Dir::Rtl), "<bdi>Reuters</bdi>");
        assert_eq!(
            isolate_html("مجلس الأمن UN", Dir::Rtl),
            "<bdi>مجلس الأمن UN</bdi>"
        );
        assert_eq!(isolate_html("2254", Dir::Rtl), "<bdi>2254</bdi>");
        assert_eq!(isolate_html("Reuters", Dir::Ltr), "Reuters");
    }

    #[test]
    fn isolation_escapes_markup() {
        assert_eq!(
            isolate_html("<script>alert(1)</script>", Dir::Rtl),
            "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"
        );
        assert_eq!(
            isolate_html("\"داعش\" & 'co'", Dir::Rtl),
            "<bdi>&quot;داعش&quot; &amp; &#39;co&#39;</bdi>"
        );
    }

    #[test]
    fn plain_text_gets_a_mark_only_when_it_starts_in_the_other_direction() {
        assert_eq!(
            directed_plain_text("UN Security Council: جلسة طارئة", Dir::Rtl),
            "\u{200F}UN Security Council: جلسة طارئة"
        );
        assert_eq!(
            directed_plain_text("داعش والـ UN", Dir::Rtl),
            "داعش والـ UN"
        );
        assert_eq!(directed_plain_text("2025", Dir::Rtl), "2025");
    }
}
