//! The analysed text of every article, computed once and shared by similar articles and search:
//! each field [folded](crate::arabic::normalize::fold) and split into words, with each distinct
//! word's count per field and each distinct pair of adjacent words' weighted count.

use ahash::AHashMap as HashMap;

use crate::arabic::normalize::{self, fold_into};
use crate::content::article::Article;
use crate::diagnostics::Diagnostic;
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
    /// FNV-1a of the folded word.
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
        let tags = article.tags.join("\n");
        let text = article.text.read_of(&article.shown)?;
        Ok(analyse(
            [&article.title, &tags, &article.description, &text],
            pairs,
        ))
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
}

/// Articles analysed at once before their lists are gathered and their terms let go.
const CHUNK: usize = 2048;

/// Analyses every article: its stem counts for similar articles and, when `search`, its words
/// and pairs into the search index's [`Postings`], a chunk of articles at a time, so the terms of
/// the whole archive are never all held. With `keep`, every article's terms are returned instead
/// (and no lists: they are made from the terms when needed).
/// `stage` counts the articles analysed.
pub fn analyse_all(
    articles: &[Article],
    search: bool,
    keep: bool,
    stage: &crate::progress::Stage,
) -> Result<Analysed, Diagnostic> {
    use rayon::prelude::*;
    let mut out = Analysed {
        terms: Vec::with_capacity(if keep { articles.len() } else { 0 }),
        counts: Default::default(),
        postings: (search && !keep).then(Postings::new),
    };
    for chunk in articles.chunks(CHUNK) {
        let both: Vec<(Terms, _)> = chunk
            .par_iter()
            .map(|a| {
                let t = Terms::of(a, search)?;
                let counts = crate::index::similar::stem_counts(&t);
                Ok((t, counts))
            })
            .collect::<Result<_, Diagnostic>>()?;
        let (terms, counts): (Vec<Terms>, Vec<_>) = both.into_iter().unzip();
        for c in &counts {
            out.counts.push(c);
        }
        if let Some(p) = &mut out.postings {
            p.add(&terms);
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
                        hash: fnv(w.as_bytes()),
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
