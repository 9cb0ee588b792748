//! Reading one built page: every link it holds (with its text), and its ids and names — with a
//! real HTML parser (lol_html), so markup in any shape is read the way browsers read it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use lol_html::{element, text, HtmlRewriter, Settings};

use super::Link;

/// What one page holds.
#[derive(Debug, Default)]
pub struct PageScan {
    pub links: Vec<Link>,
    pub anchors: HashSet<String>,
    /// Ids (or names) that more than one element of the page carries, once each.
    pub duplicates: Vec<String>,
}

/// Collects links, ids and names of one page. (Long because it is one list of lol_html
/// handlers, one per kind of element, sharing the page's findings; split, each would need the
/// same shared state passed around.)
pub fn scan(bytes: &[u8], xml: bool) -> PageScan {
    let found = Rc::new(RefCell::new(PageScan::default()));
    let push =
        |found: &Rc<RefCell<PageScan>>, attribute: &'static str, url: String, text: String| {
            found.borrow_mut().links.push(Link {
                attribute,
                url,
                text,
            });
        };
    let (f1, f2, f3, f4, f5, f6, f7) = (
        found.clone(),
        found.clone(),
        found.clone(),
        found.clone(),
        found.clone(),
        found.clone(),
        found.clone(),
    );
    let mut handlers = vec![
        element!("[id], a[name]", move |el| {
            let mut f = f1.borrow_mut();
            // Values arrive as written; browsers match fragments against the decoded ones.
            let decoded = |v: String| html_escape::decode_html_entities(&v).into_owned();
            let id = el.get_attribute("id").map(decoded);
            // `<a id="x" name="x">` is one anchor, not two.
            let name = el
                .get_attribute("name")
                .map(decoded)
                .filter(|n| Some(n) != id.as_ref());
            for v in id.into_iter().chain(name) {
                if !f.anchors.insert(v.clone()) && !f.duplicates.contains(&v) {
                    f.duplicates.push(v);
                }
            }
            Ok(())
        }),
        element!("a[href], area[href]", move |el| {
            if let Some(url) = el.get_attribute("href") {
                push(&f2, "href", url, String::new());
            }
            Ok(())
        }),
        text!("a[href]", move |t| {
            if let Some(last) = f3.borrow_mut().links.last_mut() {
                last.text.push_str(t.as_str());
            }
            Ok(())
        }),
        element!("img[src], script[src], iframe[src], source[src], video[src], audio[src], track[src], embed[src]", move |el| {
            if let Some(url) = el.get_attribute("src") {
                let alt = el.get_attribute("alt").unwrap_or_default();
                push(&f4, "src", url, alt);
            }
            Ok(())
        }),
        element!("img[srcset], source[srcset]", move |el| {
            if let Some(set) = el.get_attribute("srcset") {
                for url in crate::url::srcset_urls(&set) {
                    push(&f5, "srcset", url.to_string(), String::new());
                }
            }
            Ok(())
        }),
        element!("link[href]", move |el| {
            if let Some(url) = el.get_attribute("href") {
                push(&f6, "href", url, String::new());
            }
            Ok(())
        }),
    ];
    if xml {
        // Sitemaps list pages as the text of <loc>; feeds use <link href> (handled above). A text
        // node may arrive in several chunks: join them until the node's last chunk.
        let continuing = Rc::new(RefCell::new(false));
        handlers.push(text!("loc", move |t| {
            let mut f = f7.borrow_mut();
            let chunk = t.as_str().trim();
            let mut continued = continuing.borrow_mut();
            match f.links.last_mut() {
                Some(last) if *continued => last.url.push_str(chunk),
                _ if !chunk.is_empty() => f.links.push(Link {
                    attribute: "loc",
                    url: chunk.to_string(),
                    text: String::new(),
                }),
                _ => {}
            }
            *continued = !t.last_in_text_node();
            Ok(())
        }));
    }
    let settings = handlers
        .into_iter()
        .fold(Settings::new(), Settings::append_element_content_handler);
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // A malformed page still yields what was parsed before the fault.
    let _ = rewriter.write(bytes);
    let _ = rewriter.end();
    found.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanning_finds_links_texts_ids_and_srcsets() {
        let html = r#"<h2 id="مقدمة">x</h2><a name="old"></a><a href="/a/">نص <b>الرابط</b></a>
            <img src="/i.png" alt="صورة" srcset="/i-2x.png 2x, /i-3x.png 3x"><link rel="stylesheet" href="/style.css">"#;
        let s = scan(html.as_bytes(), false);
        assert!(s.anchors.contains("مقدمة") && s.anchors.contains("old"));
        let urls: Vec<_> = s.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            ["/a/", "/i.png", "/i-2x.png", "/i-3x.png", "/style.css"]
        );
        assert_eq!(s.links[0].text, "نص الرابط");
        assert_eq!(s.links[1].text, "صورة");
    }

    #[test]
    fn every_link_of_a_page_is_found() {
        let html = r#"<html><head><link rel="stylesheet" href="/s.css"><link rel="alternate" href="/feed.xml"></head>
            <body><nav><ul><li><a href="/">1</a></li><li><a href="/tags/">2</a></li><li><a href="/archive/">3</a></li></ul></nav>
            <main><p><a href="/x/">x</a> and <a href="/y/">y</a></p></main></body></html>"#;
        let s = scan(html.as_bytes(), false);
        let urls: Vec<_> = s.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "/s.css",
                "/feed.xml",
                "/",
                "/tags/",
                "/archive/",
                "/x/",
                "/y/"
            ]
        );
    }

    #[test]
    fn sitemap_locations_are_links() {
        let xml = "<urlset><url><loc>https://example.org/a/</loc></url>\n<url><loc> https://example.org/b/ </loc><lastmod>2025-01-01</lastmod></url></urlset>";
        let s = scan(xml.as_bytes(), true);
        let urls: Vec<_> = s
            .links
            .iter()
            .map(|l| (l.attribute, l.url.as_str()))
            .collect();
        assert_eq!(
            urls,
            [
                ("loc", "https://example.org/a/"),
                ("loc", "https://example.org/b/")
            ]
        );
    }

    #[test]
    fn ids_are_read_as_browsers_read_them() {
        let s = scan(
            br#"<h2 id="a&amp;b">x</h2><a href="/x/#a&amp;b">y</a>"#,
            false,
        );
        assert!(s.anchors.contains("a&b"), "{:?}", s.anchors);
    }

    #[test]
    fn ids_carried_twice_are_found_once() {
        let s = scan(
            br#"<h2 id="a">x</h2><p id="a">y</p><div id="a"></div><a id="b" name="b"></a>"#,
            false,
        );
        assert_eq!(s.duplicates, ["a"]);
    }
}
