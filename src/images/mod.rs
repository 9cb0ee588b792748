//! Images: covers and body images of articles.
//!
//! An image is found beside its article (`content/2025/x.md` writes `cover.jpg`: first
//! `content/2025/x/cover.jpg`, the folder named like the article, then `content/2025/cover.jpg`)
//! or, written with a leading `/`, in `static/` (`/images/map.png` → `static/images/map.png`).
//! While articles load, every image is read once (the [`Registry`] shares it between articles):
//! its bytes are hashed (xxh3) and its header gives the real width and height (EXIF orientation
//! applied). Raster images (JPEG, PNG, WebP) get responsive variants, never wider than the
//! original: WebP and the original format at each of [`WIDTHS`]; GIF (maybe animated) and SVG are
//! published as they are. Variants are named by the content hash
//! (`/images/<name>-<hash>-<width>.<ext>`) and encoded into `.warraq-cache/images/` once:
//! an unchanged image is never decoded again ([`produce`]).

mod encode;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;

pub use encode::{cache_dir, produce, Produced};

use crate::arabic::bidi::escape_html;
use crate::arabic::slug::slugify;
use crate::content::raw_html::HtmlPolicy;

/// Widths of the responsive variants (the 1200 one is the one shared links show).
pub const WIDTHS: [u32; 4] = [480, 960, 1200, 1600];
/// The width of the variant used for `og:image` and structured data.
pub const SHARE_WIDTH: u32 = 1200;
/// `sizes` of an image as wide as the text column (`--measure` in the default CSS) or the
/// screen: covers and body images.
pub const COLUMN_SIZES: &str = "(min-width: 46rem) 42rem, calc(100vw - 2rem)";
/// The largest side a WebP file can have.
const WEBP_MAX: u32 = 16383;
/// The output folder of every published image.
pub const FOLDER: &str = "images";

/// What kind of file an image is, and so what is published for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    /// Published as it is (animation kept).
    Gif,
    /// Published as it is; its size is the one its header declares, when it does.
    Svg,
}

impl Kind {
    fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "jpg" | "jpeg" => Kind::Jpeg,
            "png" => Kind::Png,
            "webp" => Kind::Webp,
            "gif" => Kind::Gif,
            "svg" => Kind::Svg,
            _ => return None,
        })
    }

    /// The extension of its published files in its own format.
    pub fn ext(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Gif => "gif",
            Kind::Svg => "svg",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Gif => "image/gif",
            Kind::Svg => "image/svg+xml",
        }
    }

    /// Whether warraq makes resized variants of it.
    pub fn is_resized(self) -> bool {
        matches!(self, Kind::Jpeg | Kind::Png | Kind::Webp)
    }
}

/// One image file used by the site.
#[derive(Debug)]
pub struct ImageInfo {
    /// The file on disk.
    pub source: PathBuf,
    /// The file as shown in messages (`content/2025/x/cover.jpg`).
    pub shown: String,
    pub kind: Kind,
    /// xxh3 of the file's bytes.
    pub hash: u64,
    /// Size as displayed (EXIF orientation applied); 0 when an SVG does not say.
    pub width: u32,
    pub height: u32,
    /// Whether the stored pixels must be turned (EXIF orientation other than "up").
    pub orientation: u8,
    /// Output name without width and extension: `cover-1a2b3c4d5e6f7a8b`.
    pub stem: String,
}

/// One published file of an image.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Output path, forward slashes: `images/cover-…-480.webp`.
    pub file: String,
    pub width: u32,
    pub height: u32,
    pub mime: &'static str,
}

impl ImageInfo {
    /// The widths it is published at: every [`WIDTHS`] entry below its own width (never
    /// upscaled), plus its own width when that is below the largest (so no detail is lost).
    pub fn widths(&self) -> Vec<u32> {
        let largest = WIDTHS[WIDTHS.len() - 1];
        let mut w: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < self.width).collect();
        w.push(self.width.clamp(1, largest));
        w.dedup();
        w
    }

    fn height_at(&self, width: u32) -> u32 {
        if self.width == 0 {
            return self.height;
        }
        let h = (u64::from(self.height) * u64::from(width) + u64::from(self.width) / 2)
            / u64::from(self.width);
        u32::try_from(h).unwrap_or(u32::MAX).max(1)
    }

    /// Every published file: per width, WebP then the original format (WebP originals once);
    /// a GIF or SVG as it is.
    pub fn variants(&self) -> Vec<Variant> {
        if !self.kind.is_resized() {
            return vec![Variant {
                file: format!("{FOLDER}/{}.{}", self.stem, self.kind.ext()),
                width: self.width,
                height: self.height,
                mime: self.kind.mime(),
            }];
        }
        let mut out = Vec::new();
        for w in self.widths() {
            let h = self.height_at(w);
            // WebP cannot be taller than 16383 px (a very long infographic): no WebP then.
            if h <= WEBP_MAX || self.kind == Kind::Webp {
                out.push(Variant {
                    file: format!("{FOLDER}/{}-{w}.webp", self.stem),
                    width: w,
                    height: h,
                    mime: "image/webp",
                });
            }
            if self.kind != Kind::Webp {
                out.push(Variant {
                    file: format!("{FOLDER}/{}-{w}.{}", self.stem, self.kind.ext()),
                    width: w,
                    height: h,
                    mime: self.kind.mime(),
                });
            }
        }
        out
    }

    /// The variant in the original format closest to `width` from below (the largest when
    /// all are narrower): what `<img src>`, `og:image` and feeds use.
    pub fn fallback(&self, width: u32) -> Variant {
        let all = self.variants();
        let own: Vec<&Variant> = all.iter().filter(|v| v.mime == self.kind.mime()).collect();
        own.iter()
            .rev()
            .find(|v| v.width <= width)
            .or_else(|| own.first())
            .map(|v| (*v).clone())
            .unwrap_or_else(|| all[0].clone())
    }
}

/// Whether a file is of a kind warraq publishes as an image (by its extension).
pub fn is_image_path(path: &Path) -> bool {
    Kind::of(path).is_some()
}

/// How a picture is placed: the cover loads at once, everything else lazily.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loading {
    Eager,
    Lazy,
}

/// The `<picture>` of an image: a WebP `<source>` and an `<img>` in the original format with
/// `srcset`, `sizes`, the real `width`/`height` (the browser reserves the space) and `alt`.
/// `href` turns an output path into the href the page uses.
pub fn picture_html(
    info: &ImageInfo,
    alt: &str,
    title: Option<&str>,
    sizes: &str,
    loading: Loading,
    href: &dyn Fn(&str) -> String,
) -> String {
    let variants = info.variants();
    let srcset = |mime: &str| {
        variants
            .iter()
            .filter(|v| v.mime == mime)
            .map(|v| format!("{} {}w", href(&format!("/{}", v.file)), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fallback = info.fallback(960);
    let mut html = String::from("<picture>");
    let webp = srcset("image/webp");
    if info.kind.is_resized() && info.kind != Kind::Webp && !webp.is_empty() {
        html.push_str(&format!(
            "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{}\">",
            escape_html(&webp),
            escape_html(sizes)
        ));
    }
    html.push_str(&format!(
        "<img src=\"{}\"",
        escape_html(&href(&format!("/{}", fallback.file)))
    ));
    if info.kind.is_resized() {
        html.push_str(&format!(
            " srcset=\"{}\" sizes=\"{}\"",
            escape_html(&srcset(info.kind.mime())),
            escape_html(sizes)
        ));
    }
    if info.width > 0 && info.height > 0 {
        html.push_str(&format!(
            " width=\"{}\" height=\"{}\"",
            info.width, info.height
        ));
    }
    html.push_str(&format!(" alt=\"{}\"", escape_html(alt)));
    if let Some(t) = title.filter(|t| !t.is_empty()) {
        html.push_str(&format!(" title=\"{}\"", escape_html(t)));
    }
    match loading {
        Loading::Lazy => html.push_str(" loading=\"lazy\" decoding=\"async\""),
        Loading::Eager => html.push_str(" fetchpriority=\"high\""),
    }
    html.push_str("></picture>");
    html
}

/// A problem with an image reference: message and hint.
pub type Problem = (String, Option<String>);

/// Every image the site uses, each read once however many articles use it.
pub struct Registry {
    content: PathBuf,
    static_dir: PathBuf,
    root: PathBuf,
    /// The site's raw-HTML policy, which an SVG's markup meets like a body's.
    policy: HtmlPolicy,
    seen: Mutex<HashMap<PathBuf, Result<Arc<ImageInfo>, Problem>>>,
}

impl Registry {
    pub fn new(root: &Path, policy: &HtmlPolicy) -> Registry {
        Registry {
            content: root.join("content"),
            static_dir: root.join("static"),
            root: root.to_path_buf(),
            policy: policy.clone(),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Resolves an image written in the article whose id is `article_id` (`2025/x`). `Ok(None)`
    /// for an image elsewhere on the web (an http(s) URL), published as written.
    pub fn resolve(&self, article_id: &str, src: &str) -> Result<Option<Arc<ImageInfo>>, Problem> {
        let parts = crate::url::split(src);
        match crate::url::classify(src) {
            crate::url::LinkKind::External => {
                let lower = src.to_ascii_lowercase();
                if lower.starts_with("https://") || lower.starts_with("http://") {
                    return Ok(None);
                }
                return Err((
                    format!("image `{src}` is not a file of the site nor an http(s) URL"),
                    Some(HINT.into()),
                ));
            }
            crate::url::LinkKind::Unsafe(scheme) => {
                return Err((
                    format!("image `{src}` uses the `{scheme}:` scheme, which is not allowed"),
                    Some(HINT.into()),
                ))
            }
            crate::url::LinkKind::Relative => {}
        }
        let written = crate::url::decode(parts.path);
        if written.is_empty() {
            return Err(("an image has no source".into(), Some(HINT.into())));
        }
        let candidates: Vec<PathBuf> = if let Some(rest) = written.strip_prefix('/') {
            vec![within(&self.static_dir, Path::new(""), rest)]
                .into_iter()
                .flatten()
                .collect()
        } else {
            let (folder, stem) = match article_id.rsplit_once('/') {
                Some((f, s)) => (f, s),
                None => ("", article_id),
            };
            [
                within(&self.content, &Path::new(folder).join(stem), &written),
                within(&self.content, Path::new(folder), &written),
            ]
            .into_iter()
            .flatten()
            .collect()
        };
        if candidates.is_empty() {
            return Err((
                format!("image `{src}` points outside the site's folders"),
                Some(HINT.into()),
            ));
        }
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            let looked: Vec<String> = candidates.iter().map(|p| self.shown(p)).collect();
            return Err((
                format!(
                    "image `{src}` does not exist (looked for {})",
                    looked.join(" and ")
                ),
                Some(HINT.into()),
            ));
        };
        if Kind::of(path).is_none() {
            return Err((
                format!("`{src}` is not an image warraq publishes"),
                Some("use a JPEG, PNG, WebP, GIF or SVG file".into()),
            ));
        }
        let shared = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            .cloned();
        let result = match shared {
            Some(r) => r,
            None => {
                let r = self.read(path).map(Arc::new);
                self.seen
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(path.clone(), r.clone());
                r
            }
        };
        result.map(Some)
    }

    fn shown(&self, path: &Path) -> String {
        crate::diagnostics::display_path(path.strip_prefix(&self.root).unwrap_or(path))
    }

    /// Reads one image's bytes and header.
    fn read(&self, path: &Path) -> Result<ImageInfo, Problem> {
        const REPLACE: &str =
            "replace the file with a JPEG, PNG, WebP, GIF or SVG image that opens";
        let unreadable = |why: String| (why, Some(REPLACE.to_string()));
        let shown = self.shown(path);
        let kind =
            Kind::of(path).ok_or_else(|| unreadable(format!("`{shown}` is not an image")))?;
        let bytes =
            std::fs::read(path).map_err(|e| unreadable(format!("cannot read `{shown}`: {e}")))?;
        let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
        let (width, height, orientation) = match kind {
            Kind::Svg => {
                if !self.policy.trusted {
                    svg_runs_nothing(&shown, &bytes, &self.policy)?;
                }
                svg_size(&bytes)
                    .map(|(w, h)| (w, h, 1))
                    .unwrap_or((0, 0, 1))
            }
            _ => encode::header(&bytes, kind)
                .map_err(|e| unreadable(format!("`{shown}` is not a readable image: {e}")))?,
        };
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(slugify)
            .unwrap_or_default();
        let name: String = name.chars().take(40).collect();
        let stem = if name.is_empty() {
            format!("{hash:016x}")
        } else {
            format!("{name}-{hash:016x}")
        };
        Ok(ImageInfo {
            source: path.to_path_buf(),
            shown,
            kind,
            hash,
            width,
            height,
            orientation,
            stem,
        })
    }
}

const HINT: &str = "put the image beside the article (`content/2025/x/cover.jpg` or `content/2025/cover.jpg` for `content/2025/x.md`) and write its name, or in `static/` and write `/images/cover.jpg`";

/// `base/folder/written` when it stays inside `base` (no `..` above it, no absolute path).
fn within(base: &Path, folder: &Path, written: &str) -> Option<PathBuf> {
    let mut parts: Vec<std::ffi::OsString> = folder
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => Some(p.to_os_string()),
            _ => None,
        })
        .collect();
    for c in Path::new(written).components() {
        match c {
            Component::Normal(p) => parts.push(p.to_os_string()),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if written.contains('\\') {
        return None;
    }
    let mut path = base.to_path_buf();
    path.extend(parts);
    Some(path)
}

/// An SVG is a document: `<img>` never runs its script, but a reader who opens the image's own
/// address does, on the site's origin, where it can read and change every page. So an SVG meets
/// the raw-HTML policy a body meets (no script, event handlers, `javascript:` links, frames
/// from unlisted hosts), with namespace prefixes (`svg:script`, `x:href`) seen through, and
/// declares no XML entities (`<!ENTITY x "javascript:…">` would hide a link from the check).
fn svg_runs_nothing(shown: &str, bytes: &[u8], policy: &HtmlPolicy) -> Result<(), Problem> {
    const HINT: &str = "remove the script (`<script>`, `on…=` attributes, `javascript:` links) from the SVG or export it again as a plain drawing, or publish a PNG instead; `raw_html: trusted` in site.yaml allows it only if every author is trusted";
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err((
            format!("`{shown}` is not a readable SVG: it is not UTF-8 text"),
            Some("export it again as SVG (UTF-8), or publish a PNG instead".into()),
        ));
    };
    let at = |offset: usize| crate::diagnostics::line_column(text, offset).0;
    let lower = text.to_ascii_lowercase();
    // An entity can hide a link from the check below; an XSLT stylesheet turns the document
    // into another one, script and all.
    for (needle, what) in [
        ("<!entity", "declares an XML entity (line {}), which could hide script from this check"),
        ("<?xml-stylesheet", "asks for a stylesheet (`<?xml-stylesheet`, line {}), which can turn it into a page that runs script"),
    ] {
        if let Some(offset) = lower.find(needle) {
            let what = what.replace("{}", &at(offset).to_string());
            return Err((format!("`{shown}` {what}"), Some(HINT.into())));
        }
    }
    if let Some(p) = crate::content::raw_html::problems(text, policy)
        .into_iter()
        .next()
    {
        return Err((
            format!(
                "`{shown}` would run script when a reader opens it on its own (line {}): {}",
                at(p.offset),
                p.message
            ),
            Some(HINT.into()),
        ));
    }
    Ok(())
}

/// The `width` and `height` an SVG's root element declares in pixels (or its `viewBox`).
fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[i..i + tag[i..].find('"')?])
    };
    let px = |v: &str| -> Option<u32> {
        let v = v.trim().trim_end_matches("px");
        let n: f64 = v.parse().ok()?;
        (n > 0.0 && n < 100_000.0).then(|| n.round() as u32)
    };
    if let (Some(w), Some(h)) = (attr("width").and_then(px), attr("height").and_then(px)) {
        return Some((w, h));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    (vb.len() == 4 && vb[2] > 0.0 && vb[3] > 0.0 && vb[2] < 100_000.0 && vb[3] < 100_000.0)
        .then(|| (vb[2].round() as u32, vb[3].round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(width: u32, height: u32, kind: Kind) -> ImageInfo {
        ImageInfo {
            source: PathBuf::new(),
            shown: String::new(),
            kind,
            hash: 1,
            width,
            height,
            orientation: 1,
            stem: "x-1".into(),
        }
    }

    #[test]
    fn variants_are_never_upscaled() {
        assert_eq!(
            info(2000, 1000, Kind::Jpeg).widths(),
            [480, 960, 1200, 1600]
        );
        assert_eq!(info(1600, 900, Kind::Jpeg).widths(), [480, 960, 1200, 1600]);
        assert_eq!(info(1000, 500, Kind::Jpeg).widths(), [480, 960, 1000]);
        assert_eq!(info(960, 500, Kind::Jpeg).widths(), [480, 960]);
        assert_eq!(info(300, 200, Kind::Png).widths(), [300]);
        let v = info(960, 640, Kind::Jpeg).variants();
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].file, "images/x-1-480.webp");
        assert_eq!(v[1].file, "images/x-1-480.jpg");
        assert_eq!((v[0].width, v[0].height), (480, 320));
        assert_eq!((v[3].width, v[3].height), (960, 640));
        assert_eq!(info(960, 667, Kind::Webp).variants().len(), 2);
        assert_eq!(
            info(2000, 1000, Kind::Jpeg).fallback(SHARE_WIDTH).width,
            1200
        );
        assert_eq!(
            info(1000, 500, Kind::Jpeg).fallback(SHARE_WIDTH).width,
            1000
        );
        assert_eq!(info(300, 200, Kind::Png).fallback(SHARE_WIDTH).width, 300);
        assert_eq!(
            info(300, 200, Kind::Gif).variants()[0].file,
            "images/x-1.gif"
        );
    }

    #[test]
    fn paths_cannot_leave_their_folder() {
        let base = Path::new("/site/content");
        assert_eq!(
            within(base, Path::new("2025"), "a.jpg"),
            Some(PathBuf::from("/site/content/2025/a.jpg"))
        );
        assert_eq!(
            within(base, Path::new("2025"), "../2024/a.jpg"),
            Some(PathBuf::from("/site/content/2024/a.jpg"))
        );
        assert_eq!(within(base, Path::new("2025"), "../../a.jpg"), None);
        assert_eq!(within(base, Path::new(""), "../etc/passwd"), None);
        assert_eq!(within(base, Path::new("2025"), "..\\..\\a.jpg"), None);
    }

    #[test]
    fn pictures_carry_size_alt_and_loading() {
        let i = info(2000, 1000, Kind::Jpeg);
        let href = |p: &str| p.to_string();
        let html = picture_html(&i, "خريطة \"البادية\"", None, "100vw", Loading::Lazy, &href);
        assert!(
            html.starts_with(
                "<picture><source type=\"image/webp\" srcset=\"/images/x-1-480.webp 480w, "
            ),
            "{html}"
        );
        assert!(html.contains("<img src=\"/images/x-1-960.jpg\" srcset=\"/images/x-1-480.jpg 480w, /images/x-1-960.jpg 960w, /images/x-1-1200.jpg 1200w, /images/x-1-1600.jpg 1600w\""), "{html}");
        assert!(html.contains(" width=\"2000\" height=\"1000\" alt=\"خريطة &quot;البادية&quot;\" loading=\"lazy\" decoding=\"async\"></picture>"), "{html}");
        let cover = picture_html(&i, "", None, "100vw", Loading::Eager, &href);
        assert!(
            cover.contains("alt=\"\" fetchpriority=\"high\">"),
            "{cover}"
        );
        assert!(!cover.contains("loading="), "{cover}");
    }

    #[test]
    fn svg_sizes_come_from_attributes_or_the_view_box() {
        assert_eq!(
            svg_size(br#"<svg xmlns="x" width="120" height="80px">"#),
            Some((120, 80))
        );
        assert_eq!(
            svg_size(br#"<?xml?><svg viewBox="0 0 300 150">"#),
            Some((300, 150))
        );
        assert_eq!(svg_size(br#"<svg width="100%">"#), None);
    }
}
