//! Articles that travel: cover and body images (variants, sizes, cache), the metadata shared
//! links and search engines read (OpenGraph, Twitter, JSON-LD through a real consumer), feeds
//! with covers, and Hijri dates, on sites written by the tests themselves (images are
//! generated here, so their true sizes are known).

mod common;

use std::io::Cursor;
use std::path::Path;

use common::{flat, read, stderr, warraq, write};
use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_fn(width, height, |x, _| Rgba([200, 100, 50, (x % 256) as u8]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

fn gif(width: u32, height: u32) -> Vec<u8> {
    let img = RgbaImage::from_pixel(width, height, Rgba([10, 20, 30, 255]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Gif).unwrap();
    out.into_inner()
}

/// A JPEG whose pixels are stored `width`×`height` with an EXIF orientation of 6 ("turn 90°
/// clockwise to view"): displayed `height`×`width`, as phone photographs are.
fn turned_jpeg(width: u32, height: u32) -> Vec<u8> {
    let plain = jpeg(width, height);
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 1]); // one entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation, SHORT, 1, = 6
    tiff.extend([0, 0, 0, 0]); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let len = u16::try_from(app1.len() + 2).unwrap().to_be_bytes();
    let mut out = plain[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1, len[0], len[1]]);
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

fn size_of(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A site with every kind of image and metadata.
fn news_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "site.yaml",
        "title: \"مرصد الأخبار\"\ndescription: \"تحليلات\"\nbase_url: \"https://example.org/ar/\"\nhijri: true\nlogo: /logo.png\nper_page: 10\n",
    );
    write(root, "static/logo.png", png(64, 64));
    write(root, "static/photos/wide.jpg", jpeg(2400, 1200));
    write(
        root,
        "static/maps/plan.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="300" height="150"><rect width="300" height="150"/></svg>"#,
    );
    write(root, "content/2025/report/cover.jpg", jpeg(1600, 900));
    write(root, "content/2025/report/chart.png", png(700, 400));
    write(root, "content/2025/phone.jpg", turned_jpeg(400, 200));
    write(root, "content/2025/anim.gif", gif(120, 80));
    write(
        root,
        "content/2025/report.md",
        r#"---
title: 'تحليل </script><script>alert("x")</script> & "اقتباس"'
date: 2025-04-28T09:30:00+03:00
updated: 2025-05-02T10:00:00+03:00
tags: [داعش, سوريا]
author: [سارة الأحمد, John Doe]
type: news
source: {name: "الشرق الأوسط", url: "https://aawsat.com/x"}
image:
  src: cover.jpg
  alt: "قافلة في البادية"
  caption: "البادية السورية"
  credit: "تصوير: Reuters"
---
الفقرة الأولى.

![رسم بياني للهجمات](chart.png "الهجمات شهرياً")

![صورة هاتف](../2025/phone.jpg)

![حركة](anim.gif) ![خطة](/maps/plan.svg)
"#,
    );
    write(
        root,
        "content/2025/plain.md",
        "---\ntitle: \"غلاف بلا وصف\"\ndate: 2025-03-01\nimage: /photos/wide.jpg\n---\nنص.\n\n![رسم بياني للهجمات](report/chart.png)\n",
    );
    write(
        root,
        "content/2024/fall.md",
        "---\ntitle: \"سقوط النظام\"\ndate: 2024-12-08\nlang: en\n---\nText.\n",
    );
    dir
}

fn build(root: &Path) -> String {
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    err
}

#[test]
fn images_are_published_in_true_sizes_with_variants_and_never_upscaled() {
    let dir = news_site();
    let root = dir.path();
    let err = build(root);
    let public = root.join("public");
    let html = read(public.join("2025/report/index.html"));

    // The cover: a figure with caption and isolated credit, eager, real size.
    let cover_start = html.find("<figure class=\"cover\">").expect("cover figure");
    let cover = &html[cover_start..cover_start + html[cover_start..].find("</figure>").unwrap()];
    assert!(cover.contains("width=\"1600\" height=\"900\""), "{cover}");
    assert!(cover.contains("alt=\"قافلة في البادية\""), "{cover}");
    assert!(
        !cover.contains("loading=\"lazy\""),
        "the cover loads at once: {cover}"
    );
    assert!(cover.contains("<figcaption>"), "{cover}");
    assert!(cover.contains("<bdi>تصوير: Reuters</bdi>"), "{cover}");
    for w in [480, 960, 1200, 1600] {
        assert!(cover.contains(&format!("-{w}.webp {w}w")), "{w}: {cover}");
        assert!(cover.contains(&format!("-{w}.jpg {w}w")), "{w}: {cover}");
    }

    // Every variant named in the page exists, in its stated width and in the stated ratio.
    let files: Vec<String> = walkdir::WalkDir::new(public.join("images"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for name in &files {
        let stated: Option<u32> = name
            .rsplit_once('-')
            .and_then(|(_, rest)| rest.split('.').next())
            .and_then(|w| w.parse().ok());
        if name.ends_with(".svg") {
            continue;
        }
        let (w, h) = size_of(&public.join("images").join(name));
        if let Some(stated) = stated.filter(|_| !name.ends_with(".gif") && !name.ends_with(".svg"))
        {
            assert_eq!(w, stated, "{name}");
        }
        if name.starts_with("cover-") {
            assert_eq!(h, (w * 9 + 8) / 16, "{name}: {w}×{h}");
        }
    }
    assert_eq!(
        files.iter().filter(|f| f.starts_with("cover-")).count(),
        8,
        "{files:?}"
    );

    // Body images: lazy, sized; a 700-px PNG is published at 480 and 700, never wider.
    assert!(html.contains("width=\"700\" height=\"400\" alt=\"رسم بياني للهجمات\" title=\"الهجمات شهرياً\" loading=\"lazy\" decoding=\"async\""), "{html}");
    assert!(files
        .iter()
        .any(|f| f.starts_with("chart-") && f.ends_with("-700.png")));
    assert!(files
        .iter()
        .any(|f| f.starts_with("chart-") && f.ends_with("-700.webp")));
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("chart-") && f.contains("-960.")),
        "{files:?}"
    );
    // A phone photograph turned by EXIF: displayed 200×400, its variant upright.
    assert!(
        html.contains("width=\"200\" height=\"400\" alt=\"صورة هاتف\""),
        "{html}"
    );
    let phone = files
        .iter()
        .find(|f| f.starts_with("phone-") && f.ends_with(".jpg"))
        .unwrap();
    assert_eq!(size_of(&public.join("images").join(phone)), (200, 400));
    // GIF and SVG are published as they are, with their sizes.
    assert!(
        html.contains("width=\"120\" height=\"80\" alt=\"حركة\""),
        "{html}"
    );
    assert!(
        html.contains("width=\"300\" height=\"150\" alt=\"خطة\""),
        "{html}"
    );
    assert!(files
        .iter()
        .any(|f| f.starts_with("anim-") && f.ends_with(".gif")));
    // An image shared by two articles is published once.
    assert_eq!(
        files.iter().filter(|f| f.starts_with("chart-")).count(),
        4,
        "{files:?}"
    );

    // The plain-path cover from static/: decorative, 2400 px published up to 1600.
    let plain = read(public.join("2025/plain/index.html"));
    assert!(
        plain.contains("width=\"2400\" height=\"1200\" alt=\"\""),
        "{plain}"
    );
    assert!(files
        .iter()
        .any(|f| f.starts_with("wide-") && f.ends_with("-1600.webp")));
    assert!(!files
        .iter()
        .any(|f| f.starts_with("wide-") && f.ends_with("-2400.jpg")));

    // Lists show the cover as a lazy thumbnail.
    let home = read(public.join("index.html"));
    let card = &home[home.find("card has-image").expect("a card with its cover")..];
    assert!(card.contains("class=\"card-image\""), "{card}");
    assert!(card[..card.find("</a>").unwrap()].contains("loading=\"lazy\""));

    // The build says what it encoded; a second build encodes nothing and gives the same files,
    // even with `--clean` (which renders and writes every page again, but encoded variants are
    // named by their image's content).
    assert!(err.contains("variants encoded, 0 reused"), "{err}");
    let first = common::tree(&public);
    let out = warraq(root, &["build", "--clean"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("images: 0 variants encoded"), "{err}");
    // (the sources are older than the build now: the next one finds nothing to do)
    let err = build(root);
    assert!(
        err.contains("nothing changed since the last build"),
        "{err}"
    );
    assert_eq!(
        first,
        common::tree(&public),
        "a warm build publishes the same bytes"
    );
    // Deleting the cache re-encodes the same variants.
    std::fs::remove_dir_all(root.join(".warraq-cache")).unwrap();
    let err = build(root);
    assert!(err.contains("reused from"), "{err}");
    assert!(!err.contains("images: 0 variants encoded"), "{err}");
    let names = |t: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>| -> Vec<_> {
        t.keys().cloned().collect()
    };
    assert_eq!(names(&first), names(&common::tree(&public)));
}

/// Every positioned image error: a missing file, no alt, an unreadable file, a path out of the
/// site, a script URL, a file that is not an image, a cover on another site.
#[test]
fn image_problems_are_errors_at_their_place_and_nothing_is_written() {
    let cases: &[(&str, &str, &str)] = &[
        ("image: {src: missing.jpg, alt: \"x\"}\n", "", "image `missing.jpg` does not exist (looked for content/2025/a/missing.jpg and content/2025/missing.jpg)"),
        ("image: {src: bad.jpg}\n", "", "has no `alt`"),
        ("image: bad-bytes.jpg\n", "", "is not a readable image"),
        ("", "![](pic.png)\n", "this image has no alt text"),
        ("", "![خريطة](../../../etc/passwd.png)\n", "points outside the site's folders"),
        ("", "![خريطة](javascript:alert(1))\n", "`javascript:` scheme"),
        ("", "![خريطة](notes.txt)\n", "is not an image warraq publishes"),
        ("image: {src: \"https://example.org/a.jpg\", alt: \"x\"}\n", "", "is on another site"),
        ("", "![خريطة](/nothing/here.png)\n", "looked for static/nothing/here.png"),
    ];
    for (front, body, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "content/2025/pic.png", png(10, 10));
        write(root, "content/2025/bad.jpg", jpeg(10, 10));
        write(root, "content/2025/bad-bytes.jpg", "not a jpeg at all");
        write(root, "content/2025/notes.txt", "text");
        let text = format!("---\ntitle: \"مقال\"\ndate: 2025-01-01\n{front}---\nنص.\n\n{body}");
        write(root, "content/2025/a.md", &text);
        let out = warraq(root, &["build"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{expected}: {err}");
        assert!(
            flat(&err).contains(&flat(expected)),
            "expected `{expected}` in\n{err}"
        );
        // positioned at its line: the front-matter key or the body line
        let line = if front.is_empty() { 7 } else { 4 };
        assert!(
            err.contains(&format!("content/2025/a.md:{line}:")),
            "{expected}: line {line} in\n{err}"
        );
        assert!(!root.join("public").exists(), "nothing written: {expected}");
    }
}

#[test]
fn a_corrupt_image_behind_a_good_header_fails_the_build_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut bytes = png(800, 600);
    bytes.truncate(bytes.len() / 3);
    write(root, "content/2025/a/cut.png", bytes);
    write(
        root,
        "content/2025/a.md",
        "---\ntitle: \"مقال\"\ndate: 2025-01-01\nimage: {src: cut.png, alt: \"x\"}\n---\nنص.\n",
    );
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/2025/a/cut.png"), "{err}");
    assert!(err.contains("cannot be decoded"), "{err}");
    assert!(!root.join("public").exists());
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let i = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    &text[i..i + text[i..].find(end).unwrap()]
}

fn meta<'a>(html: &'a str, property: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    for key in ["property", "name"] {
        let needle = format!("<meta {key}=\"{property}\" content=\"");
        let mut rest = html;
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            found.push(&rest[..rest.find('"').unwrap()]);
        }
    }
    found
}

#[test]
fn articles_carry_opengraph_twitter_and_escaped_json_ld() {
    let dir = news_site();
    build(dir.path());
    let public = dir.path().join("public");
    let html = read(public.join("2025/report/index.html"));
    let url = "https://example.org/ar/2025/report/";
    assert_eq!(meta(&html, "og:url"), [url]);
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
    assert_eq!(meta(&html, "og:locale"), ["ar_AR"]);
    assert_eq!(meta(&html, "og:type"), ["article"]);
    let og_image = meta(&html, "og:image")[0];
    assert!(
        og_image.starts_with("https://example.org/ar/images/cover-")
            && og_image.ends_with("-1200.jpg"),
        "{og_image}"
    );
    assert_eq!(meta(&html, "og:image:width"), ["1200"]);
    assert_eq!(meta(&html, "og:image:height"), ["675"]);
    assert_eq!(meta(&html, "article:author"), ["سارة الأحمد", "John Doe"]);
    assert_eq!(
        meta(&html, "article:published_time"),
        ["2025-04-28T09:30:00+03:00"]
    );
    assert_eq!(
        meta(&html, "article:modified_time"),
        ["2025-05-02T10:00:00+03:00"]
    );
    assert_eq!(meta(&html, "twitter:card"), ["summary_large_image"]);
    assert_eq!(meta(&html, "twitter:image:alt"), ["قافلة في البادية"]);

    // The hostile title cannot close the script element, and the JSON is the title as written.
    let script = between(&html, "<script type=\"application/ld+json\">", "</script>");
    assert!(!script.contains('<'), "{script}");
    let ld: serde_json::Value = serde_json::from_str(script).unwrap();
    assert_eq!(
        ld["headline"],
        "تحليل </script><script>alert(\"x\")</script> & \"اقتباس\""
    );
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the JSON-LD script"
    );

    // An English article: og:locale follows it; no cover → a summary card.
    let en = read(public.join("2024/fall/index.html"));
    assert_eq!(meta(&en, "og:locale"), ["en_US"]);
    assert_eq!(meta(&en, "twitter:card"), ["summary"]);
    let ld: serde_json::Value = serde_json::from_str(between(
        &en,
        "<script type=\"application/ld+json\">",
        "</script>",
    ))
    .unwrap();
    assert_eq!(ld["@type"], "AnalysisNewsArticle");
    assert_eq!(ld["inLanguage"], "en");
    assert_eq!(
        ld["author"][0]["@type"], "Organization",
        "no byline: the publisher"
    );
}

/// The metadata as a real consumer reads it: Python's extruct (JSON-LD and OpenGraph), which
/// `.ci/run` installs; elsewhere the test runs when extruct is importable.
#[test]
#[cfg_attr(
    not(metadata_tests),
    ignore = "needs Python's extruct (pip install extruct); .ci/run installs it"
)]
fn a_real_consumer_reads_every_field() {
    let dir = news_site();
    build(dir.path());
    let public = dir.path().join("public");
    let pages = [
        public.join("2025/report/index.html"),
        public.join("index.html"),
        public.join("tags/داعش/index.html"),
        public.join("archive/index.html"),
    ];
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metadata/extract.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(&pages)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let of = |p: &Path| &all[p.to_str().unwrap()];

    let article = of(&pages[0]);
    let ld = &article["json-ld"][0];
    let url = "https://example.org/ar/2025/report/";
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(
        ld["headline"],
        "تحليل </script><script>alert(\"x\")</script> & \"اقتباس\""
    );
    assert_eq!(ld["description"], "الفقرة الأولى.");
    assert_eq!(ld["datePublished"], "2025-04-28T09:30:00+03:00");
    assert_eq!(ld["dateModified"], "2025-05-02T10:00:00+03:00");
    assert_eq!(ld["author"][0]["@type"], "Person");
    assert_eq!(ld["author"][0]["name"], "سارة الأحمد");
    assert_eq!(ld["author"][1]["name"], "John Doe");
    assert_eq!(ld["publisher"]["@type"], "Organization");
    assert_eq!(ld["publisher"]["name"], "مرصد الأخبار");
    assert_eq!(
        ld["publisher"]["logo"]["url"],
        "https://example.org/ar/logo.png"
    );
    let image = &ld["image"][0];
    assert!(image["url"]
        .as_str()
        .unwrap()
        .starts_with("https://example.org/ar/images/cover-"));
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(1200), Some(675))
    );
    assert_eq!(ld["inLanguage"], "ar");
    assert_eq!(ld["keywords"], serde_json::json!(["داعش", "سوريا"]));
    assert_eq!(ld["mainEntityOfPage"]["@id"], url);
    assert_eq!(ld["url"], url);

    let og = &article["opengraph"][0];
    assert_eq!(og["og:url"], url);
    assert_eq!(og["og:locale"], "ar_AR");
    assert_eq!(
        og["@type"], "article",
        "extruct's uniform form puts og:type in @type"
    );
    assert_eq!(og["og:site_name"], "مرصد الأخبار");
    assert!(og["og:image"].as_str().unwrap().ends_with("-1200.jpg"));
    assert_eq!(og["og:image:width"], "1200");
    assert_eq!(og["article:modified_time"], "2025-05-02T10:00:00+03:00");
    let authors = &og["article:author"];
    assert!(
        authors.as_array().is_some_and(|a| a.len() == 2) || authors == "سارة الأحمد",
        "{authors}"
    );

    let home = &of(&pages[1])["json-ld"][0];
    assert_eq!(home["@type"], "WebSite");
    assert_eq!(home["url"], "https://example.org/ar/");
    assert_eq!(home["potentialAction"]["@type"], "SearchAction");
    for list in &pages[2..] {
        let ld = &of(list)["json-ld"][0];
        assert_eq!(ld["@type"], "CollectionPage", "{}", list.display());
        assert_eq!(ld["isPartOf"]["@type"], "WebSite");
        assert_eq!(of(list)["opengraph"][0]["@type"], "website");
    }
}

#[test]
fn feeds_carry_covers_and_stay_valid_atom() {
    let dir = news_site();
    build(dir.path());
    let xml = read(dir.path().join("public/feed.xml"));
    let feed = atom_syndication::Feed::read_from(xml.as_bytes()).expect("valid Atom");
    assert_eq!(feed.base(), Some("https://example.org/ar/"));
    let entry = feed
        .entries()
        .iter()
        .find(|e| {
            e.links()
                .iter()
                .any(|l| l.href().ends_with("/2025/report/"))
        })
        .expect("the report");
    let enclosure = entry
        .links()
        .iter()
        .find(|l| l.rel() == "enclosure")
        .expect("enclosure");
    assert!(enclosure
        .href()
        .starts_with("https://example.org/ar/images/cover-"));
    assert_eq!(enclosure.mime_type(), Some("image/jpeg"));
    let content = entry.content().and_then(|c| c.value()).unwrap();
    assert!(
        content.starts_with("<figure><img src=\"https://example.org/ar/images/cover-"),
        "{content}"
    );
    assert!(
        content.contains("width=\"1200\" height=\"675\" alt=\"قافلة في البادية\""),
        "{content}"
    );
    assert!(
        content.contains(
            "<figcaption><bdi>البادية السورية</bdi> — <bdi>تصوير: Reuters</bdi></figcaption>"
        ),
        "{content}"
    );
}

#[test]
fn hijri_dates_sit_beside_gregorian_ones_on_articles_lists_and_the_archive() {
    let dir = news_site();
    build(dir.path());
    let public = dir.path().join("public");
    let article = read(public.join("2025/report/index.html"));
    assert!(
        article.contains("<time datetime=\"2025-04-28T09:30:00+03:00\">28 نيسان (أبريل) 2025 · 30 شوال 1446 هـ</time>"),
        "{article}"
    );
    let home = read(public.join("index.html"));
    assert!(
        home.contains("8 كانون الأول (ديسمبر) 2024 · 7 جمادى الآخرة 1446 هـ"),
        "{home}"
    );
    let year = read(public.join("archive/2025/index.html"));
    assert!(
        year.contains("1 آذار (مارس) 2025 · 1 رمضان 1446 هـ"),
        "{year}"
    );

    // With Arabic-Indic digits, both dates follow.
    let root = dir.path();
    let yaml = read(root.join("site.yaml")) + "digits: arabic-indic\n";
    std::fs::write(root.join("site.yaml"), yaml).unwrap();
    build(root);
    let article = read(public.join("2025/report/index.html"));
    assert!(
        article.contains("٢٨ نيسان (أبريل) ٢٠٢٥ · ٣٠ شوال ١٤٤٦ هـ"),
        "{article}"
    );
}

#[test]
fn a_logo_that_is_not_published_is_an_error_at_its_setting() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "site.yaml", "title: x\nlogo: /brand/logo.png\n");
    write(
        root,
        "content/a.md",
        "---\ntitle: \"x\"\ndate: 2025-01-01\n---\nنص\n",
    );
    let out = warraq(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("site.yaml:2:7: `logo: /brand/logo.png` is not a file of static/"),
        "{err}"
    );
    write(root, "static/brand/logo.png", png(8, 8));
    build(root);
    let home = read(root.join("public/index.html"));
    assert!(
        home.contains(r#""logo":{"@type":"ImageObject","url":"/brand/logo.png"}"#),
        "{home}"
    );
}
