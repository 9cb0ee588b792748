//! The YAML front-matter of an article (SPEC §2): typed, validated while it is deserialised so
//! that every error carries the position serde_yaml knows.

use std::fmt;
use std::path::Path;

use bincode::Options as _;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::arabic::dates::ArticleDate;
use crate::arabic::slug::slugify;
use crate::diagnostics::Diagnostic;
use crate::yaml;

pub use super::source::{
    control_character, escaped_control, locate_key_value, locate_value, split, SourceFile,
};

/// The front-matter of one article.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Title,
    pub date: ArticleDate,
    #[serde(default)]
    pub updated: Option<ArticleDate>,
    #[serde(default, deserialize_with = "text_list")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub related: Vec<RelatedEntry>,
    #[serde(default, deserialize_with = "optional_text")]
    pub summary: Option<String>,
    #[serde(default)]
    pub author: OneOrMany,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub slug: Option<Slug>,
    #[serde(default)]
    pub lang: Option<Lang>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub extra: Option<serde_yaml::Value>,
    #[serde(default)]
    pub image: Option<ImageSpec>,
    #[serde(default, rename = "type")]
    pub kind: ArticleKind,
    #[serde(default)]
    pub series: Option<SeriesSpec>,
    /// Names under the keys of the site's own taxonomies (`regions: [الحسكة]`), by key.
    #[serde(skip)]
    pub own: Vec<(String, Vec<String>)>,
}

/// `series:`: the dossier an article belongs to, by name, with its part (`{name, part}`) or
/// ordered by date (`series: "داعش بعد سقوط النظام"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesSpec {
    pub name: String,
    pub part: Option<u32>,
}

impl<'de> Deserialize<'de> for SeriesSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_yaml::Value;
        match Value::deserialize(d)? {
            Value::Mapping(map) => {
                let mut name = None;
                let mut part = None;
                for (k, v) in map {
                    match k.as_str() {
                        Some("name") => {
                            name = Some(Text::deserialize(v).map_err(de::Error::custom)?.0)
                        }
                        Some("part") => {
                            // `part: ٢`, typed with Arabic-Indic digits, is text to YAML.
                            let n = v
                                .as_u64()
                                .or_else(|| {
                                    v.as_str().and_then(|s| {
                                        crate::arabic::normalize::machine_form(s)
                                            .trim()
                                            .parse()
                                            .ok()
                                    })
                                })
                                .filter(|n| (1..=10_000).contains(n))
                                .ok_or_else(|| {
                                    de::Error::custom("`part` of a series is a whole number from 1")
                                })?;
                            part = Some(n as u32);
                        }
                        other => {
                            return Err(de::Error::custom(format!(
                                "unknown key `{}` in `series`; expected `name` and `part`",
                                other.unwrap_or("?")
                            )))
                        }
                    }
                }
                let name = name.ok_or_else(|| {
                    de::Error::custom(
                        "`series` has no `name`; write series: {name: \"…\", part: 2}",
                    )
                })?;
                Ok(SeriesSpec { name, part })
            }
            Value::Sequence(_) | Value::Tagged(_) => Err(de::Error::custom(
                "`series` is a name, or a map with `name` and `part`",
            )),
            scalar => Ok(SeriesSpec {
                name: Text::deserialize(scalar).map_err(de::Error::custom)?.0,
                part: None,
            }),
        }
    }
}

/// `type:`: what kind of journalism an article is (its schema.org type in structured data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleKind {
    /// An analysis piece (schema.org `AnalysisNewsArticle`).
    #[default]
    Analysis,
    /// A news report (`NewsArticle`).
    News,
}

/// `image:`: the cover image. A plain path is a decorative cover (`alt=""`); the map form
/// describes it, and must say `alt` (an explicit `alt: ""` marks it decorative).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSpec {
    pub src: String,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

impl<'de> Deserialize<'de> for ImageSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ImageSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "an image path, or a map with `src`, `alt` and optional `caption` and `credit`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ImageSpec, E> {
                let src = TextVisitor.visit_str::<E>(v)?.0;
                Ok(ImageSpec {
                    src,
                    alt: String::new(),
                    caption: None,
                    credit: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ImageSpec, A::Error> {
                const KEYS: &[&str] = &["src", "alt", "caption", "credit"];
                let (mut src, mut alt, mut caption, mut credit) = (None, None, None, None);
                let mut seen = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    first_time(&mut seen, &key, KEYS)?;
                    match key.as_str() {
                        "src" => src = Some(map.next_value::<Text>()?.0),
                        // `alt: ""` is a deliberate choice (a decorative image); only its absence is an error.
                        "alt" => {
                            alt = Some(
                                map.next_value::<Option<String>>()?
                                    .unwrap_or_default()
                                    .trim()
                                    .to_string(),
                            )
                        }
                        "caption" => caption = map.next_value::<Option<Text>>()?.map(|t| t.0),
                        "credit" => credit = map.next_value::<Option<Text>>()?.map(|t| t.0),
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                let src = src.ok_or_else(|| {
                    de::Error::custom(
                        "the cover image has no `src`; write image: {src: cover.jpg, alt: \"…\"}",
                    )
                })?;
                let alt = alt.ok_or_else(|| {
                    de::Error::custom(format!(
                        "the cover image `{src}` has no `alt`; describe it for readers who cannot see it (alt: \"…\"), or write alt: \"\" if it is decorative"
                    ))
                })?;
                Ok(ImageSpec {
                    src,
                    alt,
                    caption,
                    credit,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// The most tags one article may have: more is a mistake (a pasted list), and every tag page
/// repeats each listed article's tags, so the output would grow with the square of it.
pub const MAX_TAGS: usize = 50;

/// Text written in front-matter: a string, or a number or boolean taken as written (`2025`).
/// One rule for values that mean nothing: `null`/`~`/nothing is refused where text is required
/// (an optional key written so is simply absent, see [`optional_text`]); text that is empty or
/// holds only invisible characters (spaces, bidi controls, zero-width characters) is refused
/// everywhere. Errors quote the value so they are positioned at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        let visible = v.chars().any(|c| {
            !c.is_whitespace()
                && !crate::arabic::normalize::is_invisible_format(c)
                && !c.is_control()
        });
        if v.is_empty() {
            Err(E::custom(
                "`\"\"` is empty; write the text, or remove the entry",
            ))
        } else if !visible {
            Err(E::custom(format!(
                "`{v}` holds only invisible characters; write the text, or remove the entry"
            )))
        } else {
            // Closed where it opens a direction it leaves open: whatever a page or feed puts
            // after the value (the site's name after a title) keeps its own direction.
            Ok(Text(crate::arabic::bidi::closed(v.trim()).into_owned()))
        }
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        self.visit_str(&v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Err(E::custom(
            "this value is empty (`null`, `~` or nothing); write the text, or remove the entry",
        ))
    }
    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        self.visit_unit()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// A required text, as a plain `String` field.
fn required_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Text::deserialize(d)?.0)
}

/// An optional text: `null` means absent; empty or invisible text is still an error.
fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Text>::deserialize(d)?.map(|t| t.0))
}

/// A list of texts (`tags`): each item follows [`Text`]'s rule; at most [`MAX_TAGS`].
fn text_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let list = Option::<Vec<Text>>::deserialize(d)?.unwrap_or_default();
    if list.len() > MAX_TAGS {
        return Err(de::Error::custom(format!(
            "`tags` has {} entries; an article may have at most {MAX_TAGS}",
            list.len()
        )));
    }
    Ok(list.into_iter().map(|t| t.0).collect())
}

/// A non-empty title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(pub String);

impl<'de> Deserialize<'de> for Title {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Title(Text::deserialize(d)?.0))
    }
}

impl<'de> Deserialize<'de> for ArticleDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ArticleDate::parse(&s).map_err(de::Error::custom)
    }
}

/// One author or several.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde_yaml::Value;
        let text = |v: Value| Text::deserialize(v).map(|t| t.0).map_err(de::Error::custom);
        // `author: null` is no author; an empty or invisible name is an error.
        match Option::<Value>::deserialize(d)? {
            None => Ok(OneOrMany::default()),
            Some(Value::Sequence(items)) => Ok(OneOrMany(
                items.into_iter().map(text).collect::<Result<_, _>>()?,
            )),
            Some(Value::Mapping(_)) | Some(Value::Tagged(_)) => Err(de::Error::custom(
                "`author` must be a name or a list of names",
            )),
            Some(v) => Ok(OneOrMany(vec![text(v)?])),
        }
    }
}

/// An external URL whose scheme is http, https or mailto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalUrl(pub String);

impl ExternalUrl {
    /// Validates the scheme; the error says what was found.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = raw.trim();
        let lower = url.to_ascii_lowercase();
        let scheme_ok = crate::url::classify(url) == crate::url::LinkKind::External
            && (lower.starts_with("https://") && url.len() > "https://".len()
                || lower.starts_with("http://") && url.len() > "http://".len()
                || lower.starts_with("mailto:") && url.len() > "mailto:".len());
        if scheme_ok && !url.contains(|c: char| c.is_whitespace() || c.is_control()) {
            // Written into pages' `href`s and feeds as a valid URL (`<` in a query, `^`, a
            // second `#` are encoded): browsers follow either, validators refuse the other.
            Ok(ExternalUrl(crate::url::conform(url).into_owned()))
        } else {
            Err(format!("`{url}` is not an http(s) or mailto URL"))
        }
    }

    /// The host of an http(s) URL, without `www.` (what readers recognise: "example.org").
    pub fn domain(&self) -> Option<&str> {
        crate::url::domain(&self.0)
    }
}

impl<'de> Deserialize<'de> for ExternalUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ExternalUrl::parse(&s).map_err(de::Error::custom)
    }
}

/// A `related:` entry: another article (its path under `content/` without `.md`), or an external
/// link, or a headline whose publisher link is unknown (a map with `title` and no `url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedEntry {
    Article(String),
    External {
        title: String,
        url: Option<ExternalUrl>,
    },
}

impl<'de> Deserialize<'de> for RelatedEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RelatedEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an article path (2025/slug) or a map with `title` and optional `url`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RelatedEntry, E> {
                // Without the invisible direction marks an editor's right-to-left editor adds.
                let visible: String = v
                    .chars()
                    .filter(|&c| !crate::arabic::normalize::is_direction_mark(c))
                    .collect();
                let v = visible.as_str();
                let id = v
                    .trim()
                    .trim_start_matches('/')
                    .trim_end_matches('/')
                    .trim_end_matches(".md");
                if id.is_empty() {
                    return Err(E::custom("a related entry is empty"));
                }
                if v.contains("://") || v.starts_with("mailto:") {
                    return Err(E::custom(format!(
                        "`{v}` looks like a URL; an external related link needs a title: {{title: \"…\", url: \"{v}\"}}"
                    )));
                }
                Ok(RelatedEntry::Article(id.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RelatedEntry, A::Error> {
                const KEYS: &[&str] = &["title", "url"];
                let mut title: Option<String> = None;
                let mut url: Option<ExternalUrl> = None;
                let mut seen = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    first_time(&mut seen, &key, KEYS)?;
                    match key.as_str() {
                        "title" => title = Some(map.next_value::<Text>()?.0),
                        "url" => url = Some(map.next_value()?),
                        other => return Err(de::Error::unknown_field(other, KEYS)),
                    }
                }
                let title = title
                    .filter(|t| !t.trim().is_empty())
                    .ok_or_else(|| de::Error::missing_field("title"))?;
                Ok(RelatedEntry::External { title, url })
            }
        }
        d.deserialize_any(V)
    }
}

/// Refuses a known key written twice in a map read by hand, as serde's derive does for the
/// others (without it the second value would silently replace the first).
fn first_time<E: de::Error>(
    seen: &mut Vec<&'static str>,
    key: &str,
    keys: &'static [&'static str],
) -> Result<(), E> {
    let Some(known) = keys.iter().copied().find(|k| *k == key) else {
        return Ok(());
    };
    if seen.contains(&known) {
        return Err(E::duplicate_field(known));
    }
    seen.push(known);
    Ok(())
}

/// Where an article was first published: `source: {name, url}`, or its name alone
/// (`source: الشرق الأوسط`), as `author:` takes a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub name: String,
    pub url: Option<ExternalUrl>,
}

/// `source:` written as a map.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceMap {
    #[serde(deserialize_with = "required_text")]
    name: String,
    #[serde(default)]
    url: Option<ExternalUrl>,
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Source;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name, or a map with `name` and `url`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Source, E> {
                let name = TextVisitor.visit_str::<E>(v)?.0;
                Ok(Source { name, url: None })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Source, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Source, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Source, A::Error> {
                let SourceMap { name, url } =
                    SourceMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Source { name, url })
            }
        }
        d.deserialize_any(V)
    }
}

/// A slug given in front-matter: one path segment, slugified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(pub String);

impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if raw.contains(['/', '\\']) || raw.trim() == "." || raw.trim() == ".." {
            return Err(de::Error::custom(format!(
                "slug `{raw}` is not a single path segment; a slug cannot contain `/`, `\\` or be `..`"
            )));
        }
        let slug = slugify(&raw);
        if slug.is_empty() {
            return Err(de::Error::custom(format!(
                "slug `{raw}` has no letter or digit"
            )));
        }
        Ok(Slug(slug))
    }
}

/// Whether `text` has the shape of a BCP 47 language tag: a 2–3 letter language, then subtags of
/// 1–8 letters or digits (`ar`, `en`, `fr-MA`, `zh-Hant-TW`). (BCP 47's 4–8 letter languages
/// are reserved or unregistered; written here they are a language's name: `arabic`.)
pub fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let language = parts.next().unwrap_or("");
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_alphabetic())
        && text.len() <= 35
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The code of a language written by its name, in English or Arabic (`English`, `arabic`,
/// `الإنجليزية`, `فرنسي`), for the hint of an error: what an editor writes for `lang:` before
/// knowing it takes a code.
pub fn language_code_of(name: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &[&str])] = &[
        ("ar", &["arabic", "العربية", "عربي", "عربية"]),
        (
            "en",
            &[
                "english",
                "الإنجليزية",
                "الإنكليزية",
                "إنجليزي",
                "إنجليزية",
                "إنكليزي",
            ],
        ),
        (
            "fr",
            &[
                "french",
                "français",
                "francais",
                "الفرنسية",
                "فرنسي",
                "فرنسية",
            ],
        ),
        ("fa", &["persian", "farsi", "الفارسية", "فارسي", "فارسية"]),
        ("ur", &["urdu", "الأردية", "أردو"]),
        ("ku", &["kurdish", "الكردية", "كردي", "كردية"]),
        ("tr", &["turkish", "التركية", "تركي", "تركية"]),
        ("he", &["hebrew", "العبرية", "عبري", "عبرية"]),
        ("es", &["spanish", "español", "الإسبانية", "إسباني"]),
        ("de", &["german", "deutsch", "الألمانية", "ألماني"]),
        ("ru", &["russian", "الروسية", "روسي"]),
        ("zh", &["chinese", "الصينية", "صيني"]),
        ("it", &["italian", "الإيطالية", "إيطالي"]),
        ("am", &["amharic", "الأمهرية"]),
        ("so", &["somali", "الصومالية"]),
        (
            "ber",
            &["berber", "amazigh", "tamazight", "الأمازيغية", "أمازيغي"],
        ),
    ];
    let folded = crate::arabic::normalize::fold(name.trim());
    NAMES
        .iter()
        .find(|(_, names)| {
            names
                .iter()
                .any(|n| crate::arabic::normalize::fold(n) == folded)
        })
        .map(|(code, _)| *code)
}

/// The error for a `lang:`/`language:` value that is not a language tag.
pub fn not_a_language_tag(raw: &str) -> String {
    match language_code_of(raw) {
        Some(code) => format!("`{raw}` names a language; write its code: `{code}`"),
        None => format!("`{raw}` is not a language tag like `en` or `fr-MA`"),
    }
}

/// A language tag (`en`, `fr-MA`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang(pub String);

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        if is_language_tag(&raw) {
            Ok(Lang(raw))
        } else {
            Err(de::Error::custom(not_a_language_tag(&raw)))
        }
    }
}

/// Parses the front-matter of a split file.
pub fn parse(shown: &Path, file: &SourceFile) -> Result<FrontMatter, Diagnostic> {
    parse_with(shown, file, &[])
}

/// Parses front-matter whose keys may include those of the site's own taxonomies (`regions:`):
/// their blocks are read on their own, and blanked (same length, so every position holds) in the
/// text the typed front-matter is read from.
pub fn parse_with(
    shown: &Path,
    file: &SourceFile,
    own_keys: &[&str],
) -> Result<FrontMatter, Diagnostic> {
    let yaml = &file.text[file.yaml.clone()];
    let first_line = file.text[..file.yaml.start].matches('\n').count() + 1;
    if yaml.trim().is_empty() {
        return Err(Diagnostic::at(
            shown,
            &file.text,
            first_line.saturating_sub(1).max(1),
            1,
            "the front-matter is empty",
        )
        .with_hint("add at least `title:` and `date:`"));
    }
    if let Some(d) = control_character(shown, &file.text, file.yaml.clone())
        .or_else(|| escaped_control(shown, &file.text, file.yaml.clone()))
    {
        return Err(d);
    }
    let (masked, blocks) = own_blocks(yaml, own_keys);
    let mut fm: FrontMatter = serde_yaml::from_str(&masked)
        .map_err(|e| yaml::to_diagnostic(shown, &file.text, first_line, "front-matter", &e))?;
    for range in blocks {
        let block_line = first_line + yaml[..range.start].matches('\n').count();
        let value: serde_yaml::Mapping = serde_yaml::from_str(&yaml[range.clone()])
            .map_err(|e| yaml::to_diagnostic(shown, &file.text, block_line, "front-matter", &e))?;
        for (key, value) in value {
            let key = key.as_str().unwrap_or_default().to_string();
            let at = |message: String| {
                Diagnostic::at(shown, &file.text, block_line, 1, message)
                    .with_hint(format!("write {key}: [name, other name]"))
            };
            let texts = match value {
                serde_yaml::Value::Null => Vec::new(),
                serde_yaml::Value::Sequence(items) => items
                    .into_iter()
                    .map(|v| Text::deserialize(v).map(|t| t.0))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| at(format!("`{key}`: {e}")))?,
                serde_yaml::Value::Mapping(_) | serde_yaml::Value::Tagged(_) => {
                    return Err(at(format!("`{key}` must be a name or a list of names")))
                }
                scalar => vec![
                    Text::deserialize(scalar)
                        .map_err(|e| at(format!("`{key}`: {e}")))?
                        .0,
                ],
            };
            if texts.len() > MAX_TAGS {
                return Err(at(format!(
                    "`{key}` has {} entries; an article may have at most {MAX_TAGS}",
                    texts.len()
                )));
            }
            fm.own.push((key, texts));
        }
    }
    Ok(fm)
}

/// The YAML with the blocks of `keys` (a top-level key line and the indented or list lines
/// under it) blanked, and those blocks' ranges.
fn own_blocks(yaml: &str, keys: &[&str]) -> (String, Vec<std::ops::Range<usize>>) {
    if keys.is_empty() {
        return (yaml.to_string(), Vec::new());
    }
    let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut offset = 0;
    let mut open: Option<usize> = None;
    for line in yaml.split_inclusive('\n') {
        // A key at the start of a line ends the block before it (a flow list continued at the
        // start of the next line, `regions: [a,\nb]`, is not a key).
        let top_level = !line.starts_with([' ', '\t', '-', '#'])
            && !line.trim().is_empty()
            && line.contains(':');
        if top_level {
            if let Some(start) = open.take() {
                blocks.push(start..offset);
            }
            let key = line
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            if keys.contains(&key) {
                open = Some(offset);
            }
        }
        offset += line.len();
    }
    if let Some(start) = open {
        blocks.push(start..yaml.len());
    }
    let mut masked = yaml.as_bytes().to_vec();
    for r in &blocks {
        for b in &mut masked[r.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only ASCII bytes were written over whole UTF-8 sequences, so the text stays UTF-8.
    (String::from_utf8(masked).unwrap_or_default(), blocks)
}

/// A front-matter as the article store keeps it ([`crate::content::store`]): its YAML read into a
/// value once and written compactly, so that a build keeping the article deserialises the
/// front-matter from that value instead of parsing its text again (parsing was the costliest
/// part of loading an archive whose articles are all kept: about 2 s of CPU at 100 000
/// articles). Bytes rather than the value itself: the store holds every article's entry at
/// once, and a tree of values is ten times the size of its text. (Kept in the store's texts
/// file, not its index: the index is held whole while a build loads.)
#[derive(Debug, Clone)]
pub struct Kept(pub Vec<u8>);

/// A YAML value in a form bincode can write and read back (a `serde_yaml::Value` needs a
/// self-describing format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum KeptValue {
    Null,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    String(String),
    Sequence(Vec<KeptValue>),
    Mapping(Vec<(KeptValue, KeptValue)>),
    Tagged(String, Box<KeptValue>),
}

impl KeptValue {
    fn of(value: &serde_yaml::Value) -> KeptValue {
        use serde_yaml::Value;
        match value {
            Value::Null => KeptValue::Null,
            Value::Bool(b) => KeptValue::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => KeptValue::Unsigned(u),
                (None, Some(i), _) => KeptValue::Signed(i),
                (_, _, f) => KeptValue::Float(f.unwrap_or(f64::NAN)),
            },
            Value::String(s) => KeptValue::String(s.clone()),
            Value::Sequence(items) => {
                KeptValue::Sequence(items.iter().map(KeptValue::of).collect())
            }
            Value::Mapping(map) => KeptValue::Mapping(
                map.iter()
                    .map(|(k, v)| (KeptValue::of(k), KeptValue::of(v)))
                    .collect(),
            ),
            Value::Tagged(t) => {
                KeptValue::Tagged(t.tag.to_string(), Box::new(KeptValue::of(&t.value)))
            }
        }
    }

    fn value(&self) -> serde_yaml::Value {
        use serde_yaml::Value;
        match self {
            KeptValue::Null => Value::Null,
            KeptValue::Bool(b) => Value::Bool(*b),
            KeptValue::Unsigned(u) => Value::Number((*u).into()),
            KeptValue::Signed(i) => Value::Number((*i).into()),
            KeptValue::Float(f) => Value::Number((*f).into()),
            KeptValue::String(s) => Value::String(s.clone()),
            KeptValue::Sequence(items) => Value::Sequence(items.iter().map(Self::value).collect()),
            KeptValue::Mapping(map) => {
                Value::Mapping(map.iter().map(|(k, v)| (k.value(), v.value())).collect())
            }
            KeptValue::Tagged(tag, value) => {
                Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
                    tag: serde_yaml::value::Tag::new(tag.as_str()),
                    value: value.value(),
                }))
            }
        }
    }
}

/// Bincode with numbers as varints: a kept front-matter is then hardly longer than its text.
fn compact() -> impl bincode::Options {
    bincode::DefaultOptions::new()
}

impl Kept {
    /// The kept form of `fm`, which [`parse_with`] made from `file` with `own_keys`; `None` when
    /// that form would not deserialise into the very same front-matter (then the store keeps
    /// none, and the next build parses the text as before). Checking each one here is what lets
    /// a later build trust it: the front-matter read from it is the one the text gives.
    pub fn of(file: &SourceFile, own_keys: &[&str], fm: &FrontMatter) -> Option<Kept> {
        let (masked, _) = own_blocks(&file.text[file.yaml.clone()], own_keys);
        let value: serde_yaml::Value = serde_yaml::from_str(&masked).ok()?;
        let kept = Kept(
            compact()
                .serialize(&(KeptValue::of(&value), &fm.own))
                .ok()?,
        );
        (kept.front_matter()? == *fm).then_some(kept)
    }

    /// The front-matter it keeps.
    pub fn front_matter(&self) -> Option<FrontMatter> {
        let (value, own): (KeptValue, _) = compact().deserialize(&self.0).ok()?;
        let mut fm = FrontMatter::deserialize(value.value()).ok()?;
        fm.own = own;
        Some(fm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_keys_are_read_on_their_own_and_blanked_in_place() {
        let yaml = "title: x\nregions: [أ,\nب]\ndate: 2025-01-01\nareas:\n  - ج\n  - د\n# note\ntags: [t]\n";
        let (masked, blocks) = own_blocks(yaml, &["regions", "areas"]);
        assert_eq!(masked.len(), yaml.len(), "positions hold");
        let cut: Vec<&str> = blocks.iter().map(|r| &yaml[r.clone()]).collect();
        assert_eq!(
            cut,
            ["regions: [أ,\nب]\n", "areas:\n  - ج\n  - د\n# note\n"]
        );
        for kept in ["title: x\n", "\ndate: 2025-01-01\n", "\ntags: [t]\n"] {
            assert!(masked.contains(kept), "{kept}: {masked:?}");
        }
        assert!(!masked.contains("regions") && !masked.contains('ج'));
        assert_eq!(own_blocks(yaml, &[]).0, yaml);
    }

    /// The kept form of a front-matter reads back as parsing its text gives it (or is not
    /// kept), for plain and unusual YAML alike and for every fixture article; and the usual
    /// front-matters are kept.
    #[test]
    fn a_kept_front_matter_reads_back_as_its_text() {
        let usual = [
            "title: \"عنوان\"\ndate: 2025-04-28\ntags: [داعش, سوريا]\nrelated:\n  - 2025/other\n  - title: خبر\n    url: https://example.org/x\n  - title: بلا رابط\nauthor: كاتب\nsource: {name: الشرق الأوسط, url: \"https://aawsat.com/x\"}\nslug: My Slug\nlang: en\n",
            "title: x\ndate: 2025-01-01T10:30:00+03:00\nupdated: 2025-02-01\nsummary: >\n  سطر\n  وسطر\ndraft: false\n",
            "title: x\ndate: 2025-01-01\nseries: {name: ملف, part: 2}\ntype: interview\nauthor: [أ, ب]\n",
            "title: x\ndate: 2025-01-01\nextra: {n: -5, f: 1.5e3, big: 18446744073709551615, inf: .inf, no: ~, yes: true, list: [1, \"2\", [3]], map: {1: a}}\n",
            "title: x\ndate: 2025-01-01\nregions: [الحسكة, الرقة]\ntags: [t]\n",
        ];
        let unusual = [
            "title: &t عنوان\ndate: 2025-01-01\ntags: [*t]\n",
            "title: 2025\ndate: 2025-01-01\n",
            "title: !!str 12\ndate: 2025-01-01\nextra: !custom {a: 1}\n",
            "title: 'x'\ndate: '2025-01-01'\ntags: yes\n",
            "title: x\ndate: 2025-01-01\nextra: {nan: .nan, hex: 0x1F, oct: 0o17, neg: -0.0}\n",
            "title: x\ndate: 2025-01-01\nsource: الشرق الأوسط\nimage: {src: a.jpg, alt: صورة}\n",
        ];
        let mut texts: Vec<String> = usual
            .iter()
            .chain(&unusual)
            .map(|y| format!("---\n{y}---\nbody\n"))
            .collect();
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for entry in walkdir::WalkDir::new(fixtures).into_iter().flatten() {
            if entry.path().extension().is_some_and(|e| e == "md") {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    texts.push(text);
                }
            }
        }
        let own = ["regions"];
        let mut kept = 0;
        for (n, text) in texts.iter().enumerate() {
            let shown = Path::new("content/a.md");
            let Ok(file) = split(shown, text.clone().into_bytes()) else {
                continue;
            };
            let Ok(parsed) = parse_with(shown, &file, &own) else {
                continue;
            };
            match Kept::of(&file, &own, &parsed) {
                Some(k) => {
                    let back = k.front_matter().expect("a kept front-matter reads back");
                    assert_eq!(back, parsed, "{text}");
                    kept += 1;
                }
                None => assert!(n >= usual.len(), "a usual front-matter is kept: {text}"),
            }
        }
        assert!(kept > 40, "most fixture front-matters are kept ({kept})");
        // Bytes that are not a kept front-matter are refused, never a panic.
        assert!(Kept(vec![7, 200, 1]).front_matter().is_none());
        assert!(Kept(Vec::new()).front_matter().is_none());
    }

    fn fm(yaml: &str) -> Result<FrontMatter, Diagnostic> {
        let text = format!("---\n{yaml}---\nbody\n");
        let file = split(Path::new("content/a.md"), text.into_bytes()).unwrap();
        parse(Path::new("content/a.md"), &file)
    }

    #[test]
    fn full_front_matter_parses() {
        let f = fm("title: \"عنوان\"\ndate: 2025-04-28\ntags: [داعش, سوريا]\nrelated:\n  - 2025/other\n  - title: خبر\n    url: https://example.org/x\n  - title: بلا رابط\nauthor: كاتب\nsource: {name: الشرق الأوسط, url: \"https://aawsat.com/x\"}\nslug: My Slug\nlang: en\n").unwrap();
        assert_eq!(f.title.0, "عنوان");
        assert_eq!(f.tags, ["داعش", "سوريا"]);
        assert_eq!(f.related[0], RelatedEntry::Article("2025/other".into()));
        assert!(matches!(
            &f.related[2],
            RelatedEntry::External { url: None, .. }
        ));
        assert_eq!(f.author.0, ["كاتب"]);
        assert_eq!(f.slug.unwrap().0, "my-slug");
    }

    #[test]
    fn unknown_key_is_positioned_with_a_suggestion() {
        let d = fm("title: x\ndate: 2025-01-01\ntgas: [a]\n").unwrap_err();
        assert_eq!((d.line, d.column), (4, 1));
        assert_eq!(d.message, "unknown key `tgas` in front-matter");
        assert!(d.hint.unwrap().starts_with("did you mean `tags`?"));
    }

    #[test]
    fn impossible_date_points_at_the_value() {
        let d = fm("title: x\ndate: 2025-02-30\n").unwrap_err();
        assert_eq!(d.line, 3);
        assert_eq!(d.column, 7);
        assert!(
            d.message.contains("`2025-02-30` is not a valid date"),
            "{}",
            d.message
        );
    }

    #[test]
    fn javascript_urls_are_rejected() {
        let d = fm("title: x\ndate: 2025-01-01\nrelated:\n  - title: t\n    url: \"javascript:alert(1)\"\n").unwrap_err();
        assert!(
            d.message.contains("is not an http(s) or mailto URL"),
            "{}",
            d.message
        );
        assert_eq!(d.line, 6);
        assert!(ExternalUrl::parse(" JaVa\tScript:alert(1)").is_err());
        assert!(ExternalUrl::parse("mailto:a@b.c").is_ok());
    }

    #[test]
    fn path_tricks_in_slugs_are_rejected() {
        assert!(fm("title: x\ndate: 2025-01-01\nslug: ../../etc\n")
            .unwrap_err()
            .message
            .contains("single path segment"));
        assert!(fm("title: x\ndate: 2025-01-01\nslug: \"..\"\n").is_err());
    }

    #[test]
    fn an_empty_slug_is_pointed_at_where_its_value_goes() {
        for (yaml, at) in [
            ("title: x\ndate: 2025-01-01\nslug: \"\"\n", (4, 7)),
            ("title: x\nslug:   ''\ndate: 2025-01-01\n", (3, 9)),
        ] {
            let d = fm(yaml).unwrap_err();
            assert!(
                d.message.contains("has no letter or digit"),
                "{}",
                d.message
            );
            assert_eq!((d.line, d.column), at, "{yaml}");
        }
    }

    #[test]
    fn wrong_types_are_reported() {
        let d = fm("title: x\ndate: 2025-01-01\ntags: 5\n").unwrap_err();
        assert!(d.message.starts_with("wrong type"), "{}", d.message);
        assert_eq!(d.line, 4);
    }

    #[test]
    fn lone_carriage_returns_end_lines_so_positions_stay_inside_the_file() {
        // Found by fuzzing: YAML counted each CR as a line, we did not, and pointed past the end.
        let bytes = b"---\rtitle: x\rdate: 2025-02-30\r---\rbody\r".to_vec();
        let file = split(Path::new("content/a.md"), bytes).unwrap();
        let d = parse(Path::new("content/a.md"), &file).unwrap_err();
        assert_eq!(d.location(), "content/a.md:3:7");
    }

    #[test]
    fn yaml_line_breaks_we_do_not_count_are_refused_where_they_are() {
        // Found by fuzzing: YAML ends a line at NEL (U+0085), LS and PS; positions then pointed
        // past the end of the file.
        for (bytes, location) in [
            (
                b"---\ntitle: \"\xc2\x85 20203\n---\n".to_vec(),
                "content/a.md:2:9",
            ),
            (
                "---\ntitle: x\u{2028}y\ndate: 2025-01-01\n---\n"
                    .as_bytes()
                    .to_vec(),
                "content/a.md:2:9",
            ),
        ] {
            let file = split(Path::new("content/a.md"), bytes).unwrap();
            let d = parse(Path::new("content/a.md"), &file).unwrap_err();
            assert_eq!(d.location(), location, "{}", d.message);
        }
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let text = "\u{FEFF}---\r\ntitle: x\r\ndate: 2025-01-01\r\n---\r\nbody\r\n";
        let file = split(Path::new("a.md"), text.as_bytes().to_vec()).unwrap();
        assert_eq!(file.body(), "body\n");
        assert!(parse(Path::new("a.md"), &file).is_ok());
    }

    #[test]
    fn missing_or_unclosed_front_matter_is_an_error() {
        assert!(split(Path::new("a.md"), b"# just markdown\n".to_vec())
            .unwrap_err()
            .message
            .contains("no front-matter"));
        assert!(split(Path::new("a.md"), b"---\ntitle: x\n".to_vec())
            .unwrap_err()
            .message
            .contains("never closed"));
    }

    #[test]
    fn non_utf8_is_reported_with_its_position() {
        let d = split(Path::new("a.md"), b"---\ntitle: \xff\n".to_vec()).unwrap_err();
        assert!(d.message.contains("not UTF-8"));
        assert_eq!((d.line, d.column), (2, 8));
    }

    #[test]
    fn values_are_located_in_their_key() {
        let text = "---\ntitle: 2025/x\nrelated:\n  - 2025/x\n---\n";
        let file = split(Path::new("a.md"), text.as_bytes().to_vec()).unwrap();
        let off = locate_value(&file, "related", "2025/x").unwrap();
        assert_eq!(crate::diagnostics::line_column(&file.text, off), (4, 5));
    }
}
