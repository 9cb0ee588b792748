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
    varint(out, list.len() as u64);
    let deltas = |out: &mut Vec<u8>, items: &mut dyn Iterator<Item = &(u32, u8)>, with: bool| {
        let mut last = 0u32;
        for (i, &(doc, impact)) in items.enumerate() {
            varint(out, u64::from(if i == 0 { doc } else { doc - last }));
            if with {
                out.push(impact);
            }
            last = doc;
        }
    };
    if list.len() <= IMPACTS_KEPT {
        varint(out, list.len() as u64);
        deltas(out, &mut list.iter(), true);
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
    varint(out, kept.len() as u64);
    deltas(out, &mut kept.iter(), true);
    out.push(floor);
    let delta_bytes: usize = list
        .iter()
        .scan(0u32, |last, &(d, _)| {
            let delta = d - *last;
            *last = d;
            Some(varint_len(u64::from(delta)))
        })
        .sum();
    let last = list.last().map_or(0, |&(d, _)| d as usize);
    let bitmap_bytes = last / 8 + 1;
    if bitmap_bytes < delta_bytes {
        out.push(1);
        let mut bits = vec![0u8; bitmap_bytes];
        for &(d, _) in list {
            bits[d as usize / 8] |= 1 << (d % 8);
        }
        out.extend_from_slice(&bits);
    } else {
        out.push(0);
        deltas(out, &mut list.iter(), false);
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
    let mut out = Vec::new();
    let mut current: Vec<(String, Vec<u8>)> = Vec::new();
    let mut size = 0usize;
    let flush = |current: &mut Vec<(String, Vec<u8>)>, out: &mut Vec<Chunk>| {
        if current.is_empty() {
            return;
        }
        let mut bytes = Vec::new();
        varint(&mut bytes, current.len() as u64);
        for (key, payload) in current.iter() {
            varint(&mut bytes, key.len() as u64);
            bytes.extend_from_slice(key.as_bytes());
            varint(&mut bytes, payload.len() as u64);
            bytes.extend_from_slice(payload);
        }
        out.push(Chunk {
            first: current[0].0.clone(),
            bytes,
        });
        current.clear();
    };
    for (key, payload) in entries {
        let entry = key.len() + payload.len() + 4;
        let cut = size >= MIN_CHUNK && fnv(key.as_bytes()).is_multiple_of(CUT_EVERY);
        if cut || (size > 0 && size + entry > MAX_CHUNK) {
            flush(&mut current, &mut out);
            size = 0;
        }
        size += entry;
        current.push((key, payload));
    }
    flush(&mut current, &mut out);
    out
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
