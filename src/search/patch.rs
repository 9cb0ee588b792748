//! Patching the search index after an edit of a few articles, instead of making it again.
//!
//! The index's lists are made from every article's words: a build that gathered them all for an
//! edit of one article spent most of its time there (at 100 000 articles, 1.3 s gathering and
//! 1.2 s encoding). Each published document keeps its number while the articles before it in
//! site order do not change ([`super::index`]), and an impact depends only on its document and
//! the archive's rounded average length: an edit of some documents changes only the entries of
//! the keys those documents had or have. So the previous build keeps, in the index memo
//! ([`crate::index::memo`]), the vocabulary with each word's document count, each document's
//! words' number and where its analysed words are in the article store, the average, and each
//! key space's chunks. A build then:
//! 1. finds the documents whose words changed (new, removed or edited), reads their previous
//!    and new analysed words, and from them the vocabulary and the keys whose entries change
//!    (every word of those documents, the loose keys of those words, their pairs), and the
//!    typo keys of the words that became or stopped being typo targets ([`plan`]);
//! 2. reads those keys' entries in the previous output's chunks and changes each list in place
//!    for each changed document ([`encode::List::with`]: exact wherever the list's kept impacts
//!    decide the result, refused where it depends on impacts below the list's floor); a key no
//!    document had before is made from the changed documents alone;
//! 3. gathers the lists of the refused keys only, in the words stage, from every article's
//!    kept words ([`Targets`], [`Gathered`]: none to two keys for a body edit at 100 000
//!    articles; with none, and similar vectors made from the previous build's, the words stage
//!    reads no article), and makes their entries whole;
//! 4. cuts the edited key spaces again from the chunks the edits fall into
//!    ([`encode::patch`]): every other chunk is the previous output's file, kept ([`write`]).
//!
//! The result is byte for byte the index a build of everything makes. Anything else sends the
//! build the whole way: another binary, tag names or digits (the memo's frame), more than a
//! few documents changed, a document whose previous words the store no longer has, a lexicon
//! group that appears or goes, another rounded average, a previous chunk missing or changed.

use std::collections::{BTreeMap, BTreeSet};

use ahash::AHashMap as HashMap;
use rayon::prelude::*;

use super::analysis::{loose_keys, Lexicon};
use super::encode::{self, content_name, Edit};
use super::index::{self as idx, Shape, FOLDER, SPACES};
use crate::content::article::Article;
use crate::diagnostics::Failure;
use crate::index::memo::SearchMemo;
use crate::index::terms::{decode_kept, of_article, pair_hash, word_hash, Terms};
use crate::render::Sink;

/// The keys whose lists the words stage gathers for a patch: word hash → slot, pair hash →
/// slot.
#[derive(Debug, Default)]
pub struct Targets {
    pub words: HashMap<u64, u32>,
    pub pairs: HashMap<u64, u32>,
    /// The byte lengths of the target words and of the words of the target pairs (bit `n`:
    /// length `n`; longer words are not indexed): a word of another length is none of them,
    /// and is not hashed.
    pub lengths: u128,
}

/// One document's hits of [`Targets`]: its length, and (slot, weighted frequency) of its
/// target words and of its target pairs.
pub type Hits = (u32, Vec<(u32, u32)>, Vec<(u32, u32)>);

impl Targets {
    /// Whether a word of `len` bytes may be a target or in one.
    pub fn may_hold(&self, len: usize) -> bool {
        len < 128 && self.lengths & (1 << len) != 0
    }

    fn add_length(&mut self, len: usize) {
        if len < 128 {
            self.lengths |= 1 << len;
        }
    }

    /// The hits of a document's analysed words.
    pub fn hits(&self, d: &Terms) -> Hits {
        let words = d
            .words
            .iter()
            .filter_map(|w| Some((*self.words.get(&w.hash)?, w.search_tf())))
            .collect();
        let pairs = d
            .pairs
            .iter()
            .filter_map(|&(a, b, tf)| {
                let h = pair_hash(d.words[a as usize].hash, d.words[b as usize].hash);
                Some((*self.pairs.get(&h)?, tf))
            })
            .collect();
        (d.length, words, pairs)
    }
}

/// The lists of [`Targets`], by slot, in site order as [`super::postings::Postings`] has
/// them, and every document's length.
#[derive(Debug, Default)]
pub struct Gathered {
    pub words: Vec<Vec<(u32, f32)>>,
    pub pairs: Vec<Vec<(u32, f32)>>,
    pub lengths: Vec<u32>,
}

impl Gathered {
    pub fn new(targets: &Targets) -> Gathered {
        Gathered {
            words: vec![Vec::new(); targets.words.len()],
            pairs: vec![Vec::new(); targets.pairs.len()],
            lengths: Vec::new(),
        }
    }

    /// Adds the next documents' hits, in site order.
    pub fn add(&mut self, docs: Vec<Hits>) {
        for (length, words, pairs) in docs {
            let id = self.lengths.len() as u32;
            self.lengths.push(length);
            for (slot, tf) in words {
                self.words[slot as usize].push((id, tf as f32));
            }
            for (slot, tf) in pairs {
                self.pairs[slot as usize].push((id, tf as f32));
            }
        }
    }
}

/// What an edit changes in the index, found before the words stage ([`plan`]).
#[derive(Debug)]
pub struct Plan {
    /// Documents whose words changed.
    pub changed: usize,
    /// The keys whose lists could not be changed in place, to gather.
    pub targets: Targets,
    /// The vocabulary after the edit, sorted, with document counts.
    vocabulary: Vec<(String, u32)>,
    lexicon: Lexicon,
    /// The `t/` and `p/` entries changed in place (`None`: removed).
    set: [BTreeMap<String, Option<Vec<u8>>>; 2],
    /// The `t/` keys whose entries are made from gathered lists, with the words (indexes into
    /// `vocabulary`) that have each.
    terms: Vec<(String, Vec<usize>)>,
    /// Word index → slot in [`Gathered::words`].
    slots: HashMap<usize, u32>,
    /// The `p/` keys whose entries are made from gathered lists, with their slots.
    pairs: Vec<(String, u32)>,
    /// The `y/` keys whose entries change: words they stand for now, and no longer.
    typos: BTreeMap<String, (Vec<String>, Vec<String>)>,
    average: u32,
    length_sum: u64,
    /// The previous build's chunks.
    chunks: [Vec<(String, String)>; 3],
    /// The previous `t/` and `p/` chunks read to make the plan, by name (the patch cuts them
    /// again: they are not read twice).
    read: [HashMap<String, encode::Entries>; 2],
}

/// The most documents a patch is made for: past this, gathering everything costs less.
fn most_changed(n: usize) -> usize {
    (n / 50).max(64)
}

/// One document's version (before or after the edit) as its lists hold it.
struct Version {
    /// Its published number.
    id: u32,
    norm: f32,
    /// Weighted frequency of each of its words, of each loose key of its words, of each pair.
    exact: HashMap<String, u32>,
    loose: HashMap<String, u32>,
    pairs: HashMap<String, u32>,
}

impl Version {
    fn of(id: u32, t: &Terms, norm: f32, lexicon: &Lexicon) -> Version {
        let mut v = Version {
            id,
            norm,
            exact: HashMap::new(),
            loose: HashMap::new(),
            pairs: HashMap::new(),
        };
        for (i, w) in t.words.iter().enumerate() {
            let word = t.word(i as u32);
            *v.exact.entry(word.to_string()).or_default() += w.search_tf();
            for k in loose_keys(word, lexicon) {
                *v.loose.entry(k).or_default() += w.search_tf();
            }
        }
        for &(a, b, tf) in &t.pairs {
            *v.pairs
                .entry(format!("{} {}", t.word(a), t.word(b)))
                .or_default() += tf;
        }
        v
    }

    /// Its impact in a list of `map` under `key`.
    fn impact(&self, map: &HashMap<String, u32>, key: &str) -> Option<u8> {
        map.get(key)
            .map(|&tf| idx::impact_with(tf as f32, self.norm))
    }
}

/// A list changed, document by document, from each document's version before (`None`: a new
/// document) to after (`None`: removed); `None` when it cannot be changed in place.
fn changed_list(
    mut list: encode::List,
    docs: &[(Option<&Version>, Option<&Version>)],
    of: impl Fn(&Version) -> Option<u8>,
) -> Option<encode::List> {
    for (before, after) in docs {
        let id = before.or(*after)?.id;
        list = list.with(id, before.and_then(&of), after.and_then(&of))?;
    }
    Some(list)
}

/// A list of the documents' versions after the edit only (a key no earlier document had).
fn new_list(
    docs: &[(Option<&Version>, Option<&Version>)],
    of: impl Fn(&Version) -> Option<u8>,
) -> Vec<(u32, u8)> {
    let mut list: Vec<(u32, u8)> = docs
        .iter()
        .filter_map(|(_, after)| Some((after.as_ref()?.id, of(after.as_ref()?)?)))
        .collect();
    list.sort_unstable_by_key(|p| p.0);
    list
}

/// The previous entries of a key space, read from the previous output's chunks as needed.
struct Previous<'a> {
    folder: std::path::PathBuf,
    chunks: &'a [(String, String)],
    read: HashMap<usize, Option<encode::Entries>>,
}

impl Previous<'_> {
    /// The chunks read, by name.
    fn into_read(self) -> HashMap<String, encode::Entries> {
        let chunks = self.chunks;
        self.read
            .into_iter()
            .filter_map(|(at, entries)| Some((chunks[at].1.clone(), entries?)))
            .collect()
    }

    /// The previous payload of `key`: `Ok(None)` when it had none, `Err` when its chunk cannot
    /// be read.
    fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, ()> {
        let at = self
            .chunks
            .partition_point(|(first, _)| first.as_str() <= key);
        let Some(at) = at.checked_sub(1) else {
            return Ok(None);
        };
        let (chunks, folder) = (self.chunks, &self.folder);
        let entries = self.read.entry(at).or_insert_with(|| {
            let name = &chunks[at].1;
            let bytes = std::fs::read(folder.join(format!("{name}.bin"))).ok()?;
            (content_name(&bytes) == *name)
                .then(|| encode::read_chunk(&bytes))
                .flatten()
        });
        let entries = entries.as_ref().ok_or(())?;
        Ok(entries
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| entries[i].1.clone()))
    }
}

/// What an edit of `articles` (site order; `words`: their words' numbers) changes in the index
/// the previous build described (`before`), or `None` when the index must be made again.
/// `names` are the tags' names.
pub fn plan(
    articles: &[Article],
    words: &[u64],
    before: &SearchMemo,
    names: &[&str],
) -> Option<Plan> {
    let n = articles.len();
    let old_n = before.docs.len();
    if before.places.len() != old_n || before.shape.vocabulary.is_empty() {
        return None;
    }
    // Documents are numbered oldest first: document j is the article at n - 1 - j.
    let now: Vec<u64> = words.iter().rev().copied().collect();
    let changed: Vec<usize> = (0..n.max(old_n))
        .filter(|&j| j >= n || j >= old_n || now[j] != before.docs[j])
        .collect();
    if changed.is_empty() || changed.len() > most_changed(n) {
        return None;
    }
    let beside = articles.iter().find_map(|a| a.analysed.as_ref())?;
    let mut old_terms = Vec::new();
    let mut new_terms = Vec::new();
    for &j in &changed {
        let old = if j < old_n {
            let (place, hash) = before.places[j]?;
            let bytes = beside.beside(place, hash).read_if_there()?;
            Some(decode_kept(&bytes, true)?)
        } else {
            None
        };
        let new = if j < n {
            Some(of_article(&articles[n - 1 - j], true).ok()?.0)
        } else {
            None
        };
        old_terms.push((j, old));
        new_terms.push((j, new));
    }
    // The average length after the edit: the same, or the index is made again.
    let mut sum = i128::from(before.shape.length_sum);
    for (_, t) in &old_terms {
        sum -= t.as_ref().map_or(0, |t| i128::from(t.length));
    }
    for (_, t) in &new_terms {
        sum += t.as_ref().map_or(0, |t| i128::from(t.length));
    }
    let length_sum = u64::try_from(sum).ok()?;
    let average = idx::rounded_average_of(length_sum, n);
    if average.to_bits() != before.shape.average {
        return None;
    }
    // Every word of those documents, and how its count of documents moves.
    let mut delta: HashMap<&str, i64> = HashMap::new();
    for (terms, step) in [(&old_terms, -1), (&new_terms, 1)] {
        for t in terms.iter().filter_map(|(_, t)| t.as_ref()) {
            for i in 0..t.words.len() as u32 {
                *delta.entry(t.word(i)).or_default() += step;
            }
        }
    }
    let mut affected: Vec<&str> = delta.keys().copied().collect();
    affected.sort_unstable();
    let old_docs = |w: &str| {
        before
            .shape
            .vocabulary
            .binary_search_by(|(v, _)| v.as_str().cmp(w))
            .map_or(0, |i| before.shape.vocabulary[i].1)
    };
    // The vocabulary after the edit: the previous one, sorted, merged with the affected words.
    let mut vocabulary: Vec<(String, u32)> = Vec::with_capacity(before.shape.vocabulary.len() + 64);
    let mut i = 0;
    for (word, docs) in &before.shape.vocabulary {
        while i < affected.len() && affected[i] < word.as_str() {
            let docs = u32::try_from(delta[affected[i]]).ok()?;
            if docs > 0 {
                vocabulary.push((affected[i].to_string(), docs));
            }
            i += 1;
        }
        let docs = match affected.get(i) {
            Some(&w) if w == word => {
                i += 1;
                u32::try_from(i64::from(*docs) + delta[w]).ok()?
            }
            _ => *docs,
        };
        if docs > 0 {
            vocabulary.push((word.clone(), docs));
        }
    }
    for &w in &affected[i..] {
        let docs = u32::try_from(delta[w]).ok()?;
        if docs > 0 {
            vocabulary.push((w.to_string(), docs));
        }
    }
    let words: Vec<&str> = vocabulary.iter().map(|(w, _)| w.as_str()).collect();
    let lexicon = idx::lexicon_of(names, &words);
    if idx::lexicon_number(&lexicon) != before.shape.lexicon {
        return None;
    }
    let loose = idx::loose_map(&words, &lexicon);
    // Each changed document before and after, by published number.
    let version = |(j, t): &(usize, Option<Terms>)| {
        t.as_ref().map(|t| {
            let norm = idx::norm(t.length, average);
            Version::of(*j as u32, t, norm, &lexicon)
        })
    };
    let befores: Vec<Option<Version>> = old_terms.par_iter().map(version).collect();
    let afters: Vec<Option<Version>> = new_terms.par_iter().map(version).collect();
    let docs: Vec<(Option<&Version>, Option<&Version>)> = befores
        .iter()
        .zip(&afters)
        .map(|(b, a)| (b.as_ref(), a.as_ref()))
        .collect();
    let folder = |space: &str| before.output.join(FOLDER).join(space);
    // `t/`: every key of a word of those documents.
    let keys: BTreeSet<String> = affected
        .iter()
        .flat_map(|w| loose_keys(w, &lexicon))
        .collect();
    let mut previous = Previous {
        folder: folder("t"),
        chunks: &before.shape.chunks[0],
        read: HashMap::new(),
    };
    let mut set: [BTreeMap<String, Option<Vec<u8>>>; 2] = Default::default();
    let mut gather: Vec<(String, Vec<usize>)> = Vec::new();
    for key in keys {
        let Some(from) = loose.get(&key) else {
            set[0].insert(key, None);
            continue;
        };
        let exact = words.binary_search(&key.as_str()).is_ok();
        let same = from.len() == 1 && words[from[0]] == key;
        let flags = u8::from(exact) | if same { 4 } else { 2 };
        let exact_of = |v: &Version| v.impact(&v.exact, &key);
        let loose_of = |v: &Version| v.impact(&v.loose, &key);
        let payload = match previous.get(&key).ok()? {
            // No document had it: its lists are the changed documents'.
            None => {
                let mut payload = vec![flags];
                if exact {
                    encode::posting_list(&mut payload, &new_list(&docs, exact_of));
                }
                if !same {
                    encode::posting_list(&mut payload, &new_list(&docs, loose_of));
                }
                Some(payload)
            }
            Some(old) if old.first() == Some(&flags) => {
                let mut at = 1;
                let mut payload = vec![flags];
                let mut ok = true;
                if exact {
                    match encode::List::read(&old, &mut at)
                        .and_then(|l| changed_list(l, &docs, exact_of))
                    {
                        Some(l) => l.write(&mut payload),
                        None => ok = false,
                    }
                }
                if !same && ok {
                    match encode::List::read(&old, &mut at)
                        .and_then(|l| changed_list(l, &docs, loose_of))
                    {
                        Some(l) => l.write(&mut payload),
                        None => ok = false,
                    }
                }
                (ok && at == old.len()).then_some(payload)
            }
            Some(_) => None,
        };
        match payload {
            Some(p) => {
                set[0].insert(key, Some(p));
            }
            None => gather.push((key, from.clone())),
        }
    }
    let read_terms = previous.into_read();
    // `p/`: every pair of those documents.
    let mut pair_hashes: BTreeMap<String, u64> = BTreeMap::new();
    for t in old_terms
        .iter()
        .chain(&new_terms)
        .filter_map(|(_, t)| t.as_ref())
    {
        for &(a, b, _) in &t.pairs {
            let h = pair_hash(t.words[a as usize].hash, t.words[b as usize].hash);
            pair_hashes
                .entry(format!("{} {}", t.word(a), t.word(b)))
                .or_insert(h);
        }
    }
    let mut previous = Previous {
        folder: folder("p"),
        chunks: &before.shape.chunks[1],
        read: HashMap::new(),
    };
    let mut targets = Targets::default();
    let mut pairs = Vec::new();
    for (text, h) in pair_hashes {
        let of = |v: &Version| v.impact(&v.pairs, &text);
        let list = match previous.get(&text).ok()? {
            None => {
                let list = new_list(&docs, of);
                let mut payload = Vec::new();
                encode::posting_list(&mut payload, &list);
                Some((!list.is_empty()).then_some(payload))
            }
            Some(old) => {
                let mut at = 0;
                encode::List::read(&old, &mut at)
                    .filter(|_| at == old.len())
                    .and_then(|l| changed_list(l, &docs, of))
                    .map(|l| {
                        (!l.is_empty()).then(|| {
                            let mut payload = Vec::new();
                            l.write(&mut payload);
                            payload
                        })
                    })
            }
        };
        match list {
            Some(payload) => {
                set[1].insert(text, payload);
            }
            None => {
                let slot = targets.pairs.len() as u32;
                let slot = *targets.pairs.entry(h).or_insert(slot);
                for word in text.split(' ') {
                    targets.add_length(word.len());
                }
                pairs.push((text, slot));
            }
        }
    }
    let read = [read_terms, previous.into_read()];
    // The words whose lists the other `t/` entries are made of.
    let mut wanted: Vec<usize> = gather
        .iter()
        .flat_map(|(_, from)| from.iter().copied())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut slots = HashMap::with_capacity(wanted.len());
    for (slot, &w) in wanted.iter().enumerate() {
        targets
            .words
            .insert(word_hash(words[w].as_bytes()), slot as u32);
        targets.add_length(words[w].len());
        slots.insert(w, slot as u32);
    }
    // Words that became, or stopped being, typo targets.
    let mut typos: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for &w in &affected {
        let now = u32::try_from(i64::from(old_docs(w)) + delta[w]).ok()?;
        let (was, is) = (idx::typo_keys(w, old_docs(w)), idx::typo_keys(w, now));
        if was != is {
            for k in was {
                typos.entry(k).or_default().1.push(w.to_string());
            }
            for k in is {
                typos.entry(k).or_default().0.push(w.to_string());
            }
        }
    }
    drop(words);
    Some(Plan {
        changed: changed.len(),
        targets,
        vocabulary,
        lexicon,
        set,
        terms: gather,
        slots,
        pairs,
        typos,
        average: before.shape.average,
        length_sum,
        chunks: before.shape.chunks.clone(),
        read,
    })
}

/// A typo entry's words, or `None` when the bytes are not one.
fn typo_targets(payload: &[u8]) -> Option<Vec<String>> {
    let mut at = 0;
    let count = read(payload, &mut at)?;
    let mut out = Vec::with_capacity(count.min(payload.len()));
    for _ in 0..count {
        let len = read(payload, &mut at)?;
        let bytes = payload.get(at..at.checked_add(len)?)?;
        at += len;
        out.push(String::from_utf8(bytes.to_vec()).ok()?);
    }
    (at == payload.len()).then_some(out)
}

/// A varint at `*at` of bytes that may be cut short.
fn read(b: &[u8], at: &mut usize) -> Option<usize> {
    usize::try_from(encode::read_varint_checked(b, at)?).ok()
}

/// Writes the index patched after the edit `plan` describes, from the lists `gathered`: the
/// changed chunks, every group file and `meta.json` are written (a group unchanged is linked,
/// not written), the other chunks kept. Returns every file of the index and its shape, or
/// `None` when the patch cannot be made (the index is then made whole, over what this wrote).
pub fn write(
    site: &crate::index::Site,
    plan: &Plan,
    gathered: &Gathered,
    sink: &dyn Sink,
    key: u64,
) -> Result<Option<(Vec<String>, Shape)>, Failure> {
    // Each document's length is needed for the gathered lists only (the plan checked the
    // average from the lengths' sum): when there are none, the words stage read no document.
    let gathers = !(plan.terms.is_empty() && plan.pairs.is_empty());
    let (average, norms) = idx::norms_of(&gathered.lengths);
    if gathers
        && (average.to_bits() != plan.average || gathered.lengths.len() != site.articles.len())
    {
        return Ok(None);
    }
    let words: Vec<&str> = plan.vocabulary.iter().map(|(w, _)| w.as_str()).collect();
    let list_of = |w: usize| gathered.words[plan.slots[&w] as usize].clone();
    // Entries made from the gathered lists; the others were changed in place by the plan.
    let terms: BTreeMap<String, Option<Vec<u8>>> = plan
        .terms
        .par_iter()
        .with_max_len(16)
        .map(|(key, from)| {
            let exact = words.binary_search(&key.as_str()).ok().map(list_of);
            let payload = idx::term_payload(key, exact.as_deref(), from, &words, &list_of, &norms);
            (key.clone(), Some(payload))
        })
        .collect();
    let pairs: BTreeMap<String, Option<Vec<u8>>> = plan
        .pairs
        .par_iter()
        .map(|(text, slot)| {
            let list = &gathered.pairs[*slot as usize];
            let payload = (!list.is_empty()).then(|| idx::pair_payload(list, &norms));
            (text.clone(), payload)
        })
        .collect();
    /// Edits that set each key's entry to what `made` and `kept` hold for it.
    fn set<'a>(
        made: &'a BTreeMap<String, Option<Vec<u8>>>,
        kept: &'a BTreeMap<String, Option<Vec<u8>>>,
    ) -> BTreeMap<String, Edit<'a>> {
        made.iter()
            .chain(kept)
            .map(|(k, p)| {
                let edit: Edit<'a> = Box::new(move |_| p.clone());
                (k.clone(), edit)
            })
            .collect()
    }
    let typos: BTreeMap<String, Edit<'_>> = plan
        .typos
        .iter()
        .map(|(k, (add, remove))| {
            let edit: Edit<'_> = Box::new(move |old: Option<&[u8]>| {
                let mut targets = match old {
                    Some(bytes) => typo_targets(bytes).unwrap_or_default(),
                    None => Vec::new(),
                };
                targets.retain(|t| !remove.contains(t));
                targets.extend(add.iter().cloned());
                (!targets.is_empty())
                    .then(|| idx::typo_payload(targets.iter().map(String::as_str).collect()))
            });
            (k.clone(), edit)
        })
        .collect();
    let edits = [set(&terms, &plan.set[0]), set(&pairs, &plan.set[1]), typos];
    let mut spaces = Vec::with_capacity(3);
    for (s, edits) in edits.iter().enumerate() {
        let space = SPACES[s];
        let read = |name: &str| {
            if let Some(entries) = plan.read.get(s).and_then(|read| read.get(name)) {
                return Some(entries.clone());
            }
            sink.previous(&format!("{FOLDER}/{space}/{name}.bin"))
                .filter(|bytes| content_name(bytes) == name)
                .and_then(|bytes| encode::read_chunk(&bytes))
        };
        match encode::patch(&plan.chunks[s], edits, &read) {
            Some(patched) => spaces.push(patched),
            None => return Ok(None),
        }
    }
    // Every chunk not made again is the previous output's: kept first, so that a patch that
    // cannot keep one writes nothing.
    let mut names = Vec::new();
    for (s, (dir, made)) in spaces.iter().enumerate() {
        let made: std::collections::HashSet<String> = made.iter().map(|c| c.name()).collect();
        for (_, name) in dir {
            let file = format!("{FOLDER}/{}/{name}.bin", SPACES[s]);
            if !made.contains(name) && !sink.carry(&file, key) {
                return Ok(None);
            }
            names.push(file);
        }
    }
    let mut tops = Vec::with_capacity(3);
    let mut chunks = Vec::with_capacity(3);
    for (s, (dir, made)) in spaces.into_iter().enumerate() {
        let d = idx::directory_files(SPACES[s], made, &dir);
        let paths: Vec<String> = d.files.iter().map(|(p, _)| p.clone()).collect();
        sink.prepare(&paths)?;
        d.files
            .into_par_iter()
            .try_for_each(|(path, bytes)| sink.write_made(&path, bytes, key))?;
        names.extend(paths.into_iter().filter(|p| p.ends_with(".json")));
        tops.push(d.top);
        chunks.push(dir);
    }
    let tops: [Vec<(String, String)>; 3] = tops.try_into().unwrap_or_default();
    let (meta, bytes) = idx::meta_file(site, &plan.lexicon, tops);
    sink.write_made(&meta, bytes, key)?;
    names.push(meta);
    names.sort_unstable();
    names.dedup();
    let shape = Shape {
        vocabulary: plan.vocabulary.clone(),
        average: plan.average,
        length_sum: plan.length_sum,
        lexicon: idx::lexicon_number(&plan.lexicon),
        chunks: chunks.try_into().unwrap_or_default(),
    };
    Ok(Some((names, shape)))
}
