//! What the previous build published, file by file: length, content hash (xxh3) and
//! modification time. A build that produces a file with the same bytes links the previous
//! file into the new output instead of writing it, so unchanged files keep their bytes, inode
//! and modification time, and `rsync` (size + mtime) or any deploy tool uploads only what
//! changed. The manifest lives in `.warraq-cache/output/`, one per output folder; when it is
//! missing, stale or unreadable every file is simply written.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// One published file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub len: u64,
    /// xxh3 of the bytes (for a file linked from a cache: its source's length and mtime).
    pub hash: u64,
    /// Modification time in nanoseconds since the epoch.
    pub mtime: u128,
}

/// The manifest file of an output folder.
pub fn path_for(root: &Path, target: &Path) -> PathBuf {
    let absolute = std::path::absolute(target).unwrap_or_else(|_| target.to_path_buf());
    let key = xxhash_rust::xxh3::xxh3_64(absolute.to_string_lossy().as_bytes());
    root.join(".warraq-cache")
        .join("output")
        .join(format!("{key:016x}.json"))
}

/// The previous build's files, and the new build's as they are written.
#[derive(Debug, Default)]
pub struct Manifest {
    file: Option<PathBuf>,
    old: HashMap<String, Entry>,
    new: Mutex<Vec<(String, Entry)>>,
}

/// What a build did to the files of its output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub written: usize,
    pub unchanged: usize,
    /// Files of the previous output that this build no longer has (known from its manifest).
    pub removed: usize,
}

pub fn mtime_of(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

impl Manifest {
    /// No previous build known: every file is written.
    pub fn none() -> Manifest {
        Manifest::default()
    }

    /// A manifest to be written to `file` with nothing known of the previous output.
    pub fn load_none_at(file: PathBuf) -> Manifest {
        Manifest {
            file: Some(file),
            ..Manifest::default()
        }
    }

    /// Whether this build keeps a manifest (a published build does; `check`'s does not).
    pub fn is_kept(&self) -> bool {
        self.file.is_some()
    }

    /// Reads the manifest kept in `file` (a missing or unreadable one is an empty manifest).
    pub fn load(file: PathBuf) -> Manifest {
        let old = fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Vec<(String, Entry)>>(&bytes).ok())
            .map(|list| list.into_iter().collect())
            .unwrap_or_default();
        Manifest {
            file: Some(file),
            old,
            new: Mutex::new(Vec::new()),
        }
    }

    /// The previous entry of `rel` when the file of the previous output (`old_root/rel`) is still
    /// exactly what the manifest says (nobody changed it since) and has `expected`'s content.
    pub fn reusable(&self, old_root: &Path, rel: &str, len: u64, hash: u64) -> Option<Entry> {
        let entry = *self.old.get(rel)?;
        if entry.len != len || entry.hash != hash {
            return None;
        }
        let meta = fs::symlink_metadata(old_root.join(rel)).ok()?;
        (meta.is_file() && meta.len() == entry.len && mtime_of(&meta) == entry.mtime)
            .then_some(entry)
    }

    /// Records a file of the new output.
    pub fn record(&self, rel: &str, entry: Entry) {
        if let Ok(mut new) = self.new.lock() {
            new.push((rel.to_string(), entry));
        }
    }

    /// Counts, and saves the new manifest (when the output has a manifest file). Saving is best
    /// effort: a manifest that cannot be written only costs the next build its reuse.
    pub fn finish(self, written: usize, unchanged: usize) -> Counts {
        let mut new = self.new.into_inner().unwrap_or_default();
        new.sort_by(|a, b| a.0.cmp(&b.0));
        new.dedup_by(|a, b| a.0 == b.0);
        let removed = if self.old.is_empty() {
            0
        } else {
            let kept: std::collections::HashSet<&str> =
                new.iter().map(|(k, _)| k.as_str()).collect();
            self.old
                .keys()
                .filter(|k| !kept.contains(k.as_str()))
                .count()
        };
        if let Some(file) = &self.file {
            if let Some(parent) = file.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let temp = file.with_extension(format!("tmp-{}", std::process::id()));
            if let Ok(bytes) = serde_json::to_vec(&new) {
                if fs::write(&temp, bytes).is_ok() && fs::rename(&temp, file).is_err() {
                    let _ = fs::remove_file(&temp);
                }
            }
        }
        Counts {
            written,
            unchanged,
            removed,
        }
    }
}

/// Sets a file's modification time (nanoseconds since the epoch).
pub fn set_mtime(path: &Path, mtime: u128) -> std::io::Result<()> {
    let secs = u64::try_from(mtime / 1_000_000_000).unwrap_or(u64::MAX);
    let nanos = u32::try_from(mtime % 1_000_000_000).unwrap_or(0);
    let time: SystemTime = UNIX_EPOCH + Duration::new(secs, nanos);
    fs::File::options()
        .write(true)
        .open(path)?
        .set_modified(time)
}
