//! `warraq build` end to end: a good site, and one fixture per kind of bad input (SPEC §2), each
//! asserting the exact `path:line:col`, message and exit code, and that nothing was written.

mod common;

use common::*;

/// Builds a bad fixture and returns its stderr, asserting exit code 1 and no output.
fn fails(fixture: &str) -> String {
    let dir = site(fixture);
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{fixture}: expected exit 1\n{err}"
    );
    assert!(
        !dir.path().join("public").exists(),
        "{fixture}: a failed build must write nothing"
    );
    assert!(err.contains("nothing was written"), "{err}");
    err
}

#[test]
fn good_site_builds_every_page_right_to_left() {
    let dir = site("good_site");
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let public = dir.path().join("public");
    let home = read(public.join("index.html"));
    assert_has(&home, r#"<html lang="ar" dir="rtl">"#);
    for page in [
        "2025/isis-return",
        "2024/baghouz",
        "2025/sharaa",
        "2023/english",
    ] {
        assert!(
            public.join(page).join("index.html").is_file(),
            "{page} has no page"
        );
    }
    assert!(
        !public.join("2025/draft").exists(),
        "drafts are not built without --drafts"
    );
    let sitemap = read(public.join("sitemap.xml"));
    for page in [
        "2025/isis-return/",
        "2024/baghouz/",
        "2025/sharaa/",
        "2023/english/",
    ] {
        assert_has(
            &sitemap,
            &format!("<loc>https://example.org/archive/{page}</loc>"),
        );
    }
    assert!(public.join("404.html").is_file());
    assert_has(
        &read(public.join("robots.txt")),
        "Sitemap: https://example.org/archive/sitemap.xml",
    );
    assert!(
        public.join("style.css").is_file(),
        "the embedded stylesheet is written"
    );
}

#[test]
fn tags_keep_arabic_in_file_names_and_are_percent_encoded_in_hrefs() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    // "أحمد الشرع" and "أحمد الشَّرع" are one tag.
    assert!(public.join("tags/أحمد-الشرع/index.html").is_file());
    let tag_page = read(public.join("tags/أحمد-الشرع/index.html"));
    assert_eq!(
        tag_page.matches("class=\"card\"").count(),
        2,
        "both spellings land on one tag page"
    );
    let article = read(public.join("2025/isis-return/index.html"));
    assert_has(
        &article,
        "href=\"/archive/tags/%D8%A3%D8%AD%D9%85%D8%AF-%D8%A7%D9%84%D8%B4%D8%B1%D8%B9/\"",
    );
}

#[test]
fn a_tag_pasted_from_a_pdf_is_the_tag_typed_by_hand() {
    // A PDF's text layer gives shaped letters (presentation forms): "ﺩﺍﻋﺶ" looks like داعش and
    // must not open a second page beside it, nor miss the search.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "content/pasted.md",
        "---\ntitle: \"ﺩﺍﻋﺶ ﻓﻲ ﺍﻟﺒﺎﺩﻳﺔ\"\ndate: 2025-01-01\ntags: [ﺩﺍﻋﺶ]\n---\nﻧﺺ ﻻ ﻳﻘﺮﺃ.\n",
    );
    write(
        dir.path(),
        "content/typed.md",
        "---\ntitle: مقال\ndate: 2025-01-02\ntags: [داعش]\n---\nنص.\n",
    );
    write(
        dir.path(),
        "content/other.md",
        "---\ntitle: آخر\ndate: 2025-01-03\ntags: [داعش]\n---\nنص.\n",
    );
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tags: Vec<_> = std::fs::read_dir(dir.path().join("public/tags"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tags, ["داعش"], "one tag, named in its typed spelling");
    let page = read(dir.path().join("public/tags/داعش/index.html"));
    assert_eq!(page.matches("class=\"card\"").count(), 3, "{page}");
}

#[test]
fn related_lists_show_declared_backlinks_and_external_domains() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    let article = read(public.join("2025/isis-return/index.html"));
    assert_has(&article, "معركة الباغوز: نهاية الخلافة المكانية</a>");
    assert_has(&article, "rel=\"external noopener\">مسؤولون أمريكيون يحذرون من عودة داعش في سوريا</a> <span class=\"domain\">— <bdi>example.org</bdi></span>");
    assert_has(&article, "<span class=\"unlinked\">عنوان بلا رابط</span>");
    // sharaa links to isis-return from its body: a backlink.
    assert_has(&article, "id=\"backlinks\"");
    assert_has(&article, "الإدارة السورية الجديدة والتحالف الدولي</a>");
    // baghouz is declared by isis-return: a backlink there too.
    let baghouz = read(public.join("2024/baghouz/index.html"));
    assert_has(&baghouz, "id=\"backlinks\"");
    // the .md link is rewritten to the article URL, with its Arabic fragment.
    let sharaa = read(public.join("2025/sharaa/index.html"));
    assert_has(&sharaa, "href=\"/archive/2025/isis-return/#%D8%A7");
}

#[test]
fn english_article_is_ltr_and_latin_blocks_get_dir() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let english = read(dir.path().join("public/2023/english/index.html"));
    assert_has(&english, "<div class=\"content\" lang=\"en\" dir=\"ltr\">");
    let article = read(dir.path().join("public/2025/isis-return/index.html"));
    assert_has(&article, "<h2 id=\"البيان-المصور\">");
    assert_has(
        &article,
        "<time datetime=\"2025-04-28\">28 نيسان (أبريل) 2025</time>",
    );
}

#[test]
fn home_paginates_by_per_page() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let public = dir.path().join("public");
    // 4 published articles, per_page 2 → 2 pages.
    assert!(public.join("page/2/index.html").is_file());
    assert!(!public.join("page/3").exists());
    let first = read(public.join("index.html"));
    assert_has(&first, "rel=\"next\" href=\"/archive/page/2/\"");
    assert!(!first.contains("rel=\"prev\""));
}

#[test]
fn drafts_build_with_the_flag() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build", "--drafts"]).status.success());
    assert!(dir.path().join("public/2025/draft/index.html").is_file());
}

/// A file in content/ meant as an article but named `.MD` or `.markdown` is not read (the
/// contract: `content/**/*.md`), and every build says so instead of leaving it out silently;
/// hidden folders and other files are not mentioned.
#[test]
fn an_article_named_md_in_capitals_or_markdown_is_a_warning_on_every_build() {
    let dir = site("good_site");
    let article = "---\ntitle: t\ndate: 2025-01-01\n---\nx\n";
    write(dir.path(), "content/2025/Upper.MD", article);
    write(dir.path(), "content/2025/long.markdown", article);
    write(dir.path(), "content/.notes/hidden.MD", article);
    write(dir.path(), "content/2025/notes.txt", "x");
    for _ in 0..2 {
        let out = warraq(dir.path(), &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        let long = err
            .find("warning: content/2025/long.markdown: this file is not read as an article")
            .unwrap_or_else(|| panic!("{err}"));
        let upper = err
            .find("warning: content/2025/Upper.MD: this file is not read as an article")
            .unwrap_or_else(|| panic!("{err}"));
        assert!(upper < long, "in order of their paths: {err}");
        assert!(
            err.contains("help: rename it to `Upper.md` to publish it"),
            "{err}"
        );
        assert!(
            !err.contains("hidden.MD") && !err.contains("notes.txt"),
            "{err}"
        );
    }
    assert!(!dir.path().join("public/2025/upper").exists());
    assert!(!dir.path().join("public/2025/Upper").exists());
}

/// A static file at the path of a page warraq writes (`static/robots.txt`, `static/index.html`)
/// never reaches the output: every build says so; static files beside the pages are quiet.
#[test]
fn a_static_file_a_generated_page_replaces_is_a_warning() {
    let dir = site("good_site");
    write(
        dir.path(),
        "static/robots.txt",
        "User-agent: *\nDisallow: /\n",
    );
    write(dir.path(), "static/index.html", "mine");
    write(dir.path(), "static/about.html", "mine too");
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    for file in ["robots.txt", "index.html"] {
        assert!(
            err.contains(&format!("warning: static/{file}: this file is not published: warraq writes `/{file}` itself, over it")),
            "{err}"
        );
    }
    assert!(
        err.contains("help: to change that page, override its template in templates/"),
        "{err}"
    );
    assert!(!err.contains("about.html"), "{err}");
    assert_eq!(read(dir.path().join("public/about.html")), "mine too");
    assert!(!read(dir.path().join("public/robots.txt")).contains("Disallow: /\n"));
    // The build after it updates the output in place, and says the same (it failed: the file
    // was written twice, and set aside twice).
    write(dir.path(), "static/about.html", "mine, again");
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: static/robots.txt"));
    assert_eq!(read(dir.path().join("public/about.html")), "mine, again");
    assert!(!read(dir.path().join("public/robots.txt")).contains("Disallow: /\n"));
}

/// A static file where a page needs a folder (`static/tags/x` beside the tag `x`, a file named
/// as an article's folder) is an error naming it, before anything is written: the build
/// stopped on "Not a directory" while writing the page.
#[test]
fn a_static_file_where_a_page_needs_a_folder_is_an_error() {
    let dir = site("good_site");
    write(
        dir.path(),
        "content/2025/in-the-way.md",
        "---\ntitle: في الطريق\ndate: 2025-06-01\n---\nنص.\n",
    );
    let article = "in-the-way";
    write(dir.path(), &format!("static/2025/{article}"), "a file");
    write(dir.path(), "static/CNAME", "example.org");
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "static/2025/{article}: this file is where warraq makes the folder `/2025/{article}/`"
        )),
        "{err}"
    );
    assert!(!err.contains("CNAME"), "{err}");
    assert!(!dir.path().join("public").exists());
}

/// Naming a draft (in `related:` or by a body link) says that it is a draft, not that it does
/// not exist; with `--drafts` the same site builds.
#[test]
fn naming_a_draft_says_it_is_a_draft() {
    let dir = site("good_site");
    let path = dir.path().join("content/2025/sharaa.md");
    let text = read(&path).replacen(
        "\n---\n",
        "\nrelated: [2025/draft]\n---\n[المسودة](draft.md)\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = flat(&stderr(&out));
    for needle in [
        "content/2025/sharaa.md:5:11: related article `2025/draft` is a draft (`draft: true`), which is not published",
        "content/2025/sharaa.md:7:1: link to `draft.md` names a draft (content/2025/draft.md has `draft: true`)",
        "`warraq build --drafts` builds drafts too",
    ] {
        assert_has(&err, &flat(needle));
    }
    assert!(!err.contains("doesnotexist"), "{err}");
    let out = warraq(dir.path(), &["build", "--drafts"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn article_html_snapshot() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let html = read(dir.path().join("public/2025/isis-return/index.html"));
    let start = html.find("<article").expect("article element");
    let end = html.find("</main>").expect("main end");
    insta::assert_snapshot!(html[start..end].to_string());
}

#[test]
fn unclosed_flow_sequence_points_at_the_fault() {
    let err = fails("bad_yaml_unclosed");
    // libyaml reads the rest of the document as the unclosed list, so the error is its type.
    assert_has(
        &err,
        "content/broken.md:2:8: wrong type: sequence, expected text in `title`",
    );
    assert_has(
        &err,
        "a value starting with `[` or `{` is read as a list or a map; quote it if it is text",
    );
}

#[test]
fn unknown_key_suggests_the_nearest_one() {
    let err = fails("unknown_key_tgas");
    assert_has(
        &err,
        "content/typo.md:4:1: unknown key `tgas` in front-matter",
    );
    assert_has(&err, "did you mean `tags`?");
}

#[test]
fn impossible_date_is_an_error_at_its_value() {
    let err = fails("bad_date_feb_30");
    assert_has(
        &err,
        "content/date.md:3:7: `2025-02-30` is not a valid date",
    );
}

#[test]
fn wrong_type_is_an_error_with_a_hint() {
    let err = fails("wrong_type_tags");
    assert_has(
        &err,
        "content/types.md:4:7: wrong type: integer `5`, expected a sequence in `tags`",
    );
    assert_has(&err, "write `tags` as a list");
}

#[test]
fn unknown_related_reference_suggests_an_existing_article() {
    let err = fails("related_unknown_ref");
    assert_has(
        &err,
        "content/2025/a.md:5:5: related article `2025/isis-retrun` does not exist",
    );
    assert_has(&err, "did you mean `2025/isis-return`?");
}

#[test]
fn javascript_url_is_refused() {
    let err = fails("javascript_url_related");
    assert_has(
        &err,
        "content/x.md:6:11: `javascript:alert(1)` is not an http(s) or mailto URL",
    );
}

#[test]
fn duplicate_urls_name_both_files() {
    let err = fails("duplicate_slugs");
    assert_has(
        &err,
        "content/two.md:4:7: this article and content/one.md would both be written to `/one/`",
    );
    assert_has(&err, "give one of them a different `slug:` or file name");
}

/// Two files whose names look the same, one with a composed أ and one with ا and a combining
/// hamza (as some Macs write names): the message names two files that look alike, and says why.
#[test]
fn look_alike_file_names_are_explained() {
    let dir = site("good_site");
    let article = "---\ntitle: عنوان\ndate: 2025-01-01\n---\nنص.\n";
    write(dir.path(), "content/\u{623}مريكا.md", article);
    write(dir.path(), "content/\u{627}\u{654}مريكا.md", article);
    let out = warraq(dir.path(), &["build"]);
    let err = flat(&stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(&err, &flat("would both be written to `/أمريكا/`"));
    assert_has(
        &err,
        &flat("the two file names look the same but are written differently"),
    );
}

#[test]
fn articles_cannot_take_urls_of_generated_pages() {
    let dir = site("good_site");
    std::fs::create_dir_all(dir.path().join("content/tags")).unwrap();
    std::fs::write(
        dir.path().join("content/tags/x.md"),
        "---\ntitle: x\ndate: 2025-01-01\n---\nx\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/archive.md"),
        "---\ntitle: y\ndate: 2025-01-01\n---\ny\n",
    )
    .unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(&err, "content/tags/x.md: this article's URL `/tags/x/` is inside `/tags/`, which warraq generates");
    assert_has(
        &err,
        "content/archive.md: this article's URL `/archive/` is inside `/archive/`",
    );
    // A `slug:` that takes such a URL is pointed at where it is written.
    std::fs::write(
        dir.path().join("content/archive.md"),
        "---\ntitle: y\ndate: 2025-01-01\nslug: search\n---\ny\n",
    )
    .unwrap();
    let out = warraq(dir.path(), &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_has(
        &err,
        "content/archive.md:4:7: this article's URL `/search/` is inside `/search/`",
    );
}

#[test]
fn path_tricks_in_slugs_are_refused() {
    let err = fails("slug_path_trick");
    assert_has(
        &err,
        "content/x.md:4:8: slug `../../etc` is not a single path segment",
    );
}

#[test]
fn file_without_front_matter_is_an_error() {
    let err = fails("no_front_matter");
    assert_has(&err, "content/plain.md:1:1: the file has no front-matter");
}

#[test]
fn missing_title_is_an_error() {
    let err = fails("missing_title");
    assert_has(&err, "content/a.md:2:1: front-matter has no `title`");
}

#[test]
fn body_link_to_a_missing_md_file_is_an_error() {
    let err = flat(&fails("body_link_missing_md"));
    assert_has(
        &err,
        &flat("content/2025/a.md:5:13: link to `../2024/missing.md` names no article (looked for content/2024/missing.md)"),
    );
    // A path that climbs out of content/ says so, and the article it meant is suggested.
    let dir = site("body_link_missing_md");
    write(
        dir.path(),
        "content/2024/missing.md",
        "---\ntitle: x\ndate: 2024-01-01\n---\nx\n",
    );
    write(
        dir.path(),
        "content/2025/a.md",
        "---\ntitle: x\ndate: 2025-01-01\n---\n[x](../../2024/missing.md)\n",
    );
    let out = warraq(dir.path(), &["build"]);
    let err = flat(&stderr(&out));
    assert_has(
        &err,
        &flat("content/2025/a.md:5:1: link to `../../2024/missing.md` leads out of content/, where articles are"),
    );
    assert_has(&err, &flat("did you mean `2024/missing.md`?"));
}

#[test]
fn body_javascript_link_is_an_error() {
    let err = fails("body_javascript_link");
    assert_has(
        &err,
        "content/a.md:5:7: link to `javascript:alert(1)` uses the `javascript:` scheme",
    );
}

#[test]
fn non_utf8_file_is_an_error_with_its_position() {
    let dir = site("bad_date_feb_30");
    std::fs::write(
        dir.path().join("content/date.md"),
        b"---\ntitle: \"\xd8\xa3\xff\"\ndate: 2025-01-01\n---\n",
    )
    .unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_has(
        &stderr(&out),
        "content/date.md:2:10: the file is not UTF-8 text",
    );
    // Notepad's "Unicode" and the older Arabic Windows encoding are named, in articles and in
    // site.yaml alike.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "---\ntitle: الحسكة\ndate: 2025-01-01\n---\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    std::fs::write(dir.path().join("content/date.md"), utf16).unwrap();
    let mut cp1256 = b"title: ".to_vec();
    cp1256.extend([
        218, 228, 230, 199, 228, 32, 199, 225, 205, 211, 223, 201, b'\n',
    ]);
    std::fs::write(dir.path().join("site.yaml"), cp1256).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_has(
        &err,
        "site.yaml:1:8: site.yaml is not UTF-8 text (invalid byte at offset 7)",
    );
    assert_has(&err, "Windows-1256, the older Arabic encoding of Windows");
    assert!(!dir.path().join("public").exists());
    std::fs::write(dir.path().join("site.yaml"), "title: x\n").unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_has(
        &stderr(&out),
        "content/date.md:1:1: the file is UTF-16 text (it starts with UTF-16's byte-order",
    );
    assert_has(&stderr(&out), "save it with the encoding UTF-8");
}

/// Front-matters are read from the first 4 KB of a file when they end there; what lies beyond
/// is still read, checked and positioned.
#[test]
fn long_files_are_checked_whole_and_long_front_matters_read_whole() {
    let dir = site("bad_date_feb_30");
    let line = "فقرة طويلة عن الإدارة الذاتية في الحسكة والمفاوضات مع دمشق.\n\n";
    let body = line.repeat(80);
    let mut bytes = format!("---\ntitle: \"طويل\"\ndate: 2025-01-01\n---\n{body}").into_bytes();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    bytes.extend_from_slice(b"\xd8\xa3\xff\n");
    assert!(bytes.len() > 8192);
    std::fs::write(dir.path().join("content/date.md"), &bytes).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_has(
        &stderr(&out),
        &format!(
            "content/date.md:{}:2: the file is not UTF-8 text",
            lines + 1
        ),
    );
    // A front-matter of 6 KB, and a CRLF file whose closing line straddles the first 4 KB.
    let summary = "ملخص ".repeat(600);
    write(
        dir.path(),
        "content/date.md",
        format!("---\ntitle: \"طويل\"\ndate: 2025-01-01\nsummary: \"{summary}\"\n---\n{body}"),
    );
    let padding =
        "x".repeat(4096 - "---\r\ntitle: \"crlf\"\r\ndate: 2025-01-02\r\nsummary: \"\"\r\n-".len());
    let crlf = format!(
        "---\r\ntitle: \"crlf\"\r\ndate: 2025-01-02\r\nsummary: \"{padding}\"\r\n---\r\n{body}"
    );
    assert_eq!(&crlf.as_bytes()[4095..4097], b"--");
    write(dir.path(), "content/crlf.md", crlf);
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = read(dir.path().join("public/date/index.html"));
    assert!(page.contains(summary.trim()), "the whole summary is read");
    assert_eq!(page.matches("فقرة طويلة").count(), 80);
    assert!(read(dir.path().join("public/crlf/index.html")).contains(&padding));
}

#[test]
fn all_errors_of_a_build_are_reported_together() {
    let err = fails("multiple_errors");
    assert_has(&err, "content/a.md:3:7: `2025-13-01` is not a valid date");
    assert_has(&err, "content/b.md:4:1: unknown key `tgas`");
    assert_has(&err, "error: 2 problems found");
    // c.md's related entry can only be checked once every file parses; it is not hidden either
    // when the others are fixed:
    let dir = site("multiple_errors");
    std::fs::remove_file(dir.path().join("content/a.md")).unwrap();
    std::fs::remove_file(dir.path().join("content/b.md")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_has(
        &stderr(&out),
        "content/c.md:4:11: related article `nowhere` does not exist",
    );
}

#[test]
fn site_yaml_unknown_key_is_an_error() {
    let err = fails("bad_site_yaml");
    assert_has(&err, "site.yaml:2:1: unknown key `date_styel` in site.yaml");
    assert_has(&err, "did you mean `date_style`?");
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    let err = fails("template_error");
    assert_has(&err, "templates/article.html:3:");
}

#[test]
fn template_render_error_is_reported_once_with_a_page_that_hit_it() {
    // The template fails on all three articles; the report names it once.
    let err = fails("template_render_error");
    assert_eq!(
        err.matches("Field `nope` is not defined").count(),
        1,
        "{err}"
    );
    assert_has(&err, "templates/article.html:2:");
    // the first page it broke (miette wraps the long message anywhere: compare words)
    let words: Vec<&str> = err
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect();
    assert_has(&words.join(" "), "while rendering a1/");
    assert_has(&err, "error: 1 problem found");
}

#[test]
fn site_templates_override_defaults_and_output_is_escaped() {
    let dir = site("template_override");
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let article = read(dir.path().join("public/a/index.html"));
    assert_has(
        &article,
        "<p class=\"custom-article\">&lt;script&gt;alert(1)&lt;/script&gt; عنوان</p>",
    );
    let home = read(dir.path().join("public/index.html"));
    assert!(
        !home.contains("<script>alert(1)"),
        "titles are escaped on the home page too"
    );
    assert!(!home.contains("<b>وسم</b>"), "tag names are escaped");
}

#[test]
fn failed_build_leaves_previous_site_untouched() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let before = tree(&dir.path().join("public"));
    std::fs::write(
        dir.path().join("content/2025/bad.md"),
        "---\ntitle: [unclosed\ndate: 2025-01-01\n---\n",
    )
    .unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        tree(&dir.path().join("public")),
        before,
        "public/ must be byte-identical after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("warraq-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary folder is left behind");
}

/// A build that was killed (or whose machine stopped) leaves its temporary folder, or the
/// previous output it was removing; the next build of that output removes them.
#[test]
fn the_next_build_removes_what_a_killed_build_left() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let before = tree(&dir.path().join("public"));
    for left in [
        ".public.warraq-tmp-4000001/2025/a",
        ".public.warraq-old-4000002/tags",
        ".other.warraq-tmp-4000003",
        ".public.warraq-tmp-mine",
    ] {
        std::fs::create_dir_all(dir.path().join(left)).unwrap();
    }
    write(
        dir.path(),
        ".public.warraq-tmp-4000001/2025/a/index.html",
        "half",
    );
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".warraq-"))
        .collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("4000001") || n.contains("4000002")),
        "{names:?}"
    );
    assert!(
        names.contains(&".other.warraq-tmp-4000003".to_string()),
        "another output's folder is not ours"
    );
    assert!(
        names.contains(&".public.warraq-tmp-mine".to_string()),
        "nor a folder warraq did not name"
    );
    assert_eq!(tree(&dir.path().join("public")), before);
}

/// A build stopped between moving the previous output aside and putting its own in place (where
/// the output cannot be swapped in one step) leaves no output; the next build puts the previous
/// one back before anything else, so even when it fails the site is as it was.
#[test]
fn a_build_stopped_between_its_renames_leaves_the_previous_site_to_the_next_one() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let before = tree(&dir.path().join("public"));
    std::fs::rename(
        dir.path().join("public"),
        dir.path().join(".public.warraq-old-4000011"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".public.warraq-tmp-4000011/2025")).unwrap();
    // The next build fails: the site is still the previous one, and the leftovers are gone.
    write(dir.path(), "content/2025/broken.md", "---\ntitle: [\n---\n");
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(tree(&dir.path().join("public")), before);
    for left in [".public.warraq-old-4000011", ".public.warraq-tmp-4000011"] {
        assert!(!dir.path().join(left).exists(), "{left}");
    }
    std::fs::remove_file(dir.path().join("content/2025/broken.md")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(tree(&dir.path().join("public")), before);
}

/// An output that is a link to a folder elsewhere (a web server's root) is built where it
/// points: the folder is replaced, the link stays, and nothing is emptied.
#[cfg(unix)]
#[test]
fn a_symlinked_output_is_replaced_where_it_points_and_the_link_stays() {
    let dir = site("good_site");
    let www = tempfile::tempdir().unwrap();
    let served = www.path().join("site");
    let out = warraq(dir.path(), &["build", "--output", served.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::os::unix::fs::symlink(&served, dir.path().join("public")).unwrap();
    std::fs::remove_file(dir.path().join("content/2023/english.md")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let link = std::fs::symlink_metadata(dir.path().join("public")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert!(
        served.join("index.html").is_file(),
        "the served folder has the new site"
    );
    assert!(!served.join("2023/english").exists());
    assert!(served.join("2025/sharaa/index.html").is_file());
    let left: Vec<_> = std::fs::read_dir(www.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("warraq-tmp") || n.contains("warraq-old"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// An output inside a folder builds read would be read back as sources by the next build
/// (`static/` copied into the output again, one level deeper every time): refused, exit 2.
#[test]
fn an_output_inside_a_source_folder_is_refused() {
    let dir = site("good_site");
    std::fs::create_dir_all(dir.path().join("static")).unwrap();
    for output in [
        "static/site",
        "content",
        "./templates/../static/x",
        "data/out",
    ] {
        let out = warraq(dir.path(), &["build", "--output", output]);
        assert_eq!(out.status.code(), Some(2), "{output}: {}", stderr(&out));
        assert_has(&flat(&stderr(&out)), &flat("which every build reads"));
    }
    assert!(!dir.path().join("static/site").exists());
    assert!(!dir.path().join("data").exists());
    // Beside them is fine.
    let out = warraq(dir.path(), &["build", "--output", "static-site"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// An output that is the site's folder, or a folder holding it, would replace the sources with
/// the output: `--output .` is refused (exit 2), `output: .` in site.yaml is an error at its
/// value (exit 1), and nothing of the site is touched.
#[test]
fn an_output_that_is_the_site_or_holds_it_is_refused() {
    let dir = site("good_site");
    let name = dir
        .path()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let before = std::fs::read_dir(dir.path().join("content"))
        .unwrap()
        .count();
    for output in [".", "./", "..", &format!("../{name}"), "content/.."] {
        let out = warraq(dir.path(), &["build", "--output", output]);
        assert_eq!(out.status.code(), Some(2), "{output}: {}", stderr(&out));
        assert_has(
            &flat(&stderr(&out)),
            &flat("is the site's own folder or holds it"),
        );
    }
    for written in ["'.'", "''", "./x/.."] {
        std::fs::write(dir.path().join("site.yaml"), format!("output: {written}\n")).unwrap();
        let out = warraq(dir.path(), &["build"]);
        assert_eq!(out.status.code(), Some(1), "{written}: {}", stderr(&out));
        let err = flat(&stderr(&out));
        assert_has(&err, "site.yaml:1:9");
        assert_has(&err, &flat("names the site's own folder"));
    }
    assert_eq!(
        std::fs::read_dir(dir.path().join("content"))
            .unwrap()
            .count(),
        before
    );
    assert!(!dir.path().join(".warraq-output").exists());
}

/// Two builds of one output at once would each replace the other's: the second one stops
/// (exit 2) and changes nothing.
#[test]
fn a_build_while_another_writes_the_output_stops_and_changes_nothing() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    let before = tree(&dir.path().join("public"));
    std::fs::remove_file(dir.path().join("content/2023/english.md")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join(".public.warraq-lock"))
        .expect("a build leaves its lock file beside the output");
    lock.try_lock().expect("no build holds it any more");
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert_has(&stderr(&out), "another warraq build is writing");
    assert_eq!(tree(&dir.path().join("public")), before);
    // It stops before reading anything: a broken article is not even looked at.
    write(dir.path(), "content/2025/broken.md", "---\ntitle: [\n---\n");
    let out = warraq(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("broken.md"), "{}", stderr(&out));
    std::fs::remove_file(dir.path().join("content/2025/broken.md")).unwrap();
    drop(lock);
    // A build with work to do also removes what a killed one left.
    std::fs::create_dir_all(dir.path().join(".public.warraq-old-4000009/x")).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!dir.path().join("public/2023/english").exists());
    assert!(!dir.path().join(".public.warraq-old-4000009").exists());
}

#[test]
fn successful_rebuild_replaces_the_output_as_a_whole() {
    let dir = site("good_site");
    assert!(warraq(dir.path(), &["build"]).status.success());
    std::fs::remove_file(dir.path().join("content/2023/english.md")).unwrap();
    assert!(warraq(dir.path(), &["build"]).status.success());
    assert!(
        !dir.path().join("public/2023/english").exists(),
        "stale pages disappear"
    );
}

#[test]
fn output_refuses_a_foreign_non_empty_folder() {
    let dir = site("good_site");
    let foreign = dir.path().join("precious");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("thesis.txt"), "do not delete").unwrap();
    let out = warraq(dir.path(), &["build", "--output", "precious"]);
    assert_eq!(out.status.code(), Some(2));
    assert_has(&stderr(&out), "refusing to replace `precious`");
    assert_eq!(read(foreign.join("thesis.txt")), "do not delete");
    assert_eq!(std::fs::read_dir(&foreign).unwrap().count(), 1);
    // A file is refused too; neither refusal leaves a lock file beside what it refused.
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = warraq(dir.path(), &["build", "--output", "notes.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert_has(&stderr(&out), "`notes.txt` exists and is not a folder");
    assert_eq!(read(dir.path().join("notes.txt")), "mine");
    let locks: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("warraq-lock"))
        .collect();
    assert!(locks.is_empty(), "{locks:?}");
}

#[test]
fn output_accepts_an_empty_folder_and_a_previous_output() {
    let dir = site("good_site");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    assert!(warraq(dir.path(), &["build", "--output", "out"])
        .status
        .success());
    assert!(dir.path().join("out/.warraq-output").is_file());
    assert!(warraq(dir.path(), &["build", "--output", "out"])
        .status
        .success());
}

/// An article `new` wrote and nobody finished publishes its placeholder as its first paragraph,
/// summary and meta description: every build warns (also when the article is kept from the
/// previous build), and stops once the paragraph is written.
#[test]
fn a_placeholder_new_wrote_is_a_warning_until_replaced() {
    let dir = site("good_site");
    let out = warraq(dir.path(), &["new", "مقال لم يكتمل", "--dir", "2025"]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::thread::sleep(std::time::Duration::from_millis(1200));
    let warning = "warning: content/2025/مقال-لم-يكتمل.md:6:1: the article still begins with the paragraph `warraq new` wrote";
    for _ in 0..2 {
        let out = warraq(dir.path(), &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_has(&flat(&stderr(&out)), &flat(warning));
    }
    let path = dir.path().join("content/2025/مقال-لم-يكتمل.md");
    let text = read(&path).replace("اكتب هنا الفقرة الأولى", "كتب المحرر الفقرة الأولى");
    std::fs::write(&path, text).unwrap();
    let out = warraq(dir.path(), &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warraq new"), "{}", stderr(&out));
}

#[test]
fn init_new_and_build_work_in_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("x");
    assert!(warraq(dir.path(), &["init", "x"]).status.success());
    let out = warraq(
        &site_dir,
        &[
            "new",
            "تجربة أولى",
            "--tags",
            "سوريا, داعش",
            "--dir",
            "2025",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let article = read(site_dir.join("content/2025/تجربة-أولى.md"));
    assert_has(&article, "title: \"تجربة أولى\"");
    assert_has(&article, "tags: [\"سوريا\", \"داعش\"]");
    let out = warraq(&site_dir, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site_dir.join("public/2025/تجربة-أولى/index.html").is_file());
    assert!(
        !site_dir.join("templates").exists(),
        "embedded templates need no templates/ folder"
    );
    // What builds leave in the site (output, cache, lock) is ignored by the `.gitignore` init wrote.
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(&site_dir)
            .output()
            .expect("git runs")
    };
    assert!(git(&["init", "-q"]).status.success());
    let status = String::from_utf8(
        git(&[
            "-c",
            "core.quotePath=false",
            "status",
            "--porcelain",
            "--untracked-files=all",
        ])
        .stdout,
    )
    .unwrap();
    let untracked: Vec<&str> = status
        .lines()
        .map(|l| l.trim_start_matches("?? "))
        .collect();
    let (content, others): (Vec<&str>, Vec<&str>) =
        untracked.iter().partition(|l| l.starts_with("content/"));
    assert_eq!(
        others,
        [".gitignore", "site.yaml", "static/.keep"],
        "{status}"
    );
    assert_eq!(content.len(), 2, "{status}");
    // a second `new` with the same title refuses to overwrite; `init` refuses an existing site
    assert_eq!(
        warraq(&site_dir, &["new", "تجربة أولى", "--dir", "2025"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(warraq(dir.path(), &["init", "x"]).status.code(), Some(2));
    // `new` run outside any site (here the folder holding it) leaves no stray content/ there.
    let out = warraq(dir.path(), &["new", "عنوان"]);
    assert_eq!(out.status.code(), Some(2));
    assert_has(&stderr(&out), "holds no site");
    assert!(!dir.path().join("content").exists());
}

#[test]
fn help_has_examples_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = warraq(dir.path(), &["build", "--help"]);
    assert!(out.status.success());
    assert_has(&stdout(&out), "Examples:");
    assert_eq!(
        warraq(dir.path(), &["build", "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        warraq(dir.path(), &["build", "--root", "does-not-exist"])
            .status
            .code(),
        Some(2)
    );
}
