//! Search: a static, sharded index that the search page's script (`static/search.js`) queries in
//! the reader's browser. [`analysis`] is how a word is read (on both sides), [`index`] builds the
//! files, [`encode`] is their binary shape.

pub mod analysis;
pub mod encode;
pub mod index;
pub mod patch;
pub mod plurals;
pub mod postings;

pub use index::{index_files, write};

/// The search script's href with a short hash of the embedded script as its query
/// (`/search.js?v=…`): a reader's browser that kept an earlier version fetches this one instead
/// of reading a newer index with it (the index's format changes with the script).
pub fn script_href(config: &crate::config::Config) -> String {
    static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let version = VERSION.get_or_init(|| {
        let hash = xxhash_rust::xxh3::xxh3_64(crate::render::templates::SEARCH_SCRIPT);
        format!("{:08x}", hash as u32)
    });
    format!("{}?v={version}", config.href("/search.js"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_href_names_the_embedded_script_version() {
        let config = crate::config::Config::default();
        let href = super::script_href(&config);
        let (path, version) = href.split_once("?v=").expect("a version query");
        assert!(path.ends_with("/search.js"), "{href}");
        assert_eq!(version.len(), 8);
        assert!(version.bytes().all(|b| b.is_ascii_hexdigit()), "{href}");
    }
}
