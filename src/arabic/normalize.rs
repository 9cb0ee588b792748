//! Normalisation of Arabic (and Latin) text.
//!
//! [`normalize`] is the identity normalisation: two strings that differ only by Unicode composition,
//! tashkeel (harakat) or tatweel (kashida) are the same word for an editor ("الشَّرْع" = "الشرع",
//! "داعـــش" = "داعش"). Slugs and tag identity are built on it.
//!
//! [`fold`] goes further for matching (search, similarity): it also unifies the spelling variants
//! readers type interchangeably (أ/إ/آ/ٱ → ا, ى/ی → ي, ة → ه, the seated hamzas ؤ/ئ → ء so that
//! مسؤول = مسئول, Persian ک → ك), Arabic-Indic and Persian digits and Latin case.
//!
//! Both read Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFE: the shaped letters and
//! ligatures that text copied out of a PDF is often made of) as the letters they draw, by their
//! compatibility decomposition: "ﺩﺍﻋﺶ" is داعش and "ﻻ" is لا, for a tag's identity as for search.

use unicode_normalization::UnicodeNormalization;

/// True for the Arabic diacritics that do not change a word's identity: the harakat and Quranic
/// marks U+064B–U+065F and the superscript alef U+0670.
pub const fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// The tatweel (kashida), a purely typographic stretch.
pub const TATWEEL: char = '\u{0640}';

/// Characters that carry no visible text: bidi controls, zero-width joiners and the BOM.
pub const fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}'
    )
}

/// The invisible marks that only set a direction (LRM, RLM, ALM, the embeddings, overrides and
/// isolates) and the byte order mark: what a right-to-left editor adds around a value unseen.
/// Unlike the zero-width joiners, never part of a name.
pub const fn is_direction_mark(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// The Arabic presentation forms: contextual shapes and ligatures of letters that Unicode keeps
/// only for compatibility (U+FEFF, the byte order mark at the end of the second block, is not
/// one: it is an [invisible format character](is_invisible_format)).
pub const PRESENTATION_RANGES: &[(char, char)] =
    &[('\u{FB50}', '\u{FDFF}'), ('\u{FE70}', '\u{FEFE}')];

/// True for an Arabic [presentation form](PRESENTATION_RANGES).
pub const fn is_presentation_form(c: char) -> bool {
    matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFE}')
}

/// The letters a presentation form draws: its compatibility decomposition, composed ("ﻷ" → لأ;
/// the few forms without one, such as the ornate parentheses, stay as they are).
fn unshaped(c: char) -> impl Iterator<Item = char> {
    std::iter::once(c).nfkc()
}

/// `text` with every [presentation form](is_presentation_form) replaced by the letters it draws,
/// or `None` when it has none (nearly all text).
fn without_presentation_forms(text: &str) -> Option<String> {
    if !text.chars().any(is_presentation_form) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_presentation_form(c) {
            out.extend(unshaped(c));
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Identity normalisation: presentation forms read as their letters, NFC, without tashkeel,
/// tatweel and invisible format characters.
pub fn normalize(text: &str) -> String {
    let unshaped = without_presentation_forms(text);
    let text = unshaped.as_deref().unwrap_or(text);
    let keep = |c: &char| !is_tashkeel(*c) && *c != TATWEEL && !is_invisible_format(*c);
    // Nearly all text arrives composed; the quick check lets it skip the composition pass.
    let stripped: String = if unicode_normalization::is_nfc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        text.chars().filter(keep).collect()
    } else {
        text.nfc().filter(keep).collect()
    };
    // Composing first keeps ا + hamza as أ; but a removed mark may have stood between a letter
    // and a mark that compose with it (found by fuzzing: h, U+0656, U+0323), so compose again
    // when the result is not composed, and normalising twice changes nothing.
    if unicode_normalization::is_nfc_quick(stripped.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        stripped
    } else {
        stripped.nfc().filter(keep).collect()
    }
}

/// Folds one (already normalised) character for matching.
const fn fold_char(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' | 'ۀ' => 'ه',
        // The hamza carriers: مسؤول and مسئول are one word, and ؤ → و with ئ → ي alone would keep
        // them apart (مسوول, مسيول). Every seated hamza becomes the bare hamza.
        'ؤ' | 'ئ' => 'ء',
        'ک' => 'ك',
        '٠'..='٩' | '۰'..='۹' => latin_digit(c),
        _ => c,
    }
}

/// An Arabic-Indic (٠–٩) or Persian (۰–۹) digit as the Latin digit; any other character as is.
pub const fn latin_digit(c: char) -> char {
    match c {
        '٠'..='٩' => (b'0' + (c as u32 - '٠' as u32) as u8) as char,
        '۰'..='۹' => (b'0' + (c as u32 - '۰' as u32) as u8) as char,
        _ => c,
    }
}

/// A value meant for a machine (a date, a number) as an editor who writes right to left may
/// type it: without the invisible direction marks their editors add around it, and with Latin
/// digits for Arabic-Indic and Persian ones (`٢٠٢٥-٠٤-٢٨` is the date it shows).
pub fn machine_form(text: &str) -> std::borrow::Cow<'_, str> {
    if text.is_ascii() {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .filter(|&c| !is_invisible_format(c))
            .map(latin_digit)
            .collect(),
    )
}

/// [`fold_char`] as data, for the search script (which must fold exactly as the index did):
/// every character it changes, with what it becomes. A test proves the two agree.
pub const FOLD_TABLE: &[(char, char)] = &[
    ('أ', 'ا'),
    ('إ', 'ا'),
    ('آ', 'ا'),
    ('ٱ', 'ا'),
    ('ى', 'ي'),
    ('ی', 'ي'),
    ('ة', 'ه'),
    ('ۀ', 'ه'),
    ('ؤ', 'ء'),
    ('ئ', 'ء'),
    ('ک', 'ك'),
    ('٠', '0'),
    ('١', '1'),
    ('٢', '2'),
    ('٣', '3'),
    ('٤', '4'),
    ('٥', '5'),
    ('٦', '6'),
    ('٧', '7'),
    ('٨', '8'),
    ('٩', '9'),
    ('۰', '0'),
    ('۱', '1'),
    ('۲', '2'),
    ('۳', '3'),
    ('۴', '4'),
    ('۵', '5'),
    ('۶', '6'),
    ('۷', '7'),
    ('۸', '8'),
    ('۹', '9'),
];

/// The characters [`fold`] drops, as inclusive ranges: tashkeel, tatweel and the
/// [invisible format characters](is_invisible_format). A test proves the ranges agree.
pub const DROPPED_RANGES: &[(char, char)] = &[
    ('\u{064B}', '\u{065F}'),
    ('\u{0670}', '\u{0670}'),
    ('\u{0640}', '\u{0640}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{061C}', '\u{061C}'),
];

/// [`is_word_char`] as data, for the search script: characters in `WORD_RANGES` are word
/// characters, those in `NON_WORD_RANGES` are not, ASCII is letters and digits only, and
/// everything else is a word character when it is alphanumeric or in [`WORD_MARK_RANGES`].
pub const WORD_RANGES: &[(char, char)] = &[
    ('\u{0621}', '\u{063A}'),
    ('\u{0641}', '\u{064A}'),
    ('\u{0660}', '\u{0669}'),
    ('\u{066E}', '\u{06D3}'),
];
/// Marks that belong to the word they sit on (tashkeel, tatweel); see [`WORD_RANGES`].
pub const WORD_MARK_RANGES: &[(char, char)] = &[
    ('\u{064B}', '\u{065F}'),
    ('\u{0670}', '\u{0670}'),
    ('\u{0640}', '\u{0640}'),
];
/// See [`WORD_RANGES`].
pub const NON_WORD_RANGES: &[(char, char)] = &[
    ('\u{060C}', '\u{060C}'),
    ('\u{061B}', '\u{061B}'),
    ('\u{061F}', '\u{061F}'),
    ('\u{066A}', '\u{066D}'),
    ('\u{06D4}', '\u{06D4}'),
    ('\u{00A0}', '\u{00A0}'),
    ('\u{2000}', '\u{206F}'),
];

/// What [`fold`] makes of each character of the Arabic block U+0600–U+06FF (`None`: dropped),
/// worked out once, when warraq is compiled, from the same rules as every other character.
const ARABIC_FOLDED: [Option<char>; 256] = {
    let mut table = [None; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(c) = char::from_u32(0x600 + i as u32) {
            if !(is_tashkeel(c) || c as u32 == TATWEEL as u32 || is_invisible_format(c)) {
                // The block has no case: nothing to lower.
                table[i] = Some(fold_char(c));
            }
        }
        i += 1;
    }
    table
};

/// Matching normalisation: [`normalize`], then spelling variants unified and Latin lower-cased.
/// One pass over the text (the composition pass is skipped when the text is already NFC).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// [`fold`], appended to `out` (the search analysis folds an article's fields one after the
/// other into one text, without a copy of each).
pub fn fold_into(out: &mut String, text: &str) {
    let from = out.len();
    out.reserve(text.len());
    if fold_surely_nfc(text, out) {
        return;
    }
    out.truncate(from);
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        text.chars().for_each(|c| push_folded(out, c));
    } else {
        text.nfc().for_each(|c| push_folded(out, c));
    }
}

/// [`fold`]'s fast path, byte by byte: ASCII and the two-byte Arabic block (lead bytes D8–DB)
/// are decided without decoding into chars, which is most of every archive's text. Gives up
/// (false, `out` half written) at the first character composition could change as far as fold
/// sees it: one that is not a [`surely_nfc_char`].
fn fold_surely_nfc(text: &str, out: &mut String) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            let mut run = i + 1;
            while run < bytes.len() && bytes[run] < 0x80 {
                run += 1;
            }
            let from = out.len();
            out.push_str(&text[i..run]);
            out[from..].make_ascii_lowercase();
            i = run;
        } else if (0xD8..=0xDB).contains(&b) {
            let c = (usize::from(b & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F);
            if (0x653..=0x655).contains(&c) {
                return false;
            }
            if let Some(folded) = ARABIC_FOLDED[c - 0x600] {
                out.push(folded);
            }
            i += 2;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !surely_nfc_char(c) {
                return false;
            }
            push_folded(out, c);
            i += c.len_utf8();
        }
    }
    true
}

/// One character as [`fold`] writes it.
fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if is_tashkeel(c) || c == TATWEEL || is_invisible_format(c) {
        return;
    }
    if is_presentation_form(c) {
        // A form without a decomposition gives itself back, and is kept as it is; no
        // decomposition holds another form, so the recursion is one level deep.
        for d in unshaped(c) {
            if is_presentation_form(d) {
                out.push(d);
            } else {
                push_folded(out, d);
            }
        }
        return;
    }
    let c = fold_char(c);
    // The Arabic block has no case: skip the Unicode table walk for it.
    if ('\u{0600}'..='\u{06FF}').contains(&c) || !c.is_uppercase() {
        out.push(c);
    } else {
        out.extend(c.to_lowercase());
    }
}

/// A fast test for characters that composition cannot change *as far as [`fold`] sees it*:
/// characters below the combining marks (U+0300), general punctuation, and the Arabic block
/// except the three marks that compose with a letter before them (maddah, hamza above and
/// below). Marks of the Arabic block may still be out of canonical order, but fold drops them all.
fn surely_nfc_char(c: char) -> bool {
    (c as u32) < 0x300
        || ('\u{0600}'..='\u{06FF}').contains(&c) && !('\u{0653}'..='\u{0655}').contains(&c)
        || ('\u{2000}'..='\u{206F}').contains(&c)
}

/// Text made only of [`surely_nfc_char`]s.
#[cfg(test)]
fn surely_nfc(text: &str) -> bool {
    text.chars().all(surely_nfc_char)
}

/// True for characters that belong to a word (letters, digits, and the marks normalisation drops).
/// ASCII and the Arabic block are decided by ranges: `char::is_alphanumeric` walks Unicode
/// tables for every non-ASCII character, and Arabic bodies are made of nothing else.
pub fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '\0'..='\x7f' => false,
        '\u{0621}'..='\u{063A}'
        | '\u{0641}'..='\u{064A}'
        | '\u{0660}'..='\u{0669}'
        | '\u{066E}'..='\u{06D3}' => true,
        '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{06D4}' => false,
        '\u{00A0}' | '\u{2000}'..='\u{206F}' => false,
        _ => is_alphanumeric(c) || is_tashkeel(c) || c == TATWEEL,
    }
}

/// `char::is_alphanumeric`, [tabled](super::Tabled): slugs (titles, tags, heading ids) are made
/// of Arabic letters.
pub fn is_alphanumeric(c: char) -> bool {
    static ALPHANUMERIC: super::Tabled<bool> = super::Tabled::new(char::is_alphanumeric);
    ALPHANUMERIC.get(c)
}

/// [`is_word_char`] of the character starting at byte `i` of `text` (a character boundary), and
/// its length in bytes. One- and two-byte characters (ASCII, Arabic) come from a table without
/// decoding: words are split and counted in every article's whole text.
#[inline]
fn word_char_at(text: &str, i: usize, table: &[bool]) -> (bool, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        return (table[usize::from(b)], 1);
    }
    if b < 0xE0 {
        // A two-byte character (the text is UTF-8): U+0080–U+07FF, all in the table.
        let c = (usize::from(b & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F);
        return (table[c], 2);
    }
    let c = text[i..].chars().next().unwrap_or(' ');
    (is_word_char(c), c.len_utf8())
}

/// The table [`word_char_at`] reads: [`is_word_char`] of the first [`TABLED`](super::TABLED)
/// code points.
fn word_chars() -> &'static [bool] {
    static WORD: super::Tabled<bool> = super::Tabled::new(is_word_char);
    WORD.table()
}

/// The words of already-folded text, as slices.
pub fn words(folded: &str) -> Words<'_> {
    Words {
        text: folded,
        at: 0,
        table: word_chars(),
    }
}

/// The iterator [`words`] returns.
pub struct Words<'a> {
    text: &'a str,
    at: usize,
    table: &'static [bool],
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let len = self.text.len();
        while self.at < len {
            let (word, n) = word_char_at(self.text, self.at, self.table);
            if word {
                break;
            }
            self.at += n;
        }
        if self.at >= len {
            return None;
        }
        let start = self.at;
        while self.at < len {
            let (word, n) = word_char_at(self.text, self.at, self.table);
            if !word {
                break;
            }
            self.at += n;
        }
        Some(&self.text[start..self.at])
    }
}

/// Counts words without normalising (for reading time).
pub fn word_count(text: &str) -> usize {
    words(text).count()
}

/// Common Arabic function words (already folded), and a few English ones, that carry no topic.
pub const STOP_WORDS: &[&str] = &[
    "في",
    "من",
    "على",
    "الي",
    "الى",
    "عن",
    "مع",
    "او",
    "ان",
    "انه",
    "انها",
    "ما",
    "لا",
    "لم",
    "لن",
    "قد",
    "كان",
    "كانت",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "التي",
    "الذي",
    "الذين",
    "هو",
    "هي",
    "هم",
    "بين",
    "بعد",
    "قبل",
    "حتي",
    "اذا",
    "اذ",
    "ثم",
    "كما",
    "لكن",
    "كل",
    "بعض",
    "غير",
    "عند",
    "منذ",
    "ايضا",
    "به",
    "بها",
    "له",
    "لها",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "عليه",
    "عليها",
    "وقد",
    "وفي",
    "ومن",
    "وهو",
    "وهي",
    "التي",
    "يكون",
    "تكون",
    "حيث",
    "خلال",
    "ضد",
    "عبر",
    "نحو",
    "الا",
    "اما",
    "اي",
    "ولا",
    "فقد",
    "وان",
    "لان",
    "بان",
    "يمكن",
    "اكثر",
    "اخري",
    "اخر",
    "the",
    "a",
    "an",
    "of",
    "and",
    "or",
    "to",
    "in",
    "on",
    "for",
    "is",
    "are",
    "was",
    "by",
    "with",
    "as",
    "at",
    "it",
    "this",
    "that",
    "from",
    "be",
];

/// True for a folded token that is a stop word.
pub fn is_stop_word(token: &str) -> bool {
    static SET: std::sync::LazyLock<ahash::AHashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(token)
}

/// A light stemmer for folded Arabic tokens: strips the common proclitics (و، ف، ب، ك، ل + ال)
/// and a few inflectional suffixes, never leaving fewer than three letters. Latin tokens are
/// returned unchanged. Light stemming (in the spirit of Larkey's light10) is enough to match
/// "السوري", "سوريا" is left alone, and "والتنظيم" → "تنظيم".
pub fn light_stem(token: &str) -> &str {
    if !token.chars().next().is_some_and(is_arabic_letter) {
        return token;
    }
    let mut word = token;
    for prefix in ["وال", "بال", "كال", "فال", "لل", "ال"] {
        if let Some(rest) = word.strip_prefix(prefix) {
            if rest.chars().count() >= 3 {
                word = rest;
                break;
            }
        }
    }
    if word.chars().count() > 3 {
        if let Some(rest) = word.strip_prefix('و') {
            if rest.chars().count() >= 3 {
                word = rest;
            }
        }
    }
    for suffix in ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"] {
        if let Some(rest) = word.strip_suffix(suffix) {
            if rest.chars().count() >= 3 {
                return rest;
            }
        }
    }
    word
}

/// The Arabic-script blocks of [`is_arabic_letter`], for the search script (a test proves they
/// agree).
pub const ARABIC_RANGES: &[(char, char)] = &[
    ('\u{0600}', '\u{06FF}'),
    ('\u{0750}', '\u{077F}'),
    ('\u{08A0}', '\u{08FF}'),
    ('\u{FB50}', '\u{FDFF}'),
    ('\u{FE70}', '\u{FEFF}'),
];

/// True for a letter of the Arabic script (asked of every word the stemmer sees).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && is_alphabetic(c)
}

/// `char::is_alphabetic`, [tabled](super::Tabled): std searched Unicode's tables for the first
/// letter of every word of every article (2 % of a build).
pub fn is_alphabetic(c: char) -> bool {
    static ALPHABETIC: super::Tabled<bool> = super::Tabled::new(char::is_alphabetic);
    ALPHABETIC.get(c)
}

/// Whether a character has no place in text a reader or a feed reader gets: C0 controls other
/// than tab, newline and carriage return, DEL, C1 controls, and the noncharacters U+FFFE/U+FFFF
/// (none is allowed in XML 1.0 documents; browsers show them as boxes or nothing).
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// A fast byte scan (texts almost never hold one): bytes below 0x20 other than tab, newline and
/// CR, 0x7F, 0xC2 0x80–0x9F (C1) and 0xEF 0xBF 0xBE/0xBF (U+FFFE/U+FFFF). Blocks of 64 bytes
/// are first asked, without a branch per byte, whether they hold a byte that could start one.
fn may_hold_controls(b: &[u8]) -> bool {
    let suspect = |x: u8| {
        (x < 0x20 && x != b'\t' && x != b'\n' && x != b'\r')
            | (x == 0x7F)
            | (x == 0xC2)
            | (x == 0xEF)
    };
    let control_at = |i: usize| {
        let x = b[i];
        (x < 0x20 && !matches!(x, b'\t' | b'\n' | b'\r'))
            || x == 0x7F
            || (x == 0xC2 && b.get(i + 1).is_some_and(|&y| (0x80..=0x9F).contains(&y)))
            || (x == 0xEF
                && b.get(i + 1) == Some(&0xBF)
                && matches!(b.get(i + 2), Some(0xBE | 0xBF)))
    };
    const BLOCK: usize = 64;
    (0..b.len()).step_by(BLOCK).any(|start| {
        let block = &b[start..b.len().min(start + BLOCK)];
        block.iter().fold(false, |any, &x| any | suspect(x))
            && (start..start + block.len()).any(control_at)
    })
}

/// Text with every [forbidden control](is_forbidden_control) replaced by spaces of the same
/// byte length, so byte offsets into it stay those of the original.
pub fn blank_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_controls(text.as_bytes()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_forbidden_control(c) {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text with every [forbidden control](is_forbidden_control) removed (for rendered output).
pub fn strip_controls(text: String) -> String {
    match without_controls(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(stripped) => stripped,
    }
}

/// [`strip_controls`] of borrowed text: borrowed back when it holds none.
pub fn without_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if may_hold_controls(text.as_bytes()) {
        std::borrow::Cow::Owned(text.chars().filter(|&c| !is_forbidden_control(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arabic_table_folds_as_the_rules_do() {
        for u in 0x600..0x700 {
            let Some(c) = char::from_u32(u) else { continue };
            let mut by_rules = String::new();
            if !(is_tashkeel(c) || c == TATWEEL || is_invisible_format(c)) {
                by_rules.push(fold_char(c));
            }
            // Between letters that keep the text composed, so the table's path is taken.
            let text = format!("ب{c}ب");
            if surely_nfc(&text) {
                assert_eq!(fold(&text), format!("ب{by_rules}ب"), "U+{u:04X}");
            }
        }
        assert_eq!(fold("ABC مسؤول ٣"), "abc مسءول 3");
    }

    #[test]
    fn tashkeel_and_tatweel_do_not_change_identity() {
        assert_eq!(normalize("الشَّرْع"), "الشرع");
        assert_eq!(normalize("داعـــش"), "داعش");
        assert_eq!(normalize("ٱلْعَرَبِيَّةُ"), "ٱلعربية");
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        // Found by fuzzing: a removed mark between a letter and a mark that composes with it.
        let text = "h\u{656}\u{323}x";
        assert_eq!(normalize(text), "\u{1E25}x");
        assert_eq!(normalize(&normalize(text)), normalize(text));
        assert_eq!(normalize("ا\u{654}"), "أ", "hamza above still composes");
    }

    #[test]
    fn controls_are_blanked_in_place_or_stripped() {
        let text = "أ\u{1b}ب\u{0}c\u{85}d\u{FFFF}\te\n";
        let blanked = blank_controls(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "أ ب c  d   \te\n");
        assert_eq!(strip_controls(text.to_string()), "أبcd\te\n");
        assert_eq!(without_controls(text), "أبcd\te\n");
        assert!(matches!(
            without_controls("نص\tو\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            blank_controls("نص"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn normalize_composes_to_nfc() {
        // alef + combining hamza above (U+0654) composes to أ (U+0623)
        assert_eq!(normalize("\u{0627}\u{0654}حمد"), "أحمد");
    }

    #[test]
    fn normalize_drops_invisible_bidi_controls() {
        assert_eq!(normalize("\u{200F}سوريا\u{200E}"), "سوريا");
    }

    #[test]
    fn fold_unifies_spelling_variants_readers_type() {
        assert_eq!(fold("أحمد"), fold("احمد"));
        assert_eq!(fold("إسلام"), "اسلام");
        assert_eq!(fold("مستشفى"), fold("مستشفي"));
        assert_eq!(fold("مدرسة"), "مدرسه");
        assert_eq!(fold("Reuters ٢٠٢٥"), "reuters 2025");
    }

    #[test]
    fn fold_unifies_hamza_carriers_and_persian_letters() {
        assert_eq!(fold("مسؤول"), fold("مسئول"));
        assert_eq!(fold("شؤون"), fold("شئون"));
        assert_eq!(fold("کتاب"), fold("كتاب"));
        assert_eq!(fold("ایران"), fold("ايران"));
        assert_eq!(fold("۲۰۲۵"), "2025");
    }

    #[test]
    fn presentation_forms_read_as_the_letters_they_draw() {
        // داعش and البادية as a PDF's text layer gives them, shaped glyph by glyph, with the
        // lam-alef ligatures (ﻻ, ﻷ) and a seated hamza in its initial form (ﺋ).
        assert_eq!(fold("ﺩﺍﻋﺶ"), fold("داعش"));
        assert_eq!(fold("ﺍﻟﺒﺎﺩﻳﺔ"), fold("البادية"));
        assert_eq!(fold("ﻻ"), "لا");
        assert_eq!(fold("ﻷﻥ"), fold("لأن"));
        assert_eq!(fold("ﺭﺋﻴﺲ"), fold("رئيس"));
        assert_eq!(fold("ﷲ"), fold("الله"));
        // A tag copied from a PDF is the tag typed by hand: one slug, one page.
        assert_eq!(normalize("ﺩﺍﻋﺶ"), "داعش");
        assert_eq!(normalize("ﻷﻥ"), "لأن");
        // Forms without a decomposition stay, and neither function changes its own output.
        assert_eq!(fold("\u{FD3E}"), "\u{FD3E}");
        for c in PRESENTATION_RANGES
            .iter()
            .flat_map(|&(a, b)| a..=b)
            .chain(['\u{FEFF}', 'ا'])
        {
            let text = format!("ب{c}\u{654}ت");
            assert_eq!(fold(&fold(&text)), fold(&text), "U+{:04X}", c as u32);
            assert_eq!(
                normalize(&normalize(&text)),
                normalize(&text),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn the_exported_tables_are_the_functions() {
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            let mapped = FOLD_TABLE.iter().find(|(from, _)| *from == c).map(|p| p.1);
            assert_eq!(fold_char(c), mapped.unwrap_or(c), "U+{:04X}", c as u32);
            let dropped = DROPPED_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c));
            assert_eq!(
                dropped,
                is_tashkeel(c) || c == TATWEEL || is_invisible_format(c),
                "U+{:04X}",
                c as u32
            );
            let by_table = if c.is_ascii() {
                c.is_ascii_alphanumeric()
            } else if WORD_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c)) {
                true
            } else if NON_WORD_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c)) {
                false
            } else {
                c.is_alphanumeric() || WORD_MARK_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c))
            };
            assert_eq!(is_word_char(c), by_table, "U+{:04X}", c as u32);
            let shaped = PRESENTATION_RANGES
                .iter()
                .any(|&(a, b)| (a..=b).contains(&c));
            assert_eq!(is_presentation_form(c), shaped, "U+{:04X}", c as u32);
            let arabic =
                ARABIC_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c)) && c.is_alphabetic();
            assert_eq!(is_arabic_letter(c), arabic, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_fast_path_folds_as_composition_would() {
        // Marks out of canonical order, a composing hamza, Latin with a combining accent.
        for text in [
            "الشَّرْع",
            "الشْرَّع",
            "ا\u{654}حمد",
            "e\u{301}té",
            "ئ\u{64b}\u{654}",
            "Ǆ Σ İ",
        ] {
            let slow: String = text.nfc().collect::<String>();
            assert_eq!(fold(text), fold(&slow), "{text:?}");
        }
    }

    #[test]
    fn tokens_split_on_punctuation_and_fold() {
        let folded = fold("داعش، في «سوريا»؟ UN-Council");
        let t: Vec<&str> = words(&folded).collect();
        assert_eq!(t, ["داعش", "في", "سوريا", "un", "council"]);
    }

    #[test]
    fn word_chars_fast_path_agrees_with_unicode() {
        for c in ('\u{0600}'..='\u{06FF}')
            .chain(' '..='~')
            .chain('\u{2000}'..='\u{206F}')
        {
            let slow = c.is_alphanumeric() || is_tashkeel(c) || c == TATWEEL;
            assert_eq!(is_word_char(c), slow, "U+{:04X}", c as u32);
        }
    }

    /// Strings made of pieces that exercise every path of the byte-level scans: ASCII, the
    /// Arabic block, other two-byte letters and marks, three- and four-byte characters, controls,
    /// at every offset around the 64-byte blocks of [`may_hold_controls`].
    fn mixed_texts() -> Vec<String> {
        let pieces = [
            "a", "Z", "9", " ", "\n", "\t", "-", "«", "»", "\u{a0}", "ب", "ة", "ً", "ـ", "،", "٣",
            "۴", "é", "Σ", "ж", "א", "ܐ", "—", "\u{200c}", "中", "😀", "\u{1}", "\u{7f}", "\u{85}",
            "\u{9f}", "\u{fffe}", "\u{ffff}", "\u{fffd}", "\u{fb50}", "ي", "\u{653}", "\u{654}",
            "\u{655}", "\u{301}",
        ];
        // A different mix and order of the pieces for each length.
        let texts_of_len = |len: usize| -> String {
            (0..len)
                .map(|k| pieces[(len * 31 + k * k * 7 + k) % pieces.len()])
                .collect()
        };
        let mut texts: Vec<String> = (0..200).map(texts_of_len).collect();
        for at in 55..75 {
            for control in ["\u{85}", "\u{ffff}", "\u{1}", "\u{7f}"] {
                texts.push(format!(
                    "{}{control}ب",
                    "ب".repeat(at / 2) + &"a".repeat(at % 2)
                ));
            }
            texts.push(format!("{}«ب", "a".repeat(at)));
        }
        // Marks that compose with the letter before them, in otherwise Arabic text.
        for mark in ["\u{653}", "\u{654}", "\u{655}"] {
            for letter in ["ا", "و", "ي", "ه"] {
                texts.push(format!("ب{letter}{mark}ب"));
            }
        }
        texts
    }

    #[test]
    fn byte_level_scans_agree_with_char_by_char_ones() {
        for t in mixed_texts() {
            let by_chars: Vec<&str> = t
                .split(|c: char| !is_word_char(c))
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(words(&t).collect::<Vec<_>>(), by_chars, "{t:?}");
            assert_eq!(word_count(&t), by_chars.len(), "{t:?}");
            let control = t.chars().any(is_forbidden_control);
            assert_eq!(may_hold_controls(t.as_bytes()), control, "{t:?}");
            if control {
                assert!(matches!(blank_controls(&t), std::borrow::Cow::Owned(_)));
            }
            let slow: String = t.nfc().collect();
            let mut by_chars = String::new();
            slow.chars().for_each(|c| push_folded(&mut by_chars, c));
            assert_eq!(fold(&t), by_chars, "{t:?}");
        }
    }

    #[test]
    fn word_count_counts_words_with_tashkeel_as_one() {
        assert_eq!(word_count("الشَّرْع، في سوريا — 2025!"), 4);
    }

    #[test]
    fn light_stem_strips_clitics_but_keeps_short_roots() {
        assert_eq!(light_stem("والتنظيم"), "تنظيم");
        assert_eq!(light_stem("التنظيم"), "تنظيم");
        assert_eq!(light_stem("المجموعات"), "مجموع");
        assert_eq!(light_stem("دمشق"), "دمشق");
        assert_eq!(light_stem("ال"), "ال");
        assert_eq!(light_stem("reuters"), "reuters");
    }

    #[test]
    fn stop_words_are_recognised_after_folding() {
        assert!(is_stop_word(&fold("إلى")));
        assert!(is_stop_word("في"));
        assert!(!is_stop_word("داعش"));
    }
}
