//! The article store: what loading each article made (its rendered body and plain text, kept in
//! a spill file that outlives the build, and what else rendering the body found), kept between
//! builds beside the site in `.warraq-cache/articles/`. The next build neither reads nor renders
//! an article whose file has the same length, modification time and inode, as long as the links
//! its body resolved still resolve the same way. Its front-matter is deserialised again, from
//! the YAML value kept in the texts file (checked when kept to give the very front-matter its
//! text gives; see [`Kept`](super::front_matter::Kept)), so every check of the front-matters
//! runs as before, without parsing YAML text. The texts file also keeps each article's analysed
//! words ([`crate::index::terms`]), made from its title, tags, summary and plain text, all of
//! which come from the same file.
//!
//! What a kept body was made from:
//! - its file, compared as `make` does (a file changed within [`RACY`] of being looked at is not
//!   kept: it may change again without its time moving);
//! - the binary and the settings loading reads ([`Config::for_loading`](crate::config::Config::for_loading);
//!   [`Store::open`]'s salt: any change starts the store afresh);
//! - every link destination its body resolved, and to what (URL and article): each is resolved
//!   again against this build's articles, and a different answer renders the body again;
//! - nothing else: a body that shows an image (or whose front-matter names a cover) is never kept,
//!   since image files change on their own; nor is one that had a problem.
//!
//! The texts file only grows while builds keep articles (an edited article's new texts go after
//! the old ones); once it holds more than twice what the kept articles use, the next build starts
//! it afresh (and renders every article once). A failed build leaves the store as it was: the
//! index is replaced only at the end of a load that finished, and the texts it names are never
//! written over. Two builds of one site at once: the second builds without the store.

use std::collections::HashMap;
use std::fs::File;
use std::hash::Hasher;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::spill::{Place, Spill};
use crate::inputs::RACY;

/// The store's layout; another number starts it afresh.
const VERSION: u32 = 6;

/// A file as the store compares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    pub len: u64,
    pub mtime: u128,
    pub inode: u64,
}

impl Stat {
    /// The file at `path` (links followed), or `None` when it cannot be read or changed so
    /// recently that it may change again without its time moving.
    pub fn of(path: &Path) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        let mtime = crate::output::manifest::mtime_of(&meta);
        let now = crate::output::manifest::mtime_of_time(std::time::SystemTime::now());
        (mtime + RACY.as_nanos() < now).then_some(Stat {
            len: meta.len(),
            mtime,
            inode: meta.ino(),
        })
    }
}

/// A link destination a body resolved, and what it resolved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub dest: String,
    pub href: Option<String>,
    /// The id of the article it points to.
    pub target: Option<String>,
}

/// One article's kept load.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub stat: Stat,
    /// The file up to its body (what messages point into, and what the front-matter is parsed
    /// from again when no value of it is kept).
    pub front: String,
    pub yaml: (usize, usize),
    /// Where the front-matter read from `front` is in the texts file (see
    /// [`Kept`](super::front_matter::Kept)), and its hash; `None` when it would not read back the
    /// same or the disk refused it: `front` is then parsed again.
    pub front_matter: Option<(Place, u64)>,
    /// The site path the body was rendered for.
    pub path: String,
    pub body: Place,
    pub text: Place,
    pub body_hash: u64,
    pub text_hash: u64,
    pub word_count: u64,
    pub first_html: String,
    pub first_text: String,
    /// Where its headings are in the texts file, and their hash (`None`: it has none).
    pub headings: Option<(Place, u64)>,
    /// Every link destination resolved, in the order the body resolved them.
    pub links: Vec<Link>,
    /// Ids of the articles the body links to.
    pub links_to: Vec<String>,
    /// Where its analysed words are in the texts file (see [`crate::index::terms`]), and
    /// their hash; `None` when the disk refused them.
    pub terms: Option<(Place, u64)>,
}

impl Entry {
    /// Where its texts are in the texts file.
    fn places(&self) -> impl Iterator<Item = Place> {
        [
            Some(self.body),
            Some(self.text),
            self.terms.map(|(p, _)| p),
            self.front_matter.map(|(p, _)| p),
            self.headings.map(|(p, _)| p),
        ]
        .into_iter()
        .flatten()
    }
}

#[derive(Serialize, Deserialize)]
struct Index {
    version: u32,
    salt: u64,
    /// The texts files' common name in the store's folder (see [`texts_files`]).
    texts: String,
    /// How many texts files there are.
    shards: u32,
    entries: Vec<(String, Entry)>,
}

/// The store, open for one build.
#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    _lock: File,
    salt: u64,
    texts: String,
    spill: Arc<Spill>,
    old: HashMap<String, Entry>,
}

/// The number of what every kept article was made with besides its file: the binary and the
/// settings.
pub fn salt(config: &crate::config::Config) -> u64 {
    let mut h = crate::render::fingerprint::HashWriter(xxhash_rust::xxh3::Xxh3::new());
    h.0.write_u32(VERSION);
    h.0.write_u64(crate::render::fingerprint::binary());
    let _ = serde_json::to_writer(&mut h, &config.for_loading());
    h.0.digest()
}

impl Store {
    /// Opens the store in `dir` for a build made with `salt`; `fresh` forgets what it holds
    /// (`--clean`). `None` when another build holds it or the folder cannot be used: that
    /// build renders every article, as without a store.
    pub fn open(dir: &Path, salt: u64, fresh: bool) -> Option<Store> {
        std::fs::create_dir_all(dir).ok()?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("lock"))
            .ok()?;
        lock.try_lock().ok()?;
        let index = (!fresh)
            .then(|| read_index(&dir.join("index.bin")))
            .flatten()
            .filter(|i| i.version == VERSION && i.salt == salt)
            .filter(|i| (1..=crate::content::spill::MAX_SHARDS as u32).contains(&i.shards));
        let usable = index.and_then(|index| {
            let paths = texts_files(dir, &index.texts, index.shards);
            let mut lens = Vec::with_capacity(paths.len());
            for path in &paths {
                lens.push(std::fs::metadata(path).ok()?.len());
            }
            let places = || index.entries.iter().flat_map(|(_, e)| e.places());
            let live: u64 = places().map(|p| u64::from(p.stored)).sum();
            let mut needed = vec![0; lens.len()];
            for p in places() {
                let end = needed.get_mut(usize::from(p.shard))?;
                *end = (*end).max(p.offset + u64::from(p.stored));
            }
            let len: u64 = lens.iter().sum();
            // Mostly texts of articles since edited, or cut short: start afresh.
            if len > 2 * live + (64 << 20) || lens.iter().zip(&needed).any(|(l, n)| l < n) {
                return None;
            }
            let spill = Spill::open(&paths, false, &dir.join("index.bin")).ok()?;
            Some((index.texts, spill, index.entries.into_iter().collect()))
        });
        let (texts, spill, old) = match usable {
            Some(found) => found,
            None => {
                let name = format!(
                    "texts-{:x}",
                    crate::output::manifest::mtime_of_time(std::time::SystemTime::now())
                );
                let shards = crate::content::spill::shards_for_threads() as u32;
                let paths = texts_files(dir, &name, shards);
                let spill = Spill::open(&paths, true, &dir.join("index.bin")).ok()?;
                (name, spill, HashMap::new())
            }
        };
        let store = Store {
            dir: dir.to_path_buf(),
            _lock: lock,
            salt,
            texts,
            spill,
            old,
        };
        store.remove_others(true);
        Some(store)
    }

    /// The file new texts go to (and kept ones are read from).
    pub fn spill(&self) -> &Arc<Spill> {
        &self.spill
    }

    /// Takes the kept load of the article `key` (its id) if its file is still the one it was
    /// made from.
    pub fn take(&mut self, key: &str, stat: Option<Stat>) -> Option<Entry> {
        let entry = self.old.remove(key)?;
        (Some(entry.stat) == stat).then_some(entry)
    }

    /// [`save`](Store::save)s on a thread of its own: writing a whole archive's entries (200 MB
    /// at 100 000 articles) then goes on while the build indexes and renders. The store stays
    /// locked until it is written, and the [`Saving`] waits for it when dropped.
    /// When no thread can be started, it is written at once.
    pub fn save_in_background(self, entries: Vec<(String, Entry)>) -> Saving {
        // A store that cannot be written is only slower next time.
        let work = Arc::new(std::sync::Mutex::new(Some((self, entries))));
        let save = |work: &std::sync::Mutex<Option<Unsaved>>| {
            if let Some((store, entries)) = work.lock().ok().and_then(|mut w| w.take()) {
                let _ = store.save(entries);
            }
        };
        let theirs = work.clone();
        match std::thread::Builder::new()
            .name("store".into())
            .spawn(move || save(&theirs))
        {
            Ok(handle) => Saving(Some(handle)),
            Err(_) => {
                save(&work);
                Saving(None)
            }
        }
    }

    /// Replaces what the store holds with `entries` (every article this build loaded that can
    /// be kept), in one step.
    pub fn save(mut self, entries: Vec<(String, Entry)>) -> io::Result<()> {
        self.old.clear();
        let index = Index {
            version: VERSION,
            salt: self.salt,
            texts: self.texts.clone(),
            shards: self.spill.files() as u32,
            entries,
        };
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        {
            let mut out = io::BufWriter::with_capacity(1 << 20, file.as_file_mut());
            bincode::serialize_into(&mut out, &index).map_err(io::Error::other)?;
            out.flush()?;
        }
        file.persist(self.dir.join("index.bin"))
            .map_err(|e| e.error)?;
        self.remove_others(false);
        Ok(())
    }

    /// Removes the texts files no index names (a store started afresh leaves the old one until
    /// its index replaces the old index). `keep_indexed` also keeps the one the index on disk
    /// names.
    fn remove_others(&self, keep_indexed: bool) {
        let indexed = keep_indexed
            .then(|| read_texts_name(&self.dir.join("index.bin")))
            .flatten();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let texts = name.starts_with("texts-")
                && !is_texts_file(&name, &self.texts)
                && !indexed.as_deref().is_some_and(|i| is_texts_file(&name, i));
            // An index being written when a build was killed.
            let half_written = keep_indexed && name.starts_with(".tmp");
            if texts || half_written {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// A store and the entries it is to be written with.
type Unsaved = (Store, Vec<(String, Entry)>);

/// A store being written on a thread of its own ([`Store::save_in_background`]); waits for it
/// to be written when dropped or [finished](Saving::finish).
#[derive(Debug, Default)]
pub struct Saving(Option<std::thread::JoinHandle<()>>);

impl Saving {
    /// Waits until the store is written.
    pub fn finish(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Saving {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The folder of the article store of the site at `root`.
pub fn dir_of(root: &Path) -> PathBuf {
    root.join(".warraq-cache").join("articles")
}

/// Forgets what the store in `dir` keeps: the next build that opens it starts afresh (and
/// removes the texts file no index names any more).
pub fn forget(dir: &Path) {
    let _ = std::fs::remove_file(dir.join("index.bin"));
}

fn read_index(path: &Path) -> Option<Index> {
    let bytes = std::fs::read(path).ok()?;
    bincode::deserialize(&bytes).ok()
}

/// The paths of the `shards` texts files named `name` in the store's folder `dir`
/// (`texts-…-0.bin`, `texts-…-1.bin`…).
fn texts_files(dir: &Path, name: &str, shards: u32) -> Vec<PathBuf> {
    (0..shards.max(1))
        .map(|k| dir.join(format!("{name}-{k}.bin")))
        .collect()
}

/// Whether the file `file` of the store's folder is one of the texts files named `name`.
fn is_texts_file(file: &str, name: &str) -> bool {
    file.strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('-'))
        .and_then(|rest| rest.strip_suffix(".bin"))
        .is_some_and(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
}

/// The texts files' name an index names, without reading its entries.
fn read_texts_name(path: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct Head {
        _version: u32,
        _salt: u64,
        texts: String,
    }
    let mut file = File::open(path).ok()?;
    let mut head = vec![0; 4096];
    let n = io::Read::read(&mut file, &mut head).ok()?;
    head.truncate(n);
    bincode::deserialize::<Head>(&head).ok().map(|h| h.texts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::spill::Stored;

    fn stat(len: u64) -> Stat {
        Stat {
            len,
            mtime: 1_700_000_000_000_000_000,
            inode: 7,
        }
    }

    /// An entry whose body and text are stored in `store`'s file now.
    fn entry(store: &Store, body: &str, len: u64) -> Entry {
        let html = Stored::new(body.to_string(), Some(store.spill()));
        let text = Stored::new(format!("نص {body}"), Some(store.spill()));
        Entry {
            stat: stat(len),
            front: "---\ntitle: x\n---\n".into(),
            yaml: (4, 13),
            front_matter: None,
            path: "/2025/x/".into(),
            body: html.place().unwrap(),
            text: text.place().unwrap(),
            body_hash: xxhash_rust::xxh3::xxh3_64(body.as_bytes()),
            text_hash: xxhash_rust::xxh3::xxh3_64(format!("نص {body}").as_bytes()),
            word_count: 2,
            first_html: String::new(),
            first_text: String::new(),
            headings: None,
            links: vec![Link {
                dest: "../y.md".into(),
                href: Some("/2025/y/".into()),
                target: Some("2025/y".into()),
            }],
            links_to: vec!["2025/y".into()],
            terms: None,
        }
    }

    /// Whether a build opening the store at `at` finds article `x` kept.
    fn finds_x(at: &Path) -> bool {
        Store::open(at, 1, false)
            .unwrap()
            .take("x", Some(stat(10)))
            .is_some()
    }

    /// The texts files' names in `dir`, each set of shards once (`texts-…`).
    fn texts_sets(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("texts-"))
            .map(|n| n[..n.rfind('-').unwrap()].to_string())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The texts file of `dir`'s only set that the tests' own thread writes into.
    fn first_texts(dir: &Path) -> PathBuf {
        let sets = texts_sets(dir);
        assert_eq!(sets.len(), 1, "{sets:?}");
        dir.join(format!("{}-0.bin", sets[0]))
    }

    #[test]
    fn what_a_build_keeps_the_next_one_finds_for_the_same_file_only() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("articles");
        let store = Store::open(&at, 1, false).unwrap();
        let kept = entry(&store, "<p>متن</p>", 100);
        store.save(vec![("2025/x".into(), kept.clone())]).unwrap();
        let mut store = Store::open(&at, 1, false).unwrap();
        assert!(store.take("2025/y", Some(stat(100))).is_none());
        let found = store.take("2025/x", Some(stat(100))).expect("kept");
        assert_eq!(found.links, kept.links);
        let body = Stored::at(store.spill(), found.body, found.body_hash);
        assert_eq!(body.read().unwrap(), "<p>متن</p>");
        drop(store);
        // Another length, or a file changing right now: not the file it was made from.
        let mut store = Store::open(&at, 1, false).unwrap();
        assert!(store.take("2025/x", Some(stat(101))).is_none());
        let mut store2 = Store::open(&at, 1, false);
        assert!(store2.is_none(), "a second build at once goes without");
        drop(store);
        store2 = Store::open(&at, 1, false);
        assert!(store2.as_mut().unwrap().take("2025/x", None).is_none());
    }

    #[test]
    fn texts_written_by_several_threads_come_back_from_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("articles");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let store = pool.install(|| Store::open(&at, 1, false).unwrap());
        let kept: Vec<(String, Entry)> = pool
            .broadcast(|ctx| {
                (0..20u64)
                    .map(|i| {
                        let n = 100 * ctx.index() as u64 + i;
                        (format!("a{n}"), entry(&store, &format!("<p>{n}</p>"), n))
                    })
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .flatten()
            .collect();
        store.save(kept.clone()).unwrap();
        let files = std::fs::read_dir(&at)
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with("texts-")
            })
            .count();
        assert_eq!(files, 3);
        assert!((0..3).all(|k| kept.iter().any(|(_, e)| e.body.shard == k)));
        // Opened by a build with another number of threads: the files are the store's.
        let mut store = Store::open(&at, 1, false).unwrap();
        for (key, e) in &kept {
            let found = store.take(key, Some(e.stat)).expect("kept");
            let body = Stored::at(store.spill(), found.body, found.body_hash);
            assert_eq!(body.read().unwrap(), format!("<p>{}</p>", e.stat.len));
        }
    }

    #[test]
    fn texts_files_are_told_by_their_name_and_number() {
        assert!(is_texts_file("texts-abc-0.bin", "texts-abc"));
        assert!(is_texts_file("texts-abc-12.bin", "texts-abc"));
        assert!(!is_texts_file("texts-abcd-0.bin", "texts-abc"));
        assert!(!is_texts_file("texts-abc-.bin", "texts-abc"));
        assert!(!is_texts_file("texts-abc-0.bin.tmp", "texts-abc"));
        assert!(!is_texts_file("texts-abc.bin", "texts-abc"));
    }

    #[test]
    fn another_binary_or_settings_or_clean_start_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("articles");
        let store = Store::open(&at, 1, false).unwrap();
        let kept = entry(&store, "<p>أ</p>", 10);
        store.save(vec![("x".into(), kept)]).unwrap();
        let first = texts_sets(&at);
        assert_eq!(first.len(), 1);
        for (salt, clean) in [(2, false), (1, true)] {
            let mut store = Store::open(&at, salt, clean).unwrap();
            assert!(store.take("x", Some(stat(10))).is_none());
            // Until it saves, the old index and its texts stay (a failed build loses nothing).
            assert_eq!(texts_sets(&at).len(), 2);
            drop(store);
            // A build that did not save (it failed): the next one removes its file.
            drop(Store::open(&at, 1, false));
            assert_eq!(texts_sets(&at), first, "an unsaved fresh file goes");
        }
        let store = Store::open(&at, 2, false).unwrap();
        store.save(Vec::new()).unwrap();
        assert_ne!(texts_sets(&at), first, "saved afresh, the old texts go");
        assert_eq!(texts_sets(&at).len(), 1);
    }

    #[test]
    fn a_damaged_store_is_started_afresh_or_refuses_its_damaged_text() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("articles");
        let save = || {
            let store = Store::open(&at, 1, false).unwrap();
            let kept = entry(&store, &"<p>فقرة طويلة</p>".repeat(20), 10);
            store.save(vec![("x".into(), kept)]).unwrap();
        };
        let texts = || first_texts(&at);
        // A garbled index.
        save();
        std::fs::write(at.join("index.bin"), b"not an index").unwrap();
        assert!(!finds_x(&at));
        // Texts cut short.
        save();
        let len = std::fs::metadata(texts()).unwrap().len();
        std::fs::OpenOptions::new()
            .write(true)
            .open(texts())
            .unwrap()
            .set_len(len / 2)
            .unwrap();
        assert!(!finds_x(&at));
        // Mostly texts nobody uses any more.
        save();
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(texts())
            .unwrap();
        file.set_len(65 << 20).unwrap();
        assert!(!finds_x(&at));
        // Bytes changed in place: reading the text fails, and the store is dropped.
        Store::open(&at, 1, true).unwrap().save(Vec::new()).unwrap();
        save();
        let mut bytes = std::fs::read(texts()).unwrap();
        bytes[3] ^= 1;
        std::fs::write(texts(), bytes).unwrap();
        let mut store = Store::open(&at, 1, false).unwrap();
        let found = store.take("x", Some(stat(10))).expect("kept");
        let body = Stored::at(store.spill(), found.body, found.body_hash);
        assert!(!store.spill().damaged());
        let e = body.read().unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        assert!(store.spill().damaged(), "the build is told");
        drop(store);
        assert!(!finds_x(&at));
    }
}
