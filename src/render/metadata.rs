//! Structured data (schema.org JSON-LD) of every page: `AnalysisNewsArticle` or `NewsArticle`
//! on articles, `WebSite` on the home page, `CollectionPage` on lists. Built here, as data, so
//! that escaping is done once and right: the JSON is written with `<`, `>`, `&` and the line
//! separators as `\u` escapes, so no title can close the script element or break the page.

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
        Page::Article(i) => article(site, i),
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
    // U+2028/2029 are E2 80 A8/A9 in UTF-8: without any of these bytes there is nothing to do.
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

fn publisher(site: &Site) -> Json {
    let config = &site.config;
    let mut p = Map::new();
    p.insert("@type".into(), json!("Organization"));
    p.insert("name".into(), json!(config.title));
    p.insert(
        "url".into(),
        json!(config.permalink(&Route::Home { number: 1 }.path())),
    );
    if let Some(logo) = logo_url(config) {
        p.insert("logo".into(), json!({"@type": "ImageObject", "url": logo}));
    }
    Json::Object(p)
}

fn article(site: &Site, i: usize) -> Json {
    let a = &site.articles[i];
    let config = &site.config;
    let url = config.permalink(&a.path);
    let mut v = Map::new();
    v.insert("@context".into(), json!("https://schema.org"));
    v.insert(
        "@type".into(),
        json!(match a.kind {
            ArticleKind::Analysis => "AnalysisNewsArticle",
            ArticleKind::News => "NewsArticle",
        }),
    );
    v.insert("headline".into(), json!(a.title));
    if !a.description.is_empty() {
        v.insert("description".into(), json!(a.description));
    }
    v.insert("url".into(), json!(url));
    v.insert(
        "mainEntityOfPage".into(),
        json!({"@type": "WebPage", "@id": url}),
    );
    v.insert("datePublished".into(), json!(a.date.rfc3339()));
    v.insert(
        "dateModified".into(),
        json!(a.updated.unwrap_or(a.date).rfc3339()),
    );
    // Each writer with their page on this site (when writers are a taxonomy) and their links.
    let writers = site
        .taxonomies
        .iter()
        .find(|t| t.settings.field == crate::config::TermField::Author);
    let authors: Vec<Json> = match writers {
        Some(t) => t.article_terms[i]
            .iter()
            .map(|&w| {
                let term = &t.terms[w];
                let mut person = json!({
                    "@type": "Person",
                    "name": term.name,
                    "url": config.permalink(&Route::Term {
                        segment: &t.settings.segment,
                        slug: &term.slug,
                        number: 1,
                    }.path()),
                });
                if !term.links.is_empty() {
                    person["sameAs"] =
                        json!(term.links.iter().map(|l| &l.url.0).collect::<Vec<_>>());
                }
                person
            })
            .collect(),
        None => a
            .authors
            .iter()
            .map(|name| json!({"@type": "Person", "name": name}))
            .collect(),
    };
    // Without a byline the publication is the author.
    v.insert(
        "author".into(),
        if authors.is_empty() {
            json!([publisher(site)])
        } else {
            Json::Array(authors)
        },
    );
    v.insert("publisher".into(), publisher(site));
    if let Some(cover) = &a.cover {
        let share = cover.info.fallback(SHARE_WIDTH);
        let mut image = Map::new();
        image.insert("@type".into(), json!("ImageObject"));
        image.insert(
            "url".into(),
            json!(config.permalink(&format!("/{}", share.file))),
        );
        image.insert("width".into(), json!(share.width));
        image.insert("height".into(), json!(share.height));
        if let Some(caption) = cover
            .caption
            .as_ref()
            .or(Some(&cover.alt))
            .filter(|c| !c.is_empty())
        {
            image.insert("caption".into(), json!(caption));
        }
        if let Some(credit) = &cover.credit {
            image.insert("creditText".into(), json!(credit));
        }
        v.insert("image".into(), json!([Json::Object(image)]));
    }
    v.insert(
        "inLanguage".into(),
        json!(a.lang.as_deref().unwrap_or(&config.language)),
    );
    let keywords: Vec<&str> = site
        .article_tags(i)
        .iter()
        .map(|&t| site.tags()[t].name.as_str())
        .collect();
    if !keywords.is_empty() {
        v.insert("keywords".into(), json!(keywords));
    }
    v.insert("wordCount".into(), json!(a.word_count));
    if let Some(source) = &a.source {
        let mut s = Map::new();
        s.insert("@type".into(), json!("Organization"));
        s.insert("name".into(), json!(source.name));
        if let Some(u) = &source.url {
            s.insert("url".into(), json!(u.0));
        }
        v.insert("sourceOrganization".into(), Json::Object(s));
    }
    Json::Object(v)
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
}
