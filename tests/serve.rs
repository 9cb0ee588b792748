//! `warraq serve` end to end, one behaviour per test: each starts the real server on an
//! ephemeral port over a copy of a fixture site.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

struct Server {
    child: Child,
    port: u16,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_warraq"))
        .args(["serve", "--port", "0", "--root"])
        .arg(dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start warraq serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                let port = rest
                    .trim_end_matches(|c: char| !c.is_ascii_digit())
                    .split('/')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                // keep draining stderr (so the server never blocks on a full pipe) into a log
                let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
                let sink = std::sync::Arc::clone(&log);
                std::thread::spawn(move || {
                    for line in rx {
                        sink.lock().unwrap().push(line);
                    }
                });
                return Server { child, port, log };
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

/// A raw HTTP/1.1 GET (so paths reach the server exactly as written). Returns status, headers, body.
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

/// An open event stream.
struct Events(BufReader<TcpStream>);

impl Events {
    /// Every generation (`query` empty), or a tab's view (`?page=…&since=…`).
    fn open(port: u16, query: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET /__warraq/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        Events(BufReader::new(stream))
    }

    /// The next generation announced.
    fn next(&mut self) -> u64 {
        loop {
            let mut line = String::new();
            assert!(
                self.0.read_line(&mut line).expect("event stream read") > 0,
                "stream closed"
            );
            if let Some(n) = line.strip_prefix("data: ") {
                return n.trim().parse().expect("generation");
            }
        }
    }

    /// Whether an event arrives within `wait`.
    fn arrives_within(&mut self, wait: Duration) -> bool {
        self.0.get_ref().set_read_timeout(Some(wait)).unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            match self.0.read_line(&mut line) {
                Ok(0) | Err(_) => return false,
                Ok(_) if line.starts_with("data: ") => return true,
                Ok(_) => {}
            }
        }
    }
}

fn log_has(server: &Server, prefix: &str) -> bool {
    server
        .log
        .lock()
        .unwrap()
        .iter()
        .any(|l| l.contains(prefix))
}

/// Waits (at most 10 s) until the server's log has a line containing `text`.
fn wait_for_log(server: &Server, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if log_has(server, text) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!(
        "the log never said {text:?}: {:?}",
        server.log.lock().unwrap()
    );
}

const SHARAA: &str = "content/2025/sharaa.md";

#[test]
fn arabic_paths_are_served_with_the_reload_script_and_nothing_is_written() {
    let dir = site("good_site");
    let server = start(dir.path());
    let (status, head, body) = get(
        server.port,
        "/tags/%D8%A3%D8%AD%D9%85%D8%AF-%D8%A7%D9%84%D8%B4%D8%B1%D8%B9/",
    );
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(body.contains("أحمد الشرع"));
    assert!(
        body.contains("/__warraq/events?since=")
            && body.contains("encodeURIComponent(\"tags/أحمد-الشرع/index.html\")"),
        "the script knows its page and generation"
    );
    assert!(!dir.path().join("public").exists(), "serve writes nothing");
}

#[test]
fn a_body_edit_updates_the_article_and_the_lists_showing_it_incrementally() {
    let dir = site("good_site");
    let server = start(dir.path());
    let mut events = Events::open(server.port, "");
    let first = events.next();
    let article = dir.path().join(SHARAA);
    let original = read(&article);
    std::fs::write(
        &article,
        original.replace("طلبت واشنطن", "طلبت واشنطن رسمياً"),
    )
    .unwrap();
    assert!(events.next() > first);
    for page in [
        "/2025/sharaa/",
        "/",
        "/tags/%D8%B3%D9%88%D8%B1%D9%8A%D8%A7/",
    ] {
        let (_, _, body) = get(server.port, page);
        assert!(body.contains("طلبت واشنطن رسمياً"), "{page} shows the edit");
    }
    wait_for_log(&server, "updated ");
    assert!(
        log_has(&server, "after content/2025/sharaa.md changed"),
        "the log names the file"
    );
    assert!(
        !log_has(&server, "rebuilding"),
        "{:?}",
        server.log.lock().unwrap()
    );
}

#[test]
fn a_retitle_reaches_backlinks_and_the_archive() {
    let dir = site("good_site");
    let server = start(dir.path());
    let mut events = Events::open(server.port, "");
    events.next();
    let article = dir.path().join(SHARAA);
    let text = read(&article).replace(
        "الإدارة السورية الجديدة والتحالف الدولي",
        "عنوان جديد للمقال",
    );
    std::fs::write(&article, text).unwrap();
    events.next();
    for page in ["/2025/isis-return/", "/archive/2025/"] {
        let (_, _, body) = get(server.port, page);
        assert!(
            body.contains("عنوان جديد للمقال"),
            "{page} follows the edit"
        );
    }
}

#[test]
fn a_save_through_a_temporary_file_and_rename_is_incremental() {
    let dir = site("good_site");
    let server = start(dir.path());
    let mut events = Events::open(server.port, "");
    events.next();
    let article = dir.path().join(SHARAA);
    let temp = dir.path().join("content/2025/.sharaa.md.tmp-1234");
    std::fs::write(
        &temp,
        read(&article).replace("طلبت واشنطن", "طلبت واشنطن مجدداً"),
    )
    .unwrap();
    std::fs::rename(&temp, &article).unwrap();
    events.next();
    let (_, _, body) = get(server.port, "/2025/sharaa/");
    assert!(body.contains("طلبت واشنطن مجدداً"));
    wait_for_log(&server, "updated ");
    assert!(
        !log_has(&server, "rebuilding"),
        "{:?}",
        server.log.lock().unwrap()
    );
}

#[test]
fn only_tabs_whose_page_changed_are_told_to_reload() {
    let dir = site("good_site");
    let server = start(dir.path());
    let mut all = Events::open(server.port, "");
    let generation = all.next();
    let mut sharaa = Events::open(
        server.port,
        &format!("?since={generation}&page=2025%2Fsharaa%2Findex.html"),
    );
    let mut english = Events::open(
        server.port,
        &format!("?since={generation}&page=2023%2Fenglish%2Findex.html"),
    );
    let article = dir.path().join(SHARAA);
    std::fs::write(
        &article,
        read(&article).replace("طلبت واشنطن", "طلبت واشنطن أمس"),
    )
    .unwrap();
    assert!(all.next() > generation);
    assert!(
        sharaa.arrives_within(Duration::from_secs(5)),
        "the edited page reloads"
    );
    assert!(
        !english.arrives_within(Duration::from_millis(700)),
        "a page that did not change keeps its reader's place"
    );
    // A tab that was still loading (served at an older generation) learns at once.
    let mut late = Events::open(
        server.port,
        &format!("?since={generation}&page=2025%2Fsharaa%2Findex.html"),
    );
    assert!(late.arrives_within(Duration::from_secs(2)));
}

#[test]
fn broken_front_matter_shows_the_overlay_until_it_is_fixed() {
    let dir = site("good_site");
    let server = start(dir.path());
    let mut events = Events::open(server.port, "");
    let first = events.next();
    let article = dir.path().join(SHARAA);
    let original = read(&article);
    std::fs::write(&article, original.replace("tags:", "tgas:")).unwrap();
    let broken = events.next();
    assert!(broken > first);
    let (status, _, page) = get(server.port, "/");
    assert_eq!(status, 200);
    assert!(page.contains("id=\"warraq-errors\""), "overlay shown");
    assert!(
        page.contains("content/2025/sharaa.md:4:1: unknown key `tgas` in front-matter"),
        "{page}"
    );
    assert!(page.contains("<mark"), "the fault is marked in the text");
    assert!(page.contains("did you mean `tags`?"));
    wait_for_log(&server, "changed: rebuilding");
    std::fs::write(&article, &original).unwrap();
    assert!(events.next() > broken);
    let (_, _, page) = get(server.port, "/2025/sharaa/");
    assert!(!page.contains("warraq-errors"));
}

#[test]
fn nothing_outside_the_site_can_be_named() {
    let dir = site("good_site");
    std::fs::write(dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    let server = start(dir.path());
    for attack in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/C:/Windows/win.ini",
    ] {
        let (status, _, body) = get(server.port, attack);
        assert_eq!(status, 404, "{attack}");
        assert!(
            !body.contains("TOP SECRET") && !body.contains("root:"),
            "{attack}"
        );
    }
}

#[test]
fn missing_pages_content_types_and_folder_redirects() {
    let dir = site("good_site");
    let server = start(dir.path());
    let (status, _, body) = get(server.port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("الصفحة غير موجودة"));
    let (_, head, _) = get(server.port, "/style.css");
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    let (_, head, body) = get(server.port, "/feed.xml");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/atom+xml"),
        "{head}"
    );
    assert!(!body.contains("EventSource"), "only HTML gets the script");
    let (status, head, _) = get(server.port, "/tags");
    assert_eq!(status, 301);
    assert!(
        head.to_ascii_lowercase().contains("location: /tags/\r"),
        "{head}"
    );
    // Never a protocol-relative Location (`//tags/` would name another host).
    let (status, head, _) = get(server.port, "//tags");
    assert_eq!(status, 301);
    assert!(
        head.to_ascii_lowercase().contains("location: /tags/\r"),
        "{head}"
    );
    let (status, _, _) = get(server.port, "/favicon.ico");
    assert_eq!(status, 200);
}

#[test]
fn a_folder_without_a_site_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = warraq(dir.path(), &["serve", "--port", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("holds no site"), "{}", stderr(&out));
}

#[test]
fn serve_refuses_a_busy_port_with_exit_2() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = site("good_site");
    let out = warraq(dir.path(), &["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot listen on 127.0.0.1"),
        "{}",
        stderr(&out)
    );
}

/// Sends raw bytes on a new connection and returns what came back (or an empty string).
fn raw(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn huge_declared_bodies_and_unknown_methods_cost_nothing_and_get_405() {
    let dir = site("good_site");
    let server = start(dir.path());
    let pid = server.child.id();
    let idle = rss_kb(pid);
    for method in ["POST", "PUT", "DELETE", "PATCH", "BREW"] {
        let answer = raw(
            server.port,
            format!("{method} / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\nConnection: close\r\n\r\nabc").as_bytes(),
        );
        assert!(answer.starts_with("HTTP/1.1 405"), "{method}: {answer}");
        assert!(
            answer.to_ascii_lowercase().contains("allow: get, head"),
            "{answer}"
        );
    }
    let answer = raw(
        server.port,
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Oversized headers are refused, the server stays up.
    let big = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(200_000)
    );
    let answer = raw(server.port, big.as_bytes());
    assert!(!answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, _, _) = get(server.port, "/");
    assert_eq!(status, 200, "the server is still up");
    assert!(
        rss_kb(pid) < idle + 100 * 1024,
        "memory grew from {idle} kB to {} kB",
        rss_kb(pid)
    );
}

#[test]
fn a_burst_of_500_concurrent_requests_is_served_within_bounded_memory() {
    let dir = site("good_site");
    let server = start(dir.path());
    let pid = server.child.id();
    let (status, _, _) = get(server.port, "/");
    assert_eq!(status, 200);
    let idle = rss_kb(pid);
    // A client that never finishes its headers does not hold the others up.
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: ").unwrap();
    let port = server.port;
    let threads: Vec<_> = (0..500)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/" } else { "/2025/sharaa/" };
                get(port, path).0
            })
        })
        .collect();
    let ok = threads
        .into_iter()
        .map(|t| t.join().unwrap_or(0))
        .filter(|&s| s == 200)
        .count();
    assert_eq!(ok, 500, "every request was answered");
    let peak = rss_kb(pid);
    assert!(
        peak < idle + 100 * 1024,
        "memory grew from {idle} kB to {peak} kB"
    );
    drop(slow);
}
