//! The binary shapes of the index files, read by `static/search.js`.
//!
//! All integers are LEB128 varints. A **chunk file** is `count`, then `count` entries of
//! `key length, key (UTF-8), payload length, payload`, sorted by key (code point order), so the
//! script can skip entries it does not need without decoding them.
//!
//! A **posting list** is `n` (documents), `k` (documents with an impact), `k` × (document id delta,
//! impact byte) in document order, and when `k < n`: the *floor* impact byte (the highest impact
//! among the other documents), a mode byte and all `n` documents: mode 0 is document id deltas,
//! mode 1 a bitmap of one bit per document from 0 to the list's last, whose byte ends it
//! (whichever is smaller). The bitmap's length depends on the list alone: a new article (the
//! next, highest id) changes no list it is not in, even when the archive's size reaches a
//! multiple of eight (it changed every bitmap list then: 1 500 search files instead of 80).

use crate::index::terms::fnv;

/// Documents of a list that keep their own impact; the rest share the floor.
pub const IMPACTS_KEPT: usize = 512;

/// Appends `v` as a LEB128 varint: seven bits a byte, low bits first, the high bit set on every
/// byte but the last.
pub fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads the [`varint`] at `*at` and moves `at` past it. `b` must hold a whole one there.
pub fn read_varint(b: &[u8], at: &mut usize) -> u64 {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = b[*at];
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return v;
        }
        shift += 7;
    }
}

/// [`read_varint`] of bytes that may be cut short or not be varints at all: `None` then.
pub fn read_varint_checked(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
    }
    None
}

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// Writes a list of (document, impact) sorted by document.
pub fn posting_list(out: &mut Vec<u8>, list: &[(u32, u8)]) {
    if list.len() <= IMPACTS_KEPT {
        write_short(out, list);
        return;
    }
    // The strongest documents keep their impact (ties: the newer, lower id).
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.select_nth_unstable_by(IMPACTS_KEPT - 1, |&a, &b| {
        list[b].1.cmp(&list[a].1).then(list[a].0.cmp(&list[b].0))
    });
    let mut kept: Vec<(u32, u8)> = order[..IMPACTS_KEPT].iter().map(|&i| list[i]).collect();
    let floor = order[IMPACTS_KEPT..]
        .iter()
        .map(|&i| list[i].1)
        .max()
        .unwrap_or(1);
    kept.sort_unstable_by_key(|&(d, _)| d);
    let docs: Vec<u32> = list.iter().map(|&(d, _)| d).collect();
    write_long(out, &docs, &kept, floor);
}

/// Document ids as deltas (the first as itself), each followed by its impact when `with`.
fn deltas(out: &mut Vec<u8>, items: impl Iterator<Item = (u32, Option<u8>)>) {
    let mut last = 0u32;
    for (i, (doc, impact)) in items.enumerate() {
        varint(out, u64::from(if i == 0 { doc } else { doc - last }));
        if let Some(impact) = impact {
            out.push(impact);
        }
        last = doc;
    }
}

/// A list whose every document keeps its impact.
fn write_short(out: &mut Vec<u8>, list: &[(u32, u8)]) {
    varint(out, list.len() as u64);
    varint(out, list.len() as u64);
    deltas(out, list.iter().map(|&(d, i)| (d, Some(i))));
}

/// A list of `docs` of which `kept` keep their impact, the others `floor` at most.
fn write_long(out: &mut Vec<u8>, docs: &[u32], kept: &[(u32, u8)], floor: u8) {
    write_head(out, docs.len(), kept, floor);
    let delta_bytes: usize = docs
        .iter()
        .scan(0u32, |last, &d| {
            let delta = d - *last;
            *last = d;
            Some(varint_len(u64::from(delta)))
        })
        .sum();
    let last = docs.last().map_or(0, |&d| d as usize);
    let bitmap_bytes = last / 8 + 1;
    if bitmap_bytes < delta_bytes {
        out.push(1);
        let mut bits = vec![0u8; bitmap_bytes];
        for &d in docs {
            bits[d as usize / 8] |= 1 << (d % 8);
        }
        out.extend_from_slice(&bits);
    } else {
        out.push(0);
        deltas(out, docs.iter().map(|&d| (d, None)));
    }
}

/// What [`write_long`] writes before the documents: their count, the kept documents with their
/// impacts, the floor.
fn write_head(out: &mut Vec<u8>, count: usize, kept: &[(u32, u8)], floor: u8) {
    varint(out, count as u64);
    varint(out, kept.len() as u64);
    deltas(out, kept.iter().map(|&(d, i)| (d, Some(i))));
    out.push(floor);
}

/// A posting list as [`posting_list`] wrote it: every document, ascending, the documents that
/// keep their impact, and the floor of the others (`None`: every document keeps its impact).
#[derive(Debug, Clone)]
pub struct List {
    docs: Docs,
    pub kept: Vec<(u32, u8)>,
    pub floor: Option<u8>,
}

/// Every document of a list: as numbers, or as the bitmap [`write_long`] wrote them in, kept
/// as it was read until a document comes or goes. An edit's words are most of them in most
/// documents, and their lists are bitmaps of every document: made into numbers and written
/// again, they were most of patching the search index after an edit (their impacts change,
/// their documents rarely).
#[derive(Debug, Clone)]
enum Docs {
    Numbers(Vec<u32>),
    Bitmap { count: usize, bits: Vec<u8> },
}

impl Docs {
    fn len(&self) -> usize {
        match self {
            Docs::Numbers(docs) => docs.len(),
            Docs::Bitmap { count, .. } => *count,
        }
    }

    fn contains(&self, doc: u32) -> bool {
        match self {
            Docs::Numbers(docs) => docs.binary_search(&doc).is_ok(),
            Docs::Bitmap { bits, .. } => bits
                .get(doc as usize / 8)
                .is_some_and(|b| b & (1 << (doc % 8)) != 0),
        }
    }

    /// The documents as numbers (made from the bitmap the first time).
    fn numbers(&mut self) -> &mut Vec<u32> {
        if let Docs::Bitmap { count, bits } = self {
            let mut docs = Vec::with_capacity(*count);
            for (byte, &b) in bits.iter().enumerate() {
                for bit in 0..8 {
                    if b & (1 << bit) != 0 {
                        docs.push((byte * 8 + bit) as u32);
                    }
                }
            }
            *self = Docs::Numbers(docs);
        }
        match self {
            Docs::Numbers(docs) => docs,
            Docs::Bitmap { .. } => unreachable!("made numbers above"),
        }
    }
}

impl PartialEq for List {
    fn eq(&self, other: &List) -> bool {
        let mut a = Vec::new();
        let mut b = Vec::new();
        self.write(&mut a);
        other.write(&mut b);
        a == b
    }
}

impl List {
    /// Reads the list at `*at` and moves `at` past it; `None` when the bytes are not one.
    pub fn read(b: &[u8], at: &mut usize) -> Option<List> {
        let next = |at: &mut usize| u32::try_from(read_varint_checked(b, at)?).ok();
        let n = next(at)? as usize;
        let k = next(at)? as usize;
        if k > n || n > b.len() * 8 {
            return None;
        }
        let mut kept = Vec::with_capacity(k);
        let mut last = 0u32;
        for i in 0..k {
            let d = next(at)?;
            last = if i == 0 { d } else { last.checked_add(d)? };
            if i > 0 && d == 0 {
                return None;
            }
            kept.push((last, *b.get(*at)?));
            *at += 1;
        }
        if k == n {
            let docs = kept.iter().map(|p| p.0).collect();
            return Some(List {
                docs: Docs::Numbers(docs),
                kept,
                floor: None,
            });
        }
        let floor = *b.get(*at)?;
        let mode = *b.get(*at + 1)?;
        *at += 2;
        let mut docs = Vec::with_capacity(if mode == 1 { 0 } else { n });
        match mode {
            1 => {
                // Up to the byte of the n-th document; a bitmap with more documents in that
                // byte (which no build writes) is read as its first n, as numbers.
                let (mut seen, mut byte) = (0usize, 0usize);
                while seen < n {
                    seen += b.get(*at + byte)?.count_ones() as usize;
                    byte += 1;
                }
                let bits = b[*at..*at + byte].to_vec();
                *at += byte;
                let mut docs = Docs::Bitmap { count: n, bits };
                if seen > n {
                    docs.numbers().truncate(n);
                }
                return Some(List {
                    docs,
                    kept,
                    floor: Some(floor),
                });
            }
            0 => {
                let mut last = 0u32;
                for i in 0..n {
                    let d = next(at)?;
                    if i > 0 && d == 0 {
                        return None;
                    }
                    last = if i == 0 { d } else { last.checked_add(d)? };
                    docs.push(last);
                }
            }
            _ => return None,
        }
        Some(List {
            docs: Docs::Numbers(docs),
            kept,
            floor: Some(floor),
        })
    }

    /// Whether no document has the key.
    pub fn is_empty(&self) -> bool {
        self.docs.len() == 0
    }

    /// Writes the list as [`posting_list`] writes the list of its documents and impacts.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self.floor {
            None => posting_list(out, &self.kept),
            Some(floor) => match &self.docs {
                Docs::Numbers(docs) => write_long(out, docs, &self.kept, floor),
                // The documents of a bitmap that stayed: what `write_long` writes for them.
                Docs::Bitmap { count, bits } => {
                    write_head(out, *count, &self.kept, floor);
                    out.push(1);
                    out.extend_from_slice(bits);
                }
            },
        }
    }

    /// The list after document `doc`'s impact went from `before` to `after` (`None`: not in
    /// the list), as [`posting_list`] would make it from every document's impact; `None` when
    /// that depends on impacts below the floor, which the list does not keep (a kept document
    /// that falls to the floor or leaves, a document at the floor that falls below it or leaves).
    pub fn with(mut self, doc: u32, before: Option<u8>, after: Option<u8>) -> Option<List> {
        let in_docs = self.docs.contains(doc);
        let at_kept = self.kept.binary_search_by_key(&doc, |p| p.0);
        if in_docs != before.is_some() {
            return None;
        }
        if let Ok(i) = at_kept {
            if Some(self.kept[i].1) != before {
                return None;
            }
        }
        let Some(floor) = self.floor else {
            // Every impact is known.
            if let Ok(i) = at_kept {
                self.kept.remove(i);
            }
            if let Some(x) = after {
                let i = self.kept.partition_point(|p| p.0 < doc);
                self.kept.insert(i, (doc, x));
            }
            self.docs = Docs::Numbers(self.kept.iter().map(|p| p.0).collect());
            return Some(self);
        };
        // Stronger first; ties: the lower id.
        let stronger = |a: (u32, u8), b: (u32, u8)| a.1 > b.1 || (a.1 == b.1 && a.0 < b.0);
        let weakest = self
            .kept
            .iter()
            .copied()
            .reduce(|w, p| if stronger(w, p) { p } else { w })?;
        let floor = match (at_kept.is_ok(), before, after) {
            (_, None, None) => return Some(self),
            // Kept: stays kept only when still above every other document.
            (true, _, Some(x)) if x > floor => {
                let i = at_kept.ok()?;
                self.kept[i].1 = x;
                floor
            }
            (true, _, _) => return None,
            // Not kept (or new): takes the weakest kept one's place when stronger.
            (false, before, Some(x)) if stronger((doc, x), weakest) => {
                self.kept.retain(|p| p.0 != weakest.0);
                let i = self.kept.partition_point(|p| p.0 < doc);
                self.kept.insert(i, (doc, x));
                // The others' strongest is now the one that left (none of them was stronger).
                match before {
                    None => floor.max(weakest.1),
                    Some(_) => weakest.1,
                }
            }
            (false, None, Some(x)) => floor.max(x),
            (false, Some(o), after) if o < floor => after.map_or(floor, |x| floor.max(x)),
            // It was the floor: the others' strongest is known only if it stays the floor.
            (false, Some(o), _) if o > floor => return None,
            (false, Some(_), Some(x)) if x >= floor => x,
            (false, Some(_), _) => return None,
        };
        if in_docs != after.is_some() {
            let docs = self.docs.numbers();
            match docs.binary_search(&doc) {
                Ok(i) => {
                    docs.remove(i);
                }
                Err(i) => docs.insert(i, doc),
            }
        }
        self.floor = Some(floor);
        if self.docs.len() <= IMPACTS_KEPT {
            // Short enough for every impact: known only when every document is kept.
            if self.kept.len() != self.docs.len() {
                return None;
            }
            self.floor = None;
        }
        Some(self)
    }
}

/// Smallest chunk (bytes) before a content-defined cut may end it.
const MIN_CHUNK: usize = 2 * 1024;
/// A chunk ends before an entry that would take it past this size.
const MAX_CHUNK: usize = 24 * 1024;
/// One key in this many (by hash) may start a chunk.
const CUT_EVERY: u64 = 8;

/// A written chunk: its first key and its bytes.
pub struct Chunk {
    pub first: String,
    pub bytes: Vec<u8>,
}

impl Chunk {
    /// The file name (without `.bin`): a hash of the content, so an unchanged chunk keeps its
    /// name (and caches).
    pub fn name(&self) -> String {
        content_name(&self.bytes)
    }
}

/// A file name from content: 48 bits of its hash, in hex.
pub fn content_name(bytes: &[u8]) -> String {
    format!("{:012x}", fnv(bytes) >> 16)
}

/// Smallest group of chunks a content-defined cut may end.
const MIN_GROUP: usize = 16;
/// Largest group of chunks.
const MAX_GROUP: usize = 128;
/// One chunk in this many (by the hash of its first key) may start a group.
const GROUP_EVERY: u64 = 32;

/// Groups a key space's chunk directory ((first key, name) in key order) for the two-level
/// directory: `meta.json` lists each group's first key and file, each group file its chunks,
/// so a query reads a few hundred bytes of directory however large the archive. Cuts depend on
/// the keys, as chunk cuts do.
pub fn groups(directory: Vec<(String, String)>) -> Vec<Vec<(String, String)>> {
    let mut out: Vec<Vec<(String, String)>> = Vec::new();
    let mut current = Vec::new();
    for entry in directory {
        let cut = current.len() >= MAX_GROUP
            || (current.len() >= MIN_GROUP && fnv(entry.0.as_bytes()).is_multiple_of(GROUP_EVERY));
        if cut {
            out.push(std::mem::take(&mut current));
        }
        current.push(entry);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Groups sorted (key, payload) entries into chunks. Boundaries depend on the keys (a key whose
/// hash is a multiple of [`CUT_EVERY`] may start a chunk) and only then on size, so editing one
/// article changes the chunks holding its terms and rarely moves a boundary.
pub fn chunks(entries: Vec<(String, Vec<u8>)>) -> Vec<Chunk> {
    let mut chunker = Chunker::default();
    for (key, payload) in entries {
        chunker.push(key, payload);
    }
    chunker.finish()
}

/// [`chunks`] an entry at a time: what [`patch`] runs over the entries around a change.
#[derive(Default)]
struct Chunker {
    current: Vec<(String, Vec<u8>)>,
    size: usize,
    out: Vec<Chunk>,
}

impl Chunker {
    /// Adds the next entry (keys ascending); true when a chunk was cut before it.
    fn push(&mut self, key: String, payload: Vec<u8>) -> bool {
        let entry = key.len() + payload.len() + 4;
        let cut = self.size >= MIN_CHUNK && fnv(key.as_bytes()).is_multiple_of(CUT_EVERY);
        let cut = cut || (self.size > 0 && self.size + entry > MAX_CHUNK);
        if cut {
            self.flush();
        }
        self.size += entry;
        self.current.push((key, payload));
        cut
    }

    fn flush(&mut self) {
        if self.current.is_empty() {
            return;
        }
        let mut bytes = Vec::new();
        varint(&mut bytes, self.current.len() as u64);
        for (key, payload) in &self.current {
            varint(&mut bytes, key.len() as u64);
            bytes.extend_from_slice(key.as_bytes());
            varint(&mut bytes, payload.len() as u64);
            bytes.extend_from_slice(payload);
        }
        self.out.push(Chunk {
            first: self.current[0].0.clone(),
            bytes,
        });
        self.current.clear();
        self.size = 0;
    }

    fn finish(mut self) -> Vec<Chunk> {
        self.flush();
        self.out
    }
}

/// A chunk file's entries, or `None` when the bytes are not a whole chunk with keys ascending.
pub fn read_chunk(bytes: &[u8]) -> Option<Entries> {
    let mut at = 0;
    let next = |at: &mut usize| usize::try_from(read_varint_checked(bytes, at)?).ok();
    let count = next(&mut at)?;
    let mut entries: Vec<(String, Vec<u8>)> = Vec::with_capacity(count.min(bytes.len()));
    for _ in 0..count {
        let len = next(&mut at)?;
        let key = bytes.get(at..at.checked_add(len)?)?;
        at += len;
        let len = next(&mut at)?;
        let payload = bytes.get(at..at.checked_add(len)?)?;
        at += len;
        let key = String::from_utf8(key.to_vec()).ok()?;
        if entries.last().is_some_and(|(last, _)| *last >= key) {
            return None;
        }
        entries.push((key, payload.to_vec()));
    }
    (at == bytes.len()).then_some(entries)
}

/// A key space's chunks: each one's first key and name, in key order.
pub type Directory = Vec<(String, String)>;

/// A chunk file's entries: (key, payload), keys ascending.
pub type Entries = Vec<(String, Vec<u8>)>;

/// What becomes of one key's entry in [`patch`]: given its previous payload (`None`: it had
/// none), its new one (`None`: it has none now).
pub type Edit<'a> = Box<dyn Fn(Option<&[u8]>) -> Option<Vec<u8>> + Send + Sync + 'a>;

/// A key space's chunks after `edits`, made from the previous chunks (`directory`: first key and
/// name of each, in key order) by reading (`read`, by name) only the chunks the edits fall into
/// and those after them up to the first whose boundary comes back: the chunks [`chunks`] would
/// make of the whole edited key space. `read` gives a previous chunk's entries by name.
/// Returns the new directory and the chunks not in the previous one; `None` when a chunk it
/// needs cannot be read.
///
/// A run of [`chunks`] cuts before a key from the size of the chunk so far, the key and its
/// entry: from a cut before an unchanged key on, the same entries cut in the same places. A
/// patch therefore starts at the start of a chunk whose first key no edit touches (or at the
/// first chunk), and ends where a cut falls before the first key of an untouched chunk.
pub fn patch(
    directory: &[(String, String)],
    edits: &std::collections::BTreeMap<String, Edit<'_>>,
    read: &dyn Fn(&str) -> Option<Entries>,
) -> Option<(Directory, Vec<Chunk>)> {
    use std::collections::BTreeSet;
    // The chunk a key falls into: the last whose first key is not after it.
    let chunk_of = |key: &str| directory.partition_point(|(first, _)| first.as_str() <= key);
    let mut touched = BTreeSet::new();
    for key in edits.keys() {
        let at = chunk_of(key).saturating_sub(1);
        touched.insert(at);
        // An edit of a chunk's first key may move the cut before it: start one chunk earlier.
        if at > 0 && directory.get(at).is_some_and(|(first, _)| first == key) {
            touched.insert(at - 1);
        }
    }
    let mut dir = Vec::with_capacity(directory.len());
    let mut made = Vec::new();
    let mut chunker: Option<Chunker> = None;
    let mut pending = edits.iter().peekable();
    // Feeds a chunk's entries, merged with the edits that fall before `until`, to the chunker.
    let feed = |chunker: &mut Chunker,
                old: Vec<(String, Vec<u8>)>,
                until: Option<&str>,
                pending: &mut std::iter::Peekable<
        std::collections::btree_map::Iter<'_, String, Edit<'_>>,
    >| {
        let mut old = old.into_iter().peekable();
        loop {
            let edit = pending
                .peek()
                .filter(|(k, _)| until.is_none_or(|u| k.as_str() < u));
            match (old.peek(), edit) {
                (None, None) => break,
                (Some((key, _)), Some((k, _))) if key < *k => {
                    let (key, payload) = old.next().expect("peeked");
                    chunker.push(key, payload);
                }
                (Some(_), None) => {
                    let (key, payload) = old.next().expect("peeked");
                    chunker.push(key, payload);
                }
                (previous, Some(_)) => {
                    let (k, edit) = pending.next().expect("peeked");
                    let before = match previous {
                        Some((key, _)) if key == k => old.next().map(|(_, p)| p),
                        _ => None,
                    };
                    if let Some(payload) = edit(before.as_deref()) {
                        chunker.push(k.clone(), payload);
                    }
                }
            }
        }
    };
    for (i, (first, name)) in directory.iter().enumerate() {
        let until = directory.get(i + 1).map(|(f, _)| f.as_str());
        if !touched.contains(&i) {
            match chunker.as_mut() {
                None => {
                    dir.push((first.clone(), name.clone()));
                    continue;
                }
                Some(c) => {
                    // A cut before this chunk's first key: from here on, the previous chunks.
                    if c.current.is_empty() {
                        let done = chunker.take().expect("running");
                        collect(done.finish(), &mut dir, &mut made);
                        dir.push((first.clone(), name.clone()));
                        continue;
                    }
                    let old = read(name)?;
                    let mut rest = old.into_iter();
                    let (key, payload) = rest.next()?;
                    if c.push(key, payload) {
                        let mut done = chunker.take().expect("running");
                        done.current.clear();
                        collect(done.finish(), &mut dir, &mut made);
                        dir.push((first.clone(), name.clone()));
                        continue;
                    }
                    feed(c, rest.collect(), until, &mut pending);
                    continue;
                }
            }
        }
        let old = read(name)?;
        let c = chunker.get_or_insert_with(Chunker::default);
        feed(c, old, until, &mut pending);
    }
    if directory.is_empty() {
        let c = chunker.get_or_insert_with(Chunker::default);
        feed(c, Vec::new(), None, &mut pending);
    }
    if let Some(done) = chunker {
        collect(done.finish(), &mut dir, &mut made);
    }
    Some((dir, made))
}

/// Adds chunks to a directory and to the chunks made.
fn collect(chunks: Vec<Chunk>, dir: &mut Vec<(String, String)>, made: &mut Vec<Chunk>) {
    for c in chunks {
        dir.push((c.first.clone(), c.name()));
        made.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a list the way the script does: (documents, impacts kept, floor), and the
    /// bytes it took (lists follow one another in an entry).
    fn decode(b: &[u8]) -> (Vec<u32>, Vec<(u32, u8)>, u8, usize) {
        let mut at = 0;
        let n = read_varint(b, &mut at) as usize;
        let k = read_varint(b, &mut at) as usize;
        let mut kept = Vec::new();
        let mut last = 0u32;
        for i in 0..k {
            let d = read_varint(b, &mut at) as u32;
            last = if i == 0 { d } else { last + d };
            kept.push((last, b[at]));
            at += 1;
        }
        if k == n {
            return (kept.iter().map(|p| p.0).collect(), kept, 0, at);
        }
        let floor = b[at];
        let mode = b[at + 1];
        at += 2;
        let mut all = Vec::new();
        if mode == 1 {
            let mut d = 0u32;
            while all.len() < n {
                if b[at + d as usize / 8] & (1 << (d % 8)) != 0 {
                    all.push(d);
                }
                d += 1;
            }
            at += all[n - 1] as usize / 8 + 1;
        } else {
            let mut last = 0;
            for i in 0..n {
                let d = read_varint(b, &mut at) as u32;
                last = if i == 0 { d } else { last + d };
                all.push(last);
            }
        }
        (all, kept, floor, at)
    }

    #[test]
    fn short_lists_keep_every_impact() {
        let list = [(3, 10), (7, 200), (300, 1)];
        let mut out = Vec::new();
        posting_list(&mut out, &list);
        let (all, kept, _, took) = decode(&out);
        assert_eq!(all, [3, 7, 300]);
        assert_eq!(kept, list);
        assert_eq!(took, out.len());
    }

    #[test]
    fn long_lists_keep_the_strongest_and_every_document() {
        for docs in [2000u32, 100_000] {
            // Dense at 2000 (a bitmap is smaller), sparse at 100 000 (deltas are).
            let list: Vec<(u32, u8)> = (0..1500u32)
                .map(|d| (d * (docs / 2000), (d % 251) as u8 + 1))
                .collect();
            let mut out = Vec::new();
            posting_list(&mut out, &list);
            // Another list follows in the entry: each must end where it says.
            let mut both = out.clone();
            both.extend_from_slice(&out);
            let (all, kept, floor, took) = decode(&both);
            assert_eq!(took, out.len());
            assert_eq!(decode(&both[took..]).3, out.len());
            assert_eq!(all, list.iter().map(|p| p.0).collect::<Vec<_>>());
            assert_eq!(kept.len(), IMPACTS_KEPT);
            let weakest_kept = kept.iter().map(|p| p.1).min().unwrap();
            assert!(floor <= weakest_kept, "{floor} > {weakest_kept}");
            assert!(kept.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn a_bitmap_ends_at_its_last_document_whatever_the_archive_size() {
        // Dense enough for a bitmap; its last document is 2 998.
        let list: Vec<(u32, u8)> = (0..1500u32).map(|d| (d * 2, (d % 200) as u8 + 1)).collect();
        let mut out = Vec::new();
        posting_list(&mut out, &list);
        // The mode byte, then the bitmap's bytes: up to the one holding document 2 998.
        let bitmap = 2998 / 8 + 1;
        assert_eq!(out[out.len() - bitmap - 1], 1, "mode byte: a bitmap");
        let (all, _, _, took) = decode(&out);
        assert_eq!(took, out.len());
        assert_eq!(all.len(), 1500);
        assert_eq!(*all.last().unwrap(), 2998);
    }

    #[test]
    fn chunk_boundaries_survive_an_edit() {
        let entries = |grow: usize| -> Vec<(String, Vec<u8>)> {
            (0..2000)
                .map(|i| {
                    let size = if i == 700 { 40 + grow } else { 40 };
                    (format!("k{i:05}"), vec![1u8; size])
                })
                .collect()
        };
        let names = |c: Vec<Chunk>| c.iter().map(Chunk::name).collect::<Vec<_>>();
        let before = names(chunks(entries(0)));
        let after = names(chunks(entries(30)));
        assert!(before.len() > 5);
        let changed = before.iter().filter(|n| !after.contains(n)).count();
        assert_eq!(changed, 1, "one entry grew: one chunk changes");
    }

    /// Pseudo-random numbers below a bound (xorshift: the same every run).
    fn below(mut state: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        }
    }

    /// A list changed for one document at a time is, whenever the change can be made, the list
    /// made from every document's impact; and it can be made for most changes.
    #[test]
    fn a_list_changed_in_place_is_the_list_made_again() {
        let mut next = below(0x2545_f491_4f6c_dd1du64);
        let (mut made, mut refused) = (0, 0);
        for round in 0..400 {
            let size = [3usize, 500, 512, 513, 520, 3000][round % 6];
            // Every size with every span: dense lists (bitmaps) and sparse ones.
            let span = [600u64, 4000, 200_000][(round / 6) % 3].max(size as u64 * 2);
            let mut truth: std::collections::BTreeMap<u32, u8> = std::collections::BTreeMap::new();
            while truth.len() < size {
                truth.insert(next(span) as u32, 1 + next(255) as u8);
            }
            let encode = |t: &std::collections::BTreeMap<u32, u8>| {
                let list: Vec<(u32, u8)> = t.iter().map(|(&d, &i)| (d, i)).collect();
                let mut out = Vec::new();
                posting_list(&mut out, &list);
                out
            };
            let mut bytes = encode(&truth);
            for _ in 0..20 {
                let doc = match next(3) {
                    0 if !truth.is_empty() => {
                        *truth.keys().nth(next(truth.len() as u64) as usize).unwrap()
                    }
                    _ => next(span + 10) as u32,
                };
                let before = truth.get(&doc).copied();
                let after = match next(4) {
                    0 => None,
                    _ => Some(1 + next(255) as u8),
                };
                match after {
                    Some(x) => truth.insert(doc, x),
                    None => truth.remove(&doc),
                };
                let want = encode(&truth);
                let mut at = 0;
                let list = List::read(&bytes, &mut at).expect("reads back");
                assert_eq!(at, bytes.len());
                match list.with(doc, before, after) {
                    Some(changed) => {
                        let mut out = Vec::new();
                        changed.write(&mut out);
                        assert_eq!(out, want, "round {round}: {doc} {before:?} → {after:?}");
                        made += 1;
                    }
                    None => refused += 1,
                }
                bytes = want;
            }
        }
        assert!(refused * 10 < made, "{refused} refused, {made} made");
    }

    /// Bytes that are not a list (a chunk file someone changed, which its name would refuse
    /// first) are refused or read as some list, and changing and writing that list never
    /// panics.
    #[test]
    fn any_bytes_read_as_a_list_change_and_write_without_panicking() {
        let mut below = below(0x1234_5678_9abc_def1);
        let mut next = move || below(u64::MAX);
        let mut read = 0;
        for round in 0..20_000 {
            let len = (next() % 40) as usize;
            let mut bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            // Small counts first, so that some junk reads as a list.
            if round % 2 == 0 && len > 2 {
                bytes[0] %= 8;
                bytes[1] %= 8;
            }
            let mut at = 0;
            if let Some(list) = List::read(&bytes, &mut at) {
                read += 1;
                assert!(at <= bytes.len());
                let doc = (next() % 64) as u32;
                let before = (next() % 2 == 0).then(|| next() as u8);
                let after = (next() % 2 == 0).then(|| next() as u8);
                if let Some(changed) = list.with(doc, before, after) {
                    changed.write(&mut Vec::new());
                }
            }
            let _ = read_chunk(&bytes);
        }
        assert!(read > 100, "{read} lists read");
    }

    /// Patching a key space's chunks gives the chunks of the whole edited key space, however
    /// the edits fall (first keys, new first and last keys, whole chunks removed, payloads
    /// that grow past a chunk's size), and reads only some chunks.
    #[test]
    fn patched_chunks_are_the_chunks_of_the_edited_entries() {
        use std::collections::BTreeMap;
        let mut next = below(0x9e37_79b9_7f4a_7c15u64);
        let mut read_fraction = 0.0;
        let rounds = 300;
        for round in 0..rounds {
            let size = [0usize, 1, 40, 3000][round % 4];
            let mut entries: BTreeMap<String, Vec<u8>> = (0..size)
                .map(|_| {
                    let key = format!("k{:05}", next(20_000));
                    let len = if next(50) == 0 {
                        9000
                    } else {
                        next(120) as usize
                    };
                    (key, vec![next(256) as u8; len])
                })
                .collect();
            let before = chunks(entries.clone().into_iter().collect());
            let files: std::collections::HashMap<String, Vec<u8>> =
                before.iter().map(|c| (c.name(), c.bytes.clone())).collect();
            let directory: Vec<(String, String)> =
                before.iter().map(|c| (c.first.clone(), c.name())).collect();
            let mut edits: BTreeMap<String, Edit<'_>> = BTreeMap::new();
            let keys: Vec<String> = entries.keys().cloned().collect();
            for _ in 0..1 + next(6) {
                // An existing key (often a chunk's first), or a new one anywhere.
                let key = match next(3) {
                    0 if !directory.is_empty() => {
                        directory[next(directory.len() as u64) as usize].0.clone()
                    }
                    1 if !keys.is_empty() => keys[next(keys.len() as u64) as usize].clone(),
                    _ => format!("k{:05}", next(20_001)),
                };
                if edits.contains_key(&key) {
                    continue;
                }
                let grow = next(4) == 0;
                let len = next(3000) as usize;
                let edit: Edit<'_> = match next(3) {
                    0 => Box::new(|_| None),
                    1 => Box::new(move |_| Some(vec![7u8; len])),
                    _ => Box::new(move |old: Option<&[u8]>| {
                        let mut p = old.map(<[u8]>::to_vec).unwrap_or_default();
                        p.extend(std::iter::repeat_n(1u8, if grow { 30_000 } else { 3 }));
                        Some(p)
                    }),
                };
                let after = edit(entries.get(&key).map(Vec::as_slice));
                match after {
                    Some(p) => entries.insert(key.clone(), p),
                    None => entries.remove(&key),
                };
                edits.insert(key, edit);
            }
            let expected = chunks(entries.into_iter().collect());
            let read_count = std::cell::Cell::new(0usize);
            let read = |name: &str| {
                read_count.set(read_count.get() + 1);
                read_chunk(files.get(name)?)
            };
            let (dir, made) = patch(&directory, &edits, &read).expect("every chunk reads");
            let want: Vec<(String, String)> = expected
                .iter()
                .map(|c| (c.first.clone(), c.name()))
                .collect();
            assert_eq!(dir, want, "round {round}");
            for c in &made {
                assert!(expected.iter().any(|e| e.bytes == c.bytes), "round {round}");
            }
            let new: Vec<&String> = want
                .iter()
                .map(|(_, n)| n)
                .filter(|n| !files.contains_key(*n))
                .collect();
            assert!(new.iter().all(|n| made.iter().any(|c| &c.name() == *n)));
            if directory.len() > 20 {
                read_fraction += read_count.get() as f64 / directory.len() as f64;
            }
        }
        let average = read_fraction / (rounds / 4) as f64;
        assert!(average < 0.25, "{average} of the chunks read on average");
    }

    #[test]
    fn a_chunk_reads_back_or_is_refused() {
        let entries = vec![("a".to_string(), vec![1, 2]), ("ب".to_string(), vec![])];
        let c = chunks(entries.clone());
        assert_eq!(read_chunk(&c[0].bytes), Some(entries));
        for cut in 0..c[0].bytes.len() {
            assert_eq!(read_chunk(&c[0].bytes[..cut]), None);
        }
        let unsorted = chunks(vec![("b".into(), vec![]), ("a".into(), vec![])]);
        assert_eq!(read_chunk(&unsorted[0].bytes), None);
    }

    #[test]
    fn groups_are_bounded_and_keep_every_chunk_in_order() {
        let dir: Vec<(String, String)> = (0..5000)
            .map(|i| (format!("k{i:05}"), format!("{i}")))
            .collect();
        let all = groups(dir.clone());
        assert!(all.iter().all(|g| !g.is_empty() && g.len() <= MAX_GROUP));
        assert!(all[..all.len() - 1].iter().all(|g| g.len() >= MIN_GROUP));
        assert_eq!(all.concat(), dir);
        // Removing one chunk changes its own group only.
        let mut fewer = dir.clone();
        fewer.remove(2500);
        let changed = groups(fewer).iter().filter(|g| !all.contains(g)).count();
        assert_eq!(changed, 1);
    }
}
