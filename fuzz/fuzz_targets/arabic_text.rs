//! Any text through the language layer: slugs, normalisation, folding, words, stems and search
//! keys must never panic, slugs must be safe single path segments, and every search key of a word
//! must come from the word (or be a lexicon group key, or a part of it with a lost ending restored).
#![no_main]
use libfuzzer_sys::fuzz_target;
use warraq::arabic::normalize::{fold, light_stem, normalize, words};
use warraq::arabic::slug::{encode_fragment, encode_path, slugify};
use warraq::search::analysis::{loose_keys, Lexicon};

static LEXICON: std::sync::LazyLock<Lexicon> =
    std::sync::LazyLock::new(|| Lexicon::new(["فلسطين", "بيروت", "البادية السورية"], |_| true));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let slug = slugify(text);
    assert!(!slug.contains(['/', '\\', '\0']), "{slug:?}");
    assert!(slug != "." && slug != "..");
    assert_eq!(slugify(&slug), slug, "slugify is idempotent");
    let _ = encode_path(text);
    let _ = encode_fragment(text);
    let n = normalize(text);
    assert_eq!(normalize(&n), n, "normalize is idempotent");
    let folded = fold(text);
    for w in words(&folded) {
        let stem = light_stem(w);
        assert!(w.contains(stem));
        let keys = loose_keys(w, &LEXICON);
        assert_eq!(keys[0], w);
        for (i, k) in keys.iter().enumerate() {
            assert!(!k.is_empty(), "{w:?}: {keys:?}");
            assert!(!keys[..i].contains(k), "{w:?}: {keys:?}");
            // A key is part of the word, maybe with its article, or a lexicon group key, or a
            // part of the word with the ending that part had lost restored: a ة written ت
            // (قوته → قوه), the ت of ات, a plural's ن (مقاتلو → مقاتلون).
            let restored = ["ه", "ت", "ون", "ين"]
                .iter()
                .any(|e| k.strip_suffix(e).is_some_and(|part| !part.is_empty() && w.contains(part)));
            assert!(
                k.starts_with('#')
                    || w.contains(k.as_str())
                    || k.strip_prefix("ال").is_some_and(|rest| w.contains(rest))
                    || restored,
                "{w:?}: {keys:?}"
            );
        }
    }
});
