//! Decoding, resizing and encoding of image variants, through well-kept crates: `image` reads
//! headers and decodes JPEG, PNG and WebP (EXIF orientation included); `fast_image_resize`
//! resizes (SIMD Lanczos3, an order of magnitude faster than `image`'s own resize); `image`
//! encodes JPEG and PNG; `webp` (libwebp) encodes lossy WebP, which `image` cannot.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fast_image_resize::{self as fr, images::Image as FrImage, IntoImageView};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use rayon::prelude::*;

use super::{ImageInfo, Kind};
use crate::diagnostics::Diagnostic;
use crate::diagnostics::Failure;
use crate::render::Sink;

/// The largest image warraq decodes, in pixels (a 100 MP photograph); larger is a mistake or a
/// decompression bomb.
const MAX_PIXELS: u64 = 100_000_000;
const JPEG_QUALITY: u8 = 80;
const WEBP_QUALITY: f32 = 78.0;
/// libwebp's effort (0–6; its default is 4): 2 encodes in about half the time for files a few
/// per cent larger (measured on the bench covers, README "Images").
const WEBP_METHOD: i32 = 2;

fn format(kind: Kind) -> Option<ImageFormat> {
    match kind {
        Kind::Jpeg => Some(ImageFormat::Jpeg),
        Kind::Png => Some(ImageFormat::Png),
        Kind::Webp => Some(ImageFormat::WebP),
        Kind::Gif => Some(ImageFormat::Gif),
        Kind::Svg => None,
    }
}

fn decoder(bytes: &[u8], kind: Kind) -> Result<impl ImageDecoder + '_, String> {
    let format = format(kind).ok_or("not a raster image")?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(2 * 1024 * 1024 * 1024);
    reader.limits(limits);
    let guessed = image::guess_format(bytes).map_err(|e| e.to_string())?;
    if guessed != format {
        return Err(format!(
            "its content is {guessed:?}, not what its extension says"
        ));
    }
    reader.into_decoder().map_err(|e| e.to_string())
}

/// Width and height as displayed, and the EXIF orientation, from the header only.
pub fn header(bytes: &[u8], kind: Kind) -> Result<(u32, u32, u8), String> {
    let mut decoder = decoder(bytes, kind)?;
    let (w, h) = decoder.dimensions();
    if w == 0 || h == 0 {
        return Err("it has no pixels".into());
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(format!(
            "it is {w}×{h} pixels; warraq reads images up to 100 megapixels"
        ));
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let turned = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (w, h) = if turned { (h, w) } else { (w, h) };
    Ok((w, h, orientation.to_exif()))
}

/// What [`produce`] did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Produced {
    /// Variants encoded by this build.
    pub encoded: usize,
    /// Variants found in the cache.
    pub reused: usize,
}

/// Where the variants of a site are cached.
pub fn cache_dir(root: &Path) -> PathBuf {
    root.join(".warraq-cache").join("images")
}

/// Encodes every variant missing from the cache (each image decoded at most once, images in
/// parallel), then hands every published file to the sink. An image that cannot be decoded is
/// an error naming its file.
pub fn produce(
    images: &[Arc<ImageInfo>],
    root: &Path,
    sink: &dyn Sink,
) -> Result<Produced, Failure> {
    if images.is_empty() {
        return Ok(Produced::default());
    }
    let cache = cache_dir(root);
    std::fs::create_dir_all(&cache).map_err(|e| {
        Failure::Usage(
            Diagnostic::new(
                None,
                format!("cannot create the image cache `{}`: {e}", cache.display()),
            )
            .with_hint(
                "warraq keeps encoded images in that folder: make the site folder writable, and move away any file named .warraq-cache or .warraq-cache/images",
            ),
        )
    })?;
    let results: Vec<Result<(usize, usize), Failure>> = images
        .par_iter()
        .map(|info| one(info, &cache, sink))
        .collect();
    let mut produced = Produced::default();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok((encoded, reused)) => {
                produced.encoded += encoded;
                produced.reused += reused;
            }
            Err(Failure::Site(d)) => problems.extend(d),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() {
        Ok(produced)
    } else {
        Err(Failure::Site(problems))
    }
}

fn one(info: &ImageInfo, cache: &Path, sink: &dyn Sink) -> Result<(usize, usize), Failure> {
    let variants = info.variants();
    if !info.kind.is_resized() {
        sink.copy(&variants[0].file, &info.source)?;
        return Ok((0, 0));
    }
    let cached = |file: &str| cache.join(file.trim_start_matches("images/"));
    let missing: Vec<_> = variants
        .iter()
        .filter(|v| !cached(&v.file).is_file())
        .collect();
    let encoded = missing.len();
    if !missing.is_empty() {
        let bad = |why: String| {
            Failure::Site(vec![Diagnostic::new(
                Some(Path::new(&info.shown)),
                format!("this image cannot be decoded: {why}"),
            )
            .with_hint(
                "open it in an image editor and save it again as JPEG, PNG or WebP",
            )])
        };
        let bytes = std::fs::read(&info.source).map_err(|e| bad(e.to_string()))?;
        let image = decode(&bytes, info).map_err(bad)?;
        let mut resizer = fr::Resizer::new();
        for v in missing {
            let pixels = resize(&mut resizer, &image, v.width, v.height).map_err(bad)?;
            let data = encode(&pixels, v.width, v.height, v.mime, info.kind).map_err(bad)?;
            store(&cached(&v.file), &data)?;
        }
    }
    for v in &variants {
        sink.copy(&v.file, &cached(&v.file))?;
    }
    Ok((encoded, variants.len() - encoded))
}

/// Decoded pixels, turned upright, as 8-bit RGB or RGBA.
fn decode(bytes: &[u8], info: &ImageInfo) -> Result<DynamicImage, String> {
    let decoder = decoder(bytes, info.kind)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    if let Some(o) = Orientation::from_exif(info.orientation) {
        image.apply_orientation(o);
    }
    Ok(if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    })
}

struct Pixels {
    bytes: Vec<u8>,
    alpha: bool,
}

fn resize(
    resizer: &mut fr::Resizer,
    image: &DynamicImage,
    width: u32,
    height: u32,
) -> Result<Pixels, String> {
    let alpha = image.color().has_alpha();
    if image.width() == width && image.height() == height {
        return Ok(Pixels {
            bytes: image.as_bytes().to_vec(),
            alpha,
        });
    }
    let pixel_type = image.pixel_type().ok_or("unsupported pixel layout")?;
    let mut dst = FrImage::new(width, height, pixel_type);
    let options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    resizer
        .resize(image, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(Pixels {
        bytes: dst.into_vec(),
        alpha,
    })
}

fn encode(p: &Pixels, width: u32, height: u32, mime: &str, kind: Kind) -> Result<Vec<u8>, String> {
    let color = if p.alpha {
        image::ExtendedColorType::Rgba8
    } else {
        image::ExtendedColorType::Rgb8
    };
    let mut out = Vec::new();
    match mime {
        "image/webp" => {
            let encoder = if p.alpha {
                webp::Encoder::from_rgba(&p.bytes, width, height)
            } else {
                webp::Encoder::from_rgb(&p.bytes, width, height)
            };
            // Drawings and charts (PNG) stay sharp losslessly; photographs are lossy.
            let mut config = webp::WebPConfig::new().map_err(|()| "libwebp unavailable")?;
            if kind == Kind::Png {
                config.lossless = 1;
                config.alpha_compression = 0;
            } else {
                config.quality = WEBP_QUALITY;
                config.alpha_compression = 1;
            }
            config.method = WEBP_METHOD;
            let data = encoder
                .encode_advanced(&config)
                .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            out.extend_from_slice(&data);
        }
        "image/jpeg" => {
            let rgb;
            let (bytes, color) = if p.alpha {
                rgb = strip_alpha(&p.bytes);
                (&rgb[..], image::ExtendedColorType::Rgb8)
            } else {
                (&p.bytes[..], color)
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .write_image(bytes, width, height, color)
                .map_err(|e| e.to_string())?;
        }
        "image/png" => {
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(&p.bytes, width, height, color)
            .map_err(|e| e.to_string())?;
        }
        other => return Err(format!("no encoder for {other}")),
    }
    Ok(out)
}

fn strip_alpha(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect()
}

/// Writes a cache file whole or not at all (a temporary name, then a rename).
fn store(path: &Path, data: &[u8]) -> Result<(), Failure> {
    let temp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temp, data)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            Failure::Usage(
                Diagnostic::new(
                    None,
                    format!("cannot write the image cache `{}`: {e}", path.display()),
                )
                .with_hint("check the disk and the permissions of .warraq-cache/"),
            )
        })
}
