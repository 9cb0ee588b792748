//! `warraq serve` end to end: starts the server on an ephemeral port, fetches an Arabic path,
//! edits an article and observes the reload event and the new content, breaks the front-matter
//! and gets the error overlay, fixes it and recovers, and tries path traversals.

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
    fn open(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET /__warraq/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
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
}

#[test]
fn serve_reloads_shows_errors_recovers_and_stays_inside_the_site() {
    let dir = site("good_site");
    std::fs::write(dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    let server = start(dir.path());
    let port = server.port;

    // An Arabic path, percent-encoded as browsers send it; the page carries the reload script.
    let (status, head, body) = get(
        port,
        "/tags/%D8%A3%D8%AD%D9%85%D8%AF-%D8%A7%D9%84%D8%B4%D8%B1%D8%B9/",
    );
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        body.contains("أحمد الشرع") && body.contains("new EventSource(\"/__warraq/events?since=")
    );
    assert!(
        !dir.path().join("public").exists(),
        "serve writes nothing to disk"
    );

    let mut events = Events::open(port);
    let first = events.next();

    // Edit an article: a reload event, then the new content.
    let article = dir.path().join("content/2025/sharaa.md");
    let original = read(&article);
    let started = Instant::now();
    std::fs::write(
        &article,
        original.replace("طلبت واشنطن", "طلبت واشنطن رسمياً"),
    )
    .unwrap();
    let second = events.next();
    let elapsed = started.elapsed();
    assert!(second > first);
    assert!(elapsed < Duration::from_secs(5), "reload took {elapsed:?}");
    let (_, _, page) = get(port, "/2025/sharaa/");
    assert!(page.contains("طلبت واشنطن رسمياً"), "new content is served");
    let (_, _, home) = get(port, "/");
    assert!(
        home.contains("طلبت واشنطن رسمياً"),
        "list pages show the new summary"
    );
    let (_, _, tag) = get(port, "/tags/%D8%B3%D9%88%D8%B1%D9%8A%D8%A7/");
    assert!(
        tag.contains("طلبت واشنطن رسمياً"),
        "tag pages show the new summary"
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        server
            .log
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.starts_with("updated ")),
        "a body edit is applied incrementally: {:?}",
        server.log.lock().unwrap()
    );

    // Retitle it: the pages that show its title elsewhere follow (isis-return lists it as a backlink).
    std::fs::write(
        &article,
        original.replace(
            "الإدارة السورية الجديدة والتحالف الدولي",
            "عنوان جديد للمقال",
        ),
    )
    .unwrap();
    let retitled = events.next();
    assert!(retitled > second);
    let (_, _, other) = get(port, "/2025/isis-return/");
    assert!(
        other.contains("عنوان جديد للمقال"),
        "backlink titles follow the edit"
    );
    let (_, _, year) = get(port, "/archive/2025/");
    assert!(
        year.contains("عنوان جديد للمقال"),
        "the archive follows the edit"
    );
    let updates = server
        .log
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("updated "))
        .count();
    assert_eq!(
        updates,
        2,
        "both edits were incremental: {:?}",
        server.log.lock().unwrap()
    );
    std::fs::write(&article, &original).unwrap();
    let second = events.next();

    // Break the front-matter: every page shows the error with its position; the server stays up.
    std::fs::write(&article, original.replace("tags:", "tgas:")).unwrap();
    let third = events.next();
    assert!(third > second);
    let (status, _, page) = get(port, "/");
    assert_eq!(status, 200);
    assert!(page.contains("id=\"warraq-errors\""), "overlay shown");
    assert!(
        page.contains("content/2025/sharaa.md:4:1: unknown key `tgas` in front-matter"),
        "{page}"
    );
    assert!(page.contains("did you mean `tags`?"));

    // Fix it: the overlay goes away by itself.
    std::fs::write(&article, &original).unwrap();
    let fourth = events.next();
    assert!(fourth > third);
    let (_, _, page) = get(port, "/2025/sharaa/");
    assert!(!page.contains("warraq-errors"));
    assert!(page.contains("طلبت واشنطن"));

    // Nothing outside the site can be named.
    for attack in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/C:/Windows/win.ini",
    ] {
        let (status, _, body) = get(port, attack);
        assert_eq!(status, 404, "{attack}");
        assert!(
            !body.contains("TOP SECRET") && !body.contains("root:"),
            "{attack}"
        );
    }

    // The site's own 404 page, content types, and folder redirects.
    let (status, _, body) = get(port, "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("الصفحة غير موجودة"));
    let (_, head, _) = get(port, "/style.css");
    assert!(
        head.to_ascii_lowercase().contains("content-type: text/css"),
        "{head}"
    );
    let (_, head, body) = get(port, "/feed.xml");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/atom+xml"),
        "{head}"
    );
    assert!(!body.contains("EventSource"), "only HTML gets the script");
    let (status, head, _) = get(port, "/tags");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /tags/"), "{head}");
    drop(server);
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
