//! Coverage over time: a small inline SVG of articles per month (per year when the span is
//! longer than four years), made at build time, no JavaScript. Time runs right to left, as
//! Arabic readers read: the oldest bar at the right edge, the newest at the left. Every bar is a
//! link to its month (or year) in the date archive and carries a `<title>` with the month and
//! the count, so screen readers and tooltips get the numbers; an empty month is a faint tick.
//! (The drawing's coordinates are laid out here, right to left; its text is placed with
//! `direction="ltr"` so that an RTL page does not flip where labels anchor.)

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{Datelike, NaiveDate};

use crate::arabic::bidi::escape_html;
use crate::arabic::dates::{format_month, with_digits};
use crate::config::Config;
use crate::routes::Route;

const WIDTH: f32 = 600.0;
const BARS: f32 = 64.0;
const HEIGHT: f32 = 96.0;
/// Longest span drawn month by month.
const MONTHLY_SPAN: i32 = 48;

/// The timeline of articles dated `dates`, or none when there are none.
pub fn svg(config: &Config, dates: impl Iterator<Item = NaiveDate>) -> Option<String> {
    let mut months: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for d in dates {
        *months.entry((d.year(), d.month())).or_default() += 1;
    }
    let (&first, _) = months.first_key_value()?;
    let (&last, _) = months.last_key_value()?;
    let span = (last.0 - first.0) * 12 + last.1 as i32 - first.1 as i32 + 1;
    // (label, href, count) from the oldest.
    let mut bars: Vec<(String, String, usize)> = Vec::new();
    // Short month names under the bars when they fit (a year or less).
    let mut short: Vec<String> = Vec::new();
    let archive_year = |year: i32| config.href(&Route::ArchiveYear { year }.path());
    if span <= MONTHLY_SPAN {
        let (mut y, mut m) = first;
        loop {
            let count = months.get(&(y, m)).copied().unwrap_or(0);
            bars.push((
                format_month(y, m, config.date_style, config.digits),
                format!("{}#m{m}", archive_year(y)),
                count,
            ));
            short.push(short_month(config, m));
            if (y, m) == last {
                break;
            }
            (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        }
    } else {
        for year in first.0..=last.0 {
            let count = months.range((year, 1)..=(year, 12)).map(|(_, c)| c).sum();
            bars.push((
                with_digits(&year.to_string(), config.digits),
                archive_year(year),
                count,
            ));
        }
    }
    let max = bars.iter().map(|b| b.2).max().unwrap_or(1).max(1) as f32;
    let total: usize = bars.iter().map(|b| b.2).sum();
    let slot = (WIDTH / bars.len() as f32).min(40.0);
    let bar = (slot * 0.8).max(1.0);
    let mut out = String::new();
    let summary = format!(
        "{} — {}: {}",
        bars[0].0,
        bars[bars.len() - 1].0,
        with_digits(&total.to_string(), config.digits)
    );
    let _ = write!(
        out,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" direction=\"ltr\" role=\"group\" aria-label=\"المقالات عبر الزمن ({})\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape_html(&summary)
    );
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"0\" y1=\"{BARS}\" x2=\"{WIDTH}\" y2=\"{BARS}\"/>"
    );
    let mut last_year_label = String::new();
    for (k, (label, href, count)) in bars.iter().enumerate() {
        // The oldest at the right edge.
        let x = WIDTH - (k as f32 + 1.0) * slot + (slot - bar) / 2.0;
        if *count == 0 {
            let _ = write!(
                out,
                "<rect class=\"empty\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"1\"/>",
                BARS - 1.0
            );
        } else {
            let h = ((*count as f32 / max) * (BARS - 4.0)).max(2.0);
            let title = format!(
                "{label}: {}",
                with_digits(&count.to_string(), config.digits)
            );
            let _ = write!(
                out,
                "<a href=\"{}\"><title>{}</title><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\"/></a>",
                escape_html(href),
                escape_html(&title),
                BARS - h
            );
        }
        if bars.len() <= 12 && !short.is_empty() {
            let _ = write!(
                out,
                "<text class=\"month\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" aria-hidden=\"true\">{}</text>",
                x + bar / 2.0,
                BARS + 11.0,
                escape_html(&short[k])
            );
        }
        // Year labels under the first bar of each year (every bar when drawn by year).
        let year = if label.contains('-') {
            label.chars().take(4).collect() // iso style: 2025-04
        } else {
            label.rsplit(' ').next().unwrap_or(label).to_string()
        };
        if year != last_year_label {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"end\" aria-hidden=\"true\">{}</text>",
                x + bar,
                HEIGHT - 4.0,
                escape_html(&year)
            );
            last_year_label = year;
        }
    }
    out.push_str("</svg>");
    Some(out)
}

/// A month's name alone, in the site's style ("نيسان" for levant, "أبريل", "04" for iso).
fn short_month(config: &Config, month: u32) -> String {
    use crate::arabic::dates::{DateStyle, ARABIC_MONTHS, LEVANT_MONTHS, MAGHREB_MONTHS};
    let i = (month as usize).saturating_sub(1).min(11);
    match config.date_style {
        DateStyle::Levant => LEVANT_MONTHS[i].to_string(),
        DateStyle::Arabic => ARABIC_MONTHS[i].to_string(),
        DateStyle::Maghreb => MAGHREB_MONTHS[i].to_string(),
        DateStyle::Iso => with_digits(&format!("{month:02}"), config.digits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 1).unwrap()
    }

    #[test]
    fn months_run_right_to_left_with_links_titles_and_gaps() {
        let config = Config::default();
        let svg = svg(&config, [d(2025, 4), d(2025, 4), d(2025, 2)].into_iter()).unwrap();
        // Three months: February (oldest, right), March (empty), April (newest, left).
        assert_eq!(svg.matches("<a href=").count(), 2, "{svg}");
        assert!(svg.contains("<rect class=\"empty\""), "{svg}");
        let feb = svg.find("شباط (فبراير) 2025: 1").unwrap();
        let apr = svg.find("نيسان (أبريل) 2025: 2").unwrap();
        assert!(feb < apr, "oldest first in the markup");
        let x_of = |at: usize| -> f32 {
            let rest = &svg[at..];
            let i = rest.find(" x=\"").unwrap() + 4;
            rest[i..i + rest[i..].find('"').unwrap()].parse().unwrap()
        };
        assert!(x_of(feb) > x_of(apr), "the oldest is at the right");
        assert!(svg.contains("href=\"/archive/2025/#m4\""), "{svg}");
        // A short span names its months in the site's style.
        assert!(
            svg.contains(">شباط</text>") && svg.contains(">آذار</text>"),
            "{svg}"
        );
        assert!(
            svg.contains(
                "aria-label=\"المقالات عبر الزمن (شباط (فبراير) 2025 — نيسان (أبريل) 2025: 3)\""
            ),
            "{svg}"
        );
    }

    #[test]
    fn long_spans_are_drawn_by_year_and_nothing_gives_none() {
        let config = Config {
            digits: crate::arabic::dates::Digits::ArabicIndic,
            ..Config::default()
        };
        let svg = svg(&config, [d(2015, 1), d(2025, 6)].into_iter()).unwrap();
        assert_eq!(svg.matches("<a href=").count(), 2);
        assert_eq!(svg.matches("<rect class=\"empty\"").count(), 9, "{svg}");
        assert!(svg.contains("href=\"/archive/2015/\""), "{svg}");
        assert!(svg.contains("<title>٢٠٢٥: ١</title>"), "{svg}");
        assert!(super::svg(&config, std::iter::empty()).is_none());
    }
}
