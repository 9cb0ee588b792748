//! What readers get on the pages themselves: feeds that work away from the site, footnotes and
//! headings that read right, ids that are unique, a favicon, and titles without stray marks.

mod common;

use common::*;

fn build(dir: &std::path::Path) -> std::path::PathBuf {
    let out = warraq(dir, &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir.join("public")
}

fn add(dir: &std::path::Path, rel: &str, text: &str) {
    let path = dir.join("content").join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const NOTES: &str = "---\ntitle: \"حواشٍ وعناوين\"\ndate: 2025-06-01\n---\n\
نص فيه حاشية[^1] وأخرى[^source].\n\n### Intro\n\n### مقدمة {#intro}\n\n##### تفصيل\n\n## fn-1\n\n\
[^1]: A footnote written in English.\n[^source]: حاشية عربية.\n";

#[test]
fn feed_entries_link_in_page_anchors_to_their_article() {
    let dir = site("good_site");
    add(dir.path(), "2025/notes.md", NOTES);
    let public = build(dir.path());
    for feed in ["feed.xml", "tags/داعش/feed.xml"] {
        let xml = read(public.join(feed));
        // Escaped HTML inside <content>: an in-page link would read href=&quot;#…
        assert!(
            !xml.contains("href=&quot;#"),
            "{feed} keeps an in-page link"
        );
    }
    let xml = read(public.join("feed.xml"));
    assert!(
        xml.contains("href=&quot;https://example.org/archive/2025/notes/#fn-1&quot;"),
        "footnote links name the article"
    );
}

#[test]
fn footnotes_get_their_direction_and_ids_never_collide() {
    let dir = site("good_site");
    add(dir.path(), "2025/notes.md", NOTES);
    let public = build(dir.path());
    let html = read(public.join("2025/notes/index.html"));
    assert!(
        html.contains("<div class=\"footnote-definition\" id=\"fn-1\" dir=\"ltr\">"),
        "{html}"
    );
    assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-source\">"));
    assert!(html.contains(
        "<sup class=\"footnote-reference\" id=\"fnref-1\"><a href=\"#fn-1\">1</a></sup>"
    ));
    // The explicit id keeps its name although an automatic one came first.
    assert!(html.contains("id=\"intro\">مقدمة"), "{html}");
    assert!(html.contains("id=\"intro-1\" dir=\"ltr\">Intro"), "{html}");
    // A heading named like a footnote does not take its id.
    assert!(html.contains("id=\"fn-1-1\""), "{html}");
    let check = warraq(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn heading_levels_never_skip_after_the_title() {
    let dir = site("good_site");
    add(dir.path(), "2025/notes.md", NOTES);
    let public = build(dir.path());
    let page = read(public.join("2025/notes/index.html"));
    let start = page.find("<article").unwrap();
    let html = &page[start..start + page[start..].find("</article>").unwrap()];
    let levels: Vec<u8> = html
        .match_indices("<h")
        .filter_map(|(i, _)| html[i + 2..].chars().next()?.to_digit(10))
        .map(|d| d as u8)
        .collect();
    // h1 (title), then ### ### ##### ## → h2 h2 h3 h2.
    assert_eq!(levels, [1, 2, 2, 3, 2], "{html}");
    let mut previous = 1;
    for l in levels {
        assert!(l <= previous + 1, "h{previous} → h{l} skips a level");
        previous = l;
    }
}

#[test]
fn explicit_heading_attributes_are_limited_to_id_and_class() {
    let dir = site("good_site");
    add(
        dir.path(),
        "2025/attrs.md",
        "---\ntitle: سمات\ndate: 2025-06-02\n---\n## عنوان {#x .y onclick=alert(1) style=color:red}\n",
    );
    let html = read(build(dir.path()).join("2025/attrs/index.html"));
    assert!(html.contains("<h2 id=\"x\" class=\"y\">"), "{html}");
    assert!(
        !html.contains("onclick") && !html.contains("color:red"),
        "{html}"
    );
}

#[test]
fn english_articles_carry_no_right_to_left_mark_and_their_feed_entry_says_its_language() {
    let dir = site("good_site");
    let public = build(dir.path());
    let html = read(public.join("2023/english/index.html"));
    assert!(html.contains("<title>A note in English — "), "{html}");
    assert!(html.contains("<meta property=\"og:title\" content=\"A note in English\">"));
    let feed = read(public.join("feed.xml"));
    assert!(feed.contains("<entry xml:lang=\"en\">"), "{feed}");
    assert!(feed.contains("<title>A note in English</title>"), "{feed}");
    // Arabic titles in an Arabic site still get no mark; an English-first one in Arabic does.
    assert!(!feed.contains("<title>\u{200F}A note"));
}

#[test]
fn every_page_has_a_favicon_and_a_site_can_replace_it() {
    let dir = site("good_site");
    let public = build(dir.path());
    assert!(public.join("favicon.ico").is_file());
    let home = read(public.join("index.html"));
    assert!(
        home.contains("<link rel=\"icon\" href=\"/archive/favicon.ico\""),
        "{home}"
    );
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    std::fs::write(dir.path().join("static/favicon.ico"), b"own icon").unwrap();
    let public = build(dir.path());
    assert_eq!(
        std::fs::read(public.join("favicon.ico")).unwrap(),
        b"own icon"
    );
}

#[test]
fn check_reports_duplicate_ids() {
    let dir = site("check_clean");
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = dir.path().join("public/a/index.html");
    let html = read(&page).replace("</main>", "<p id=\"dup\">1</p><p id=\"dup\">2</p></main>");
    std::fs::write(&page, html).unwrap();
    let out = warraq(dir.path(), &["check", "--site", "public"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("duplicate id: #dup"), "{err}");
}

#[test]
fn a_link_to_an_article_that_failed_to_load_is_not_a_second_error() {
    let dir = site("good_site");
    // isis-return links to sharaa.md? sharaa links to isis-return.md: break isis-return.
    let broken = dir.path().join("content/2025/isis-return.md");
    let text = read(&broken).replacen("tags:", "tgas:", 1);
    std::fs::write(&broken, text).unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("unknown key `tgas`"), "{err}");
    assert!(!err.contains("names no article"), "{err}");
    assert!(err.contains("1 problem found"), "{err}");
}
