//! Article texts kept on disk between load and render, not in memory: a build holds every
//! article's metadata at once, but needs its rendered body only when its page and a few feeds
//! are written, and its plain text only when the indexes analyse it and the search index writes
//! its snippet file. A few files (one per loading thread) receive the texts as they are made:
//! for `build`, the article store's ([`super::store`]), which the next build reads unchanged
//! articles' texts back from; otherwise anonymous temporary files (deleted by the OS when the
//! build ends, however it ends). Each article keeps where its texts are. Reads
//! go through the page cache, which the kernel frees under pressure; the process's own memory
//! no longer grows with the text of the archive.
//!
//! In a large archive ([`COMPRESS_FROM`] articles or more) each text is stored as an LZ4 block:
//! Arabic in UTF-8 is two bytes a letter and markup repeats, so a text takes about a third of
//! its bytes. A million articles' file is then about 7 GB instead of 23 GB: it fits on the disk
//! beside the output, and less of it falls out of the page cache to be read back from disk.
//! Smaller archives' files stay in the page cache anyway, where compressing would only cost
//! time (about 5 s of CPU at 100 000 articles, for 2.3 GB).

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::markdown::Heading;
use crate::diagnostics::Diagnostic;

/// Archives of this many articles or more have their spilled texts compressed.
pub const COMPRESS_FROM: usize = 200_000;

/// The files of spilled texts: one per thread that stores them (up to [`MAX_SHARDS`]), since
/// writes into one file wait for each other in the kernel (its inode's lock): at 100 000 articles
/// a clean build's two threads spent 6.5 % of its CPU time spinning on that lock.
#[derive(Debug)]
pub struct Spill {
    shards: Vec<Shard>,
    /// Whether texts are stored compressed (decided once the number of articles is known).
    compress: AtomicBool,
    /// From how many articles texts are compressed ([`COMPRESS_FROM`]; tests set fewer).
    compress_from: usize,
    /// For a file kept between builds: the store's index, removed when a kept text turns out
    /// damaged (the next build then starts the store afresh).
    index: Option<std::path::PathBuf>,
    /// Set when a text an earlier build kept could not be read back as it was kept.
    damaged: AtomicBool,
}

/// The most files one spill is made of.
pub const MAX_SHARDS: usize = 8;

/// One file of a [`Spill`].
#[derive(Debug)]
struct Shard {
    file: File,
    /// Where the next text goes.
    end: Mutex<u64>,
}

impl Shard {
    fn of(file: File) -> io::Result<Shard> {
        let end = file.metadata()?.len();
        Ok(Shard {
            file,
            end: Mutex::new(end),
        })
    }
}

/// How many files a new spill is made of: one per thread of the pool that loads articles.
pub fn shards_for_threads() -> usize {
    rayon::current_num_threads().clamp(1, MAX_SHARDS)
}

impl Spill {
    fn of(shards: Vec<Shard>, index: Option<&Path>) -> Arc<Spill> {
        Arc::new(Spill {
            shards,
            compress: AtomicBool::new(false),
            compress_from: COMPRESS_FROM,
            index: index.map(Path::to_path_buf),
            damaged: AtomicBool::new(false),
        })
    }

    /// A spill of anonymous files in `dir` (created if needed).
    pub fn new_in(dir: &Path) -> io::Result<Arc<Spill>> {
        std::fs::create_dir_all(dir)?;
        let shards = (0..shards_for_threads())
            .map(|_| Shard::of(tempfile::tempfile_in(dir)?))
            .collect::<io::Result<_>>()?;
        Ok(Spill::of(shards, None))
    }

    /// The named files `paths` (at least one), kept after the build ([`super::store`]): new
    /// texts go after what they hold (after everything they hold, `fresh` empties them first).
    pub fn open(paths: &[PathBuf], fresh: bool, index: &Path) -> io::Result<Arc<Spill>> {
        if paths.is_empty() {
            return Err(io::Error::other("a spill needs a file"));
        }
        let shards = paths
            .iter()
            .map(|path| {
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(fresh)
                    .open(path)?;
                Shard::of(file)
            })
            .collect::<io::Result<_>>()?;
        Ok(Spill::of(shards, Some(index)))
    }

    /// How many files it is made of.
    pub fn files(&self) -> usize {
        self.shards.len()
    }

    /// Bytes in the files (texts stored, and any a failed build left after them).
    pub fn end(&self) -> u64 {
        self.shards
            .iter()
            .map(|s| s.end.lock().map_or(0, |e| *e))
            .sum()
    }

    /// Tells how many articles' texts are coming, before any is stored: a large archive's are
    /// compressed.
    pub fn expect(&self, articles: usize) {
        self.compress
            .store(articles >= self.compress_from, Ordering::Relaxed);
    }

    /// Stores a text; returns where. Threads write at once, each into its own range of the
    /// file of its own (a thread outside the pool shares the first).
    fn put(&self, text: &[u8]) -> io::Result<Place> {
        let compressed = self.compress.load(Ordering::Relaxed);
        let block = if compressed {
            Cow::Owned(lz4_flex::block::compress(text))
        } else {
            Cow::Borrowed(text)
        };
        let index = rayon::current_thread_index().unwrap_or(0) % self.shards.len();
        let shard = &self.shards[index];
        let offset = {
            let mut end = shard.end.lock().map_err(|_| io::Error::other("poisoned"))?;
            let at = *end;
            *end += block.len() as u64;
            at
        };
        let stored = u32::try_from(block.len()).map_err(io::Error::other)?;
        shard.file.write_all_at(&block, offset)?;
        Ok(Place {
            shard: index as u8,
            offset,
            stored,
            len: text.len() as u64,
            compressed,
        })
    }

    /// Whether a text an earlier build kept failed to read back during this build (its bytes
    /// changed, or the file was cut short under it): the store's index is gone by then, and
    /// building again starts the store afresh.
    pub fn damaged(&self) -> bool {
        self.damaged.load(Ordering::Relaxed)
    }

    /// The bytes stored at `place`; when `hash` is given (what a previous build kept), it must
    /// be theirs, and any failure to read them back marks the file [damaged](Spill::damaged).
    fn get(&self, place: Place, hash: Option<u64>) -> io::Result<Vec<u8>> {
        let got = self.read_back(place, hash);
        if got.is_err() && hash.is_some() {
            self.damaged.store(true, Ordering::Relaxed);
            if let Some(index) = &self.index {
                let _ = std::fs::remove_file(index);
            }
        }
        got
    }

    /// [`get`](Spill::get) without marking the file.
    fn read_back(&self, place: Place, hash: Option<u64>) -> io::Result<Vec<u8>> {
        let shard = self.shards.get(usize::from(place.shard)).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "the text is in a file the store does not have",
            )
        })?;
        let mut block = vec![0; place.stored as usize];
        shard.file.read_exact_at(&mut block, place.offset)?;
        let bytes = if place.compressed {
            lz4_flex::block::decompress(&block, place.len as usize)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?
        } else {
            block
        };
        if hash.is_some_and(|h| h != xxhash_rust::xxh3::xxh3_64(&bytes)) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the copy kept in .warraq-cache/ is damaged (the store is dropped and starts afresh)",
            ));
        }
        Ok(bytes)
    }
}

/// Bytes kept in a spill file that are not text (an article's analysed words, see
/// [`crate::index::terms`]), checked against their hash whenever they are read.
#[derive(Debug, Clone)]
pub struct Blob {
    spill: Arc<Spill>,
    place: Place,
    hash: u64,
}

impl Blob {
    /// Stores `bytes` in `spill`; `None` when the disk refuses them (they are then made again
    /// when needed).
    pub fn new(bytes: &[u8], spill: &Arc<Spill>) -> Option<Blob> {
        Some(Blob {
            spill: spill.clone(),
            place: spill.put(bytes).ok()?,
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
        })
    }

    /// The bytes whose hash is `hash` at `place` in `spill`, as a previous build stored them.
    pub(crate) fn at(spill: &Arc<Spill>, place: Place, hash: u64) -> Blob {
        Blob {
            spill: spill.clone(),
            place,
            hash,
        }
    }

    /// The bytes whose hash is `hash` at `place` in this blob's spill (an earlier version of a
    /// text kept beside it).
    pub(crate) fn beside(&self, place: Place, hash: u64) -> Blob {
        Blob::at(&self.spill, place, hash)
    }

    /// Where the bytes are, and their hash (what the store keeps).
    pub(crate) fn place(&self) -> (Place, u64) {
        (self.place, self.hash)
    }

    /// The bytes, read back and checked.
    pub fn read(&self) -> io::Result<Vec<u8>> {
        self.spill.get(self.place, Some(self.hash))
    }

    /// The bytes, when they are still there: for a blob an earlier build named ([`Blob::beside`]),
    /// which the store may have let go since (another texts file now): not there is not damage.
    pub(crate) fn read_if_there(&self) -> Option<Vec<u8>> {
        // No text of an article's is this large: a place that says so is not one.
        if self.place.len > 1 << 28 || self.place.stored > 1 << 28 {
            return None;
        }
        self.spill.read_back(self.place, Some(self.hash)).ok()
    }
}

/// Where a text is in a spill file: what [`super::store`] keeps between builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Place {
    /// Which of the spill's files.
    pub shard: u8,
    pub offset: u64,
    /// Bytes in the spill file.
    pub stored: u32,
    /// Bytes of the text.
    pub len: u64,
    /// Whether the stored bytes are an LZ4 block.
    pub compressed: bool,
}

/// A text of an article (its rendered body, its plain text): in memory (`serve`, which
/// re-renders bodies on edits, and tests) or in a [`Spill`] file (`build`, `check`).
#[derive(Debug, Clone)]
pub enum Stored {
    Kept(String),
    Spilled {
        spill: Arc<Spill>,
        place: Place,
        /// The text's hash, checked when it is read, for a text an earlier build kept.
        hash: Option<u64>,
    },
}

impl Stored {
    /// Keeps `text` in `spill` when there is one; if the disk refuses, keeps it in memory
    /// (no larger than it is).
    pub fn new(mut text: String, spill: Option<&Arc<Spill>>) -> Stored {
        match spill.map(|s| (s, s.put(text.as_bytes()))) {
            Some((spill, Ok(place))) => Stored::Spilled {
                spill: spill.clone(),
                place,
                hash: None,
            },
            _ => {
                text.shrink_to_fit();
                Stored::Kept(text)
            }
        }
    }

    /// Where a spilled text is in its file (`None` for a text kept in memory).
    pub(crate) fn place(&self) -> Option<Place> {
        match self {
            Stored::Kept(_) => None,
            Stored::Spilled { place, .. } => Some(*place),
        }
    }

    /// The text whose hash is `hash` at `place` in `spill` (as a previous build stored it
    /// there): reading it checks the hash.
    pub(crate) fn at(spill: &Arc<Spill>, place: Place, hash: u64) -> Stored {
        Stored::Spilled {
            spill: spill.clone(),
            place,
            hash: Some(hash),
        }
    }

    /// The text's length in bytes (without reading it back).
    pub(crate) fn len(&self) -> usize {
        match self {
            Stored::Kept(text) => text.len(),
            Stored::Spilled { place, .. } => place.len as usize,
        }
    }

    /// The text (read back from the spill file when spilled).
    pub fn read(&self) -> io::Result<Cow<'_, str>> {
        match self {
            Stored::Kept(text) => Ok(Cow::Borrowed(text)),
            Stored::Spilled { spill, place, hash } => {
                let bytes = spill.get(*place, *hash)?;
                super::source::utf8(bytes)
                    .map(Cow::Owned)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
            }
        }
    }

    /// [`read`](Stored::read) for the article at `shown`: a failure (the disk failed under the
    /// build) is that article's problem.
    pub fn read_of(&self, shown: &Path) -> Result<Cow<'_, str>, Diagnostic> {
        self.read().map_err(|e| not_read_back(shown, "text", &e))
    }
}

/// The article's problem when its `what` (text, headings) no longer reads back from the spill
/// file: the disk failed under the build.
fn not_read_back(shown: &Path, what: &str, e: &io::Error) -> Diagnostic {
    Diagnostic::new(
        Some(shown),
        format!("cannot read back the article's {what} from the build's temporary file: {e}"),
    )
    .with_hint("check the disk holding the build's temporary files (.warraq-cache/ for build, the system's temporary folder for check) and build again")
}

/// An article's headings (for its table of contents): in memory, or kept in a spill file
/// beside its body. Their texts and ids are as long as a short paragraph (0.7 KB an article of
/// the bench corpus): a build reads them back only to render the article's page, whose
/// fingerprint already covers them through the body's hash.
#[derive(Debug, Clone)]
pub enum Headings {
    Kept(Vec<Heading>),
    Spilled(Blob),
}

impl Headings {
    /// Keeps `list` in `spill` when there is one and the list is not empty; if the disk refuses,
    /// keeps it in memory.
    pub fn new(list: Vec<Heading>, spill: Option<&Arc<Spill>>) -> Headings {
        if list.is_empty() {
            return Headings::Kept(list);
        }
        spill
            .and_then(|s| Blob::new(&bincode::serialize(&list).ok()?, s))
            .map_or(Headings::Kept(list), Headings::Spilled)
    }

    /// The headings a previous build kept at `place` in `spill` (`None`: it had none).
    pub(crate) fn at(spill: &Arc<Spill>, kept: Option<(Place, u64)>) -> Headings {
        kept.map_or(Headings::Kept(Vec::new()), |(place, hash)| {
            Headings::Spilled(Blob::at(spill, place, hash))
        })
    }

    /// What the store keeps of them: where they are in the spill file (`None` when there are
    /// none), or nothing at all when they are only in memory (they cannot be kept).
    pub(crate) fn place(&self) -> Option<Option<(Place, u64)>> {
        match self {
            Headings::Kept(list) if list.is_empty() => Some(None),
            Headings::Kept(_) => None,
            Headings::Spilled(blob) => Some(Some(blob.place())),
        }
    }

    /// The headings (read back from the spill file when spilled).
    pub fn read(&self) -> io::Result<Cow<'_, [Heading]>> {
        match self {
            Headings::Kept(list) => Ok(Cow::Borrowed(list)),
            Headings::Spilled(blob) => bincode::deserialize(&blob.read()?)
                .map(Cow::Owned)
                .map_err(io::Error::other),
        }
    }

    /// [`read`](Headings::read) for the article at `shown` (see [`Stored::read_of`]).
    pub fn read_of(&self, shown: &Path) -> Result<Cow<'_, [Heading]>, Diagnostic> {
        self.read()
            .map_err(|e| not_read_back(shown, "headings", &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_come_back_from_the_file_and_none_take_no_place() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::new_in(dir.path()).unwrap();
        let list = vec![
            Heading {
                level: 2,
                id: "الجذور".into(),
                text: "الجذور <الأولى>".into(),
            },
            Heading {
                level: 3,
                id: "x-2".into(),
                text: "Latin & عربي".into(),
            },
        ];
        let kept = Headings::new(list.clone(), Some(&spill));
        assert!(matches!(kept, Headings::Spilled(_)));
        assert_eq!(kept.read().unwrap().as_ref(), list.as_slice());
        // As the store keeps them, then as a later build finds them.
        let place = kept.place().expect("spilled headings can be kept");
        let again = Headings::at(&spill, place);
        assert_eq!(again.read().unwrap().as_ref(), list.as_slice());
        // None: nothing written, and the store keeps "none".
        let end = spill.end();
        let none = Headings::new(Vec::new(), Some(&spill));
        assert_eq!(spill.end(), end);
        assert_eq!(none.place(), Some(None));
        assert!(Headings::at(&spill, None).read().unwrap().is_empty());
        // Without a file (serve): in memory, and not for the store.
        let memory = Headings::new(list.clone(), None);
        assert_eq!(memory.read().unwrap().as_ref(), list.as_slice());
        assert_eq!(memory.place(), None);
    }

    #[test]
    fn each_thread_of_the_pool_writes_a_file_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        // Every thread of the pool stores texts of its own.
        let spill = pool.install(|| Spill::new_in(dir.path()).unwrap());
        let each: Vec<Vec<(String, Stored)>> = pool.broadcast(|ctx| {
            (0..50)
                .map(|i| {
                    let text = format!("نص رقم {i} من الخيط {}", ctx.index());
                    let stored = Stored::new(text.clone(), Some(&spill));
                    (text, stored)
                })
                .collect()
        });
        let (texts, stored): (Vec<String>, Vec<Stored>) = each.into_iter().flatten().unzip();
        assert_eq!(spill.shards.len(), 3);
        let mut used = [0usize; 3];
        for (s, text) in stored.iter().zip(&texts) {
            used[usize::from(s.place().unwrap().shard)] += 1;
            assert_eq!(s.read().unwrap(), text.as_str());
        }
        assert_eq!(used, [50; 3]);
        let bytes: usize = texts.iter().map(String::len).sum();
        assert_eq!(spill.end() as usize, bytes);
        // A place in a file the spill does not have is an error, not a panic.
        let mut place = stored[0].place().unwrap();
        place.shard = 3;
        let e = Stored::at(&spill, place, 0).read().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData, "{e}");
    }

    #[test]
    fn bodies_come_back_as_they_went_in_from_many_threads() {
        for compress in [false, true] {
            texts_come_back(compress);
        }
    }

    /// Stores 200 texts from four threads, compressed or not, and reads them back.
    fn texts_come_back(compress: bool) {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::new_in(&dir.path().join("cache")).unwrap();
        Arc::get_mut(&mut spill).unwrap().compress_from = 200;
        spill.expect(if compress { 200 } else { 199 });
        let texts: Vec<String> = (0..200)
            .map(|i| {
                format!(
                    "<p>فقرة {i}: {}</p>",
                    "تقرير عن المفاوضات في الحسكة. ".repeat(1 + i % 5)
                )
            })
            .collect();
        let bodies: Vec<Stored> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(50)
                .map(|chunk| {
                    let spill = spill.clone();
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|t| Stored::new(t.clone(), Some(&spill)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        for (body, text) in bodies.iter().zip(&texts) {
            assert!(matches!(body, Stored::Spilled { place, .. } if place.compressed == compress));
            assert_eq!(body.read().unwrap(), text.as_str());
            assert_eq!(body.len(), text.len());
        }
        let written = spill.end() as usize;
        let texts_bytes: usize = texts.iter().map(String::len).sum();
        if compress {
            assert!(written < texts_bytes / 2, "{written} of {texts_bytes}");
        } else {
            assert_eq!(written, texts_bytes);
        }
        assert_eq!(Stored::new("x".into(), None).read().unwrap(), "x");
        // The spill file is anonymous: nothing is left in the folder.
        assert_eq!(
            std::fs::read_dir(dir.path().join("cache")).unwrap().count(),
            0
        );
    }
}
