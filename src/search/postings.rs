//! The search index's lists, gathered while the articles are analysed: a chunk of articles at a
//! time goes in, in site order, and its analysed words can be dropped before the next chunk is
//! analysed. The analysed words of the whole archive (about 17 KB an article) are therefore never
//! all held: only each key's compact list (two or three bytes a document) is.
//!
//! A list is `(document delta, weighted frequency)` varints, documents ascending; frequencies are
//! whole numbers (field weights are whole), so they are kept exactly.

use ahash::AHashMap as HashMap;

use super::encode::{read_varint, varint};
use crate::index::terms::{pair_hash, Terms};

/// The most bytes a `u32` takes as a varint.
const MAX_VARINT: usize = 5;

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
        // A list grows by a quarter, not by doubling: the lists are the largest thing a build
        // holds (about 3 KB an article in the bench corpus), and doubled ones were about a
        // quarter empty on average.
        if self.bytes.capacity() - self.bytes.len() < 2 * MAX_VARINT {
            let more = (self.bytes.capacity() / 4).max(2 * MAX_VARINT);
            self.bytes.reserve_exact(more);
        }
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

/// Every list of the archive, by key hash.
#[derive(Debug, Default, PartialEq)]
pub struct Postings {
    words: HashMap<u64, Entry>,
    pairs: HashMap<u64, Entry>,
    /// Each document's length in words (title and body), by document.
    pub lengths: Vec<u32>,
}

impl Postings {
    pub fn new() -> Postings {
        Postings::default()
    }

    /// Adds the next documents, in site order (the first gets the next id).
    pub fn add(&mut self, docs: &[Terms]) {
        self.add_beside(docs, || {});
    }

    /// [`Postings::add`], with `beside` run meanwhile: one thread gathers the pairs' lists, the
    /// other the words' and then runs `beside` (pairs are about as many as words and the other
    /// work together). Each thread reads every document once and owns its map: with the keys
    /// spread over a map per thread, both read every document, and each took half of it.
    pub fn add_beside(&mut self, docs: &[Terms], beside: impl FnOnce() + Send) {
        let first = self.lengths.len() as u32;
        self.lengths.extend(docs.iter().map(|d| d.length));
        let (words, pairs) = (&mut self.words, &mut self.pairs);
        rayon::join(
            || {
                for (k, d) in docs.iter().enumerate() {
                    let id = first + k as u32;
                    for &(a, b, tf) in &d.pairs {
                        let h = pair_hash(d.words[a as usize].hash, d.words[b as usize].hash);
                        pairs
                            .entry(h)
                            .or_insert_with(|| {
                                Entry::new(format!("{} {}", d.word(a), d.word(b)).into())
                            })
                            .push(id, tf);
                    }
                }
            },
            || {
                for (k, d) in docs.iter().enumerate() {
                    let id = first + k as u32;
                    for (i, w) in d.words.iter().enumerate() {
                        words
                            .entry(w.hash)
                            .or_insert_with(|| Entry::new(d.word(i as u32).into()))
                            .push(id, w.search_tf());
                    }
                }
                beside();
            },
        );
    }

    /// Every word's list.
    pub fn words(&self) -> impl Iterator<Item = &Entry> {
        self.words.values()
    }

    /// Every pair's list.
    pub fn pairs(&self) -> Vec<&Entry> {
        self.pairs.values().collect()
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
            .pairs()
            .into_iter()
            .map(|e| (e.text.to_string(), e.list()))
            .collect();
        assert!(pairs.contains(&("الحسكه سوريا".to_string(), vec![(0, 1.0)])));
        assert!(pairs.contains(&("سوريا الحسكه".to_string(), vec![(2, 1.0)])));
    }

    #[test]
    fn a_long_list_holds_little_room_it_does_not_use() {
        let mut e = Entry::new("x".into());
        let mut expected = Vec::new();
        for doc in 0..20_000u32 {
            let tf = 1 + doc % 7 * 40;
            e.push(doc * 3, tf);
            expected.push((doc * 3, tf as f32));
            let (len, room) = (e.bytes.len(), e.bytes.capacity());
            // Doubling left lists with nearly twice the room they used.
            assert!(room <= len + len / 4 + 2 * MAX_VARINT, "{room} for {len}");
        }
        assert_eq!(e.list(), expected);
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
