//! `scholia import disqus` (being written).

use std::path::Path;

use super::{ImportError, ImportReport};

/// Merges the comments of a Disqus export into the site at `site`.
pub fn import(_export: &Path, _site: &Path) -> Result<ImportReport, ImportError> {
    Ok(ImportReport::default())
}
