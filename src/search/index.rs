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
pub(crate) fn norm(length: u32, average: f32) -> f32 {
    K1 * (1.0 - B + B * length as f32 / average)
}

/// [`impact`] with the document's [`norm`] at hand.
pub(crate) fn impact_with(tf: f32, norm: f32) -> u8 {
    let score = tf * (K1 + 1.0) / (tf + norm);
    ((score / (K1 + 1.0) * 255.0).round() as u32).clamp(1, 255) as u8
}

/// The average document length, rounded to two significant digits, so that editing one article
/// does not shift every impact of the archive.
fn rounded_average(lengths: &[u32]) -> f32 {
    rounded_average_of(lengths.iter().map(|&l| u64::from(l)).sum(), lengths.len())
}

/// [`rounded_average`] of `n` lengths that sum to `sum`.
pub(crate) fn rounded_average_of(sum: u64, n: usize) -> f32 {
    if n == 0 {
        return 1.0;
    }
    let avg = sum as f64 / n as f64;
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

/// What [`write`] wrote: the paths of the lists' files and meta.json, whether every one of
/// them was kept, what the next build needs to patch them, and for how many documents the
/// previous index was patched (0: kept or made whole).
pub type Written = (Vec<String>, bool, Option<Shape>, usize);

/// Builds the index and writes its files through `sink`: each document's fragment, the lists
/// and meta.json. Returns the paths of the lists' files and meta.json (what the next build may
/// keep, see [`crate::index::memo`]), and whether every one of them was kept.
pub fn write(site: &Site, sink: &dyn Sink) -> Result<Written, Failure> {
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
            return Ok((files.clone(), true, site.search_shape.clone(), 0));
        }
        kept.extend(
            files
                .iter()
                .zip(kept_now)
                .filter(|(_, k)| *k)
                .map(|(f, _)| f.as_str()),
        );
    }
    // After an edit of a few articles, the previous index patched (see `super::patch`).
    if let Some((plan, gathered)) = site.search_patch.as_ref().filter(|_| remembers) {
        if let Some((names, shape)) = super::patch::write(site, plan, gathered, sink, key)? {
            return Ok((names, false, Some(shape), plan.changed));
        }
    }
    // Each part of the index is written as soon as it is made, and let go before the next is
    // made: the encoded index is never all held at once.
    let mut names = Vec::new();
    let shape = index_files_into(site, &mut |files| {
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
    Ok((names, false, Some(shape), 0))
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
fn index_files_into(site: &Site, emit: &mut Emit<'_>) -> Result<Shape, Failure> {
    match &site.postings {
        Some(postings) => files_from(site, postings, emit),
        // The previous build's files were to be kept or patched and could not be: the lists
        // are gathered now.
        None if site.terms.is_empty() => {
            let wanted = crate::index::terms::Wanted {
                lists: true,
                counts: false,
                targets: None,
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

/// What the next build needs to patch the index instead of making it again
/// ([`super::patch`]): the vocabulary with each word's document count, the average length the
/// impacts were made with, the lexicon's number, and each key space's chunks.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Shape {
    /// Every word, sorted, and how many documents have it.
    pub vocabulary: Vec<(String, u32)>,
    /// [`rounded_average`]'s bits, and the sum of the lengths it was made from.
    pub average: u32,
    pub length_sum: u64,
    /// [`lexicon_number`] of the lexicon the loose keys were made with.
    pub lexicon: u64,
    /// For `t/`, `p/` and `y/`: each chunk's first key and name, in key order.
    pub chunks: [Vec<(String, String)>; 3],
}

/// The key spaces, in [`Shape::chunks`]' order.
pub(crate) const SPACES: [&str; 3] = ["t", "p", "y"];

/// The lexicon of an archive of this vocabulary: its tags' names protected from stemming, and
/// the lexicon groups its words need.
pub(crate) fn lexicon_of(names: &[&str], vocabulary: &[&str]) -> Lexicon {
    // The keys the archive has without lexicon groups decide which groups it needs.
    let names_only = Lexicon::from_names(names.iter().copied());
    let present: std::collections::HashSet<String> = vocabulary
        .par_iter()
        .flat_map_iter(|w| loose_keys(w, &names_only))
        .collect();
    names_only.with_groups(|k| present.contains(k))
}

/// A number of everything a lexicon changes in the keys.
pub(crate) fn lexicon_number(lexicon: &Lexicon) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for word in lexicon.sorted() {
        h.update(word.as_bytes());
        h.update(b"\0");
    }
    h.update(b"\x01");
    for (form, key) in lexicon.plurals() {
        h.update(form.as_bytes());
        h.update(b"\0");
        h.update(key.as_bytes());
        h.update(b"\0");
    }
    h.digest()
}

/// Loose key → the words (indexes into `vocabulary`) that have it.
pub(crate) fn loose_map(vocabulary: &[&str], lexicon: &Lexicon) -> HashMap<String, Vec<usize>> {
    let keys_of: Vec<Vec<String>> = vocabulary
        .par_iter()
        .map(|w| loose_keys(w, lexicon))
        .collect();
    let mut loose: HashMap<String, Vec<usize>> = HashMap::with_capacity(vocabulary.len() * 2);
    for (i, keys) in keys_of.into_iter().enumerate() {
        for k in keys {
            loose.entry(k).or_default().push(i);
        }
    }
    loose
}

/// The average length and each document's BM25 normalisation, from the lengths in site order.
pub(crate) fn norms_of(lengths: &[u32]) -> (f32, Vec<f32>) {
    let average = rounded_average(lengths);
    // Every list entry of a document has the same normalisation: each is computed once here
    // (as many times as the document has words and pairs, and again in every merged list, it
    // was most of the work of turning lists into impacts).
    (average, lengths.iter().map(|&l| norm(l, average)).collect())
}

/// A list in site order (as gathered) as a list of published ids, ascending, with impacts.
fn impacts(list: &[(u32, f32)], norms: &[f32]) -> Vec<(u32, u8)> {
    let n = norms.len();
    list.iter()
        .rev()
        .map(|&(d, tf)| {
            (
                doc_id(n, d as usize) as u32,
                impact_with(tf, norms[d as usize]),
            )
        })
        .collect()
}

/// A pair's entry in `p/`, from its list in site order.
pub(crate) fn pair_payload(list: &[(u32, f32)], norms: &[f32]) -> Vec<u8> {
    let mut payload = Vec::new();
    posting_list(&mut payload, &impacts(list, norms));
    payload
}

/// The entry of `key` in `t/`: its exact list (when it is a word: `exact`) and the loose list
/// of the words that have it (`from`, indexes into `vocabulary`, whose lists `list_of` gives).
pub(crate) fn term_payload(
    key: &str,
    exact: Option<&[(u32, f32)]>,
    from: &[usize],
    vocabulary: &[&str],
    list_of: &(dyn Fn(usize) -> Vec<(u32, f32)> + Sync),
    norms: &[f32],
) -> Vec<u8> {
    let mut payload = Vec::new();
    let same = from.len() == 1 && vocabulary[from[0]] == key;
    let flags = u8::from(exact.is_some()) | if same { 4 } else { 2 };
    payload.push(flags);
    if let Some(list) = exact {
        posting_list(&mut payload, &impacts(list, norms));
    }
    if !same {
        let mut merged: Vec<(u32, f32)> = from.iter().flat_map(|&w| list_of(w)).collect();
        merged.sort_unstable_by_key(|p| p.0);
        merged.dedup_by(|b, a| {
            if a.0 == b.0 {
                a.1 += b.1;
                true
            } else {
                false
            }
        });
        posting_list(&mut payload, &impacts(&merged, norms));
    }
    payload
}

/// A key space's files: its new chunks' and its group files.
pub(crate) struct Directory {
    /// (path under the output folder, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// The groups, for `meta.json`: (first key, group file name).
    pub top: Vec<(String, String)>,
}

/// The files of key space `space`: the chunks `made`, and the groups of `chunks` (its every
/// chunk, in key order, those made among them).
pub(crate) fn directory_files(
    space: &str,
    made: Vec<Chunk>,
    chunks: &[(String, String)],
) -> Directory {
    let mut files = Vec::with_capacity(made.len() + 1);
    for c in made {
        files.push((format!("{FOLDER}/{space}/{}.bin", c.name()), c.bytes));
    }
    let mut top = Vec::new();
    for group in encode::groups(chunks.to_vec()) {
        let bytes = serde_json::to_vec(&group).unwrap_or_default();
        let name = encode::content_name(&bytes);
        top.push((group[0].0.clone(), name.clone()));
        files.push((format!("{FOLDER}/{space}/{name}.json"), bytes));
    }
    Directory { files, top }
}

/// `meta.json`, with the groups of each key space (`t/`, `p/`, `y/`).
pub(crate) fn meta_file(
    site: &Site,
    lexicon: &Lexicon,
    tops: [Vec<(String, String)>; 3],
) -> (String, Vec<u8>) {
    let [terms, pairs, typos] = tops;
    let meta = Meta {
        version: FORMAT,
        docs: site.articles.len(),
        digits: site.config.digits,
        rules: rules(lexicon),
        terms,
        pairs,
        typos,
    };
    (
        format!("{FOLDER}/meta.json"),
        serde_json::to_vec(&meta).unwrap_or_default(),
    )
}

fn files_from(site: &Site, postings: &Postings, emit: &mut Emit<'_>) -> Result<Shape, Failure> {
    let (average, norms) = norms_of(&postings.lengths);

    // Exact lists of words, documents ascending (decoded when encoded, never all at once).
    let words: HashMap<&str, &Entry> = postings.words().map(|e| (&*e.text, e)).collect();
    let mut vocabulary: Vec<&str> = words.keys().copied().collect();
    vocabulary.sort_unstable();
    let names: Vec<&str> = site.tags().iter().map(|t| t.name.as_str()).collect();
    let lexicon = lexicon_of(&names, &vocabulary);
    let loose = loose_map(&vocabulary, &lexicon);
    let mut term_keys: Vec<&str> = loose.keys().map(String::as_str).collect();
    term_keys.sort_unstable();
    let list_of = |w: usize| words[vocabulary[w]].list();
    // Keys cost very unequal amounts (a loose key merges every list of its words) and the costly
    // ones sort together: small pieces let both threads share them. Split only in halves, one
    // thread was left with most of the work (at 100k articles 1.36 s against 0.18 s).
    let term_entries: Vec<(String, Vec<u8>)> = term_keys
        .par_iter()
        .with_max_len(64)
        .map(|&key| {
            let exact = words.get(key).map(|e| e.list());
            let payload = term_payload(
                key,
                exact.as_deref(),
                &loose[key],
                &vocabulary,
                &list_of,
                &norms,
            );
            (key.to_string(), payload)
        })
        .collect();

    // Each part is chunked and given to `emit` before the next one is made.
    let directory = |space: &str,
                     entries: Vec<(String, Vec<u8>)>,
                     emit: &mut Emit<'_>|
     -> Result<(encode::Directory, encode::Directory), Failure> {
        let made: Vec<Chunk> = chunks(entries);
        let dir: Vec<(String, String)> = made.iter().map(|c| (c.first.clone(), c.name())).collect();
        let d = directory_files(space, made, &dir);
        emit(d.files)?;
        Ok((d.top, dir))
    };
    let (terms, term_chunks) = directory("t", term_entries, emit)?;
    let docs = |w: &str| words[w].docs;
    let (typos, typo_chunks) = directory("y", typo_entries(&vocabulary, &docs), emit)?;
    let shape_vocabulary: Vec<(String, u32)> = vocabulary
        .iter()
        .map(|w| (w.to_string(), words[w].docs))
        .collect();
    drop(words);

    let mut pair_entries: Vec<(String, Vec<u8>)> = postings
        .pairs()
        .into_par_iter()
        .map(|e| (e.text.to_string(), pair_payload(&e.list(), &norms)))
        .collect();
    pair_entries.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let (pairs, pair_chunks) = directory("p", pair_entries, emit)?;

    emit(vec![meta_file(site, &lexicon, [terms, pairs, typos])])?;
    Ok(Shape {
        vocabulary: shape_vocabulary,
        average: average.to_bits(),
        length_sum: postings.lengths.iter().map(|&l| u64::from(l)).sum(),
        lexicon: lexicon_number(&lexicon),
        chunks: [term_chunks, pair_chunks, typo_chunks],
    })
}

/// The typo keys of a word found in `docs` documents: itself and, from [`TYPO_MIN_LETTERS`]
/// letters, each one-letter deletion; none for a word of fewer than four letters, in fewer than
/// two documents, with a digit, or a stop word.
pub(crate) fn typo_keys(word: &str, docs: u32) -> Vec<String> {
    let letters: Vec<char> = word.chars().collect();
    if letters.len() < TYPO_MIN_LETTERS - 1
        || docs < 2
        || letters.iter().any(|c| c.is_numeric())
        || is_stop_word(word)
    {
        return Vec::new();
    }
    let mut keys = vec![word.to_string()];
    if letters.len() >= TYPO_MIN_LETTERS {
        for i in 0..letters.len() {
            keys.push(letters[..i].iter().chain(&letters[i + 1..]).collect());
        }
    }
    keys
}

/// A typo key's entry: the words it stands for, sorted and once each.
pub(crate) fn typo_payload(mut targets: Vec<&str>) -> Vec<u8> {
    targets.sort_unstable();
    targets.dedup();
    let mut payload = Vec::new();
    encode::varint(&mut payload, targets.len() as u64);
    for t in targets {
        encode::varint(&mut payload, t.len() as u64);
        payload.extend_from_slice(t.as_bytes());
    }
    payload
}

/// Deletion keys for typo tolerance: words of 4+ letters seen in 2+ documents (letters only, no
/// digits), keyed by themselves and, from 5 letters, by each one-letter deletion. A query word of
/// [`TYPO_MIN_LETTERS`]+ letters one edit (insertion, deletion, substitution, transposition) away
/// from such a word shares a key with it.
fn typo_entries(vocabulary: &[&str], docs: &dyn Fn(&str) -> u32) -> Vec<(String, Vec<u8>)> {
    let mut by_key: HashMap<String, Vec<&str>> = HashMap::new();
    for &w in vocabulary {
        for key in typo_keys(w, docs(w)) {
            by_key.entry(key).or_default().push(w);
        }
    }
    let mut entries: Vec<(String, Vec<u8>)> = by_key
        .into_iter()
        .map(|(key, targets)| (key, typo_payload(targets)))
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
