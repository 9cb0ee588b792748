//! The analysed text of every article, computed once and shared by similar articles and search:
//! each field [folded](crate::arabic::normalize::fold) and split into words, with each distinct
//! word's count per field and each distinct pair of adjacent words' weighted count.
//!
//! A build with the article store ([`crate::content::store`]) analyses each article it renders
//! while it loads and keeps the result, encoded ([`encode_of`]), beside its texts; analysing an
//! article the store kept is then decoding those bytes instead of reading its text back and
//! folding, splitting and stemming it (at 100k articles the word stage of a one-article build
//! went from 8–10 s to 4–6 s); a test holds both ways to the same lists.

use ahash::AHashMap as HashMap;

use crate::arabic::normalize::{self, fold_into};
use crate::content::article::Article;
use crate::diagnostics::Diagnostic;
use crate::index::similar::{stem_counts, StemCounts};
use crate::search::encode::varint;
use crate::search::patch::Hits;
use crate::search::postings::Postings;

/// Words longer than this (in bytes, folded) are not indexed: URLs, hashes, run-on junk.
pub const MAX_WORD_BYTES: usize = 96;

/// The fields of an article, in this order in [`Terms`] counts.
pub const TITLE: usize = 0;
pub const TAGS: usize = 1;
pub const SUMMARY: usize = 2;
pub const BODY: usize = 3;

/// Each field's weight for search (title and tags ×5, summary ×2, body ×1): whole numbers, so
/// weighted frequencies are exact.
pub const SEARCH_WEIGHTS: [u32; 4] = [5, 5, 2, 1];

/// One distinct word of an article.
#[derive(Debug, Clone)]
pub struct Word {
    /// The folded word's [`word_hash`].
    pub hash: u64,
    start: u32,
    len: u16,
    /// Occurrences per field (saturating).
    pub counts: [u16; 4],
}

impl Word {
    /// The weighted frequency search uses.
    pub fn search_tf(&self) -> u32 {
        self.counts
            .iter()
            .zip(SEARCH_WEIGHTS)
            .map(|(&c, w)| u32::from(c) * w)
            .sum()
    }
}

/// One article's analysed text.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// The distinct words, end to end (each [`Word`] knows its span).
    folded: String,
    /// Distinct words, in order of first appearance.
    pub words: Vec<Word>,
    /// Distinct adjacent pairs within a field: both words (indexes into `words`) and the
    /// pair's weighted frequency. Empty when the site has no search.
    pub pairs: Vec<(u32, u32, u32)>,
    /// Words in the title and body.
    pub length: u32,
}

impl Terms {
    /// The folded text of word `i`.
    pub fn word(&self, i: u32) -> &str {
        let w = &self.words[i as usize];
        &self.folded[w.start as usize..w.start as usize + w.len as usize]
    }

    /// Analyses an article's title, tags, summary and body; `pairs` also counts adjacent pairs.
    /// Fails only when its spilled text cannot be read back.
    pub fn of(article: &Article, pairs: bool) -> Result<Terms, Diagnostic> {
        let text = article.text.read_of(&article.shown)?;
        Ok(Terms::of_text(article, &text, pairs))
    }

    /// [`Terms::of`] with the article's plain text at hand.
    fn of_text(article: &Article, text: &str, pairs: bool) -> Terms {
        let tags = article.tags.join("\n");
        analyse([&article.title, &tags, &article.description, text], pairs)
    }
}

/// An article's [`Hits`] of `targets` and its stem counts, from the store's copy of its
/// analysed words (see [`hits_of_kept`]), or else from analysing its text.
fn hits_of_article(
    article: &Article,
    targets: &crate::search::patch::Targets,
) -> Result<(Hits, StemCounts), Diagnostic> {
    if let Some(both) = article
        .analysed
        .as_ref()
        .and_then(|kept| kept.read().ok())
        .and_then(|bytes| hits_of_kept(&bytes, true, targets))
    {
        return Ok(both);
    }
    let (terms, counts) = of_article(article, true)?;
    Ok((targets.hits(&terms), counts))
}

/// An article's terms and stem counts: what the store's copy is decoded into, or else what is
/// analysed from its text. Fails only when a kept copy or the text cannot be read back.
pub fn of_article(article: &Article, pairs: bool) -> Result<(Terms, StemCounts), Diagnostic> {
    if let Some(kept) = &article.analysed {
        let bytes = kept.read().map_err(|e| {
            Diagnostic::new(
                Some(&article.shown),
                format!("cannot read back the article's analysed words: {e}"),
            )
            .with_hint("build again: the copy kept in .warraq-cache/ is made again")
        })?;
        if let Some(both) = decode(&bytes, pairs) {
            return Ok(both);
        }
    }
    let t = Terms::of(article, pairs)?;
    let counts = stem_counts(&t);
    Ok((t, counts))
}

/// The analysed words of `article`, whose plain text is `text`, as the article store keeps them
/// (see [`decode`]): analysing an article the store keeps is then reading them back.
pub fn encode_of(article: &Article, text: &str, pairs: bool) -> Vec<u8> {
    let t = Terms::of_text(article, text, pairs);
    encode(&t, &stem_counts(&t), pairs)
}

/// `terms` and `counts` as bytes: whether pairs were counted, the length, each word (its bytes
/// and four counts), each pair, each stem (its key's 8 bytes and count); numbers as varints.
fn encode(terms: &Terms, counts: &StemCounts, pairs: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        terms.folded.len() + 6 * terms.words.len() + 4 * terms.pairs.len() + 10 * counts.len() + 16,
    );
    out.push(u8::from(pairs));
    varint(&mut out, u64::from(terms.length));
    varint(&mut out, terms.words.len() as u64);
    for (i, w) in terms.words.iter().enumerate() {
        let word = terms.word(i as u32);
        varint(&mut out, word.len() as u64);
        out.extend_from_slice(word.as_bytes());
        for c in w.counts {
            varint(&mut out, u64::from(c));
        }
    }
    varint(&mut out, terms.pairs.len() as u64);
    for &(a, b, tf) in &terms.pairs {
        varint(&mut out, u64::from(a));
        varint(&mut out, u64::from(b));
        varint(&mut out, u64::from(tf));
    }
    varint(&mut out, counts.len() as u64);
    for &(key, c) in counts {
        out.extend_from_slice(&key.to_le_bytes());
        varint(&mut out, u64::from(c));
    }
    out
}

/// What a patch of the search index needs of an article's kept analysed words, read straight
/// from what [`encode`] made (no word is copied, and only words as long as a target are
/// hashed): its length, its hits of `targets`, and its stem counts. `None` for bytes that are
/// not what `encode` made with the same `pairs`.
pub fn hits_of_kept(
    bytes: &[u8],
    pairs: bool,
    targets: &crate::search::patch::Targets,
) -> Option<(crate::search::patch::Hits, StemCounts)> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(1)? != [u8::from(pairs)] {
        return None;
    }
    let length = u32::try_from(r.varint()?).ok()?;
    let n = r.count(6)?;
    let wants_pairs = !targets.pairs.is_empty();
    // Each word's hash, where its length may make it a target or a target pair's word.
    let mut hashes: Vec<Option<u64>> = Vec::with_capacity(if wants_pairs { n } else { 0 });
    let mut words = Vec::new();
    for _ in 0..n {
        let len = r.count(1)?;
        let word = r.take(len)?;
        let mut tf = 0u32;
        for weight in SEARCH_WEIGHTS {
            tf += u32::from(u16::try_from(r.varint()?).ok()?) * weight;
        }
        let hash = targets.may_hold(len).then(|| word_hash(word));
        if let Some(&slot) = hash.and_then(|h| targets.words.get(&h)) {
            words.push((slot, tf));
        }
        if wants_pairs {
            hashes.push(hash);
        }
    }
    let n_pairs = r.count(3)?;
    let mut hits = Vec::new();
    for _ in 0..n_pairs {
        let (a, b, tf) = (r.varint()?, r.varint()?, r.varint()?);
        if a >= n as u64 || b >= n as u64 {
            return None;
        }
        if let (Some(Some(ha)), Some(Some(hb))) = (hashes.get(a as usize), hashes.get(b as usize)) {
            if let Some(&slot) = targets.pairs.get(&pair_hash(*ha, *hb)) {
                hits.push((slot, u32::try_from(tf).ok()?));
            }
        }
    }
    let counts = r.stems()?;
    (r.at == bytes.len()).then_some(((length, words, hits), counts))
}

/// The stem counts [`encode`] kept in `bytes` (made with or without pairs); `None` for bytes it
/// did not make.
pub fn stems_of_kept(bytes: &[u8]) -> Option<StemCounts> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(1)?[0] > 1 {
        return None;
    }
    r.varint()?;
    let n = r.count(6)?;
    for _ in 0..n {
        let len = r.count(1)?;
        r.take(len)?;
        for _ in 0..4 {
            r.varint()?;
        }
    }
    let n_pairs = r.count(3)?;
    for _ in 0..3 * n_pairs {
        r.varint()?;
    }
    let counts = r.stems()?;
    (r.at == bytes.len()).then_some(counts)
}

/// An article's stem counts: read from the store's copy of its analysed words, or else
/// analysed from its text (what [`of_article`] gives, without its terms).
pub fn stem_counts_of(article: &Article) -> Result<StemCounts, Diagnostic> {
    if let Some(counts) = article
        .analysed
        .as_ref()
        .and_then(|kept| kept.read().ok())
        .and_then(|bytes| stems_of_kept(&bytes))
    {
        return Ok(counts);
    }
    Ok(stem_counts(&Terms::of(article, false)?))
}

/// The terms [`encode`] kept in `bytes`, when they were made with the same `pairs`.
pub fn decode_kept(bytes: &[u8], pairs: bool) -> Option<Terms> {
    decode(bytes, pairs).map(|(terms, _)| terms)
}

/// What [`encode`] made, when it was made with the same `pairs`; `None` for anything else.
fn decode(bytes: &[u8], pairs: bool) -> Option<(Terms, StemCounts)> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(1)? != [u8::from(pairs)] {
        return None;
    }
    let length = u32::try_from(r.varint()?).ok()?;
    let n = r.count(6)?;
    let mut folded = Vec::new();
    let mut words = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.count(1)?;
        let word = r.take(len)?;
        let start = u32::try_from(folded.len()).ok()?;
        folded.extend_from_slice(word);
        let mut counts = [0u16; 4];
        for c in &mut counts {
            *c = u16::try_from(r.varint()?).ok()?;
        }
        words.push(Word {
            hash: word_hash(word),
            start,
            len: u16::try_from(len).ok()?,
            counts,
        });
    }
    let n = r.count(3)?;
    let mut pairs = Vec::with_capacity(n);
    for _ in 0..n {
        let (a, b, tf) = (r.varint()?, r.varint()?, r.varint()?);
        if a >= words.len() as u64 || b >= words.len() as u64 {
            return None;
        }
        pairs.push((a as u32, b as u32, u32::try_from(tf).ok()?));
    }
    let counts = r.stems()?;
    if r.at != bytes.len() {
        return None;
    }
    let terms = Terms {
        folded: crate::content::source::utf8(folded).ok()?,
        words,
        pairs,
        length,
    };
    // Every word must end on a character boundary of the text it was cut from.
    (0..terms.words.len() as u32)
        .all(|i| {
            let w = &terms.words[i as usize];
            terms.folded.is_char_boundary(w.start as usize)
                && terms
                    .folded
                    .is_char_boundary(w.start as usize + w.len as usize)
        })
        .then_some((terms, counts))
}

/// Reads what [`encode`] wrote, refusing anything cut short.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }

    fn varint(&mut self) -> Option<u64> {
        crate::search::encode::read_varint_checked(self.bytes, &mut self.at)
    }

    /// The stem counts, the last part of what [`encode`] writes: each key's 8 bytes and its
    /// count.
    fn stems(&mut self) -> Option<StemCounts> {
        let n = self.count(9)?;
        let mut counts = Vec::with_capacity(n);
        for _ in 0..n {
            let key = u64::from_le_bytes(self.take(8)?.try_into().ok()?);
            counts.push((key, u32::try_from(self.varint()?).ok()?));
        }
        Some(counts)
    }

    /// A number of items of at least `each` bytes that the rest can hold.
    fn count(&mut self, each: usize) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n.checked_mul(each)? <= self.bytes.len() - self.at).then_some(n)
    }
}

/// What [`analyse_all`] finds.
#[derive(Debug, Default)]
pub struct Analysed {
    /// Every article's terms, when asked to keep them (`serve` rebuilds search after edits).
    pub terms: Vec<Terms>,
    /// Every article's stem counts, for similar articles.
    pub counts: crate::index::similar::Stemmed,
    /// The search index's lists, when the site has search.
    pub postings: Option<Postings>,
    /// The lists of the targets asked for (a patch of the search index).
    pub gathered: Option<crate::search::patch::Gathered>,
}

/// Articles analysed at once before their lists are gathered and their terms let go.
const CHUNK: usize = 2048;

/// What [`analyse_all`] is asked for (a build whose previous one made the same similar lists or
/// search index reuses those, see [`crate::index::memo`]).
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    /// The search index's lists (when the site has search).
    pub lists: bool,
    /// Every article's stem counts, for similar articles.
    pub counts: bool,
    /// The lists of these keys only (instead of every list), to patch the search index.
    pub targets: Option<&'a crate::search::patch::Targets>,
}

/// Analyses every article: its stem counts for similar articles and, when `search`, its words
/// and pairs into the search index's [`Postings`], a chunk of articles at a time, so the terms of
/// the whole archive are never all held. With `keep`, every article's terms are returned instead
/// (and no lists: they are made from the terms when needed). `wanted` leaves out the lists or
/// the counts. `stage` counts the articles analysed.
pub fn analyse_all(
    articles: &[Article],
    search: bool,
    keep: bool,
    wanted: Wanted<'_>,
    stage: &crate::progress::Stage,
) -> Result<Analysed, Diagnostic> {
    use rayon::prelude::*;
    let targets = wanted.targets.filter(|_| search && !keep);
    let mut out = Analysed {
        terms: Vec::with_capacity(if keep { articles.len() } else { 0 }),
        counts: Default::default(),
        postings: (search && !keep && wanted.lists && targets.is_none()).then(Postings::new),
        gathered: targets.map(crate::search::patch::Gathered::new),
    };
    // A patch of the search index whose every list changed in place needs nothing of the
    // articles' words, and neither do similar lists made from the previous build's vectors.
    if targets.is_some_and(|t| t.words.is_empty() && t.pairs.is_empty()) && !wanted.counts {
        return Ok(out);
    }
    for chunk in articles.chunks(CHUNK) {
        // A patch of the search index needs each article's hits of its targets only: read
        // straight from the kept bytes, without making the article's terms.
        if let (Some(targets), Some(gathered)) = (targets, out.gathered.as_mut()) {
            let both: Vec<(Hits, StemCounts)> = chunk
                .par_iter()
                .map(|a| hits_of_article(a, targets))
                .collect::<Result<_, Diagnostic>>()?;
            let (hits, counts): (Vec<Hits>, Vec<StemCounts>) = both.into_iter().unzip();
            let stemmed = &mut out.counts;
            rayon::join(
                || gathered.add(hits),
                || {
                    if wanted.counts {
                        for c in &counts {
                            stemmed.push(c);
                        }
                    }
                },
            );
            stage.add(chunk.len() as u64);
            continue;
        }
        let both: Vec<(Terms, _)> = chunk
            .par_iter()
            .map(|a| of_article(a, search))
            .collect::<Result<_, Diagnostic>>()?;
        let (terms, counts): (Vec<Terms>, Vec<_>) = both.into_iter().unzip();
        // Numbering the stems is one thread's work (in site order): it runs beside the search
        // lists' gathering instead of before it, while a core would wait.
        let (stemmed, postings) = (&mut out.counts, &mut out.postings);
        let counted = wanted.counts;
        let mut number = move || {
            if counted {
                for c in &counts {
                    stemmed.push(c);
                }
            }
        };
        match postings {
            Some(p) => p.add_beside(&terms, number),
            None => number(),
        }
        if keep {
            out.terms.extend(terms);
        }
        stage.add(chunk.len() as u64);
    }
    Ok(out)
}

/// FNV-1a, 64 bits: stable across machines and runs.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A word's identity in the search lists of one build (xxh3: these keys never leave the
/// process, and every kept article's words are hashed again in every build, where FNV-1a's byte
/// at a time was a measurable part of reading them back).
pub fn word_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A pair's identity from its words' hashes (order matters).
pub fn pair_hash(a: u64, b: u64) -> u64 {
    a.rotate_left(23).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b
}

pub fn analyse(fields: [&str; 4], with_pairs: bool) -> Terms {
    let mut folded = String::with_capacity(fields.iter().map(|f| f.len() + 1).sum());
    let mut ranges = [(0usize, 0usize); 4];
    for (f, text) in fields.iter().enumerate() {
        let start = folded.len();
        fold_into(&mut folded, text);
        ranges[f] = (start, folded.len());
        folded.push('\n');
    }
    let mut words: Vec<Word> = Vec::with_capacity(512);
    let mut pairs: Vec<(u32, u32, u32)> = Vec::with_capacity(if with_pairs { 1024 } else { 0 });
    let mut length = 0u32;
    {
        let mut word_at: HashMap<&str, u32> = HashMap::with_capacity(512);
        let mut pair_at: HashMap<u64, u32> = HashMap::with_capacity(1024);
        let base = folded.as_ptr() as usize;
        for (f, &(start, end)) in ranges.iter().enumerate() {
            let weight = SEARCH_WEIGHTS[f];
            let mut previous: Option<u32> = None;
            for w in normalize::words(&folded[start..end]) {
                if w.len() > MAX_WORD_BYTES {
                    previous = None;
                    continue;
                }
                if f == TITLE || f == BODY {
                    length += 1;
                }
                let i = *word_at.entry(w).or_insert_with(|| {
                    let s = (w.as_ptr() as usize - base) as u32;
                    words.push(Word {
                        hash: word_hash(w.as_bytes()),
                        start: s,
                        len: w.len() as u16,
                        counts: [0; 4],
                    });
                    words.len() as u32 - 1
                });
                let count = &mut words[i as usize].counts[f];
                *count = count.saturating_add(1);
                if with_pairs {
                    if let Some(p) = previous {
                        let j = *pair_at
                            .entry(u64::from(p) << 32 | u64::from(i))
                            .or_insert_with(|| {
                                pairs.push((p, i, 0));
                                pairs.len() as u32 - 1
                            });
                        pairs[j as usize].2 += weight;
                    }
                }
                previous = Some(i);
            }
        }
    }
    // Keep the distinct words only, not the whole folded text: a third of its size or less.
    let mut compact = String::with_capacity(words.iter().map(|w| w.len as usize).sum());
    for w in &mut words {
        let start = compact.len() as u32;
        compact.push_str(&folded[w.start as usize..w.start as usize + w.len as usize]);
        w.start = start;
    }
    // Held for every article until the search index is written: no room to spare.
    words.shrink_to_fit();
    pairs.shrink_to_fit();
    Terms {
        folded: compact,
        words,
        pairs,
        length: length.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word's text, hash and counts.
    type Words = Vec<(String, u64, [u16; 4])>;

    /// Everything a [`Terms`] says, comparable.
    fn seen(t: &Terms) -> (Words, Vec<(u32, u32, u32)>, u32) {
        let words = (0..t.words.len() as u32)
            .map(|i| {
                let w = &t.words[i as usize];
                (t.word(i).to_string(), w.hash, w.counts)
            })
            .collect();
        (words, t.pairs.clone(), t.length)
    }

    /// Every article's analysed words in a build with the store, and in one without.
    #[test]
    fn a_build_with_the_store_analyses_as_one_without() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.yaml"), "title: موقع\n").unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        let bodies = [
            "الدولة الإسلامية في سوريا: المفاوضات مع «قسد» في الحسكة.",
            "Kurdish SDF وقوات سوريا الديمقراطية، 2025 و١٢٣.\n\nفقرة ثانية عن [الحسكة](a0.md).",
            "المفاوضاتُ والمُفاوضات للمفاوضات",
        ];
        for (i, body) in bodies.iter().enumerate() {
            let summary = if i == 1 {
                "summary: ملخص المقال\n"
            } else {
                ""
            };
            std::fs::write(
                root.join("content").join(format!("a{i}.md")),
                format!("---\ntitle: عنوان {i} الدولة\ndate: 2025-01-0{}\ntags: [سوريا, الحسكة]\n{summary}---\n{body}\n", i + 1),
            )
            .unwrap();
        }
        // Sources older than the racy window, so that the second build keeps them.
        std::thread::sleep(crate::inputs::RACY * 2);
        let config = crate::config::Config::load(root).unwrap();
        let hidden = crate::progress::Progress::hidden();
        let stage = hidden.bar("", 0, "");
        let analysed = |store: bool| {
            let store = store
                .then(|| {
                    let at = crate::content::store::dir_of(root);
                    crate::content::store::Store::open(&at, 1, false)
                })
                .flatten();
            let (articles, reused, _) = crate::content::article::load_with_store(
                root, &config, false, None, store, &hidden,
            )
            .unwrap();
            let kept = articles.iter().filter(|a| a.analysed.is_some()).count();
            assert!(config.search, "the default site has search");
            let all = Wanted {
                lists: true,
                counts: true,
                targets: None,
            };
            let a = analyse_all(&articles, config.search, false, all, &stage).unwrap();
            (a.counts, a.postings.unwrap(), reused, kept)
        };
        let (counts, postings, _, kept) = analysed(false);
        assert_eq!(kept, 0);
        for reused in [0, 3] {
            let (c, p, r, kept) = analysed(true);
            assert_eq!((r, kept), (reused, 3));
            assert_eq!(c, counts);
            assert_eq!(p, postings);
        }
    }

    #[test]
    fn kept_analysis_reads_back_as_analysing_again() {
        let long = "ب".repeat(60);
        let texts: [[&str; 4]; 5] = [
            [
                "الدولة الإسلامية",
                "سوريا\nالحسكة",
                "ملخص قصير",
                "الدولة الاسلامية في سوريا والعراق، والدولة.",
            ],
            ["", "", "", ""],
            [
                "Kurdish SDF and «قسد» 2025",
                "",
                "",
                "Mixed نص with English words, 1٬234 and ١٢٣.",
            ],
            ["عنوان", "", "", &long],
            [
                "وَالمُفاوَضاتُ",
                "",
                "",
                "المفاوضات والمفاوضات للمفاوضات بالمفاوضات",
            ],
        ];
        for fields in texts {
            for pairs in [false, true] {
                let t = analyse(fields, pairs);
                let counts = stem_counts(&t);
                let bytes = encode(&t, &counts, pairs);
                let (back, back_counts) = decode(&bytes, pairs).expect("reads back");
                assert_eq!(seen(&back), seen(&t), "{fields:?}");
                assert_eq!(back_counts, counts);
                assert!(
                    decode(&bytes, !pairs).is_none(),
                    "made for the other setting"
                );
                for cut in 0..bytes.len() {
                    assert!(decode(&bytes[..cut], pairs).is_none(), "cut at {cut}");
                }
                let mut longer = bytes.clone();
                longer.push(0);
                assert!(decode(&longer, pairs).is_none());
            }
        }
        // Bytes that are not what encode made: refused or read, never a panic.
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            let n = (rng % 64) as usize;
            let junk: Vec<u8> = (0..n)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    rng as u8
                })
                .collect();
            let _ = decode(&junk, junk.first() == Some(&1));
        }
    }

    /// What a patch reads of kept bytes is what it finds in the terms they decode to, for
    /// targets of every kind (words, pairs, both, words of one length only).
    #[test]
    fn hits_read_from_kept_bytes_are_the_hits_of_the_terms() {
        use crate::search::patch::Targets;
        let t = analyse(
            [
                "الدولة الإسلامية",
                "سوريا",
                "ملخص",
                "الدولة الاسلامية في سوريا والعراق، والدولة. سوريا الدولة",
            ],
            true,
        );
        let counts = stem_counts(&t);
        let bytes = encode(&t, &counts, true);
        let hash = |w: &str| word_hash(w.as_bytes());
        let words = ["الدوله", "سوريا", "غائبة"];
        let pairs = [("الدوله", "الاسلاميه"), ("سوريا", "الدوله"), ("في", "غائبة")];
        for pick in 0..8u32 {
            let mut targets = Targets::default();
            for (i, w) in words.iter().enumerate() {
                if pick & 1 != 0 || i == 2 {
                    targets.words.insert(hash(w), i as u32);
                }
            }
            for (i, (a, b)) in pairs.iter().enumerate() {
                if pick & 2 != 0 {
                    targets.pairs.insert(pair_hash(hash(a), hash(b)), i as u32);
                }
            }
            for w in words.iter().chain(pairs.iter().flat_map(|(a, b)| [a, b])) {
                if pick & 4 != 0 || w.len() == words[0].len() {
                    targets.lengths |= 1 << w.len();
                }
            }
            let (hits, back) = hits_of_kept(&bytes, true, &targets).expect("reads back");
            assert_eq!(back, counts);
            let mut want = targets.hits(&t);
            if pick & 4 == 0 {
                // Only words as long as the first are looked at.
                let len_of = |slot: u32| words[slot as usize].len();
                want.1.retain(|&(slot, _)| len_of(slot) == words[0].len());
                want.2.retain(|&(slot, _)| {
                    let (a, b) = pairs[slot as usize];
                    a.len() == words[0].len() && b.len() == words[0].len()
                });
            }
            assert_eq!(hits, want, "targets {pick}");
            assert!(
                pick != 7 || (hits.1.len() == 2 && hits.2.len() == 2),
                "{hits:?}"
            );
        }
        assert!(hits_of_kept(&bytes, false, &Targets::default()).is_none());
        for cut in 0..bytes.len() {
            assert!(hits_of_kept(&bytes[..cut], true, &Targets::default()).is_none());
        }
    }

    #[test]
    fn words_and_pairs_are_counted_per_field() {
        let t = analyse(["الدولة الإسلامية", "", "", "الدولة الاسلامية في سوريا"], true);
        let w: Vec<(&str, [u16; 4])> = (0..t.words.len() as u32)
            .map(|i| (t.word(i), t.words[i as usize].counts))
            .collect();
        assert!(w.contains(&("الدوله", [1, 0, 0, 1])));
        assert!(w.contains(&("سوريا", [0, 0, 0, 1])));
        assert_eq!(
            std::mem::size_of::<Word>(),
            24,
            "a word costs 24 bytes per article"
        );
        assert_eq!(t.words[0].search_tf(), 6);
        let p: Vec<(&str, &str, u32)> = t
            .pairs
            .iter()
            .map(|&(a, b, tf)| (t.word(a), t.word(b), tf))
            .collect();
        assert!(p.contains(&("الدوله", "الاسلاميه", 6)));
        assert!(
            !p.iter().any(|&(a, b, _)| a == "الاسلاميه" && b == "الدوله"),
            "no pair across fields"
        );
        assert_eq!(t.length, 6);
        assert!(analyse(["a b", "", "", ""], false).pairs.is_empty());
    }
}
