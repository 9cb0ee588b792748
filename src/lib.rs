//! warraq: a static-site generator for Arabic news-analysis archives. The binary (`main.rs`)
//! is a thin shell over [`cli`]; the library exists so fuzz targets (`fuzz/`) and benchmarks can
//! drive the same code the command runs.

pub mod arabic;
pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod images;
pub mod index;
pub mod inputs;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod render;
pub mod routes;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod url;
pub mod yaml;
