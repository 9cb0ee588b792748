//! Taxonomies as a site configures them: writers, sources and a site's own `regions`, with their
//! pages, feeds (read by a real Atom parser), links from articles, and positioned errors.

mod common;

use std::path::Path;

use common::{flat, read, stderr, warraq, write};

fn article(root: &Path, stem: &str, date: &str, front: &str) {
    write(
        root,
        &format!("content/{stem}.md"),
        format!("---\ntitle: \"مقال {stem}\"\ndate: {date}\n{front}---\nنص المقال {stem}.\n"),
    );
}

fn build(root: &Path) -> String {
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    err
}

/// The fixture of a site with a taxonomy of its own (`regions`), writers and a source.
fn regions_site() -> tempfile::TempDir {
    common::site("regions_site")
}

#[test]
fn a_site_defines_its_own_taxonomy_and_gets_its_pages() {
    let dir = regions_site();
    let root = dir.path();
    build(root);
    let public = root.join("public");
    // Index pages, sorted by name for regions (الحسكة, الرقة, دير الزور).
    let regions = read(public.join("regions/index.html"));
    assert!(
        regions.contains("<h1 class=\"page-title\">المناطق</h1>"),
        "{regions}"
    );
    let order: Vec<usize> = ["الحسكة", "الرقة", "دير الزور"]
        .iter()
        .map(|n| {
            regions
                .find(&format!(">{n}</a>"))
                .unwrap_or_else(|| panic!("{n}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "sorted by name: {order:?}"
    );
    // A term page, newest first, with its label and feed.
    let hasakah = read(public.join("regions/الحسكة/index.html"));
    assert!(hasakah.contains("المنطقة: الحسكة"), "{hasakah}");
    assert!(hasakah.find("مقال 2025/a").unwrap() < hasakah.find("مقال 2025/b").unwrap());
    let feed = std::fs::read(public.join("regions/الحسكة/feed.xml")).unwrap();
    let feed = atom_syndication::Feed::read_from(&feed[..]).expect("valid Atom");
    assert_eq!(feed.entries().len(), 2);
    // The article lists its regions, linked.
    let a = read(public.join("2025/a/index.html"));
    assert!(a.contains("<p class=\"taxonomy-terms\">المناطق: <a href=\"/regions/%D8%AF%D9%8A%D8%B1-%D8%A7%D9%84%D8%B2%D9%88%D8%B1/\">دير الزور</a>"), "{a}");
    // The navigation has every taxonomy with names.
    for href in ["/authors/", "/sources/", "/regions/"] {
        assert!(a.contains(&format!("<li><a href=\"{href}\">")), "{href}");
    }
    // (this site has no tags: no empty tags page is offered)
    assert!(!a.contains("<li><a href=\"/tags/\">"), "{a}");
    // The sitemap lists the new pages.
    let sitemap = read(public.join("sitemap.xml"));
    assert!(
        sitemap.contains("https://example.org/regions/%D8%A7%D9%84%D8%B1%D9%82%D8%A9/"),
        "{sitemap}"
    );
}

#[test]
fn writers_and_sources_have_pages_feeds_and_links() {
    let dir = regions_site();
    let root = dir.path();
    build(root);
    let public = root.join("public");
    // Two spellings of one writer (with tashkeel) are one writer, in the most used spelling.
    let sara = public.join("authors/سارة-الأحمد");
    assert!(sara.join("index.html").is_file());
    let page = read(sara.join("index.html"));
    assert!(page.contains("الكاتب: سارة الأحمد"), "{page}");
    // per_page 1 for writers: three pages.
    assert!(sara.join("page/3/index.html").is_file());
    assert!(!sara.join("page/4/index.html").exists());
    let feed = std::fs::read(sara.join("feed.xml")).unwrap();
    let feed = atom_syndication::Feed::read_from(&feed[..]).expect("a writer's feed is valid Atom");
    assert_eq!(feed.entries().len(), 3);
    assert_eq!(feed.entries()[0].authors()[0].name(), "سارة الأحمد");
    assert!(public.join("authors/john-doe/index.html").is_file());
    // The byline links both writers; the Latin name is isolated.
    let a = read(public.join("2025/a/index.html"));
    assert!(
        a.contains("بقلم <a href=\"/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A7%D9%84%D8%A3%D8%AD%D9%85%D8%AF/\" rel=\"author\">سارة الأحمد</a>، <a href=\"/authors/john-doe/\" rel=\"author\"><bdi>John Doe</bdi></a>"),
        "{a}"
    );
    // The source page shows its domain and lists both articles (b names its source alone,
    // `source: الشرق الأوسط`, a as a map with its URL); its feed parses.
    let source = read(public.join("sources/الشرق-الأوسط/index.html"));
    assert!(source.contains("aawsat.com"), "{source}");
    assert!(source.contains("مقال 2025/a") && source.contains("مقال 2025/b"));
    let feed = std::fs::read(public.join("sources/الشرق-الأوسط/feed.xml")).unwrap();
    atom_syndication::Feed::read_from(&feed[..]).expect("a source's feed is valid Atom");
    assert!(a.contains("نُشر في <a href=\"/sources/%D8%A7%D9%84%D8%B4%D8%B1%D9%82-%D8%A7%D9%84%D8%A3%D9%88%D8%B3%D8%B7/\">الشرق الأوسط</a> (<a href=\"https://aawsat.com/x/1\" rel=\"external noopener\">"), "{a}");
    let index = read(public.join("authors/index.html"));
    assert!(
        index.find("سارة الأحمد").unwrap() < index.find("John Doe").unwrap(),
        "by count"
    );
}

#[test]
fn taxonomies_can_move_and_be_turned_off() {
    let dir = regions_site();
    let root = dir.path();
    write(
        root,
        "site.yaml",
        "taxonomies:\n  authors: {segment: كتاب, feeds: false}\n  sources: false\n",
    );
    // `regions` is no longer a taxonomy: the key is unknown again.
    let out = warraq(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("unknown key `regions`"),
        "{}",
        stderr(&out)
    );
    for stem in ["a", "b", "c"] {
        let path = root.join(format!("content/2025/{stem}.md"));
        let text = read(&path);
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("regions") && !l.starts_with("  - "))
            .collect();
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    }
    build(root);
    let public = root.join("public");
    assert!(public.join("كتاب/سارة-الأحمد/index.html").is_file());
    assert!(!public.join("كتاب/سارة-الأحمد/feed.xml").exists());
    assert!(!public.join("authors").exists());
    assert!(!public.join("sources").exists());
    let a = read(public.join("2025/a/index.html"));
    assert!(
        a.contains("نُشر في <bdi>الشرق الأوسط</bdi>") || a.contains("نُشر في الشرق الأوسط"),
        "{a}"
    );
}

#[test]
fn taxonomy_mistakes_are_positioned_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "taxonomies:\n  regions: {segment: archive}\n",
            "",
            "`segment: archive` of taxonomy `regions` is already used",
        ),
        (
            "taxonomies:\n  title: {}\n",
            "",
            "`taxonomies: title` would take a front-matter key",
        ),
        (
            "taxonomies:\n  tags: false\n",
            "",
            "`taxonomies: tags` cannot be turned off",
        ),
        (
            "taxonomies:\n  regions: {colour: red}\n",
            "",
            "`taxonomies: regions` has a bad setting",
        ),
        (
            "taxonomies:\n  Regions: {}\n",
            "",
            "is not usable as a front-matter key",
        ),
        (
            "taxonomies:\n  regions: {}\n",
            "regions: {a: 1}\n",
            "content/2025/x.md:4:1: `regions` must be a name or a list of names",
        ),
        (
            "taxonomies:\n  regions: {}\n",
            "regions: [\"\"]\n",
            "content/2025/x.md:4:",
        ),
        (
            "taxonomies:\n  regions: {}\n",
            "regions: [\"؟؟\"]\n",
            "`regions` name `؟؟` has no letter or digit",
        ),
    ];
    for (yaml, front, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "site.yaml", yaml);
        article(root, "2025/x", "2025-01-01", front);
        let out = warraq(root, &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{expected}: {err}");
        assert!(
            flat(&err).contains(&flat(expected)),
            "expected `{expected}` in\n{err}"
        );
        assert!(!root.join("public").exists());
    }
    // An article cannot take a taxonomy's segment.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.yaml", "taxonomies:\n  regions: {}\n");
    article(dir.path(), "regions/x", "2025-01-01", "");
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("is inside `/regions/`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_dossier_reads_in_order_with_parts_neighbours_and_an_introduction() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let name = "داعش في سوريا بعد سقوط النظام";
    // Parts out of date order: the parts decide.
    article(
        root,
        "2025/p1",
        "2025-03-01",
        &format!("series: {{name: \"{name}\", part: 1}}\n"),
    );
    article(
        root,
        "2025/p2",
        "2025-01-01",
        &format!("series: {{name: \"{name}\", part: 2}}\n"),
    );
    article(
        root,
        "2025/p3",
        "2025-02-01",
        "series: {name: \"داعش في سوريا بعد سقوط النظام\", part: 3}\n",
    );
    // A dossier by date alone.
    article(root, "2024/d1", "2024-05-01", "series: \"ملف الحسكة\"\n");
    article(root, "2024/d2", "2024-04-01", "series: \"ملف الحسكة\"\n");
    write(
        root,
        "series/داعش-في-سوريا-بعد-سقوط-النظام.md",
        "مقدمة **الملف**.\n",
    );
    build(root);
    let public = root.join("public");
    let p2 = read(public.join("2025/p2/index.html"));
    assert!(p2.contains("الجزء 2 من 3"), "{p2}");
    // (titles that start in Arabic and hold Latin text are isolated)
    assert!(
        p2.contains("الجزء السابق: <bdi>مقال 2025/p1</bdi>")
            && p2.contains("الجزء التالي: <bdi>مقال 2025/p3</bdi>"),
        "{p2}"
    );
    let p1 = read(public.join("2025/p1/index.html"));
    assert!(
        p1.contains("الجزء 1 من 3") && !p1.contains("الجزء السابق"),
        "{p1}"
    );
    let page = read(public.join("series/داعش-في-سوريا-بعد-سقوط-النظام/index.html"));
    assert!(
        page.contains("<p>مقدمة <strong>الملف</strong>.</p>"),
        "{page}"
    );
    let order: Vec<usize> = ["2025/p1", "2025/p2", "2025/p3"]
        .iter()
        .map(|s| {
            page.find(&format!("مقال {s}<"))
                .unwrap_or_else(|| panic!("{s}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "reading order: {order:?}"
    );
    // By date: the older first.
    let d = read(public.join("series/ملف-الحسكة/index.html"));
    assert!(
        d.find("مقال 2024/d2").unwrap() < d.find("مقال 2024/d1").unwrap(),
        "{d}"
    );
    let d2 = read(public.join("2024/d2/index.html"));
    assert!(d2.contains("الجزء 1 من 2"), "{d2}");
    // The dossiers' page and the navigation.
    let index = read(public.join("series/index.html"));
    assert!(
        index.contains("ملف الحسكة") && index.contains(name),
        "{index}"
    );
    assert!(
        p1.contains("<li><a href=\"/series/\">الملفات</a></li>"),
        "{p1}"
    );
}

#[test]
fn two_articles_claiming_one_part_are_an_error_at_both_and_a_gap_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    article(
        root,
        "2025/a",
        "2025-03-01",
        "series: {name: \"ملف\", part: 2}\n",
    );
    article(
        root,
        "2025/b",
        "2025-02-01",
        "series: {name: \"ملف\", part: 2}\n",
    );
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/2025/a.md:4:9: this article and content/2025/b.md both claim part 2"),
        "{err}"
    );
    assert!(
        err.contains("content/2025/b.md:4:9: this article and content/2025/a.md both claim part 2"),
        "{err}"
    );
    assert!(!root.join("public").exists());
    // A gap: built, with a warning at the part after it.
    article(
        root,
        "2025/b",
        "2025-02-01",
        "series: {name: \"ملف\", part: 4}\n",
    );
    let err = build(root);
    assert!(
        err.contains(
            "warning: content/2025/b.md:4:9: the series «ملف» has no part 3 (this is part 4)"
        ),
        "{err}"
    );
    // A name too long for a folder is an error at its place, not a failed write.
    let long = "ملف ".repeat(80);
    article(
        root,
        "2025/b",
        "2025-02-01",
        &format!("series: \"{long}\"\n"),
    );
    let out = warraq(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/2025/b.md:4:9: this series name is"),
        "{}",
        stderr(&out)
    );
    article(
        root,
        "2025/b",
        "2025-02-01",
        "series: {name: \"ملف\", part: 4}\n",
    );
    // A bad value is an error at its place.
    article(root, "2025/c", "2025-01-01", "series: [ملف]\n");
    let out = warraq(root, &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("content/2025/c.md:4:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_writers_file_gives_names_bios_links_and_merges_aliases() {
    let dir = regions_site();
    let root = dir.path();
    write(
        root,
        "data/authors.yaml",
        "\"سارة الأحمد\":\n  name: \"د. سارة الأحمد\"\n  bio: \"باحثة في شؤون شرق سوريا.\"\n  links: [{title: \"X\", url: \"https://x.com/sara\"}]\n  aliases: [\"John Doe\"]\n",
    );
    build(root);
    let public = root.join("public");
    // John Doe is an alias: one writer, one page, shown under the file's name.
    assert!(!public.join("authors/john-doe").exists());
    let page = read(public.join("authors/سارة-الأحمد/index.html"));
    assert!(page.contains("الكاتب: د. سارة الأحمد"), "{page}");
    let quiet = build(root);
    assert!(!quiet.contains("warning"), "{quiet}");
    assert!(
        page.contains("<p class=\"term-bio\">باحثة في شؤون شرق سوريا.</p>"),
        "{page}"
    );
    assert!(
        page.contains(
            "<a href=\"https://x.com/sara\" rel=\"me external noopener\"><bdi>X</bdi></a>"
        ),
        "{page}"
    );
    // The JSON-LD Person has the writer's page and links.
    let a = read(public.join("2025/a/index.html"));
    assert!(a.contains(r#"{"@type":"Person","name":"د. سارة الأحمد","sameAs":["https://x.com/sara"],"url":"https://example.org/authors/%D8%B3%D8%A7%D8%B1%D8%A9-%D8%A7%D9%84%D8%A3%D8%AD%D9%85%D8%AF/"}"#), "{a}");
    // Mistakes in the file are positioned in it.
    write(
        root,
        "data/authors.yaml",
        "\"سارة\":\n  bio: x\n  twitter: y\n",
    );
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("data/authors.yaml:3:"), "{err}");
    write(
        root,
        "data/authors.yaml",
        "\"سارة\":\n  links: [{title: a, url: \"javascript:x\"}]\n",
    );
    let err = stderr(&warraq(root, &["build"]));
    assert!(
        err.contains("data/authors.yaml:2:") && err.contains("javascript:x"),
        "{err}"
    );
}

/// A data file whose bio would be shown nowhere is a warning on every build (exit 0): a name no
/// article carries (a misspelling, with the nearest writer), and a file named after no taxonomy.
#[test]
fn data_that_is_shown_nowhere_is_a_warning_naming_what_was_meant() {
    let dir = regions_site();
    let root = dir.path();
    write(
        root,
        "data/authors.yaml",
        "\"سارة الأحمد\":\n  bio: \"باحثة.\"\n\"سارة الاحمدي\":\n  bio: \"مكررة بخطأ.\"\n",
    );
    write(root, "data/author.yml", "x: {bio: y}\n");
    for _ in 0..2 {
        let err = flat(&build(root));
        for expected in [
            "warning: data/authors.yaml:3:2: `سارة الاحمدي` names no author of any article",
            "help: did you mean `سارة الأحمد`?",
            "warning: data/author.yml: data/author.yml is no taxonomy's data file",
            "did you mean data/authors.yaml?",
        ] {
            assert!(err.contains(&flat(expected)), "{expected}\n{err}");
        }
        assert!(!err.contains(&flat("`سارة الأحمد` names no")), "{err}");
    }
}

#[test]
fn a_name_in_two_spellings_is_a_warning_at_the_less_used_one_until_they_are_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "site.yaml", "title: أرشيف\n");
    article(
        root,
        "a",
        "2025-01-01",
        "tags: [أمريكا, سوريا]\nauthor: سارة أحمد\n",
    );
    article(root, "b", "2025-01-02", "tags: [أَمريكا]\n");
    article(
        root,
        "c",
        "2025-01-03",
        "tags: [سوريا, امريكا]\nauthor: سارة احمد\n",
    );
    article(root, "d", "2025-01-04", "tags: [الرقه]\n");
    article(root, "e", "2025-01-05", "tags: [الرقة, ISIS]\n");
    article(root, "f", "2025-01-06", "tags: [isis]\n");
    // Every build says so (the warning is not a first-build surprise that goes away).
    for _ in 0..2 {
        let err = flat(&build(root));
        for expected in [
            "warning: content/c.md:4:15: tag `امريكا` (1 article) is another spelling of tag `أمريكا` (2 articles)",
            "help: write `أمريكا` as the other articles do, or keep both spellings on one page by listing `امريكا` under `aliases:` of `أمريكا` in data/tags.yaml",
            // As many articles each: the one written with its taa marbuta is kept.
            "warning: content/d.md:4:8: tag `الرقه` (1 article) is another spelling of tag `الرقة` (1 article)",
            "warning: content/c.md:5:9: author `سارة احمد` (1 article) is another spelling of author `سارة أحمد` (1 article)",
            "in data/authors.yaml",
        ] {
            assert!(err.contains(&flat(expected)), "{expected}\n{err}");
        }
        // Tashkeel and Latin case are the same slug already: one name, no warning.
        assert!(!err.contains("ISIS"), "{err}");
        assert_eq!(err.matches("warning:").count(), 3, "{err}");
    }
    assert!(root.join("public/tags/امريكا/index.html").exists());
    // An alias makes them one page, and the warning goes.
    write(root, "data/tags.yaml", "أمريكا:\n  aliases: [امريكا]\n");
    write(
        root,
        "data/authors.yaml",
        "سارة أحمد:\n  aliases: [سارة احمد]\n",
    );
    write(
        root,
        "content/d.md",
        "---\ntitle: \"مقال d\"\ndate: 2025-01-04\ntags: [الرقة]\n---\nنص.\n",
    );
    let err = build(root);
    assert!(!err.contains("warning:"), "{err}");
    assert!(!root.join("public/tags/امريكا/index.html").exists());
    let page = read(root.join("public/tags/أمريكا/index.html"));
    assert!(page.contains("مقال c") && page.contains("مقال a"), "{page}");
}
