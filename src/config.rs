//! `site.yaml` → [`Config`], with defaults for every key and positioned errors for unknown keys
//! and bad values.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::arabic::bidi::Dir;
use crate::arabic::dates::{DateStyle, Digits};
use crate::content::raw_html::HtmlPolicy;
use crate::diagnostics::Diagnostic;
use crate::url::{BadBaseUrl, BaseUrl};
use crate::yaml;

/// Settings of the similar-articles computation (`similar:` in `site.yaml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimilarConfig {
    /// How many similar articles each article lists (0 turns the computation off).
    pub count: usize,
    /// Weight of shared tags (each weighted by its rarity).
    pub tag_weight: f32,
    /// Weight of the TF-IDF cosine of the texts.
    pub text_weight: f32,
    /// Weight of closeness in time (decays with a half-life of `date_half_life_days`).
    pub date_weight: f32,
    /// Half-life of the date term, in days.
    pub date_half_life_days: f32,
}

impl Default for SimilarConfig {
    fn default() -> Self {
        SimilarConfig {
            count: 5,
            tag_weight: 1.0,
            text_weight: 1.0,
            date_weight: 0.1,
            date_half_life_days: 365.0,
        }
    }
}

/// Settings of `warraq check --external` (`check:` in `site.yaml`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// External URLs starting with any of these prefixes are not checked.
    pub exclude: Vec<String>,
    /// Seconds before one request is abandoned.
    pub timeout_secs: u64,
    /// Further attempts after a timeout, a connection error, a 429 or a 5xx.
    pub retries: u32,
    /// First backoff between attempts, doubled each time (a 429's Retry-After wins).
    pub backoff_ms: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// How long a good result is reused from the cache (`.warraq-cache/`), in hours; 0 disables.
    pub cache_hours: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            exclude: Vec::new(),
            timeout_secs: 10,
            retries: 2,
            backoff_ms: 500,
            concurrency: 8,
            per_host: 2,
            cache_hours: 24,
        }
    }
}

/// One taxonomy of the site (SPEC §5; `taxonomies:` in `site.yaml`): a way of grouping articles
/// by the names they carry, each name getting a page (and a feed) under the taxonomy's segment.
/// Tags, writers and sources are built in; a site adds its own (`regions`) by naming it.
#[derive(Debug, Clone, Serialize)]
pub struct Taxonomy {
    /// Its name in `site.yaml` and templates (`tags`, `authors`, `sources`, `regions`).
    pub name: String,
    /// Where its names come from in front-matter.
    pub field: TermField,
    /// Its URL segment: `/<segment>/`, `/<segment>/<term>/`.
    pub segment: String,
    /// The heading of its index page ("الوسوم").
    pub title: String,
    /// What one of its names is called ("الوسم", "الكاتب").
    pub label: String,
    /// Whether each name has an Atom feed (and the site has feeds).
    pub feeds: bool,
    /// Articles per page of a name (the site's `per_page` unless given).
    pub per_page: usize,
    /// Order of its index page.
    pub sort: TermSort,
}

/// Where a taxonomy's names are written in front-matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TermField {
    /// `tags: [...]`
    Tags,
    /// `author:` (a name or a list)
    Author,
    /// `source: {name, url}`
    Source,
    /// A key of its own name: `regions: [دير الزور, الحسكة]`.
    Own(String),
}

impl TermField {
    /// The front-matter key.
    pub fn key(&self) -> &str {
        match self {
            TermField::Tags => "tags",
            TermField::Author => "author",
            TermField::Source => "source",
            TermField::Own(key) => key,
        }
    }
}

/// How a taxonomy's index page orders its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TermSort {
    /// Most articles first, then by name.
    #[default]
    Count,
    /// By name (Arabic-normalised).
    Name,
}

/// A taxonomy's settings as written (`taxonomies: {regions: {title: "المناطق"}}`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    segment: Option<String>,
    title: Option<String>,
    label: Option<String>,
    feeds: Option<bool>,
    per_page: Option<usize>,
    sort: Option<TermSort>,
}

/// Front-matter keys a taxonomy of its own may not take.
const ARTICLE_KEYS: &[&str] = &[
    "title", "date", "updated", "tags", "related", "summary", "author", "source", "slug", "lang",
    "draft", "extra", "image", "type", "series",
];

/// The built-in taxonomies: (name, segment, title, label).
const BUILT_IN: [(&str, &str, &str, &str); 3] = [
    ("tags", "tags", "الوسوم", "الوسم"),
    ("authors", "authors", "الكتّاب", "الكاتب"),
    ("sources", "sources", "المصادر", "المصدر"),
];

/// The file as written, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    description: Option<String>,
    base_url: Option<String>,
    language: Option<String>,
    direction: Option<Dir>,
    per_page: Option<usize>,
    date_style: Option<DateStyle>,
    digits: Option<Digits>,
    hijri: Option<bool>,
    logo: Option<String>,
    output: Option<PathBuf>,
    feeds: Option<bool>,
    search: Option<bool>,
    similar: Option<SimilarConfig>,
    check: Option<CheckConfig>,
    raw_html: Option<RawHtml>,
    embed_hosts: Option<Vec<String>>,
    taxonomies: Option<serde_yaml::Mapping>,
}

/// `raw_html:` in `site.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawHtml {
    /// Raw HTML allowed; what runs script is an error, and the rest is sanitised.
    Safe,
    /// Authors' HTML is kept as written.
    Trusted,
}

/// The site's configuration, with every default filled in.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Where the site lives (`/`, `/archive/`, `https://example.org/`).
    pub base: BaseUrl,
    pub language: String,
    pub direction: Dir,
    pub per_page: usize,
    pub date_style: DateStyle,
    pub digits: Digits,
    /// Dates shown with their Umm al-Qura Hijri date beside the Gregorian one (`hijri: true`).
    pub hijri: bool,
    /// The publisher's logo for structured data: a site path (`/logo.png`, from `static/`) or an
    /// absolute URL (`logo:` in `site.yaml`).
    pub logo: Option<String>,
    pub output: PathBuf,
    pub feeds: bool,
    /// The search page and its index (`search: false` leaves both out).
    pub search: bool,
    pub similar: SimilarConfig,
    pub check: CheckConfig,
    /// What authors' raw HTML may do (`raw_html`, `embed_hosts`).
    pub html: HtmlPolicy,
    /// Tags first, then writers and sources (unless turned off), then the site's own.
    pub taxonomies: Vec<Taxonomy>,
    /// The site folder the settings were read from (dossier introductions live under it).
    #[serde(skip)]
    pub root: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        // The defaults are valid by construction; no user input reaches this.
        Config::from_raw(RawConfig::default()).expect("default settings are valid")
    }
}

impl Config {
    /// The settings as what a build makes from the articles sees them, for the numbers that
    /// say whether a kept article or page is still what it would be made again: without
    /// `check:` (read by `warraq check` alone) and `similar:` (read by the index, whose lists
    /// are part of each page's values, which its number covers). Tuning either no longer reads
    /// every article again nor renders every page.
    pub fn for_outputs(&self) -> Config {
        Config {
            similar: SimilarConfig::default(),
            check: CheckConfig::default(),
            ..self.clone()
        }
    }

    /// The settings loading an article reads (its links' URLs, its direction, what its raw HTML
    /// may do, its taxonomies' keys and segments, whether its words are analysed for search;
    /// the date and digit settings too, to be safe): what the article store keeps its articles
    /// with ([`crate::content::store::salt`]). The site's title, description, logo, page size,
    /// feeds and output folder are left out with [`for_outputs`](Config::for_outputs)'s: changing
    /// them reads no article again (the pages that show them are rendered again).
    pub fn for_loading(&self) -> Config {
        Config {
            title: String::new(),
            description: String::new(),
            logo: None,
            per_page: 0,
            feeds: false,
            output: PathBuf::new(),
            ..self.for_outputs()
        }
    }

    /// Reads `<root>/site.yaml` when it exists; defaults otherwise.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join("site.yaml");
        let shown = PathBuf::from("site.yaml");
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config {
                    root: root.to_path_buf(),
                    ..Config::default()
                })
            }
            Err(e) => {
                return Err(vec![Diagnostic::new(
                    Some(&shown),
                    format!("cannot read site.yaml: {e}"),
                )])
            }
        };
        let text =
            crate::content::source::text_of(&shown, "site.yaml", text).map_err(|d| vec![d])?;
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let source: Arc<str> = Arc::from(text.as_str());
        if let Some(d) =
            crate::content::front_matter::control_character(&shown, &source, 0..source.len())
                .or_else(|| {
                    crate::content::front_matter::escaped_control(&shown, &source, 0..source.len())
                })
        {
            return Err(vec![d]);
        }
        if source.trim().is_empty() {
            return Ok(Config {
                root: root.to_path_buf(),
                ..Config::default()
            });
        }
        let raw: RawConfig = serde_yaml::from_str(&source)
            .map_err(|e| vec![yaml::to_diagnostic(&shown, &source, 1, "site.yaml", &e)])?;
        let mut config = Config::from_raw(raw).map_err(|d| vec![positioned(d, &source)])?;
        config.root = root.to_path_buf();
        // The logo is named in every page's structured data: it must be published.
        if let Some(logo) = config.logo.as_deref().filter(|l| !l.contains("://")) {
            let file = root.join("static").join(logo.trim_start_matches('/'));
            let inside = !logo.split('/').any(|part| part == "..");
            let embedded = crate::render::templates::STATIC_DEFAULTS
                .iter()
                .any(|(name, _)| *name == logo.trim_start_matches('/'));
            if !inside || !(file.is_file() || embedded) {
                let d = Diagnostic::new(
                    Some(&shown),
                    format!("`logo: {logo}` is not a file of static/"),
                )
                .with_hint("put the logo in static/ (static/logo.png is written `logo: /logo.png`), or give an https:// URL");
                return Err(vec![positioned(d, &source)]);
            }
        }
        Ok(config)
    }

    fn from_raw(raw: RawConfig) -> Result<Config, Diagnostic> {
        let shown = Path::new("site.yaml");
        let language = raw.language.unwrap_or_else(|| "ar".into());
        let written = raw.base_url.unwrap_or_else(|| "/".into());
        let base = BaseUrl::parse(&written).map_err(|BadBaseUrl(why)| {
            Diagnostic::new(
                Some(shown),
                format!("`base_url: {written}` is not usable: {why}"),
            )
            .with_hint(BASE_URL_HINT)
        })?;
        if !crate::content::front_matter::is_language_tag(&language) {
            let hint = match crate::content::front_matter::language_code_of(&language) {
                Some(code) => format!("write its code: `language: {code}`"),
                None => "use a tag like `ar`, `en`, `fr` or `ar-MA`".to_string(),
            };
            return Err(Diagnostic::new(
                Some(shown),
                format!("`language: {language}` is not a language tag"),
            )
            .with_hint(hint));
        }
        let per_page = raw.per_page.unwrap_or(20);
        if per_page == 0 {
            return Err(Diagnostic::new(
                Some(shown),
                "`per_page` must be at least 1",
            ));
        }
        let taxonomies = taxonomies(raw.taxonomies.unwrap_or_default(), per_page)?;
        let output = raw.output.unwrap_or_else(|| "public".into());
        if names_the_site_itself(&output) {
            return Err(Diagnostic::new(
                Some(shown),
                format!(
                    "`output: {}` names the site's own folder: a build would replace the whole site with its output",
                    output.display()
                ),
            )
            .with_hint("name a folder of its own, such as `output: public` (the default) or `output: ../site-html`"));
        }
        Ok(Config {
            title: raw.title.unwrap_or_else(|| "أرشيف".into()),
            description: raw.description.unwrap_or_default(),
            direction: raw.direction.unwrap_or_else(|| Dir::of_language(&language)),
            language,
            base,
            per_page,
            date_style: raw.date_style.unwrap_or_default(),
            digits: raw.digits.unwrap_or_default(),
            hijri: raw.hijri.unwrap_or(false),
            logo: raw
                .logo
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty()),
            output,
            feeds: raw.feeds.unwrap_or(true),
            search: raw.search.unwrap_or(true),
            similar: raw.similar.unwrap_or_default(),
            check: raw.check.unwrap_or_default(),
            html: HtmlPolicy {
                trusted: raw.raw_html == Some(RawHtml::Trusted),
                embed_hosts: raw
                    .embed_hosts
                    .unwrap_or_else(|| HtmlPolicy::default().embed_hosts),
                page_ids: Vec::new(),
            },
            taxonomies,
            root: PathBuf::from("."),
        })
    }

    /// Overrides `base_url` (from `--base-url`).
    pub fn set_base_url(&mut self, written: &str) -> Result<(), Diagnostic> {
        self.base = BaseUrl::parse(written).map_err(|BadBaseUrl(why)| {
            Diagnostic::new(None, format!("`--base-url {written}` is not usable: {why}"))
                .with_hint(BASE_URL_HINT)
        })?;
        Ok(())
    }

    /// The href of a site path (`/2025/x/` → `/base/2025/x/`, percent-encoded).
    pub fn href(&self, site_path: &str) -> String {
        self.base.href(site_path)
    }

    /// The absolute URL of a site path when the base is absolute, the href otherwise.
    pub fn permalink(&self, site_path: &str) -> String {
        self.base.permalink(site_path)
    }
}

/// The site's taxonomies: the built-in ones with their settings (or turned off with `false`),
/// then the site's own in the order written.
fn taxonomies(written: serde_yaml::Mapping, per_page: usize) -> Result<Vec<Taxonomy>, Diagnostic> {
    let shown = Path::new("site.yaml");
    let problem =
        |m: String, hint: &str| Diagnostic::new(Some(shown), m).with_hint(hint.to_string());
    let mut settings: Vec<(String, Option<RawTaxonomy>)> = BUILT_IN
        .iter()
        .map(|(name, ..)| (name.to_string(), Some(RawTaxonomy::default())))
        .collect();
    for (key, value) in written {
        let name = key.as_str().map(str::to_string).ok_or_else(|| {
            problem(
                "`taxonomies:` names must be words".into(),
                "write taxonomies: {regions: {title: \"المناطق\"}}",
            )
        })?;
        if !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            || name.is_empty()
        {
            return Err(problem(
                format!("`taxonomies: {name}` is not usable as a front-matter key"),
                "name a taxonomy with lowercase Latin letters, digits or _ (regions, countries)",
            ));
        }
        let is_built_in = BUILT_IN.iter().any(|(n, ..)| *n == name);
        if !is_built_in && ARTICLE_KEYS.contains(&name.as_str()) {
            return Err(problem(
                format!("`taxonomies: {name}` would take a front-matter key warraq already uses"),
                "give the taxonomy another name",
            ));
        }
        let raw = match value {
            serde_yaml::Value::Bool(false) if name == "tags" => {
                return Err(problem(
                    "`taxonomies: tags` cannot be turned off".into(),
                    "tags drive similar articles and search; change their segment or title instead",
                ))
            }
            serde_yaml::Value::Bool(false) => None,
            serde_yaml::Value::Null | serde_yaml::Value::Bool(true) => Some(RawTaxonomy::default()),
            other => Some(serde_yaml::from_value::<RawTaxonomy>(other).map_err(|e| {
                problem(
                    format!("`taxonomies: {name}` has a bad setting: {e}"),
                    "settings are segment, title, label, feeds, per_page and sort (count or name)",
                )
            })?),
        };
        match settings.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = raw,
            None => settings.push((name, raw)),
        }
    }
    let mut out: Vec<Taxonomy> = Vec::new();
    for (name, raw) in settings {
        let Some(raw) = raw else { continue };
        let built_in = BUILT_IN.iter().find(|(n, ..)| *n == name);
        let field = match name.as_str() {
            "tags" => TermField::Tags,
            "authors" => TermField::Author,
            "sources" => TermField::Source,
            _ => TermField::Own(name.clone()),
        };
        let segment = raw
            .segment
            .unwrap_or_else(|| built_in.map_or(name.clone(), |b| b.1.to_string()));
        let slug = crate::arabic::slug::slugify(&segment);
        if slug.is_empty() || slug != segment.trim_matches('/') {
            return Err(problem(
                format!("`segment: {segment}` of taxonomy `{name}` is not one URL segment"),
                "write it as one word or slug (authors, كتاب)",
            ));
        }
        let fixed = crate::routes::fixed_first_segments();
        if fixed.contains(&slug) || out.iter().any(|t| t.segment == slug) {
            return Err(problem(
                format!("`segment: {slug}` of taxonomy `{name}` is already used by another page of the site"),
                "give the taxonomy another segment",
            ));
        }
        let title = raw
            .title
            .unwrap_or_else(|| built_in.map_or(name.clone(), |b| b.2.to_string()));
        let label = raw
            .label
            .unwrap_or_else(|| built_in.map_or(title.clone(), |b| b.3.to_string()));
        let per_page = raw.per_page.unwrap_or(per_page);
        if per_page == 0 {
            return Err(problem(
                format!("`per_page` of taxonomy `{name}` must be at least 1"),
                "leave it out to use the site's per_page",
            ));
        }
        out.push(Taxonomy {
            name,
            field,
            segment: slug,
            title,
            label,
            feeds: raw.feeds.unwrap_or(true),
            per_page,
            sort: raw.sort.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Places a settings error at its key's value: messages quote the setting as `` `key: value` ``.
fn positioned(d: Diagnostic, source: &Arc<str>) -> Diagnostic {
    let key = d
        .message
        .split('`')
        .nth(1)
        .and_then(|quoted| quoted.split(':').next())
        .map(str::trim)
        .filter(|k| !k.is_empty());
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        if let Some(k) = key {
            if let Some(rest) = line.strip_prefix(k).and_then(|r| r.strip_prefix(':')) {
                let value = offset + k.len() + 1 + (rest.len() - rest.trim_start().len());
                let at = Diagnostic::at_offset(Path::new("site.yaml"), source, value, d.message);
                return match d.hint {
                    Some(h) => at.with_hint(h),
                    None => at,
                };
            }
        }
        offset += line.len();
    }
    Diagnostic {
        source: Some(source.clone()),
        ..d
    }
}

/// An `output:` that is the site's folder itself (empty, `.`, `./`, `x/..`): relative to the
/// site, it names no folder below it.
fn names_the_site_itself(output: &Path) -> bool {
    use std::path::Component;
    if output.is_absolute() {
        return false;
    }
    let mut depth = 0usize;
    for part in output.components() {
        match part {
            Component::Normal(_) => depth += 1,
            Component::ParentDir if depth == 0 => return false,
            Component::ParentDir => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

const BASE_URL_HINT: &str = "use `/`, `/archive/` or `https://example.org/archive/`";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_include_the_base_path_and_are_encoded() {
        let mut c = Config::default();
        c.set_base_url("https://example.org/ar/").unwrap();
        assert_eq!(c.href("/tags/داعش/"), "/ar/tags/%D8%AF%D8%A7%D8%B9%D8%B4/");
        assert_eq!(c.permalink("/"), "https://example.org/ar/");
    }

    #[test]
    fn defaults_are_arabic_right_to_left() {
        let c = Config::default();
        assert_eq!(c.language, "ar");
        assert_eq!(c.direction, Dir::Rtl);
        assert_eq!(c.per_page, 20);
    }

    #[test]
    fn an_output_that_is_the_site_folder_itself_is_refused() {
        for own in ["", ".", "./", "x/..", "./a/b/../.."] {
            assert!(names_the_site_itself(Path::new(own)), "{own:?}");
        }
        for other in ["public", "./public", "../site-html", "x/../..", "/srv/www"] {
            assert!(!names_the_site_itself(Path::new(other)), "{other:?}");
        }
    }
}
