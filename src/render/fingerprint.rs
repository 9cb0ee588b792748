//! What a page is made from, as one number: a build renders a page only when this number differs
//! from the one recorded when the previous output's file was made (see
//! [`Sink::keep`](super::Sink::keep)).
//!
//! A page's bytes are a function of its template (and every template it may include or extend),
//! the filters' settings (`site.yaml`), the warraq binary, and the page's context. The context
//! is hashed as a whole, as the templates receive it — nothing is tracked by hand, so a change
//! anywhere in what a page shows (a related article's title, a tag's count, a similar list)
//! changes its number. Templates must therefore be pure: `now()` and the like would not
//! re-render an unchanged page (README says so).
//!
//! Precision per template: a page template no other template mentions (`feed.xml`,
//! `term.html`, …) only invalidates its own pages; every other template (`base.html`, macros,
//! partials, a page template another one includes) invalidates all pages.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::OnceLock;

use tera::Value;
use xxhash_rust::xxh3::Xxh3;

use super::templates::Sources;
use crate::config::Config;

/// The per-template part of every page's number.
#[derive(Debug, Clone, Default)]
pub struct Salts {
    by_template: HashMap<String, u64>,
    common: u64,
}

/// Hashes what is written into it (for serialising a context straight into a hash).
struct HashWriter(Xxh3);

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
        let _ = serde_json::to_writer(&mut settings, config);
        common.write_u64(settings.0.digest());
        let mentioned = |name: &str| {
            sources.iter().any(|(other, text, _)| {
                other != name
                    && [format!("\"{name}\""), format!("'{name}'")]
                        .iter()
                        .any(|quoted| text.contains(quoted.as_str()))
            })
        };
        let own: Vec<&(String, std::sync::Arc<str>, bool)> = sources
            .iter()
            .filter(|(name, _, _)| super::PAGE_TEMPLATES.contains(&name.as_str()))
            .filter(|(name, _, _)| !mentioned(name))
            .collect();
        for (name, text, _) in sources {
            if !own.iter().any(|(n, _, _)| n == name) {
                common.write(name.as_bytes());
                common.write_u8(0);
                common.write(text.as_bytes());
                common.write_u8(0);
            }
        }
        let common = common.digest();
        let by_template = own
            .into_iter()
            .map(|(name, text, _)| {
                let mut h = Xxh3::new();
                h.write_u64(common);
                h.write(name.as_bytes());
                h.write_u8(0);
                h.write(text.as_bytes());
                (name.clone(), h.digest())
            })
            .collect();
        Salts {
            by_template,
            common,
        }
    }

    /// The number of a page rendered by `template` from `context`.
    pub fn page(&self, template: &str, context: &Value) -> u64 {
        let mut h = Xxh3::new();
        h.write_u64(*self.by_template.get(template).unwrap_or(&self.common));
        h.write(template.as_bytes());
        h.write_u8(0);
        let mut writer = HashWriter(h);
        // Bincode: strings as their bytes (JSON's escaping took a fifth of a rebuild's time).
        // A context that cannot be serialised has no number: 0 never matches a recorded one.
        match bincode::serialize_into(&mut writer, context) {
            Ok(()) => writer.0.digest().max(1),
            Err(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

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
            before.page("term.html", &value),
            feed_changed.page("term.html", &value)
        );
        assert_ne!(
            before.page("feed.xml", &value),
            feed_changed.page("feed.xml", &value)
        );
        let base_changed = Salts::new(
            &config,
            &sources(&[("base.html", "B2"), ("feed.xml", "F"), ("term.html", "T")]),
        );
        assert_ne!(
            before.page("term.html", &value),
            base_changed.page("term.html", &value)
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
            including("F").page("term.html", &value),
            including("F2").page("term.html", &value)
        );
    }

    #[test]
    fn the_context_and_the_settings_count() {
        let s = sources(&[("base.html", "B")]);
        let a = Value::from_serializable(&serde_json::json!({"title": "أ"}));
        let b = Value::from_serializable(&serde_json::json!({"title": "ب"}));
        let salts = Salts::new(&Config::default(), &s);
        assert_eq!(salts.page("x.html", &a), salts.page("x.html", &a));
        assert_ne!(salts.page("x.html", &a), salts.page("x.html", &b));
        let mut other = Config::default();
        other.hijri = !other.hijri;
        assert_ne!(
            Salts::new(&other, &s).page("x.html", &a),
            salts.page("x.html", &a)
        );
    }
}
