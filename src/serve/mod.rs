//! `warraq serve`: live preview for editors. The site is built in memory by the same stages as
//! `build` (nothing is written to disk, `public/` included), served over HTTP on loopback by
//! default, and updated when `content/`, `templates/`, `static/` or `site.yaml` change.
//! Open pages reload through a small script injected only into served HTML: each tab knows
//! the page it shows and the generation it was served at, and is told to reload only when
//! that page changed, keeping its scroll position. While the site has errors, every page shows
//! them as an overlay; the server never exits on a content error and recovers by itself.

mod http;
pub mod model;
mod watch;

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::diagnostics::{Diagnostic, Failure};
use crate::pipeline::BuildOptions;
pub use model::Files;

/// What the server shows right now.
#[derive(Default)]
pub struct Live {
    pub files: Files,
    /// The overlay to show on every page while the site has errors.
    pub errors: Option<Vec<Diagnostic>>,
    /// Bumped by every change.
    pub generation: u64,
    /// The generation at which each file last changed (or was removed).
    changed_at: HashMap<String, u64>,
    /// The generation at which the overlay last appeared, changed or went away.
    errors_at: u64,
}

impl Live {
    /// Whether the page served from `file` at generation `since` is out of date.
    pub fn changed_since(&self, file: &str, since: u64) -> bool {
        self.errors_at > since || self.changed_at.get(file).is_some_and(|&g| g > since)
    }
}

/// An open event stream: the page it watches (all changes when `None`).
pub struct Listener {
    pub page: Option<String>,
    pub tx: tokio::sync::mpsc::UnboundedSender<u64>,
}

/// State shared between the watcher and the request threads.
#[derive(Default)]
pub struct Shared {
    pub live: RwLock<Live>,
    pub listeners: Mutex<Vec<Listener>>,
}

impl Shared {
    /// Applies a change, bumps the generation and tells the listeners whose page changed.
    fn change(&self, apply: impl FnOnce(&mut Live, u64)) -> u64 {
        let (generation, stale): (u64, Vec<bool>) = {
            let Ok(mut live) = self.live.write() else {
                return 0;
            };
            let generation = live.generation + 1;
            live.generation = generation;
            apply(&mut live, generation);
            let listeners = self.listeners.lock().map(|l| {
                l.iter()
                    .map(|x| match &x.page {
                        Some(p) => live.changed_since(p, generation - 1),
                        None => true,
                    })
                    .collect()
            });
            (generation, listeners.unwrap_or_default())
        };
        if let Ok(mut listeners) = self.listeners.lock() {
            let mut flags = stale.into_iter();
            listeners.retain(|l| !flags.next().unwrap_or(true) || l.tx.send(generation).is_ok());
        }
        generation
    }

    /// Replaces some files (an incremental update); the site has no errors. Returns the
    /// generation and how many files actually changed.
    fn update(&self, changed: Vec<(String, Vec<u8>)>, removed: Vec<String>) -> (u64, usize) {
        let mut count = 0;
        let generation = self.change(|live, generation| {
            for path in removed {
                if live.files.remove(&path).is_some() {
                    live.changed_at.insert(path, generation);
                    count += 1;
                }
            }
            for (path, bytes) in changed {
                if live.files.get(&path).map(|b| b.as_slice()) != Some(bytes.as_slice()) {
                    live.changed_at.insert(path.clone(), generation);
                    live.files.insert(path, Arc::new(bytes));
                    count += 1;
                }
            }
            if live.errors.take().is_some() {
                live.errors_at = generation;
            }
        });
        (generation, count)
    }

    /// Publishes a full rebuild: new files (compared with the old ones, so only tabs whose page
    /// changed reload), or errors to show over the last good ones.
    fn publish(&self, files: Option<Files>, errors: Option<Vec<Diagnostic>>) -> u64 {
        self.change(|live, generation| {
            if let Some(files) = files {
                let old = std::mem::take(&mut live.files);
                for (path, bytes) in &files {
                    if old.get(path) != Some(bytes) {
                        live.changed_at.insert(path.clone(), generation);
                    }
                }
                for path in old.keys().filter(|p| !files.contains_key(*p)) {
                    live.changed_at.insert(path.clone(), generation);
                }
                live.files = files;
            }
            if live.errors != errors {
                live.errors_at = generation;
            }
            live.errors = errors;
        })
    }
}

/// Options of `warraq serve`.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub build: BuildOptions,
    /// Colour diagnostics in the terminal (as `build` does).
    pub color: bool,
}

/// Connections served at once; more wait until one closes (open event streams count).
const MAX_CONNECTIONS: usize = 512;
/// A client must send its request line and headers within this time.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most a request line plus headers may take (bytes); longer requests are refused.
const MAX_REQUEST_HEAD: usize = 64 * 1024;

/// Runs the server until the process is stopped.
pub fn serve(options: ServeOptions) -> Result<(), Failure> {
    let listener = std::net::TcpListener::bind((options.bind, options.port)).map_err(|e| {
        Failure::Usage(
            Diagnostic::new(
                None,
                format!("cannot listen on {}:{}: {e}", options.bind, options.port),
            )
            .with_hint("choose another port with --port, or stop the program using this one"),
        )
    })?;
    // std listens with a queue of 128 connections not yet accepted: a burst of more (a page
    // with many images on a slow machine, the test of 500 at once) overflowed it, and Linux
    // then reset some of them. Listening again on the socket lengthens the queue (the kernel
    // caps it at net.core.somaxconn); if it cannot, the 128 stay.
    #[cfg(target_os = "linux")]
    let _ = rustix::net::listen(&listener, MAX_CONNECTIONS as i32);
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} — reachable from other machines",
            options.bind
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::Usage(Diagnostic::new(
                None,
                format!("cannot start the server: {e}"),
            ))
        })?;
    let shared = Arc::new(Shared::default());
    // Watch before the first build, so edits saved while it runs are not lost.
    let watcher = watch::Watcher::start(&options.root);
    eprintln!("building the site in memory…");
    let model = match model::build_in_memory(&options.root, &options.build) {
        Ok((files, model)) => {
            let pages = files.len();
            shared.publish(Some(files), None);
            eprintln!("built {pages} files");
            Some(model)
        }
        // A site that cannot be found or read is the user's to fix before serving.
        Err(Failure::Usage(d)) => return Err(Failure::Usage(d)),
        Err(Failure::Site(errors)) => {
            watch::report(&errors, options.color);
            shared.publish(None, Some(errors));
            None
        }
    };
    eprintln!("serving on http://{address}/ (Ctrl-C to stop)");
    let worker = Arc::clone(&shared);
    std::thread::spawn(move || watch::run(watcher, &options, &worker, model));
    runtime
        .block_on(accept(listener, shared))
        .map_err(|e| Failure::Usage(Diagnostic::new(None, format!("the server stopped: {e}"))))
}

/// Accepts connections and serves each on its own task, at most [`MAX_CONNECTIONS`] at once.
async fn accept(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait a little rather than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |request| {
                http::handle(request, Arc::clone(&shared))
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_REQUEST_HEAD)
                .serve_connection(TokioIo::new(stream), service);
            let _ = connection.await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listen(shared: &Shared, page: Option<&str>) -> tokio::sync::mpsc::UnboundedReceiver<u64> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        shared.listeners.lock().unwrap().push(Listener {
            page: page.map(str::to_string),
            tx,
        });
        rx
    }

    #[test]
    fn only_tabs_whose_page_changed_are_told_to_reload() {
        let shared = Shared::default();
        let files: Files = [("a.html", "A"), ("b.html", "B")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Arc::new(v.as_bytes().to_vec())))
            .collect();
        shared.publish(Some(files.clone()), None);
        let (mut a, mut b, mut all) = (
            listen(&shared, Some("a.html")),
            listen(&shared, Some("b.html")),
            listen(&shared, None),
        );
        let (g, n) = shared.update(vec![("a.html".into(), b"A2".to_vec())], vec![]);
        assert_eq!(n, 1);
        assert_eq!(a.try_recv(), Ok(g));
        assert!(b.try_recv().is_err(), "b did not change");
        assert_eq!(all.try_recv(), Ok(g));
        // A save that changes nothing reloads nobody.
        shared.update(vec![("b.html".into(), b"B".to_vec())], vec![]);
        assert!(b.try_recv().is_err());
        // Errors show on every page; a tab that reconnects later still learns it is stale.
        let e = shared.publish(None, Some(vec![Diagnostic::new(None, "x")]));
        assert_eq!(b.try_recv(), Ok(e));
        assert!(shared.live.read().unwrap().changed_since("b.html", e - 1));
        assert!(!shared.live.read().unwrap().changed_since("b.html", e));
    }
}
