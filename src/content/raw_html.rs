//! The raw-HTML policy. Markdown lets authors write HTML; a newsroom has several authors and
//! embeds from known providers, so by default (`raw_html: safe` in `site.yaml`):
//!
//! - raw HTML is allowed, and what would run script in a reader's browser is an **error at its
//!   position**: `<script>`, `<object>`, `<embed>`, `<applet>`, `<base>`, `<meta http-equiv>`,
//!   `<frame>`, `on…=` event handlers, `javascript:`/`data:`/`vbscript:` URLs in any URL
//!   attribute (entities and case decoded first, as browsers do), `<iframe srcdoc>`, and iframes
//!   from hosts not listed in `embed_hosts`;
//! - then, as defence in depth, an article that holds raw HTML is passed through the ammonia
//!   sanitiser with the same policy, so nothing the check above did not foresee survives.
//!
//! `raw_html: trusted` keeps authors' HTML as written (for sites whose authors are all trusted).
//! Finding problems uses lol_html (a streaming HTML parser with source positions) and
//! html-escape (entity decoding); cleaning uses ammonia (html5ever).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use lol_html::{element, HtmlRewriter, Settings};

use crate::url::{classify, LinkKind};

/// What authors' HTML may do (as `site.yaml` says), and the ids of the page it goes into.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HtmlPolicy {
    /// `raw_html: trusted`: keep authors' HTML as written.
    pub trusted: bool,
    /// Hosts iframes may load from (`www.youtube.com`); a leading `.` allows subdomains.
    pub embed_hosts: Vec<String>,
    /// The ids the site's templates write on pages (`main`, `related`), which no heading or
    /// footnote id of a body may take ([`templates::page_ids`](crate::render::templates::page_ids);
    /// empty until the templates are read).
    pub page_ids: Vec<String>,
}

impl Default for HtmlPolicy {
    fn default() -> Self {
        HtmlPolicy {
            trusted: false,
            embed_hosts: DEFAULT_EMBED_HOSTS.iter().map(|h| h.to_string()).collect(),
            page_ids: Vec::new(),
        }
    }
}

/// Video, audio, social and data-visualisation embeds newsrooms use.
pub const DEFAULT_EMBED_HOSTS: &[&str] = &[
    "www.youtube.com",
    "www.youtube-nocookie.com",
    "player.vimeo.com",
    "www.dailymotion.com",
    "open.spotify.com",
    "w.soundcloud.com",
    "platform.twitter.com",
    "www.facebook.com",
    "www.instagram.com",
    "www.google.com",
    "datawrapper.dwcdn.net",
    "flo.uri.sh",
    "public.flourish.studio",
];

/// Elements that run code or change how the page loads.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "object", "embed", "applet", "base", "frame", "frameset",
];

/// Attributes holding a URL (or URLs) a browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "background",
    "data",
    "cite",
    "longdesc",
    "ping",
    "srcset",
    "lowsrc",
    "dynsrc",
    "manifest",
    "codebase",
    "archive",
    "to",
    "from",
    "values",
];

/// How deeply raw HTML may nest elements (real pages stay far below; a hostile document nested
/// a hundred thousand deep would make sanitising quadratic).
pub const MAX_DEPTH: usize = 256;

/// One problem in a fragment of raw HTML, at a byte offset of the fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlProblem {
    pub offset: usize,
    pub message: String,
}

/// The hint every raw-HTML problem shares.
pub const HINT: &str = "raw HTML may not run script: remove it, or embed from a host listed in `embed_hosts`; set `raw_html: trusted` in site.yaml only if every author is trusted";

/// The part of an element or attribute name after its namespace prefix.
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Whether an iframe's URL comes from a listed host over https.
pub fn embed_allowed(url: &str, hosts: &[String]) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#', ':']).next().unwrap_or("");
    hosts.iter().any(|h| {
        let h = h.to_ascii_lowercase();
        match h.strip_prefix('.') {
            Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
            None => host == h,
        }
    })
}

/// The problems of one fragment of raw HTML (a block, or an inline tag). (Long because it is
/// one lol_html handler that looks at an element and each of its attributes.)
pub fn problems(fragment: &str, policy: &HtmlPolicy) -> Vec<HtmlProblem> {
    let found: Rc<RefCell<Vec<HtmlProblem>>> = Rc::default();
    let sink = Rc::clone(&found);
    let hosts = policy.embed_hosts.clone();
    let depth = Rc::new(std::cell::Cell::new(0usize));
    let handler = element!("*", move |el| {
        let start = el.source_location().bytes().start;
        // A prefixed name (`svg:script` in an SVG file, which an XML parser reads as SVG's
        // script) is judged by its local part.
        let qualified = el.tag_name().to_ascii_lowercase();
        let name = local_name(&qualified).to_string();
        let push = |offset: usize, message: String| {
            sink.borrow_mut().push(HtmlProblem { offset, message });
        };
        if el.can_have_content() {
            depth.set(depth.get() + 1);
            if depth.get() == MAX_DEPTH + 1 {
                push(
                    start,
                    format!("raw HTML is nested more than {MAX_DEPTH} elements deep here"),
                );
            }
            if let Some(handlers) = el.end_tag_handlers() {
                let depth = Rc::clone(&depth);
                let on_end: lol_html::EndTagHandler<'static> = Box::new(move |_| {
                    depth.set(depth.get().saturating_sub(1));
                    Ok(())
                });
                handlers.push(on_end);
            }
        }
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            push(
                start,
                format!("raw HTML `<{name}>` would run code in readers' browsers"),
            );
        }
        if name == "meta" && el.has_attribute("http-equiv") {
            push(
                start,
                "raw HTML `<meta http-equiv>` would redirect or change the page".into(),
            );
        }
        for attr in el.attributes() {
            let at = attr
                .name_source_location()
                .map_or(start, |l| l.bytes().start);
            let qualified = attr.name().to_ascii_lowercase();
            let attr_name = match local_name(&qualified) {
                // `xlink:href` keeps its name in messages; any other prefix (`x:href` with
                // `xmlns:x` bound to XLink) is judged as what it stands for.
                "href" if qualified == "xlink:href" => qualified.clone(),
                local => local.to_string(),
            };
            let value = html_escape::decode_html_entities(&attr.value()).into_owned();
            if attr_name.starts_with("on") {
                push(
                    at,
                    format!("the event handler `{attr_name}` would run script"),
                );
            } else if attr_name == "attributename"
                && local_name(&value.trim().to_ascii_lowercase()).starts_with("on")
            {
                // SVG's `<set>`/`<animate>` can write an event handler as they animate.
                push(
                    at,
                    format!("animating `{}` would set an event handler", value.trim()),
                );
            } else if attr_name == "srcdoc" {
                push(
                    at,
                    "`srcdoc` would put a whole page, script included, in the frame".into(),
                );
            } else if URL_ATTRIBUTES.contains(&attr_name.as_str()) {
                let urls: Vec<&str> = if attr_name == "srcset" {
                    crate::url::srcset_urls(&value)
                } else {
                    vec![value.as_str()]
                };
                for url in urls {
                    if let LinkKind::Unsafe(scheme) = classify(url) {
                        push(
                            at,
                            format!(
                                "`{attr_name}` uses the `{scheme}:` scheme, which can run script"
                            ),
                        );
                    }
                }
                if name == "iframe" && attr_name == "src" && !embed_allowed(&value, &hosts) {
                    push(
                        at,
                        format!(
                            "this iframe loads `{}`, which is not a listed embed host",
                            value.trim()
                        ),
                    );
                }
            } else if attr_name == "style" {
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if squeezed.contains("javascript:") || squeezed.contains("expression(") {
                    push(at, "this `style` would run script".into());
                }
            }
        }
        Ok(())
    });
    let settings = Settings::new().append_element_content_handler(handler);
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // Malformed HTML is parsed as browsers do; what the parser refuses (its memory bound, hit
    // by absurdly large or deep fragments) is a problem in itself, never a pass.
    let read = rewriter
        .write(fragment.as_bytes())
        .and_then(|()| rewriter.end());
    let mut found = found.take();
    if let Err(e) = read {
        found.push(HtmlProblem {
            offset: 0,
            message: format!("this raw HTML cannot be read safely ({e})"),
        });
    }
    found.sort_by_key(|p| p.offset);
    found.dedup();
    found
}

/// Cleans a rendered body that holds raw HTML with ammonia, keeping everything warraq itself
/// writes (directions, ids, anchors, footnotes, alignment, task-list boxes) and listed embeds.
pub fn sanitize(html: &str, policy: &HtmlPolicy) -> String {
    let hosts = policy.embed_hosts.clone();
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(&[
            "iframe",
            "video",
            "audio",
            "source",
            "track",
            "picture",
            "section",
            "input",
            "figure",
            "figcaption",
            "bdi",
            "mark",
            "details",
            "summary",
        ])
        .add_generic_attributes(&["id", "class", "dir", "lang", "title", "style", "tabindex"])
        .generic_attribute_prefixes(HashSet::from(["aria-", "data-"]))
        .add_tag_attributes("a", &["name"])
        .add_tag_attributes(
            "img",
            &["srcset", "sizes", "loading", "decoding", "width", "height"],
        )
        .add_tag_attributes(
            "iframe",
            &[
                "src",
                "width",
                "height",
                "allow",
                "allowfullscreen",
                "loading",
                "referrerpolicy",
                "frameborder",
            ],
        )
        .add_tag_attributes(
            "video",
            &[
                "src",
                "controls",
                "poster",
                "width",
                "height",
                "preload",
                "muted",
                "loop",
                "playsinline",
            ],
        )
        .add_tag_attributes("audio", &["src", "controls", "preload", "loop"])
        .add_tag_attributes("source", &["src", "srcset", "type", "media", "sizes"])
        .add_tag_attributes("track", &["src", "kind", "srclang", "label", "default"])
        .add_tag_attributes("input", &["type", "checked", "disabled"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        .link_rel(None)
        .attribute_filter(move |element, attribute, value| {
            if element == "iframe" && attribute == "src" && !embed_allowed(value, &hosts) {
                return None;
            }
            if element == "input" && attribute == "type" && value != "checkbox" {
                return None;
            }
            Some(Cow::Borrowed(value))
        });
    builder.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(html: &str) -> Vec<String> {
        problems(html, &HtmlPolicy::default())
            .into_iter()
            .map(|p| format!("{}: {}", p.offset, p.message))
            .collect()
    }

    #[test]
    fn script_in_every_disguise_is_found_at_its_position() {
        assert_eq!(
            messages("<p>x</p><script>alert(1)</script>"),
            ["8: raw HTML `<script>` would run code in readers' browsers"]
        );
        assert_eq!(
            messages("<img src=x onerror=alert(1)>"),
            ["11: the event handler `onerror` would run script"]
        );
        for bad in [
            r#"<a href="javascript:alert(1)">x</a>"#,
            r#"<a href="JaVaScRiPt:alert(1)">x</a>"#,
            r#"<a href="&#106;avascript:alert(1)">x</a>"#,
            r#"<a href="&#x6A;avascript&colon;alert(1)">x</a>"#,
            "<a href=\"java\tscript:alert(1)\">x</a>",
            r#"<a href=" javascript:alert(1)">x</a>"#,
            r#"<iframe src="data:text/html,<script>alert(1)</script>"></iframe>"#,
            r#"<form action="javascript:alert(1)"><button>x</button></form>"#,
            r#"<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"#,
            r#"<img srcset="a.png 1x, javascript:alert(1) 2x">"#,
            r#"<div style="background:url(javascript:alert(1))">x</div>"#,
            r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
            r#"<ScRiPt>alert(1)</sCrIpT>"#,
            r#"<object data="x.swf"></object>"#,
            r#"<meta http-equiv="refresh" content="0;url=https://evil.example">"#,
            r#"<base href="https://evil.example/">"#,
            r#"<svg onload=alert(1)>"#,
            r#"<svg:svg><svg:script>alert(1)</svg:script></svg:svg>"#,
            r#"<svg><a q:href="javascript:alert(1)"><text>x</text></a></svg>"#,
            r#"<svg><set attributeName="onmouseover" to="alert(1)"/></svg>"#,
            r#"<svg><animate attributeName="href" to="javascript:alert(1)"/></svg>"#,
            r#"<iframe src="https://evil.example/"></iframe>"#,
            &"<div>".repeat(300),
        ] {
            assert!(!messages(bad).is_empty(), "not found: {bad}");
        }
    }

    #[test]
    fn ordinary_html_and_listed_embeds_pass() {
        for good in [
            r#"<figure><img src="/a.png" alt="صورة"><figcaption>تعليق</figcaption></figure>"#,
            r#"<iframe src="https://www.youtube.com/embed/xyz" allowfullscreen></iframe>"#,
            r#"<a href="https://example.org/x" title="t">x</a>"#,
            r#"<details><summary>more</summary><p dir="ltr">text</p></details>"#,
            r#"<span style="color: red">x</span>"#,
        ] {
            assert!(
                messages(good).is_empty(),
                "refused: {good}: {:?}",
                messages(good)
            );
        }
    }

    #[test]
    fn the_sanitiser_keeps_warraqs_markup_and_drops_what_runs() {
        let ours = "<h2 id=\"مقدمة\" dir=\"ltr\">Intro <a class=\"anchor\" href=\"#مقدمة\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>\n<p><input disabled=\"\" type=\"checkbox\"> <sup class=\"footnote-reference\" id=\"fnref-1\"><a href=\"#fn-1\">1</a></sup></p>\n<table><tr><td style=\"text-align: left\">x</td></tr></table>";
        let clean = sanitize(ours, &HtmlPolicy::default());
        for kept in [
            "id=\"مقدمة\"",
            "dir=\"ltr\"",
            "aria-hidden=\"true\"",
            "tabindex=\"-1\"",
            "type=\"checkbox\"",
            "id=\"fnref-1\"",
            "text-align: left",
        ] {
            assert!(clean.contains(kept), "{kept} lost: {clean}");
        }
        let dirty = r#"<p onclick="x()">a</p><script>alert(1)</script><a href="javascript:x">b</a><iframe src="https://evil.example/"></iframe><iframe src="https://www.youtube.com/embed/1"></iframe>"#;
        let clean = sanitize(dirty, &HtmlPolicy::default());
        assert!(
            !clean.contains("onclick") && !clean.contains("script") && !clean.contains("evil"),
            "{clean}"
        );
        assert!(clean.contains("https://www.youtube.com/embed/1"), "{clean}");
    }

    #[test]
    fn embed_hosts_match_exactly_or_by_domain() {
        let hosts = vec![
            "www.youtube.com".to_string(),
            ".flourish.studio".to_string(),
        ];
        assert!(embed_allowed("https://www.youtube.com/embed/x", &hosts));
        assert!(!embed_allowed("http://www.youtube.com/embed/x", &hosts));
        assert!(!embed_allowed("https://www.youtube.com.evil/x", &hosts));
        assert!(embed_allowed("https://public.flourish.studio/v/1", &hosts));
        assert!(embed_allowed("https://flourish.studio/", &hosts));
        assert!(!embed_allowed("https://evilflourish.studio/", &hosts));
    }
}
