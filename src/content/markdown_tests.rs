//! Unit tests of the markdown layer (kept beside it; `markdown.rs` is long enough).
use super::*;

fn md(body: &str) -> Rendered {
    render(
        body,
        Dir::Rtl,
        &|_| Ok(Resolved::default()),
        &HtmlPolicy::default(),
    )
}

#[test]
fn latin_paragraphs_get_ltr_and_arabic_ones_nothing() {
    let r = md("فقرة عربية.\n\nAn English paragraph.\n\n«2025» ثم نص\n");
    assert!(r.html.contains("<p>فقرة عربية.</p>"), "{}", r.html);
    assert!(
        r.html.contains("<p dir=\"ltr\">An English paragraph.</p>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<p>«2025» ثم نص</p>"), "{}", r.html);
}

#[test]
fn headings_list_items_quotes_and_cells_get_dir() {
    let r = md("## Introduction\n\n- English item\n- بند عربي\n\n> A quote in English\n\n| name | الاسم |\n|---|---|\n| Reuters | رويترز |\n");
    assert!(
        r.html.contains("<h2 id=\"introduction\" dir=\"ltr\">"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<li dir=\"ltr\">English item</li>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<li>بند عربي</li>"), "{}", r.html);
    assert!(r.html.contains("<blockquote dir=\"ltr\">"), "{}", r.html);
    assert!(r.html.contains("<th dir=\"ltr\">name</th>"), "{}", r.html);
    assert!(
        r.html.contains("<td dir=\"ltr\">Reuters</td>"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<td>رويترز</td>"), "{}", r.html);
}

#[test]
fn code_is_always_ltr() {
    let r = md("نص `warraq build` هنا\n\n```sh\nwarraq build\n```\n");
    assert!(
        r.html.contains("<code dir=\"ltr\">warraq build</code>"),
        "{}",
        r.html
    );
    assert!(
        r.html
            .contains("<pre dir=\"ltr\"><code class=\"language-sh\">warraq build\n</code></pre>"),
        "{}",
        r.html
    );
    assert!(
        !r.text.contains("warraq build\n"),
        "code blocks are not searchable text"
    );
}

#[test]
fn inline_code_does_not_decide_a_paragraph_direction() {
    let r = md("`build` يبني الموقع\n");
    assert!(r.html.starts_with("<p><code"), "{}", r.html);
}

#[test]
fn ltr_article_marks_arabic_blocks_rtl() {
    let r = render(
        "English.\n\nفقرة عربية\n",
        Dir::Ltr,
        &|_| Ok(Resolved::default()),
        &HtmlPolicy::default(),
    );
    assert!(r.html.contains("<p>English.</p>"));
    assert!(r.html.contains("<p dir=\"rtl\">فقرة عربية</p>"));
}

#[test]
fn heading_ids_keep_arabic_and_are_unique() {
    let r = md("## مقدمة\n\n## مقدمة\n\n## الشَّرْع؟\n\n## بعنوان {#custom}\n");
    let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["مقدمة", "مقدمة-1", "الشرع", "custom"]);
    assert!(r.html.contains("href=\"#%D9%85%D9%82%D8%AF%D9%85%D8%A9\""));
}

#[test]
fn first_paragraph_and_text_are_kept() {
    let r = md("# عنوان\n\nالفقرة **الأولى**.\n\nالثانية.\n");
    assert_eq!(
        r.first_paragraph_html,
        "<p>الفقرة <strong>الأولى</strong>.</p>\n"
    );
    assert_eq!(r.first_paragraph_text, "الفقرة الأولى.");
    assert!(r.text.contains("الثانية"));
}

#[test]
fn the_plain_text_keeps_blocks_apart() {
    let r = md("## العودة والنفوذ\n\nبرغم الخسائر\n\n- أول\n- ثان\n\n> اقتباس\n");
    let words: Vec<&str> = r.text.split_whitespace().collect();
    assert_eq!(
        words,
        [
            "العودة",
            "والنفوذ",
            "برغم",
            "الخسائر",
            "أول",
            "ثان",
            "اقتباس"
        ]
    );
}

#[test]
fn unsafe_schemes_are_refused_and_neutralised() {
    let r = md("[x](javascript:alert(1)) [y](JavaScript:alert(1)) [z](https://example.org)\n");
    assert_eq!(r.problems.len(), 2);
    assert_eq!(r.problems[0].offset, 0);
    assert!(!r.html.contains("javascript:"), "{}", r.html);
    assert!(r.html.contains("href=\"https://example.org\""));
}

#[test]
fn internal_links_go_through_the_resolver() {
    let r = render(
        "[a](../2024/x.md) [b](/missing/)\n",
        Dir::Rtl,
        &|dest| match dest {
            "../2024/x.md" => Ok(Resolved {
                href: Some("/2024/x/".into()),
                target: Some(3),
            }),
            _ => Err(("no such page".into(), None)),
        },
        &HtmlPolicy::default(),
    );
    assert!(r.html.contains("href=\"/2024/x/\""), "{}", r.html);
    assert_eq!(r.links_to, [3]);
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].offset, 18);
}

#[test]
fn footnotes_tables_and_strikethrough_render() {
    let r = md("نص[^1] ~~قديم~~\n\n[^1]: حاشية.\n");
    assert!(r.html.contains("footnote-reference"), "{}", r.html);
    assert!(r.html.contains("<del>قديم</del>"), "{}", r.html);
}

fn with_images(body: &str) -> Rendered {
    let info = Arc::new(crate::images::ImageInfo {
        source: std::path::PathBuf::new(),
        shown: String::new(),
        kind: crate::images::Kind::Png,
        hash: 7,
        width: 1200,
        height: 600,
        orientation: 1,
        stem: "map-7".into(),
    });
    let resolve = move |src: &str| -> Result<Option<Arc<ImageInfo>>, (String, Option<String>)> {
        match src {
            "map.png" => Ok(Some(info.clone())),
            "https://example.org/a.png" => Ok(None),
            other => Err((format!("image `{other}` does not exist"), None)),
        }
    };
    let href = |p: &str| p.to_string();
    let images = BodyImages {
        resolve: &resolve,
        href: &href,
    };
    render_with_images(
        body,
        Dir::Rtl,
        &|_| Ok(Resolved::default()),
        Some(&images),
        &HtmlPolicy::default(),
    )
}

#[test]
fn a_titled_image_alone_in_its_paragraph_is_a_figure_and_never_the_summary() {
    let r = with_images("![خريطة البادية](map.png \"البادية السورية\")\n\nالفقرة الأولى.\n");
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert!(
        r.html
            .starts_with("<figure class=\"figure\"><picture><source type=\"image/webp\""),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(
            "alt=\"خريطة البادية\" title=\"البادية السورية\" loading=\"lazy\" decoding=\"async\"></picture><figcaption dir=\"auto\">البادية السورية</figcaption></figure>"
        ),
        "{}",
        r.html
    );
    assert_eq!(r.first_paragraph_text, "الفقرة الأولى.");
    assert_eq!(r.images.len(), 1);
    // Without a title it stays a paragraph, still not the summary.
    let r = with_images("![خريطة](map.png)\n\nنص.\n");
    assert!(r.html.starts_with("<p><picture>"), "{}", r.html);
    assert_eq!(r.first_paragraph_text, "نص.");
    // Beside text it stays inline.
    let r = with_images("قبل ![خريطة](map.png \"ت\") بعد\n");
    assert!(r.html.starts_with("<p>قبل <picture>"), "{}", r.html);
    // (the alt text is searchable)
    assert!(r.text.contains("قبل خريطة"), "{}", r.text);
}

#[test]
fn images_need_alt_text_and_a_file() {
    let r = with_images(
        "نص.\n\n![](map.png)\n\n![وصف](gone.png)\n\n![وصف](https://example.org/a.png)\n",
    );
    let messages: Vec<(&str, usize)> = r
        .problems
        .iter()
        .map(|p| (p.message.as_str(), p.offset))
        .collect();
    assert_eq!(
        messages,
        [
            ("this image has no alt text", 7),
            ("image `gone.png` does not exist", 21)
        ]
    );
    assert!(
        r.html
            .contains("<img src=\"https://example.org/a.png\" alt=\"وصف\" />"),
        "{}",
        r.html
    );
}

#[test]
fn a_heading_id_or_class_holds_only_letters_digits_hyphens_underscores_and_dots() {
    for good in [
        "{#custom}",
        "{#الخلفية-2024}",
        "{#a_b.c}",
        "{#الشَّرْع}",
        "{#x .note .key-point}",
    ] {
        let r = md(&format!("## عنوان {good}\n"));
        assert!(r.problems.is_empty(), "{good}: {:?}", r.problems);
    }
    for (bad, shown) in [
        ("{#javascript:alert(1)}", "`:`"),
        ("{#a\"onmouseover=alert(1)}", "`\"`"),
        ("{#a&b}", "`&`"),
        ("{#a/b}", "`/`"),
        ("{#a\u{200f}b}", "U+200F"),
        ("{.a\"onclick=alert(1)}", "`\"`"),
        ("{#ok .a:b}", "`:`"),
    ] {
        let r = md(&format!("فقرة\n\n## عنوان {bad}\n"));
        assert_eq!(r.problems.len(), 1, "{bad}: {:?}", r.problems);
        let p = &r.problems[0];
        assert_eq!(p.offset, "فقرة\n\n".len(), "{bad}: at the heading");
        assert!(p.message.contains(shown), "{bad}: {}", p.message);
        assert!(p.hint.is_some());
    }
}

/// The CommonMark spec's 652 examples (tests/fixtures/commonmark): each body renders as the spec
/// says, once both sides have been through the same raw-HTML cleaning ([`sanitize`], which also
/// parses both as a browser does) and what warraq adds on purpose is set aside: heading ids, their
/// `#` anchors and their levels (a body's headings start at `h2` and never skip one), `dir`, and
/// the line break some blocks start with inside a list item. Four autolinks use a scheme the
/// contract refuses (SPEC §2): they are errors, each at its link, and render as `#`.
#[test]
fn commonmark_examples_render_as_the_spec_says() {
    use crate::content::raw_html::sanitize;
    #[derive(serde::Deserialize)]
    struct Example {
        number: u32,
        markdown: String,
        html: String,
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/commonmark/spec-0.31.2.json"
    );
    let examples: Vec<Example> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("spec examples")).unwrap();
    assert_eq!(examples.len(), 652);
    let refused_schemes = [596, 598, 599, 601];
    // Problems the site's policy finds in examples that otherwise render as the spec says.
    let policy_problems = [
        (170, "`<script>`"),
        (178, "`<script>`"),
        (581, "no alt text"),
    ];
    let policy = HtmlPolicy::default();
    let mut differ = Vec::new();
    for e in &examples {
        let r = render(&e.markdown, Dir::Ltr, &|_| Ok(Resolved::default()), &policy);
        let (got, want) = (
            comparable(&sanitize(&r.html, &policy)),
            comparable(&sanitize(&e.html, &policy)),
        );
        let messages: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
        if refused_schemes.contains(&e.number) {
            assert_ne!(
                got, want,
                "example {}: a refused scheme is not linked",
                e.number
            );
            assert!(got.contains("href=\"#\""), "example {}: {got}", e.number);
            assert!(
                messages.len() == 1 && messages[0].contains("scheme, which is not allowed"),
                "example {}: {messages:?}",
                e.number
            );
            continue;
        }
        match policy_problems.iter().find(|(n, _)| *n == e.number) {
            Some((_, what)) => assert!(
                messages.len() == 1 && messages[0].contains(what),
                "example {}: {messages:?}",
                e.number
            ),
            None => assert!(messages.is_empty(), "example {}: {messages:?}", e.number),
        }
        if got != want {
            differ.push(format!(
                "example {}: {:?}\n  spec: {want:?}\n  ours: {got:?}",
                e.number, e.markdown
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// Cleaned HTML without what warraq adds to a body on purpose (see the test above).
fn comparable(html: &str) -> String {
    let mut out = html.replace("<li>\n", "<li>");
    // Heading anchors: ` <a class="anchor" href="#id" …>#</a>`.
    while let Some(start) = out.find(" <a class=\"anchor\"") {
        let end = start + out[start..].find("</a>").expect("anchor closed") + "</a>".len();
        out.replace_range(start..end, "");
    }
    for attribute in [" id=\"", " dir=\""] {
        while let Some(start) = out.find(attribute) {
            let value = start + attribute.len();
            let end = value + out[value..].find('"').expect("attribute closed") + 1;
            out.replace_range(start..end, "");
        }
    }
    for level in 1..=6 {
        out = out
            .replace(&format!("<h{level}"), "<h")
            .replace(&format!("</h{level}>"), "</h>");
    }
    out.trim().to_string()
}

#[test]
fn inline_code_is_part_of_the_first_paragraphs_plain_text() {
    let r = md("ما لم تضع `summary:` في الترويسة، أو `a < \"b\"`.\n\nثانية.\n");
    assert_eq!(
        r.first_paragraph_text,
        "ما لم تضع summary: في الترويسة، أو a < \"b\"."
    );
    assert!(
        r.html
            .contains("<code dir=\"ltr\">summary:</code> في الترويسة، أو <code dir=\"ltr\">a &lt; \"b\"</code>"),
        "{}",
        r.html
    );
    assert!(r
        .first_paragraph_html
        .contains("<code dir=\"ltr\">summary:</code>"));
}
