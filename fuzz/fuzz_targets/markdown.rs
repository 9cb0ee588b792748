//! Any text as an article body: rendering with the bidi, anchor and link layers must never
//! panic, problems must point inside the body, no unsafe URL scheme may reach an href, and no
//! character reference may put a control character into the page.
#![no_main]
use libfuzzer_sys::fuzz_target;
use warraq::arabic::bidi::Dir;
use warraq::arabic::normalize::is_forbidden_control;
use warraq::content::markdown::{render, Resolved};
use warraq::check::scan::scan;
use warraq::content::raw_html::HtmlPolicy;
use warraq::url::{classify, LinkKind};

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    for dir in [Dir::Rtl, Dir::Ltr] {
        let resolve = |dest: &str| -> Result<Resolved, (String, Option<String>)> {
            if dest.ends_with(".md") {
                Ok(Resolved { href: Some(format!("/x/{}/", dest.len())), target: Some(dest.len() % 3) })
            } else if dest.starts_with("/missing") {
                Err(("missing".into(), None))
            } else {
                Ok(Resolved::default())
            }
        };
        let out = render(body, dir, &resolve, &HtmlPolicy::default());
        for p in &out.problems {
            assert!(p.offset <= body.len());
        }
        // No link or source in the page uses a script scheme (read with check's HTML scanner,
        // so text that merely looks like an attribute does not count).
        for link in scan(out.html.as_bytes(), false).links {
            assert!(
                !matches!(classify(&link.url), LinkKind::Unsafe(_)),
                "{}: {}",
                link.url,
                out.html
            );
        }
        // Control characters come only from the text (blanked before a build renders it): a
        // character reference that decodes to one (`&#1;`) reaches neither the page nor its text.
        if !body.chars().any(is_forbidden_control) {
            for (what, text) in [("html", &out.html), ("text", &out.text)] {
                assert!(!text.chars().any(is_forbidden_control), "{what}: {text:?}");
            }
        }
        // With the default policy, whatever the body holds, no script element survives.
        if out.problems.is_empty() {
            assert!(!out.html.to_ascii_lowercase().contains("<script"), "{}", out.html);
        }
    }
});
