//! The anchors of one article body, planned before it is rendered: heading ids, footnote ids
//! and numbers, and the heading level each author level becomes.
//!
//! - Explicit ids (`## عنوان {#id}`) are taken first and keep their name; footnotes get
//!   `fn-<label>` (references `fnref-<label>`); automatic heading ids are made unique against
//!   all of them, so no two elements of a page share an id.
//! - Heading levels follow the author's outline, not their absolute numbers: a heading sits one
//!   level below the nearest earlier heading the author wrote at a higher level, or at h2 (h1
//!   is the page title). So `###` straight after the title is an h2, `#####` under it an h3,
//!   and no page skips a level, while the author's relative structure is kept.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, HeadingLevel, Tag};

use crate::arabic::slug::slugify;

/// A footnote: its number (order of first appearance) and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote {
    pub number: usize,
    pub id: String,
    pub ref_id: String,
}

/// What the renderer needs to give every anchor its final name.
#[derive(Debug, Default)]
pub struct Anchors<'p> {
    /// The ids the page around the body already has: borrowed, not copied into `taken` for
    /// every article of a build.
    page_ids: &'p [String],
    taken: HashSet<String>,
    /// The next suffix to try for each wanted id.
    suffixes: HashMap<String, usize>,
    /// Explicit heading ids, in the order of their headings, already made unique.
    explicit: Vec<String>,
    next_explicit: usize,
    footnotes: HashMap<String, Footnote>,
    /// The open outline: (author level, rendered level) of the headings enclosing the next one.
    outline: Vec<(u8, u8)>,
}

impl<'p> Anchors<'p> {
    /// Plans the anchors of a body from its events. `page_ids` are the ids the page around the
    /// body already has (the templates' `id="main"`, `id="related"`): no anchor takes one, so a
    /// heading "Related" becomes `related-1` instead of a second `related` on the page.
    pub fn plan<'e>(
        events: impl Iterator<Item = &'e Event<'e>> + Clone,
        page_ids: &'p [String],
    ) -> Anchors<'p> {
        let mut anchors = Anchors {
            page_ids,
            ..Anchors::default()
        };
        for event in events.clone() {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
                let unique = anchors.unique(id.to_string());
                anchors.explicit.push(unique);
            }
        }
        for event in events {
            let label = match event {
                Event::FootnoteReference(label) => label,
                Event::Start(Tag::FootnoteDefinition(label)) => label,
                _ => continue,
            };
            if anchors.footnotes.contains_key(label.as_ref()) {
                continue;
            }
            let number = anchors.footnotes.len() + 1;
            let slug = match slugify(label) {
                s if s.is_empty() => number.to_string(),
                s => s,
            };
            let id = anchors.unique(format!("fn-{slug}"));
            let ref_id = anchors.unique(format!("fnref-{slug}"));
            anchors
                .footnotes
                .insert(label.to_string(), Footnote { number, id, ref_id });
        }
        anchors
    }

    /// The id of the next heading: its explicit id, or one made from its text.
    pub fn heading_id(&mut self, explicit: bool, text: &str) -> String {
        if explicit {
            if let Some(id) = self.explicit.get(self.next_explicit) {
                self.next_explicit += 1;
                return id.clone();
            }
        }
        let wanted = slugify(text);
        self.unique(if wanted.is_empty() {
            "section".into()
        } else {
            wanted
        })
    }

    /// The rendered level of the next heading, written at an author's `level`: one below the
    /// nearest enclosing heading of the outline, h2 at the top, h6 at most.
    pub fn open_heading(&mut self, level: HeadingLevel) -> HeadingLevel {
        let author = level as u8;
        while self.outline.last().is_some_and(|&(a, _)| a >= author) {
            self.outline.pop();
        }
        let rendered = self.outline.last().map_or(2, |&(_, r)| (r + 1).min(6));
        self.outline.push((author, rendered));
        Self::heading_level(rendered)
    }

    /// The rendered level of the heading being closed.
    pub fn close_heading(&self) -> HeadingLevel {
        Self::heading_level(self.outline.last().map_or(2, |&(_, r)| r))
    }

    fn heading_level(n: u8) -> HeadingLevel {
        match n {
            2 => HeadingLevel::H2,
            3 => HeadingLevel::H3,
            4 => HeadingLevel::H4,
            5 => HeadingLevel::H5,
            _ => HeadingLevel::H6,
        }
    }

    /// A footnote by its label.
    pub fn footnote(&self, label: &str) -> Option<&Footnote> {
        self.footnotes.get(label)
    }

    fn unique(&mut self, wanted: String) -> String {
        if !self.page_ids.contains(&wanted) && self.taken.insert(wanted.clone()) {
            return wanted;
        }
        // Suffixes continue where the last one for this name stopped, so a page with thousands
        // of identical headings stays linear.
        let next = self.suffixes.entry(wanted.clone()).or_insert(1);
        loop {
            let candidate = format!("{wanted}-{next}");
            *next += 1;
            if !self.page_ids.contains(&candidate) && self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser};

    fn plan(md: &str) -> (Anchors<'static>, Vec<Event<'_>>) {
        let events: Vec<Event<'_>> = Parser::new_ext(
            md,
            Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_FOOTNOTES,
        )
        .collect();
        (Anchors::plan(events.iter(), &[]), events)
    }

    #[test]
    fn no_anchor_takes_an_id_the_page_already_has() {
        let events: Vec<Event<'_>> = Parser::new_ext(
            "## Related\n\n## main {#main}\n\nنص[^main].\n\n[^main]: x\n",
            Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_FOOTNOTES,
        )
        .collect();
        let page = [
            "main".to_string(),
            "related".to_string(),
            "fn-main".to_string(),
        ];
        let mut a = Anchors::plan(events.iter(), &page);
        assert_eq!(a.heading_id(false, "Related"), "related-1");
        assert_eq!(a.heading_id(true, "main"), "main-1");
        assert_eq!(a.footnote("main").unwrap().id, "fn-main-1");
    }

    #[test]
    fn levels_are_ranked_from_h2_without_gaps() {
        use HeadingLevel::*;
        let levels = |md: &str| {
            let (mut a, events) = plan(md);
            events
                .iter()
                .filter_map(|e| match e {
                    Event::Start(Tag::Heading { level, .. }) => Some(a.open_heading(*level)),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(levels("### a\n\n##### b\n\n### c\n"), [H2, H3, H2]);
        assert_eq!(
            levels("### a\n\n### b\n\n##### c\n\n## d\n"),
            [H2, H2, H3, H2]
        );
        assert_eq!(
            levels("# a\n\n## b\n\n### c\n\n#### d\n\n##### e\n\n###### f\n"),
            [H2, H3, H4, H5, H6, H6]
        );
        // The author's first heading is deeper than a later one: no skip after the title.
        assert_eq!(levels("## a\n\n# b\n\n## c\n"), [H2, H2, H3]);
        assert_eq!(levels("#### a\n\n## b\n"), [H2, H2]);
    }

    #[test]
    fn explicit_ids_win_over_earlier_automatic_ones() {
        let (mut a, _) = plan("## Intro\n\n## مقدمة {#intro}\n");
        assert_eq!(a.heading_id(false, "Intro"), "intro-1");
        assert_eq!(a.heading_id(true, "مقدمة"), "intro");
    }

    #[test]
    fn footnote_ids_never_meet_heading_ids() {
        let (mut a, _) = plan("## fn-1\n\nنص[^1] و[^note].\n\n[^1]: x\n[^note]: y\n");
        let f = a.footnote("1").cloned().unwrap();
        assert_eq!(
            (f.number, f.id.as_str(), f.ref_id.as_str()),
            (1, "fn-1", "fnref-1")
        );
        assert_eq!(a.footnote("note").unwrap().number, 2);
        assert_eq!(a.heading_id(false, "fn-1"), "fn-1-1");
    }
}
