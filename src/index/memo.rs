//! What the index stage made, kept between builds with the numbers of what it was made from.
//!
//! The similar lists and the search index's files are functions of the articles' analysed
//! words and of a few of their fields (never of a template, a site title or a page size). Each
//! gets one number ([`Keys`]) hashed from exactly those inputs, in site order; a build whose
//! number equals the previous build's reuses the previous result instead of decoding every
//! article's words, gathering the search lists and scoring similar articles (at 100 000
//! articles, about five seconds of a template change's build).
//!
//! - **Similar lists** are kept here, in `.warraq-cache/index.bin`: they depend on no output.
//!   With them, what they were scored from ([`Trace`]) and a number of everything they are made
//!   from but the words (`similar_frame`): a build in which only words changed scores again
//!   only the lists its edit can reach ([`Previous`]). With them, the vectors they were scored
//!   with ([`super::similar::Kept`]): such a build reads the words of the articles it changed,
//!   not of every article.
//! - **Search files** stay in the output: the memo names them, and each is kept only where the
//!   output's manifest says it was made from the same number and the file is intact
//!   ([`Sink::keep`](crate::render::Sink::keep)). With them, what patching them needs
//!   ([`SearchMemo`]: the vocabulary, each document's words number and the place of its analysed
//!   words, each key space's chunks) and a number of everything they are made from but the words
//!   (`search_frame`): a build in which only a few documents' words changed patches the index
//!   ([`crate::search::patch`]); otherwise the lists are gathered and written.
//!
//! The memo is written after the new output is in place. A memo that does not read back is no
//! memo: everything is computed.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::related::Declared;
use super::similar::{Previous, Trace};
use crate::config::Config;
use crate::content::article::Article;
use crate::content::spill::Place;
use crate::search::index::Shape;

/// The memo file's layout; another number is no memo.
const VERSION: u32 = 6;

/// The numbers of the index stage's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Keys {
    /// What the similar lists are made from.
    pub similar: u64,
    /// What the similar lists are made from but the words: when only this is the same, the
    /// previous lists are patched ([`super::similar::Previous`]).
    pub similar_frame: u64,
    /// What the search index's lists and `meta.json` are made from (the documents' fragments
    /// have their own numbers, per file).
    pub search: u64,
    /// What they are made from but the words: when only this is the same, the previous index
    /// is patched ([`crate::search::patch`]).
    pub search_frame: u64,
}

/// What the next build needs to patch the search index ([`crate::search::patch`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchMemo {
    /// [`Keys::search_frame`] of the build that made the index.
    pub frame: u64,
    /// Each document's words' number ([`Keys::of`]), by published number (oldest first).
    pub docs: Vec<u64>,
    /// Where each document's analysed words are in the article store, and their hash.
    pub places: Vec<Option<(Place, u64)>>,
    pub shape: Shape,
    /// The output folder the index was written to (a patch reads its chunks there first).
    pub output: std::path::PathBuf,
}

impl SearchMemo {
    /// The memo of an index of `shape` made for `articles` (site order), whose words' numbers
    /// are `words` ([`Keys::of`]), in a build of `frame`.
    pub fn of(
        frame: u64,
        articles: &[Article],
        words: &[u64],
        shape: Shape,
        output: &Path,
    ) -> SearchMemo {
        SearchMemo {
            frame,
            docs: words.iter().rev().copied().collect(),
            places: articles
                .iter()
                .rev()
                .map(|a| a.analysed.as_ref().map(|b| b.place()))
                .collect(),
            shape,
            output: output.to_path_buf(),
        }
    }
}

/// The index stage's results kept between builds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Memo {
    version: u32,
    pub similar_key: u64,
    /// For each article in site order, its similar articles (indexes in site order).
    pub similar: Vec<Vec<u32>>,
    /// [`Keys::similar_frame`] of the build that made them.
    pub similar_frame: u64,
    /// What the similar lists were scored from.
    pub trace: Trace,
    pub search_key: u64,
    /// The search index's files (paths under the output folder), fragments left out.
    pub search_files: Vec<String>,
    /// What patching the search index needs.
    pub search: Option<SearchMemo>,
    /// The vectors the similar lists were scored with (and each article's words' number and
    /// place), from which an edit's build makes its vectors ([`super::similar::Kept`]): kept in
    /// a file of their own ([`vectors_path`]), written while the build renders, and read with
    /// the memo ([`Memo::load_with_vectors`]).
    #[serde(skip)]
    pub vectors: Option<super::similar::Kept>,
}

/// Where the similar vectors of the site at `root` live (beside the memo).
pub fn vectors_path(root: &Path) -> PathBuf {
    root.join(".warraq-cache").join("vectors.bin")
}

/// Writes `kept` to `path`, the file's layout number first (through a temporary file renamed
/// over it, written as it is serialised). Best effort, as the memo.
///
/// The vectors may come from another build than the memo beside them (one that failed after
/// writing them): they are whole in themselves (each vector made from the stem counts of the
/// article whose words' number they keep, with every stem's count over those articles), and
/// an edit's build makes its own vectors from them, which it then compares with the memo's
/// trace.
pub fn save_vectors(path: &Path, kept: &super::similar::Kept) {
    write_file(path, &(VERSION, kept));
}

/// The vectors at `path`, when they read back whole and in this layout.
fn load_vectors(path: &Path) -> Option<super::similar::Kept> {
    let bytes = std::fs::read(path).ok()?;
    let (version, kept): (u32, super::similar::Kept) = bincode::deserialize(&bytes).ok()?;
    (version == VERSION).then_some(kept)
}

/// Writes `value` to `path` through a temporary file renamed over it; nothing when any step
/// fails.
fn write_file<T: Serialize>(path: &Path, value: &T) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) else {
        return;
    };
    let mut out = std::io::BufWriter::new(&mut file);
    let written =
        bincode::serialize_into(&mut out, value).is_ok() && std::io::Write::flush(&mut out).is_ok();
    drop(out);
    if written {
        let _ = file.persist(path);
    }
}

/// Where the memo of the site at `root` lives.
pub fn path(root: &Path) -> PathBuf {
    root.join(".warraq-cache").join("index.bin")
}

impl Memo {
    /// A memo of `similar` (each article's list, in site order, scored from `trace`) and
    /// `search_files`.
    pub fn new<'a>(
        keys: Keys,
        similar: impl IntoIterator<Item = &'a [usize]>,
        trace: Trace,
        search_files: Vec<String>,
        search: Option<SearchMemo>,
    ) -> Memo {
        Memo {
            version: VERSION,
            similar_key: keys.similar,
            similar: similar
                .into_iter()
                .map(|l| l.iter().map(|&j| j as u32).collect())
                .collect(),
            similar_frame: keys.similar_frame,
            trace,
            search_key: keys.search,
            search_files,
            search,
            vectors: None,
        }
    }

    /// The memo at `path`, or `None` when there is none or it does not read back whole.
    pub fn load(path: &Path) -> Option<Memo> {
        let bytes = std::fs::read(path).ok()?;
        let memo: Memo = bincode::deserialize(&bytes).ok()?;
        (memo.version == VERSION).then_some(memo)
    }

    /// Writes the memo to `path` (through a temporary file renamed over it). Best effort: a
    /// memo that cannot be written only costs the next build its reuse.
    pub fn save(&self, path: &Path) {
        write_file(path, self);
    }

    /// [`load`](Memo::load), with the similar vectors at `vectors` ([`vectors_path`]).
    pub fn load_with_vectors(path: &Path, vectors: &Path) -> Option<Memo> {
        let mut memo = Memo::load(path)?;
        memo.vectors = load_vectors(vectors);
        Some(memo)
    }

    /// Removes the memo at `path` (before an output it does not describe is put in place).
    pub fn forget(path: &Path) {
        let _ = std::fs::remove_file(path);
    }

    /// Whether the kept similar lists are lists of `n` articles that name only other articles
    /// of the `n` (a memo that says otherwise was not written by a build).
    fn similar_sound(&self, n: usize) -> bool {
        self.similar.len() == n
            && self
                .similar
                .iter()
                .enumerate()
                .all(|(i, list)| list.iter().all(|&j| (j as usize) < n && j as usize != i))
    }

    /// The kept similar lists, when they were made from `key` for `n` articles.
    pub fn similar_for(&self, key: u64, n: usize) -> Option<Vec<Vec<usize>>> {
        (self.similar_key == key && self.similar_sound(n)).then(|| {
            self.similar
                .iter()
                .map(|l| l.iter().map(|&j| j as usize).collect())
                .collect()
        })
    }

    /// The kept similar lists and what they were scored from, to patch, when they were made
    /// with the same `frame` (settings, rounded size) for at most `n` articles.
    pub fn similar_to_patch(&self, frame: u64, n: usize) -> Option<Previous<'_>> {
        let sorted = self.trace.postings.windows(2).all(|w| w[0].0 < w[1].0)
            && self.trace.tags.windows(2).all(|w| w[0].0 < w[1].0);
        let m = self.similar.len();
        (self.similar_frame == frame
            && m <= n
            && self.trace.vectors.len() == m
            && self.trace.articles.len() == m
            && sorted
            && self.similar_sound(m))
        .then_some(Previous {
            lists: &self.similar,
            trace: &self.trace,
        })
    }

    /// The previous search files, when they were made from `key` (and are all files of the
    /// search index's folder: a memo that says otherwise was not written by a build).
    pub fn search_for(&self, key: u64) -> Option<Vec<String>> {
        let sound = self.search_files.iter().all(|f| {
            f.strip_prefix("search/").is_some_and(|rest| {
                rest.split('/')
                    .all(|part| !part.is_empty() && part != "." && part != "..")
            })
        });
        (self.search_key == key && !self.search_files.is_empty() && sound)
            .then(|| self.search_files.clone())
    }

    /// What the previous search index needs to be patched, when it was made in a build of the
    /// same `frame` (everything but the words).
    pub fn search_to_patch(&self, frame: u64) -> Option<&SearchMemo> {
        self.search
            .as_ref()
            .filter(|s| s.frame == frame && s.docs.len() == s.places.len())
    }
}

/// What an article's analysed words are made from: [`Terms::of`](super::terms::Terms::of)
/// reads its title, tags, description and plain text (by its hash), nothing else.
fn write_words(h: &mut Xxh3, a: &Article) {
    h.write(a.title.as_bytes());
    h.write_u8(0);
    h.write_usize(a.tags.len());
    for t in &a.tags {
        h.write(t.as_bytes());
        h.write_u8(0);
    }
    h.write(a.description.as_bytes());
    h.write_u8(0);
    h.write_u64(a.text_hash);
}

impl Keys {
    /// The numbers of the inputs of a site's similar lists and search index.
    ///
    /// Similar lists ([`super::similar::compute`]): every article's words, day and tags (as the
    /// tag numbers it scores with, and how many tags there are), the articles it declares and
    /// its backlinks (both excluded), and the `similar:` settings. Search lists: every
    /// article's words in site order, the tags' names (they protect words from stemming), and
    /// how the site writes numbers (in `meta.json`). Both: the warraq binary. With them, each
    /// article's words' number, in site order (what a search patch compares, see [`SearchMemo`]).
    pub fn of(
        config: &Config,
        articles: &[Article],
        article_tags: &[Vec<usize>],
        tag_names: &[&str],
        declared: &[Vec<Declared>],
        backlinks: &[Vec<usize>],
    ) -> (Keys, Vec<u64>) {
        let binary = crate::render::fingerprint::binary();
        // The frame: the settings and the rounded size of the archive (what weighs every term
        // and tag); each article's day, tags, declared articles and backlinks are compared one
        // by one from the trace (`super::similar::Previous`).
        let mut frame = Xxh3::new();
        frame.write(b"similar\0");
        frame.write_u64(binary);
        frame.write(format!("{:?}", config.similar).as_bytes());
        let mut similar = frame.clone();
        frame.write_u32(super::similar::coarse(
            u32::try_from(articles.len()).unwrap_or(u32::MAX),
        ));
        similar.write_usize(articles.len());
        similar.write_usize(tag_names.len());
        let mut search_frame = Xxh3::new();
        search_frame.write(b"search\0");
        search_frame.write_u64(binary);
        search_frame.write_u8(u8::from(config.search));
        search_frame.write(format!("{:?}", config.digits).as_bytes());
        // The tags' names protect words from stemming, whatever their order (which follows
        // their counts: a new article may reorder them).
        let mut names = tag_names.to_vec();
        names.sort_unstable();
        for name in names {
            search_frame.write(name.as_bytes());
            search_frame.write_u8(0);
        }
        let mut search = search_frame.clone();
        search.write_usize(articles.len());
        // Each article's part is hashed on its own, in parallel (at 100 000 articles, one
        // thread hashing every field into both numbers took a tenth of a second).
        let parts: Vec<(u64, u64)> = articles
            .par_iter()
            .enumerate()
            .map(|(i, a)| {
                let mut words = Xxh3::new();
                write_words(&mut words, a);
                let mut rest = Xxh3::new();
                rest.write_i64(a.date.sort_key() / 86_400);
                rest.write_usize(article_tags[i].len());
                for &t in &article_tags[i] {
                    rest.write_usize(t);
                }
                let declared_articles = declared[i].iter().filter_map(|d| match d {
                    Declared::Article(k) => Some(*k),
                    Declared::External(_) => None,
                });
                rest.write_usize(usize::MAX);
                for k in declared_articles {
                    rest.write_usize(k);
                }
                rest.write_usize(usize::MAX);
                for &k in &backlinks[i] {
                    rest.write_usize(k);
                }
                (words.digest(), rest.digest())
            })
            .collect();
        let mut numbers = Vec::with_capacity(parts.len());
        for (words, rest) in parts {
            similar.write_u64(words);
            similar.write_u64(rest);
            search.write_u64(words);
            numbers.push(words);
        }
        let keys = Keys {
            similar: similar.digest(),
            similar_frame: frame.digest(),
            search: search.digest(),
            search_frame: search_frame.digest(),
        };
        (keys, numbers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::{Site, TAGS};

    /// The inputs [`Keys::of`] reads, taken from a site.
    struct Inputs {
        config: Config,
        articles: Vec<Article>,
        article_tags: Vec<Vec<usize>>,
        tag_names: Vec<String>,
        declared: Vec<Vec<Declared>>,
        backlinks: Vec<Vec<usize>>,
    }

    impl Inputs {
        /// Three articles' inputs (a loaded article cannot be cloned: each is loaded again).
        fn three() -> Inputs {
            Inputs::of(crate::index::tests::site_of(&[
                ("a", "2025-01-05", &["سوريا"]),
                ("b", "2025-01-03", &["النفط", "سوريا"]),
                ("c", "2025-01-01", &["العراق"]),
            ]))
        }

        fn of(site: Site) -> Inputs {
            Inputs {
                tag_names: site.tags().iter().map(|t| t.name.clone()).collect(),
                article_tags: site.taxonomies[TAGS].article_terms.clone(),
                declared: site.related.iter().map(|r| r.declared.clone()).collect(),
                backlinks: site.related.iter().map(|r| r.backlinks.clone()).collect(),
                config: site.config,
                articles: site.articles,
            }
        }

        fn keys(&self) -> Keys {
            let names: Vec<&str> = self.tag_names.iter().map(String::as_str).collect();
            Keys::of(
                &self.config,
                &self.articles,
                &self.article_tags,
                &names,
                &self.declared,
                &self.backlinks,
            )
            .0
        }
    }

    #[test]
    fn each_input_changes_the_number_of_what_reads_it_and_no_other() {
        let before = Inputs::three().keys();
        assert_eq!(
            before,
            Inputs::three().keys(),
            "the same inputs, the same numbers"
        );
        type Edit = fn(&mut Inputs);
        // (what changes, the edit, whether the number of the similar lists changes, of their
        // frame (settings and rounded size: each article's other inputs are compared from the
        // trace), of the search index, of its frame)
        let edits: [(&str, Edit, [bool; 4]); 16] = [
            (
                "title",
                |i| i.articles[1].title.push('x'),
                [true, false, true, false],
            ),
            (
                "tags",
                |i| i.articles[1].tags.push("x".into()),
                [true, false, true, false],
            ),
            (
                "summary",
                |i| i.articles[1].description.push('x'),
                [true, false, true, false],
            ),
            (
                "text",
                |i| i.articles[1].text_hash ^= 1,
                [true, false, true, false],
            ),
            (
                "order",
                |i| i.articles.swap(0, 1),
                [true, false, true, false],
            ),
            (
                "a day, same order",
                |i| i.articles[1].date.day = i.articles[1].date.day.succ_opt().unwrap(),
                [true, false, false, false],
            ),
            (
                "tag numbers",
                |i| i.article_tags[1].reverse(),
                [true, false, false, false],
            ),
            (
                "declared",
                |i| i.declared[0].push(Declared::Article(2)),
                [true, false, false, false],
            ),
            (
                "backlinks",
                |i| i.backlinks[2].push(0),
                [true, false, false, false],
            ),
            (
                "similar count",
                |i| i.config.similar.count += 1,
                [true, true, false, false],
            ),
            (
                "tag names",
                |i| i.tag_names[0].push('x'),
                [false, false, true, true],
            ),
            (
                "digits",
                |i| i.config.digits = crate::arabic::dates::Digits::ArabicIndic,
                [false, false, true, true],
            ),
            (
                "search off",
                |i| i.config.search = false,
                [false, false, true, true],
            ),
            (
                "tag names' order",
                |i| i.tag_names.swap(0, 1),
                [false, false, false, false],
            ),
            (
                "site title",
                |i| i.config.title.push('x'),
                [false, false, false, false],
            ),
            (
                "language",
                |i| i.articles[1].lang = Some("en".into()),
                [false, false, false, false],
            ),
        ];
        for (what, edit, [similar, frame, search, search_frame]) in edits {
            let mut inputs = Inputs::three();
            edit(&mut inputs);
            let after = inputs.keys();
            assert_eq!(after.similar != before.similar, similar, "{what}: similar");
            assert_eq!(
                after.similar_frame != before.similar_frame,
                frame,
                "{what}: frame"
            );
            assert_eq!(after.search != before.search, search, "{what}: search");
            assert_eq!(
                after.search_frame != before.search_frame,
                search_frame,
                "{what}: search frame"
            );
        }
    }

    #[test]
    fn a_memo_reads_back_and_a_damaged_or_other_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let path = path(dir.path());
        let keys = Keys {
            similar: 7,
            similar_frame: 5,
            search: 9,
            search_frame: 4,
        };
        let trace = |n: usize| Trace {
            vectors: (0..n as u64).collect(),
            postings: vec![(1, 2)],
            articles: (0..n as u64).map(|i| (i, i, i)).collect(),
            tags: vec![(3, 4)],
        };
        let memo = Memo::new(
            keys,
            [&[1][..], &[0]],
            trace(2),
            vec!["search/meta.json".into()],
            None,
        );
        memo.save(&path);
        let back = Memo::load(&path).expect("memo");
        assert_eq!(back, memo);
        assert_eq!(back.similar_for(7, 2), Some(vec![vec![1], vec![0]]));
        assert_eq!(back.similar_for(7, 3), None, "another number of articles");
        assert_eq!(back.similar_for(8, 2), None, "another key");
        let patch = back.similar_to_patch(5, 2).expect("the same frame");
        assert_eq!((patch.lists, patch.trace), (&back.similar[..], &trace(2)));
        assert!(back.similar_to_patch(6, 2).is_none(), "another frame");
        assert!(
            back.similar_to_patch(5, 3).is_some(),
            "more articles now: the new ones"
        );
        assert!(back.similar_to_patch(5, 1).is_none(), "fewer articles now");
        assert_eq!(
            back.search_for(9),
            Some(vec!["search/meta.json".to_string()])
        );
        assert_eq!(back.search_for(7), None);
        let unsorted = Trace {
            postings: vec![(3, 0), (1, 0)],
            ..trace(2)
        };
        let odd = Memo::new(keys, [&[1][..], &[0]], unsorted, Vec::new(), None);
        assert!(odd.similar_to_patch(5, 2).is_none(), "terms out of order");
        let short = Memo::new(keys, [&[1][..], &[0]], trace(1), Vec::new(), None);
        assert!(
            short.similar_to_patch(5, 2).is_none(),
            "a trace of another size"
        );
        // A memo no build writes: lists naming an article out of range or itself, files out
        // of the search index's folder.
        for similar in [vec![vec![1, 2], vec![0]], vec![vec![1], vec![1]]] {
            let lists = similar.iter().map(Vec::as_slice);
            let odd = Memo::new(keys, lists, trace(2), vec!["search/meta.json".into()], None);
            assert_eq!(odd.similar_for(7, 2), None, "{similar:?}");
            assert!(odd.similar_to_patch(5, 2).is_none(), "{similar:?}");
        }
        for file in ["search/../../x", "meta.json", "search//x", "search/./x"] {
            let odd = Memo::new(keys, [&[1][..], &[0]], trace(2), vec![file.into()], None);
            assert_eq!(odd.search_for(9), None, "{file}");
        }
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert_eq!(Memo::load(&path), None, "cut short");
        let other = Memo {
            version: VERSION + 1,
            ..memo
        };
        std::fs::write(&path, bincode::serialize(&other).unwrap()).unwrap();
        assert_eq!(Memo::load(&path), None, "another layout");
        Memo::forget(&path);
        assert!(!path.exists());
    }
}
