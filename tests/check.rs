//! `warraq check` end to end: broken links, missing anchors, Arabic paths, images, exit codes,
//! the JSON report, and checking a folder another generator built.

mod common;

use common::*;

#[test]
fn clean_site_passes_and_public_is_untouched() {
    let dir = site("check_clean");
    let out = warraq(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("all resolve"));
    assert!(
        !dir.path().join("public").exists(),
        "check builds into a temporary folder"
    );
}

/// `-q`, as `build -q`: a check that passes prints nothing; one that fails prints its problems.
#[test]
fn quiet_check_says_nothing_when_all_resolve_and_everything_when_not() {
    let dir = site("check_clean");
    let out = warraq(dir.path(), &["check", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "");
    let dir = site("check_links");
    let out = warraq(dir.path(), &["check", "--quiet"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("missing anchor: /2025/target/#%D8%AE"),
        "{err}"
    );
    assert!(err.contains("4 broken"), "{err}");
}

#[test]
fn site_with_a_sub_path_base_url_checks_clean() {
    // base_url https://example.org/archive/: sitemap and feed permalinks are internal, while
    // https://example.org/news/123 (same host, outside the base path) is an external link.
    let dir = site("good_site");
    let out = warraq(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(warraq(dir.path(), &["build"]).status.success());
    let out = warraq(dir.path(), &["check", "--site", "public"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn broken_links_anchors_and_images_are_reported_with_page_source_and_line() {
    let dir = site("check_links");
    let out = warraq(dir.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("2025/links/index.html (from content/2025/links.md)"),
        "{err}"
    );
    // an Arabic path that does not exist, with its line in the markdown source
    assert!(err.contains("broken link: /tags/%D8%BA"), "{err}");
    assert!(
        err.contains(
            "«وسم غير موجود» → tags/غير-موجود/ does not exist\n      at content/2025/links.md:8"
        ),
        "{err}"
    );
    // a near miss gets a suggestion
    assert!(
        err.contains("«صفحة مفقودة» → 2025/targt/ does not exist"),
        "{err}"
    );
    assert!(err.contains("did you mean /2025/target/?"), "{err}");
    // a missing anchor in an existing page
    assert!(
        err.contains("missing anchor: /2025/target/#%D8%AE"),
        "{err}"
    );
    // a broken image (raw HTML: a markdown image naming a missing file fails the build itself)
    assert!(
        err.contains("broken link: /images/missing.png «صورة مفقودة»"),
        "{err}"
    );
    assert!(
        !err.contains("did you mean /?"),
        "no useless suggestions: {err}"
    );
    assert!(err.contains("4 broken"), "{err}");
    // the links that exist (Arabic raw and percent-encoded, Arabic anchor, image) are not reported
    assert!(!err.contains("/tags/%D8%AF%D8%A7%D8%B9%D8%B4/ "), "{err}");
    assert!(!err.contains("images/ok.gif"), "{err}");
}

#[test]
fn json_report_has_a_stable_schema() {
    let dir = site("check_links");
    let out = warraq(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json = stdout(&out).replace(&dir.path().display().to_string(), "<root>");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON on stdout");
    assert_eq!(value["ok"], false);
    insta::assert_json_snapshot!(value["problems"]);
}

/// A broken link in an article's first paragraph is on its page and again in its summary on the
/// home page: both are reported, and the home page's names the article's file and line, where the
/// editor fixes it, with the page it comes from.
#[test]
fn a_broken_link_shown_in_a_summary_points_to_the_article_that_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(
        content.join("a.md"),
        "---\ntitle: أ\ndate: 2025-01-01\n---\nفقرة فيها [رابط مكسور](/nope/).\n",
    )
    .unwrap();
    std::fs::write(
        content.join("b.md"),
        "---\ntitle: ب\ndate: 2025-01-02\n---\nنص.\n",
    )
    .unwrap();
    let out = warraq(dir.path(), &["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/index.html\n  ✗ broken link: /nope/ «رابط مكسور» → nope/ does not exist\n      shown here from /a/index.html: at content/a.md:5"),
        "{err}"
    );
    assert!(
        !err.lines().any(|l| l.starts_with("/index.html (from")),
        "the home page has no source of its own: {err}"
    );
    assert!(
        err.contains(
            "2 broken (1 written in the sources, 1 more where other pages show those links again)"
        ),
        "{err}"
    );
    let out = warraq(dir.path(), &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON on stdout");
    let problems = report["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{problems:?}");
    let on = |page: &str| {
        problems
            .iter()
            .find(|p| p["page"] == page)
            .unwrap_or_else(|| panic!("{page}: {problems:?}"))
    };
    assert_eq!(on("a/index.html")["source"]["file"], "content/a.md");
    assert!(on("a/index.html").get("repeat_of").is_none());
    assert_eq!(on("index.html")["source"]["file"], "content/a.md");
    assert_eq!(on("index.html")["source"]["line"], 5);
    assert_eq!(on("index.html")["repeat_of"], "a/index.html");
}

#[test]
fn check_site_reads_a_folder_built_by_anything() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("out");
    std::fs::create_dir_all(site.join("a")).unwrap();
    std::fs::write(site.join("index.html"), r#"<a href="a/">a</a> <a href="b.html">b</a> <a href="https://example.org/x">ext</a> <a href="a/#top">top</a>"#).unwrap();
    std::fs::write(
        site.join("a/index.html"),
        r#"<h1 id="x">x</h1><a href="../index.html#x">back</a> <a href="../">home</a>"#,
    )
    .unwrap();
    let out = warraq(dir.path(), &["check", "--site", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("broken link: b.html «b» → b.html does not exist"),
        "{err}"
    );
    assert!(
        err.contains("missing anchor: ../index.html#x «back»"),
        "{err}"
    );
    assert!(err.contains("2 broken"), "{err}");
    assert_eq!(
        warraq(dir.path(), &["check", "--site", "nowhere"])
            .status
            .code(),
        Some(2)
    );
    // A folder without a page (a mistyped `--site dist`, a build that never ran) is no pass.
    std::fs::create_dir_all(dir.path().join("dist/assets")).unwrap();
    std::fs::write(dir.path().join("dist/assets/app.css"), "a{}").unwrap();
    let out = warraq(dir.path(), &["check", "--site", "dist"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds no HTML page"),
        "{}",
        stderr(&out)
    );
    let out = warraq(dir.path(), &["check", "--site", "dist", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["failure"], "usage");
}

#[test]
fn content_errors_fail_check_with_exit_1() {
    let dir = site("unknown_key_tgas");
    let out = warraq(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("content/typo.md:4:1: unknown key `tgas`"));
    // A pipeline reading the JSON report gets one whether or not the site built: the report's
    // fields, `ok` false, and the errors with their positions.
    let out = warraq(dir.path(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON on stdout");
    assert_eq!(report["version"], 1);
    assert_eq!(report["ok"], false);
    assert_eq!(report["failure"], "content");
    assert_eq!(report["problems"], serde_json::json!([]));
    let error = &report["errors"][0];
    assert_eq!(error["file"], "content/typo.md");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(4), Some(1))
    );
    assert!(error["message"]
        .as_str()
        .is_some_and(|m| m.contains("unknown key `tgas`")));
    let out = warraq(
        dir.path(),
        &["check", "--format", "json", "--site", "nowhere"],
    );
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON on stdout");
    assert_eq!(
        (report["ok"].clone(), report["failure"].clone()),
        (false.into(), "usage".into())
    );
}

/// A `srcset` URL may hold commas (an image service's `w_480,c_fill`, a file named so): HTML
/// reads it to the next whitespace, and so does `check`. Cut at every comma, both halves were
/// reported broken. A candidate that is missing is still reported.
#[test]
fn srcset_urls_with_commas_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    write(
        site,
        "index.html",
        "<!doctype html><html lang=\"ar\"><head><title>x</title></head><body>\
         <img alt=\"\" src=\"i/w_480,c_fill.png\" srcset=\"i/w_480,c_fill.png 480w,i/w_960,c_fill.png 960w, i/absent.png 2x\">\
         </body></html>",
    );
    write(site, "i/w_480,c_fill.png", "png");
    write(site, "i/w_960,c_fill.png", "png");
    let out = warraq(site, &["check", "--site", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("broken link: i/absent.png"), "{err}");
    assert!(err.contains("1 broken"), "{err}");
    assert!(!err.contains("c_fill.png →"), "{err}");
}

/// A heading named as a section of the page around it ("Related", "main") got that section's id,
/// and its page had two elements with one id, which `check` refuses: an ordinary article failed
/// CI. Body anchors keep out of the ids the templates write, the site's own templates included.
#[test]
fn headings_named_as_the_pages_own_sections_do_not_take_their_ids() {
    let dir = site("check_clean");
    write(
        dir.path(),
        "templates/partials/extra.html",
        "<aside id=\"notes\">{% block notes %}{% endblock %}</aside>",
    );
    write(
        dir.path(),
        "content/2025/sections.md",
        "---\ntitle: أقسام\ndate: 2025-05-01\n---\n# main\n\n## Related\n\n## Similar\n\n## notes\n\nنص [الأقسام](#related-1).\n",
    );
    let out = warraq(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(warraq(dir.path(), &["build"]).status.success());
    let page = read(dir.path().join("public/2025/sections/index.html"));
    for id in ["main-1", "related-1", "similar-1", "notes-1"] {
        assert!(page.contains(&format!("id=\"{id}\"")), "{id}");
    }
}

/// A link to a heading written as its text is (with tashkeel, decomposed as some Macs save it)
/// misses the heading's id, which has neither: the hint names that id, which edit distance
/// alone did not (every mark is an edit).
#[test]
fn a_missing_anchor_written_with_tashkeel_is_shown_the_headings_id() {
    use unicode_normalization::UnicodeNormalization;
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("out");
    std::fs::create_dir_all(&site).unwrap();
    let written: String = "فصلٌ-أوّل".nfd().collect();
    std::fs::write(
        site.join("index.html"),
        format!(
            r##"<h2 id="فصل-أول">فصلٌ أوّل</h2><h2 id="فصل-ثان">فصل ثان</h2><a href="{}">x</a> <a href="#فصل-اول">y</a>"##,
            url_fragment(&written)
        ),
    )
    .unwrap();
    let out = warraq(dir.path(), &["check", "--site", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("#فصلٌ-أوّل does not exist\n      did you mean #فصل-أول?")
            || err.contains(&format!(
                "#{written} does not exist\n      did you mean #فصل-أول?"
            )),
        "{err}"
    );
    // A near miss that is not the same heading still gets the nearest id.
    assert!(
        err.contains("«y» → index.html#فصل-اول does not exist\n      did you mean #فصل-أول?"),
        "{err}"
    );
}

/// `#` and the percent-encoded UTF-8 of `text`.
fn url_fragment(text: &str) -> String {
    let mut out = String::from("#");
    for b in text.bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
    out
}
