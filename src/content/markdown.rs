//! Markdown → HTML on pulldown-cmark events, with what an Arabic archive needs on top:
//!
//! - every block whose first strong character runs against its context direction gets `dir`;
//!   code (blocks and inline) is always `dir="ltr"`;
//! - headings get ids that keep Arabic letters, unique per page, and a self-link;
//! - links are passed to a resolver (the loader rewrites `../2024/x.md` to the article's URL and
//!   reports missing targets); `javascript:`-like schemes are refused;
//! - the first paragraph, the plain text and the headings are kept for summaries, search and
//!   similarity.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{html, Alignment, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use super::anchors::Anchors;
use crate::arabic::bidi::{escape_html, first_strong, Dir};
use crate::arabic::slug::encode_fragment;

/// A heading of the article, for tables of contents and anchor checks.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// What the resolver decided for a link destination.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolved {
    /// A new href, when the destination is rewritten (`x.md` → `/2025/x/`).
    pub href: Option<String>,
    /// The index of the article it points to, for backlinks.
    pub target: Option<usize>,
}

/// A problem in the body, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// A rendered body.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// HTML of the first top-level paragraph.
    pub first_paragraph_html: String,
    /// Plain text of the first top-level paragraph.
    pub first_paragraph_text: String,
    /// Plain text of the whole body (code excluded), for search and similarity.
    pub text: String,
    pub headings: Vec<Heading>,
    /// Articles this body links to (resolver targets), in order, without repeats.
    pub links_to: Vec<usize>,
    pub problems: Vec<BodyProblem>,
}

/// The resolver signature: an internal destination → rewritten href/target, or a problem.
pub type Resolver<'a> = dyn Fn(&str) -> Result<Resolved, (String, Option<String>)> + 'a;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Renders a body whose surrounding direction is `context`.
pub fn render(body: &str, context: Dir, resolve: &Resolver<'_>) -> Rendered {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let mut out = Rendered::default();
    let mut anchors = Anchors::plan(events.iter().map(|(e, _)| e));
    let mut footnotes_referenced: HashSet<String> = HashSet::new();
    let mut dirs: Vec<Dir> = vec![context];
    let mut rewritten: Vec<Event<'_>> = Vec::with_capacity(events.len() + 16);
    let mut table_aligns: Vec<Alignment> = Vec::new();
    let mut cell_index = 0;
    let mut in_head = false;
    let mut image_depth = 0;
    let mut code_depth = 0;
    let mut top_depth = 0usize;
    let mut first_paragraph: Option<Range<usize>> = None; // range in `rewritten`
    let mut heading_anchor: Vec<String> = Vec::new();

    for (i, (event, range)) in events.iter().enumerate() {
        let event = event.clone();
        match event {
            Event::Start(tag) => {
                let block_dir = if is_dir_block(&tag) {
                    direction_of(&events[i..])
                } else {
                    None
                };
                let parent = *dirs.last().unwrap_or(&context);
                let dir = block_dir.unwrap_or(parent);
                let attr = (dir != parent).then_some(dir);
                if is_block(&tag) {
                    dirs.push(dir);
                }
                if top_depth == 0 && matches!(tag, Tag::Paragraph) && first_paragraph.is_none() {
                    first_paragraph = Some(rewritten.len()..rewritten.len());
                }
                if is_block(&tag) || matches!(tag, Tag::Table(_)) {
                    top_depth += 1;
                }
                let start = match tag {
                    Tag::Paragraph => attr.map_or(Event::Start(Tag::Paragraph), |d| {
                        raw(format!("<p dir=\"{}\">", d.as_str()))
                    }),
                    Tag::Heading {
                        level, id, classes, ..
                    } => {
                        let text = plain_text(&events[i..]);
                        let id = anchors.heading_id(id.is_some(), &text);
                        let level = anchors.open_heading(level);
                        // Authors may give an id and classes, never other attributes
                        // (`{#x onclick=…}` would write script into the page).
                        let attrs = attr
                            .map(|d| ("dir".into(), Some(d.as_str().into())))
                            .into_iter()
                            .collect();
                        out.headings.push(Heading {
                            level: level as u8,
                            id: id.clone(),
                            text,
                        });
                        heading_anchor.push(id.clone());
                        Event::Start(Tag::Heading {
                            level,
                            id: Some(id.into()),
                            classes,
                            attrs,
                        })
                    }
                    Tag::FootnoteDefinition(label) => {
                        let dir = attr
                            .map(|d| format!(" dir=\"{}\"", d.as_str()))
                            .unwrap_or_default();
                        match anchors.footnote(&label) {
                            Some(f) => raw(format!(
                                "<div class=\"footnote-definition\" id=\"{}\"{dir}><sup class=\"footnote-definition-label\"><a href=\"#{}\">{}</a></sup>",
                                escape_html(&f.id),
                                encode_fragment(&f.ref_id),
                                f.number
                            )),
                            None => Event::Start(Tag::FootnoteDefinition(label)),
                        }
                    }
                    Tag::Item => attr.map_or(Event::Start(Tag::Item), |d| {
                        raw(format!("<li dir=\"{}\">", d.as_str()))
                    }),
                    Tag::BlockQuote(kind) => match attr {
                        Some(d) if kind.is_none() => {
                            raw(format!("<blockquote dir=\"{}\">\n", d.as_str()))
                        }
                        _ => Event::Start(Tag::BlockQuote(kind)),
                    },
                    Tag::Table(aligns) => {
                        table_aligns = aligns.clone();
                        Event::Start(Tag::Table(aligns))
                    }
                    Tag::TableHead => {
                        in_head = true;
                        cell_index = 0;
                        Event::Start(Tag::TableHead)
                    }
                    Tag::TableRow => {
                        cell_index = 0;
                        Event::Start(Tag::TableRow)
                    }
                    Tag::TableCell => {
                        let cell = if in_head { "th" } else { "td" };
                        let align = match table_aligns.get(cell_index) {
                            Some(Alignment::Left) => " style=\"text-align: left\"",
                            Some(Alignment::Center) => " style=\"text-align: center\"",
                            Some(Alignment::Right) => " style=\"text-align: right\"",
                            _ => "",
                        };
                        match attr {
                            Some(d) => raw(format!("<{cell} dir=\"{}\"{align}>", d.as_str())),
                            None => Event::Start(Tag::TableCell),
                        }
                    }
                    Tag::CodeBlock(kind) => {
                        code_depth += 1;
                        let class = match &kind {
                            CodeBlockKind::Fenced(lang) if !lang.is_empty() => {
                                let lang = lang.split([' ', ',']).next().unwrap_or("");
                                format!(" class=\"language-{}\"", escape_html(lang))
                            }
                            _ => String::new(),
                        };
                        raw(format!("<pre dir=\"ltr\"><code{class}>"))
                    }
                    Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    } => {
                        image_depth += 1;
                        let dest_url =
                            link(&mut out, &dest_url, range.start, resolve).unwrap_or(dest_url);
                        Event::Start(Tag::Image {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    }
                    Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    } => {
                        let dest_url =
                            link(&mut out, &dest_url, range.start, resolve).unwrap_or(dest_url);
                        Event::Start(Tag::Link {
                            link_type,
                            dest_url,
                            title,
                            id,
                        })
                    }
                    other => Event::Start(other),
                };
                rewritten.push(start);
            }
            Event::End(end) => {
                let end = match end {
                    TagEnd::Heading(_) => TagEnd::Heading(anchors.close_heading()),
                    other => other,
                };
                match end {
                    TagEnd::Heading(_) => {
                        if let Some(id) = heading_anchor.pop() {
                            rewritten.push(raw(format!(
                                " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                                encode_fragment(&id)
                            )));
                        }
                    }
                    TagEnd::TableHead => in_head = false,
                    TagEnd::TableCell => cell_index += 1,
                    TagEnd::Image => image_depth -= 1,
                    TagEnd::CodeBlock => code_depth -= 1,
                    _ => {}
                }
                if is_block_end(&end) {
                    dirs.pop();
                }
                if is_block_end(&end) || matches!(end, TagEnd::Table) {
                    top_depth = top_depth.saturating_sub(1);
                }
                rewritten.push(Event::End(end));
                if top_depth == 0 && matches!(end, TagEnd::Paragraph) {
                    if let Some(r) = first_paragraph.as_mut() {
                        if r.start == r.end {
                            r.end = rewritten.len();
                        }
                    }
                }
            }
            Event::Code(code) if image_depth == 0 => {
                push_text(&mut out.text, &code);
                rewritten.push(raw(format!(
                    "<code dir=\"ltr\">{}</code>",
                    escape_html(&code)
                )));
            }
            Event::Text(text) => {
                if code_depth == 0 {
                    push_text(&mut out.text, &text);
                }
                rewritten.push(Event::Text(text));
            }
            Event::SoftBreak | Event::HardBreak => {
                out.text.push(' ');
                rewritten.push(event);
            }
            Event::FootnoteReference(label) => match anchors.footnote(&label) {
                Some(f) => {
                    // Only the first reference carries the id the definition links back to.
                    let id = if footnotes_referenced.insert(label.to_string()) {
                        format!(" id=\"{}\"", escape_html(&f.ref_id))
                    } else {
                        String::new()
                    };
                    rewritten.push(raw(format!(
                        "<sup class=\"footnote-reference\"{id}><a href=\"#{}\">{}</a></sup>",
                        encode_fragment(&f.id),
                        f.number
                    )));
                }
                None => rewritten.push(Event::FootnoteReference(label)),
            },
            other => rewritten.push(other),
        }
    }

    if let Some(r) = first_paragraph.filter(|r| r.start < r.end) {
        html::push_html(
            &mut out.first_paragraph_html,
            rewritten[r.clone()].iter().cloned(),
        );
        out.first_paragraph_text = plain_text_of(&rewritten[r]);
    }
    out.html.reserve(body.len() * 3 / 2);
    html::push_html(&mut out.html, rewritten.into_iter());
    out
}

/// Handles one link destination: refuses unsafe schemes, resolves internal ones.
/// Returns the rewritten destination when there is one.
fn link<'a>(
    out: &mut Rendered,
    dest: &str,
    offset: usize,
    resolve: &Resolver<'_>,
) -> Option<CowStr<'a>> {
    match crate::url::classify(dest) {
        crate::url::LinkKind::Unsafe(scheme) => {
            out.problems.push(BodyProblem {
                offset,
                message: format!(
                    "link to `{dest}` uses the `{scheme}:` scheme, which is not allowed"
                ),
                hint: Some(
                    "links may be http(s), mailto or tel URLs, or paths inside the site".into(),
                ),
            });
            return Some(CowStr::from("#"));
        }
        crate::url::LinkKind::External => return None,
        crate::url::LinkKind::Relative => {}
    }
    if dest.starts_with('#') || dest.is_empty() {
        return None;
    }
    match resolve(dest) {
        Ok(resolved) => {
            if let Some(t) = resolved.target {
                if !out.links_to.contains(&t) {
                    out.links_to.push(t);
                }
            }
            resolved.href.map(CowStr::from)
        }
        Err((message, hint)) => {
            out.problems.push(BodyProblem {
                offset,
                message,
                hint,
            });
            None
        }
    }
}

fn raw<'a>(html: String) -> Event<'a> {
    Event::InlineHtml(CowStr::from(html))
}

fn push_text(buffer: &mut String, text: &str) {
    buffer.push_str(text);
}

/// Blocks that get a `dir` of their own when their text runs the other way.
fn is_dir_block(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::Item
            | Tag::BlockQuote(_)
            | Tag::TableCell
            | Tag::FootnoteDefinition(_)
    )
}

/// Blocks that open a direction context.
fn is_block(tag: &Tag<'_>) -> bool {
    is_dir_block(tag)
}

fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::TableCell
            | TagEnd::FootnoteDefinition
    )
}

/// Direction of the first strong character inside the element that starts at `events[0]`;
/// code and raw HTML are skipped (they carry their own direction).
fn direction_of(events: &[(Event<'_>, Range<usize>)]) -> Option<Dir> {
    let mut depth = 0usize;
    for (event, _) in events {
        match event {
            Event::Start(Tag::CodeBlock(_)) => depth += 1000,
            Event::End(TagEnd::CodeBlock) => depth -= 1000,
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return None;
                }
            }
            Event::Text(t) if depth < 1000 => {
                if let Some(d) = first_strong(t) {
                    return Some(d);
                }
            }
            _ => {}
        }
    }
    None
}

/// Plain text of the element starting at `events[0]`.
fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut depth = 0usize;
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

fn plain_text_of(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Rendered {
        render(body, Dir::Rtl, &|_| Ok(Resolved::default()))
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
            r.html.contains(
                "<pre dir=\"ltr\"><code class=\"language-sh\">warraq build\n</code></pre>"
            ),
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
        let r = render("English.\n\nفقرة عربية\n", Dir::Ltr, &|_| {
            Ok(Resolved::default())
        });
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
}
