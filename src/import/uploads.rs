//! Copying uploaded files into article bundles (placeholder; being written).

use std::path::{Path, PathBuf};

/// A local copy of a WordPress site's `wp-content/uploads` folder.
#[derive(Debug)]
pub(crate) struct Uploads {
    root: PathBuf,
}

/// HTML whose references to uploaded files now point into the bundle.
#[derive(Debug, Default)]
pub(crate) struct Localized {
    /// The HTML, rewritten.
    pub(crate) html: String,
    /// Files to copy: (absolute source, file name in the bundle).
    pub(crate) files: Vec<(PathBuf, String)>,
    /// References to uploads that are not in the folder, kept as they were.
    pub(crate) missing: Vec<String>,
}

impl Uploads {
    /// The uploads folder at `root`.
    pub(crate) fn new(root: &Path) -> Uploads {
        Uploads {
            root: root.to_path_buf(),
        }
    }

    /// Rewrites every reference in `html` to a file of this folder.
    pub(crate) fn localize(&self, html: &str) -> Localized {
        let _ = &self.root;
        Localized {
            html: html.to_string(),
            ..Localized::default()
        }
    }
}
