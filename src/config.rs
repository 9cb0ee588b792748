//! `site.yaml` → [`Config`], with defaults for every key and positioned errors for unknown keys
//! and bad values.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::arabic::bidi::Dir;
use crate::arabic::dates::{DateStyle, Digits};
use crate::diagnostics::Diagnostic;
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
    output: Option<PathBuf>,
    feeds: Option<bool>,
    similar: Option<SimilarConfig>,
    check: Option<CheckConfig>,
}

/// The site's configuration, with every default filled in.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// As written (`/`, `/archive/`, `https://example.org/`).
    pub base_url: String,
    pub language: String,
    pub direction: Dir,
    pub per_page: usize,
    pub date_style: DateStyle,
    pub digits: Digits,
    pub output: PathBuf,
    pub feeds: bool,
    pub similar: SimilarConfig,
    pub check: CheckConfig,
    /// The path part of `base_url`, always with a leading and trailing slash (`/`, `/archive/`).
    pub base_path: String,
    /// `https://example.org` when `base_url` is absolute.
    pub origin: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        // The defaults are valid by construction; no user input reaches this.
        Config::from_raw(RawConfig::default()).expect("default settings are valid")
    }
}

impl Config {
    /// Reads `<root>/site.yaml` when it exists; defaults otherwise.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join("site.yaml");
        let shown = PathBuf::from("site.yaml");
        let text = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(vec![Diagnostic::new(
                    Some(&shown),
                    format!("cannot read site.yaml: {e}"),
                )])
            }
        };
        let text = match String::from_utf8(text) {
            Ok(t) => t,
            Err(_) => {
                return Err(vec![Diagnostic::new(
                    Some(&shown),
                    "site.yaml is not UTF-8 text",
                )
                .with_hint("save the file as UTF-8")])
            }
        };
        let text = text
            .strip_prefix('\u{FEFF}')
            .unwrap_or(&text)
            .replace("\r\n", "\n");
        let source: Arc<str> = Arc::from(text.as_str());
        if source.trim().is_empty() {
            return Ok(Config::default());
        }
        let raw: RawConfig = serde_yaml::from_str(&source)
            .map_err(|e| vec![yaml::to_diagnostic(&shown, &source, 1, "site.yaml", &e)])?;
        Config::from_raw(raw).map_err(|d| {
            vec![Diagnostic {
                source: Some(source.clone()),
                ..d
            }]
        })
    }

    fn from_raw(raw: RawConfig) -> Result<Config, Diagnostic> {
        let shown = Path::new("site.yaml");
        let language = raw.language.unwrap_or_else(|| "ar".into());
        let base_url = raw.base_url.unwrap_or_else(|| "/".into());
        let (origin, base_path) = split_base_url(&base_url).ok_or_else(|| {
            Diagnostic::new(
                Some(shown),
                format!("`base_url: {base_url}` is not a URL or an absolute path"),
            )
            .with_hint("use `/`, `/archive/` or `https://example.org/archive/`")
        })?;
        let per_page = raw.per_page.unwrap_or(20);
        if per_page == 0 {
            return Err(Diagnostic::new(
                Some(shown),
                "`per_page` must be at least 1",
            ));
        }
        Ok(Config {
            title: raw.title.unwrap_or_else(|| "أرشيف".into()),
            description: raw.description.unwrap_or_default(),
            direction: raw.direction.unwrap_or_else(|| Dir::of_language(&language)),
            language,
            base_url,
            per_page,
            date_style: raw.date_style.unwrap_or_default(),
            digits: raw.digits.unwrap_or_default(),
            output: raw.output.unwrap_or_else(|| "public".into()),
            feeds: raw.feeds.unwrap_or(true),
            similar: raw.similar.unwrap_or_default(),
            check: raw.check.unwrap_or_default(),
            base_path,
            origin,
        })
    }

    /// Overrides `base_url` (from `--base-url`).
    pub fn set_base_url(&mut self, base_url: &str) -> Result<(), Diagnostic> {
        let (origin, base_path) = split_base_url(base_url).ok_or_else(|| {
            Diagnostic::new(
                None,
                format!("`--base-url {base_url}` is not a URL or an absolute path"),
            )
            .with_hint("use `/`, `/archive/` or `https://example.org/archive/`")
        })?;
        self.base_url = base_url.to_string();
        self.origin = origin;
        self.base_path = base_path;
        Ok(())
    }

    /// The href of a site path (`/2025/x/` → `/base/2025/x/`, percent-encoded).
    pub fn href(&self, site_path: &str) -> String {
        let joined = format!("{}{}", self.base_path, site_path.trim_start_matches('/'));
        crate::arabic::slug::encode_path(&joined)
    }

    /// The absolute URL of a site path when the base is absolute, the href otherwise.
    pub fn permalink(&self, site_path: &str) -> String {
        match &self.origin {
            Some(origin) => format!("{origin}{}", self.href(site_path)),
            None => self.href(site_path),
        }
    }
}

/// `https://example.org/a/` → (Some("https://example.org"), "/a/"); `/a` → (None, "/a/").
fn split_base_url(base_url: &str) -> Option<(Option<String>, String)> {
    let with_slash = |p: &str| {
        let p = if p.starts_with('/') {
            p.to_string()
        } else {
            format!("/{p}")
        };
        if p.ends_with('/') {
            p
        } else {
            format!("{p}/")
        }
    };
    if let Some(rest) = base_url
        .strip_prefix("https://")
        .or_else(|| base_url.strip_prefix("http://"))
    {
        let scheme_len = base_url.len() - rest.len();
        let host_end = rest.find('/').unwrap_or(rest.len());
        if host_end == 0 || rest.contains(char::is_whitespace) {
            return None;
        }
        let origin = base_url[..scheme_len + host_end].to_string();
        return Some((Some(origin), with_slash(&rest[host_end..])));
    }
    if base_url.starts_with('/')
        && !base_url.starts_with("//")
        && !base_url.contains(char::is_whitespace)
    {
        return Some((None, with_slash(base_url)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_into_origin_and_path() {
        assert_eq!(split_base_url("/"), Some((None, "/".into())));
        assert_eq!(split_base_url("/archive"), Some((None, "/archive/".into())));
        assert_eq!(
            split_base_url("https://example.org"),
            Some((Some("https://example.org".into()), "/".into()))
        );
        assert_eq!(
            split_base_url("https://example.org/a/"),
            Some((Some("https://example.org".into()), "/a/".into()))
        );
        assert_eq!(split_base_url("example.org"), None);
        assert_eq!(split_base_url("javascript:alert(1)"), None);
    }

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
}
