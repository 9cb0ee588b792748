//! Any text through the language layer: slugs, normalisation, folding, words and stems must never
//! panic, and slugs must be safe single path segments.
#![no_main]
use libfuzzer_sys::fuzz_target;
use warraq::arabic::normalize::{fold, light_stem, normalize, words};
use warraq::arabic::slug::{encode_fragment, encode_path, slugify};

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
    }
});
