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
use std::sync::Arc;

use crate::images::ImageInfo;

use pulldown_cmark::{
    html, Alignment, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use super::anchors::Anchors;
use super::blocks::{block_directions, is_dir_block, is_dir_block_end, plain_text, plain_text_of};
use super::links::body_link;
use super::raw_html::{self, HtmlPolicy};
use crate::arabic::bidi::{escape_html, Dir};
use crate::arabic::slug::encode_fragment;

/// A heading of the article, for tables of contents and anchor checks.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
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
    /// Image files the body shows, in order, without repeats.
    pub images: Vec<Arc<ImageInfo>>,
    pub problems: Vec<BodyProblem>,
}

/// The resolver signature: an internal destination → rewritten href/target, or a problem.
pub type Resolver<'a> = dyn Fn(&str) -> Result<Resolved, (String, Option<String>)> + 'a;

/// How a body's images are published: `resolve` finds an image file (`Ok(None)` for an image
/// on the web, left as written), `href` turns an output path into an href.
pub struct BodyImages<'a> {
    pub resolve: &'a ImageResolver<'a>,
    pub href: &'a dyn Fn(&str) -> String,
}

/// The image resolver signature.
pub type ImageResolver<'a> =
    dyn Fn(&str) -> Result<Option<Arc<ImageInfo>>, (String, Option<String>)> + Sync + 'a;

/// An image being rendered: its alt text is the events up to its end.
struct PendingImage {
    info: Option<Arc<ImageInfo>>,
    title: String,
    offset: usize,
    /// Index in `rewritten` of its start event.
    start: usize,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Renders a body whose surrounding direction is `context` (images left as written).
pub fn render(body: &str, context: Dir, resolve: &Resolver<'_>, policy: &HtmlPolicy) -> Rendered {
    render_with_images(body, context, resolve, None, policy)
}

/// Renders a body, publishing its images as responsive `<picture>`s.
pub fn render_with_images(
    body: &str,
    context: Dir,
    resolve: &Resolver<'_>,
    images: Option<&BodyImages<'_>>,
    policy: &HtmlPolicy,
) -> Rendered {
    // Control characters of the text itself are blanked before it gets here; a character
    // reference decodes to any character (`&#1;`), so those are dropped from the text events.
    let references = body.contains("&#");
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .map(|(event, range)| match event {
            Event::Text(text) if references => (Event::Text(without_controls(text)), range),
            Event::Code(code) if references => (Event::Code(without_controls(code)), range),
            other => (other, range),
        })
        .collect();
    let mut writer = Writer {
        out: Rendered::default(),
        anchors: Anchors::plan(events.iter().map(|(e, _)| e), &policy.page_ids),
        directions: block_directions(&events),
        resolve,
        images,
        pending_image: None,
        para_starts: Vec::new(),
        pictures: Vec::new(),
        policy,
        has_raw_html: false,
        references,
        body,
        context,
        footnotes_referenced: HashSet::new(),
        dirs: vec![context],
        rewritten: Vec::with_capacity(events.len() + 16),
        table_aligns: Vec::new(),
        cell_index: 0,
        in_head: false,
        image_depth: 0,
        code_depth: 0,
        top_depth: 0,
        first_paragraph: None,
        heading_anchor: Vec::new(),
    };
    for (i, (event, range)) in events.iter().enumerate() {
        writer.event(i, event.clone(), &events[i..], range.clone());
    }
    writer.finish(body.len())
}

/// `text` without the control characters no page can carry (see
/// [`crate::arabic::normalize::is_forbidden_control`]).
fn without_controls(text: CowStr<'_>) -> CowStr<'_> {
    match crate::arabic::normalize::without_controls(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => CowStr::from(clean),
    }
}

/// The state of one body's rendering: pulldown-cmark events in, rewritten events out, plus
/// what the archive keeps of the body (text, headings, links, problems).
struct Writer<'e, 'r> {
    out: Rendered,
    anchors: Anchors<'r>,
    /// The direction of each block-starting event's text (see [`block_directions`]).
    directions: Vec<Option<Dir>>,
    resolve: &'r Resolver<'r>,
    images: Option<&'r BodyImages<'r>>,
    pending_image: Option<PendingImage>,
    /// Where each open paragraph starts in `rewritten`.
    para_starts: Vec<usize>,
    /// Published pictures: their index in `rewritten` and title.
    pictures: Vec<(usize, Option<String>)>,
    policy: &'r HtmlPolicy,
    /// Whether the body writes a numeric character reference (`&#…`), which may decode to a
    /// control character.
    references: bool,
    /// Whether the body holds raw HTML (then the result is sanitised, unless trusted).
    has_raw_html: bool,
    body: &'e str,
    context: Dir,
    footnotes_referenced: HashSet<String>,
    /// The direction of each open block.
    dirs: Vec<Dir>,
    rewritten: Vec<Event<'e>>,
    table_aligns: Vec<Alignment>,
    cell_index: usize,
    in_head: bool,
    image_depth: usize,
    code_depth: usize,
    top_depth: usize,
    /// The first top-level paragraph, as a range of `rewritten`.
    first_paragraph: Option<Range<usize>>,
    heading_anchor: Vec<String>,
}

impl<'e> Writer<'e, '_> {
    /// Handles one event; `rest` starts with it, `offset` is its position in the body.
    fn event(
        &mut self,
        index: usize,
        event: Event<'e>,
        rest: &[(Event<'e>, Range<usize>)],
        range: Range<usize>,
    ) {
        let offset = range.start;
        match event {
            Event::Start(tag) => {
                if matches!(tag, Tag::HtmlBlock) {
                    self.raw_html(range);
                }
                let start = self.start(tag, self.directions[index], rest, offset);
                self.rewritten.push(start);
            }
            Event::InlineHtml(html) => {
                self.raw_html(range);
                self.rewritten.push(Event::InlineHtml(html));
            }
            Event::End(end) => self.end(end),
            Event::Code(code) if self.image_depth == 0 => {
                self.out.text.push_str(&code);
                // Its text stays a text event (escaped when written), so that the plain text of
                // the first paragraph (the summary of feeds, search results and link previews)
                // keeps it: as one raw `<code>` event it was dropped, "ما لم تضع  في".
                self.rewritten.push(raw("<code dir=\"ltr\">".to_string()));
                self.rewritten.push(Event::Text(code));
                self.rewritten.push(raw("</code>".to_string()));
            }
            Event::Text(text) => {
                if self.code_depth == 0 {
                    self.out.text.push_str(&text);
                }
                self.rewritten.push(Event::Text(text));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.out.text.push(' ');
                self.rewritten.push(event);
            }
            Event::FootnoteReference(label) => {
                let reference = self.footnote_reference(&label);
                self.rewritten
                    .push(reference.unwrap_or(Event::FootnoteReference(label)));
            }
            other => self.rewritten.push(other),
        }
    }

    /// Checks a fragment of the author's raw HTML against the policy (problems at their place).
    fn raw_html(&mut self, range: Range<usize>) {
        self.has_raw_html = true;
        if self.policy.trusted {
            return;
        }
        let Some(fragment) = self.body.get(range.clone()) else {
            return;
        };
        for p in raw_html::problems(fragment, self.policy) {
            self.out.problems.push(BodyProblem {
                offset: range.start + p.offset,
                message: p.message,
                hint: Some(raw_html::HINT.into()),
            });
        }
    }

    /// The start of an element, with `dir` when its text runs against its parent's direction.
    /// (Long because it is one match over the kinds of element; each arm is a few lines.)
    fn start(
        &mut self,
        tag: Tag<'e>,
        block_dir: Option<Dir>,
        rest: &[(Event<'e>, Range<usize>)],
        offset: usize,
    ) -> Event<'e> {
        let parent = *self.dirs.last().unwrap_or(&self.context);
        let dir = block_dir.unwrap_or(parent);
        let attr = (dir != parent).then_some(dir);
        if is_dir_block(&tag) {
            self.dirs.push(dir);
        }
        if matches!(tag, Tag::Paragraph) {
            self.para_starts.push(self.rewritten.len());
        }
        if self.top_depth == 0 && matches!(tag, Tag::Paragraph) && self.first_paragraph.is_none() {
            self.first_paragraph = Some(self.rewritten.len()..self.rewritten.len());
        }
        if is_dir_block(&tag) || matches!(tag, Tag::Table(_)) {
            self.top_depth += 1;
        }
        let with_dir = |name: &str, d: Dir| raw(format!("<{name} dir=\"{}\">", d.as_str()));
        match tag {
            Tag::Paragraph => attr.map_or(Event::Start(Tag::Paragraph), |d| with_dir("p", d)),
            Tag::Heading {
                level, id, classes, ..
            } => {
                if let Some(id) = &id {
                    self.check_heading_name("id", id, offset);
                }
                for class in &classes {
                    self.check_heading_name("class", class, offset);
                }
                self.heading(level, id.is_some(), classes, attr, rest)
            }
            Tag::FootnoteDefinition(label) => self
                .footnote_definition(&label, attr)
                .unwrap_or(Event::Start(Tag::FootnoteDefinition(label))),
            Tag::Item => attr.map_or(Event::Start(Tag::Item), |d| with_dir("li", d)),
            Tag::BlockQuote(kind) => match attr {
                Some(d) if kind.is_none() => raw(format!("<blockquote dir=\"{}\">\n", d.as_str())),
                _ => Event::Start(Tag::BlockQuote(kind)),
            },
            Tag::Table(aligns) => {
                self.table_aligns = aligns.clone();
                Event::Start(Tag::Table(aligns))
            }
            Tag::TableHead => {
                self.in_head = true;
                self.cell_index = 0;
                Event::Start(Tag::TableHead)
            }
            Tag::TableRow => {
                self.cell_index = 0;
                Event::Start(Tag::TableRow)
            }
            Tag::TableCell => self.table_cell(attr),
            Tag::CodeBlock(kind) => {
                self.code_depth += 1;
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
                self.image_depth += 1;
                if self.image_depth == 1 {
                    let info = self.body_image(&dest_url, offset);
                    self.pending_image = Some(PendingImage {
                        info,
                        title: title.to_string(),
                        offset,
                        start: self.rewritten.len(),
                    });
                }
                let dest_url =
                    body_link(&mut self.out, &dest_url, offset, self.resolve).unwrap_or(dest_url);
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
                    body_link(&mut self.out, &dest_url, offset, self.resolve).unwrap_or(dest_url);
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            other => Event::Start(other),
        }
    }

    /// An id the author gave a heading (`{#id}`) names a place in an address (`/2025/x/#id`),
    /// and a class (`{.class}`) a rule of the site's CSS: letters, digits, `-`, `_` and `.`
    /// only. Anything else is a problem at the heading: a quote or a space would end the
    /// attribute in other tools' copies of the page, and `{#javascript:alert(1)}` reads as a
    /// script address to whoever scans the page for one.
    fn check_heading_name(&mut self, what: &str, name: &str, offset: usize) {
        let allowed = |c: char| crate::arabic::normalize::is_word_char(c) || "-_.".contains(c);
        if let Some(bad) = name.chars().find(|&c| !allowed(c)) {
            let shown = if !bad.is_ascii_graphic() {
                format!("U+{:04X}", u32::from(bad))
            } else {
                format!("`{bad}`")
            };
            self.out.problems.push(BodyProblem {
                offset,
                message: format!(
                    "the heading {what} `{}` holds {shown}; a heading's id or class may hold only letters, digits, `-`, `_` and `.`",
                    name.chars()
                        .map(|c| match c {
                            c if allowed(c) || c.is_ascii_graphic() => c.to_string(),
                            c => format!("\\u{{{:04X}}}", u32::from(c)),
                        })
                        .collect::<String>()
                ),
                hint: Some(if what == "id" {
                    "write it as one word or with hyphens (`{#الخلفية}`, `{#background-2024}`), or leave it out: every heading gets an id from its text"
                        .into()
                } else {
                    "write the class as one word or with hyphens (`{.note}`, `{.key-point}`)".into()
                }),
            });
        }
    }

    /// A heading: its planned id and level; authors may give an id and classes, never other
    /// attributes (`{#x onclick=…}` would write script into the page).
    fn heading(
        &mut self,
        level: HeadingLevel,
        explicit_id: bool,
        classes: Vec<CowStr<'e>>,
        attr: Option<Dir>,
        rest: &[(Event<'e>, Range<usize>)],
    ) -> Event<'e> {
        let text = plain_text(rest);
        let id = self.anchors.heading_id(explicit_id, &text);
        let level = self.anchors.open_heading(level);
        let attrs = attr
            .map(|d| ("dir".into(), Some(d.as_str().into())))
            .into_iter()
            .collect();
        self.out.headings.push(Heading {
            level: level as u8,
            id: id.clone(),
            text,
        });
        self.heading_anchor.push(id.clone());
        Event::Start(Tag::Heading {
            level,
            id: Some(id.into()),
            classes,
            attrs,
        })
    }

    fn table_cell(&self, attr: Option<Dir>) -> Event<'e> {
        let cell = if self.in_head { "th" } else { "td" };
        let align = match self.table_aligns.get(self.cell_index) {
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

    fn footnote_definition(&self, label: &str, attr: Option<Dir>) -> Option<Event<'e>> {
        let f = self.anchors.footnote(label)?;
        let dir = attr
            .map(|d| format!(" dir=\"{}\"", d.as_str()))
            .unwrap_or_default();
        Some(raw(format!(
            "<div class=\"footnote-definition\" id=\"{}\"{dir}><sup class=\"footnote-definition-label\"><a href=\"#{}\">{}</a></sup>",
            escape_html(&f.id),
            encode_fragment(&f.ref_id),
            f.number
        )))
    }

    /// A reference; only the first one to a footnote carries the id its definition links back to.
    fn footnote_reference(&mut self, label: &str) -> Option<Event<'e>> {
        let f = self.anchors.footnote(label)?;
        let id = if self.footnotes_referenced.insert(label.to_string()) {
            format!(" id=\"{}\"", escape_html(&f.ref_id))
        } else {
            String::new()
        };
        Some(raw(format!(
            "<sup class=\"footnote-reference\"{id}><a href=\"#{}\">{}</a></sup>",
            encode_fragment(&f.id),
            f.number
        )))
    }

    fn end(&mut self, end: TagEnd) {
        let end = match end {
            TagEnd::Heading(_) => TagEnd::Heading(self.anchors.close_heading()),
            other => other,
        };
        // Blocks end words: without this the last word of a heading and the first of the next
        // paragraph were one word for search, similarity and reading time.
        if matches!(
            end,
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition
        ) && !self.out.text.ends_with('\n')
        {
            self.out.text.push('\n');
        }
        match end {
            TagEnd::Heading(_) => {
                if let Some(id) = self.heading_anchor.pop() {
                    self.rewritten.push(raw(format!(
                        " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>",
                        encode_fragment(&id)
                    )));
                }
            }
            TagEnd::TableHead => self.in_head = false,
            TagEnd::TableCell => self.cell_index += 1,
            TagEnd::Image => {
                self.image_depth -= 1;
                if self.image_depth == 0 && self.end_image() {
                    return;
                }
            }
            TagEnd::CodeBlock => self.code_depth -= 1,
            _ => {}
        }
        if is_dir_block_end(&end) {
            self.dirs.pop();
        }
        if is_dir_block_end(&end) || matches!(end, TagEnd::Table) {
            self.top_depth = self.top_depth.saturating_sub(1);
        }
        if matches!(end, TagEnd::Paragraph) && self.end_picture_paragraph() {
            return;
        }
        self.rewritten.push(Event::End(end));
        if self.top_depth == 0 && matches!(end, TagEnd::Paragraph) {
            if let Some(r) = self.first_paragraph.as_mut() {
                if r.start == r.end {
                    r.end = self.rewritten.len();
                }
            }
        }
    }

    /// A paragraph that holds only a published picture is not the summary; with a title
    /// (`![alt](map.png "title")`) it becomes a `<figure>` whose caption is the title (true:
    /// the paragraph's end is written).
    fn end_picture_paragraph(&mut self) -> bool {
        let Some(start) = self.para_starts.pop() else {
            return false;
        };
        let Some((at, title)) = self.pictures.last().cloned() else {
            return false;
        };
        if at != start + 1 || self.rewritten.len() != start + 2 {
            return false;
        }
        if self
            .first_paragraph
            .as_ref()
            .is_some_and(|r| r.start == start && r.start == r.end)
        {
            self.first_paragraph = None;
        }
        let Some(title) = title else {
            return false;
        };
        self.rewritten[start] = raw("<figure class=\"figure\">".to_string());
        self.rewritten.push(raw(format!(
            "<figcaption dir=\"auto\">{}</figcaption></figure>\n",
            escape_html(&title)
        )));
        true
    }

    /// The image file a body image names, when images are published; problems are recorded.
    fn body_image(&mut self, dest: &str, offset: usize) -> Option<Arc<ImageInfo>> {
        let images = self.images?;
        if matches!(crate::url::classify(dest), crate::url::LinkKind::Unsafe(_)) {
            return None; // reported as a link
        }
        match (images.resolve)(dest) {
            Ok(Some(info)) => {
                if !self.out.images.iter().any(|i| Arc::ptr_eq(i, &info)) {
                    self.out.images.push(info.clone());
                }
                Some(info)
            }
            Ok(None) => None,
            Err((message, hint)) => {
                self.out.problems.push(BodyProblem {
                    offset,
                    message,
                    hint,
                });
                None
            }
        }
    }

    /// Ends an image: an image without alt text is a problem; a published image becomes its
    /// `<picture>` (true: the end event is not needed).
    fn end_image(&mut self) -> bool {
        let Some(pending) = self.pending_image.take() else {
            return false;
        };
        let alt = plain_text_of(&self.rewritten[pending.start + 1..]);
        if alt.trim().is_empty() {
            self.out.problems.push(BodyProblem {
                offset: pending.offset,
                message: "this image has no alt text".into(),
                hint: Some(
                    "describe it between the brackets: ![what the image shows](file.jpg)".into(),
                ),
            });
        }
        let (Some(info), Some(images)) = (pending.info, self.images) else {
            return false;
        };
        self.rewritten.truncate(pending.start);
        let title = (!pending.title.is_empty()).then_some(pending.title.as_str());
        self.pictures
            .push((self.rewritten.len(), title.map(str::to_string)));
        self.rewritten.push(raw(crate::images::picture_html(
            &info,
            &alt,
            title,
            crate::images::COLUMN_SIZES,
            crate::images::Loading::Lazy,
            images.href,
        )));
        true
    }

    fn finish(self, body_len: usize) -> Rendered {
        let mut out = self.out;
        if let Some(r) = self.first_paragraph.filter(|r| r.start < r.end) {
            html::push_html(
                &mut out.first_paragraph_html,
                self.rewritten[r.clone()].iter().cloned(),
            );
            out.first_paragraph_text = plain_text_of(&self.rewritten[r]);
        }
        out.html.reserve(body_len * 3 / 2);
        html::push_html(&mut out.html, self.rewritten.into_iter());
        // (A body with problems fails the build: no need to clean it.)
        if self.has_raw_html && !self.policy.trusted && out.problems.is_empty() {
            out.html = raw_html::sanitize(&out.html, self.policy);
            out.first_paragraph_html = raw_html::sanitize(&out.first_paragraph_html, self.policy);
        }
        // A reference in a link's title, or in raw HTML the cleaning decoded.
        if self.references {
            out.html = crate::arabic::normalize::strip_controls(out.html);
            out.first_paragraph_html =
                crate::arabic::normalize::strip_controls(out.first_paragraph_html);
        }
        out
    }
}

fn raw<'a>(html: String) -> Event<'a> {
    Event::InlineHtml(CowStr::from(html))
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
