//! URLs, owned once: the site's base URL (origin + path), turning site paths into hrefs and
//! permalinks, classifying a link by its scheme, splitting off query and fragment, and
//! recognising a URL that points back into the site. The loader, the markdown layer, the
//! front-matter, `check` and `serve` all ask here instead of parsing URLs themselves.

use crate::arabic::slug::encode_path;

/// Where the site lives: `/`, `/archive/` or `https://example.org/archive/`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BaseUrl {
    /// As written.
    pub written: String,
    /// `https://example.org` when the base is absolute.
    pub origin: Option<String>,
    /// Always with a leading and a trailing slash: `/`, `/archive/`.
    pub path: String,
}

/// Why a base URL was refused (the caller adds where it was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBaseUrl(pub &'static str);

impl BaseUrl {
    /// Parses `/`, `/a`, `https://host`, `https://host/a/`. Refused: other schemes,
    /// protocol-relative URLs, whitespace, a query or a fragment, an empty host.
    pub fn parse(written: &str) -> Result<BaseUrl, BadBaseUrl> {
        if written.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(BadBaseUrl("it contains spaces or control characters"));
        }
        if written.contains(['?', '#']) {
            return Err(BadBaseUrl(
                "a base URL cannot have a query (`?`) or a fragment (`#`)",
            ));
        }
        let lower = written.to_ascii_lowercase();
        let rest = if lower.starts_with("https://") {
            Some(&written[8..])
        } else if lower.starts_with("http://") {
            Some(&written[7..])
        } else {
            None
        };
        if let Some(rest) = rest {
            let host_end = rest.find('/').unwrap_or(rest.len());
            let host = &rest[..host_end];
            if host.is_empty() || host.contains('@') || host.starts_with(':') {
                return Err(BadBaseUrl("it has no host name"));
            }
            let scheme_len = written.len() - rest.len();
            return Ok(BaseUrl {
                written: written.to_string(),
                origin: Some(format!("{}{host}", &lower[..scheme_len])),
                path: with_slashes(&rest[host_end..]),
            });
        }
        if written.starts_with('/') && !written.starts_with("//") {
            return Ok(BaseUrl {
                written: written.to_string(),
                origin: None,
                path: with_slashes(written),
            });
        }
        Err(BadBaseUrl(
            "it is neither an absolute path (`/`) nor an http(s) URL",
        ))
    }

    /// The href of a site path (`/2025/x/` → `/base/2025/x/`, percent-encoded).
    pub fn href(&self, site_path: &str) -> String {
        let joined = format!("{}{}", self.path, site_path.trim_start_matches('/'));
        encode_path(&joined)
    }

    /// The absolute URL of a site path when the base is absolute, the href otherwise.
    pub fn permalink(&self, site_path: &str) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}{}", self.href(site_path)),
            None => self.href(site_path),
        }
    }

    /// The part of a URL (as found in a page) that addresses this site, as a path from the
    /// server root (`/base/x/#y`), or `None` when the URL leaves the site: another scheme,
    /// another host, the same host outside the base path, or a protocol-relative URL.
    pub fn local_part<'u>(&self, url: &'u str) -> Option<&'u str> {
        if url.is_empty() {
            return None;
        }
        if let Some(origin) = &self.origin {
            let head = url.get(..origin.len()).unwrap_or("");
            if head.eq_ignore_ascii_case(origin) {
                let rest = &url[origin.len()..];
                if !(rest.is_empty() || rest.starts_with(['/', '?', '#'])) {
                    return None; // example.org.evil
                }
                let rest = if rest.is_empty() { "/" } else { rest };
                let inside = rest.starts_with(self.path.as_str())
                    || format!("{}/", split(rest).path) == self.path;
                return inside.then_some(rest);
            }
        }
        match classify(url) {
            LinkKind::Relative => Some(url),
            _ => None,
        }
    }

    /// A server-root path (`/base/2025/x/`) as a site path (`/2025/x/`); paths outside the base
    /// are returned unchanged.
    pub fn strip<'p>(&self, path: &'p str) -> &'p str {
        match path.strip_prefix(self.path.as_str()) {
            Some(rest) => &path[path.len() - rest.len() - 1..],
            None if format!("{path}/") == self.path => "/",
            None => path,
        }
    }
}

fn with_slashes(p: &str) -> String {
    let mut s = String::with_capacity(p.len() + 2);
    if !p.starts_with('/') {
        s.push('/');
    }
    s.push_str(p);
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// What a link destination is, by its scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// No scheme: a path, `#fragment` or `?query` within the site (`//host` is [`LinkKind::External`]).
    Relative,
    /// http, https, mailto or tel (and protocol-relative `//host/...`).
    External,
    /// Any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`), lower-cased, with the
    /// whitespace and control characters browsers ignore removed.
    Unsafe(String),
}

/// Schemes a link in content may use.
pub const SAFE_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Classifies a destination the way a browser reads it: leading/trailing whitespace and the
/// tabs and newlines browsers strip inside a scheme do not hide `java\tscript:`.
pub fn classify(url: &str) -> LinkKind {
    let url = url.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    if url.starts_with("//") {
        return LinkKind::External;
    }
    let Some(colon) = url.find(':') else {
        return LinkKind::Relative;
    };
    let head = &url[..colon];
    if head.contains(['/', '?', '#']) {
        return LinkKind::Relative;
    }
    let scheme: String = head
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !valid {
        // `a:b` where `a` cannot be a scheme ("المادة:3") is a relative path to browsers.
        return LinkKind::Relative;
    }
    if SAFE_SCHEMES.contains(&scheme.as_str()) {
        LinkKind::External
    } else {
        LinkKind::Unsafe(scheme)
    }
}

/// A URL cut into path, query and fragment (without their `?`/`#`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts<'u> {
    pub path: &'u str,
    pub query: Option<&'u str>,
    pub fragment: Option<&'u str>,
}

impl Parts<'_> {
    /// `?query#fragment` as written (empty when neither exists), to put back after a new path.
    pub fn suffix(&self) -> String {
        let mut s = String::new();
        if let Some(q) = self.query {
            s.push('?');
            s.push_str(q);
        }
        if let Some(f) = self.fragment {
            s.push('#');
            s.push_str(f);
        }
        s
    }
}

/// Splits off the fragment (first `#`) and the query (first `?` before it).
pub fn split(url: &str) -> Parts<'_> {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    Parts {
        path,
        query,
        fragment,
    }
}

/// Makes in-page links (`href="#x"`: heading self-links, footnotes, the author's own) point at
/// `page#x`, for HTML shown away from its page (list pages, and feeds, which resolve `#x`
/// against the feed itself).
pub fn anchors_to(html: &str, page: &str) -> String {
    html.replace("href=\"#", &format!("href=\"{page}#"))
}

/// The URL without its fragment.
pub fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(u, _)| u)
}

/// Percent-decodes a path or fragment (invalid UTF-8 is replaced, never an error).
pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// The host of an http(s) URL without `www.`, what readers recognise ("example.org").
pub fn domain(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.strip_prefix("www.").unwrap_or(host))
}

/// The URLs of a `srcset` attribute, as HTML parses it ("parse a srcset attribute"): candidates
/// are separated by commas, but a URL runs to the next whitespace and may hold commas itself
/// (`/i/w_480,c_fill/a.jpg 480w`, an image service's URL), and a descriptor's parentheses may
/// too. Splitting on every comma cut such a URL in two and reported both halves as broken.
pub fn srcset_urls(set: &str) -> Vec<&str> {
    let is_space = |c: char| matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r');
    let mut urls = Vec::new();
    let mut rest = set;
    loop {
        rest = rest.trim_start_matches(|c: char| is_space(c) || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest.find(is_space).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        if let Some(url) = url.strip_suffix(',') {
            // `a.png,b.png`: the commas that end a URL end its candidate, with no descriptors.
            urls.push(url.trim_end_matches(','));
            rest = after;
            continue;
        }
        urls.push(url);
        // The descriptors run to the next comma outside parentheses.
        let mut depth = 0usize;
        let mut next = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    next = i + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[next..];
    }
}

/// An external URL as a valid URL string (WHATWG URL, what HTML's `href` requires): the ASCII
/// characters a URL cannot hold (`<>"` `` ` `` `{}|\^`, spaces, controls; `[` and `]` outside
/// the host; every `#` after the first; a `%` that does not start an escape) percent-encoded,
/// everything else as written, non-ASCII letters included (an Arabic path stays readable, and
/// browsers encode it when they send it). Browsers follow the written form anyway; validators
/// and other readers of the page refuse it.
pub fn conform(url: &str) -> std::borrow::Cow<'_, str> {
    let bytes = url.as_bytes();
    // The host is where `[` and `]` belong (`http://[::1]/`).
    let authority = url.find("://").map_or(0..0, |at| {
        let from = at + 3;
        let to = url[from..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |end| from + end);
        from..to
    });
    let mut fragment = false;
    let mut out: Option<String> = None;
    for (i, c) in url.char_indices() {
        let bad = match c {
            '<' | '>' | '"' | '`' | '{' | '}' | '|' | '\\' | '^' | ' ' => true,
            c if c.is_ascii_control() => true,
            '[' | ']' => !authority.contains(&i),
            '#' => std::mem::replace(&mut fragment, true),
            '%' => {
                !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            }
            _ => false,
        };
        match (&mut out, bad) {
            (None, false) => {}
            (None, true) => {
                let mut s = String::with_capacity(url.len() + 8);
                s.push_str(&url[..i]);
                s.push_str(&format!("%{:02X}", c as u32));
                out = Some(s);
            }
            (Some(s), true) => s.push_str(&format!("%{:02X}", c as u32)),
            (Some(s), false) => s.push(c),
        }
    }
    match out {
        Some(s) => std::borrow::Cow::Owned(s),
        None => std::borrow::Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_into_origin_and_path() {
        let b = BaseUrl::parse("/").unwrap();
        assert_eq!((b.origin, b.path.as_str()), (None, "/"));
        assert_eq!(BaseUrl::parse("/archive").unwrap().path, "/archive/");
        let b = BaseUrl::parse("https://example.org").unwrap();
        assert_eq!(b.origin.as_deref(), Some("https://example.org"));
        assert_eq!(b.path, "/");
        let b = BaseUrl::parse("HTTPS://example.org/a/").unwrap();
        assert_eq!(b.origin.as_deref(), Some("https://example.org"));
        assert_eq!(b.path, "/a/");
        for bad in [
            "example.org",
            "javascript:alert(1)",
            "//example.org/",
            "https:///x",
            "https://example.org/?q=1",
            "https://example.org/#top",
            "/a b/",
            "",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hrefs_include_the_base_path_and_are_encoded() {
        let b = BaseUrl::parse("https://example.org/ar/").unwrap();
        assert_eq!(b.href("/tags/داعش/"), "/ar/tags/%D8%AF%D8%A7%D8%B9%D8%B4/");
        assert_eq!(b.permalink("/"), "https://example.org/ar/");
        assert_eq!(BaseUrl::parse("/").unwrap().permalink("/x/"), "/x/");
    }

    #[test]
    fn schemes_are_classified_as_browsers_read_them() {
        assert_eq!(classify("/a/"), LinkKind::Relative);
        assert_eq!(classify("#x"), LinkKind::Relative);
        assert_eq!(classify("a/b:c"), LinkKind::Relative);
        assert_eq!(classify("المادة:3"), LinkKind::Relative);
        assert_eq!(classify("https://x.org"), LinkKind::External);
        assert_eq!(classify("MAILTO:a@b"), LinkKind::External);
        assert_eq!(classify("//x.org/"), LinkKind::External);
        for bad in [
            "javascript:x",
            " JavaScript:x",
            "java\tscript:x",
            "data:text/html,x",
        ] {
            assert!(matches!(classify(bad), LinkKind::Unsafe(_)), "{bad:?}");
        }
        assert_eq!(
            classify("java\nscript:alert(1)"),
            LinkKind::Unsafe("javascript".into())
        );
    }

    #[test]
    fn urls_split_into_path_query_and_fragment() {
        let p = split("/a/?q=1#x?y");
        assert_eq!(
            (p.path, p.query, p.fragment),
            ("/a/", Some("q=1"), Some("x?y"))
        );
        assert_eq!(p.suffix(), "?q=1#x?y");
        assert_eq!(split("#f").path, "");
        assert_eq!(split("x.md").suffix(), "");
    }

    #[test]
    fn local_parts_stay_inside_the_base() {
        let b = BaseUrl::parse("https://example.org/archive/").unwrap();
        assert_eq!(
            b.local_part("https://example.org/archive/x/"),
            Some("/archive/x/")
        );
        assert_eq!(
            b.local_part("https://example.org/archive"),
            Some("/archive")
        );
        assert_eq!(
            b.local_part("https://EXAMPLE.org/archive/#a"),
            Some("/archive/#a")
        );
        assert_eq!(b.local_part("https://example.org/news/1"), None);
        assert_eq!(b.local_part("https://example.org.evil/archive/"), None);
        assert_eq!(b.local_part("https://other.org/archive/"), None);
        assert_eq!(b.local_part("//example.org/archive/"), None);
        assert_eq!(b.local_part("../x/"), Some("../x/"));
        assert_eq!(b.local_part("mailto:a@b"), None);
    }

    #[test]
    fn base_paths_are_stripped_to_site_paths() {
        let b = BaseUrl::parse("/archive/").unwrap();
        assert_eq!(b.strip("/archive/2025/x/"), "/2025/x/");
        assert_eq!(b.strip("/archive/"), "/");
        assert_eq!(b.strip("/archive"), "/");
        assert_eq!(b.strip("/other/"), "/other/");
        assert_eq!(BaseUrl::parse("/").unwrap().strip("/x/"), "/x/");
    }

    #[test]
    fn in_page_links_are_made_to_name_their_page() {
        let html =
            "<a href=\"#x\">x</a> <a href=\"/y/#z\">y</a> <sup><a href=\"#fn-1\">1</a></sup>";
        assert_eq!(
            anchors_to(html, "https://e.org/a/"),
            "<a href=\"https://e.org/a/#x\">x</a> <a href=\"/y/#z\">y</a> <sup><a href=\"https://e.org/a/#fn-1\">1</a></sup>"
        );
    }

    #[test]
    fn domains_are_what_readers_recognise() {
        assert_eq!(domain("https://www.example.org/x"), Some("example.org"));
        assert_eq!(domain("http://u@host.org:8080/"), Some("host.org"));
        assert_eq!(domain("mailto:a@b"), None);
    }

    #[test]
    fn external_urls_are_made_valid_url_strings_and_nothing_more() {
        for (written, valid) in [
            (
                "https://example.org/a?b=1&c=2#x",
                "https://example.org/a?b=1&c=2#x",
            ),
            (
                "https://example.org/?b=<2>&c=\"q\"",
                "https://example.org/?b=%3C2%3E&c=%22q%22",
            ),
            (
                "https://example.org/a|b^c{d}`e`\\f",
                "https://example.org/a%7Cb%5Ec%7Bd%7D%60e%60%5Cf",
            ),
            (
                "https://example.org/x[0]?y[]=1",
                "https://example.org/x%5B0%5D?y%5B%5D=1",
            ),
            ("http://[::1]:8080/x[1]", "http://[::1]:8080/x%5B1%5D"),
            ("https://example.org/#a#b", "https://example.org/#a%23b"),
            (
                "https://example.org/100%?x=%zz&y=%2F",
                "https://example.org/100%25?x=%25zz&y=%2F",
            ),
            (
                "https://ar.wikipedia.org/wiki/سوريا?q=دمشق#تاريخ",
                "https://ar.wikipedia.org/wiki/سوريا?q=دمشق#تاريخ",
            ),
            (
                "mailto:a@b.org?subject=<x>",
                "mailto:a@b.org?subject=%3Cx%3E",
            ),
        ] {
            assert_eq!(conform(written), valid, "{written}");
        }
        assert!(matches!(
            conform("https://example.org/a"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn srcset_urls_are_cut_as_html_cuts_them() {
        for (set, urls) in [
            ("/i-2x.png 2x, /i-3x.png 3x", vec!["/i-2x.png", "/i-3x.png"]),
            ("/i.png", vec!["/i.png"]),
            ("a/x.png 1x, a/y,z.png 2x", vec!["a/x.png", "a/y,z.png"]),
            (
                "https://img.example/w_480,c_fill/a.jpg 480w,https://img.example/w_960,c_fill/a.jpg 960w",
                vec![
                    "https://img.example/w_480,c_fill/a.jpg",
                    "https://img.example/w_960,c_fill/a.jpg",
                ],
            ),
            // A URL runs to whitespace: with none after the comma, it is one URL (as browsers
            // read it); a comma that ends it ends its candidate.
            ("a.png,b.png", vec!["a.png,b.png"]),
            ("a.png,, b.png 2x", vec!["a.png", "b.png"]),
            (" , a.png 1x ,, b.png (x, y) 2x, c.png", vec!["a.png", "b.png", "c.png"]),
            ("/صورة.png 480w, /صورة-2.png 960w", vec!["/صورة.png", "/صورة-2.png"]),
            ("", vec![]),
            (" ,, ", vec![]),
        ] {
            assert_eq!(srcset_urls(set), urls, "{set}");
        }
    }
}
