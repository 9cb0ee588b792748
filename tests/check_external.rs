//! `warraq check --external` against HTTP servers started inside the test on 127.0.0.1:
//! 200, 404, a redirect chain, a response slower than the timeout, 429 with Retry-After, a server
//! that refuses HEAD, an unreachable port and an excluded URL; then a second run from the cache.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

#[derive(Default)]
struct Stats {
    hits: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A tiny HTTP/1.1 server with fixed behaviours per path. Returns its port.
fn start_server(stats: Arc<Stats>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let stats = Arc::clone(&stats);
            std::thread::spawn(move || {
                // What the server counts as in flight must lie inside the client's request: from
                // the connection to just before the response is written (the client cannot free
                // its slot earlier). /slow is left out: its thread outlives the client's timeout.
                let counted = AtomicBool::new(false);
                let enter = || {
                    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    counted.store(true, Ordering::SeqCst);
                };
                let leave = || {
                    if counted.swap(false, Ordering::SeqCst) {
                        stats.in_flight.fetch_sub(1, Ordering::SeqCst);
                    }
                };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let mut parts = request_line.split_whitespace();
                let method = parts.next().unwrap_or("").to_string();
                let path = parts.next().unwrap_or("").to_string();
                if path != "/slow" {
                    enter();
                }
                let count = {
                    let mut hits = stats.hits.lock().unwrap();
                    let c = hits.entry(path.clone()).or_default();
                    *c += 1;
                    *c
                };
                std::thread::sleep(Duration::from_millis(50)); // so concurrent requests overlap
                let (status, extra) = match path.as_str() {
                    "/ok" => ("200 OK", String::new()),
                    "/missing" => ("404 Not Found", String::new()),
                    "/r1" => ("301 Moved Permanently", "Location: /r2\r\n".to_string()),
                    "/r2" => ("302 Found", "Location: /ok\r\n".to_string()),
                    "/slow" => {
                        std::thread::sleep(Duration::from_secs(3));
                        ("200 OK", String::new())
                    }
                    "/busy" if count == 1 => {
                        ("429 Too Many Requests", "Retry-After: 1\r\n".to_string())
                    }
                    "/busy" => ("200 OK", String::new()),
                    "/no-head" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
                    "/no-head" => ("200 OK", String::new()),
                    _ => ("404 Not Found", String::new()),
                };
                let body = if method == "HEAD" { "" } else { "body" };
                leave();
                let mut stream = stream;
                let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 4\r\nConnection: close\r\n{extra}\r\n{body}");
                let _ = stream.flush();
            });
        }
    });
    port
}

fn external_site(port: u16) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("site.yaml"),
        format!("check:\n  timeout_secs: 1\n  retries: 1\n  backoff_ms: 50\n  per_host: 2\n  exclude: [\"{base}/excluded\"]\n"),
    )
    .unwrap();
    let links = ["ok", "missing", "r1", "slow", "busy", "no-head", "excluded"]
        .iter()
        .map(|p| format!("- [{p}]({base}/{p})"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        dir.path().join("content/a.md"),
        format!("---\ntitle: \"روابط خارجية\"\ndate: 2025-01-01\n---\nقائمة:\n\n{links}\n- [unreachable](http://127.0.0.1:1/)\n"),
    )
    .unwrap();
    dir
}

#[test]
fn external_links_are_classified_and_cached() {
    let stats = Arc::new(Stats::default());
    let port = start_server(Arc::clone(&stats));
    let dir = external_site(port);
    let base = format!("http://127.0.0.1:{port}");

    let out = warraq(dir.path(), &["check", "--external", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let kind_of = |url: &str| {
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["url"] == url)
            .map(|p| p["kind"].as_str().unwrap().to_string())
    };
    assert_eq!(
        kind_of(&format!("{base}/missing")).as_deref(),
        Some("external-broken")
    );
    assert_eq!(
        kind_of(&format!("{base}/slow")).as_deref(),
        Some("external-timeout")
    );
    assert_eq!(
        kind_of("http://127.0.0.1:1/").as_deref(),
        Some("external-unreachable")
    );
    for fine in ["ok", "r1", "busy", "no-head"] {
        assert_eq!(kind_of(&format!("{base}/{fine}")), None, "{fine} works");
    }
    let missing = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["url"] == format!("{base}/missing"))
        .unwrap();
    assert_eq!(missing["status"], 404);
    assert_eq!(missing["source"]["file"], "content/a.md");
    // the redirect chain is followed and reported
    let redirects = report["redirects"].as_array().unwrap();
    assert_eq!(redirects.len(), 1);
    assert_eq!(redirects[0]["url"], format!("{base}/r1"));
    assert_eq!(redirects[0]["final_url"], format!("{base}/ok"));
    {
        let hits = stats.hits.lock().unwrap();
        assert_eq!(
            hits.get("/busy"),
            Some(&2),
            "429 is retried after Retry-After"
        );
        assert_eq!(hits.get("/no-head"), Some(&2), "HEAD refused, then GET");
        assert_eq!(hits.get("/slow"), Some(&2), "a timeout is retried once");
        assert_eq!(
            hits.get("/excluded"),
            None,
            "excluded URLs are never requested"
        );
    }
    assert!(
        stats.max_in_flight.load(Ordering::SeqCst) <= 2,
        "per-host limit holds"
    );
    assert_eq!(
        report["external"], 7,
        "distinct URLs, excluded one left out"
    );

    // Second run: the good results come from the cache, the failures are asked again.
    let ok_hits = stats.hits.lock().unwrap().get("/ok").copied();
    let out = warraq(dir.path(), &["check", "--external", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(report["cached"], 4, "ok, r1, busy and no-head are cached");
    assert_eq!(
        stats.hits.lock().unwrap().get("/ok").copied(),
        ok_hits,
        "/ok is not requested again"
    );
    assert_eq!(
        stats.hits.lock().unwrap().get("/missing"),
        Some(&4),
        "failures are checked again (HEAD+GET each run)"
    );
    assert!(dir
        .path()
        .join(".warraq-cache/external-links.json")
        .is_file());
}

#[test]
fn without_external_no_request_is_made() {
    let stats = Arc::new(Stats::default());
    let port = start_server(Arc::clone(&stats));
    let dir = external_site(port);
    let out = warraq(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stats.hits.lock().unwrap().is_empty());
}
