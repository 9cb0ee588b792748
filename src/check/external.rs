//! External links (`warraq check --external`): every distinct http(s) URL is requested once,
//! with a bounded number of requests in flight overall and per host, a timeout, retries with
//! exponential backoff (a 429's `Retry-After` wins), HEAD falling back to GET when a server
//! refuses HEAD, and redirects followed and reported. Good results are cached on disk for
//! `cache_hours`, so repeated CI runs only ask again about what changed or failed.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use ureq::ResponseExt;

use crate::config::CheckConfig;

/// What became of one URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Ok,
    /// Reached after one or more redirects (reported, not a failure).
    Redirected,
    /// The server answered with an error status.
    Broken,
    /// No answer within the timeout, after every retry.
    Timeout,
    /// Could not connect, or the answer was not HTTP.
    Unreachable,
}

impl Verdict {
    /// Whether the link fails the check.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Verdict::Broken | Verdict::Timeout | Verdict::Unreachable
        )
    }
}

/// The result of checking one URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Checked {
    pub url: String,
    pub verdict: Verdict,
    pub status: Option<u16>,
    /// Where a redirect chain ended.
    pub final_url: Option<String>,
    pub detail: String,
    /// Unix seconds.
    pub checked_at: u64,
    /// Attempts made (0 when served from the cache).
    #[serde(default)]
    pub attempts: u32,
}

/// Where the cache lives under a site root.
pub fn cache_path(root: &Path) -> PathBuf {
    root.join(".warraq-cache").join("external-links.json")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Checks URLs; returns one result per URL (in the given order) and how many came from the cache.
pub fn check_all(
    urls: &[String],
    config: &CheckConfig,
    cache: Option<&Path>,
) -> (Vec<Checked>, usize) {
    let mut cached: HashMap<String, Checked> = cache
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|bytes| serde_json::from_slice::<Vec<Checked>>(&bytes).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.url.clone(), c))
        .collect();
    let ttl = config.cache_hours * 3600;
    let fresh = |c: &Checked| {
        ttl > 0 && !c.verdict.is_failure() && now().saturating_sub(c.checked_at) < ttl
    };
    let mut results: HashMap<String, Checked> = HashMap::new();
    let mut queue = VecDeque::new();
    for url in urls {
        match cached.get(url) {
            Some(c) if fresh(c) => {
                results.insert(
                    url.clone(),
                    Checked {
                        attempts: 0,
                        ..c.clone()
                    },
                );
            }
            _ => queue.push_back(url.clone()),
        }
    }
    let from_cache = results.len();
    let fetched = fetch_all(queue, config);
    results.extend(fetched.into_iter().map(|c| (c.url.clone(), c)));
    if let Some(path) = cache {
        for c in results.values().filter(|c| c.attempts > 0) {
            cached.insert(c.url.clone(), c.clone());
        }
        cached.retain(|_, c| fresh(c));
        let mut list: Vec<&Checked> = cached.values().collect();
        list.sort_by(|a, b| a.url.cmp(&b.url));
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Ok(json) = serde_json::to_vec_pretty(&list) {
            let _ = std::fs::write(path, json);
        }
    }
    let ordered = urls.iter().filter_map(|u| results.remove(u)).collect();
    (ordered, from_cache)
}

/// The host part of an http(s) URL, for per-host limits.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

struct Queue {
    waiting: VecDeque<String>,
    in_flight: HashMap<String, usize>,
    done: Vec<Checked>,
}

/// Requests every URL with `concurrency` workers, at most `per_host` at once per host.
fn fetch_all(waiting: VecDeque<String>, config: &CheckConfig) -> Vec<Checked> {
    if waiting.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(config.timeout_secs.max(1))))
        .max_redirects(10)
        .save_redirect_history(true)
        .http_status_as_error(false)
        .user_agent(concat!(
            "warraq/",
            env!("CARGO_PKG_VERSION"),
            " (link checker)"
        ))
        .build()
        .into();
    let workers = config.concurrency.clamp(1, 64).min(waiting.len());
    let state = Mutex::new(Queue {
        waiting,
        in_flight: HashMap::new(),
        done: Vec::new(),
    });
    let changed = Condvar::new();
    let per_host = config.per_host.max(1);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let (url, host) = {
                    let Ok(mut q) = state.lock() else { return };
                    loop {
                        if q.waiting.is_empty() {
                            return;
                        }
                        let free = q.waiting.iter().position(|u| {
                            q.in_flight.get(&host_of(u)).copied().unwrap_or(0) < per_host
                        });
                        if let Some(i) = free {
                            let url = q.waiting.remove(i).unwrap_or_default();
                            let host = host_of(&url);
                            *q.in_flight.entry(host.clone()).or_default() += 1;
                            break (url, host);
                        }
                        q = match changed.wait(q) {
                            Ok(q) => q,
                            Err(_) => return,
                        };
                    }
                };
                let checked = probe(&agent, &url, config);
                if let Ok(mut q) = state.lock() {
                    if let Some(n) = q.in_flight.get_mut(&host) {
                        *n -= 1;
                    }
                    q.done.push(checked);
                }
                changed.notify_all();
            });
        }
    });
    state.into_inner().map(|q| q.done).unwrap_or_default()
}

/// One URL, with retries.
fn probe(agent: &ureq::Agent, url: &str, config: &CheckConfig) -> Checked {
    let mut attempts = 0;
    let mut backoff = Duration::from_millis(config.backoff_ms);
    loop {
        attempts += 1;
        let mut result = agent.head(url).call();
        // Some servers refuse or mishandle HEAD; ask again with GET before calling a link broken.
        if matches!(&result, Ok(r) if r.status().as_u16() >= 400 && r.status().as_u16() != 429) {
            result = agent.get(url).call();
        }
        let retry_after;
        let checked = match result {
            Ok(response) => {
                let status = response.status().as_u16();
                retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|s| Duration::from_secs(s.min(60)));
                let final_url = response.get_uri().to_string();
                let redirected = response.get_redirect_history().is_some_and(|h| h.len() > 1);
                let verdict = match status {
                    200..=299 if redirected => Verdict::Redirected,
                    200..=299 => Verdict::Ok,
                    _ => Verdict::Broken,
                };
                let detail = match verdict {
                    Verdict::Redirected => format!("redirected to {final_url}"),
                    _ => format!("HTTP {status}"),
                };
                Checked {
                    url: url.to_string(),
                    verdict,
                    status: Some(status),
                    final_url: redirected.then_some(final_url),
                    detail,
                    checked_at: now(),
                    attempts,
                }
            }
            Err(e) => {
                retry_after = None;
                let verdict = match e {
                    ureq::Error::Timeout(_) => Verdict::Timeout,
                    ureq::Error::Io(ref io) if io.kind() == std::io::ErrorKind::TimedOut => {
                        Verdict::Timeout
                    }
                    _ => Verdict::Unreachable,
                };
                Checked {
                    url: url.to_string(),
                    verdict,
                    status: None,
                    final_url: None,
                    detail: e.to_string(),
                    checked_at: now(),
                    attempts,
                }
            }
        };
        let transient = match checked.status {
            Some(s) => s == 429 || s >= 500,
            None => true,
        };
        if !(checked.verdict.is_failure() && transient) || attempts > config.retries {
            return checked;
        }
        std::thread::sleep(retry_after.unwrap_or(backoff));
        backoff *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_compared_without_case_and_path() {
        assert_eq!(host_of("https://Example.org:8080/a?b"), "example.org:8080");
        assert_eq!(host_of("http://127.0.0.1:99/"), "127.0.0.1:99");
    }

    #[test]
    fn only_failures_fail() {
        assert!(!Verdict::Redirected.is_failure());
        assert!(Verdict::Timeout.is_failure());
    }
}
