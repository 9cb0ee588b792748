//! Similar articles, computed: for each article the top `count` others by
//!
//! ```text
//! score = tag_weight  · Σ idf(shared tag) / Σ idf(own tags)
//!       + text_weight · cosine(TF-IDF vectors)
//!       + date_weight · 0.5^(|Δdays| / date_half_life_days)
//! ```
//!
//! Terms are Arabic-normalised ([`fold`](crate::arabic::normalize::fold)), stop-word filtered and
//! light-stemmed. Each article keeps its [`TERMS_PER_ARTICLE`] strongest terms. A term's idf is
//! `ln(N / df)` with both counts rounded to four binary digits (`coarse`), so that an edit
//! rarely moves the weights of other articles.
//!
//! Scaling: candidates come from inverted indexes, never from all pairs. An article queries its
//! [`QUERY_TERMS`] strongest terms; each term's postings keep only the [`POSTINGS_CAP`] articles in
//! which the term weighs most ("impact-ordered" pruning), and only tags held by at most
//! [`TAG_CAP`] articles generate candidates. The [`SHORTLIST`] best candidates by that partial score
//! are then scored exactly (all shared tags, full cosine, date). Work per article is bounded by
//! those constants, so the whole computation grows linearly with the archive. Declared related
//! articles and backlinks are excluded; ties break by recency (lower index), so output is
//! deterministic.
//!
//! Patching: a build keeps a [`Trace`] of what it scored from (each article's vector and each
//! term's postings, as numbers, articles by oldest-first number; each article's id, day, tags,
//! declared articles and backlinks; each tag's rounded count). The next build, when the previous
//! articles are all there in the same order with the same days and tags and any new ones are
//! newer (only words, new articles and links may differ), makes every posting list again (a
//! few tenths of a second at 100 000 articles) and scores only the articles an edit can reach
//! ([`Previous`]); every other list is the previous one, which is what scoring it again would
//! give. Terms are numbered in their keys' order and tags weigh by rounded counts, so a new
//! article leaves other articles' vectors and tags' weights as they were.
//!
//! The vectors themselves are kept too ([`Kept`]: each article's vector, each stem's document
//! count, the holders of the rare stems): an edit of a few articles reads their stem counts,
//! before and after, and weighs again only them and the holders of a stem whose rounded count
//! moved ([`Kept::patch`]); every other article's words are not read at all.

use ahash::AHashMap as HashMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::related::Declared;
use super::terms::{Terms, BODY, TITLE};
use crate::arabic::normalize::{is_stop_word, light_stem};
use crate::config::SimilarConfig;
use crate::content::article::Article;
use crate::search::encode::{read_varint, varint};

/// Terms kept per article.
pub const TERMS_PER_ARTICLE: usize = 48;
/// Terms an article looks up to find candidates.
pub const QUERY_TERMS: usize = 12;
/// Articles kept per term posting list (the ones where the term weighs most).
pub const POSTINGS_CAP: usize = 200;
/// Tags held by more articles than this do not generate candidates (they still score).
pub const TAG_CAP: usize = 300;
/// Candidates scored exactly.
pub const SHORTLIST: usize = 64;

/// A sparse, L2-normalised term vector, sorted by term id.
type Vector = Vec<(u32, f32)>;

/// One list per article, end to end in one allocation: scoring a candidate reads its vector
/// and its tags, at random places of the archive's, and a list of its own behind each article
/// was one more dependent trip to memory per candidate.
struct Lists<T> {
    /// Article `i`'s list is `items[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Lists<T> {
    fn of<L: AsRef<[T]>>(lists: &[L]) -> Lists<T> {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        let mut items = Vec::with_capacity(lists.iter().map(|l| l.as_ref().len()).sum());
        starts.push(0);
        for l in lists {
            items.extend_from_slice(l.as_ref());
            starts.push(u32::try_from(items.len()).expect("fewer than 2^32 entries"));
        }
        Lists { starts, items }
    }
}

impl<T: Ord> Lists<T> {
    /// Sorts each list in place.
    fn sort_each(&mut self) {
        for w in self.starts.windows(2) {
            self.items[w[0] as usize..w[1] as usize].sort_unstable();
        }
    }
}

impl<T> Lists<T> {
    /// How many lists there are.
    fn len(&self) -> usize {
        self.starts.len() - 1
    }
}

impl<T> std::ops::Index<usize> for Lists<T> {
    type Output = [T];
    fn index(&self, i: usize) -> &[T] {
        &self.items[self.starts[i] as usize..self.starts[i + 1] as usize]
    }
}

/// Asks the processor to start bringing `items` into its cache, so that a read a little later
/// does not wait for memory (a hint: it changes no result, and never faults).
#[inline]
fn prefetch<T>(items: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = items.as_ptr().cast::<i8>();
        for at in (0..std::mem::size_of_val(items)).step_by(64) {
            // SAFETY: a prefetch reads nothing and cannot fault; the address stays inside (or
            // one past) `items` all the same.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(at)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = items;
}

/// How many candidates ahead of the one being scored are prefetched.
const PREFETCH_AHEAD: usize = 4;

/// What a build's similar lists were scored from, as numbers, so that the next build can tell
/// which articles an edit reaches (see [`Previous`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Each article's term vector: its terms' keys and weights, in the order they are scored;
    /// by oldest-first number (the reverse of site order: an article published since leaves
    /// every other article its number).
    pub vectors: Vec<u64>,
    /// Each term's (capped) postings, by term key, sorted by key (articles by oldest-first
    /// number).
    pub postings: Vec<(u64, u64)>,
    /// By oldest-first number: each article's id, and the numbers of what else it is scored
    /// with (its day and tags' names; the articles it declares and its backlinks).
    pub articles: Vec<(u64, u64, u64)>,
    /// Each tag's name's number and its count as tag idf reads it ([`coarse`]), sorted.
    pub tags: Vec<(u64, u32)>,
}

/// The previous build's lists and [`Trace`], made with the same settings for an archive of the
/// same rounded size ([`coarse`]). They are patched when the articles they were made for are
/// still there, in the same order, with the same days and tags, and any new ones come after
/// them in age (newer): only words, new articles, declared articles and backlinks may differ.
///
/// Article `j`'s list is then scored again only when the edit can reach it: it is new or its
/// vector changed, one of its query terms' postings changed (or holds an article that is new or
/// whose vector changed), it shares a tag that generates candidates with such an article, it
/// holds a tag whose rounded count moved, or its declared articles or backlinks changed. Any
/// other list is made from the same vector, the same postings of the same query terms, and the
/// same candidates' vectors, tags, tags' weights and days: the previous list is what scoring it
/// again gives (articles keep their order, so ties break the same way).
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    pub lists: &'a [Vec<u32>],
    pub trace: &'a Trace,
}

/// Every article's similar list, the [`Trace`] they were scored from, and how many were
/// scored (the others were the previous build's); the vectors they were scored with, for the
/// next build ([`Kept`], its articles' words and places left for the caller to fill).
#[derive(Debug, Default)]
pub struct Computed {
    pub lists: Vec<Vec<usize>>,
    pub trace: Trace,
    pub scored: usize,
    pub kept: Kept,
}

/// What the vectors are made from: every article's stem counts, or the previous build's
/// vectors made again where an edit moved them ([`Kept::patch`]).
pub enum Words {
    Counts(Stemmed),
    Vectors(Vectors),
}

/// Every article's vector (site order), each term id's stem key and document count, and the
/// holders of the rare stems ([`Kept::holders`]).
pub struct Vectors {
    vectors: Lists<(u32, f32)>,
    keys: Vec<u64>,
    df: Vec<u32>,
    holders: Vec<(u64, Vec<u32>)>,
    /// How many articles' stem counts were read to make them.
    pub read: usize,
}

/// Stems held by at most this many articles have their holders kept ([`Kept::holders`]): a
/// count that small moves its rounded value ([`coarse`]) at nearly every change.
const RARE: u32 = 64;

/// What the similar lists were scored with, kept between builds, so that an edit of a few
/// articles reads their stem counts and not every article's (at 100 000 articles, reading them
/// all was a second of an edit's build). A vector is a function of its article's stem counts,
/// the archive's rounded size and the rounded document counts of its stems: an edit changes
/// the vectors of the articles it edits and of those holding a stem whose rounded count it
/// moved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    /// Every stem's key and document count, sorted by key: a vector's term id is a place here.
    pub stems: Vec<(u64, u32)>,
    /// Each article's vector, in the site order of the build that made them:
    /// `items[starts[i]..starts[i + 1]]`.
    pub starts: Vec<u32>,
    pub items: Vec<(u32, f32)>,
    /// The holders (oldest-first numbers, ascending) of stems held by at most [`RARE`]
    /// articles, by stem key, sorted. A stem may lack its list (its count fell to [`RARE`]
    /// from above): a change of its rounded count then makes every vector again.
    pub holders: Vec<(u64, Vec<u32>)>,
    /// Each article's words' number ([`super::memo::Keys::of`]) and where its analysed words
    /// are in the article store (with their hash), in the same order as the vectors.
    pub words: Vec<u64>,
    pub places: Vec<Option<(crate::content::spill::Place, u64)>>,
}

impl Kept {
    /// The vectors of the `vectors` a build scored with.
    fn of(v: Vectors) -> Kept {
        Kept {
            stems: v.keys.into_iter().zip(v.df).collect(),
            starts: v.vectors.starts,
            items: v.vectors.items,
            holders: v.holders,
            words: Vec::new(),
            places: Vec::new(),
        }
    }

    /// How many articles' vectors are kept.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the parts agree (a memo that says otherwise was not written by a build).
    fn sound(&self) -> bool {
        let m = self.len();
        m > 0
            && self.starts[0] == 0
            && self.starts.windows(2).all(|w| w[0] <= w[1])
            && self.starts[m] as usize == self.items.len()
            && self.stems.windows(2).all(|w| w[0].0 < w[1].0)
            && self.stems.iter().all(|s| s.1 > 0)
            && self
                .items
                .iter()
                .all(|&(t, _)| (t as usize) < self.stems.len())
            && self.holders.windows(2).all(|w| w[0].0 < w[1].0)
            && self.words.len() == m
            && self.places.len() == m
    }

    /// Every article's vector for an archive of `n` articles, made from these: the previous
    /// build's articles are oldest-first numbers `0..m`, and `changed` (ascending) holds every
    /// oldest-first number whose words changed or is new (`m..n`). `before(o)` and `now(o)`
    /// give article `o`'s stem counts in the previous build and in this one. Only the changed
    /// articles and those holding a stem whose rounded count moved are weighed again; the
    /// others' vectors are the kept ones, their term ids renumbered. `None` when that cannot
    /// be told: another rounded size, a moved stem whose holders are not kept, counts that
    /// cannot be read.
    pub fn patch(
        &self,
        n: usize,
        changed: &[usize],
        before: &(dyn Fn(usize) -> Option<StemCounts> + Sync),
        now: &(dyn Fn(usize) -> Option<StemCounts> + Sync),
    ) -> Option<Vectors> {
        let m = self.len();
        let size = |count: usize| coarse(u32::try_from(count).unwrap_or(u32::MAX));
        let new_ones = changed.iter().filter(|&&o| o >= m).count();
        if !(m <= n && size(m) == size(n) && self.sound())
            || changed.windows(2).any(|w| w[0] >= w[1])
            || changed.last().is_some_and(|&o| o >= n)
            || new_ones != n - m
        {
            return None;
        }
        let counts: Vec<(usize, StemCounts, StemCounts)> = changed
            .par_iter()
            .map(|&o| {
                let was = if o < m { before(o)? } else { Vec::new() };
                Some((o, was, now(o)?))
            })
            .collect::<Option<_>>()?;
        let mut delta: HashMap<u64, i64> = HashMap::new();
        for (_, was, is) in &counts {
            for &(k, _) in was {
                *delta.entry(k).or_default() -= 1;
            }
            for &(k, _) in is {
                *delta.entry(k).or_default() += 1;
            }
        }
        let old_place = |k: u64| self.stems.binary_search_by_key(&k, |s| s.0).ok();
        // The stems after the edit (old ones merged with new ones, those no article holds any
        // more left out), and each old stem's place among them.
        let mut fresh: Vec<(u64, i64)> = delta
            .iter()
            .filter(|(&k, _)| old_place(k).is_none())
            .map(|(&k, &d)| (k, d))
            .collect();
        fresh.sort_unstable();
        let mut stems: Vec<(u64, u32)> = Vec::with_capacity(self.stems.len() + fresh.len());
        let mut renumber = vec![u32::MAX; self.stems.len()];
        // A stem no kept article held can only have gained holders.
        let gained = |c: i64| u32::try_from(c).ok().filter(|&c| c > 0);
        let mut fresh = fresh.into_iter().peekable();
        for (at, &(k, d)) in self.stems.iter().enumerate() {
            while let Some((f, c)) = fresh.next_if(|&(f, _)| f < k) {
                stems.push((f, gained(c)?));
            }
            let now = u32::try_from(i64::from(d) + delta.get(&k).copied().unwrap_or(0)).ok()?;
            if now > 0 {
                renumber[at] = stems.len() as u32;
                stems.push((k, now));
            }
        }
        for (f, c) in fresh {
            stems.push((f, gained(c)?));
        }
        let place = |k: u64| stems.binary_search_by_key(&k, |s| s.0).ok();
        // The articles to weigh again: the changed ones, and the holders of every stem still
        // held whose rounded count moved.
        let mut again = vec![false; n];
        for &o in changed {
            again[o] = true;
        }
        let holders_of = |k: u64| {
            self.holders
                .binary_search_by_key(&k, |h| h.0)
                .ok()
                .map(|at| &self.holders[at].1)
        };
        for (&k, &d) in &delta {
            let (Some(at), Some(now)) = (old_place(k), place(k)) else {
                continue;
            };
            if d != 0 && coarse(self.stems[at].1) != coarse(stems[now].1) {
                for &o in holders_of(k)? {
                    *again.get_mut(o as usize)? = true;
                }
            }
        }
        let counted: HashMap<usize, &StemCounts> =
            counts.iter().map(|(o, _, is)| (*o, is)).collect();
        let reread: Vec<usize> = (0..n)
            .filter(|&o| again[o] && !counted.contains_key(&o))
            .collect();
        let reread: Vec<(usize, StemCounts)> = reread
            .par_iter()
            .map(|&o| Some((o, now(o)?)))
            .collect::<Option<_>>()?;
        let log = logs();
        let weighed: HashMap<usize, Vector> = counts
            .iter()
            .map(|(o, _, is)| (*o, is))
            .chain(reread.iter().map(|(o, is)| (*o, is)))
            .collect::<Vec<_>>()
            .par_iter()
            .map_init(Vec::new, |all, &(o, is)| {
                let terms = is.iter().filter_map(|&(k, c)| {
                    let r = place(k)?;
                    Some((r as u32, c, idf_of(n, stems[r].1)))
                });
                (o, weigh(all, &log, terms))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        // Site order: article `i` is oldest-first number `n - 1 - i`, kept at `m - 1 - o`.
        let mut vectors = Lists {
            starts: Vec::with_capacity(n + 1),
            items: Vec::with_capacity(self.items.len() + (n - m) * TERMS_PER_ARTICLE),
        };
        vectors.starts.push(0);
        for i in 0..n {
            let o = n - 1 - i;
            match weighed.get(&o) {
                Some(v) => vectors.items.extend_from_slice(v),
                None => {
                    let k = m.checked_sub(1 + o)?;
                    let kept = &self.items[self.starts[k] as usize..self.starts[k + 1] as usize];
                    for &(t, w) in kept {
                        let t = *renumber.get(t as usize).filter(|&&t| t != u32::MAX)?;
                        vectors.items.push((t, w));
                    }
                }
            }
            vectors
                .starts
                .push(u32::try_from(vectors.items.len()).ok()?);
        }
        // The rare stems' holders after the edit: the kept list without the changed articles,
        // with those of them that hold it now. A stem whose count falls to RARE from above has
        // none (its holders were not kept).
        let mut holding: HashMap<u64, Vec<u32>> = HashMap::new();
        for (o, _, is) in &counts {
            for &(k, _) in is {
                holding.entry(k).or_default().push(*o as u32);
            }
        }
        let is_changed = |o: u32| changed.binary_search(&(o as usize)).is_ok();
        let holders: Vec<(u64, Vec<u32>)> = stems
            .iter()
            .filter(|s| s.1 <= RARE)
            .filter_map(|&(k, d)| {
                let mut list = match old_place(k) {
                    None => Vec::new(),
                    Some(_) => holders_of(k)?.clone(),
                };
                list.retain(|&o| !is_changed(o));
                list.extend(holding.get(&k).into_iter().flatten());
                list.sort_unstable();
                (list.len() == d as usize).then_some((k, list))
            })
            .collect();
        Some(Vectors {
            vectors,
            keys: stems.iter().map(|s| s.0).collect(),
            df: stems.iter().map(|s| s.1).collect(),
            holders,
            read: counts.len() + reread.len(),
        })
    }
}

/// Computes the similar list of every article, scoring only those an edit can reach when the
/// previous build's lists are given.
#[allow(clippy::too_many_arguments)]
pub fn compute(
    articles: &[Article],
    words: Words,
    article_tags: &[Vec<usize>],
    tag_names: &[&str],
    declared: &[Vec<Declared>],
    backlinks: &[Vec<usize>],
    config: &SimilarConfig,
    previous: Option<Previous<'_>>,
) -> Computed {
    let tag_count = tag_names.len();
    let n = articles.len();
    if config.count == 0 || n < 2 {
        return Computed {
            lists: vec![Vec::new(); n],
            trace: Trace::default(),
            scored: n,
            kept: Kept::default(),
        };
    }
    // Each article's top terms are all that is scored: its whole counts go while the vectors
    // are made, and the vectors are made end to end.
    let made = match words {
        Words::Counts(stemmed) => term_vectors(stemmed),
        // Made for these `n` articles ([`Kept::patch`]).
        Words::Vectors(v) => v,
    };
    debug_assert_eq!(made.vectors.len(), n);
    let (vectors, keys) = (&made.vectors, &made.keys);
    let term_postings = postings(vectors);
    let mut tag_postings: Vec<Vec<u32>> = vec![Vec::new(); tag_count];
    for (i, tags) in article_tags.iter().enumerate() {
        for &t in tags {
            tag_postings[t].push(i as u32);
        }
    }
    // Counts rounded as for terms: an article published with a tag rarely moves its weight.
    let size = |count: usize| coarse(u32::try_from(count).unwrap_or(u32::MAX));
    let tag_idf: Vec<f32> = tag_postings
        .iter()
        .map(|p| {
            ((size(n) as f32 + 1.0) / (size(p.len()) as f32 + 0.5))
                .ln()
                .max(0.0)
        })
        .collect();
    let tag_keys: Vec<u64> = tag_names
        .iter()
        .map(|name| xxhash_rust::xxh3::xxh3_64(name.as_bytes()))
        .collect();
    let trace = trace_of(
        vectors,
        &term_postings,
        keys,
        article_numbers(articles, article_tags, &tag_keys, declared, backlinks),
        tag_keys
            .iter()
            .zip(&tag_postings)
            .map(|(&k, p)| (k, size(p.len())))
            .collect(),
    );
    let mut sorted_tags = Lists::of(article_tags);
    sorted_tags.sort_each();
    let days: Vec<i64> = articles
        .iter()
        .map(|a| a.date.sort_key() / 86_400)
        .collect();
    let index = Index {
        term_postings: &term_postings,
        tag_postings: &tag_postings,
        scorer: Scorer {
            vectors,
            tags: &sorted_tags,
            tag_idf: &tag_idf,
            days: &days,
            config,
        },
        declared,
        backlinks,
    };
    // The previous articles, still there in the same order and with the same days and tags,
    // any new ones newer than all of them, in an archive of the same rounded size (which
    // weighs every term and tag).
    let previous = previous.filter(|p| {
        let m = p.trace.vectors.len();
        m <= n
            && size(m) == size(n)
            && p.lists.len() == m
            && p.trace.articles.len() == m
            && p.trace
                .articles
                .iter()
                .zip(&trace.articles)
                .all(|(a, b)| a.0 == b.0 && a.1 == b.1)
    });
    let rescore = match previous {
        Some(p) => reached(&index, &trace, keys, &tag_keys, p.trace),
        None => vec![true; n],
    };
    // Article `i` of the previous build's site order, in this build's.
    let now_of = |m: usize, i: u32| n - m + i as usize;
    let lists = (0..n)
        .into_par_iter()
        .map_init(
            || Scratch {
                partial: vec![0f32; n],
                touched: Vec::new(),
                weights: vec![0f32; term_postings.len()],
            },
            |scratch, i| match previous {
                Some(p) if !rescore[i] => {
                    let m = p.lists.len();
                    p.lists[i - (n - m)].iter().map(|&j| now_of(m, j)).collect()
                }
                _ => index.similar_to(i, scratch),
            },
        )
        .collect();
    Computed {
        lists,
        trace,
        scored: rescore.iter().filter(|&&r| r).count(),
        kept: Kept::of(made),
    }
}

/// The numbers of every article's vector (its terms' keys and weights' bits, in scoring order)
/// and of every term's postings (order does not matter: a candidate's partial score is summed
/// over the query's terms, whatever its place in each list).
fn trace_of(
    vectors: &Lists<(u32, f32)>,
    postings: &[Vec<(u32, f32)>],
    keys: &[u64],
    articles: Vec<(u64, u64, u64)>,
    mut tags: Vec<(u64, u32)>,
) -> Trace {
    use std::hash::Hasher;
    let n = vectors.len();
    let vectors = (0..n)
        .into_par_iter()
        .rev()
        .map(|i| {
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            for &(t, w) in &vectors[i] {
                h.write_u64(keys[t as usize]);
                h.write_u32(w.to_bits());
            }
            h.digest()
        })
        .collect();
    let mut postings: Vec<(u64, u64)> = postings
        .par_iter()
        .enumerate()
        .filter(|(_, list)| !list.is_empty())
        .map(|(t, list)| {
            let sum = list.iter().fold(list.len() as u64, |sum, &(j, w)| {
                let oldest_first = (n - 1 - j as usize) as u64;
                let entry = oldest_first << 32 | u64::from(w.to_bits());
                sum.wrapping_add(xxhash_rust::xxh3::xxh3_64(&entry.to_le_bytes()))
            });
            (keys[t], sum)
        })
        .collect();
    postings.par_sort_unstable();
    tags.sort_unstable();
    Trace {
        vectors,
        postings,
        articles,
        tags,
    }
}

/// By oldest-first number, each article's [`Trace::articles`] numbers: its id; its day and its
/// tags' names; the articles it declares and its backlinks (by their oldest-first numbers).
fn article_numbers(
    articles: &[Article],
    article_tags: &[Vec<usize>],
    tag_keys: &[u64],
    declared: &[Vec<Declared>],
    backlinks: &[Vec<usize>],
) -> Vec<(u64, u64, u64)> {
    use std::hash::Hasher;
    let n = articles.len();
    (0..n)
        .into_par_iter()
        .rev()
        .map(|i| {
            let a = &articles[i];
            let id = xxhash_rust::xxh3::xxh3_64(a.id.as_bytes());
            let mut scored = xxhash_rust::xxh3::Xxh3::new();
            scored.write_i64(a.date.sort_key() / 86_400);
            let mut tags: Vec<u64> = article_tags[i].iter().map(|&t| tag_keys[t]).collect();
            tags.sort_unstable();
            for t in tags {
                scored.write_u64(t);
            }
            let mut left_out = xxhash_rust::xxh3::Xxh3::new();
            for d in &declared[i] {
                if let Declared::Article(k) = d {
                    left_out.write_usize(n - 1 - k);
                }
            }
            left_out.write_usize(usize::MAX);
            for &k in &backlinks[i] {
                left_out.write_usize(n - 1 - k);
            }
            (id, scored.digest(), left_out.digest())
        })
        .collect()
}

/// Which articles' lists an edit can have changed, `now` against `before` (see [`Previous`]).
fn reached(
    index: &Index<'_>,
    now: &Trace,
    keys: &[u64],
    tag_keys: &[u64],
    before: &Trace,
) -> Vec<bool> {
    let s = &index.scorer;
    let n = now.vectors.len();
    let m = before.vectors.len();
    // Site index `i` is oldest-first number `n - 1 - i`; new articles have numbers from `m`.
    let moved: Vec<usize> = (0..n)
        .filter(|&i| {
            let o = n - 1 - i;
            o >= m || now.vectors[o] != before.vectors[o]
        })
        .collect();
    let mut rescore = vec![false; n];
    // Declared articles and backlinks leave candidates out of the article's own list only.
    for o in 0..m {
        if now.articles[o].2 != before.articles[o].2 {
            rescore[n - 1 - o] = true;
        }
    }
    // A tag whose weight moved changes every score of its articles.
    for (t, members) in index.tag_postings.iter().enumerate() {
        let now_size = now.tags.binary_search_by_key(&tag_keys[t], |&(k, _)| k);
        let before_size = before
            .tags
            .binary_search_by_key(&tag_keys[t], |&(k, _)| k)
            .map(|at| before.tags[at].1);
        if now_size.map(|at| now.tags[at].1) != before_size {
            for &j in members {
                rescore[j as usize] = true;
            }
        }
    }
    // Terms whose postings changed, or hold an article whose vector changed (its score as a
    // candidate changes even where its entry does not).
    let mut hot: Vec<bool> = index
        .term_postings
        .par_iter()
        .enumerate()
        .map(|(t, list)| {
            let find = |trace: &Trace| {
                trace
                    .postings
                    .binary_search_by_key(&keys[t], |&(k, _)| k)
                    .map(|at| trace.postings[at].1)
            };
            match (find(now), find(before)) {
                _ if list.is_empty() => false,
                (Ok(a), Ok(b)) => a != b,
                _ => true,
            }
        })
        .collect();
    for &i in &moved {
        rescore[i] = true;
        for &(t, _) in &s.vectors[i] {
            if index.term_postings[t as usize]
                .iter()
                .any(|&(j, _)| j as usize == i)
            {
                hot[t as usize] = true;
            }
        }
        // Tags that generate candidates: every article holding one has `i` as a candidate.
        for &t in &s.tags[i] {
            if index.tag_postings[t].len() <= TAG_CAP {
                for &j in &index.tag_postings[t] {
                    rescore[j as usize] = true;
                }
            }
        }
    }
    let queries_hot: Vec<bool> = (0..n)
        .into_par_iter()
        .map(|j| {
            query_terms(&s.vectors[j])
                .iter()
                .any(|&(t, _)| hot[t as usize])
        })
        .collect();
    for (r, q) in rescore.iter_mut().zip(queries_hot) {
        *r |= q;
    }
    rescore
}

/// The terms an article looks candidates up with: its [`QUERY_TERMS`] strongest (ties: the
/// lower id).
fn query_terms(vector: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let mut query: Vec<(u32, f32)> = vector.to_vec();
    query.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    query.truncate(QUERY_TERMS);
    query
}

/// Space one thread reuses from article to article (every slot zero between articles).
struct Scratch {
    /// Each article's partial score as a candidate.
    partial: Vec<f32>,
    /// The articles whose `partial` is set.
    touched: Vec<u32>,
    /// The current article's term weights, by term id.
    weights: Vec<f32>,
}

/// The inverted indexes and the exact scorer, built once for all articles.
struct Index<'a> {
    term_postings: &'a [Vec<(u32, f32)>],
    tag_postings: &'a [Vec<u32>],
    scorer: Scorer<'a>,
    declared: &'a [Vec<Declared>],
    backlinks: &'a [Vec<usize>],
}

impl Index<'_> {
    /// The similar list of article `i`.
    fn similar_to(&self, i: usize, scratch: &mut Scratch) -> Vec<usize> {
        let Scratch {
            partial,
            touched,
            weights,
        } = scratch;
        let s = &self.scorer;
        let config = s.config;
        let mut add = |j: u32, score: f32| {
            let slot = &mut partial[j as usize];
            if *slot == 0.0 {
                touched.push(j);
            }
            *slot += score;
        };
        let own: f32 = s.tags[i].iter().map(|&t| s.tag_idf[t]).sum();
        for &t in &s.tags[i] {
            if self.tag_postings[t].len() <= TAG_CAP && own > 0.0 {
                for &j in &self.tag_postings[t] {
                    add(
                        j,
                        config.tag_weight * s.tag_idf[t] / own + f32::MIN_POSITIVE,
                    );
                }
            }
        }
        for &(term, w) in &query_terms(&s.vectors[i]) {
            for &(j, wj) in &self.term_postings[term as usize] {
                add(j, config.text_weight * w * wj + f32::MIN_POSITIVE);
            }
        }
        let excluded = |j: usize| {
            j == i
                || self.backlinks[i].binary_search(&j).is_ok()
                || self.declared[i]
                    .iter()
                    .any(|d| matches!(d, Declared::Article(k) if *k == j))
        };
        let mut shortlist: Vec<(f32, u32)> = Vec::with_capacity(touched.len());
        for &j in touched.iter() {
            let score = std::mem::take(&mut partial[j as usize]);
            if !excluded(j as usize) {
                shortlist.push((score, j));
            }
        }
        touched.clear();
        top(&mut shortlist, SHORTLIST.max(config.count * 4));
        for &(t, w) in &s.vectors[i] {
            weights[t as usize] = w;
        }
        let own = s.own(i);
        // Each candidate's vector and tags lie at a random place of the archive's: fetched a few
        // candidates ahead, the scoring does not wait for each in turn.
        for &(_, j) in shortlist.iter().take(PREFETCH_AHEAD) {
            s.prefetch(j as usize);
        }
        let mut best: Vec<(f32, u32)> = Vec::with_capacity(shortlist.len());
        for (k, &(_, j)) in shortlist.iter().enumerate() {
            if let Some(&(_, ahead)) = shortlist.get(k + PREFETCH_AHEAD) {
                s.prefetch(ahead as usize);
            }
            best.push((s.score(i, own, j as usize, weights), j));
        }
        for &(t, _) in &s.vectors[i] {
            weights[t as usize] = 0.0;
        }
        top(&mut best, config.count);
        best.into_iter().map(|(_, j)| j as usize).collect()
    }
}

/// Keeps the `k` best (score descending, then index ascending), sorted.
fn top(items: &mut Vec<(f32, u32)>, k: usize) {
    let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if k == 0 {
        items.clear();
        return;
    }
    if k < items.len() {
        items.select_nth_unstable_by(k - 1, order);
        items.truncate(k);
    }
    items.sort_by(order);
}

/// The exact score of a pair.
struct Scorer<'a> {
    vectors: &'a Lists<(u32, f32)>,
    tags: &'a Lists<usize>,
    tag_idf: &'a [f32],
    days: &'a [i64],
    config: &'a SimilarConfig,
}

impl Scorer<'_> {
    /// The weight of article `i`'s own tags (what a candidate's shared tags are a part of).
    fn own(&self, i: usize) -> f32 {
        self.tags[i].iter().map(|&t| self.tag_idf[t]).sum()
    }

    /// Starts bringing what scoring candidate `j` reads into the cache.
    fn prefetch(&self, j: usize) {
        prefetch(&self.vectors[j]);
        prefetch(&self.tags[j]);
    }

    /// `weights`: article `i`'s term weights by term id (zero for terms it does not have);
    /// `own`: [`Scorer::own`] of `i`.
    fn score(&self, i: usize, own: f32, j: usize, weights: &[f32]) -> f32 {
        let c = self.config;
        let shared: f32 = intersect(&self.tags[i], &self.tags[j])
            .map(|t| self.tag_idf[t])
            .sum();
        let tags = if own > 0.0 { shared / own } else { 0.0 };
        let text = cosine(weights, &self.vectors[j]);
        let mut s = c.tag_weight * tags + c.text_weight * text;
        if c.date_weight > 0.0 && c.date_half_life_days > 0.0 {
            let delta = (self.days[i] - self.days[j]).unsigned_abs() as f32;
            s += c.date_weight * 0.5f32.powf(delta / c.date_half_life_days);
        }
        s
    }
}

/// Common elements of two sorted lists.
fn intersect<'a>(a: &'a [usize], b: &'a [usize]) -> impl Iterator<Item = usize> + 'a {
    let (mut x, mut y) = (0, 0);
    std::iter::from_fn(move || {
        while x < a.len() && y < b.len() {
            match a[x].cmp(&b[y]) {
                std::cmp::Ordering::Less => x += 1,
                std::cmp::Ordering::Greater => y += 1,
                std::cmp::Ordering::Equal => {
                    x += 1;
                    y += 1;
                    return Some(a[x - 1]);
                }
            }
        }
        None
    })
}

/// Dot product of two normalised vectors: one spread out by term id (`a`), one sparse and
/// sorted by term id (`b`). The products of terms `a` lacks are zero, and the others are added
/// in term order, so the sum is bit for bit that of walking both sparse vectors together (which
/// branched at every step and was the costliest part of similar articles).
fn cosine(a: &[f32], b: &[(u32, f32)]) -> f32 {
    b.iter().fold(0.0, |dot, &(t, w)| dot + a[t as usize] * w)
}

/// A term's identity: FNV-1a over its UTF-8 bytes. Keys are compact (8 bytes instead of an owned
/// string per term and article, which dominated the build's peak memory) and identical on every
/// machine, so ties break the same way everywhere. Collisions among the ~10^5 distinct stems of
/// an archive are vanishingly unlikely (birthday bound ~10^-9).
fn term_key(term: &str) -> u64 {
    super::terms::fnv(term.as_bytes())
}

/// Title words count three times.
const TITLE_WEIGHT: u32 = 3;

/// An article's stems with their counts, sorted by stem key: all similarity needs of its text.
pub type StemCounts = Vec<(u64, u32)>;

/// The stem counts of an article's analysed text.
pub fn stem_counts(t: &Terms) -> StemCounts {
    let mut tf: HashMap<u64, u32> = HashMap::with_capacity(512);
    for (i, w) in t.words.iter().enumerate() {
        let times = TITLE_WEIGHT * u32::from(w.counts[TITLE]) + u32::from(w.counts[BODY]);
        let word = t.word(i as u32);
        if times == 0 || word.chars().nth(1).is_none() || is_stop_word(word) {
            continue;
        }
        *tf.entry(term_key(light_stem(word))).or_default() += times;
    }
    let mut v: Vec<(u64, u32)> = tf.into_iter().collect();
    v.sort_unstable_by_key(|&(k, _)| k);
    v
}

/// Every article's stems as ids with their counts, which similar articles hold for the whole
/// archive (with the search index's lists, the largest thing a build holds) until each
/// article's top terms are known. Packed: a third of the size of (id, count) pairs.
#[derive(Debug, Default, PartialEq)]
pub struct Stemmed {
    /// Stem key → id, numbered in the order stems are first met (article by article, in site
    /// order; within an article by key).
    ids: HashMap<u64, u32>,
    /// Id → stem key.
    keys: Vec<u64>,
    /// By article: its (stem id, count) pairs sorted by id, as [`varint`]s: the id's difference
    /// from the one before, then the count.
    packed: Vec<Box<[u8]>>,
}

impl Stemmed {
    /// Adds the next article's counts.
    pub fn push(&mut self, counts: &StemCounts) {
        let (ids, keys) = (&mut self.ids, &mut self.keys);
        let mut article: Vec<(u32, u32)> = counts
            .iter()
            .map(|&(key, c)| {
                let next = ids.len() as u32;
                let id = *ids.entry(key).or_insert_with(|| {
                    keys.push(key);
                    next
                });
                (id, c)
            })
            .collect();
        article.sort_unstable_by_key(|&(id, _)| id);
        let mut packed = Vec::with_capacity(article.len() * 3);
        let mut last = 0;
        for (id, c) in article {
            varint(&mut packed, u64::from(id - last));
            varint(&mut packed, u64::from(c));
            last = id;
        }
        self.packed.push(packed.into_boxed_slice());
    }

    /// Every article's counts, in site order.
    pub fn of(all: impl IntoIterator<Item = StemCounts>) -> Stemmed {
        let mut s = Stemmed::default();
        for c in all {
            s.push(&c);
        }
        s
    }

    /// Article `i`'s (stem id, count) pairs, by id.
    fn article(&self, i: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        packed_counts(&self.packed[i])
    }
}

/// The (stem id, count) pairs of one article's packed counts ([`Stemmed::packed`]).
fn packed_counts(b: &[u8]) -> impl Iterator<Item = (u32, u32)> + '_ {
    let (mut at, mut id) = (0, 0u32);
    std::iter::from_fn(move || {
        if at == b.len() {
            return None;
        }
        id += read_varint(b, &mut at) as u32;
        Some((id, read_varint(b, &mut at) as u32))
    })
}

/// `count` rounded down to its four leading binary digits (exact up to 16; then within 6–12 %
/// below): what a stem's idf is computed from, for its document count and the archive's size.
///
/// An edit that gives an article a stem it did not have moves that stem's count by one. With
/// exact counts, that moves the weight of the stem in every article holding it, so every one
/// of those vectors changes, and every list they reach is scored again (one sentence added to
/// one article of the 100 000 of the bench corpus reached all of them). Rounded, a count of `d`
/// crosses to another value about once in `d / 16` to `d / 8` moves: each stem whose count an
/// edit moves changes the vectors of 8 to 16 articles on average, however common it is. The
/// weights move by a few percent at most, alike for every article.
pub(crate) fn coarse(count: u32) -> u32 {
    let bits = u32::BITS - count.leading_zeros();
    let dropped = bits.saturating_sub(4);
    count >> dropped << dropped
}

/// Counts whose logarithm is looked up rather than computed (larger ones are rare).
const LOGGED_COUNTS: usize = 256;

/// TF-IDF vectors, top terms only, L2-normalised, sorted by term id, and each term id's stem
/// key. Terms are the stems of the folded title and body words, stop words and one-letter words
/// left out.
fn term_vectors(stemmed: Stemmed) -> Vectors {
    term_vectors_in(stemmed, VECTOR_CHUNK)
}

/// The logarithm of each count below [`LOGGED_COUNTS`] (a term weighs `(1 + ln count) · idf`).
fn logs() -> Vec<f32> {
    (0..LOGGED_COUNTS).map(|c| (c as f32).ln()).collect()
}

/// An article's vector from its terms' (id, count, idf): its [`TERMS_PER_ARTICLE`] strongest
/// (ties: the lower id), L2-normalised, sorted by id. The same vector whatever order the terms
/// come in. `all` is a buffer reused from article to article; `log` is [`logs`].
fn weigh(all: &mut Vector, log: &[f32], terms: impl Iterator<Item = (u32, u32, f32)>) -> Vector {
    all.clear();
    all.extend(terms.filter(|&(_, _, idf)| idf > 0.0).map(|(id, c, idf)| {
        let log_c = log
            .get(c as usize)
            .copied()
            .unwrap_or_else(|| (c as f32).ln());
        (id, (1.0 + log_c) * idf)
    }));
    all.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut v: Vector = all[..all.len().min(TERMS_PER_ARTICLE)].to_vec();
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    }
    v.sort_unstable_by_key(|&(t, _)| t);
    v
}

/// A stem's idf in an archive of `n` articles ([`coarse`] counts).
fn idf_of(n: usize, df: u32) -> f32 {
    let n = coarse(u32::try_from(n).unwrap_or(u32::MAX)) as f32;
    (n / coarse(df) as f32).ln()
}

/// [`term_vectors`], made `chunk` articles at a time.
fn term_vectors_in(mut stemmed: Stemmed, chunk: usize) -> Vectors {
    let articles = stemmed.packed.len();
    let ids = stemmed.ids.len();
    // Counted a few thousand articles per piece, on every thread, then summed (whole numbers:
    // the same counts in any order).
    let df: Vec<u32> = (0..articles)
        .into_par_iter()
        .with_min_len(8192)
        .fold(
            || vec![0u32; ids],
            |mut df, i| {
                for (id, _) in stemmed.article(i) {
                    df[id as usize] += 1;
                }
                df
            },
        )
        .reduce(
            || vec![0u32; ids],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    // The stems' numbering is not needed past this point. Vectors number terms by their keys'
    // order instead: the order of an article's terms (which a vector's number and the sums of
    // its scoring follow) is then the same whatever other articles have or come first, and a
    // new article leaves other vectors as they were.
    stemmed.ids = HashMap::new();
    let mut by_key: Vec<u32> = (0..ids as u32).collect();
    by_key.sort_unstable_by_key(|&id| stemmed.keys[id as usize]);
    let mut rank = vec![0u32; ids];
    for (r, &id) in by_key.iter().enumerate() {
        rank[id as usize] = r as u32;
    }
    // The holders of each rare stem, by oldest-first number, for the next build ([`Kept`]).
    let mut slot = vec![u32::MAX; ids];
    let mut holders: Vec<(u64, Vec<u32>)> = Vec::new();
    for &id in &by_key {
        if df[id as usize] <= RARE {
            slot[id as usize] = holders.len() as u32;
            holders.push((
                stemmed.keys[id as usize],
                Vec::with_capacity(df[id as usize] as usize),
            ));
        }
    }
    for i in (0..articles).rev() {
        for (id, _) in stemmed.article(i) {
            if let Some((_, list)) = holders.get_mut(slot[id as usize] as usize) {
                list.push((articles - 1 - i) as u32);
            }
        }
    }
    drop(slot);
    // Each stem's idf, and the log of each small count, computed once (one logarithm per stem
    // and article was a fifth of the vectors' work); the same expressions, so the same weights.
    let idf: Vec<f32> = df.par_iter().map(|&d| idf_of(articles, d)).collect();
    let log = logs();
    // A chunk of articles at a time: their vectors go end to end into one list, and their stem
    // counts are let go, so the counts of the whole archive, its vectors one list per article
    // and its vectors end to end are never all held at once (held together, they raised a
    // million-article build's index stage by about 1 GB: benches/HISTORY.md). The list has room
    // for every article's whole vector from the start, so it is never grown by doubling; the
    // room left over is never touched, and is handed back at the end.
    let mut out = Lists {
        starts: Vec::with_capacity(articles + 1),
        items: Vec::with_capacity(articles * TERMS_PER_ARTICLE),
    };
    out.starts.push(0);
    for chunk in stemmed.packed.chunks_mut(chunk.max(1)) {
        let vectors: Vec<Vector> = chunk
            .par_iter_mut()
            .map_init(Vec::new, |all, counts| {
                let terms =
                    packed_counts(counts).map(|(id, c)| (rank[id as usize], c, idf[id as usize]));
                let v = weigh(all, &log, terms);
                *counts = Box::default();
                v
            })
            .collect();
        for v in vectors {
            out.items.extend_from_slice(&v);
            out.starts
                .push(u32::try_from(out.items.len()).expect("fewer than 2^32 entries"));
        }
    }
    out.items.shrink_to_fit();
    Vectors {
        vectors: out,
        keys: by_key.iter().map(|&id| stemmed.keys[id as usize]).collect(),
        df: by_key.iter().map(|&id| df[id as usize]).collect(),
        holders,
        read: articles,
    }
}

/// Articles whose vectors are made at once ([`term_vectors`]).
const VECTOR_CHUNK: usize = 16_384;

/// Term → (article, weight), each list keeping its `POSTINGS_CAP` strongest entries.
fn postings(vectors: &Lists<(u32, f32)>) -> Vec<Vec<(u32, f32)>> {
    let terms = vectors
        .items
        .iter()
        .map(|(t, _)| *t as usize + 1)
        .max()
        .unwrap_or(0);
    // Each list made at its size: grown by doubling, a list may hold up to twice what it uses.
    let mut sizes = vec![0u32; terms];
    for &(t, _) in &vectors.items {
        sizes[t as usize] += 1;
    }
    let mut lists: Vec<Vec<(u32, f32)>> = sizes
        .into_iter()
        .map(|n| Vec::with_capacity(n as usize))
        .collect();
    for i in 0..vectors.len() {
        for &(t, w) in &vectors[i] {
            lists[t as usize].push((i as u32, w));
        }
    }
    lists.par_iter_mut().for_each(|list| {
        if list.len() > POSTINGS_CAP {
            list.select_nth_unstable_by(POSTINGS_CAP - 1, |a, b| {
                b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
            });
            list.truncate(POSTINGS_CAP);
            list.shrink_to_fit();
        }
    });
    lists
}

#[cfg(test)]
mod tests {
    use crate::index::tests::{article, index_of, site_from, stems};

    const BODY: &str = "البادية السورية والرقة ودير الزور والحدود العراقية";

    fn similar_of(files: &[(String, String)], yaml: &str, stem: &str) -> Vec<String> {
        let site = site_from(files, yaml).expect("site");
        let i = index_of(&site, stem);
        stems(&site, &site.related[i].similar)
    }

    #[test]
    fn vectors_are_the_same_made_a_chunk_at_a_time() {
        use crate::index::terms::analyse;
        let texts = [
            "البادية السورية والرقة ودير الزور",
            "",
            "الرقة الرقة الرقة دير الزور الحسكة",
            "Kurdish SDF قوات سوريا الديمقراطية في الحسكة والرقة",
            "البادية",
            "الزور الحسكة البادية السورية العراقية الحدود",
        ];
        let stemmed = || {
            super::Stemmed::of(
                texts
                    .iter()
                    .map(|t| super::stem_counts(&analyse([t, "", "", t], false))),
            )
        };
        let made = super::term_vectors_in(stemmed(), 1000);
        let (whole, keys) = (made.vectors, made.keys);
        assert_eq!(keys.len(), stemmed().ids.len(), "a key for each id");
        assert_eq!(whole.len(), texts.len());
        assert!(whole[1].is_empty() && !whole[0].is_empty());
        for chunk in [0, 1, 2, 4, 5] {
            let v = super::term_vectors_in(stemmed(), chunk).vectors;
            assert_eq!(
                (&v.starts, &v.items),
                (&whole.starts, &whole.items),
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn lists_end_to_end_give_back_each_list_empty_ones_included() {
        let lists = vec![
            vec![(3u32, 0.5f32)],
            vec![],
            vec![(1, 0.25), (9, 0.75)],
            vec![],
        ];
        let flat = super::Lists::of(&lists);
        for (i, l) in lists.iter().enumerate() {
            assert_eq!(&flat[i], &l[..], "list {i}");
        }
        assert_eq!(flat.len(), lists.len());
        super::prefetch(&flat[2]);
        super::prefetch(&flat[3]);
        let mut tags = super::Lists::of(&[vec![3usize, 1, 2], vec![], vec![9, 4]]);
        tags.sort_each();
        assert_eq!(
            (&tags[0], &tags[1], &tags[2]),
            (&[1, 2, 3][..], &[][..], &[4, 9][..])
        );
    }

    #[test]
    fn stem_counts_are_packed_without_loss() {
        use super::{term_key, Stemmed};
        let mut first: Vec<(u64, u32)> = (0..300u32)
            .map(|i| (term_key(&format!("w{i}")), i * 997 + 1))
            .collect();
        first.push((term_key("x"), u32::MAX));
        first.sort_unstable_by_key(|&(k, _)| k);
        let second = vec![(term_key("w7"), 2), (term_key("new"), 1)];
        let s = Stemmed::of([first.clone(), Vec::new(), second]);
        // Ids are given in key order within the first article: unpacked by id, that order.
        let unpacked: Vec<(u32, u32)> = s.article(0).collect();
        let expected: Vec<(u32, u32)> = first
            .iter()
            .enumerate()
            .map(|(id, &(_, c))| (id as u32, c))
            .collect();
        assert_eq!(unpacked, expected);
        assert_eq!(s.article(1).count(), 0);
        let w7 = first
            .iter()
            .position(|&(k, _)| k == term_key("w7"))
            .unwrap() as u32;
        assert_eq!(s.article(2).collect::<Vec<_>>(), [(w7, 2), (301, 1)]);
    }

    /// Lists as the memo keeps them.
    fn as_kept(lists: &[Vec<usize>]) -> Vec<Vec<u32>> {
        lists
            .iter()
            .map(|l| l.iter().map(|&j| j as u32).collect())
            .collect()
    }

    /// Word edits to a few articles at a time (rare words among them, whose rounded counts move
    /// at nearly every change), new articles and articles replaced in place: the vectors made
    /// from the kept ones are the vectors made from every article's counts, and so are the
    /// rare stems' holders the patch keeps. Each step starts from the previous step's kept
    /// vectors, patched or made whole.
    #[test]
    fn vectors_made_from_the_kept_ones_are_the_vectors_made_from_every_count() {
        use super::{stem_counts, term_vectors, Kept, StemCounts, Stemmed, Vectors};
        use crate::index::terms::analyse;
        const VOCABULARY: usize = 20_000;
        let mut next = below(0x7f4a_7c15_9e37_79b9u64);
        let word = |next: &mut dyn FnMut(usize) -> usize| match next(5) {
            0 => format!("rare{}", next(2000)),
            _ => {
                let k = next(VOCABULARY);
                format!("w{}", k * k / VOCABULARY)
            }
        };
        let text = |next: &mut dyn FnMut(usize) -> usize| -> Vec<String> {
            let len = 5 + next(80);
            (0..len).map(|_| word(next)).collect()
        };
        let counts_of = |t: &[String]| stem_counts(&analyse(["", "", "", &t.join(" ")], false));
        // Oldest first; articles 420 to 447: the same rounded size throughout.
        let mut texts: Vec<Vec<String>> = (0..420).map(|_| text(&mut next)).collect();
        let whole = |counts: &[StemCounts]| term_vectors(Stemmed::of(counts.iter().rev().cloned()));
        let kept_of = |v: Vectors, texts: &[Vec<String>]| {
            let mut kept = Kept::of(v);
            // Site order: newest first.
            kept.words = texts
                .iter()
                .rev()
                .map(|t| crate::index::terms::fnv(t.join(" ").as_bytes()))
                .collect();
            kept.places = vec![None; texts.len()];
            kept
        };
        let mut counts: Vec<StemCounts> = texts.iter().map(|t| counts_of(t)).collect();
        let mut kept = kept_of(whole(&counts), &texts);
        let (mut patched, mut weighed, steps) = (0, 0, 60);
        for step in 0..steps {
            let before = counts.clone();
            let mut changed = Vec::new();
            for _ in 0..1 + next(3) {
                let o = next(texts.len());
                edit_words(&mut texts[o], step, &mut next, &word, Some(&text));
                counts[o] = counts_of(&texts[o]);
                changed.push(o);
            }
            if step % 3 == 0 && texts.len() < 446 {
                for _ in 0..1 + next(2) {
                    changed.push(texts.len());
                    texts.push(text(&mut next));
                    counts.push(counts_of(texts.last().expect("one")));
                }
            }
            changed.sort_unstable();
            changed.dedup();
            let n = texts.len();
            let fresh = whole(&counts);
            let made = kept.patch(n, &changed, &|o| before.get(o).cloned(), &|o| {
                counts.get(o).cloned()
            });
            let made = match made {
                Some(v) => {
                    assert_eq!(v.vectors.starts, fresh.vectors.starts, "step {step}");
                    assert_eq!(v.vectors.items, fresh.vectors.items, "step {step}");
                    assert_eq!((&v.keys, &v.df), (&fresh.keys, &fresh.df), "step {step}");
                    for (k, list) in &v.holders {
                        let at = fresh.holders.binary_search_by_key(k, |h| h.0);
                        assert_eq!(
                            Some(list),
                            at.ok().map(|at| &fresh.holders[at].1),
                            "step {step}"
                        );
                    }
                    patched += 1;
                    weighed += v.read;
                    v
                }
                None => fresh,
            };
            kept = kept_of(made, &texts);
        }
        // Most steps patch, weighing a small part of the archive each (the holders of the stems
        // whose rounded counts moved: in so small an archive, tens of articles).
        assert!(
            patched * 4 > steps * 3,
            "{patched} of {steps} steps patched"
        );
        assert!(
            weighed * 5 < patched * 420,
            "{weighed} articles weighed in {patched} steps"
        );
    }

    /// Draws words for a text.
    type Draw<'a, T> = &'a dyn Fn(&mut dyn FnMut(usize) -> usize) -> T;

    /// One random edit of a text's words (at step `step`): a word added, replaced or removed, a
    /// word no text had, or with `text`, another text in its place (one article removed, one
    /// published).
    fn edit_words(
        t: &mut Vec<String>,
        step: usize,
        next: &mut dyn FnMut(usize) -> usize,
        word: Draw<'_, String>,
        text: Option<Draw<'_, Vec<String>>>,
    ) {
        match next(if text.is_some() { 5 } else { 4 }) {
            0 => t.push(word(next)),
            1 => {
                let at = next(t.len());
                t[at] = word(next);
            }
            2 if t.len() > 1 => {
                t.remove(next(t.len()));
            }
            3 if text.is_some() => *t = text.map(|text| text(next)).unwrap_or_default(),
            _ => t.push(format!("new{step}")),
        }
    }

    /// Pseudo-random numbers below a bound (xorshift: the same every run).
    fn below(mut state: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        }
    }

    /// Articles published one or two at a time (the newest, with a common tag, a small one or a
    /// tag of their own), between word edits of older ones: the lists patched from the previous
    /// build's are the lists scored again from scratch, and fewer are scored.
    #[test]
    fn lists_patched_across_new_articles_are_the_lists_scored_again() {
        use super::{compute, stem_counts, Computed, Previous, Stemmed};
        use crate::index::terms::analyse;
        const VOCABULARY: usize = 20_000;
        // 420 to 447 articles: the same rounded size throughout.
        let first = 420;
        let mut next = below(0x2545_f491_4f6c_dd1du64);
        let file = |i: usize, tags: &[String]| {
            let date = if i < first {
                format!("{}-{:02}-{:02}", 2023 + i % 2, 1 + i % 12, 1 + i % 28)
            } else {
                format!("2025-01-{:02}", 1 + i - first)
            };
            let front = format!("date: {date}\ntags: [{}]", tags.join(", "));
            article(&format!("a{i:04}"), &front, "نص")
        };
        let tags_of = |i: usize, next: &mut dyn FnMut(usize) -> usize| {
            // 383 of the first articles have the common tag: the first new one that has it
            // moves its rounded count (383 → 384) and its weight.
            let mut tags = Vec::new();
            if (i < first && i < 383) || (i >= first && !i.is_multiple_of(7)) {
                tags.push("big".to_string());
            }
            match next(3) {
                0 => tags.push(format!("t{}", next(17))),
                1 if i >= first => tags.push(format!("own{i}")),
                _ => {}
            }
            tags
        };
        let word = |next: &mut dyn FnMut(usize) -> usize| {
            let k = next(VOCABULARY);
            format!("w{}", k * k / VOCABULARY)
        };
        let text = |next: &mut dyn FnMut(usize) -> usize| -> Vec<String> {
            let len = 20 + next(70);
            (0..len).map(|_| word(next)).collect()
        };
        let mut files = Vec::new();
        let mut texts = Vec::new();
        for i in 0..first {
            let tags = tags_of(i, &mut next);
            files.push(file(i, &tags));
            texts.push(text(&mut next));
        }
        // Text first, then tags first (their weights move when their rounded counts do).
        let configs = [
            crate::config::SimilarConfig {
                count: 12,
                text_weight: 2.0,
                date_weight: 0.0,
                ..Default::default()
            },
            crate::config::SimilarConfig {
                count: 12,
                tag_weight: 3.0,
                text_weight: 0.3,
                date_weight: 0.0,
                ..Default::default()
            },
        ];
        for config in &configs {
            let (mut files, mut texts) = (files.clone(), texts.clone());
            let run = |site: &crate::index::Site,
                       texts: &[Vec<String>],
                       previous: Option<Previous<'_>>|
             -> Computed {
                let counts = site.articles.iter().map(|a| {
                    let i: usize = a.id[1..].parse().expect("a number");
                    stem_counts(&analyse(["", "", "", &texts[i].join(" ")], false))
                });
                let tags = &site.taxonomies[crate::index::TAGS];
                let names: Vec<&str> = tags.terms.iter().map(|t| t.name.as_str()).collect();
                let declared: Vec<_> = site.related.iter().map(|r| r.declared.clone()).collect();
                let backlinks: Vec<_> = site.related.iter().map(|r| r.backlinks.clone()).collect();
                compute(
                    &site.articles,
                    super::Words::Counts(Stemmed::of(counts)),
                    &tags.article_terms,
                    &names,
                    &declared,
                    &backlinks,
                    config,
                    previous,
                )
            };
            let site = site_from(&files, "").expect("site");
            let mut before = run(&site, &texts, None);
            let (mut scored, mut all) = (0, 0);
            for step in 0..8 {
                for _ in 0..1 + next(2) {
                    let i = files.len();
                    let tags = tags_of(i, &mut next);
                    files.push(file(i, &tags));
                    texts.push(text(&mut next));
                }
                if step % 2 == 1 {
                    let i = next(first);
                    let at = next(texts[i].len());
                    texts[i][at] = word(&mut next);
                }
                let site = site_from(&files, "").expect("site");
                let lists = as_kept(&before.lists);
                let previous = Previous {
                    lists: &lists,
                    trace: &before.trace,
                };
                let patched = run(&site, &texts, Some(previous));
                let whole = run(&site, &texts, None);
                assert_eq!(patched.lists, whole.lists, "step {step}");
                assert_eq!(patched.trace, whole.trace, "step {step}");
                scored += patched.scored;
                all += site.articles.len();
                before = whole;
            }
            // A small archive: each new article moves the counts of many terms and of the common
            // tag, which reach many lists (about 60 % here; at 100 000 articles, see README).
            assert!(scored * 4 < all * 3, "{scored} of {all} lists scored");
        }
    }

    /// Random word edits to a few articles at a time: the lists patched from the previous
    /// build's are the lists scored again from scratch, every time, and the patch scores fewer.
    #[test]
    fn patched_lists_are_the_lists_scored_again() {
        use super::{compute, stem_counts, Computed, Previous, Stemmed};
        use crate::index::terms::analyse;
        // Archive-like: a large vocabulary, a few words in most articles, most in few.
        const VOCABULARY: usize = 20_000;
        let n = 420;
        let mut next = below(0x9e37_79b9_7f4a_7c15u64);
        // A tag on nearly every article (too common to make candidates), small tags, and
        // articles without any; dates over two years.
        let files: Vec<(String, String)> = (0..n)
            .map(|i| {
                let mut tags = Vec::new();
                if i % 7 != 0 {
                    tags.push("big".to_string());
                }
                if i % 3 == 0 {
                    tags.push(format!("t{}", i % 17));
                }
                let front = format!(
                    "date: {}-{:02}-{:02}\ntags: [{}]",
                    2023 + i % 2,
                    1 + i % 12,
                    1 + i % 28,
                    tags.join(", ")
                );
                article(&format!("a{i}"), &front, "نص")
            })
            .collect();
        let site = site_from(&files, "").expect("site");
        let declared: Vec<_> = site.related.iter().map(|r| r.declared.clone()).collect();
        let backlinks: Vec<_> = site.related.iter().map(|r| r.backlinks.clone()).collect();
        let tags = &site.taxonomies[crate::index::TAGS];
        let tag_names: Vec<&str> = tags.terms.iter().map(|t| t.name.as_str()).collect();
        // Words drawn with a skew (a few in most articles: their postings are capped), 20 to
        // 90 a text, so that some articles have more terms than a vector keeps.
        let word = |next: &mut dyn FnMut(usize) -> usize| {
            let k = next(VOCABULARY);
            format!("w{}", k * k / VOCABULARY)
        };
        let mut texts: Vec<Vec<String>> = (0..n)
            .map(|_| {
                let len = 20 + next(70);
                (0..len).map(|_| word(&mut next)).collect()
            })
            .collect();
        // Longer lists, text first: more lists have an entry an edit can move.
        let config = crate::config::SimilarConfig {
            count: 12,
            text_weight: 2.0,
            date_weight: 0.0,
            ..Default::default()
        };
        let counts_of = |t: &[String]| stem_counts(&analyse(["", "", "", &t.join(" ")], false));
        let mut counts: Vec<_> = texts.iter().map(|t| counts_of(t)).collect();
        let run = |counts: &[super::StemCounts], previous: Option<Previous<'_>>| -> Computed {
            let stemmed = Stemmed::of(counts.iter().cloned());
            compute(
                &site.articles,
                super::Words::Counts(stemmed),
                &tags.article_terms,
                &tag_names,
                &declared,
                &backlinks,
                &config,
                previous,
            )
        };
        let mut before = run(&counts, None);
        let (mut scored, steps) = (0, 150);
        for step in 0..steps {
            for _ in 0..1 + next(3) {
                let i = next(n);
                let t = &mut texts[i];
                edit_words(t, step, &mut next, &word, None);
                counts[i] = counts_of(t);
            }
            let lists = as_kept(&before.lists);
            let previous = Previous {
                lists: &lists,
                trace: &before.trace,
            };
            let patched = run(&counts, Some(previous));
            let full = run(&counts, None);
            assert_eq!(full.scored, n);
            assert_eq!(patched.lists, full.lists, "step {step}");
            assert_eq!(patched.trace, full.trace, "step {step}");
            scored += patched.scored;
            before = full;
        }
        assert!(
            scored < steps * n / 4,
            "{scored} lists scored in {steps} patches of {n}"
        );
    }

    #[test]
    fn counts_are_coarse_above_sixteen_and_never_rise() {
        use super::coarse;
        let exact: Vec<u32> = (0..=16).collect();
        assert_eq!((0..=16).map(coarse).collect::<Vec<_>>(), exact);
        assert_eq!(
            [17, 18, 19, 31, 32, 33, 35, 36, 1000, 100_000, u32::MAX].map(coarse),
            [16, 18, 18, 30, 32, 32, 32, 36, 960, 98_304, 0xf000_0000]
        );
        let mut last = 0;
        for d in 1..200_000u32 {
            let c = coarse(d);
            assert!(c <= d && d - c <= d / 8, "{d} → {c}");
            assert!(c >= last, "coarse never falls as counts rise");
            last = c;
        }
    }

    #[test]
    fn count_zero_turns_the_computation_off() {
        let files = [
            article("a", "date: 2025-01-01\ntags: [x]", BODY),
            article("b", "date: 2025-01-02\ntags: [x]", BODY),
        ];
        let site = site_from(&files, "similar: {count: 0}").unwrap();
        assert!(site.related.iter().all(|r| r.similar.is_empty()));
    }

    #[test]
    fn declared_backlinked_and_self_are_excluded() {
        let files = [
            article("a", "date: 2025-01-05\ntags: [x]\nrelated: [b]", BODY),
            article("b", "date: 2025-01-04\ntags: [x]", BODY),
            article(
                "c",
                "date: 2025-01-03\ntags: [x]",
                &format!("{BODY} [a](a.md)"),
            ),
            article("d", "date: 2025-01-02\ntags: [x]", BODY),
        ];
        assert_eq!(similar_of(&files, "", "a"), ["d"]);
        // b is declared by a, so a is b's backlink: excluded from b's similar list too.
        assert_eq!(similar_of(&files, "", "b"), ["c", "d"]);
    }

    #[test]
    fn ties_break_by_recency() {
        let files = [
            article("a", "date: 2025-01-01\ntags: [x]", BODY),
            article("new", "date: 2025-03-01\ntags: [x]", BODY),
            article("old", "date: 2024-11-01\ntags: [x]", BODY),
        ];
        // Equal tags and text; no date term: the newer one first.
        assert_eq!(
            similar_of(&files, "similar: {date_weight: 0}", "a"),
            ["new", "old"]
        );
    }

    #[test]
    fn the_date_term_prefers_the_closer_article_by_its_half_life() {
        let files = [
            article("a", "date: 2025-01-01\ntags: [x]", BODY),
            article("near", "date: 2024-12-01\ntags: [x]", BODY),
            article("far", "date: 2025-06-01\ntags: [x]", BODY),
        ];
        // Without the date term the newer (far) comes first; with it, the nearer one does.
        assert_eq!(
            similar_of(&files, "similar: {date_weight: 0}", "a"),
            ["far", "near"]
        );
        assert_eq!(
            similar_of(
                &files,
                "similar: {date_weight: 1, date_half_life_days: 30}",
                "a"
            ),
            ["near", "far"]
        );
    }

    #[test]
    fn rare_shared_tags_weigh_more_than_common_ones() {
        let files = [
            article("a", "date: 2025-01-01\ntags: [rare, common]", BODY),
            article("b", "date: 2025-01-02\ntags: [common]", BODY),
            article("c", "date: 2024-01-02\ntags: [rare]", BODY),
            article("d", "date: 2024-01-03\ntags: [common]", BODY),
            article("e", "date: 2024-01-04\ntags: [common]", BODY),
        ];
        let yaml = "similar: {text_weight: 0, date_weight: 0, count: 1}";
        assert_eq!(similar_of(&files, yaml, "a"), ["c"]);
    }

    #[test]
    fn text_similarity_decides_when_tags_do_not() {
        let files = [
            article(
                "a",
                "date: 2025-01-01\ntags: [x]",
                "النفط والغاز وحقول الطاقة شرق الفرات",
            ),
            article(
                "oil",
                "date: 2024-01-01\ntags: [x]",
                "حقول النفط والغاز شرق الفرات والطاقة",
            ),
            article(
                "camp",
                "date: 2025-02-01\ntags: [x]",
                "مخيم الهول والنساء والأطفال",
            ),
        ];
        let yaml = "similar: {tag_weight: 0, date_weight: 0, count: 1}";
        assert_eq!(similar_of(&files, yaml, "a"), ["oil"]);
    }
}
