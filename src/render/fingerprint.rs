//! What a page is made from, as one number: a build renders a page only when this number differs
//! from the one recorded when the previous output's file was made (see
//! [`Sink::keep`](super::Sink::keep)).
//!
//! A page's bytes are a function of its template (and every template it may include or extend),
//! the filters' settings (`site.yaml`), the warraq binary, and the page's context. The values
//! the context is made from are hashed as a whole, straight from the page's structs
//! ([`number_of`]; the context itself is made only for a page rendered again) — nothing is
//! tracked by hand, so a change anywhere in what a page shows (a related article's title, a
//! tag's count, a similar list) changes its number. Templates must therefore be pure: `now()`
//! and the like would not re-render an unchanged page (README says so). Three values are left out when no template
//! can read them ([`super::reads`]): `site.article_count`, the counts of the names articles
//! link to, and each taxonomy's number of names beyond whether it has any; a new article (or
//! its new tag) changes each of them in nearly every page's context.
//!
//! Precision per template: a template changes the numbers of the pages whose template reaches it
//! through `extends` and `include` (`partials/card.html` those of the lists, not the articles';
//! `base.html` every page's). A template no page template reaches, and one that defines
//! components (which any template uses without naming its file), change every page's number;
//! so does any template when one names another in a way not read here (an escape in its name).

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::OnceLock;

use tera::Value;
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use super::templates::Sources;
use crate::config::Config;

/// The per-template part of every page's number.
#[derive(Debug, Clone, Default)]
pub struct Salts {
    by_template: HashMap<String, u64>,
    common: u64,
}

/// Hashes a template's name and text into `h`.
fn write_template(h: &mut Xxh3, name: &str, text: &str) {
    h.write(name.as_bytes());
    h.write_u8(0);
    h.write(text.as_bytes());
    h.write_u8(0);
}

/// The templates of `names` that `text` extends or includes (`{% extends "base.html" %}`,
/// `{%- include 'partials/card.html' -%}`), as indexes into `names`; `None` when a tag names a
/// template in a way not read here (an escape in its string), so that nothing is missed.
/// A name that is no template is left out (Tera refuses to load such a template anyway).
fn uses(text: &str, names: &[&str]) -> Option<Vec<usize>> {
    let mut found = Vec::new();
    for tag in tags(text) {
        let Some(after) = ["extends", "include"]
            .iter()
            .find_map(|keyword| tag.strip_prefix(keyword))
        else {
            continue;
        };
        if after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = after.trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let body = &after[1..];
        let name = &body[..body.find(quote)?];
        if name.contains('\\') {
            return None;
        }
        if let Some(i) = names.iter().position(|n| *n == name) {
            found.push(i);
        }
    }
    Some(found)
}

/// Whether a template defines components, which any template may use without naming its file.
fn defines_components(text: &str) -> bool {
    tags(text).any(|tag| tag.starts_with("component"))
}

/// The text after each `{%` of a template (and its whitespace control), from its tag's keyword on.
fn tags(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%")
        .skip(1)
        .map(|tag| tag.trim_start_matches(['-', '+']).trim_start())
}

/// Hashes what is written into it (for serialising a context straight into a hash).
pub(crate) struct HashWriter(pub(crate) Xxh3);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The running binary's identity: its version, length and modification time (a rebuilt warraq
/// renders differently even under the same version number; reading its 80 MB to hash them
/// would cost a no-change build more than everything else it does).
pub fn binary() -> u64 {
    static BINARY: OnceLock<u64> = OnceLock::new();
    *BINARY.get_or_init(|| {
        let mut h = Xxh3::new();
        h.write(env!("CARGO_PKG_VERSION").as_bytes());
        if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
            h.write_u64(meta.len());
            h.write_u128(crate::output::manifest::mtime_of(&meta));
        }
        h.digest()
    })
}

impl Salts {
    pub fn new(config: &Config, sources: &Sources) -> Salts {
        let mut common = Xxh3::new();
        common.write_u64(binary());
        // The settings filters read (dates, digits, direction) and everything else of site.yaml.
        let mut settings = HashWriter(Xxh3::new());
        let _ = serde_json::to_writer(&mut settings, &config.for_outputs());
        common.write_u64(settings.0.digest());
        let names: Vec<&str> = sources.iter().map(|(n, _, _)| n.as_str()).collect();
        let Some(uses) = sources
            .iter()
            .map(|(_, text, _)| uses(text, &names))
            .collect::<Option<Vec<Vec<usize>>>>()
        else {
            // A template names another in a way not read here: every template is every page's.
            for (name, text, _) in sources {
                write_template(&mut common, name, text);
            }
            return Salts {
                by_template: HashMap::new(),
                common: common.digest(),
            };
        };
        // What each template reaches through `extends` and `include`, itself included.
        let reach = |from: usize| {
            let mut seen = vec![false; sources.len()];
            let mut stack = vec![from];
            while let Some(i) = stack.pop() {
                if !std::mem::replace(&mut seen[i], true) {
                    stack.extend(&uses[i]);
                }
            }
            seen
        };
        let reached: Vec<Vec<bool>> = (0..sources.len()).map(reach).collect();
        // Every page's: a template no page template reaches (read some other way, or not at all)
        // and one that defines components (which every template may use without naming it).
        let everyones: Vec<bool> = (0..sources.len())
            .map(|i| {
                let by_a_page = (0..sources.len())
                    .any(|p| super::PAGE_TEMPLATES.contains(&names[p]) && reached[p][i]);
                !by_a_page || defines_components(&sources[i].1)
            })
            .collect();
        for (i, (name, text, _)) in sources.iter().enumerate() {
            if everyones[i] {
                write_template(&mut common, name, text);
            }
        }
        let common = common.digest();
        // Each template's own number (a page is rendered with one of PAGE_TEMPLATES; the others
        // have theirs all the same, which cannot be short of what they reach).
        let by_template = reached
            .into_iter()
            .enumerate()
            .map(|(page, reached)| {
                let mut h = Xxh3::new();
                h.write_u64(common);
                for (i, (name, text, _)) in sources.iter().enumerate() {
                    if reached[i] && !everyones[i] {
                        write_template(&mut h, name, text);
                    }
                }
                (names[page].to_string(), h.digest())
            })
            .collect();
        Salts {
            by_template,
            common,
        }
    }

    /// The number of a page rendered by `template` from `context`. Values that `shared` knows
    /// (each article's list form, the site's values) stand in it by their own number.
    pub fn page(&self, template: &str, context: &Value, shared: &Shared) -> u64 {
        BUFFER.with_borrow_mut(|buf| {
            buf.clear();
            buf.extend_from_slice(
                &self
                    .by_template
                    .get(template)
                    .unwrap_or(&self.common)
                    .to_le_bytes(),
            );
            buf.extend_from_slice(template.as_bytes());
            buf.push(0);
            feed(buf, context, shared);
            xxh3_64(buf).max(1)
        })
    }
}

thread_local! {
    /// A page's context written out to be hashed, kept between the pages of a thread.
    static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The numbers of values many pages contain, by the address of their map. Tera values share
/// their maps (`Arc`), so a value a page context was made from has the same address in every
/// page: it is hashed once, and then written into each page's hash as its number instead of
/// again in full (at 100 000 articles, every list page and article page repeats the same
/// summaries; hashing them anew was a tenth of a build). The values must outlive every use of
/// this table — the renderer holds them while it renders — so no other map can have the same
/// address meanwhile. Arrays are left out: every empty one has the same (dangling) address.
#[derive(Debug, Default)]
pub struct Shared(ahash::AHashMap<usize, u64>);

impl Shared {
    /// A table of `values`' numbers (maps; other values are left out).
    pub fn of(values: &[&Value]) -> Shared {
        let mut shared = Shared::default();
        shared.add(values);
        shared
    }

    /// Adds `values`' numbers to the table; the values already in it stand in them by theirs.
    pub fn add(&mut self, values: &[&Value]) {
        use rayon::prelude::*;
        let table = values
            .par_iter()
            .filter_map(|v| Some((address(v)?, number_with(v, self))))
            .collect::<Vec<_>>();
        self.0.extend(table);
    }

    /// Makes every term reference the `summaries` hold (the maps of their `tags` and of each list
    /// in their `terms`, which every summary naming the term shares, and so does the article's
    /// own page) stand in pages by its number without its `count`: for when no template can read
    /// that count ([`super::reads::reads_term_counts`]). Call before adding the summaries.
    pub fn terms_without_counts(&mut self, summaries: &[Value]) {
        let mut seen = ahash::AHashSet::new();
        let refs = summaries
            .iter()
            .filter_map(Value::as_map)
            .flat_map(|summary| {
                let tags = summary.get(&tera::value::Key::Str("tags"));
                let terms = summary
                    .get(&tera::value::Key::Str("terms"))
                    .and_then(Value::as_map)
                    .into_iter()
                    .flat_map(|by_taxonomy| by_taxonomy.values());
                tags.into_iter().chain(terms)
            })
            .filter_map(Value::as_array)
            .flatten();
        for term in refs {
            let (Some(at), Some(map)) = (address(term), term.as_map()) else {
                continue;
            };
            if seen.insert(at) {
                let without: tera::Map = map
                    .iter()
                    .filter(|(key, _)| key.as_str() != Some("count"))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                self.0.insert(at, number(&Value::from(without)));
            }
        }
    }

    /// Makes `at` stand in pages by the number of `from`: a value its pages' templates cannot
    /// tell from it (the site's values without what no template reads).
    pub fn stand_as(&mut self, at: &Value, from: &Value) {
        if let Some(address) = address(at) {
            self.0.insert(address, number(from));
        }
    }
}

/// The number a shared value stands for itself by: the hash of all of it.
fn number(v: &Value) -> u64 {
    number_with(v, &Shared::default())
}

/// The number of `v`, the values `shared` knows standing in it by their own.
fn number_with(v: &Value, shared: &Shared) -> u64 {
    let mut buf = Vec::new();
    feed(&mut buf, v, shared);
    xxh3_64(&buf)
}

/// The address of a value's map, which its clones share.
fn address(v: &Value) -> Option<usize> {
    v.as_map().map(|map| map as *const _ as *const u8 as usize)
}

/// Writes `v` into `buf` so that two values write the same bytes only when templates see the
/// same thing: each value starts with its kind, texts and lists with their length, and a text
/// says whether it is marked safe (it is escaped or not when printed).
fn feed(buf: &mut Vec<u8>, v: &Value, shared: &Shared) {
    use tera::value::Key;
    use tera::value::ValueKind as K;
    let text = |buf: &mut Vec<u8>, tag: u8, bytes: &[u8]| {
        buf.push(tag);
        buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        buf.extend_from_slice(bytes);
    };
    if let Some(number) = address(v).and_then(|a| shared.0.get(&a)) {
        buf.push(b'#');
        buf.extend_from_slice(&number.to_le_bytes());
        return;
    }
    match v.kind() {
        K::Undefined => buf.push(b'u'),
        K::None => buf.push(b'n'),
        K::Bool => buf.extend_from_slice(if v.as_bool() == Some(true) {
            b"bt"
        } else {
            b"bf"
        }),
        K::String => text(
            buf,
            if v.is_safe() { b'S' } else { b's' },
            v.as_str().unwrap_or_default().as_bytes(),
        ),
        K::Array => {
            let list = v.as_array().unwrap_or_default();
            buf.push(b'[');
            buf.extend_from_slice(&(list.len() as u64).to_le_bytes());
            for item in list {
                feed(buf, item, shared);
            }
        }
        K::Map => {
            buf.push(b'{');
            if let Some(map) = v.as_map() {
                buf.extend_from_slice(&(map.len() as u64).to_le_bytes());
                for (key, value) in map {
                    match key {
                        Key::String(s) => text(buf, b'k', s.as_bytes()),
                        Key::Str(s) => text(buf, b'k', s.as_bytes()),
                        other => text(buf, b'K', other.to_string().as_bytes()),
                    }
                    feed(buf, value, shared);
                }
            }
        }
        K::Bytes => text(buf, b'b', v.as_bytes().unwrap_or_default()),
        K::U64 | K::I64 | K::U128 | K::I128 => text(
            buf,
            b'i',
            &v.as_i128().map_or_else(
                || v.as_u128().unwrap_or_default().to_le_bytes(),
                |i| i.to_le_bytes(),
            ),
        ),
        K::F64 => text(
            buf,
            b'f',
            &v.as_f64().unwrap_or_default().to_bits().to_le_bytes(),
        ),
        // A kind this version of tera does not have yet: its printed form.
        _ => text(buf, b'?', v.to_string().as_bytes()),
    }
}

/// A value many pages show (an article's list form, the site's values), as page structs hold
/// it: given to templates as the value itself, and hashed into a page's number by the value's
/// own number ([`Shared`]) without being copied into a context first (see [`number_of`]).
#[derive(Clone, Copy)]
pub struct Ref<'a>(pub &'a Value);

thread_local! {
    /// The shared values' table while [`number_of`] writes a page on this thread (null
    /// otherwise): where a [`Ref`] finds its value's number.
    static HASHING: std::cell::Cell<*const Shared> =
        const { std::cell::Cell::new(std::ptr::null()) };
}

impl serde::Serialize for Ref<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let shared = HASHING.get();
        if shared.is_null() {
            return self.0.serialize(s);
        }
        // SAFETY: `number_of` set it from the `&Shared` it holds for the whole serialisation
        // this call is part of, and clears it before it returns.
        let shared = unsafe { &*shared };
        let number = match address(self.0).and_then(|a| shared.0.get(&a)) {
            Some(&number) => number,
            None => number_with(self.0, shared),
        };
        // A map of one entry, so that a flattened one (`#[serde(flatten)]`) is written too.
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("\u{0}shared", &number)?;
        map.end()
    }
}

thread_local! {
    /// A page's values written out to be hashed ([`number_of`]), kept between the pages of a
    /// thread.
    static VALUES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The number of a page's values as their struct gives them, for [`Salts::page`]: the same
/// whenever the context made from them would be the same, without making it. The struct is
/// written with [`super::feed`] (every value with its kind, fields left out absent), each
/// [`Ref`] as its value's number (what `feed` writes for it, by the table's number when
/// `shared` has one). Values of the struct that are tera values themselves (a body, the
/// JSON-LD) are written as their text, without whether it is marked safe, which the field
/// decides.
pub fn number_of<T: serde::Serialize>(value: &T, shared: &Shared) -> Result<u64, String> {
    /// Clears the table's address however the writing ends (a panic included).
    struct Clear(*const Shared);
    impl Drop for Clear {
        fn drop(&mut self) {
            HASHING.set(self.0);
        }
    }
    let _clear = Clear(HASHING.replace(shared));
    VALUES.with_borrow_mut(|buf| {
        buf.clear();
        super::feed::write(buf, value)
            .map(|()| xxh3_64(buf).max(1))
            .map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The number of a page none of whose values are shared.
    fn number(salts: &Salts, template: &str, context: &Value) -> u64 {
        salts.page(template, context, &Shared::default())
    }

    fn sources(list: &[(&str, &str)]) -> Sources {
        list.iter()
            .map(|(n, t)| ((*n).to_string(), Arc::from(*t), false))
            .collect()
    }

    #[test]
    fn a_page_template_change_touches_its_pages_only_unless_included() {
        let config = Config::default();
        let value = Value::from_serializable(&serde_json::json!({"a": [1, "ب"], "c": {"d": true}}));
        let before = Salts::new(
            &config,
            &sources(&[("base.html", "B"), ("feed.xml", "F"), ("term.html", "T")]),
        );
        let feed_changed = Salts::new(
            &config,
            &sources(&[("base.html", "B"), ("feed.xml", "F2"), ("term.html", "T")]),
        );
        assert_eq!(
            number(&before, "term.html", &value),
            number(&feed_changed, "term.html", &value)
        );
        assert_ne!(
            number(&before, "feed.xml", &value),
            number(&feed_changed, "feed.xml", &value)
        );
        let base_changed = Salts::new(
            &config,
            &sources(&[("base.html", "B2"), ("feed.xml", "F"), ("term.html", "T")]),
        );
        assert_ne!(
            number(&before, "term.html", &value),
            number(&base_changed, "term.html", &value)
        );
        // term.html includes feed.xml: a change of feed.xml reaches term pages too.
        let including = |feed: &str| {
            Salts::new(
                &config,
                &sources(&[
                    ("base.html", "B"),
                    ("feed.xml", feed),
                    ("term.html", "{% include \"feed.xml\" %}"),
                ]),
            )
        };
        assert_ne!(
            number(&including("F"), "term.html", &value),
            number(&including("F2"), "term.html", &value)
        );
    }

    /// Which of `pages` change their number when `changed` replaces one template of `site`.
    fn touched(site: &[(&str, &str)], changed: (&str, &str), pages: &[&str]) -> Vec<String> {
        let config = Config::default();
        let value = Value::from_serializable(&serde_json::json!({"t": "ع"}));
        let before = Salts::new(&config, &sources(site));
        let after: Vec<(&str, &str)> = site
            .iter()
            .map(|&(n, t)| if n == changed.0 { changed } else { (n, t) })
            .collect();
        let after = Salts::new(&config, &sources(&after));
        pages
            .iter()
            .filter(|p| number(&before, p, &value) != number(&after, p, &value))
            .map(|p| (*p).to_string())
            .collect()
    }

    #[test]
    fn a_template_change_touches_the_pages_whose_templates_reach_it() {
        let site = [
            ("base.html", "<html>{% include `partials/nav.html` %}{% block c %}{% endblock c %}"),
            ("partials/nav.html", "<nav></nav>"),
            ("partials/card.html", "<article></article>"),
            (
                "home.html",
                "{% extends \"base.html\" %}{% block c %}{%- include 'partials/card.html' -%}{% endblock c %}",
            ),
            ("article.html", "{%- extends 'base.html' -%}{% block c %}{% endblock c %}"),
            ("feed.xml", "<feed/>"),
            ("notes.html", "not used"),
        ];
        let pages = ["home.html", "article.html", "feed.xml"];
        assert_eq!(
            touched(
                &site,
                ("partials/card.html", "<article>x</article>"),
                &pages
            ),
            ["home.html"]
        );
        assert_eq!(
            touched(
                &site,
                (
                    "base.html",
                    "<html>{% include `partials/nav.html` %}{% block c %}{% endblock c %}!"
                ),
                &pages
            ),
            ["home.html", "article.html"]
        );
        assert_eq!(
            touched(&site, ("partials/nav.html", "<nav>x</nav>"), &pages),
            ["home.html", "article.html"],
            "reached through base.html"
        );
        assert_eq!(
            touched(&site, ("feed.xml", "<feed>x</feed>"), &pages),
            ["feed.xml"]
        );
        // A template no page template reaches may be read some other way: every page's.
        assert_eq!(
            touched(&site, ("notes.html", "still not used"), &pages),
            pages
        );
        // Components are used without naming their file: every page's, reached or not.
        let mut with_components = site.to_vec();
        with_components[1].1 = "{% component badge() %}<b></b>{% endcomponent badge %}";
        assert_eq!(
            touched(
                &with_components,
                (
                    "partials/nav.html",
                    "{% component badge() %}<i></i>{% endcomponent badge %}"
                ),
                &pages
            ),
            pages
        );
        // A name with an escape is not read here: any change is every page's.
        let mut escaped = site.to_vec();
        escaped[3].1 = "{% extends \"base.html\" %}{% include \"partials\\/card.html\" %}";
        assert_eq!(
            touched(&escaped, ("feed.xml", "<feed>x</feed>"), &pages),
            pages
        );
    }

    #[test]
    fn the_context_and_the_settings_count() {
        let s = sources(&[("base.html", "B")]);
        let a = Value::from_serializable(&serde_json::json!({"title": "أ"}));
        let b = Value::from_serializable(&serde_json::json!({"title": "ب"}));
        let salts = Salts::new(&Config::default(), &s);
        assert_eq!(number(&salts, "x.html", &a), number(&salts, "x.html", &a));
        assert_ne!(number(&salts, "x.html", &a), number(&salts, "x.html", &b));
        let mut other = Config::default();
        other.hijri = !other.hijri;
        assert_ne!(
            number(&Salts::new(&other, &s), "x.html", &a),
            number(&salts, "x.html", &a)
        );
    }

    #[test]
    fn shared_values_count_by_their_contents() {
        let salts = Salts::new(&Config::default(), &sources(&[("base.html", "B")]));
        let summary = |title: &str| Value::from_serializable(&serde_json::json!({"title": title}));
        let page = |s: &Value| {
            let mut m = tera::Map::new();
            m.insert("pages".into(), Value::from_serializable(&vec![s.clone()]));
            Value::from(m)
        };
        let (a, b) = (summary("أ"), summary("ب"));
        let (known_a, known_b) = (Shared::of(&[&a]), Shared::of(&[&b]));
        // Another process, another address: the same contents give the same number.
        let a_again = summary("أ");
        assert_eq!(
            salts.page("x.html", &page(&a), &known_a),
            salts.page("x.html", &page(&a_again), &Shared::of(&[&a_again]))
        );
        assert_ne!(
            salts.page("x.html", &page(&a), &known_a),
            salts.page("x.html", &page(&b), &known_b)
        );
        // Stood for by its number: the page's number is not that of the value written out.
        assert_ne!(
            salts.page("x.html", &page(&a), &known_a),
            salts.page("x.html", &page(&a), &Shared::default())
        );
    }

    #[test]
    fn a_text_marked_safe_is_another_context() {
        let salts = Salts::new(&Config::default(), &sources(&[("base.html", "B")]));
        let with = |v: Value| {
            let mut m = tera::Map::new();
            m.insert("body".into(), v);
            Value::from(m)
        };
        let none = Shared::default();
        assert_ne!(
            salts.page("x.html", &with(Value::safe_string("<b>")), &none),
            salts.page("x.html", &with(Value::normal_string("<b>")), &none)
        );
        assert_ne!(
            salts.page("x.html", &with(Value::from(1u64)), &none),
            salts.page("x.html", &with(Value::normal_string("1")), &none)
        );
    }

    #[derive(serde::Serialize)]
    struct Page<'a> {
        title: &'a str,
        #[serde(flatten)]
        summary: Ref<'a>,
        pages: Vec<Ref<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<&'a str>,
    }

    #[test]
    fn a_pages_number_from_its_struct_sees_every_value_it_would_show() {
        let summary = |title: &str| {
            Value::from_serializable(&serde_json::json!({"title": title, "tags": ["أ"]}))
        };
        let (a, b, a_again) = (summary("أ"), summary("ب"), summary("أ"));
        let none = Shared::default();
        fn page<'a>(
            title: &'a str,
            s: &'a Value,
            list: &[&'a Value],
            note: Option<&'a str>,
        ) -> Page<'a> {
            Page {
                title,
                summary: Ref(s),
                pages: list.iter().map(|&v| Ref(v)).collect(),
                note,
            }
        }
        let n = |p: &Page| number_of(p, &none).unwrap();
        // The same values give the same number, wherever they are in memory.
        assert_eq!(
            n(&page("t", &a, &[&b], None)),
            n(&page("t", &a_again, &[&b], None))
        );
        // A flattened value, a listed one, a text, a field left out: each counts.
        let base = n(&page("t", &a, &[&b], None));
        for other in [
            page("t", &b, &[&b], None),
            page("t", &a, &[&a], None),
            page("t", &a, &[&b, &b], None),
            page("u", &a, &[&b], None),
            page("t", &a, &[&b], Some("")),
        ] {
            assert_ne!(base, n(&other));
        }
        // Values the table knows stand in by their numbers: equal contents, equal numbers.
        let known = Shared::of(&[&a, &b, &a_again]);
        let with = |p: &Page| number_of(p, &known).unwrap();
        assert_eq!(
            with(&page("t", &a, &[&b], None)),
            with(&page("t", &a_again, &[&b], None))
        );
        assert_ne!(
            with(&page("t", &a, &[&b], None)),
            with(&page("t", &b, &[&b], None))
        );
        // Outside of a number, a `Ref` is its value: the context templates get is unchanged.
        let context = Value::from_serializable(&page("t", &a, &[&b], None));
        assert_eq!(
            context,
            Value::from_serializable(&serde_json::json!({
                // (the flattened summary's title is written after the page's own)
                "title": "أ", "tags": ["أ"], "pages": [{"title": "ب", "tags": ["أ"]}]
            }))
        );
    }
}
