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

/// Direction of the first strong character inside the element that starts at `events[0]`;
/// code and raw HTML are skipped (they carry their own direction).
pub fn direction_of(events: &[(Event<'_>, Range<usize>)]) -> Option<Dir> {
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
