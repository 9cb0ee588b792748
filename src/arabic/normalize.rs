//! Normalisation of Arabic (and Latin) text.
//!
//! [`normalize`] is the identity normalisation: two strings that differ only by Unicode composition,
//! tashkeel (harakat) or tatweel (kashida) are the same word for an editor ("الشَّرْع" = "الشرع",
//! "داعـــش" = "داعش"). Slugs and tag identity are built on it.
//!
//! [`fold`] goes further for matching (search, similarity): it also unifies the spelling variants
//! readers type interchangeably (أ/إ/آ/ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي), Arabic-Indic digits and
//! Latin case.

use unicode_normalization::UnicodeNormalization;

/// True for the Arabic diacritics that do not change a word's identity: the harakat and Quranic
/// marks U+064B–U+065F and the superscript alef U+0670.
pub fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// The tatweel (kashida), a purely typographic stretch.
pub const TATWEEL: char = '\u{0640}';

/// Characters that carry no visible text: bidi controls, zero-width joiners and the BOM.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}'
    )
}

/// Identity normalisation: NFC, without tashkeel, tatweel and invisible format characters.
pub fn normalize(text: &str) -> String {
    text.nfc()
        .filter(|&c| !is_tashkeel(c) && c != TATWEEL && !is_invisible_format(c))
        .collect()
}

/// Folds one (already normalised) character for matching; `None` drops it.
fn fold_char(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        'ؤ' => 'و',
        'ئ' => 'ي',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        _ => c,
    }
}

/// Matching normalisation: [`normalize`], then spelling variants unified and Latin lower-cased.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in normalize(text).chars() {
        let c = fold_char(c);
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits text into folded word tokens (letters and digits; everything else separates).
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || is_tashkeel(c) || c == TATWEEL))
        .filter(|w| !w.is_empty())
        .map(fold)
        .filter(|w| !w.is_empty())
}

/// Common Arabic function words (already folded), and a few English ones, that carry no topic.
const STOP_WORDS: &[&str] = &[
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
    STOP_WORDS.contains(&token)
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

/// True for a letter of the Arabic script.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tashkeel_and_tatweel_do_not_change_identity() {
        assert_eq!(normalize("الشَّرْع"), "الشرع");
        assert_eq!(normalize("داعـــش"), "داعش");
        assert_eq!(normalize("ٱلْعَرَبِيَّةُ"), "ٱلعربية");
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
    fn tokens_split_on_punctuation_and_fold() {
        let t: Vec<_> = tokens("داعش، في «سوريا»؟ UN-Council").collect();
        assert_eq!(t, ["داعش", "في", "سوريا", "un", "council"]);
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
