//! Structured data (schema.org JSON-LD) of every page: `AnalysisNewsArticle` or `NewsArticle`
//! on articles, `WebSite` on the home page, `CollectionPage` on lists. Built here, as data, so
//! that escaping is done once and right: the JSON is written with `<`, `>`, `&` and the line
//! separators as `\u` escapes, so no title can close the script element or break the page.

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use super::context::logo_url;
use crate::content::front_matter::ArticleKind;
use crate::images::SHARE_WIDTH;
use crate::index::{Page, Site};
use crate::routes::Route;

/// The JSON-LD of a page, ready to sit inside `<script type="application/ld+json">`; `None`
/// for pages that describe nothing (404, feeds, sitemap).
pub fn structured_data(site: &Site, page: Page, path: &str) -> Option<String> {
    let value = match page {
        Page::Article(i) => return Some(script_safe(&article(site, i))),
        Page::Home { number: 1 } => website(site),
        Page::Home { .. }
        | Page::Taxonomy(_)
        | Page::SeriesIndex
        | Page::Series(_)
        | Page::Term { .. }
        | Page::Archive
        | Page::ArchiveYear(_)
        | Page::ArchiveMonth { .. } => collection(site, page, path),
        _ => return None,
    };
    Some(script_safe(&value.to_string()))
}

/// JSON text made safe inside a `<script>` element (and still the same JSON).
pub fn script_safe(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + 16);
    // Safe runs are copied whole; only `<`, `>`, `&` and U+2028/2029 (E2 80 A8/A9 in UTF-8) are
    // replaced. (Any other E2 sequence, such as the dash of "ورّاق — أرشيف", is copied.)
    let mut from = 0;
    for (at, &b) in bytes.iter().enumerate() {
        let escape = match b {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            0xE2 if bytes[at + 1..].starts_with(&[0x80, 0xA8]) => "\\u2028",
            0xE2 if bytes[at + 1..].starts_with(&[0x80, 0xA9]) => "\\u2029",
            _ => continue,
        };
        out.push_str(&json[from..at]);
        out.push_str(escape);
        from = at + if b == 0xE2 { 3 } else { 1 };
    }
    out.push_str(&json[from..]);
    out
}

/// An article's JSON-LD, as typed values: every page of an archive is an article page, and
/// building each one as a map of owned keys was a measurable part of comparing every page with
/// the previous build. Fields are declared in the order of their names, the order the maps of
/// the other pages' JSON-LD write theirs in.
#[derive(Serialize)]
struct ArticleLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    author: Vec<Author<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[ImageLd<'a>; 1]>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: WebPageLd<'a>,
    publisher: Publisher<'a>,
    #[serde(rename = "sourceOrganization", skip_serializing_if = "Option::is_none")]
    source_organization: Option<SourceLd<'a>>,
    url: &'a str,
    #[serde(rename = "wordCount")]
    word_count: usize,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Author<'a> {
    Person(PersonLd<'a>),
    Publisher(Publisher<'a>),
}

#[derive(Serialize)]
struct PersonLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize, Clone)]
struct Publisher<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<LogoLd>,
    name: &'a str,
    url: String,
}

#[derive(Serialize, Clone)]
struct LogoLd {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

#[derive(Serialize)]
struct ImageLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    caption: Option<&'a str>,
    #[serde(rename = "creditText", skip_serializing_if = "Option::is_none")]
    credit_text: Option<&'a str>,
    height: u32,
    url: String,
    width: u32,
}

#[derive(Serialize)]
struct WebPageLd<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct SourceLd<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

fn publisher_ld(site: &Site) -> Publisher<'_> {
    let config = &site.config;
    Publisher {
        kind: "Organization",
        logo: logo_url(config).map(|url| LogoLd {
            kind: "ImageObject",
            url,
        }),
        name: &config.title,
        url: config.permalink(&Route::Home { number: 1 }.path()),
    }
}

fn publisher(site: &Site) -> Json {
    serde_json::to_value(publisher_ld(site)).unwrap_or_default()
}

fn article(site: &Site, i: usize) -> String {
    let a = &site.articles[i];
    let config = &site.config;
    let url = config.permalink(&a.path);
    // Each writer with their page on this site (when writers are a taxonomy) and their links.
    let writers = site
        .taxonomies
        .iter()
        .find(|t| t.settings.field == crate::config::TermField::Author);
    let mut author: Vec<Author> = match writers {
        Some(t) => t.article_terms[i]
            .iter()
            .map(|&w| {
                let term = &t.terms[w];
                Author::Person(PersonLd {
                    kind: "Person",
                    name: &term.name,
                    same_as: (!term.links.is_empty())
                        .then(|| term.links.iter().map(|l| l.url.0.as_str()).collect()),
                    url: Some(
                        config.permalink(
                            &Route::Term {
                                segment: &t.settings.segment,
                                slug: &term.slug,
                                number: 1,
                            }
                            .path(),
                        ),
                    ),
                })
            })
            .collect(),
        None => a
            .authors
            .iter()
            .map(|name| {
                Author::Person(PersonLd {
                    kind: "Person",
                    name,
                    same_as: None,
                    url: None,
                })
            })
            .collect(),
    };
    let publisher = publisher_ld(site);
    // Without a byline the publication is the author.
    if author.is_empty() {
        author.push(Author::Publisher(publisher.clone()));
    }
    let image = a.cover.as_ref().map(|cover| {
        let share = cover.info.fallback(SHARE_WIDTH);
        [ImageLd {
            kind: "ImageObject",
            caption: cover
                .caption
                .as_deref()
                .or(Some(&cover.alt))
                .filter(|c| !c.is_empty()),
            credit_text: cover.credit.as_deref(),
            height: share.height,
            url: config.permalink(&format!("/{}", share.file)),
            width: share.width,
        }]
    });
    let ld = ArticleLd {
        context: "https://schema.org",
        kind: match a.kind {
            ArticleKind::Analysis => "AnalysisNewsArticle",
            ArticleKind::News => "NewsArticle",
        },
        author,
        date_modified: a.updated.unwrap_or(a.date).rfc3339(),
        date_published: a.date.rfc3339(),
        description: &a.description,
        headline: &a.title,
        image,
        in_language: a.lang.as_deref().unwrap_or(&config.language),
        keywords: site
            .article_tags(i)
            .iter()
            .map(|&t| site.tags()[t].name.as_str())
            .collect(),
        main_entity_of_page: WebPageLd {
            id: &url,
            kind: "WebPage",
        },
        publisher,
        source_organization: a.source.as_ref().map(|source| SourceLd {
            kind: "Organization",
            name: &source.name,
            url: source.url.as_ref().map(|u| u.0.as_str()),
        }),
        url: &url,
        word_count: a.word_count,
    };
    serde_json::to_string(&ld).unwrap_or_default()
}

fn website(site: &Site) -> Json {
    let config = &site.config;
    let home = config.permalink(&Route::Home { number: 1 }.path());
    let mut v = Map::new();
    v.insert("@context".into(), json!("https://schema.org"));
    v.insert("@type".into(), json!("WebSite"));
    v.insert("name".into(), json!(config.title));
    if !config.description.is_empty() {
        v.insert("description".into(), json!(config.description));
    }
    v.insert("url".into(), json!(home));
    v.insert("inLanguage".into(), json!(config.language));
    v.insert("publisher".into(), publisher(site));
    if config.search {
        let target = format!(
            "{}?q={{search_term_string}}",
            config.permalink(&Route::Search.path())
        );
        v.insert(
            "potentialAction".into(),
            json!({
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": target},
                "query-input": "required name=search_term_string"
            }),
        );
    }
    Json::Object(v)
}

fn collection(site: &Site, page: Page, path: &str) -> Json {
    let config = &site.config;
    let name = match page {
        Page::Taxonomy(x) => format!("{} — {}", site.taxonomies[x].settings.title, config.title),
        Page::Term { tax, term, .. } => format!(
            "{} — {}",
            site.taxonomies[tax].terms[term].name, config.title
        ),
        Page::Archive => format!("الأرشيف — {}", config.title),
        Page::SeriesIndex => format!("الملفات — {}", config.title),
        Page::Series(x) => format!("{} — {}", site.dossiers.series[x].name, config.title),
        Page::ArchiveYear(y) => {
            format!("الأرشيف: {} — {}", site.archive.years[y].year, config.title)
        }
        Page::ArchiveMonth { year, month } => {
            let y = &site.archive.years[year];
            format!(
                "الأرشيف: {}-{:02} — {}",
                y.year, y.months[month].month, config.title
            )
        }
        _ => config.title.clone(),
    };
    json!({
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": config.permalink(path),
        "inLanguage": config.language,
        "isPartOf": {
            "@type": "WebSite",
            "name": config.title,
            "url": config.permalink(&Route::Home { number: 1 }.path()),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script_and_stays_the_same_json() {
        let hostile = json!({"headline": "</script><script>alert(1)</script> & \u{2028}"});
        let text = script_safe(&hostile.to_string());
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back, hostile);
    }

    #[test]
    fn only_what_could_close_the_script_is_escaped() {
        let text = "{\"name\":\"ورّاق — أرشيف\",\"x\":\"a\u{2029}b<\"}";
        let safe = script_safe(text);
        assert_eq!(
            safe,
            "{\"name\":\"ورّاق — أرشيف\",\"x\":\"a\\u2029b\\u003c\"}"
        );
        let back: Json = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, serde_json::from_str::<Json>(text).unwrap());
    }

    #[test]
    fn an_articles_json_ld_writes_its_keys_in_order_as_every_other_page_does() {
        use crate::index::tests::{article as file, site_from};
        let site = site_from(
            &[file(
                "a",
                "date: 2025-04-28\nupdated: 2025-05-02\ntags: [داعش, سوريا]\nsummary: ملخص\nauthor: [كاتب]\nsource: {name: مصدر, url: \"https://example.org/\"}",
                "نص <b>&",
            )],
            "title: ورّاق — أرشيف\n",
        )
        .expect("site");
        let text = article(&site, 0);
        let value: Json = serde_json::from_str(&text).unwrap();
        // A map of serde_json sorts its keys: written again, the same text comes out.
        assert_eq!(value.to_string(), text);
        assert_eq!(value["headline"], "a");
        assert_eq!(value["keywords"], json!(["داعش", "سوريا"]));
        assert_eq!(value["author"][0]["name"], "كاتب");
        assert_eq!(value["sourceOrganization"]["url"], "https://example.org/");
        assert_eq!(value["dateModified"], "2025-05-02T00:00:00Z");
    }
}
