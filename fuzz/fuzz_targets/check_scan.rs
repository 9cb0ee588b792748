//! Any bytes as a built page: `check`'s scan must never panic, and resolving every link it finds
//! against a base URL must stay total.
#![no_main]
use libfuzzer_sys::fuzz_target;
use warraq::check::{normalize_path, scan::scan};
use warraq::url::{self, BaseUrl};

fuzz_target!(|data: &[u8]| {
    let bases = [
        BaseUrl::parse("/").unwrap(),
        BaseUrl::parse("https://example.org/archive/").unwrap(),
    ];
    for xml in [false, true] {
        let found = scan(data, xml);
        for link in &found.links {
            for base in &bases {
                if let Some(local) = base.local_part(&link.url) {
                    let parts = url::split(local);
                    let decoded = url::decode(parts.path);
                    let _ = base.strip(&decoded);
                    let _ = normalize_path("2025/x/index.html", &decoded);
                }
            }
            let _ = url::classify(&link.url);
            let _ = url::domain(&link.url);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = BaseUrl::parse(text);
    }
});
