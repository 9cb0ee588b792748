//! Writing the output safely. A build renders into a temporary sibling folder; only when every
//! page is written does it take the place of the previous output, so a failed build leaves the
//! published site byte-identical. A rebuild whose manifest knows the previous output writes only
//! its changed files there and then updates the output in place (undone if that fails, see
//! [`Staging::commit`]); other builds write the whole output there and swap it in. A marker file
//! identifies folders warraq made: a non-empty folder without it is never replaced, so a
//! mistyped `--output` cannot empty anything.

pub mod manifest;

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use manifest::{mtime_of, Counts, Entry, Manifest};

use crate::diagnostics::{Diagnostic, Failure};
use crate::render::templates::STATIC_DEFAULTS;
use crate::render::Sink;

/// The file that marks a folder as warraq's output.
pub const MARKER: &str = ".warraq-output";

/// An output being written into a temporary folder.
#[derive(Debug)]
pub struct Staging {
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
    /// The previous build's files: identical ones are linked, not written.
    manifest: Manifest,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// The previous output is updated in place (see [`Staging::commit`]): the temporary folder
    /// holds only the files this build changes, and unchanged ones stay where they are.
    in_place: bool,
    /// With `in_place`, the files written into the temporary folder.
    changed: std::sync::Mutex<Vec<String>>,
    /// Held until the build ends (see [`lock`]).
    _lock: Lock,
}

/// Problems with the output folder itself (usage or I/O trouble: exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to replace `{0}`: it is not empty and was not made by warraq")]
    Foreign(PathBuf),
    #[error("`{0}` exists and is not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot write `{path}`: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("another warraq build is writing `{0}` now")]
    Busy(PathBuf),
}

impl OutputError {
    /// What to do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            OutputError::Foreign(_) => {
                Some("choose an empty or new folder with --output, or empty this one yourself")
            }
            OutputError::Busy(_) => Some(
                "wait for it to finish (or stop it) and build again; two builds at once would each replace the other's output",
            ),
            _ => None,
        }
    }
}

impl From<OutputError> for Failure {
    fn from(e: OutputError) -> Self {
        let d = Diagnostic::new(None, e.to_string());
        Failure::Usage(match e.hint() {
            Some(h) => d.with_hint(h),
            None => d,
        })
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How many articles the warraq output in `target` holds, from its marker (0 when unknown).
pub fn published_articles(target: &Path) -> usize {
    fs::read_to_string(target.join(MARKER))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("articles: "))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Checks that `target` may be replaced: missing, empty, or a previous warraq output.
pub fn check_replaceable(target: &Path) -> Result<(), OutputError> {
    match fs::metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(OutputError::Io {
            path: target.to_path_buf(),
            source: e,
        }),
        Ok(m) if !m.is_dir() => Err(OutputError::NotAFolder(target.to_path_buf())),
        Ok(_) => {
            if target.join(MARKER).is_file() {
                return Ok(());
            }
            let mut entries = fs::read_dir(target).map_err(io_err(target))?;
            if entries.next().is_none() {
                Ok(())
            } else {
                Err(OutputError::Foreign(target.to_path_buf()))
            }
        }
    }
}

impl Staging {
    /// Prepares a temporary folder beside `target`, keeping the manifest of what it publishes
    /// in `manifest` (see [`manifest`]): files whose bytes did not change since the previous
    /// build are kept (left in place, or linked from it), keeping their modification time.
    pub fn with_manifest(
        target: &Path,
        mut manifest: Manifest,
        lock: Lock,
    ) -> Result<Staging, OutputError> {
        let mut staging = Staging::new_locked(target, lock)?;
        // A manifest describes the output it was written for; without that output it is stale.
        if !target.join(MARKER).is_file() {
            manifest.stale();
        }
        staging.in_place = manifest.updatable_in_place(target);
        staging.manifest = manifest;
        Ok(staging)
    }

    /// Records what makes this output (saved with its manifest at [`Staging::commit`]).
    pub fn set_made(&mut self, made: manifest::Made) {
        self.manifest.set_made(made);
    }

    /// Prepares a temporary folder beside `target`.
    pub fn new(target: &Path) -> Result<Staging, OutputError> {
        let lock = lock(target)?;
        Staging::new_locked(target, lock)
    }

    /// [`Staging::new`] with the output's [`lock`] taken (taken now when it could not be then).
    fn new_locked(target: &Path, lock: Lock) -> Result<Staging, OutputError> {
        check_replaceable(target)?;
        let (parent, name) = parent_and_name(target);
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let lock = match lock.file {
            None => self::lock(target)?,
            Some(_) => lock,
        };
        let temp = parent.join(beside(&name, Beside::Temporary, std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io_err(&temp))?;
        }
        fs::create_dir(&temp).map_err(io_err(&temp))?;
        Ok(Staging {
            temp,
            target: target.to_path_buf(),
            committed: false,
            manifest: Manifest::none(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            in_place: false,
            changed: Default::default(),
            _lock: lock,
        })
    }

    /// The temporary folder (for `check`, which reads a build without publishing it: a
    /// staging without a manifest holds the whole output).
    pub fn path(&self) -> &Path {
        debug_assert!(!self.in_place);
        &self.temp
    }

    /// Creates the file `path` of the temporary folder; updating in place, its folder is created
    /// when the first file in it is written (most folders get none).
    fn create(&self, path: &Path) -> io::Result<fs::File> {
        match fs::File::create(path) {
            Err(e) if self.in_place && e.kind() == io::ErrorKind::NotFound => {
                self.create_parent(path)?;
                fs::File::create(path)
            }
            other => other,
        }
    }

    /// Creates the folders above `path` when updating in place (all are made beforehand
    /// otherwise, see [`Staging::create_folders`]).
    fn create_parent(&self, path: &Path) -> io::Result<()> {
        match path.parent() {
            Some(parent) if self.in_place => fs::create_dir_all(parent),
            _ => Ok(()),
        }
    }

    /// Creates the folders of all these files once, parents first. Creating folders is the
    /// slowest file-system call a build makes; doing it per file (and racing between threads)
    /// doubled the system time of a 10k-article build.
    pub fn create_folders<'a>(
        &self,
        files: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), Failure> {
        if self.in_place {
            return Ok(());
        }
        let mut folders = std::collections::BTreeSet::new();
        for rel in files {
            let mut parent = Path::new(rel).parent();
            while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
                if !folders.insert(p.to_path_buf()) {
                    break;
                }
                parent = p.parent();
            }
        }
        for folder in folders {
            let rel = folder.to_string_lossy();
            let path = self.resolve(&rel)?;
            match fs::create_dir(&path) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                    return Err(self.io_failure(&rel, &e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Writes one file whose folder exists (see [`Staging::create_folders`]), `rel` being a
    /// relative path with forward slashes.
    pub fn write_file(&self, rel: &str, bytes: &[u8]) -> Result<(), Failure> {
        self.write_made_from(rel, bytes, None)
    }

    /// [`Staging::write_file`] for a rendered page, remembering the fingerprint of what it was
    /// made from (see [`Sink::keep`]).
    fn write_made_from(&self, rel: &str, bytes: &[u8], inputs: Option<u64>) -> Result<(), Failure> {
        let path = self.resolve(rel)?;
        if !self.manifest.is_kept() {
            return fs::write(&path, bytes).map_err(|e| self.io_failure(rel, &e));
        }
        let len = bytes.len() as u64;
        let hash = xxhash_rust::xxh3::xxh3_64(bytes);
        if let Some(entry) = self.manifest.reusable(&self.target, rel, len, hash) {
            if self.link_previous(rel, &path) {
                self.manifest.record(rel, Entry { inputs, ..entry });
                return Ok(());
            }
        }
        // Written through one handle, whose metadata is then read without another path lookup.
        let mtime = self
            .create(&path)
            .and_then(|mut f| {
                io::Write::write_all(&mut f, bytes)?;
                f.metadata()
            })
            .map_err(|e| self.io_failure(rel, &e))
            .map(|m| mtime_of(&m))?;
        self.record_written(
            rel,
            Entry {
                len,
                hash,
                mtime,
                inputs,
            },
        );
        Ok(())
    }

    /// Records a file this build wrote (not linked from the previous output).
    fn record_written(&self, rel: &str, entry: Entry) {
        self.manifest.record(rel, entry);
        self.written.fetch_add(1, Ordering::Relaxed);
        if self.in_place {
            if let Ok(mut changed) = self.changed.lock() {
                changed.push(rel.to_string());
            }
        }
    }

    /// Links the previous output's `rel` into the new one (its manifest entry said it holds
    /// what this build wants there); counts it unchanged. Updating in place, it stays where it
    /// is.
    fn link_previous(&self, rel: &str, path: &Path) -> bool {
        let linked = self.in_place || fs::hard_link(self.target.join(rel), path).is_ok();
        if linked {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        linked
    }

    /// Links the previous output's `rel` into the new one when it holds these bytes.
    fn reuse(&self, rel: &str, path: &Path, len: u64, hash: u64) -> bool {
        let Some(entry) = self.manifest.reusable(&self.target, rel, len, hash) else {
            return false;
        };
        if !self.link_previous(rel, path) {
            return false;
        }
        self.manifest.record(rel, entry);
        true
    }

    /// Records a file just written.
    fn wrote(&self, rel: &str, path: &Path, len: u64, hash: u64) {
        let mtime = fs::metadata(path).map(|m| mtime_of(&m)).unwrap_or(0);
        self.record_written(
            rel,
            Entry {
                len,
                hash,
                mtime,
                inputs: None,
            },
        );
    }

    /// One I/O failure while writing the site: names the output folder (what the user chose),
    /// the OS reason, and the file that was being written.
    fn io_failure(&self, rel: &str, e: &io::Error) -> Failure {
        let hint = match e.raw_os_error() {
            Some(28) => "free some space on that disk, or choose another folder with --output",
            Some(36) => "a file name is too long for this file system; shorten the slug or tag it comes from",
            Some(13) | Some(30) => "make the folder writable, or choose another folder with --output",
            _ => "check the folder and the disk, or choose another folder with --output",
        };
        Failure::Usage(
            Diagnostic::new(
                None,
                format!(
                    "cannot write the site into `{}`: {e} (while writing {rel})",
                    self.target.display()
                ),
            )
            .with_hint(hint),
        )
    }

    fn resolve(&self, rel: &str) -> Result<PathBuf, Failure> {
        let rel_path = Path::new(rel);
        if rel_path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(Failure::Usage(Diagnostic::new(
                None,
                format!("refusing to write outside the output folder: `{rel}`"),
            )));
        }
        Ok(self.temp.join(rel_path))
    }

    /// Copies the embedded default static files, then the site's own (`own`, as
    /// [`site_static`] lists them) over them, but for those at the output paths `replaced` (a
    /// page is written there).
    pub fn copy_static(
        &self,
        mut own: Vec<(String, PathBuf)>,
        replaced: &[String],
    ) -> Result<(), Failure> {
        own.retain(|(key, _)| !replaced.contains(key));
        self.create_folders(
            STATIC_DEFAULTS
                .iter()
                .map(|(name, _)| *name)
                .chain(own.iter().map(|(key, _)| key.as_str())),
        )?;
        // The site's own files replace the defaults of the same name.
        for (name, bytes) in STATIC_DEFAULTS {
            if !own.iter().any(|(key, _)| key == name) {
                self.write_file(name, bytes)?;
            }
        }
        for (key, from) in own {
            let bytes = fs::read(&from).map_err(|e| {
                Failure::Usage(Diagnostic::new(Some(&from), format!("cannot read: {e}")))
            })?;
            self.write_file(&key, &bytes)?;
        }
        Ok(())
    }

    /// Puts the new output in place of the old one (updating it in place when the temporary
    /// folder holds only the changes, see [`Staging::update_in_place`]; else swapping the
    /// whole folder in); says how many files were written, kept unchanged and removed.
    pub fn commit(mut self, articles: usize) -> Result<Counts, OutputError> {
        let marker = format!("This folder is generated by warraq and replaced by every build.\narticles: {articles}\n");
        self.write_file(MARKER, marker.as_bytes())
            .map_err(|_| OutputError::Io {
                path: self.temp.join(MARKER),
                source: io::Error::other("cannot write the marker file"),
            })?;
        // Re-check: the target may have changed while we rendered.
        check_replaceable(&self.target)?;
        if self.in_place {
            if self.update_in_place()? {
                return Ok(self.finish());
            }
            self.fill_in()?;
        }
        let (_, name) = parent_and_name(&self.target);
        let old = self
            .temp
            .with_file_name(beside(&name, Beside::Previous, std::process::id()));
        let had_old = self.target.exists();
        if had_old && exchange(&self.temp, &self.target) {
            // In one step: the new output is in place and the previous one has the temporary
            // folder's name (a build killed while removing it leaves no site without output).
            self.committed = true;
            remove_in_parallel(&self.temp);
        } else {
            // Two renames (a system or file system that cannot exchange): a build killed
            // between them leaves the previous output beside the place it left, and the next
            // build puts it back first (see `remove_leftovers`).
            if had_old {
                fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
            }
            if let Err(e) = fs::rename(&self.temp, &self.target) {
                if had_old {
                    let _ = fs::rename(&old, &self.target);
                }
                return Err(OutputError::Io {
                    path: self.target.clone(),
                    source: e,
                });
            }
            self.committed = true;
            if had_old {
                remove_in_parallel(&old);
            }
        }
        Ok(self.finish())
    }

    /// Counts, and saves the manifest of the output now in place.
    fn finish(&mut self) -> Counts {
        let manifest = std::mem::take(&mut self.manifest);
        manifest.finish(
            &self.target,
            self.written.load(Ordering::Relaxed),
            self.unchanged.load(Ordering::Relaxed),
        )
    }

    /// Updates the previous output in place: the files this build wrote take the place of
    /// theirs, and the files it no longer has are removed; the files it kept were never
    /// touched. False (nothing done) when the whole output is better swapped: a file became a
    /// folder or a folder a file, or most files changed (replacing each, then removing the
    /// copies kept for undoing, costs more than linking the few unchanged ones).
    ///
    /// A failure undoes what was done, so the previous output stays as it was. The replaced
    /// and removed files are kept (linked) beside the output until the end for that; the
    /// manifest is set aside meanwhile, so that after a build killed in the middle the next one
    /// trusts nothing of the output and writes it whole.
    fn update_in_place(&mut self) -> Result<bool, OutputError> {
        let changed = self.changed.get_mut().unwrap_or_else(|e| e.into_inner());
        // (the output's folders are as the manifest says: see `Manifest::updatable_in_place`)
        let reshaped = || {
            changed.iter().any(|rel| {
                fs::symlink_metadata(self.target.join(rel)).is_ok_and(|m| m.is_dir())
                    || folders_above(rel).any(|folder| self.manifest.had_file(folder))
            })
        };
        if changed.len() > self.manifest.previous_files() / 2 || reshaped() {
            return Ok(false);
        }
        // One file written twice in a build (a generated file over a static one of the same
        // name) is one change: applied twice, its previous version was set aside twice.
        let mut changed = std::mem::take(changed);
        changed.sort_unstable();
        changed.dedup();
        let dropped = self.manifest.dropped();
        let (parent, name) = parent_and_name(&self.target);
        let kept = parent.join(beside(&name, Beside::Replaced, std::process::id()));
        if kept.exists() {
            remove_in_parallel(&kept);
        }
        fs::create_dir(&kept).map_err(io_err(&kept))?;
        let aside = self.manifest.set_aside();
        let mut done = Done::default();
        if let Err(e) = self.apply(&changed, &dropped, &kept, &mut done) {
            self.undo(&done, &kept);
            self.manifest.put_back(aside);
            remove_in_parallel(&kept);
            return Err(e);
        }
        self.committed = true;
        self.manifest
            .touched(changed.iter().chain(&dropped).map(String::as_str));
        // The folders left empty by removed files go too, deepest first.
        let mut emptied: Vec<&str> = dropped.iter().flat_map(|rel| folders_above(rel)).collect();
        emptied.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        emptied.dedup();
        for folder in emptied {
            let _ = fs::remove_dir(self.target.join(folder));
        }
        remove_in_parallel(&self.temp);
        remove_in_parallel(&kept);
        if let Some(aside) = aside {
            let _ = fs::remove_file(aside);
        }
        Ok(true)
    }

    /// The steps of [`Staging::update_in_place`], each recorded in `done` as it is made.
    fn apply(
        &self,
        changed: &[String],
        dropped: &[String],
        kept: &Path,
        done: &mut Done,
    ) -> Result<(), OutputError> {
        // Folders the new files need, parents first.
        let mut folders: Vec<&str> = changed.iter().flat_map(|rel| folders_above(rel)).collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            let path = self.target.join(folder);
            match fs::create_dir(&path) {
                Ok(()) => done.folders.push(path),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(OutputError::Io { path, source: e }),
            }
        }
        // The previous files replaced or removed are kept for undoing.
        let keep = |rel: &str, link: bool| -> Result<bool, OutputError> {
            let from = self.target.join(rel);
            let to = kept.join(rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent).map_err(io_err(parent))?;
            }
            let result = if link {
                fs::hard_link(&from, &to)
            } else {
                fs::rename(&from, &to)
            };
            match result {
                Ok(()) => Ok(true),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
                Err(e) => Err(OutputError::Io {
                    path: from,
                    source: e,
                }),
            }
        };
        for rel in changed {
            if keep(rel, true)? {
                done.kept.push(rel.clone());
            }
        }
        for rel in dropped {
            if keep(rel, false)? {
                done.removed.push(rel.clone());
            }
        }
        for rel in changed {
            let to = self.target.join(rel);
            fs::rename(self.temp.join(rel), &to).map_err(io_err(&to))?;
            done.moved.push(rel.clone());
        }
        Ok(())
    }

    /// Undoes what [`Staging::apply`] did (best effort: a step that fails leaves that file as the
    /// new build had it).
    fn undo(&self, done: &Done, kept: &Path) {
        let was: std::collections::HashSet<&str> = done.kept.iter().map(String::as_str).collect();
        for rel in &done.moved {
            if !was.contains(rel.as_str()) {
                let _ = fs::remove_file(self.target.join(rel));
            }
        }
        for rel in done.kept.iter().chain(&done.removed) {
            let _ = fs::rename(kept.join(rel), self.target.join(rel));
        }
        for folder in done.folders.iter().rev() {
            let _ = fs::remove_dir(folder);
        }
    }

    /// Makes the temporary folder the whole new output after all, for [`Staging::commit`] to
    /// swap in: the files this build kept are linked into it from the previous output.
    fn fill_in(&mut self) -> Result<(), OutputError> {
        let changed: std::collections::HashSet<String> =
            std::mem::take(self.changed.get_mut().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .collect();
        for (rel, _) in self.manifest.recorded() {
            if changed.contains(&rel) {
                continue;
            }
            let to = self.temp.join(&rel);
            self.create_parent(&to)
                .and_then(|_| fs::hard_link(self.target.join(&rel), &to))
                .map_err(io_err(&to))?;
        }
        self.in_place = false;
        Ok(())
    }
}

/// What an update in place did, for undoing it.
#[derive(Default)]
struct Done {
    /// Folders created in the output.
    folders: Vec<PathBuf>,
    /// Previous files linked aside before being replaced.
    kept: Vec<String>,
    /// Previous files moved aside (the build no longer has them).
    removed: Vec<String>,
    /// New files moved into the output.
    moved: Vec<String>,
}

/// The folders above a relative path, nearest last: `a/b/c.html` gives `a`, then `a/b`.
fn folders_above(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(i, _)| &rel[..i])
}

/// What a build keeps beside the output it writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Beside {
    /// The new output while it is written.
    Temporary,
    /// The previous output while it is removed.
    Previous,
    /// The previous files an update in place replaces, kept until it is done.
    Replaced,
}

/// The name of what build `pid` keeps beside the output `name`: `.<name>.warraq-tmp-<pid>` or
/// `.<name>.warraq-old-<pid>` (see [`remove_leftovers`]).
fn beside(name: &str, kind: Beside, pid: u32) -> String {
    format!("{}{pid}", beside_prefix(name, kind))
}

fn beside_prefix(name: &str, kind: Beside) -> String {
    let kind = match kind {
        Beside::Temporary => "tmp",
        Beside::Previous => "old",
        Beside::Replaced => "replaced",
    };
    format!(".{name}.warraq-{kind}-")
}

/// The lock file of the output `name` (see [`lock`]), in the folder the output is in.
fn lock_file(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.warraq-lock"))
}

/// The folder an output is in and the output's name.
fn parent_and_name(target: &Path) -> (PathBuf, String) {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    (parent, name)
}

/// One build's hold on an output (see [`lock`]); let go when dropped.
#[derive(Debug)]
pub struct Lock {
    /// The locked file (none where the file system cannot lock, or nothing was there to lock).
    file: Option<fs::File>,
}

/// Takes the output `target` for one build, before it reads anything, so that a second build
/// of it stops at once instead of after loading the whole archive; then removes what killed
/// builds of it left.
///
/// Nothing is created for it: a folder that does not exist yet holds no output to take (the
/// build takes the lock when it creates the folder, see [`Staging::with_manifest`]). An output
/// that may not be replaced ([`check_replaceable`]) is refused first: before the archive is
/// loaded, and without a lock file left beside a file or someone else's folder.
pub fn lock(target: &Path) -> Result<Lock, OutputError> {
    check_replaceable(target)?;
    let (parent, name) = parent_and_name(target);
    if !parent.is_dir() {
        return Ok(Lock { file: None });
    }
    let lock = lock_beside(&parent, &name, target)?;
    if lock.is_some() {
        remove_leftovers(&parent, &name);
    }
    Ok(Lock { file: lock })
}

/// Locks the output `name` in `parent` for one build: the file `.<name>.warraq-lock` beside it,
/// locked (an advisory lock, which the system lets go however the build ends) until the
/// returned file is dropped. Another build holding it is an error; a file system that cannot
/// lock (some network ones) builds without the lock, as before locks were taken.
fn lock_beside(parent: &Path, name: &str, target: &Path) -> Result<Option<fs::File>, OutputError> {
    let path = lock_file(parent, name);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Err(OutputError::Busy(target.to_path_buf())),
        Err(fs::TryLockError::Error(_)) => Ok(None),
    }
}

/// [`remove_leftovers`] for the output `target` when no build is writing it (a build that finds
/// nothing to do still tidies what a killed one left).
pub fn tidy(target: &Path) {
    let (parent, name) = parent_and_name(target);
    let Ok(file) = fs::OpenOptions::new()
        .write(true)
        .open(lock_file(&parent, &name))
    else {
        return;
    };
    if file.try_lock().is_ok() {
        remove_leftovers(&parent, &name);
    }
}

/// Swaps two folders in one step (Linux's `renameat2` with `RENAME_EXCHANGE`); false where the
/// system or file system cannot, and nothing changed then.
fn exchange(a: &Path, b: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        false
    }
}

/// Removes what builds of the output `name` that did not end left beside it (the process was
/// killed, the machine stopped): their temporary folders and the previous outputs they were
/// removing. A build stopped between moving the previous output aside and putting its own in
/// place left no output at all: that previous output is put back first, so a failing build
/// after it still leaves the site as it was. Only called with the output's lock held, so none of
/// them is any build's now.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    // The folders builds of this output left, by what they were.
    let left: Vec<(Beside, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let file_name = e.file_name();
            let file_name = file_name.to_string_lossy();
            let kind = [Beside::Temporary, Beside::Previous, Beside::Replaced]
                .into_iter()
                .find(|&kind| {
                    file_name
                        .strip_prefix(beside_prefix(name, kind).as_str())
                        .is_some_and(|pid| {
                            !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
                        })
                })?;
            Some((kind, e.path()))
        })
        .collect();
    let target = parent.join(name);
    let mut restored = None;
    if matches!(fs::symlink_metadata(&target), Err(e) if e.kind() == io::ErrorKind::NotFound) {
        let newest = left
            .iter()
            .filter(|(kind, path)| *kind == Beside::Previous && path.join(MARKER).is_file())
            .max_by_key(|(_, path)| fs::metadata(path).and_then(|m| m.modified()).ok());
        if let Some((_, path)) = newest {
            if fs::rename(path, &target).is_ok() {
                restored = Some(path);
            }
        }
    }
    for (_, path) in &left {
        if Some(path) != restored {
            remove_in_parallel(path);
        }
    }
}

/// Removes a folder, its top-level entries in parallel (an archive has thousands of files and a
/// single-threaded delete is a visible part of a rebuild). Failures leave litter, not damage.
fn remove_in_parallel(dir: &Path) {
    use rayon::prelude::*;
    // A link is removed, never what it points to.
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        let _ = fs::remove_file(dir);
        return;
    }
    if let Ok(entries) = fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.par_iter().for_each(|p| {
            let _ = if p.is_dir() {
                fs::remove_dir_all(p)
            } else {
                fs::remove_file(p)
            };
        });
    }
    let _ = fs::remove_dir_all(dir);
}

impl Sink for Staging {
    fn prepare(&self, files: &[String]) -> Result<(), Failure> {
        self.create_folders(files.iter().map(String::as_str))
    }

    fn write(&self, file: &str, bytes: Vec<u8>) -> Result<(), Failure> {
        self.write_file(file, &bytes)
    }

    fn remembers(&self) -> bool {
        self.manifest.is_kept()
    }

    fn keep(&self, file: &str, inputs: u64) -> bool {
        let Some(entry) = self.manifest.made_from(&self.target, file, inputs) else {
            return false;
        };
        let Ok(path) = self.resolve(file) else {
            return false;
        };
        let linked = self.link_previous(file, &path);
        if linked {
            self.manifest.record(file, entry);
        }
        linked
    }

    fn write_made(&self, file: &str, bytes: Vec<u8>, inputs: u64) -> Result<(), Failure> {
        self.write_made_from(file, &bytes, Some(inputs))
    }

    fn previous(&self, file: &str) -> Option<Vec<u8>> {
        let entry = self.manifest.previous_entry(&self.target, file)?;
        let bytes = fs::read(self.target.join(file)).ok()?;
        (bytes.len() as u64 == entry.len && xxhash_rust::xxh3::xxh3_64(&bytes) == entry.hash)
            .then_some(bytes)
    }

    fn carry(&self, file: &str, inputs: u64) -> bool {
        let Some(entry) = self.manifest.previous_entry(&self.target, file) else {
            return false;
        };
        let Ok(path) = self.resolve(file) else {
            return false;
        };
        let linked = self.link_previous(file, &path);
        if linked {
            self.manifest.record(
                file,
                Entry {
                    inputs: Some(inputs),
                    ..entry
                },
            );
        }
        linked
    }

    /// A hard link when the file system allows one (the image cache is beside the output),
    /// otherwise a copy.
    fn copy(&self, file: &str, from: &Path) -> Result<(), Failure> {
        let to = self.resolve(file)?;
        // A file linked from a cache is identified by its source's length and mtime.
        let source = fs::metadata(from).map_err(|e| self.io_failure(file, &e))?;
        let len = source.len();
        let hash = xxhash_rust::xxh3::xxh3_64(&mtime_of(&source).to_le_bytes());
        if self.manifest.is_kept() && self.reuse(file, &to, len, hash) {
            return Ok(());
        }
        self.create_parent(&to)
            .and_then(|_| fs::hard_link(from, &to))
            .or_else(|_| fs::copy(from, &to).map(|_| ()))
            .map_err(|e| self.io_failure(file, &e))?;
        if self.manifest.is_kept() {
            self.wrote(file, &to, len, hash);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// The site's own static files: (output path with forward slashes, file on disk).
pub fn site_static(root: &Path) -> Result<Vec<(String, PathBuf)>, Failure> {
    let dir = root.join("static");
    let mut files = Vec::new();
    let mut misnamed = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(&dir).follow_links(true) {
        let entry = entry.map_err(|e| {
            Failure::Usage(Diagnostic::new(
                Some(&dir),
                format!("cannot read static files: {e}"),
            ))
        })?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            // Published under another name (one with U+FFFD), no link written to it would work.
            if rel.to_str().is_none() {
                misnamed.push(crate::diagnostics::name_not_utf8(
                    &Path::new("static").join(rel),
                    "its name is its URL, and pages name it in UTF-8",
                ));
                continue;
            }
            let key = crate::diagnostics::display_path(rel);
            files.push((key, entry.into_path()));
        }
    }
    if !misnamed.is_empty() {
        return Err(Failure::Site(misnamed));
    }
    Ok(files)
}

/// The static files of a site as data: the embedded defaults, then the site's `static/` over
/// them (for `serve`, which keeps the site in memory).
pub fn static_files(root: &Path) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let mut files: std::collections::BTreeMap<String, Vec<u8>> = STATIC_DEFAULTS
        .iter()
        .map(|(name, bytes)| ((*name).to_string(), bytes.to_vec()))
        .collect();
    for (key, path) in site_static(root)? {
        let bytes = fs::read(&path).map_err(|e| {
            Failure::Usage(Diagnostic::new(Some(&path), format!("cannot read: {e}")))
        })?;
        files.insert(key, bytes);
    }
    Ok(files.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::os::unix::fs::MetadataExt;

    /// Every file under `dir` with its bytes, and every folder (as `None`).
    fn tree(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
        walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                let e = e.unwrap();
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let bytes = e.file_type().is_file().then(|| fs::read(e.path()).unwrap());
                (rel, bytes)
            })
            .collect()
    }

    /// A staging of `target` with its manifest kept at `manifest`, written with `files`.
    fn stage(target: &Path, manifest: &Path, files: &[(&str, &str)]) -> Staging {
        let manifest = Manifest::load(manifest.to_path_buf());
        let staging = Staging::with_manifest(target, manifest, lock(target).unwrap()).unwrap();
        let names: Vec<String> = files.iter().map(|(f, _)| f.to_string()).collect();
        staging.prepare(&names).unwrap();
        for (file, text) in files {
            staging.write_file(file, text.as_bytes()).unwrap();
        }
        staging
    }

    fn inode(path: &Path) -> u64 {
        fs::metadata(path).unwrap().ino()
    }

    /// The entries of `dir` other than `keep`.
    fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !keep.contains(&n.as_str()))
            .collect()
    }

    /// A folder for a test, its output `public` and that output's manifest file.
    fn output() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("cache.manifest");
        (dir, target, manifest)
    }

    /// `files` built from nothing into `dir/fresh`, to compare an updated output with.
    fn fresh(dir: &Path, files: &[(&str, &str)], articles: usize) -> PathBuf {
        let fresh = dir.join("fresh");
        stage(&fresh, &dir.join("fresh.manifest"), files)
            .commit(articles)
            .unwrap();
        fresh
    }

    #[test]
    fn an_update_in_place_changes_only_what_changed_and_removes_what_went() {
        let (dir, target, manifest) = output();
        let first = [
            ("index.html", "home"),
            ("a/index.html", "a"),
            ("a/b/index.html", "b"),
            ("gone/deep/index.html", "gone"),
        ];
        stage(&target, &manifest, &first).commit(3).unwrap();
        let (folder, home) = (inode(&target), inode(&target.join("index.html")));
        let second = [
            ("index.html", "home"),
            ("a/index.html", "a, edited"),
            ("a/b/index.html", "b"),
            ("new/index.html", "new"),
        ];
        let staging = stage(&target, &manifest, &second);
        assert!(staging.in_place);
        let counts = staging.commit(3).unwrap();
        assert_eq!(
            (counts.written, counts.unchanged, counts.removed),
            (2, 3, 1),
            "a/index.html and new/index.html written; the home, b and the marker kept"
        );
        // Exactly what a build from nothing makes: the emptied folders went too.
        let fresh = fresh(dir.path(), &second, 3);
        assert_eq!(tree(&target), tree(&fresh));
        // Changed in place: the output folder and the unchanged file are the same ones.
        assert_eq!(inode(&target), folder);
        assert_eq!(inode(&target.join("index.html")), home);
        // Nothing left beside it but its lock.
        let mut left = others(
            dir.path(),
            &["public", "fresh", "cache.manifest", "fresh.manifest"],
        );
        left.sort();
        assert_eq!(left, [".fresh.warraq-lock", ".public.warraq-lock"]);
        // The manifest saved describes it: a third build with the same files writes none.
        let staging = stage(&target, &manifest, &second);
        assert!(
            staging.in_place,
            "the folders' times it saved are the ones they have"
        );
        let counts = staging.commit(3).unwrap();
        assert_eq!(
            (counts.written, counts.unchanged, counts.removed),
            (0, 5, 0)
        );
        // It still sees a file added by hand, in a folder the update touched or one it did not
        // (whose time it kept from before): the next build swaps in an output without it.
        for folder in ["a", "a/b"] {
            std::thread::sleep(crate::inputs::RACY);
            fs::write(target.join(folder).join("by-hand.html"), "x").unwrap();
            let staging = stage(&target, &manifest, &second);
            assert!(!staging.in_place, "{folder}");
            staging.commit(3).unwrap();
            assert_eq!(tree(&target), tree(&fresh), "{folder}");
        }
    }

    #[test]
    fn a_file_that_becomes_a_folder_swaps_the_whole_output() {
        let (dir, target, manifest) = output();
        stage(&target, &manifest, &[("x", "file"), ("y.html", "y")])
            .commit(1)
            .unwrap();
        let kept = inode(&target.join("y.html"));
        let second = [("x/index.html", "folder"), ("y.html", "y")];
        let staging = stage(&target, &manifest, &second);
        assert!(staging.in_place);
        staging.commit(1).unwrap();
        assert_eq!(tree(&target), tree(&fresh(dir.path(), &second, 1)));
        assert_eq!(inode(&target.join("y.html")), kept, "linked, not rewritten");
    }

    #[test]
    fn a_failed_update_in_place_puts_everything_back() {
        let (dir, target, manifest) = output();
        let first = [
            ("index.html", "home"),
            ("a/index.html", "a"),
            ("b/index.html", "b"),
            ("c/index.html", "c"),
            ("gone/index.html", "gone"),
        ];
        stage(&target, &manifest, &first).commit(4).unwrap();
        let before = tree(&target);
        let saved = fs::read(&manifest).unwrap();
        // a and b replaced, n added, gone removed; b's new file vanishes before it is moved in,
        // after a's and the new folder's were.
        let staging = stage(
            &target,
            &manifest,
            &[
                ("index.html", "home"),
                ("a/index.html", "a2"),
                ("b/index.html", "b2"),
                ("c/index.html", "c"),
                ("n/index.html", "n"),
            ],
        );
        assert!(staging.in_place);
        fs::remove_file(staging.temp.join("b/index.html")).unwrap();
        assert!(staging.commit(4).is_err());
        assert_eq!(tree(&target), before);
        assert_eq!(fs::read(&manifest).unwrap(), saved, "the manifest is back");
        assert_eq!(
            others(dir.path(), &["public", "cache.manifest"]),
            [".public.warraq-lock"]
        );
    }
}
