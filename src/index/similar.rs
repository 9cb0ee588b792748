//! Similar articles, computed: for each article the top `count` others by
//!
//! ```text
//! score = tag_weight  · Σ idf(shared tag) / Σ idf(own tags)
//!       + text_weight · cosine(TF-IDF vectors)
//!       + date_weight · 0.5^(|Δdays| / date_half_life_days)      (only for candidates found above)
//! ```
//!
//! Terms are Arabic-normalised ([`fold`](crate::arabic::normalize::fold)), stop-word filtered and
//! light-stemmed. Each article keeps only its `TERMS_PER_ARTICLE` strongest terms, and the
//! candidates of an article are found through inverted indexes (term → articles, tag → articles)
//! whose lists are capped at `POSTINGS_CAP`, so the work grows with the number of articles times
//! those constants, never with its square. Declared related articles and backlinks are excluded;
//! ties break by recency (lower index), so the result is deterministic.

use std::collections::HashMap;

use rayon::prelude::*;

use super::related::Declared;
use crate::arabic::normalize::{is_stop_word, light_stem, tokens};
use crate::config::SimilarConfig;
use crate::content::article::Article;

const TERMS_PER_ARTICLE: usize = 48;
const POSTINGS_CAP: usize = 2000;

/// A sparse, L2-normalised term vector.
type Vector = Vec<(u32, f32)>;

/// Computes the similar list of every article.
pub fn compute(
    articles: &[Article],
    article_tags: &[Vec<usize>],
    tag_count: usize,
    declared: &[Vec<Declared>],
    backlinks: &[Vec<usize>],
    config: &SimilarConfig,
) -> Vec<Vec<usize>> {
    let n = articles.len();
    if config.count == 0 || n < 2 {
        return vec![Vec::new(); n];
    }
    let vectors = term_vectors(articles);
    let term_postings = postings(&vectors);

    let mut tag_df = vec![0usize; tag_count];
    for tags in article_tags {
        for &t in tags {
            tag_df[t] += 1;
        }
    }
    let tag_idf: Vec<f32> = tag_df
        .iter()
        .map(|&df| ((n as f32 + 1.0) / (df as f32 + 0.5)).ln().max(0.0))
        .collect();
    let mut tag_postings: Vec<Vec<u32>> = vec![Vec::new(); tag_count];
    for (i, tags) in article_tags.iter().enumerate() {
        for &t in tags {
            if tag_postings[t].len() < POSTINGS_CAP {
                tag_postings[t].push(i as u32);
            }
        }
    }
    let days: Vec<i64> = articles
        .iter()
        .map(|a| a.date.sort_key() / 86_400)
        .collect();

    (0..n)
        .into_par_iter()
        .map_init(
            || (vec![0f32; n], Vec::<u32>::new()),
            |(scores, touched), i| {
                let add = |scores: &mut Vec<f32>, touched: &mut Vec<u32>, j: u32, s: f32| {
                    let slot = &mut scores[j as usize];
                    if *slot == 0.0 {
                        touched.push(j);
                    }
                    *slot += s;
                };
                let own_tag_weight: f32 = article_tags[i].iter().map(|&t| tag_idf[t]).sum();
                if own_tag_weight > 0.0 {
                    for &t in &article_tags[i] {
                        let s = config.tag_weight * tag_idf[t] / own_tag_weight;
                        for &j in &tag_postings[t] {
                            add(scores, touched, j, s + f32::MIN_POSITIVE);
                        }
                    }
                }
                for &(term, w) in &vectors[i] {
                    for &(j, wj) in &term_postings[term as usize] {
                        add(
                            scores,
                            touched,
                            j,
                            config.text_weight * w * wj + f32::MIN_POSITIVE,
                        );
                    }
                }
                let excluded = |j: usize| {
                    j == i
                        || backlinks[i].binary_search(&j).is_ok()
                        || declared[i]
                            .iter()
                            .any(|d| matches!(d, Declared::Article(k) if *k == j))
                };
                let mut best: Vec<(f32, u32)> = Vec::with_capacity(touched.len());
                for &j in touched.iter() {
                    let mut s = scores[j as usize];
                    scores[j as usize] = 0.0;
                    if excluded(j as usize) {
                        continue;
                    }
                    if config.date_weight > 0.0 && config.date_half_life_days > 0.0 {
                        let delta = (days[i] - days[j as usize]).unsigned_abs() as f32;
                        s += config.date_weight * 0.5f32.powf(delta / config.date_half_life_days);
                    }
                    best.push((s, j));
                }
                touched.clear();
                let k = config.count.min(best.len());
                let order =
                    |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
                if k > 0 && k < best.len() {
                    best.select_nth_unstable_by(k - 1, order);
                    best.truncate(k);
                }
                best.sort_by(order);
                best.into_iter().map(|(_, j)| j as usize).collect()
            },
        )
        .collect()
}

/// The analysed terms of an article: title (counted three times) and body.
pub fn terms(article: &Article) -> impl Iterator<Item = String> + '_ {
    let title = tokens(&article.title).collect::<Vec<_>>();
    let title3 = title.clone().into_iter().chain(title.clone()).chain(title);
    title3
        .chain(tokens(&article.text))
        .filter(|t| t.chars().count() > 1 && !is_stop_word(t))
        .map(|t| light_stem(&t).to_string())
}

/// TF-IDF vectors, top terms only, L2-normalised.
fn term_vectors(articles: &[Article]) -> Vec<Vector> {
    let counts: Vec<HashMap<String, u32>> = articles
        .par_iter()
        .map(|a| {
            let mut tf: HashMap<String, u32> = HashMap::new();
            for t in terms(a) {
                *tf.entry(t).or_default() += 1;
            }
            tf
        })
        .collect();
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut df: Vec<u32> = Vec::new();
    for tf in &counts {
        for term in tf.keys() {
            let next = ids.len() as u32;
            let id = *ids.entry(term.as_str()).or_insert(next);
            if id as usize == df.len() {
                df.push(0);
            }
            df[id as usize] += 1;
        }
    }
    let n = articles.len() as f32;
    counts
        .par_iter()
        .map(|tf| {
            let mut v: Vector = tf
                .iter()
                .filter_map(|(term, &c)| {
                    let id = *ids.get(term.as_str())?;
                    let idf = (n / df[id as usize] as f32).ln();
                    (idf > 0.0).then(|| (id, (1.0 + (c as f32).ln()) * idf))
                })
                .collect();
            v.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(TERMS_PER_ARTICLE);
            let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm > 0.0 {
                for (_, w) in &mut v {
                    *w /= norm;
                }
            }
            v
        })
        .collect()
}

/// Term → (article, weight), each list capped to its strongest `POSTINGS_CAP` entries.
fn postings(vectors: &[Vector]) -> Vec<Vec<(u32, f32)>> {
    let terms = vectors
        .iter()
        .flat_map(|v| v.iter().map(|(t, _)| *t as usize + 1))
        .max()
        .unwrap_or(0);
    let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms];
    for (i, v) in vectors.iter().enumerate() {
        for &(t, w) in v {
            lists[t as usize].push((i as u32, w));
        }
    }
    for list in &mut lists {
        if list.len() > POSTINGS_CAP {
            list.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            list.truncate(POSTINGS_CAP);
        }
    }
    lists
}
