//! Importers: turn another platform's export into scholia content files.
//!
//! Each source has its own file (`wordpress`, `disqus`); they share a streaming
//! XML reader (`xml`), one HTML → Markdown step (`html`), the copying of
//! uploaded files (`uploads`) and one writer of content files (`write`), which
//! produces exactly what the loader in [`crate::content`] reads. An importer
//! never renders and never touches a site's output folder. It never writes a
//! commenter's e-mail or IP address anywhere: they are not even read.

pub mod disqus;
mod html;
mod report;
mod thread;
mod uploads;
pub mod wordpress;
mod write;
mod xml;

use std::path::PathBuf;

pub use report::ImportReport;

/// Why an import could not be done. Nothing is written when one is returned
/// (a WordPress import leaves no folder; a Disqus merge changes no file).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The export is not well-formed XML.
    #[error(
        "{}:{line}:{column}: malformed XML: {message}; nothing was imported — repair the file there, or export it again",
        file.display()
    )]
    MalformedXml {
        /// The export file.
        file: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// The file is XML, but not an export of the expected kind.
    #[error(
        "{}: this is not a {expected} export (its root element is <{found}>); check that you passed the right file",
        file.display()
    )]
    NotAnExport {
        /// The file given.
        file: PathBuf,
        /// What it should have been (`WordPress`, `Disqus`).
        expected: &'static str,
        /// The root element found.
        found: String,
    },
    /// `--into` names a folder that already holds files.
    #[error(
        "{}: the folder is not empty; import into a new or empty folder (to add comments to an existing site, use `scholia import disqus`)",
        dir.display()
    )]
    TargetNotEmpty {
        /// The folder.
        dir: PathBuf,
    },
    /// `--uploads` does not name a folder.
    #[error(
        "{}: --uploads must name a folder (a copy of the site's wp-content/uploads)",
        dir.display()
    )]
    UploadsNotAFolder {
        /// The path given.
        dir: PathBuf,
    },
    /// A file could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("{}: cannot write: {source}; nothing was imported", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The site to merge into has errors of its own.
    #[error(
        "{}: the site has errors; fix them (see `scholia check`) before merging comments into it:\n{errors}",
        dir.display()
    )]
    SiteHasErrors {
        /// The site's folder.
        dir: PathBuf,
        /// Its errors.
        errors: crate::BuildErrors,
    },
}
