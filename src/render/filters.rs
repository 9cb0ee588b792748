//! Filters the templates use for Arabic text:
//!
//! - `arabic_date(style=?, digits=?, hijri=?)`: "2025-04-28" → "28 نيسان (أبريل) 2025" (site defaults);
//!   followed by " · 30 شوال 1446 هـ" when `hijri: true` (or `hijri=true`);
//! - `hijri_date(digits=?)`: "2025-04-28" → "30 شوال 1446 هـ" (Umm al-Qura);
//! - `arabic_month(style=?, digits=?)`: "2025-04" → "نيسان (أبريل) 2025";
//! - `digits`: numbers in the site's digit shapes ("12" → "١٢" with `digits: arabic-indic`);
//! - `isolate`: escapes data and wraps it in `<bdi>` when its direction may disturb the sentence
//!   (output is safe HTML);
//! - `directed`: plain text (titles in `<title>`, feeds, `og:`) prefixed with a directional mark
//!   when it starts in the other direction.

use chrono::NaiveDate;
use tera::{Filter, Kwargs, State, Tera, TeraResult, Value};

use crate::arabic::bidi::{directed_plain_text, isolate_html, Dir};
use crate::arabic::dates::{
    format_date, format_hijri, format_month, with_digits, ArticleDate, DateStyle, Digits,
};
use crate::config::Config;

fn style_and_digits(
    kwargs: &Kwargs,
    style: DateStyle,
    digits: Digits,
) -> TeraResult<(DateStyle, Digits)> {
    let style = match kwargs.get::<&str>("style")? {
        Some(s) => s.parse().map_err(tera::Error::message)?,
        None => style,
    };
    let digits = match kwargs.get::<&str>("digits")? {
        Some(d) => d.parse().map_err(tera::Error::message)?,
        None => digits,
    };
    Ok((style, digits))
}

/// The `dir=` argument of `isolate` and `directed`: `ltr`, `rtl`, or the site's direction.
fn dir_argument(kwargs: &Kwargs, default: Dir) -> TeraResult<Dir> {
    match kwargs.get::<&str>("dir")? {
        None => Ok(default),
        Some("ltr") => Ok(Dir::Ltr),
        Some("rtl") => Ok(Dir::Rtl),
        Some(other) => Err(tera::Error::message(format!(
            "`dir=\"{other}\"` is not a direction; use \"ltr\" or \"rtl\" (or leave it out for the site's)"
        ))),
    }
}

/// `isolate`: the output is already-escaped HTML, so it is marked safe.
struct Isolate(Dir);

impl Filter<&str, TeraResult<Value>> for Isolate {
    fn call(&self, value: &str, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
        let dir = dir_argument(&kwargs, self.0)?;
        Ok(Value::safe_string(&isolate_html(value, dir)))
    }
    fn is_safe(&self) -> bool {
        true
    }
}

/// Registers warraq's filters with the site's defaults.
pub fn register(tera: &mut Tera, config: &Config) {
    let (style, digits, dir) = (config.date_style, config.digits, config.direction);
    let hijri = config.hijri;
    tera.register_filter(
        "arabic_date",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let (style, digits) = style_and_digits(&kwargs, style, digits)?;
            let with_hijri = kwargs.get::<bool>("hijri")?.unwrap_or(hijri);
            let date = ArticleDate::parse(value).map_err(tera::Error::message)?;
            let gregorian = format_date(date.day, style, digits);
            let hijri = if with_hijri {
                format_hijri(date.day, digits)
            } else {
                String::new()
            };
            Ok(if hijri.is_empty() {
                gregorian
            } else {
                format!("{gregorian} · {hijri}")
            })
        },
    );
    tera.register_filter(
        "hijri_date",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let (_, digits) = style_and_digits(&kwargs, style, digits)?;
            let date = ArticleDate::parse(value).map_err(tera::Error::message)?;
            Ok(format_hijri(date.day, digits))
        },
    );
    tera.register_filter(
        "arabic_month",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let (style, digits) = style_and_digits(&kwargs, style, digits)?;
            let date =
                NaiveDate::parse_from_str(&format!("{value}-01"), "%Y-%m-%d").map_err(|e| {
                    tera::Error::message(format!("`{value}` is not a YYYY-MM month: {e}"))
                })?;
            use chrono::Datelike;
            Ok(format_month(date.year(), date.month(), style, digits))
        },
    );
    tera.register_filter(
        "digits",
        move |value: Value, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let digits = match kwargs.get::<&str>("digits")? {
                Some(d) => d.parse().map_err(tera::Error::message)?,
                None => digits,
            };
            let text = match value.as_str() {
                Some(s) => s.to_string(),
                None => value.to_string(),
            };
            Ok(with_digits(&text, digits))
        },
    );
    tera.register_filter("isolate", Isolate(dir));
    tera.register_filter(
        "directed",
        move |value: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            Ok(directed_plain_text(value, dir_argument(&kwargs, dir)?))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, config: &Config) -> String {
        let mut tera = Tera::new();
        register(&mut tera, config);
        tera.add_raw_template("t.html", template).unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("d", "2025-04-28");
        ctx.insert("name", "Reuters <b>");
        ctx.insert("n", &12);
        tera.render("t.html", &ctx).unwrap()
    }

    #[test]
    fn dates_follow_site_defaults_and_overrides() {
        let mut config = Config::default();
        assert_eq!(
            render("{{ d | arabic_date }}", &config),
            "28 نيسان (أبريل) 2025"
        );
        assert_eq!(
            render("{{ d | arabic_date(style='maghreb') }}", &config),
            "28 أبريل 2025"
        );
        config.digits = Digits::ArabicIndic;
        assert_eq!(
            render("{{ d | arabic_date(style='arabic') }}", &config),
            "٢٨ أبريل ٢٠٢٥"
        );
        assert_eq!(render("{{ n | digits }}", &config), "١٢");
        assert_eq!(
            render("{{ '2025-04' | arabic_month }}", &config),
            "نيسان (أبريل) ٢٠٢٥"
        );
    }

    #[test]
    fn hijri_dates_follow_the_setting() {
        let mut config = Config::default();
        assert_eq!(
            render("{{ d | arabic_date(hijri=true) }}", &config),
            "28 نيسان (أبريل) 2025 · 30 شوال 1446 هـ"
        );
        config.hijri = true;
        config.digits = Digits::ArabicIndic;
        assert_eq!(
            render("{{ d | arabic_date }}", &config),
            "٢٨ نيسان (أبريل) ٢٠٢٥ · ٣٠ شوال ١٤٤٦ هـ"
        );
        assert_eq!(
            render("{{ d | arabic_date(hijri=false) }}", &config),
            "٢٨ نيسان (أبريل) ٢٠٢٥"
        );
        assert_eq!(render("{{ d | hijri_date }}", &config), "٣٠ شوال ١٤٤٦ هـ");
    }

    #[test]
    fn isolate_escapes_and_wraps() {
        let config = Config::default();
        assert_eq!(
            render("{{ name | isolate }}", &config),
            "<bdi>Reuters &lt;b&gt;</bdi>"
        );
    }

    #[test]
    fn directions_follow_the_text_they_are_given() {
        let config = Config::default();
        assert_eq!(
            render("{{ name | directed(dir='ltr') }}", &config),
            "Reuters &lt;b&gt;"
        );
        assert_eq!(
            render("{{ name | isolate(dir='ltr') }}", &config),
            "Reuters &lt;b&gt;"
        );
        let mut tera = Tera::new();
        register(&mut tera, &config);
        tera.add_raw_template("t.html", "{{ 'x' | isolate(dir='sideways') }}")
            .unwrap();
        let err = tera.render("t.html", &tera::Context::new()).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("not a direction"), "{text}");
    }

    #[test]
    fn directed_is_escaped_plain_text() {
        let config = Config::default();
        assert_eq!(
            render("{{ name | directed }}", &config),
            "\u{200F}Reuters &lt;b&gt;"
        );
    }
}
