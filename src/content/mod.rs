//! One source file → one [`Article`](article::Article): front-matter parsing, markdown rendering,
//! and the loader that walks `content/`. Nothing here knows about other articles except through
//! the link resolver the loader hands to the markdown renderer.

pub mod anchors;
pub mod article;
pub mod blocks;
pub mod front_matter;
pub mod links;
pub mod markdown;
pub mod raw_html;
pub mod source;
pub mod spill;
pub mod store;
