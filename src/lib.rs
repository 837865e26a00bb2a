//! scholia: a static site generator for commentary archives — articles, their
//! reader comment threads, the people who wrote them, and the tags that find them.
//!
//! The pipeline runs one way, one module per stage:
//! [`config`] → [`content`] (load) → [`site`] (model, with [`markdown`]) →
//! [`render`] (Tera) → [`output`] (write), driven by [`build`](mod@build).

// These docs are for scholia's own developers (`cargo doc
// --document-private-items`): a module's doc naming its private parts is meant.
#![allow(rustdoc::private_intra_doc_links)]

pub mod build;
pub mod cache;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod import;
pub mod incremental;
pub mod markdown;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod slug;
mod steps;

pub use build::{BuildReport, BuildRequest, build};
pub use error::{BuildErrors, Error, Warning};
