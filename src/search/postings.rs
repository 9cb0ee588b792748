//! The search index's lists, gathered while the articles are analysed: a chunk of articles at a
//! time goes in, in site order, and its analysed words can be dropped before the next chunk is
//! analysed. The analysed words of the whole archive (about 17 KB an article) are therefore never
//! all held: only each key's compact list (two or three bytes a document) is.
//!
//! A list is `(document delta, weighted frequency)` varints, documents ascending; frequencies are
//! whole numbers (field weights are whole), so they are kept exactly.

use ahash::AHashMap as HashMap;
use rayon::prelude::*;

use super::encode::{read_varint, varint};
use crate::index::terms::{pair_hash, Terms};

/// One key (a word, or a pair "w1 w2") and the documents that have it.
#[derive(Debug, PartialEq)]
pub struct Entry {
    /// The key's text, as first seen.
    pub text: Box<str>,
    /// Documents in the list.
    pub docs: u32,
    /// The last document added, plus one (0: none yet).
    next: u32,
    bytes: Vec<u8>,
}

impl Entry {
    fn new(text: Box<str>) -> Entry {
        Entry {
            text,
            docs: 0,
            next: 0,
            bytes: Vec::new(),
        }
    }

    /// Adds a document after every document already in the list.
    fn push(&mut self, doc: u32, tf: u32) {
        debug_assert!(doc >= self.next, "documents go in ascending");
        varint(&mut self.bytes, u64::from(doc - self.next));
        varint(&mut self.bytes, u64::from(tf));
        self.next = doc + 1;
        self.docs += 1;
    }

    /// The list: (document, weighted frequency), documents ascending.
    pub fn list(&self) -> Vec<(u32, f32)> {
        let mut out = Vec::with_capacity(self.docs as usize);
        let mut at = 0;
        let mut next = 0u32;
        while at < self.bytes.len() {
            let delta = read_varint(&self.bytes, &mut at) as u32;
            let tf = read_varint(&self.bytes, &mut at) as u32;
            let doc = next + delta;
            out.push((doc, tf as f32));
            next = doc + 1;
        }
        out
    }
}

#[derive(Debug, Default, PartialEq)]
struct Shard {
    words: HashMap<u64, Entry>,
    pairs: HashMap<u64, Entry>,
}

/// Every list of the archive, by key hash.
#[derive(Debug, PartialEq)]
pub struct Postings {
    shards: Vec<Shard>,
    /// Each document's length in words (title and body), by document.
    pub lengths: Vec<u32>,
}

impl Default for Postings {
    fn default() -> Postings {
        Postings::new()
    }
}

impl Postings {
    /// Empty lists, their keys spread by hash over one shard per thread: each thread reads
    /// every article of a chunk and takes its shard's keys, so more shards would only read the
    /// chunk more times. (The index files are the same however many shards there are.)
    pub fn new() -> Postings {
        let shards = rayon::current_num_threads().max(1);
        Postings {
            shards: (0..shards).map(|_| Shard::default()).collect(),
            lengths: Vec::new(),
        }
    }

    /// Adds the next documents, in site order (the first gets the next id).
    pub fn add(&mut self, docs: &[Terms]) {
        let first = self.lengths.len() as u32;
        self.lengths.extend(docs.iter().map(|d| d.length));
        let shards = self.shards.len() as u64;
        // A key's shard from its hash's high bits by a multiplication: a division per word and
        // pair, on every thread, was a measurable part of gathering the lists.
        let shard_of = |hash: u64| ((u128::from(hash) * u128::from(shards)) >> 64) as u64;
        self.shards
            .par_iter_mut()
            .enumerate()
            .for_each(|(s, shard)| {
                let s = s as u64;
                for (k, d) in docs.iter().enumerate() {
                    let id = first + k as u32;
                    for (i, w) in d.words.iter().enumerate() {
                        if shard_of(w.hash) == s {
                            shard
                                .words
                                .entry(w.hash)
                                .or_insert_with(|| Entry::new(d.word(i as u32).into()))
                                .push(id, w.search_tf());
                        }
                    }
                    for &(a, b, tf) in &d.pairs {
                        let h = pair_hash(d.words[a as usize].hash, d.words[b as usize].hash);
                        if shard_of(h) == s {
                            shard
                                .pairs
                                .entry(h)
                                .or_insert_with(|| {
                                    Entry::new(format!("{} {}", d.word(a), d.word(b)).into())
                                })
                                .push(id, tf);
                        }
                    }
                }
            });
    }

    /// Every word's list.
    pub fn words(&self) -> impl Iterator<Item = &Entry> {
        self.shards.iter().flat_map(|s| s.words.values())
    }

    /// Every pair's list, by shard.
    pub fn pair_shards(&self) -> impl IndexedParallelIterator<Item = Vec<&Entry>> {
        self.shards.par_iter().map(|s| s.pairs.values().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::terms::analyse;

    #[test]
    fn lists_come_back_in_document_order_with_their_weights() {
        let docs = [
            analyse(["سوريا", "", "", "الحسكة سوريا"], true),
            analyse(["", "", "", "دمشق"], true),
            analyse(["", "", "الحسكة", "سوريا الحسكة"], true),
        ];
        let mut p = Postings::new();
        p.add(&docs[..1]);
        p.add(&docs[1..]);
        assert_eq!(p.lengths.len(), 3);
        let find = |w: &str| {
            p.words()
                .find(|e| &*e.text == w)
                .map(|e| (e.docs, e.list()))
                .unwrap()
        };
        // Title ×5 + body ×1; summary ×2 + body ×1.
        assert_eq!(find("سوريا"), (2, vec![(0, 6.0), (2, 1.0)]));
        assert_eq!(find("الحسكه"), (2, vec![(0, 1.0), (2, 3.0)]));
        assert_eq!(find("دمشق"), (1, vec![(1, 1.0)]));
        let pairs: Vec<(String, Vec<(u32, f32)>)> = p
            .pair_shards()
            .flatten_iter()
            .map(|e| (e.text.to_string(), e.list()))
            .collect();
        assert!(pairs.contains(&("الحسكه سوريا".to_string(), vec![(0, 1.0)])));
        assert!(pairs.contains(&("سوريا الحسكه".to_string(), vec![(2, 1.0)])));
    }

    #[test]
    fn large_ids_and_frequencies_survive_the_varints() {
        let mut e = Entry::new("x".into());
        e.push(0, 1);
        e.push(300, 70_000);
        e.push(1_000_000, 5);
        assert_eq!(e.list(), vec![(0, 1.0), (300, 70_000.0), (1_000_000, 5.0)]);
    }
}
