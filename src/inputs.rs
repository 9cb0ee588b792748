//! What a build reads, as one number: every file of the site's source folders and `site.yaml`
//! (name, length, modification time), the warraq binary and the options that change the output.
//! When the number is the one the output was made from and the output is intact, `warraq build`
//! has nothing to do (see `pipeline::build`).
//!
//! Files are compared by length and modification time, as `make` and `rsync` do: reading and
//! hashing 1.4 GB of sources would cost more than the rest of a no-change build. An edit keeps
//! neither (editors, `git checkout` and `cp` set the time); a tool that writes other bytes of the
//! same length and then puts the old time back would go unseen — `warraq build --clean` rebuilds
//! regardless. File systems keep times in steps (a few milliseconds on Linux), so a file written
//! twice within one step with the same length would look unchanged: when any file changed less
//! than [`RACY`] before the build looked, there is no number and the next build runs in full
//! (git's "racily clean" rule).

use std::hash::Hasher;
use std::path::Path;

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

/// The folders of a site that builds read (besides `site.yaml`); `serve` watches the same.
pub const FOLDERS: [&str; 5] = ["content", "templates", "static", "series", "data"];

/// The file of a site's settings.
pub const SETTINGS: &str = "site.yaml";

/// A file changed this recently may change again without its time moving.
pub const RACY: std::time::Duration = std::time::Duration::from_millis(50);

/// The number of everything a build of `root` with these options reads. `None` when a folder
/// cannot be walked (the build itself then reports the problem) or a file changed just now.
pub fn fingerprint(root: &Path, drafts: bool, base_url: Option<&str>) -> Option<u64> {
    let now = crate::output::manifest::mtime_of_time(std::time::SystemTime::now());
    let mut newest = 0u128;
    let mut h = Xxh3::new();
    h.write_u64(crate::render::fingerprint::binary());
    h.write_u8(u8::from(drafts));
    h.write(base_url.unwrap_or("").as_bytes());
    h.write_u8(0);
    // site.yaml, then each folder's entries, walked in parallel (a walk mostly waits on the
    // kernel) and hashed in name order.
    let mut tops: Vec<std::path::PathBuf> = Vec::new();
    match std::fs::metadata(root.join(SETTINGS)) {
        Ok(_) => tops.push(root.join(SETTINGS)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => return None,
    }
    for folder in FOLDERS {
        if let Ok(entries) = std::fs::read_dir(root.join(folder)) {
            let mut entries: Vec<_> = entries
                .map(|e| e.map(|e| e.path()))
                .collect::<Result<_, _>>()
                .ok()?;
            entries.sort();
            tops.extend(entries);
        }
    }
    let parts: Vec<Option<(u64, u128)>> = tops
        .par_iter()
        .map(|top| {
            let mut h = Xxh3::new();
            let mut newest = 0u128;
            for entry in walkdir::WalkDir::new(top)
                .follow_links(true)
                .sort_by_file_name()
            {
                let entry = entry.ok()?;
                if entry.file_type().is_dir() {
                    continue;
                }
                let meta = entry.metadata().ok()?;
                let rel = entry.path().strip_prefix(root).ok()?;
                h.write(rel.as_os_str().as_encoded_bytes());
                h.write_u8(0);
                h.write_u64(meta.len());
                let mtime = crate::output::manifest::mtime_of(&meta);
                newest = newest.max(mtime);
                h.write_u128(mtime);
            }
            Some((h.digest(), newest))
        })
        .collect();
    for part in parts {
        let (digest, part_newest) = part?;
        h.write_u64(digest);
        newest = newest.max(part_newest);
    }
    (newest + RACY.as_nanos() < now).then(|| h.digest())
}

/// [`fingerprint`], waiting out the racy window once when a file changed just now: a build
/// started right after a save (a script, `git checkout && warraq build`) still records what it
/// was made from, so the build after it can have nothing to do. Costs [`RACY`] and a second
/// walk, only then.
pub fn settled(root: &Path, drafts: bool, base_url: Option<&str>) -> Option<u64> {
    fingerprint(root, drafts, base_url).or_else(|| {
        std::thread::sleep(RACY);
        fingerprint(root, drafts, base_url)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_a_new_file_or_another_option_changes_the_number() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/2025")).unwrap();
        std::fs::write(root.join("content/2025/a.md"), "---\ntitle: أ\n---\n").unwrap();
        let settle = || std::thread::sleep(RACY * 2);
        assert_eq!(fingerprint(root, false, None), None, "just written");
        let waited = settled(root, false, None);
        assert!(waited.is_some(), "settled waits the racy window out");
        settle();
        let first = fingerprint(root, false, None).unwrap();
        assert_eq!(fingerprint(root, false, None), Some(first));
        assert_eq!(waited, Some(first));
        assert_ne!(fingerprint(root, true, None), Some(first));
        assert_ne!(fingerprint(root, false, Some("/x/")), Some(first));
        std::fs::write(root.join("content/2025/a.md"), "---\ntitle: ب ت\n---\n").unwrap();
        settle();
        let edited = fingerprint(root, false, None).unwrap();
        assert_ne!(edited, first);
        std::fs::write(root.join("site.yaml"), "title: x\n").unwrap();
        settle();
        let settings = fingerprint(root, false, None).unwrap();
        assert_ne!(settings, edited);
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::write(root.join("templates/base.html"), "x").unwrap();
        settle();
        assert_ne!(fingerprint(root, false, None), Some(settings));
    }
}
