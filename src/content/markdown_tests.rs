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
