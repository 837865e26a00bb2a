//! HTML from an export → Markdown (placeholder; being written).

use std::collections::HashMap;

/// The export's media library, for `[gallery]`: attachment URLs by id, and each
/// post's attachments in export order.
#[derive(Debug, Default)]
pub(crate) struct MediaLibrary {
    urls: HashMap<u64, String>,
    by_parent: HashMap<u64, Vec<u64>>,
}

impl MediaLibrary {
    /// Records one attachment.
    pub(crate) fn add(&mut self, id: u64, parent: Option<u64>, url: String) {
        self.urls.insert(id, url);
        if let Some(parent) = parent {
            self.by_parent.entry(parent).or_default().push(id);
        }
    }
}

/// Markdown made from export HTML, with what the conversion noticed.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    /// The Markdown.
    pub(crate) markdown: String,
    /// What was noticed on the way, for the import report.
    pub(crate) notes: Vec<ConversionNote>,
}

/// Something the conversion noticed that the import report should say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConversionNote {
    /// A shortcode the converter does not know, kept as text: its name.
    UnknownShortcode(String),
    /// Markdown would have lost text, so the HTML was kept as it was.
    KeptAsHtml,
    /// A `[gallery]` none of whose images are in the export.
    EmptyGallery,
}

/// A WordPress post or page body as Markdown.
pub(crate) fn article_markdown(html: &str, _post_id: u64, _media: &MediaLibrary) -> Converted {
    Converted {
        markdown: html.to_string(),
        notes: Vec::new(),
    }
}

/// A comment's HTML (WordPress `comment_content`, Disqus `message`) as Markdown.
pub(crate) fn comment_markdown(html: &str) -> Converted {
    Converted {
        markdown: html.to_string(),
        notes: Vec::new(),
    }
}

/// A plain-text field (title, name, tag) with its HTML entities decoded, even
/// when escaped twice, and any tags removed.
pub(crate) fn plain_text(text: &str) -> String {
    text.trim().to_string()
}
