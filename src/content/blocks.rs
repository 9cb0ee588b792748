//! Questions about the pulldown-cmark events of one element: which blocks take a direction of
//! their own, the direction of an element's first strong character, and its plain text.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::arabic::bidi::{first_strong, Dir};

/// Blocks that get a `dir` of their own when their text runs the other way.
pub fn is_dir_block(tag: &Tag<'_>) -> bool {
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

/// The end of a block of [`is_dir_block`].
pub fn is_dir_block_end(end: &TagEnd) -> bool {
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

/// For every event that starts a [direction block](is_dir_block), the direction of the first
/// strong character inside it (`None` when it has none); code blocks and raw HTML are skipped
/// (they carry their own direction). One pass over the events, so deeply nested blocks stay
/// linear.
pub fn block_directions(events: &[(Event<'_>, Range<usize>)]) -> Vec<Option<Dir>> {
    let mut dirs = vec![None; events.len()];
    let mut open: Vec<usize> = Vec::new();
    // The innermost open blocks still waiting for a strong character (a suffix of `open`).
    let mut undecided: Vec<usize> = Vec::new();
    let mut code = 0usize;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            Event::Start(tag) if is_dir_block(tag) => {
                open.push(i);
                undecided.push(i);
            }
            Event::End(end) if is_dir_block_end(end) => {
                if let Some(j) = open.pop() {
                    if undecided.last() == Some(&j) {
                        undecided.pop();
                    }
                }
            }
            Event::Text(t) if code == 0 && !undecided.is_empty() => {
                if let Some(d) = first_strong(t) {
                    for j in undecided.drain(..) {
                        dirs[j] = Some(d);
                    }
                }
            }
            _ => {}
        }
    }
    dirs
}

/// Plain text of the element starting at `events[0]`.
pub fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
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

pub fn plain_text_of(events: &[Event<'_>]) -> String {
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
