//! What the previous build published, file by file: length, content hash (xxh3) and
//! modification time. A build that produces a file with the same bytes keeps the previous
//! file instead of writing it (leaves it in place, or links it into a new output), so unchanged
//! files keep their bytes, inode and modification time, and `rsync` (size + mtime) or any
//! deploy tool uploads only what changed. Each rendered page also keeps the fingerprint of what
//! it was made from, so an unchanged page is not even rendered, and the manifest keeps the
//! fingerprint of all the inputs of the build (see [`crate::inputs`]), so a build with nothing
//! new does nothing. The manifest lives in `.warraq-cache/output/`, one per output folder; when
//! it is missing, stale or unreadable every file is simply written.

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
    /// For a rendered page: the fingerprint of what it was made from (templates, settings,
    /// binary, context; see `render::fingerprint`).
    pub inputs: Option<u64>,
}

/// What made an output: the fingerprint of the build's inputs and what it said it built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Made {
    pub inputs: u64,
    pub articles: usize,
    pub pages: usize,
}

/// A folder of the output: its path under the output (`""` for the output itself) and the
/// modification time it had once the build was over. A folder's time moves whenever an entry is
/// added to it, removed or renamed, so comparing the times of the folders finds a file added
/// by hand without reading any folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Folder {
    rel: String,
    mtime: u128,
    /// Changed less than [`RACY`](crate::inputs::RACY) before its time was taken: an entry
    /// added right after could have left the time as it was, so its entries are read instead.
    racy: bool,
}

/// The manifest as saved (bincode, behind [`FORMAT`]).
#[derive(Serialize, Deserialize)]
struct Saved {
    made: Option<Made>,
    files: Vec<(String, Entry)>,
    /// Every folder holding a file of the output; `None` when one could not be read.
    folders: Option<Vec<Folder>>,
}

/// The first bytes of a manifest file; another format (an older warraq's) is not read.
const FORMAT: &[u8] = b"warraq-manifest-3\n";

/// The manifest file of an output folder.
pub fn path_for(root: &Path, target: &Path) -> PathBuf {
    let absolute = std::path::absolute(target).unwrap_or_else(|_| target.to_path_buf());
    let key = xxhash_rust::xxh3::xxh3_64(absolute.to_string_lossy().as_bytes());
    root.join(".warraq-cache")
        .join("output")
        .join(format!("{key:016x}.manifest"))
}

/// The previous build's files, and the new build's as they are written.
#[derive(Debug, Default)]
pub struct Manifest {
    file: Option<PathBuf>,
    old: HashMap<String, Entry>,
    old_made: Option<Made>,
    old_folders: Option<Vec<Folder>>,
    new: Mutex<Vec<(String, Entry)>>,
    made: Option<Made>,
    /// `--clean`: nothing of the previous output is reused (it is still counted as removed).
    clean: bool,
    /// After an update in place: the folders whose entries it changed (sorted). The others are
    /// as the previous manifest recorded them, and their times are not taken again.
    touched: Option<Vec<String>>,
    /// The previous output's folder, opened when its files are first compared.
    old_root: std::sync::OnceLock<OldRoot>,
}

/// The previous output's folder, opened once: each of its files is `stat`ed by its path inside
/// it, so the kernel walks only that part of the path. At 100 000 articles a build compares
/// 237 414 files with the manifest (all of them when nothing changed), and walking each whole
/// path from `/` took half as long again. A folder that cannot be opened is read by whole paths.
#[derive(Debug)]
struct OldRoot {
    path: PathBuf,
    handle: Option<rustix::fd::OwnedFd>,
}

impl OldRoot {
    fn open(path: &Path) -> OldRoot {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        OldRoot {
            path: path.to_path_buf(),
            handle: rustix::fs::open(path, flags, Mode::empty()).ok(),
        }
    }

    /// Whether the file `rel` under this folder is still the one `entry` recorded (a regular
    /// file, not a link, of the same length and modification time).
    fn unchanged(&self, rel: &str, entry: &Entry) -> bool {
        use rustix::fs::{statat, AtFlags, FileType};
        let Some(handle) = &self.handle else {
            return intact(&self.path, rel, entry);
        };
        statat(handle, rel, AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|st| {
            let mtime = u64::try_from(st.st_mtime).map_or(0, |secs| {
                let nanos = u32::try_from(st.st_mtime_nsec).unwrap_or(0);
                mtime_of_time(UNIX_EPOCH + std::time::Duration::new(secs, nanos))
            });
            let is_file = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile;
            u64::try_from(st.st_size).is_ok_and(|len| entry.records(is_file, len, mtime))
        })
    }
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
    meta.modified().map_or(0, mtime_of_time)
}

/// A time as nanoseconds since the epoch (0 before it).
pub fn mtime_of_time(time: SystemTime) -> u128 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

impl Manifest {
    /// No previous build known: every file is written.
    pub fn none() -> Manifest {
        Manifest::default()
    }

    /// Whether this build keeps a manifest (a published build does; `check`'s does not).
    pub fn is_kept(&self) -> bool {
        self.file.is_some()
    }

    /// Reads the manifest kept in `file` (a missing or unreadable one is an empty manifest).
    pub fn load(file: PathBuf) -> Manifest {
        let saved = fs::read(&file)
            .ok()
            .and_then(|bytes| bincode::deserialize::<Saved>(bytes.strip_prefix(FORMAT)?).ok());
        let (old_made, old, old_folders) = saved.map_or_else(Default::default, |s| {
            (s.made, s.files.into_iter().collect(), s.folders)
        });
        Manifest {
            file: Some(file),
            old,
            old_made,
            old_folders,
            ..Manifest::default()
        }
    }

    /// How many files the previous output has.
    pub fn previous_files(&self) -> usize {
        self.old.len()
    }

    /// What made the previous output, when the manifest knows.
    pub fn previous(&self) -> Option<Made> {
        self.old_made
    }

    /// Whether the previous output under `old_root` is exactly what the manifest lists: every
    /// file intact, and no other file (a file added by hand would not survive a build).
    /// One `stat` per file and per folder: a folder's time says whether entries were added to
    /// it (only a folder changed just before its time was taken has its entries read). A
    /// manifest without folders' times walks the whole output instead.
    pub fn output_intact(&self, old_root: &Path) -> bool {
        use rayon::prelude::*;
        if self.old_folders.is_some() {
            return self.folders_intact(old_root)
                && self
                    .old
                    .par_iter()
                    .all(|(rel, entry)| self.intact(old_root, rel, entry));
        }
        self.output_walked_intact(old_root)
    }

    /// Whether the previous output under `old_root` can be updated in place: this build may
    /// reuse it, and its folders hold no entry the manifest does not list (one `stat` per
    /// folder, see [`output_intact`](Manifest::output_intact)), so changing the files the build
    /// changes and removing the ones it drops leaves exactly the new output. Its files are
    /// checked one by one as the build reuses them.
    pub fn updatable_in_place(&self, old_root: &Path) -> bool {
        self.is_kept()
            && !self.clean
            && !self.old.is_empty()
            && self.old_folders.is_some()
            && self.folders_intact(old_root)
    }

    /// Whether every folder of the previous output has only the entries the manifest gives it;
    /// false when the manifest has no folders.
    fn folders_intact(&self, old_root: &Path) -> bool {
        use rayon::prelude::*;
        let Some(folders) = &self.old_folders else {
            return false;
        };
        let listed: std::collections::HashSet<&str> = if folders.iter().any(|f| f.racy) {
            folders.iter().map(|f| f.rel.as_str()).collect()
        } else {
            Default::default()
        };
        folders
            .par_iter()
            .all(|f| self.folder_intact(old_root, f, &listed))
    }

    /// The previous output's files this build did not record (so far): the files an in-place
    /// update removes.
    pub fn dropped(&self) -> Vec<String> {
        let new = self.new.lock().unwrap_or_else(|e| e.into_inner());
        let mut dropped: Vec<String> = not_in(&self.old, &new).cloned().collect();
        dropped.sort();
        dropped
    }

    /// Whether the previous output has a file at `rel`.
    pub fn had_file(&self, rel: &str) -> bool {
        self.old.contains_key(rel)
    }

    /// Records that an update in place changed the entries of the folders holding `files` (and
    /// of the output itself), the only folders [`Manifest::finish`] then looks at again.
    pub fn touched<'a>(&mut self, files: impl IntoIterator<Item = &'a str>) {
        let mut folders: Vec<String> = vec![String::new()];
        for rel in files {
            folders.extend(super::folders_above(rel).map(str::to_string));
        }
        folders.sort();
        folders.dedup();
        self.touched = Some(folders);
    }

    /// The files this build recorded (so far), with their entries.
    pub fn recorded(&self) -> Vec<(String, Entry)> {
        self.new.lock().map(|n| n.clone()).unwrap_or_default()
    }

    /// Moves the saved manifest aside while the output is changed in place (a build stopped in
    /// the middle leaves none, so the next one trusts nothing of a half-changed output); the
    /// returned path puts it back ([`Manifest::put_back`]) when the change is undone.
    pub fn set_aside(&self) -> Option<PathBuf> {
        let file = self.file.as_ref()?;
        let aside = file.with_extension("aside");
        fs::rename(file, &aside).ok().map(|_| aside)
    }

    /// Puts back a manifest set aside by [`Manifest::set_aside`].
    pub fn put_back(&self, aside: Option<PathBuf>) {
        if let (Some(file), Some(aside)) = (&self.file, aside) {
            let _ = fs::rename(aside, file);
        }
    }

    /// Whether a folder of the previous output has only the entries the manifest gives it
    /// (`listed`: every folder of the manifest, when one is racy).
    fn folder_intact(
        &self,
        old_root: &Path,
        folder: &Folder,
        listed: &std::collections::HashSet<&str>,
    ) -> bool {
        let path = old_root.join(&folder.rel);
        let same_time =
            fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && mtime_of(&m) == folder.mtime);
        if !same_time {
            return false;
        }
        if !folder.racy {
            return true;
        }
        let Ok(entries) = fs::read_dir(&path) else {
            return false;
        };
        entries.into_iter().all(|e| {
            e.ok().is_some_and(|e| {
                let name = e.file_name();
                let Some(name) = name.to_str() else {
                    return false;
                };
                let rel = if folder.rel.is_empty() {
                    name.to_string()
                } else {
                    format!("{}/{name}", folder.rel)
                };
                // A file the manifest lists (checked on its own), or a folder it lists.
                self.old.contains_key(&rel) || listed.contains(rel.as_str())
            })
        })
    }

    /// [`output_intact`](Manifest::output_intact) by one walk of the output, its top folders in
    /// parallel, one `stat` per file.
    fn output_walked_intact(&self, old_root: &Path) -> bool {
        use rayon::prelude::*;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let Ok(tops) = fs::read_dir(old_root) else {
            return false;
        };
        let tops: Vec<PathBuf> = tops.filter_map(|e| e.ok().map(|e| e.path())).collect();
        let files = AtomicUsize::new(0);
        let all_listed_and_intact = tops.par_iter().all(|top| {
            walkdir::WalkDir::new(top).into_iter().all(|e| {
                let Ok(e) = e else { return false };
                if e.file_type().is_dir() {
                    return true;
                }
                files.fetch_add(1, Ordering::Relaxed);
                let rel = e.path().strip_prefix(old_root).ok().and_then(Path::to_str);
                match (rel.and_then(|r| self.old.get(r)), e.metadata()) {
                    (Some(entry), Ok(meta)) => unchanged_since(&meta, entry),
                    _ => false,
                }
            })
        });
        all_listed_and_intact && files.into_inner() == self.old.len()
    }

    /// Reuses nothing of the previous output (`--clean`): every file is written, every page
    /// rendered.
    pub fn forget(&mut self) {
        self.clean = true;
        self.old_made = None;
    }

    /// The previous output is gone: the manifest describes nothing that exists.
    pub fn stale(&mut self) {
        self.old.clear();
        self.old_made = None;
    }

    /// Records what makes this build's output, saved with it. A build with warnings records
    /// nothing, so the next build runs (and shows them) again.
    pub fn set_made(&mut self, made: Made) {
        self.made = Some(made);
    }

    /// Whether the previous output's file `rel` (under `old_root`) is still what its entry says:
    /// through the folder opened once, when it is that folder.
    fn intact(&self, old_root: &Path, rel: &str, entry: &Entry) -> bool {
        let opened = self.old_root.get_or_init(|| OldRoot::open(old_root));
        if opened.path == old_root {
            opened.unchanged(rel, entry)
        } else {
            intact(old_root, rel, entry)
        }
    }

    /// The previous entry of `rel` when the file of the previous output (`old_root/rel`) is still
    /// exactly what the manifest says (nobody changed it since) and has `expected`'s content.
    pub fn reusable(&self, old_root: &Path, rel: &str, len: u64, hash: u64) -> Option<Entry> {
        let entry = *self.old.get(rel).filter(|_| !self.clean)?;
        (entry.len == len && entry.hash == hash && self.intact(old_root, rel, &entry))
            .then_some(entry)
    }

    /// The previous entry of `rel` when it was rendered from `inputs` and the previous output's
    /// file is still exactly what the manifest says.
    pub fn made_from(&self, old_root: &Path, rel: &str, inputs: u64) -> Option<Entry> {
        let entry = *self.old.get(rel).filter(|_| !self.clean)?;
        (entry.inputs == Some(inputs) && self.intact(old_root, rel, &entry)).then_some(entry)
    }

    /// The previous entry of `rel`, whatever it was made from, when the previous output's file
    /// is still exactly what the manifest says.
    pub fn previous_entry(&self, old_root: &Path, rel: &str) -> Option<Entry> {
        let entry = *self.old.get(rel).filter(|_| !self.clean)?;
        self.intact(old_root, rel, &entry).then_some(entry)
    }

    /// Records a file of the new output.
    pub fn record(&self, rel: &str, entry: Entry) {
        if let Ok(mut new) = self.new.lock() {
            new.push((rel.to_string(), entry));
        }
    }

    /// Counts, and saves the new manifest (when the output has a manifest file) with the times of
    /// the folders of the output now in place at `output`. Saving is best effort: a manifest
    /// that cannot be written only costs the next build its reuse.
    pub fn finish(self, output: &Path, written: usize, unchanged: usize) -> Counts {
        let mut new = self.new.into_inner().unwrap_or_default();
        // A file recorded twice (written, then written over) is what the last write made: in
        // reverse, a stable sort puts the last record of each file first, and it is kept.
        new.reverse();
        new.sort_by(|a, b| a.0.cmp(&b.0));
        new.dedup_by(|a, b| a.0 == b.0);
        let removed = if self.old.is_empty() {
            0
        } else {
            not_in(&self.old, &new).count()
        };
        if let Some(file) = &self.file {
            if let Some(parent) = file.parent() {
                let _ = fs::create_dir_all(parent);
            }
            let temp = file.with_extension(format!("tmp-{}", std::process::id()));
            let previous = self.touched.as_ref().zip(self.old_folders.as_ref());
            let folders = folders_of(output, &new, previous);
            let saved = Saved {
                made: self.made,
                files: new,
                folders,
            };
            if let Ok(bytes) = bincode::serialize(&saved) {
                let bytes = [FORMAT, &bytes].concat();
                if fs::write(&temp, bytes).is_ok() && fs::rename(&temp, file).is_ok() {
                    // Earlier versions named this file `.json` (it never was JSON) and none reads
                    // that one any more.
                    let _ = fs::remove_file(file.with_extension("json"));
                } else {
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

/// The previous output's files (`old`) that are not among `new`.
fn not_in<'a>(
    old: &'a HashMap<String, Entry>,
    new: &'a [(String, Entry)],
) -> impl Iterator<Item = &'a String> + 'a {
    let kept: std::collections::HashSet<&str> = new.iter().map(|(k, _)| k.as_str()).collect();
    old.keys().filter(move |k| !kept.contains(k.as_str()))
}

/// The folders holding the files `files` of the output at `output`, with their times now;
/// `None` when one cannot be read. With `previous` (the folders an update in place touched, and
/// the previous manifest's folders, both sorted), a folder it did not touch keeps its record.
fn folders_of(
    output: &Path,
    files: &[(String, Entry)],
    previous: Option<(&Vec<String>, &Vec<Folder>)>,
) -> Option<Vec<Folder>> {
    use rayon::prelude::*;
    let mut rels: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    rels.insert("");
    for (rel, _) in files {
        let mut at = rel.as_str();
        while let Some(slash) = at.rfind('/') {
            at = &at[..slash];
            if !rels.insert(at) {
                break;
            }
        }
    }
    let now = mtime_of_time(SystemTime::now());
    let racy = crate::inputs::RACY.as_nanos();
    // Each folder with the record it keeps, if any (both lists are sorted by path).
    let (mut touched, mut old) = match previous {
        Some((touched, old)) => (touched.iter().peekable(), old.iter().peekable()),
        None => ([].iter().peekable(), [].iter().peekable()),
    };
    let rels: Vec<(&str, Option<&Folder>)> = rels
        .into_iter()
        .map(|rel| {
            while touched.next_if(|t| t.as_str() < rel).is_some() {}
            while old.next_if(|f| f.rel.as_str() < rel).is_some() {}
            let is_touched = touched.peek().is_some_and(|t| t.as_str() == rel);
            let record = old.peek().filter(|f| f.rel == rel && !is_touched);
            (rel, record.copied())
        })
        .collect();
    rels.into_par_iter()
        .map(|(rel, record)| {
            if let Some(folder) = record {
                return Some(folder.clone());
            }
            let meta = fs::symlink_metadata(output.join(rel)).ok()?;
            let mtime = mtime_of(&meta);
            meta.is_dir().then(|| Folder {
                rel: rel.to_string(),
                mtime,
                racy: now.saturating_sub(mtime) < racy,
            })
        })
        .collect()
}

/// Whether the previous output's file `rel` is still what its entry says (nobody changed it).
fn intact(old_root: &Path, rel: &str, entry: &Entry) -> bool {
    fs::symlink_metadata(old_root.join(rel)).is_ok_and(|meta| unchanged_since(&meta, entry))
}

/// Whether a file is still the one `entry` recorded (same length and modification time).
fn unchanged_since(meta: &fs::Metadata, entry: &Entry) -> bool {
    entry.records(meta.is_file(), meta.len(), mtime_of(meta))
}

impl Entry {
    /// Whether a file (a regular file or not, its length and modification time) is the one
    /// this entry recorded.
    fn records(&self, is_file: bool, len: u64, mtime: u128) -> bool {
        is_file && len == self.len && mtime == self.mtime
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A file is compared through the opened folder exactly as by its whole path: the same
    /// answer for an untouched file, an edited one, one whose time moved, a link and a folder.
    #[test]
    fn files_compared_inside_the_opened_folder_as_by_their_whole_path() {
        let root = tempfile::tempdir().expect("temp dir");
        let dir = root.path();
        fs::create_dir_all(dir.join("2025/مقال")).unwrap();
        let rel = "2025/مقال/index.html";
        fs::write(dir.join(rel), "<p>نص</p>").unwrap();
        let meta = fs::metadata(dir.join(rel)).unwrap();
        let entry = Entry {
            len: meta.len(),
            hash: 0,
            mtime: mtime_of(&meta),
            inputs: None,
        };
        let opened = OldRoot::open(dir);
        assert!(opened.handle.is_some());
        let both = |rel: &str, entry: &Entry| {
            let answer = opened.unchanged(rel, entry);
            assert_eq!(answer, intact(dir, rel, entry), "{rel}");
            answer
        };
        assert!(both(rel, &entry));
        assert!(!both("2025/missing.html", &entry));
        assert!(!both("2025/مقال", &entry), "a folder");
        std::os::unix::fs::symlink(dir.join(rel), dir.join("link.html")).unwrap();
        assert!(!both("link.html", &entry), "a link, even to the same file");
        set_mtime(&dir.join(rel), entry.mtime - 7_000_000_000).unwrap();
        assert!(!both(rel, &entry), "its time moved");
        fs::write(dir.join(rel), "<p>نص آخر</p>").unwrap();
        set_mtime(&dir.join(rel), entry.mtime).unwrap();
        assert!(!both(rel, &entry), "other bytes, of another length");
    }

    #[test]
    fn a_saved_manifest_is_read_back_and_replaces_the_misnamed_one_of_earlier_versions() {
        let root = tempfile::tempdir().expect("temp dir");
        let file = path_for(root.path(), &root.path().join("public"));
        assert_eq!(file.extension().and_then(|e| e.to_str()), Some("manifest"));
        let legacy = file.with_extension("json");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&legacy, b"warraq-manifest-2\nold").unwrap();
        let mut manifest = Manifest::load(file.clone());
        assert!(manifest.previous().is_none());
        manifest.set_made(Made {
            inputs: 7,
            articles: 3,
            pages: 12,
        });
        manifest.finish(root.path(), 0, 0);
        assert!(file.is_file());
        assert!(!legacy.exists(), "the old file is gone");
        let again = Manifest::load(file);
        assert_eq!(
            again.previous().map(|m| (m.inputs, m.articles, m.pages)),
            Some((7, 3, 12))
        );
    }

    /// An output of three files in nested folders with its manifest saved, the folders' times
    /// taken `settle` after the last write (racy when shorter than `RACY`).
    fn output_with_manifest(settle: Duration) -> (tempfile::TempDir, PathBuf, Manifest) {
        let root = tempfile::tempdir().expect("temp dir");
        let output = root.path().join("public");
        let file = path_for(root.path(), &output);
        let manifest = Manifest::load(file.clone());
        for rel in ["index.html", "2025/a/index.html", "tags/x/index.html"] {
            let path = output.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, rel).unwrap();
            let meta = fs::metadata(&path).unwrap();
            manifest.record(
                rel,
                Entry {
                    len: meta.len(),
                    hash: 0,
                    mtime: mtime_of(&meta),
                    inputs: None,
                },
            );
        }
        std::thread::sleep(settle);
        manifest.finish(&output, 3, 0);
        (root, output, Manifest::load(file))
    }

    #[test]
    fn a_file_added_by_hand_anywhere_in_the_output_is_seen_without_walking_it() {
        for settle in [
            Duration::ZERO,
            crate::inputs::RACY + Duration::from_millis(20),
        ] {
            let (_root, output, manifest) = output_with_manifest(settle);
            let folders = manifest.old_folders.clone().expect("folders recorded");
            let rels: Vec<&str> = folders.iter().map(|f| f.rel.as_str()).collect();
            assert_eq!(rels, ["", "2025", "2025/a", "tags", "tags/x"]);
            assert_eq!(
                folders.iter().all(|f| f.racy),
                settle.is_zero(),
                "{settle:?}: {folders:?}"
            );
            assert!(manifest.output_intact(&output), "{settle:?}");
            // A file added by hand deep inside, then a folder.
            let extra = output.join("2025/a/extra.html");
            fs::write(&extra, "x").unwrap();
            assert!(!manifest.output_intact(&output), "{settle:?}: added file");
            fs::remove_file(&extra).unwrap();
            let (_root, output, manifest) = output_with_manifest(settle);
            fs::create_dir(output.join("tags/y")).unwrap();
            assert!(!manifest.output_intact(&output), "{settle:?}: added folder");
            // A listed file changed by hand.
            let (_root, output, manifest) = output_with_manifest(settle);
            fs::write(output.join("tags/x/index.html"), "changed by hand").unwrap();
            assert!(!manifest.output_intact(&output), "{settle:?}: changed file");
        }
    }

    /// A file added to a folder right after its time was taken can leave the time as it was
    /// (file systems keep times in steps): such a folder's entries are read.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_racy_folder_has_its_entries_read() {
        use rustix::fs::{utimensat, AtFlags, Timespec, Timestamps, CWD};
        let (_root, output, manifest) = output_with_manifest(Duration::ZERO);
        let folder = output.join("2025/a");
        let before = fs::metadata(&folder).unwrap().modified().unwrap();
        fs::write(folder.join("extra.html"), "x").unwrap();
        let at = before.duration_since(UNIX_EPOCH).unwrap();
        let time = Timespec {
            tv_sec: at.as_secs() as i64,
            tv_nsec: i64::from(at.subsec_nanos()),
        };
        let times = Timestamps {
            last_access: time,
            last_modification: time,
        };
        utimensat(CWD, &folder, &times, AtFlags::empty()).unwrap();
        assert_eq!(fs::metadata(&folder).unwrap().modified().unwrap(), before);
        assert!(!manifest.output_intact(&output));
    }
}
