//! Dates as Arabic readers write them.
//!
//! Three traditions of month names are in daily use: the Levantine/Iraqi Syriac names, which the
//! seed article pairs with the Egyptian/Gulf name in brackets ("28 نيسان (أبريل) 2025"); the
//! Egyptian/Gulf transliterations ("28 أبريل 2025"); and the Moroccan/Maghrebi forms derived from
//! French ("28 غشت 2025"). Digits are Latin ("28") or Arabic-Indic ("٢٨").

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// How month names are written (`date_style` in `site.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateStyle {
    /// "28 نيسان (أبريل) 2025"
    #[default]
    Levant,
    /// "28 أبريل 2025"
    Arabic,
    /// "28 غشت 2025"
    Maghreb,
    /// "2025-04-28"
    Iso,
}

impl FromStr for DateStyle {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "levant" => Ok(Self::Levant),
            "arabic" => Ok(Self::Arabic),
            "maghreb" => Ok(Self::Maghreb),
            "iso" => Ok(Self::Iso),
            other => Err(format!(
                "unknown date style `{other}`; expected levant, arabic, maghreb or iso"
            )),
        }
    }
}

/// Which digit shapes numbers are written with (`digits` in `site.yaml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Digits {
    /// 0123456789
    #[default]
    Latin,
    /// ٠١٢٣٤٥٦٧٨٩
    ArabicIndic,
}

impl FromStr for Digits {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "latin" => Ok(Self::Latin),
            "arabic-indic" => Ok(Self::ArabicIndic),
            other => Err(format!(
                "unknown digits `{other}`; expected latin or arabic-indic"
            )),
        }
    }
}

/// Levantine and Iraqi (Syriac-derived) month names.
pub const LEVANT_MONTHS: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];

/// Egyptian and Gulf month names.
pub const ARABIC_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

/// Moroccan (Maghrebi) month names.
pub const MAGHREB_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
];

/// English month names and their abbreviations, for [`iso_suggestion`].
const ENGLISH_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The `YYYY-MM-DD` an editor most likely meant by a date in another form (`28/04/2025`,
/// `2025/4/8`, `28 نيسان (أبريل) 2025`, `28 ابريل 2025`, `April 28, 2025`), for an error's hint.
/// Day before month when either could be first, as Arabic writes dates; `None` when the text
/// is not three parts of a real date.
pub fn iso_suggestion(written: &str) -> Option<String> {
    use crate::arabic::normalize::{fold, machine_form};
    // A month's second name in parentheses, as the seed article writes them, says nothing more.
    let mut text = String::new();
    let mut depth = 0usize;
    for c in machine_form(written).chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let mut text = fold(&text);
    // Names become their number, longest first (كانون الثاني before كانون), marked `m`.
    let mut names: Vec<(String, usize)> = [LEVANT_MONTHS, ARABIC_MONTHS, MAGHREB_MONTHS]
        .iter()
        .flat_map(|months| months.iter().enumerate().map(|(i, m)| (fold(m), i + 1)))
        .chain(
            ENGLISH_MONTHS
                .iter()
                .enumerate()
                .flat_map(|(i, m)| [(m.to_string(), i + 1), (m[..3].to_string(), i + 1)]),
        )
        .collect();
    names.sort_by_key(|(name, _)| std::cmp::Reverse(name.chars().count()));
    let mut named_month = None;
    for (name, month) in names {
        if let Some(at) = text.find(&name) {
            text.replace_range(at..at + name.len(), " m ");
            named_month = Some(month);
            break;
        }
    }
    let parts: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty() && !matches!(*p, "st" | "nd" | "rd" | "th"))
        .collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| *p != "m" && !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| -> Option<u32> {
        if p == "m" {
            named_month.map(|m| m as u32)
        } else {
            p.parse().ok()
        }
    };
    let (a, b, c) = (n(parts[0])?, n(parts[1])?, n(parts[2])?);
    let (year, month, day) = if parts[0].len() == 4 {
        (a, b, c)
    } else if parts[2].len() == 4 {
        if parts[0] == "m" || (parts[1] != "m" && b > 12 && a <= 12) {
            (c, a, b)
        } else {
            (c, b, a)
        }
    } else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// A day and a time written with a space (`2025-04-28 10:30`), as RFC 3339 wants them: the time
/// after a `T`, with seconds, and an offset from UTC (given as `+03:00`, for the editor to
/// correct to their own). `None` for anything else.
pub fn instant_suggestion(written: &str) -> Option<String> {
    let text = crate::arabic::normalize::machine_form(written);
    let (day, time) = text.trim().split_once(' ')?;
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M"))
        .ok()?;
    Some(format!(
        "{}T{}+03:00",
        day.format("%Y-%m-%d"),
        time.format("%H:%M:%S")
    ))
}

/// The month's name (1–12) in a style; `levant` pairs both names as the seed article does.
/// Returns `None` for a month outside 1–12.
pub fn month_name(style: DateStyle, month: u32) -> Option<String> {
    let i = usize::try_from(month).ok()?.checked_sub(1)?;
    Some(match style {
        DateStyle::Levant => format!("{} ({})", LEVANT_MONTHS.get(i)?, ARABIC_MONTHS[i]),
        DateStyle::Arabic => ARABIC_MONTHS.get(i)?.to_string(),
        DateStyle::Maghreb => MAGHREB_MONTHS.get(i)?.to_string(),
        DateStyle::Iso => format!("{month:02}"),
    })
}

/// Rewrites ASCII digits in the chosen shape.
pub fn with_digits(text: &str, digits: Digits) -> String {
    match digits {
        Digits::Latin => text.to_string(),
        Digits::ArabicIndic => text
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32('٠' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
                _ => c,
            })
            .collect(),
    }
}

/// A reader-facing date: "28 نيسان (أبريل) 2025".
pub fn format_date(date: NaiveDate, style: DateStyle, digits: Digits) -> String {
    let text = match style {
        DateStyle::Iso => date.format("%Y-%m-%d").to_string(),
        _ => format!(
            "{} {} {}",
            date.day(),
            month_name(style, date.month()).unwrap_or_default(),
            date.year()
        ),
    };
    with_digits(&text, digits)
}

/// A reader-facing month heading: "نيسان (أبريل) 2025".
pub fn format_month(year: i32, month: u32, style: DateStyle, digits: Digits) -> String {
    let text = match style {
        DateStyle::Iso => format!("{year}-{month:02}"),
        _ => format!("{} {year}", month_name(style, month).unwrap_or_default()),
    };
    with_digits(&text, digits)
}

/// Hijri month names as the Umm al-Qura calendar of Saudi Arabia prints them.
pub const HIJRI_MONTHS: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

/// A Gregorian day in the Umm al-Qura calendar: (year, month 1–12, day). ICU4X carries the
/// official KACST month lengths for 1300–1600 AH (1882–2174) and falls back to the tabular
/// calendar outside them; `None` only for days ICU4X cannot represent.
pub fn hijri(date: NaiveDate) -> Option<(i32, u8, u8)> {
    use icu_calendar::cal::Hijri;
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    let iso = icu_calendar::Date::try_new_iso(date.year(), month, day).ok()?;
    let h = iso.to_calendar(Hijri::new_umm_al_qura());
    Some((
        h.year().extended_year(),
        h.month().ordinal,
        h.day_of_month().0,
    ))
}

/// A reader-facing Hijri date: "30 شوال 1446 هـ" (empty when the day has no Hijri form).
pub fn format_hijri(date: NaiveDate, digits: Digits) -> String {
    match hijri(date) {
        Some((year, month, day)) => with_digits(
            &format!("{day} {} {year} هـ", HIJRI_MONTHS[usize::from(month) - 1]),
            digits,
        ),
        None => String::new(),
    }
}

/// The date of an article as written in front-matter: a calendar day, or an RFC 3339 instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleDate {
    /// The calendar day in the writer's offset.
    pub day: NaiveDate,
    /// The full instant when one was given.
    pub instant: Option<DateTime<FixedOffset>>,
}

impl ArticleDate {
    /// Parses `YYYY-MM-DD` or RFC 3339 (`2025-04-28T09:30:00+03:00`).
    /// Year 0000, which ISO 8601 allows, is refused: the calendar has no year 0, and in an
    /// archive it is a typo.
    /// Arabic-Indic digits and invisible direction marks are read as what they show
    /// ([`machine_form`](crate::arabic::normalize::machine_form)); errors quote the value as
    /// written.
    pub fn parse(written: &str) -> Result<Self, String> {
        let written = written.trim();
        let machine = crate::arabic::normalize::machine_form(written);
        let text = machine.trim();
        let date = if text.len() == 10 {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|day| ArticleDate { day, instant: None })
                .map_err(|e| format!("`{written}` is not a valid date ({e})"))?
        } else {
            DateTime::parse_from_rfc3339(text)
                .map(|instant| ArticleDate {
                    day: instant.date_naive(),
                    instant: Some(instant),
                })
                .map_err(|e| {
                    format!("`{written}` is not a valid date or RFC 3339 date-time ({e})")
                })?
        };
        if date.day.year() < 1 {
            return Err(format!(
                "`{written}` is not a valid date (the calendar has no year 0)"
            ));
        }
        Ok(date)
    }

    /// The machine form for `<time datetime>`: the day, or the full instant when one was given.
    pub fn machine(&self) -> String {
        match self.instant {
            Some(i) => i.to_rfc3339(),
            None => self.day.format("%Y-%m-%d").to_string(),
        }
    }

    /// RFC 3339 as feeds need it; a bare day is taken as midnight UTC.
    pub fn rfc3339(&self) -> String {
        match self.instant {
            Some(i) => i.to_rfc3339(),
            None => Utc
                .from_utc_datetime(&self.day.and_time(NaiveTime::MIN))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// A key that orders dates in time (instants by UTC, bare days at midnight UTC).
    pub fn sort_key(&self) -> i64 {
        match self.instant {
            Some(i) => i.timestamp(),
            None => self.day.and_time(NaiveTime::MIN).and_utc().timestamp(),
        }
    }
}

impl fmt::Display for ArticleDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.machine())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every month in every style, against a table written out by hand.
    #[test]
    fn all_month_names_match_the_reference_table() {
        let table: [(u32, &str, &str, &str); 12] = [
            (1, "كانون الثاني", "يناير", "يناير"),
            (2, "شباط", "فبراير", "فبراير"),
            (3, "آذار", "مارس", "مارس"),
            (4, "نيسان", "أبريل", "أبريل"),
            (5, "أيار", "مايو", "ماي"),
            (6, "حزيران", "يونيو", "يونيو"),
            (7, "تموز", "يوليو", "يوليوز"),
            (8, "آب", "أغسطس", "غشت"),
            (9, "أيلول", "سبتمبر", "شتنبر"),
            (10, "تشرين الأول", "أكتوبر", "أكتوبر"),
            (11, "تشرين الثاني", "نوفمبر", "نونبر"),
            (12, "كانون الأول", "ديسمبر", "دجنبر"),
        ];
        for (m, levant, arabic, maghreb) in table {
            assert_eq!(
                month_name(DateStyle::Levant, m).unwrap(),
                format!("{levant} ({arabic})")
            );
            assert_eq!(month_name(DateStyle::Arabic, m).unwrap(), arabic);
            assert_eq!(month_name(DateStyle::Maghreb, m).unwrap(), maghreb);
        }
        assert_eq!(month_name(DateStyle::Levant, 0), None);
        assert_eq!(month_name(DateStyle::Levant, 13), None);
    }

    #[test]
    fn seed_article_style_is_levant() {
        assert_eq!(
            format_date(d(2025, 4, 28), DateStyle::Levant, Digits::Latin),
            "28 نيسان (أبريل) 2025"
        );
        assert_eq!(
            format_date(d(2024, 12, 8), DateStyle::Levant, Digits::Latin),
            "8 كانون الأول (ديسمبر) 2024"
        );
    }

    #[test]
    fn other_styles_and_digits() {
        assert_eq!(
            format_date(d(2025, 4, 28), DateStyle::Arabic, Digits::Latin),
            "28 أبريل 2025"
        );
        assert_eq!(
            format_date(d(2025, 8, 28), DateStyle::Maghreb, Digits::Latin),
            "28 غشت 2025"
        );
        assert_eq!(
            format_date(d(2025, 4, 28), DateStyle::Iso, Digits::Latin),
            "2025-04-28"
        );
        assert_eq!(
            format_date(d(2025, 4, 28), DateStyle::Levant, Digits::ArabicIndic),
            "٢٨ نيسان (أبريل) ٢٠٢٥"
        );
        assert_eq!(
            format_month(2025, 4, DateStyle::Arabic, Digits::ArabicIndic),
            "أبريل ٢٠٢٥"
        );
    }

    /// Days from the Umm al-Qura calendar as Saudi Arabia published it (first and last days
    /// of months, both month lengths, several years), checked against ICU4X's conversion.
    #[test]
    fn hijri_dates_match_published_umm_al_qura_days() {
        type Day = (i32, u32, u32);
        type HijriDay = (i32, u8, u8);
        let table: [(Day, HijriDay); 16] = [
            // The seed article's day, the last of a 30-day Shawwal.
            ((2025, 4, 28), (1446, 10, 30)),
            ((2025, 4, 29), (1446, 11, 1)),
            // Ramadan 1446: 1 March 2025; 29 days; Eid al-Fitr on 30 March.
            ((2025, 3, 1), (1446, 9, 1)),
            ((2025, 3, 29), (1446, 9, 29)),
            ((2025, 3, 30), (1446, 10, 1)),
            // Dhu al-Hijja 1446 began 28 May 2025 (Arafat 5 June); 1 Muharram 1447: 26 June.
            ((2025, 5, 28), (1446, 12, 1)),
            ((2025, 6, 5), (1446, 12, 9)),
            ((2025, 6, 25), (1446, 12, 29)),
            ((2025, 6, 26), (1447, 1, 1)),
            // 1 Muharram 1446: 7 July 2024; Eid al-Adha 1445: 16 June 2024.
            ((2024, 7, 7), (1446, 1, 1)),
            ((2024, 6, 16), (1445, 12, 10)),
            // 1 Ramadan 1445: 11 March 2024; 1 Ramadan 1444: 23 March 2023.
            ((2024, 3, 11), (1445, 9, 1)),
            ((2023, 3, 23), (1444, 9, 1)),
            // 1 Muharram 1445: 19 July 2023; Eid al-Adha 1444: 28 June 2023.
            ((2023, 7, 19), (1445, 1, 1)),
            ((2023, 6, 28), (1444, 12, 10)),
            // 1 Ramadan 1442: 13 April 2021.
            ((2021, 4, 13), (1442, 9, 1)),
        ];
        for ((y, m, day), expected) in table {
            assert_eq!(hijri(d(y, m, day)), Some(expected), "{y}-{m}-{day}");
        }
        assert_eq!(
            format_hijri(d(2025, 4, 28), Digits::Latin),
            "30 شوال 1446 هـ"
        );
        assert_eq!(
            format_hijri(d(2025, 4, 28), Digits::ArabicIndic),
            "٣٠ شوال ١٤٤٦ هـ"
        );
        assert_eq!(
            format_hijri(d(2024, 12, 8), Digits::Latin),
            "7 جمادى الآخرة 1446 هـ"
        );
    }

    #[test]
    fn parses_days_and_rfc3339_instants() {
        let day = ArticleDate::parse("2025-04-28").unwrap();
        assert_eq!(day.machine(), "2025-04-28");
        assert_eq!(day.rfc3339(), "2025-04-28T00:00:00Z");
        let instant = ArticleDate::parse("2025-04-28T09:30:00+03:00").unwrap();
        assert_eq!(instant.day, d(2025, 4, 28));
        assert_eq!(instant.machine(), "2025-04-28T09:30:00+03:00");
        assert!(instant.sort_key() > day.sort_key());
    }

    #[test]
    fn dates_typed_right_to_left_read_as_they_show() {
        // Arabic-Indic and Persian digits, and the direction marks an RTL editor adds unseen.
        for written in [
            "٢٠٢٥-٠٤-٢٨",
            "۲۰۲۵-۰۴-۲۸",
            "\u{200F}2025-04-28\u{200F}",
            "\u{200E}٢٠٢٥-٠٤-٢٨",
            "2025-04-28\u{2069}",
        ] {
            let date = ArticleDate::parse(written).unwrap_or_else(|e| panic!("{written:?}: {e}"));
            assert_eq!(date.machine(), "2025-04-28", "{written:?}");
        }
        let instant = ArticleDate::parse("٢٠٢٥-٠٤-٢٨T٠٩:٣٠:٠٠+٠٣:٠٠").unwrap();
        assert_eq!(instant.machine(), "2025-04-28T09:30:00+03:00");
        // An impossible one is quoted as written.
        let err = ArticleDate::parse("٢٠٢٥-٠٢-٣٠").unwrap_err();
        assert!(err.contains("`٢٠٢٥-٠٢-٣٠` is not a valid date"), "{err}");
    }

    #[test]
    fn dates_in_other_forms_get_the_one_they_meant() {
        for (written, meant) in [
            ("28/04/2025", Some("2025-04-28")),
            ("2025/4/8", Some("2025-04-08")),
            ("2025-4-8", Some("2025-04-08")),
            ("28.04.2025", Some("2025-04-28")),
            ("04/28/2025", Some("2025-04-28")),
            ("٢٨/٤/٢٠٢٥", Some("2025-04-28")),
            ("28 نيسان (أبريل) 2025", Some("2025-04-28")),
            ("28 ابريل 2025", Some("2025-04-28")),
            ("3 كانون الثاني 2024", Some("2024-01-03")),
            ("3 كانون الأول 2024", Some("2024-12-03")),
            ("1 تشرين الثاني 2023", Some("2023-11-01")),
            ("9 غشت 2025", Some("2025-08-09")),
            ("April 28, 2025", Some("2025-04-28")),
            ("28 Apr 2025", Some("2025-04-28")),
            ("30/02/2025", None),
            ("28 04", None),
            ("yesterday", None),
            ("28/04/25", None),
        ] {
            assert_eq!(iso_suggestion(written).as_deref(), meant, "{written}");
        }
    }

    #[test]
    fn a_day_and_time_with_a_space_get_the_rfc3339_form() {
        assert_eq!(
            instant_suggestion("2025-04-28 10:30").as_deref(),
            Some("2025-04-28T10:30:00+03:00")
        );
        assert_eq!(
            instant_suggestion("٢٠٢٥-٠٤-٢٨ ٠٩:٠٥:٠٧").as_deref(),
            Some("2025-04-28T09:05:07+03:00")
        );
        assert_eq!(instant_suggestion("2025-04-28 25:00"), None);
        assert_eq!(instant_suggestion("28/04/2025 10:30"), None);
    }

    #[test]
    fn impossible_dates_are_rejected_with_the_text() {
        let err = ArticleDate::parse("2025-02-30").unwrap_err();
        assert!(err.contains("`2025-02-30` is not a valid date"), "{err}");
        assert!(ArticleDate::parse("2025-13-01").is_err());
        for year_0 in ["0000-01-01", "0000-06-30T12:00:00+00:00"] {
            let err = ArticleDate::parse(year_0).unwrap_err();
            assert!(err.contains("no year 0"), "{err}");
        }
        assert!(ArticleDate::parse("0001-01-01").is_ok());
        // A day that is year 1 in its own offset is not moved into year 0.
        assert!(ArticleDate::parse("0001-01-01T01:00:00+03:00").is_ok());
        assert!(ArticleDate::parse("28/04/2025").is_err());
        assert!(
            ArticleDate::parse("2025-04-28T09:30:00").is_err(),
            "an instant needs its offset"
        );
    }
}
