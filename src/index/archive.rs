//! The date archive: years, then months, newest first.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::content::article::Article;

/// One month of a year.
#[derive(Debug, Clone)]
pub struct Month {
    pub month: u32,
    /// Newest first.
    pub articles: Vec<usize>,
}

/// One year.
#[derive(Debug, Clone)]
pub struct Year {
    pub year: i32,
    pub months: Vec<Month>,
    pub count: usize,
}

/// All years, newest first.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    pub years: Vec<Year>,
}

impl Archive {
    /// Groups articles (already newest first) by year and month; order inside a month is kept.
    pub fn build(articles: &[Article]) -> Archive {
        let mut by_year: BTreeMap<i32, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
        for (i, a) in articles.iter().enumerate() {
            by_year
                .entry(a.date.day.year())
                .or_default()
                .entry(a.date.day.month())
                .or_default()
                .push(i);
        }
        let years = by_year
            .into_iter()
            .rev()
            .map(|(year, months)| Year {
                year,
                count: months.values().map(Vec::len).sum(),
                months: months
                    .into_iter()
                    .rev()
                    .map(|(month, articles)| Month { month, articles })
                    .collect(),
            })
            .collect();
        Archive { years }
    }
}
