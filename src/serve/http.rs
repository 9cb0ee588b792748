//! The dev server's HTTP side, on hyper (HTTP/1.1) and tokio: bounded request lines, headers
//! and connections, a timeout for clients that never finish their headers, request bodies never
//! read (so a declared length costs nothing), and for each request: safe path resolution
//! (nothing outside the site can be named), GET and HEAD only (405 otherwise), content types,
//! the site's 404 page, the reload script and error overlay injected into HTML, and the
//! server-sent event stream that tells pages to reload.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{header, Method, Request, Response, StatusCode};
use percent_encoding::percent_decode_str;

use super::Shared;
use crate::arabic::bidi::escape_html;
use crate::diagnostics::Diagnostic;

/// Injected into every served HTML page (never into `build` output). The tab knows which
/// page it shows and the generation it was served at; the server tells it to reload only when
/// that page changed since (at once, if it changed while the tab was loading). Before reloading
/// it keeps the reader's scroll position, and restores it after.
fn reload_script(page: &str, generation: u64) -> String {
    let events = crate::routes::Route::ServeEvents.path();
    let page = serde_json::to_string(page).unwrap_or_else(|_| "\"\"".into());
    format!(
        "<script>(function(){{var k=\"warraq-scroll:\"+location.pathname;var y=sessionStorage.getItem(k);\
if(y!==null){{sessionStorage.removeItem(k);addEventListener(\"load\",function(){{scrollTo(0,+y);}});}}\
var es=new EventSource(\"{events}?since={generation}&page=\"+encodeURIComponent({page}));\
es.onmessage=function(){{es.close();sessionStorage.setItem(k,String(scrollY));location.reload();}};}})();</script>"
    )
}

/// A request path → the key of a file in the site, or `None` when the path tries to leave the
/// site (`..` or `.` segments, backslashes, NUL, invalid UTF-8) — decoded first, so `%2e%2e`
/// is caught too. The flag says whether a folder was asked for.
pub fn site_key(raw_path: &str) -> Option<(String, bool)> {
    let decoded = percent_decode_str(raw_path).decode_utf8().ok()?;
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return None;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return None,
            s if s.contains(':') && parts.is_empty() => return None, // C:, file: …
            s => parts.push(s),
        }
    }
    let folder = decoded.ends_with('/') || parts.is_empty();
    Some((parts.join("/"), folder))
}

fn content_type(key: &str) -> &'static str {
    match key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") if key.ends_with("feed.xml") => "application/atom+xml; charset=utf-8",
        Some("xml") => "application/xml; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// The overlay listing the site's errors, as HTML. Each problem shows its headline, the source
/// lines around it with the offending text marked in the text itself (a caret under a
/// reordered Arabic line would point at nothing), and the hint. Each line takes its own
/// direction from its text.
pub fn overlay(errors: &[Diagnostic]) -> String {
    let mut body = String::new();
    for d in errors {
        body.push_str("<section style=\"margin-block-end:1.5rem\">");
        body.push_str(&format!(
            "<p style=\"margin:0 0 .5rem;font-weight:bold\">× {}</p>",
            escape_html(&d.headline())
        ));
        if let Some(lines) = crate::diagnostics::snippet(d) {
            body.push_str("<div style=\"background:#1b0606;padding:.5rem;border-radius:4px\">");
            for crate::diagnostics::SnippetLine { number, text, mark } in lines {
                let line = match mark {
                    Some(range) => {
                        let chars: Vec<char> = text.chars().collect();
                        let part = |r: std::ops::Range<usize>| -> String {
                            escape_html(&chars[r].iter().collect::<String>())
                        };
                        format!(
                            "{}<mark style=\"background:#ffd54f;color:#000;outline:2px solid #ffd54f\">{}</mark>{}",
                            part(0..range.start),
                            part(range.clone()),
                            part(range.end..chars.len())
                        )
                    }
                    None => escape_html(&text),
                };
                body.push_str(&format!(
                    "<div style=\"display:flex;gap:1rem\"><span style=\"opacity:.6;min-inline-size:3ch;text-align:end\">{number}</span><bdi dir=\"auto\" style=\"white-space:pre-wrap\">{line}</bdi></div>"
                ));
            }
            body.push_str("</div>");
        }
        if let Some(hint) = &d.hint {
            body.push_str(&format!(
                "<p style=\"margin:.5rem 0 0\">help: {}</p>",
                escape_html(hint)
            ));
        }
        body.push_str("</section>");
    }
    format!(
        "<div id=\"warraq-errors\" dir=\"ltr\" lang=\"en\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;\
background:#2b0b0b;color:#fff;padding:1.5rem;font:14px/1.6 ui-monospace,monospace;text-align:left\">\
<p style=\"font-size:16px;font-weight:bold;margin-block-start:0\">warraq: the site has {} problem(s); fix them and this page reloads by itself</p>{body}</div>",
        errors.len()
    )
}

/// Adds the reload script (and the overlay, when there are errors) before `</body>`.
fn inject(html: &[u8], errors: Option<&[Diagnostic]>, page: &str, generation: u64) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let extra = format!(
        "{}{}",
        errors.map(overlay).unwrap_or_default(),
        reload_script(page, generation)
    );
    let out = match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]),
        None => format!("{text}{extra}"),
    };
    out.into_bytes()
}

/// The body of every response.
pub type Body = BoxBody<Bytes, Infallible>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(full(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Answers one request (the body, if any, is never read).
pub async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Body>, Infallible> {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Only GET and HEAD are served.\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        return Ok(response);
    }
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let parts = crate::url::split(&target);
    if parts.path == crate::routes::Route::ServeEvents.path() {
        return Ok(stream_events(parts.query.unwrap_or(""), &shared));
    }
    Ok(respond(parts.path, &shared))
}

/// The response for a path of the site.
fn respond(path: &str, shared: &Shared) -> Response<Body> {
    let (found, errors, generation) = {
        let Ok(live) = shared.live.read() else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n");
        };
        (lookup(&live, path), live.errors.clone(), live.generation)
    };
    let (status, key, bytes) = match found {
        Found::File { status, key, bytes } => (status, key, bytes),
        Found::Folder(location) => {
            let mut response = Response::new(full(""));
            *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(value) = header::HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            return response;
        }
    };
    let is_html = key.ends_with(".html");
    let body = match bytes {
        Some(b) if is_html => inject(&b, errors.as_deref(), &key, generation),
        Some(b) => b.to_vec(),
        // No page (the first build failed, or no 404.html): a bare page that can show the overlay.
        None => inject(b"<!doctype html><html><head><meta charset=\"utf-8\"><title>warraq</title></head><body><p>Not found.</p></body></html>", errors.as_deref(), &key, generation),
    };
    let content_type = if is_html || body.starts_with(b"<!doctype") {
        "text/html; charset=utf-8"
    } else {
        content_type(&key)
    };
    let mut response = Response::new(full(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// What a request path names in the served site.
enum Found {
    /// A file (or the 404 page, with status 404; `bytes` is `None` when there is none).
    File {
        status: u16,
        key: String,
        bytes: Option<std::sync::Arc<Vec<u8>>>,
    },
    /// A folder asked for without its trailing slash: where to send the browser.
    Folder(String),
}

fn lookup(live: &super::Live, raw: &str) -> Found {
    let not_found = || Found::File {
        status: 404,
        key: "404.html".to_string(),
        bytes: live.files.get("404.html").cloned(),
    };
    let Some((key, folder)) = site_key(raw) else {
        return not_found();
    };
    let index = crate::routes::file_of(&format!("/{key}/"));
    let file = if folder { &index } else { &key };
    if let Some(bytes) = live.files.get(file) {
        return Found::File {
            status: 200,
            key: file.clone(),
            bytes: Some(bytes.clone()),
        };
    }
    if !folder && live.files.contains_key(&index) {
        // Built from the normalised path, so never `//host/`.
        return Found::Folder(crate::arabic::slug::encode_path(&format!("/{key}/")));
    }
    not_found()
}

/// Server-sent events. With `page=<file>&since=<generation>` (what the injected script asks),
/// an event is sent only when that page changed after `since` (at once if it already has);
/// without them, every generation is announced, starting with the current one. Comments keep
/// the connection alive; the stream ends when the client goes away.
fn stream_events(query: &str, shared: &Shared) -> Response<Body> {
    let mut page = None;
    let mut since = None;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("page", v)) => page = Some(crate::url::decode(&v.replace('+', " "))),
            Some(("since", v)) => since = v.parse::<u64>().ok(),
            _ => {}
        }
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
    let first = {
        let Ok(live) = shared.live.read() else {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n");
        };
        let first = match (&page, since) {
            (Some(p), Some(s)) => live.changed_since(p, s).then_some(live.generation),
            _ => Some(live.generation),
        };
        // Registered while the state is locked, so no change can slip between the two.
        if let Ok(mut listeners) = shared.listeners.lock() {
            listeners.push(super::Listener {
                page: page.filter(|_| since.is_some()),
                tx,
            });
        }
        first
    };
    let (frames, body) = tokio::sync::mpsc::channel::<Result<Frame<Bytes>, Infallible>>(8);
    tokio::spawn(async move {
        let mut message = String::from("retry: 500\n\n");
        if let Some(g) = first {
            message.push_str(&format!("data: {g}\n\n"));
        }
        loop {
            if frames
                .send(Ok(Frame::data(Bytes::from(message))))
                .await
                .is_err()
            {
                return;
            }
            message = match tokio::time::timeout(Duration::from_secs(15), rx.recv()).await {
                Ok(Some(generation)) => format!("data: {generation}\n\n"),
                Ok(None) => return,
                Err(_) => ": keep-alive\n\n".to_string(),
            };
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(body);
    let mut response = Response::new(StreamBody::new(stream).boxed());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_site_are_refused() {
        for bad in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/a/%2E%2E/%2e%2E/x",
            "/..\\..\\x",
            "/a%5c..%5cb",
            "/./x",
            "/C:/Windows",
            "/%00",
            "/%ff",
        ] {
            assert_eq!(site_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn arabic_percent_encoded_paths_are_decoded() {
        assert_eq!(
            site_key("/tags/%D8%AF%D8%A7%D8%B9%D8%B4/"),
            Some(("tags/داعش".to_string(), true))
        );
        assert_eq!(site_key("/"), Some((String::new(), true)));
        assert_eq!(
            site_key("//style.css"),
            Some(("style.css".to_string(), false))
        );
    }

    #[test]
    fn the_overlay_marks_the_fault_in_the_text() {
        let source: std::sync::Arc<str> =
            std::sync::Arc::from("---\ntitle: \"عنوان <b>\" x\ndate: 2025-01-01\n---\n");
        let d = Diagnostic::at(std::path::Path::new("content/a.md"), &source, 2, 20, "bad")
            .with_hint("fix <it>");
        let html = overlay(&[d]);
        assert!(html.contains("× content/a.md:2:20: bad"), "{html}");
        assert!(
            html.contains("title: &quot;عنوان &lt;b&gt;&quot; <mark"),
            "{html}"
        );
        assert!(html.contains(">x</mark>"), "{html}");
        assert!(html.contains("help: fix &lt;it&gt;"), "{html}");
    }

    #[test]
    fn injection_goes_before_the_end_of_body() {
        let out = String::from_utf8(inject(
            b"<html><body><p>x</p></body></html>",
            None,
            "index.html",
            3,
        ))
        .unwrap();
        assert!(out.contains("<p>x</p><script>"), "{out}");
        assert!(out.ends_with("</script></body></html>"));
        assert!(
            out.contains("/__warraq/events?since=3&page=\"+encodeURIComponent(\"index.html\")"),
            "{out}"
        );
    }
}
