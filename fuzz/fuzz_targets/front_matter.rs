//! Any bytes as an article file: splitting the front-matter and parsing it (with and without a
//! site's own taxonomy keys) must never panic, and
//! every error must carry a position inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use warraq::content::front_matter::{parse, parse_with, split};

fuzz_target!(|data: &[u8]| {
    let shown = Path::new("content/fuzz.md");
    let file = match split(shown, data.to_vec()) {
        Ok(f) => f,
        Err(d) => {
            assert!(d.line >= 1);
            return;
        }
    };
    let lines = file.text.split('\n').count();
    // Plain, and with the keys of a site's own taxonomies read on their own.
    for result in [parse(shown, &file), parse_with(shown, &file, &["regions", "tags2"])] {
        if let Err(d) = result {
            assert!(d.line >= 1 && d.line <= lines.max(1), "line {} of {}", d.line, lines);
            let _ = d.render(false);
        }
    }
});
