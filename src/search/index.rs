//! Building the search index from the lists gathered while the articles were analysed
//! ([`Postings`]).
//!
//! Three key spaces, each sorted, cut into [chunks](super::encode::chunks) and listed in a
//! two-level directory (`meta.json` → group files → chunks, see [`encode::groups`]):
//! - `t/`: every folded word with its **exact** list, and every [loose key](super::analysis) (a
//!   clitic-free form, a stem, a lexicon group key `#…`) with its **loose** list (the documents
//!   holding any word that has that key);
//! - `p/`: every pair of adjacent words ("w1 w2") with its list, for phrases and proximity;
//! - `y/`: for typo tolerance, every word of four letters or more found in two documents or more,
//!   and its one-letter deletions, each with the words it stands for.
//!
//! An entry's impact for a document is BM25's term part over a weighted frequency (title and tags
//! ×5, summary ×2, body ×1), quantised to a byte; the script adds idf at query time (it knows each
//! list's length and the archive's size), so an edited article changes only its own impacts.
//! Documents are numbered oldest first (the reverse of site order): id 0 is the oldest article,
//! so publishing a new article adds the next id and leaves every other document's number, its
//! fragment file and every list it is not in byte for byte as they were (an incremental build
//! rewrites only those). The lists are gathered in site order and turned round when encoded.

use ahash::AHashMap as HashMap;
use rayon::prelude::*;
use serde::Serialize;

use super::analysis::{self, loose_keys, Lexicon};
use super::encode::{self, chunks, posting_list, Chunk};
use super::postings::{Entry, Postings};
use crate::arabic::dates::format_date;
use crate::arabic::normalize::{self, is_stop_word};
use crate::diagnostics::Failure;
use crate::index::terms::MAX_WORD_BYTES;
use crate::index::Site;
use crate::render::Sink;

/// Query words this long or longer get one-edit typo tolerance when they find nothing.
pub const TYPO_MIN_LETTERS: usize = 5;
/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The output folder of the index, under the site root.
pub const FOLDER: &str = "search";

/// The BM25 term part for a weighted frequency, quantised to 1..=255.
#[cfg(test)]
fn impact(tf: f32, length: u32, average: f32) -> u8 {
    impact_with(tf, norm(length, average))
}

/// BM25's length normalisation of a document of `length` words: the part of [`impact`] that
/// depends on the document only, computed once per document.
fn norm(length: u32, average: f32) -> f32 {
    K1 * (1.0 - B + B * length as f32 / average)
}

/// [`impact`] with the document's [`norm`] at hand.
fn impact_with(tf: f32, norm: f32) -> u8 {
    let score = tf * (K1 + 1.0) / (tf + norm);
    ((score / (K1 + 1.0) * 255.0).round() as u32).clamp(1, 255) as u8
}

/// The average document length, rounded to two significant digits, so that editing one article
/// does not shift every impact of the archive.
fn rounded_average(lengths: &[u32]) -> f32 {
    if lengths.is_empty() {
        return 1.0;
    }
    let avg = lengths.iter().map(|&l| f64::from(l)).sum::<f64>() / lengths.len() as f64;
    let scale = 10f64.powi((avg.log10().floor() as i32 - 1).max(0));
    ((avg / scale).round() * scale).max(1.0) as f32
}

/// A document's fragment: what the results list shows. The file is this header as one line of
/// JSON, a newline, then the article's plain text (for snippets) as it is: no escaping to do on
/// either side.
#[derive(Serialize)]
struct Fragment<'a> {
    /// The article's href.
    u: String,
    t: &'a str,
    /// ISO date and its display form.
    d: String,
    dd: String,
    g: &'a [String],
    s: &'a str,
    /// `lang`, when the article sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    l: Option<&'a str>,
}

/// The rules the script needs to read a query as the index read the text.
#[derive(Serialize)]
struct Rules<'a> {
    fold: Vec<(char, char)>,
    drop: &'static [(char, char)],
    word: &'static [(char, char)],
    non_word: &'static [(char, char)],
    word_marks: &'static [(char, char)],
    arabic: &'static [(char, char)],
    /// Characters folded by their compatibility decomposition (NFKC), one at a time.
    presentation: &'static [(char, char)],
    conjunctions: &'static [char],
    prepositions: &'static [char],
    min_after_clitic: usize,
    min_after_article: usize,
    suffixes: &'static [(&'static str, usize)],
    nisba_plurals: &'static [&'static str],
    nisba_min: usize,
    ta_endings: &'static [&'static str],
    ta_base_min: usize,
    pronouns: &'static [&'static str],
    construct_min: usize,
    case_pairs: &'static [(&'static str, &'static str)],
    protected: Vec<&'a str>,
    /// Broken plural forms and their group keys.
    plurals: Vec<(&'a str, &'a str)>,
    stop_words: Vec<&'static str>,
    max_word_bytes: usize,
    typo_min_letters: usize,
}

/// The index files' format (meta.json `version`); `static/search.js` reads this one only.
/// 2: a bitmap list ends at its last document's byte (1: it spanned the whole archive).
const FORMAT: u32 = 2;

#[derive(Serialize)]
struct Meta<'a> {
    version: u32,
    docs: usize,
    /// How the site writes numbers (`latin`, `arabic-indic`).
    digits: crate::arabic::dates::Digits,
    rules: Rules<'a>,
    /// Each key space's directory: [first key, group file] in key order; a group file
    /// (`<space>/<name>.json`) lists its chunks as [first key, chunk file] (`<space>/<name>.bin`).
    terms: Vec<(String, String)>,
    pairs: Vec<(String, String)>,
    typos: Vec<(String, String)>,
}

/// The rules as the script receives them (also written for the script's own tests).
fn rules(lexicon: &Lexicon) -> Rules<'_> {
    Rules {
        fold: normalize::FOLD_TABLE.to_vec(),
        drop: normalize::DROPPED_RANGES,
        word: normalize::WORD_RANGES,
        non_word: normalize::NON_WORD_RANGES,
        word_marks: normalize::WORD_MARK_RANGES,
        arabic: normalize::ARABIC_RANGES,
        presentation: normalize::PRESENTATION_RANGES,
        conjunctions: analysis::CONJUNCTIONS,
        prepositions: analysis::PREPOSITIONS,
        min_after_clitic: analysis::MIN_AFTER_CLITIC,
        min_after_article: analysis::MIN_AFTER_ARTICLE,
        suffixes: analysis::SUFFIXES,
        nisba_plurals: analysis::NISBA_PLURALS,
        nisba_min: analysis::NISBA_MIN,
        ta_endings: analysis::TA_ENDINGS,
        ta_base_min: analysis::TA_BASE_MIN,
        pronouns: analysis::PRONOUNS,
        construct_min: analysis::CONSTRUCT_MIN,
        case_pairs: analysis::CASE_PAIR,
        protected: lexicon.sorted(),
        plurals: lexicon.plurals(),
        stop_words: normalize::STOP_WORDS.to_vec(),
        max_word_bytes: MAX_WORD_BYTES,
        typo_min_letters: TYPO_MIN_LETTERS,
    }
}

/// The published number of the article at `i` in site order (newest first) of `n`: articles are
/// numbered oldest first, so a new one takes the next number and no other changes.
fn doc_id(n: usize, i: usize) -> usize {
    n - 1 - i
}

/// The rules JSON alone, for the script's tests.
pub fn rules_json(lexicon: &Lexicon) -> String {
    serde_json::to_string(&rules(lexicon)).unwrap_or_default()
}

/// Builds the index and writes its files through `sink`: each document's fragment, the lists
/// and meta.json. Returns the paths of the lists' files and meta.json (what the next build may
/// keep, see [`crate::index::memo`]), and whether every one of them was kept.
pub fn write(site: &Site, sink: &dyn Sink) -> Result<(Vec<String>, bool), Failure> {
    if !site.articles.is_empty() {
        sink.prepare(&[format!("{FOLDER}/doc/0.txt")])?;
    }
    // Fragments first, streamed: the text is never held twice. Where the sink remembers what
    // its files were made from, a fragment whose header and text are those of the previous
    // output's file is kept without reading its text back (at 100 000 articles, 1.4 GB).
    let config = &site.config;
    let remembers = sink.remembers();
    site.articles
        .par_iter()
        .enumerate()
        .try_for_each(|(i, a)| {
            let id = doc_id(site.articles.len(), i);
            let fragment = Fragment {
                u: config.href(&a.path),
                t: &a.title,
                d: a.date.day.format("%Y-%m-%d").to_string(),
                dd: format_date(a.date.day, config.date_style, config.digits),
                g: &a.tags,
                s: &a.description,
                l: a.lang.as_deref(),
            };
            let mut bytes = json_for_any_reader(&fragment);
            bytes.push(b'\n');
            let file = format!("{FOLDER}/doc/{id}.txt");
            let inputs = remembers.then(|| fragment_inputs(&bytes, a.text_hash));
            if inputs.is_some_and(|inputs| sink.keep(&file, inputs)) {
                return Ok(());
            }
            let text = a
                .text
                .read_of(&a.shown)
                .map_err(|d| Failure::Site(vec![d]))?;
            bytes.extend_from_slice(text.as_bytes());
            match inputs {
                Some(inputs) => sink.write_made(&file, bytes, inputs),
                None => sink.write(&file, bytes),
            }
        })?;
    // The lists and meta.json, when made from the previous build's inputs, are its files, kept
    // where the output's manifest says so (see `crate::index::memo`).
    let key = site.keys.search;
    let mut kept = std::collections::HashSet::new();
    if let Some(files) = site.search_kept.as_ref().filter(|_| remembers) {
        let kept_now: Vec<bool> = files.par_iter().map(|f| sink.keep(f, key)).collect();
        if kept_now.iter().all(|&k| k) {
            return Ok((files.clone(), true));
        }
        kept.extend(
            files
                .iter()
                .zip(kept_now)
                .filter(|(_, k)| *k)
                .map(|(f, _)| f.as_str()),
        );
    }
    // Each part of the index is written as soon as it is made, and let go before the next is
    // made: the encoded index is never all held at once.
    let mut names = Vec::new();
    index_files_into(site, &mut |files| {
        // A key space's folder is made when it has files: an archive of one article has no
        // typo keys, and its clean build left an empty `y/` that an update in place does not.
        let new: Vec<(String, Vec<u8>)> = files
            .into_iter()
            .filter(|(name, _)| !kept.contains(name.as_str()))
            .collect();
        let paths: Vec<String> = new.iter().map(|(name, _)| name.clone()).collect();
        sink.prepare(&paths)?;
        new.into_par_iter().try_for_each(|(name, bytes)| {
            if remembers {
                sink.write_made(&name, bytes, key)
            } else {
                sink.write(&name, bytes)
            }
        })?;
        names.extend(paths);
        Ok(())
    })?;
    names.extend(kept.into_iter().map(str::to_string));
    names.sort_unstable();
    Ok((names, false))
}

/// `value` as JSON with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026` (as the
/// pages' JSON-LD is, by [`script_safe`](crate::render::metadata::script_safe)): the same value
/// for `JSON.parse`, and no markup for whatever else reads the file (a summary written
/// `<script>…</script>` is text on every page, and is not left as markup in the fragment).
fn json_for_any_reader<T: Serialize>(value: &T) -> Vec<u8> {
    let json = serde_json::to_string(value).unwrap_or_default();
    crate::render::metadata::script_safe(&json).into_bytes()
}

/// What a document's fragment file is made from, as one number: its header (every field the
/// results list shows, as written), its text's hash and the warraq binary (which decides the
/// file's form).
fn fragment_inputs(header: &[u8], text_hash: u64) -> u64 {
    use std::hash::Hasher;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.write(b"search fragment\0");
    h.write_u64(crate::render::fingerprint::binary());
    h.write_u64(text_hash);
    h.write(header);
    h.digest().max(1)
}

/// The index files (meta.json and the chunks), as (path under the output folder, bytes).
pub fn index_files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut all = Vec::new();
    // Collecting cannot fail.
    let _ = index_files_into(site, &mut |files| {
        all.extend(files);
        Ok(())
    });
    all
}

/// What receives the index files, a part of the index at a time.
type Emit<'a> = dyn FnMut(Vec<(String, Vec<u8>)>) -> Result<(), Failure> + 'a;

/// Makes the index files and gives them to `emit`, a part at a time (meta.json last).
fn index_files_into(site: &Site, emit: &mut Emit<'_>) -> Result<(), Failure> {
    match &site.postings {
        Some(postings) => files_from(site, postings, emit),
        // The previous build's files were to be kept and some could not be: the lists are
        // gathered now.
        None if site.search_kept.is_some() => {
            let wanted = crate::index::terms::Wanted {
                lists: true,
                counts: false,
            };
            let stage = crate::progress::Stage::none();
            let analysed =
                crate::index::terms::analyse_all(&site.articles, true, false, wanted, &stage)
                    .map_err(|d| Failure::Site(vec![d]))?;
            let postings = analysed.postings.unwrap_or_default();
            files_from(site, &postings, emit)
        }
        // The terms were kept (`serve`): the lists are made from them.
        None => {
            let mut postings = Postings::new();
            postings.add(&site.terms);
            files_from(site, &postings, emit)
        }
    }
}

fn files_from(site: &Site, postings: &Postings, emit: &mut Emit<'_>) -> Result<(), Failure> {
    let n = site.articles.len();
    let lengths = &postings.lengths;
    let average = rounded_average(lengths);
    // Every list entry of a document has the same normalisation: each is computed once here
    // (as many times as the document has words and pairs, and again in every merged list, it
    // was most of the work of turning lists into impacts).
    let norms: Vec<f32> = lengths.iter().map(|&l| norm(l, average)).collect();

    // Exact lists of words, documents ascending (decoded when encoded, never all at once).
    let words: HashMap<&str, &Entry> = postings.words().map(|e| (&*e.text, e)).collect();
    // A list in site order (gathered so) becomes a list of published ids, ascending.
    let to_impacts = |list: &[(u32, f32)]| -> Vec<(u32, u8)> {
        list.iter()
            .rev()
            .map(|&(d, tf)| {
                (
                    doc_id(n, d as usize) as u32,
                    impact_with(tf, norms[d as usize]),
                )
            })
            .collect()
    };

    let mut vocabulary: Vec<&str> = words.keys().copied().collect();
    vocabulary.sort_unstable();
    // The keys the archive has without lexicon groups decide which groups it needs.
    let names_only = Lexicon::from_names(site.tags().iter().map(|t| t.name.as_str()));
    let present: std::collections::HashSet<String> = vocabulary
        .par_iter()
        .flat_map_iter(|w| loose_keys(w, &names_only))
        .collect();
    let lexicon = names_only.with_groups(|k| present.contains(k));
    let keys_of: Vec<Vec<String>> = vocabulary
        .par_iter()
        .map(|w| loose_keys(w, &lexicon))
        .collect();
    // Loose key → the words that have it.
    let mut loose: HashMap<&str, Vec<usize>> = HashMap::with_capacity(vocabulary.len() * 2);
    for (i, keys) in keys_of.iter().enumerate() {
        for k in keys {
            loose.entry(k.as_str()).or_default().push(i);
        }
    }
    let mut term_keys: Vec<&str> = loose.keys().copied().collect();
    term_keys.sort_unstable();
    // Keys cost very unequal amounts (a loose key merges every list of its words) and the costly
    // ones sort together: small pieces let both threads share them. Split only in halves, one
    // thread was left with most of the work (at 100k articles 1.36 s against 0.18 s).
    let term_entries: Vec<(String, Vec<u8>)> = term_keys
        .par_iter()
        .with_max_len(64)
        .map(|&key| {
            let exact = words.get(key);
            let from = &loose[key];
            let mut payload = Vec::new();
            let same = from.len() == 1 && vocabulary[from[0]] == key;
            let flags = u8::from(exact.is_some()) | if same { 4 } else { 2 };
            payload.push(flags);
            if let Some(entry) = exact {
                posting_list(&mut payload, &to_impacts(&entry.list()));
            }
            if !same {
                let mut merged: Vec<(u32, f32)> = from
                    .iter()
                    .flat_map(|&w| words[vocabulary[w]].list())
                    .collect();
                merged.sort_unstable_by_key(|p| p.0);
                merged.dedup_by(|b, a| {
                    if a.0 == b.0 {
                        a.1 += b.1;
                        true
                    } else {
                        false
                    }
                });
                posting_list(&mut payload, &to_impacts(&merged));
            }
            (key.to_string(), payload)
        })
        .collect();

    // Each part is chunked and given to `emit` before the next one is made.
    let directory = |space: &str,
                     entries: Vec<(String, Vec<u8>)>,
                     emit: &mut Emit<'_>|
     -> Result<Vec<(String, String)>, Failure> {
        let chunks: Vec<Chunk> = chunks(entries);
        let dir: Vec<(String, String)> =
            chunks.iter().map(|c| (c.first.clone(), c.name())).collect();
        let mut files = Vec::with_capacity(chunks.len() + 1);
        for c in chunks {
            files.push((format!("{FOLDER}/{space}/{}.bin", c.name()), c.bytes));
        }
        let mut top = Vec::new();
        for group in encode::groups(dir) {
            let bytes = serde_json::to_vec(&group).unwrap_or_default();
            let name = encode::content_name(&bytes);
            top.push((group[0].0.clone(), name.clone()));
            files.push((format!("{FOLDER}/{space}/{name}.json"), bytes));
        }
        emit(files)?;
        Ok(top)
    };
    let terms = directory("t", term_entries, emit)?;
    let typos = directory("y", typo_entries(&vocabulary, &words), emit)?;
    drop(words);

    let mut pair_entries: Vec<(String, Vec<u8>)> = postings
        .pairs()
        .into_par_iter()
        .map(|e| {
            let mut payload = Vec::new();
            posting_list(&mut payload, &to_impacts(&e.list()));
            (e.text.to_string(), payload)
        })
        .collect();
    pair_entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let pairs = directory("p", pair_entries, emit)?;

    let meta = Meta {
        version: FORMAT,
        docs: n,
        digits: site.config.digits,
        rules: rules(&lexicon),
        terms,
        pairs,
        typos,
    };
    emit(vec![(
        format!("{FOLDER}/meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    )])
}

/// Deletion keys for typo tolerance: words of 4+ letters seen in 2+ documents (letters only, no
/// digits), keyed by themselves and, from 5 letters, by each one-letter deletion. A query word of
/// [`TYPO_MIN_LETTERS`]+ letters one edit (insertion, deletion, substitution, transposition) away
/// from such a word shares a key with it.
fn typo_entries(vocabulary: &[&str], words: &HashMap<&str, &Entry>) -> Vec<(String, Vec<u8>)> {
    let mut by_key: HashMap<String, Vec<&str>> = HashMap::new();
    for &w in vocabulary {
        let letters: Vec<char> = w.chars().collect();
        if letters.len() < TYPO_MIN_LETTERS - 1
            || words[w].docs < 2
            || letters.iter().any(|c| c.is_numeric())
            || is_stop_word(w)
        {
            continue;
        }
        by_key.entry(w.to_string()).or_default().push(w);
        if letters.len() >= TYPO_MIN_LETTERS {
            for i in 0..letters.len() {
                let key: String = letters[..i].iter().chain(&letters[i + 1..]).collect();
                by_key.entry(key).or_default().push(w);
            }
        }
    }
    let mut entries: Vec<(String, Vec<u8>)> = by_key
        .into_iter()
        .map(|(key, mut targets)| {
            targets.sort_unstable();
            targets.dedup();
            let mut payload = Vec::new();
            encode::varint(&mut payload, targets.len() as u64);
            for t in targets {
                encode::varint(&mut payload, t.len() as u64);
                payload.extend_from_slice(t.as_bytes());
            }
            (key, payload)
        })
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_the_same_however_the_articles_are_chunked() {
        use crate::index::tests::{article, site_from};
        let pool = [
            "الحسكة",
            "سوريا",
            "الإدارة",
            "الذاتية",
            "تركيا",
            "قسد",
            "النفط",
            "الحدود",
            "المفاوضات",
            "دمشق",
            "الأكراد",
            "العشائر",
            "الاتفاق",
        ];
        // Twelve articles whose words overlap, so most lists span several chunks.
        let files: Vec<(String, String)> = (0..12)
            .map(|i| {
                let body: Vec<&str> = (0..40)
                    .map(|k| pool[(i * 7 + k * k) % pool.len()])
                    .collect();
                article(
                    &format!("a{i:02}"),
                    &format!("date: 2025-01-{:02}\ntags: [{}]", i + 1, pool[i % 5]),
                    &body.join(" "),
                )
            })
            .collect();
        let site = site_from(&files, "").expect("site");
        assert_eq!(site.terms.len(), 12, "the test site keeps its terms");
        let whole = index_files(&site);
        for chunk in [1, 5, 12] {
            let mut postings = Postings::new();
            for c in site.terms.chunks(chunk) {
                postings.add(c);
            }
            let mut files = Vec::new();
            files_from(&site, &postings, &mut |part| {
                files.extend(part);
                Ok(())
            })
            .expect("nothing fails");
            assert!(files == whole, "chunks of {chunk} give another index");
        }
        assert!(whole.iter().any(|(name, _)| name.starts_with("search/p/")));
    }

    #[test]
    fn fragment_headers_hold_no_markup_and_read_back_the_same() {
        let fragment = Fragment {
            u: "/2025/a/".into(),
            t: "عنوان <script>alert(1)</script>",
            d: "2025-01-01".into(),
            dd: "1 يناير 2025".into(),
            g: &["A & B".into()],
            s: "\"quoted\" <b>x</b> & y > z",
            l: None,
        };
        let bytes = json_for_any_reader(&fragment);
        assert!(!bytes.iter().any(|b| b"<>&".contains(b)));
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let plain: serde_json::Value =
            serde_json::from_slice(&serde_json::to_vec(&fragment).unwrap()).unwrap();
        assert_eq!(back, plain);
    }

    #[test]
    fn impacts_saturate_and_favour_short_documents() {
        assert!(impact(1.0, 100, 100.0) < impact(5.0, 100, 100.0));
        assert!(impact(2.0, 50, 100.0) > impact(2.0, 400, 100.0));
        assert_eq!(impact(1000.0, 1, 100.0), 255);
        assert!(impact(0.01, 10_000, 100.0) >= 1);
    }

    #[test]
    fn the_average_length_moves_in_steps() {
        assert_eq!(rounded_average(&[870, 876]), 870.0);
        assert_eq!(rounded_average(&[870, 880]), 880.0);
        assert_eq!(rounded_average(&[7, 8]), 8.0);
        assert_eq!(rounded_average(&[]), 1.0);
    }
}
