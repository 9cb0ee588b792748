//! The archive's indexes end to end: similar articles, tag pagination at its boundaries, the
//! date archive, and feeds that a real Atom parser accepts.

mod common;

use std::path::Path;

use common::*;

/// The hrefs of a list section (`id="similar"`) of a built article page.
fn section_links(html: &str, id: &str) -> Vec<String> {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    html[start..end]
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn similar_articles_are_the_obvious_neighbours() {
    let dir = site("similar_topics");
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = dir.path().join("public");
    for (page, neighbours) in [
        ("baghouz-1", ["/baghouz-2/", "/baghouz-3/"]),
        ("baghouz-3", ["/baghouz-2/", "/baghouz-1/"]),
        ("months-1", ["/months-2/", "/months-3/"]),
    ] {
        let html = read(public.join(page).join("index.html"));
        let mut similar = section_links(&html, "similar");
        similar.sort();
        let mut expected: Vec<String> = neighbours.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(similar, expected, "{page}");
    }
}

#[test]
fn similar_excludes_declared_and_backlinked_articles() {
    let dir = site("similar_topics");
    let p = dir.path().join("content/baghouz-1.md");
    let text = read(&p).replacen("tags:", "related:\n  - baghouz-2\ntags:", 1);
    std::fs::write(&p, text).unwrap();
    assert!(warraq(dir.path(), &["build"]).status.success());
    let html = read(dir.path().join("public/baghouz-1/index.html"));
    assert_eq!(section_links(&html, "related"), ["/baghouz-2/"]);
    assert!(!section_links(&html, "similar").contains(&"/baghouz-2/".to_string()));
    let back = read(dir.path().join("public/baghouz-2/index.html"));
    assert_eq!(section_links(&back, "backlinks"), ["/baghouz-1/"]);
    assert!(!section_links(&back, "similar").contains(&"/baghouz-1/".to_string()));
}

/// Writes `n` articles tagged `tag` into a site with per_page 3.
fn site_with(dir: &Path, counts: &[(&str, usize)]) {
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(dir.join("site.yaml"), "per_page: 3\n").unwrap();
    for (tag, n) in counts {
        for i in 0..*n {
            let text = format!(
                "---\ntitle: \"{tag} {i}\"\ndate: 2025-01-{:02}\ntags: [{tag}]\n---\nنص.\n",
                i + 1
            );
            std::fs::write(dir.join("content").join(format!("{tag}-{i}.md")), text).unwrap();
        }
    }
}

#[test]
fn empty_site_has_a_home_page_and_no_second_page() {
    let dir = tempfile::tempdir().unwrap();
    site_with(dir.path(), &[]);
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = read(dir.path().join("public/index.html"));
    assert!(home.contains("لا مقالات بعد"));
    assert!(!dir.path().join("public/page").exists());
    assert!(!home.contains("class=\"pagination\""));
}

#[test]
fn tag_pages_paginate_at_the_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    // per_page is 3: tags with 1, 3 and 4 articles; the home page has 8.
    site_with(dir.path(), &[("واحد", 1), ("ثلاثة", 3), ("أربعة", 4)]);
    assert!(warraq(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    let cards = |p: &Path| read(p).matches("class=\"card\"").count();
    assert_eq!(cards(&public.join("tags/واحد/index.html")), 1);
    assert!(!public.join("tags/واحد/page").exists());
    assert_eq!(cards(&public.join("tags/ثلاثة/index.html")), 3);
    assert!(
        !public.join("tags/ثلاثة/page").exists(),
        "exactly per_page items fit on one page"
    );
    assert_eq!(cards(&public.join("tags/أربعة/index.html")), 3);
    assert_eq!(cards(&public.join("tags/أربعة/page/2/index.html")), 1);
    assert!(!public.join("tags/أربعة/page/3").exists());
    let second = read(public.join("tags/أربعة/page/2/index.html"));
    assert!(
        second.contains("rel=\"prev\" href=\"/tags/%D8%A3%D8%B1%D8%A8%D8%B9%D8%A9/\""),
        "{second}"
    );
    assert!(!second.contains("rel=\"next\""));
    // newest first on tag pages
    let first = read(public.join("tags/أربعة/index.html"));
    assert!(first.find("أربعة 3").unwrap() < first.find("أربعة 2").unwrap());
    // home: 8 articles → 3 pages of 3, 3, 2
    assert_eq!(cards(&public.join("page/3/index.html")), 2);
    assert!(!public.join("page/4").exists());
    // tag index: by count, then name
    let tags = read(public.join("tags/index.html"));
    let (four, three, one) = (
        tags.find("أربعة").unwrap(),
        tags.find("ثلاثة").unwrap(),
        tags.find("واحد").unwrap(),
    );
    assert!(four < three && three < one, "tags sorted by count");
    assert!(
        warraq(dir.path(), &["check"]).status.success(),
        "every pagination link resolves"
    );
}

#[test]
fn date_archive_groups_by_year_and_month() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    let page = read(public.join("archive/index.html"));
    // (after the timeline, whose labels run oldest first in the markup, right to left on screen)
    let years = &page[page
        .find("class=\"archive-years\"")
        .expect("the list of years")..];
    assert!(
        years.find(">2025<").unwrap() < years.find(">2023<").unwrap(),
        "newest year first"
    );
    assert!(
        page.contains("<svg class=\"timeline\""),
        "the archive has its timeline"
    );
    let y2025 = read(public.join("archive/2025/index.html"));
    assert!(y2025.contains("<h2>أيار (مايو) 2025</h2>"), "{y2025}");
    assert!(y2025.find("أيار (مايو)").unwrap() < y2025.find("نيسان (أبريل)").unwrap());
}

fn parse_feed(path: &Path) -> atom_syndication::Feed {
    let bytes = std::fs::read(path).unwrap();
    atom_syndication::Feed::read_from(&bytes[..])
        .unwrap_or_else(|e| panic!("{} is not valid Atom: {e}", path.display()))
}

#[test]
fn feeds_are_valid_atom() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    let feed = parse_feed(&public.join("feed.xml"));
    assert_eq!(feed.title().as_str(), "أرشيف الاختبار");
    assert_eq!(feed.id(), "https://example.org/archive/feed.xml");
    assert_eq!(feed.entries().len(), 4);
    let first = &feed.entries()[0];
    assert_eq!(
        first.title().as_str(),
        "الإدارة السورية الجديدة والتحالف الدولي"
    );
    assert_eq!(first.id(), "https://example.org/archive/2025/sharaa/");
    assert_eq!(
        first.links()[0].href(),
        "https://example.org/archive/2025/sharaa/"
    );
    assert!(
        first
            .content()
            .and_then(|c| c.value())
            .unwrap()
            .contains("<a href="),
        "content is HTML"
    );
    assert!(
        feed.entries()
            .windows(2)
            .all(|w| w[0].published() >= w[1].published()),
        "newest first"
    );
    // every entry has the elements Atom requires
    for e in feed.entries() {
        assert!(!e.id().is_empty() && !e.title().is_empty());
    }
    let tag_feed = parse_feed(&public.join("tags/سوريا/feed.xml"));
    assert_eq!(tag_feed.entries().len(), 2);
    assert_eq!(tag_feed.title().as_str(), "أرشيف الاختبار — سوريا");
    // an English article's title is English text in an entry marked xml:lang="en": no mark
    let english = feed
        .entries()
        .iter()
        .find(|e| e.title().contains("English"))
        .unwrap();
    assert_eq!(english.title().as_str(), "A note in English");
}

#[test]
fn feeds_without_absolute_base_url_use_urn_ids() {
    let dir = site("check_clean");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let feed = parse_feed(&dir.path().join("public/feed.xml"));
    assert!(feed.id().starts_with("urn:warraq:"), "{}", feed.id());
}
