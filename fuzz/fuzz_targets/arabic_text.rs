//! Any text through the language layer: slugs, normalisation, folding, words, stems and search
//! keys must never panic, slugs must be safe single path segments, and every search key of a word
//! must come from the word (or be a lexicon group key).
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
            assert!(
                k.starts_with('#') || w.contains(k.as_str()) || w.contains(&k["ال".len().min(k.len())..]),
                "{w:?}: {keys:?}"
            );
        }
    }
});
