//! The language layer: everything warraq knows about Arabic text, independent of any site.
//!
//! - [`normalize`]: one normalisation used for identity (slugs, tags) and a stronger folding for
//!   search and similarity, plus tokenising, stop words and a light stemmer.
//! - [`slug`]: URL slugs that keep Arabic letters, and percent-encoding of hrefs.
//! - [`dates`]: month names in the Levantine, Egyptian/Gulf and Maghrebi traditions, digit shapes.
//! - [`bidi`]: first-strong-character direction and isolation of mixed-direction data.
//! - [`Tabled`]: a character property looked up in a table for the scripts an archive is written in.

pub mod bidi;
pub mod dates;
pub mod normalize;
pub mod slug;

/// Code points below this (Latin, Greek, Cyrillic, Hebrew, Arabic, Syriac) are [`Tabled`].
pub const TABLED: u32 = 0x0800;

/// A property of characters, kept in a table for the first [`TABLED`] code points (made the
/// first time it is asked) and worked out by `of` for the others. The standard library and
/// `unicode-bidi` search Unicode's tables for every non-ASCII character, and an Arabic archive's
/// titles, tags and paragraphs are made of nothing else.
pub struct Tabled<T: Copy + 'static> {
    table: std::sync::OnceLock<Vec<T>>,
    of: fn(char) -> T,
}

impl<T: Copy + 'static> Tabled<T> {
    pub const fn new(of: fn(char) -> T) -> Self {
        Tabled {
            table: std::sync::OnceLock::new(),
            of,
        }
    }

    /// The table: the property of each of the first [`TABLED`] code points (surrogates, which
    /// are not characters, are given U+FFFD's).
    pub fn table(&self) -> &[T] {
        self.table.get_or_init(|| {
            (0..TABLED)
                .map(|u| (self.of)(char::from_u32(u).unwrap_or('\u{FFFD}')))
                .collect()
        })
    }

    /// The property of `c`: what `of` says, from the table when `c` is in it.
    pub fn get(&self, c: char) -> T {
        match self.table().get(c as usize) {
            Some(&value) => value,
            None => (self.of)(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_give_unicode_properties() {
        for u in (0..TABLED + 0x100).chain([0xFB50, 0xFEFC, 0x1F600, 0x10FFFF]) {
            if let Some(c) = char::from_u32(u) {
                assert_eq!(
                    normalize::is_alphanumeric(c),
                    c.is_alphanumeric(),
                    "U+{u:04X}"
                );
                assert_eq!(normalize::is_alphabetic(c), c.is_alphabetic(), "U+{u:04X}");
                assert_eq!(bidi::class(c), unicode_bidi::bidi_class(c), "U+{u:04X}");
            }
        }
    }
}
