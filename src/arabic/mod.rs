//! The language layer: everything warraq knows about Arabic text, independent of any site.
//!
//! - [`normalize`]: one normalisation used for identity (slugs, tags) and a stronger folding for
//!   search and similarity, plus tokenising, stop words and a light stemmer.
//! - [`slug`]: URL slugs that keep Arabic letters, and percent-encoding of hrefs.
//! - [`dates`]: month names in the Levantine, Egyptian/Gulf and Maghrebi traditions, digit shapes.
//! - [`bidi`]: first-strong-character direction and isolation of mixed-direction data.

pub mod bidi;
pub mod dates;
pub mod normalize;
pub mod slug;
