//! Progress of a long build on a terminal, one line per stage, each replacing the previous one:
//! a bar of the sources read, of the articles rendered, of the articles analysed, a spinner while
//! similar articles are found, a bar of the image variants, a spinner while the search index is
//! written, then a bar of the pages written. Nothing is drawn when stderr is not a terminal (CI
//! logs, pipes) or with `--quiet`; indicatif draws at most 20 times a second, so a build does not
//! wait for its terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diagnostics::Failure;
use crate::render::Sink;

/// The progress display of one build (or none).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Shown only on a terminal, and not when `quiet`.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// Never shown.
    pub fn hidden() -> Progress {
        Progress { enabled: false }
    }

    /// A spinner for a stage whose amount of work is not counted ("loading articles").
    pub fn stage(&self, message: &'static str) -> Stage {
        if !self.enabled {
            return Stage(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        Stage(Some(bar))
    }

    /// A bar of a stage of `total` items: `bar("reading", 100, "files")` shows
    /// `reading ███░░ 40/100 files 2s`.
    pub fn bar(&self, message: &'static str, total: u64, items: &'static str) -> Stage {
        if !self.enabled {
            return Stage(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{msg}} {{bar:30}} {{pos}}/{{len}} {items} {{elapsed}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(message);
        Stage(Some(bar))
    }

    /// A bar of `total` files to write.
    pub fn files(&self, total: u64) -> Stage {
        self.bar("writing", total, "files")
    }
}

/// One stage on screen; cleared when dropped.
#[derive(Debug)]
pub struct Stage(Option<ProgressBar>);

impl Stage {
    /// No stage on screen.
    pub fn none() -> Stage {
        Stage(None)
    }

    /// One more item done.
    pub fn inc(&self) {
        self.add(1);
    }

    /// `n` more items done (a bar grows to fit more than it was told of).
    pub fn add(&self, n: u64) {
        if let Some(bar) = &self.0 {
            if let Some(len) = bar.length() {
                let past = (bar.position() + n).saturating_sub(len);
                if past > 0 {
                    bar.inc_length(past);
                }
            }
            bar.inc(n);
        }
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// A sink that moves a stage's bar for every file it passes on.
pub struct Counting<'a> {
    pub inner: &'a dyn Sink,
    pub stage: &'a Stage,
}

impl<'a> Counting<'a> {
    pub fn new(inner: &'a dyn Sink, stage: &'a Stage) -> Self {
        Counting { inner, stage }
    }
}

impl Sink for Counting<'_> {
    fn prepare(&self, files: &[String]) -> Result<(), Failure> {
        self.inner.prepare(files)
    }

    fn write(&self, file: &str, bytes: Vec<u8>) -> Result<(), Failure> {
        self.inner.write(file, bytes)?;
        self.stage.inc();
        Ok(())
    }

    fn copy(&self, file: &str, from: &std::path::Path) -> Result<(), Failure> {
        self.inner.copy(file, from)?;
        self.stage.inc();
        Ok(())
    }

    fn remembers(&self) -> bool {
        self.inner.remembers()
    }

    fn keep(&self, file: &str, inputs: u64) -> bool {
        let kept = self.inner.keep(file, inputs);
        if kept {
            self.stage.inc();
        }
        kept
    }

    fn write_made(&self, file: &str, bytes: Vec<u8>, inputs: u64) -> Result<(), Failure> {
        self.inner.write_made(file, bytes, inputs)?;
        self.stage.inc();
        Ok(())
    }

    fn previous(&self, file: &str) -> Option<Vec<u8>> {
        self.inner.previous(file)
    }

    fn carry(&self, file: &str, inputs: u64) -> bool {
        let kept = self.inner.carry(file, inputs);
        if kept {
            self.stage.inc();
        }
        kept
    }
}

/// This process's memory right now and its peak so far, in bytes (`VmRSS`, `VmHWM` of
/// `/proc/self/status`); `None` where the system does not say (not Linux).
pub fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..]
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()?;
        Some(kb * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_counts_its_items_and_grows_to_fit_more() {
        let shown = Progress { enabled: true };
        let stage = shown.bar("reading", 3, "files");
        stage.inc();
        stage.add(4);
        let bar = stage.0.as_ref().expect("a bar on screen");
        assert_eq!(bar.position(), 5);
        assert_eq!(bar.length(), Some(5));
        let hidden = Progress::hidden().bar("reading", 3, "files");
        hidden.add(2);
        assert!(
            hidden.0.is_none(),
            "nothing is drawn or counted when hidden"
        );
    }

    #[test]
    fn memory_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            let (now, peak) = super::memory().expect("/proc/self/status has VmRSS and VmHWM");
            assert!(now > 0 && peak >= now, "{now} {peak}");
        }
    }
}
