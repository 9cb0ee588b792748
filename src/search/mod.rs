//! Search: a static, sharded index that the search page's script (`static/search.js`) queries in
//! the reader's browser. [`analysis`] is how a word is read (on both sides), [`index`] builds the
//! files, [`encode`] is their binary shape.

pub mod analysis;
pub mod encode;
pub mod index;
pub mod plurals;
pub mod postings;

pub use index::{index_files, write};
