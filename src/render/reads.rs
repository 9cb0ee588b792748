//! What the templates can read, found in their text: values no template can read are left out
//! of page fingerprints ([`super::fingerprint`]), so that a change nobody sees does not render
//! pages again.
//!
//! Three values change with new articles and would otherwise touch nearly every page:
//! `site.article_count`, in every page's context; the `count` of each name an article links
//! to (its tags', writers' and other names' references, in every list that shows the article
//! and on its own page); and how many names each taxonomy has (`site.taxonomies[].count`, in
//! every page's context), which a new tag or writer changes. The checks are conservative: a
//! template the check cannot read through counts as reading the value, which costs renders,
//! never a stale page.

use super::templates::{Sources, DEFAULTS};

/// Whether some template can read `site.article_count`: one names it, uses `site` itself
/// (prints it, loops over it, indexes it by a variable) rather than its fields by name, or
/// prints tera's dump of the whole context (`__tera_context`). When
/// none can, the count is left out of page fingerprints: a new article changes it, and with it
/// every page's context, where the pages themselves do not change.
pub fn reads_article_count(sources: &Sources) -> bool {
    sources.iter().any(|(_, text, _)| {
        text.contains("article_count") || text.contains("__tera_context") || uses_site_whole(text)
    })
}

/// Whether some template can read how many names a taxonomy has beyond whether it has any
/// (`site.taxonomies[].count`). The default templates only ask whether it has any (the
/// navigation links a taxonomy with names); a site's own template, unless it is a default's
/// exact copy, counts as reading it when it names `taxonomies`, uses `site` whole or prints
/// the whole context. When none can, page fingerprints see each count as 0 or 1, and a new
/// tag or writer no longer renders every page of the archive again for the few that show it.
pub fn reads_taxonomy_sizes(sources: &Sources) -> bool {
    own_templates(sources).any(|text| {
        text.contains("taxonomies")
            || text.contains("__tera_context")
            || uses_site_whole(text)
            || uses_taxonomy_beyond_its_names(text)
    })
}

/// Whether a template uses the page's `taxonomy` (on a name's pages) other than through the
/// fields that name it: `taxonomy.name`, `.title`, `.label`, `.url`.
fn uses_taxonomy_beyond_its_names(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    code_blocks(text).any(|(_, code)| {
        code.match_indices("taxonomy").any(|(at, _)| {
            let (before, after) = (&code[..at], &code[at + "taxonomy".len()..]);
            if before.chars().next_back().is_some_and(word) || after.starts_with(word) {
                return false;
            }
            !["name", "title", "label", "url"].iter().any(|field| {
                after
                    .strip_prefix('.')
                    .and_then(|a| a.strip_prefix(field))
                    .is_some_and(|rest| !rest.starts_with(word))
            })
        })
    })
}

/// Whether some template can read the `count` of a name reached through an article: a tag of
/// `page.tags`, a writer of `p.terms.authors`, in any list or on the article's page. When none
/// can, those references stand in page fingerprints without their count, and a new article no
/// longer re-renders every page that shows an article sharing one of its tags (at 100 000
/// articles, nearly all of them) for the few whose bytes change.
///
/// The default templates print counts only of the page's own names (`term.html`,
/// `taxonomy.html`) and of other things (years, months, dossiers, the navigation's
/// taxonomies); a test renders them with every such count changed and finds every page
/// unchanged. A site's own template, unless it is a default's exact copy, goes through
/// [`may_read_term_counts`].
pub fn reads_term_counts(sources: &Sources) -> bool {
    own_templates(sources).any(may_read_term_counts)
}

/// The texts of the site's own templates, but those that are a default's exact copy.
fn own_templates(sources: &Sources) -> impl Iterator<Item = &str> {
    sources
        .iter()
        .filter(|(name, text, provided)| {
            *provided
                && !DEFAULTS
                    .iter()
                    .any(|(n, t)| *n == name.as_str() && *t == &**text)
        })
        .map(|(_, text, _)| &**text)
}

/// Whether a template can read a term reference's `count` (conservatively: anything it cannot
/// follow counts as reading it). It can when it
/// - names `count` other than as the count of something known not to be a term reference: an
///   item of a list of taxonomies, of the page's own names, years, months or dossiers
///   (`{% for t in site.taxonomies %}{{ t.count }}`), or the page's own `term`, `series`,
///   `page.series`…; a name bound by `set`, a component's argument or a list comprehension's
///   variable can be anything;
/// - prints or serialises something whole (`{{ p }}`, `{{ page.tags | join }}`,
///   `json_encode`, `__tera_context`, `get(…)`), or loops over a map's entries (`for k, v in`).
///   Printing is followed only for a literal, a call (a component's definition is checked where
///   it is written), a dotted path ending in a field that holds text or a number, and the few names that
///   hold text by themselves (a writer's name in `{% for a in page.authors %}`).
///
/// Names are resolved as Tera scopes them: the innermost enclosing loop that binds them, else
/// the page's context; inside a component's definition, names the check cannot place count as
/// anything.
pub fn may_read_term_counts(text: &str) -> bool {
    reading_block(text).is_some()
}

/// What a name stands for where a block uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Binding<'t> {
    /// An item of the loop over this expression (true: whose first name is the page's
    /// context's, not another loop's item).
    Item(&'t str, bool),
    /// Anything: set by `set`, or a component's argument.
    Unknown,
    /// A value of the page's context.
    Context,
}

/// The names bound where a block stands: enclosing loops, innermost last, and components (whose
/// bodies see their arguments only).
#[derive(Default)]
struct Scopes<'t> {
    /// Each loop's names, or `None` for a component's (or macro's) body.
    frames: Vec<Option<Vec<(&'t str, Binding<'t>)>>>,
    set: Vec<&'t str>,
}

impl<'t> Scopes<'t> {
    /// Notes what a `{% %}` block opens or closes (`set` names are gathered beforehand).
    fn enter(&mut self, code: &'t str) {
        let keyword = code.split_whitespace().next().unwrap_or("");
        match keyword {
            "for" => {
                let (vars, source) = code[3..].split_once(" in ").unwrap_or(("", ""));
                let source = source.split('|').next().unwrap_or("").trim();
                // A loop over a name the template bound itself (`{% set terms = page.tags %}`)
                // is a loop over anything.
                let root = source.split(['.', '[']).next().unwrap_or("");
                let binding = match self.resolve(root) {
                    Binding::Unknown => Binding::Unknown,
                    Binding::Context => Binding::Item(source, true),
                    Binding::Item(..) => Binding::Item(source, false),
                };
                let names = vars.split(',').map(|v| (v.trim(), binding)).collect();
                self.frames.push(Some(names));
            }
            "component" | "macro" => self.frames.push(None),
            "endfor" | "endcomponent" | "endmacro" => {
                self.frames.pop();
            }
            _ => {}
        }
    }

    /// Whether a template included here could take a name bound here for one of the page's
    /// own values (`{% for term in page.tags %}{% include "chip.html" %}`: an included template
    /// sees the loop's names, and `term.count` there is a tag's).
    fn shadows_counted_values(&self) -> bool {
        let counted = |name: &str| {
            COUNTED_VALUES
                .iter()
                .any(|v| v.split('.').next() == Some(name))
        };
        self.set.iter().any(|n| counted(n))
            || self
                .frames
                .iter()
                .flatten()
                .flatten()
                .any(|(n, _)| counted(n))
    }

    fn resolve(&self, name: &str) -> Binding<'t> {
        for frame in self.frames.iter().rev() {
            match frame {
                Some(names) => {
                    if let Some(&(_, binding)) = names.iter().find(|(n, _)| *n == name) {
                        return binding;
                    }
                }
                // Inside a component: an argument, whatever the caller passed.
                None => return Binding::Unknown,
            }
        }
        if self.set.contains(&name) {
            Binding::Unknown
        } else {
            Binding::Context
        }
    }
}

/// The code of the first block of `text` that may read a term reference's count.
fn reading_block(text: &str) -> Option<&str> {
    let blocks: Vec<(bool, &str)> = code_blocks(text).collect();
    // A name `set` anywhere may hold anything, before the `set` too (inside a loop).
    let mut scopes = Scopes::default();
    for &(printed, code) in &blocks {
        let keyword = code.split_whitespace().next().unwrap_or("");
        if !printed && (keyword == "set" || keyword == "set_global") {
            let name = code[keyword.len()..].split('=').next().unwrap_or("");
            scopes.set.push(name.trim());
        }
    }
    for &(printed, code) in &blocks {
        if ["__tera_context", "json", "get("]
            .iter()
            .any(|w| code.contains(w))
            || (!printed && two_variable_loop(code))
            || counts_unknown(code, &scopes)
            || (printed && prints_more_than_text(code, &scopes))
            || (!printed && code.starts_with("include") && scopes.shadows_counted_values())
        {
            return Some(code);
        }
        if !printed {
            scopes.enter(code);
        }
    }
    None
}

/// The code of each `{{ }}` (true: printed) and `{% %}` block, without whitespace control.
fn code_blocks(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let open = [rest.find("{{"), rest.find("{%")]
            .into_iter()
            .flatten()
            .min()?;
        let printed = rest[open..].starts_with("{{");
        let close = if printed { "}}" } else { "%}" };
        let end = rest[open + 2..]
            .find(close)
            .map_or(rest.len(), |i| open + 2 + i);
        let code = rest[open + 2..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
        rest = rest.get(end + 2..).unwrap_or("");
        Some((printed, code))
    })
}

/// Whether the code of a `{% %}` block is a loop over a map's keys and values.
fn two_variable_loop(code: &str) -> bool {
    code.strip_prefix("for ")
        .and_then(|rest| rest.split_once(" in "))
        .is_some_and(|(vars, _)| vars.contains(','))
}

/// Loops whose items' `count` is never a term reference's: the navigation's taxonomies, a
/// taxonomy page's own names, years, months, dossiers.
const COUNTED_LISTS: &[&str] = &["site.taxonomies", "terms", "years", "months", "series"];

/// Context values whose `count` is never a term reference's.
const COUNTED_VALUES: &[&str] = &[
    "term",
    "taxonomy",
    "series",
    "year",
    "month",
    "page.series",
    "newer_year",
    "older_year",
    "newer_month",
    "older_month",
];

/// Whether `code` names `count` anywhere other than as `<receiver>.count` of a receiver known
/// not to be a term reference.
fn counts_unknown(code: &str, scopes: &Scopes) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    // A list comprehension (`[t.count for t in page.tags]`) binds names of its own.
    let comprehension = code.contains('[') && code.contains(" for ");
    for (at, _) in code.match_indices("count") {
        let before = &code[..at];
        let after = &code[at + 5..];
        if after.chars().next().is_some_and(ident) || before.chars().next_back().is_some_and(ident)
        {
            continue; // part of another name: `counts`, `word_count`, `article_count`
        }
        let Some(path) = before.strip_suffix('.').filter(|_| !comprehension) else {
            return true; // `["count"]`, `attribute="count"`, a variable named count
        };
        let start = path
            .char_indices()
            .rev()
            .find(|&(_, c)| !(ident(c) || c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let receiver = &path[start..];
        let root = receiver.split('.').next().unwrap_or("");
        let known = match scopes.resolve(root) {
            Binding::Item(source, from_context) => {
                from_context && receiver == root && COUNTED_LISTS.contains(&source)
            }
            Binding::Context => COUNTED_VALUES.contains(&receiver),
            Binding::Unknown => false,
        };
        if !known {
            return true;
        }
    }
    false
}

/// Fields that hold text, a number or a flag in the contexts templates receive.
const TEXT_FIELDS: &[&str] = &[
    "name",
    "slug",
    "url",
    "title",
    "label",
    "permalink",
    "path",
    "date",
    "date_rfc3339",
    "updated",
    "updated_rfc3339",
    "summary",
    "description",
    "lang",
    "dir",
    "draft",
    "word_count",
    "reading_minutes",
    "id",
    "kind",
    "html",
    "src",
    "share_url",
    "share_width",
    "share_height",
    "share_type",
    "width",
    "height",
    "alt",
    "caption",
    "credit",
    "content",
    "source_path",
    "locale",
    "domain",
    "feed_url",
    "bio",
    "intro",
    "number",
    "part",
    "total_pages",
    "total_items",
    "per_page",
    "count",
    "level",
    "text",
    "external",
    "language",
    "direction",
    "base_url",
    "home_url",
    "tags_url",
    "archive_url",
    "series_url",
    "search_url",
    "generator",
    "article_count",
    "logo_url",
    "year",
    "month",
    "index",
    "index0",
    "revindex",
    "revindex0",
    "first",
    "last",
    "length",
    "lastmod",
    "loc",
    "base",
    "atom_id",
    "self_url",
    "alternate_url",
];

/// Dotted paths that hold text although their last field elsewhere holds a summary
/// (`page.previous` is the older article; `paginator.previous` the previous page's href).
const TEXT_PATHS: &[&str] = &["paginator.previous", "paginator.next"];

/// Names of the context that hold text (or safe HTML) by themselves.
const TEXT_VALUES: &[&str] = &[
    "current_url",
    "current_permalink",
    "index_url",
    "script_url",
    "sitemap_url",
    "structured_data",
    "timeline",
    "intro",
];

/// Whether a printed expression can print a map or a list whole: anything but a literal, a
/// call, a dotted path ending in a field known to hold text, a name of the context that holds
/// text, or an item of an article's writers' names (`page.authors`, a list of texts).
fn prints_more_than_text(code: &str, scopes: &Scopes) -> bool {
    let head = code.split('|').next().unwrap_or("").trim();
    let quoted = head
        .chars()
        .next()
        .filter(|q| ['"', '\'', '`'].contains(q))
        .is_some_and(|q| head.len() > 1 && head[1..].find(q) == Some(head.len() - 2));
    let number = !head.is_empty() && head.chars().all(|c| c.is_ascii_digit() || c == '.');
    if quoted || number {
        return false;
    }
    let name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    if let Some((callee, _)) = head.split_once('(') {
        if head.ends_with(')') && callee.split("::").all(name) {
            return false;
        }
    }
    // `page.terms.sources[0].url`: an item taken by a literal index on the way is followed.
    let indexed = |p: &str| {
        let (base, indexes) = p.split_once('[').map_or((p, ""), |(b, i)| (b, i));
        name(base)
            && (indexes.is_empty()
                || indexes.strip_suffix(']').is_some_and(|i| {
                    i.split("][")
                        .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                }))
    };
    let parts: Vec<&str> = head.split('.').collect();
    let (last, way) = parts.split_last().unwrap_or((&"", &[]));
    if !name(last) || !way.iter().all(|p| indexed(p)) {
        return true;
    }
    match (parts.as_slice(), scopes.resolve(parts[0])) {
        ([one], Binding::Context) => !TEXT_VALUES.contains(one),
        ([_], Binding::Item(source, _)) => {
            let source: Vec<&str> = source.split('.').collect();
            !(source.len() == 2 && name(source[0]) && source[1] == "authors")
        }
        ([_], Binding::Unknown) => true,
        (_, _) if TEXT_PATHS.contains(&head) => false,
        (_, _) => !TEXT_FIELDS.contains(parts.last().unwrap_or(&"")),
    }
}

/// Whether the code of a template (inside `{{ }}` and `{% %}`) uses `site` other than as
/// `site.<field>`. Anything it cannot read that way counts as a use.
fn uses_site_whole(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    code_blocks(text).any(|(_, code)| {
        code.match_indices("site").any(|(at, _)| {
            let (before, after) = (&code[..at], &code[at + 4..]);
            let part_of_a_name = before.chars().next_back().is_some_and(word)
                || after.chars().next().is_some_and(word);
            !part_of_a_name && !after.trim_start().starts_with('.')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn sources(text: &str) -> Sources {
        vec![("x.html".into(), Arc::from(text), true)]
    }

    fn defaults() -> Sources {
        DEFAULTS
            .iter()
            .map(|(name, text)| (name.to_string(), Arc::from(*text), false))
            .collect()
    }

    #[test]
    fn the_article_count_is_read_only_where_a_template_can_read_it() {
        for text in [
            "{{ site.article_count }}",
            "{{ site[\"article_count\"] }}",
            "{{ site | json_encode }}",
            "{% for k, v in site %}{{ k }}{% endfor %}",
            "{{ site[key] }}",
            "{%- set s = site -%}",
            "{{ site",
            "<pre>{{ __tera_context }}</pre>",
        ] {
            assert!(reads_article_count(&sources(text)), "{text}");
        }
        for text in [
            "<header class=\"site-header\">{{ site.title }}</header>",
            "{{ website }} {{ site_name }} {% if site .feeds %}{% endif %}",
            "{# site #} site {{ site.taxonomies | length }}",
        ] {
            assert!(!reads_article_count(&sources(text)), "{text}");
        }
        assert!(
            !reads_article_count(&defaults()),
            "the default templates leave the count out"
        );
    }

    #[test]
    fn a_taxonomy_size_is_read_only_where_an_own_template_can_reach_it() {
        for text in [
            "{% for t in site.taxonomies %}{{ t.count }}{% endfor %}",
            "{{ site.taxonomies | length }}",
            "{{ site[\"taxonomies\"] }}",
            "{% set s = site %}{{ s.title }}",
            "{{ site | json_encode }}",
            "<pre>{{ __tera_context }}</pre>",
            "{{ taxonomy.count }}",
            "{{ taxonomy[\"count\"] }}",
            "{{ taxonomy | json_encode }}",
            "{% set x = taxonomy %}",
            "{{ taxonomy.urls }} {{ taxonomy.title }}",
        ] {
            assert!(reads_taxonomy_sizes(&sources(text)), "{text}");
        }
        for text in [
            "<header>{{ site.title }}</header>",
            "{% for t in page.tags %}{{ t.name }}{% endfor %} {{ site.article_count }}",
            "<a href=\"{{ taxonomy.url }}\">{{ taxonomy.title }}</a> taxonomy {{ my_taxonomy }} {% if taxonomy.name == \"tags\" %}{{ taxonomy.label }}{% endif %}",
        ] {
            assert!(!reads_taxonomy_sizes(&sources(text)), "{text}");
        }
        assert!(
            !reads_taxonomy_sizes(&defaults()),
            "the default templates only ask whether a taxonomy has names"
        );
        // A site's own copy of a default, word for word, is the default.
        let base = DEFAULTS
            .iter()
            .find(|(n, _)| *n == "base.html")
            .expect("base");
        let copy: Sources = vec![("base.html".into(), Arc::from(base.1), true)];
        assert!(base.1.contains("site.taxonomies"));
        assert!(!reads_taxonomy_sizes(&copy));
        let changed: Sources = vec![(
            "base.html".into(),
            Arc::from(base.1.replace("</body>", "<!-- -->\n</body>")),
            true,
        )];
        assert!(
            reads_taxonomy_sizes(&changed),
            "an edited copy is the site's own"
        );
    }

    #[test]
    fn a_term_count_is_read_wherever_a_template_may_reach_one() {
        for text in [
            // Through an article's names, however the loop variable is called.
            "{% for t in page.tags %}{{ t.count }}{% endfor %}",
            "{% for term in p.tags %}{{ term.count }}{% endfor %}",
            "{% for a in page.terms.authors %}{% if a.count > 3 %}كاتب{% endif %}{% endfor %}",
            // A name bound by a safe loop and, elsewhere, by another one.
            "{% for t in site.taxonomies %}{{ t.count }}{% endfor %}{% for t in page.tags %}{{ t.count }}{% endfor %}",
            "{% set t = page.tags | first %}{{ t.count }}",
            "{% component Chip(term) %}{{ term.count }}{% endcomponent %}",
            "{% set terms = page.tags %}{% for t in terms %}{{ t.count }}{% endfor %}",
            "{% for term in page.tags %}{% include \"chip.html\" %}{% endfor %}",
            "{% set page = p %}{% include \"chip.html\" %}",
            "{% component Chip(t: map) %}{% if t.count > 1 %}{% endif %}{% endcomponent %}",
            "{% if [term.count for term in page.tags] | length > 0 %}{% endif %}",
            "{{ [t.name for t in page.tags] | join(sep=\"، \") }}",
            "{{ page.tags[0].count }}",
            "{{ t[\"count\"] }}",
            "{% for t in page.tags | sort(attribute=\"count\") %}{% endfor %}",
            // Printed or serialised whole.
            "{{ page.tags }}",
            "{{ page.tags | join(sep=\", \") }}",
            "{{ p }}",
            "{{ page.similar | first }}",
            "{{ page | json_encode }}",
            "{{ (page.tags) }}",
            "{{ \"وسوم: \" ~ page.tags }}",
            "{% for k, v in page.tags[0] %}{{ v }}{% endfor %}",
            "{{ page.tags | get(key=k) }}",
            "{{ __tera_context }}",
        ] {
            assert!(may_read_term_counts(text), "{text}");
            assert!(reads_term_counts(&sources(text)), "{text}");
        }
        for text in [
            "{% for t in page.tags %}<a href=\"{{ t.url }}\">{{ t.name | isolate }}</a>{% endfor %}",
            "{% for t in site.taxonomies %}{% if t.count > 0 %}{{ t.title }}{% endif %}{% endfor %}",
            "{{ term.count | digits }} {{ page.series.count }} {% for m in months %}{{ m.count }}{% endfor %}",
            "{{ page.word_count }} {{ site.article_count }} {{ loop.index }} {{ \"نص\" }} {{ 3 }}",
            "{{ macros::card(p=p) }} {{ now() }}",
            "{% component Chip(t) %}{{ t.name }}{% endcomponent %}{{ term.count }}",
            "{% for p in pages %}{% include \"partials/card.html\" %}{% endfor %}",
        ] {
            assert_eq!(reading_block(text), None, "{text}");
        }
    }

    /// Any text, however broken, gets an answer: no panic on a character of several bytes next
    /// to what the check looks for (`"«t.count"` once cut a character in two).
    #[test]
    fn any_text_is_read_without_a_panic() {
        const PIECES: [&str; 26] = [
            "{{",
            "{%",
            "}}",
            "%}",
            "count",
            ".",
            "«",
            "،",
            "t",
            " ",
            "for ",
            " in ",
            "set ",
            "=",
            "[",
            "]",
            "\"",
            "é",
            "component ",
            "endfor",
            "|",
            "(",
            ")",
            "-",
            ",",
            "include ",
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(x % 24) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                text.push_str(PIECES[(x % PIECES.len() as u64) as usize]);
            }
            let _ = may_read_term_counts(&text);
            let _ = reads_article_count(&sources(&text));
            x = x.wrapping_add(1);
        }
        assert!(may_read_term_counts("{{ \"«t.count\" }}"));
    }

    #[test]
    fn the_default_templates_and_copies_of_them_leave_term_counts_out() {
        assert!(!reads_term_counts(&defaults()));
        let copies: Sources = DEFAULTS
            .iter()
            .map(|(name, text)| (name.to_string(), Arc::from(*text), true))
            .collect();
        assert!(!reads_term_counts(&copies), "an exact copy is the default");
        // Each default, once it is the site's own and edited, is still followed through.
        for (name, text) in DEFAULTS {
            assert_eq!(
                reading_block(text),
                None,
                "{name} would count as reading term counts once edited"
            );
        }
        let mut edited = copies;
        edited[0].1 = Arc::from(format!(
            "{}{{% for t in page.tags %}}{{{{ t.count }}}}{{% endfor %}}",
            edited[0].1
        ));
        assert!(reads_term_counts(&edited));
    }
}
