//! An article's body HTML and comments, kept apart from the rest of its model
//! so that a build can leave them packed until a page shows them.
//!
//! Owns [`ArticleText`] and [`LazyText`], and how a text is packed into the
//! build cache and read back. Only an article's own page, its comment feed,
//! its search entry and a full-text feed entry show its text: a rebuild that
//! reuses 10,000 cached articles and renders one of them decodes one text,
//! not 10,000 (on the benchmark archive, 236 MB of HTML and 195,000
//! comments). It decides nothing about what is rendered.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::CommentThread;

/// What only an article's own pages and feed entries show.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleText {
    /// Body HTML.
    pub content_html: String,
    /// The comments, checked and ordered.
    pub thread: CommentThread,
}

/// An [`ArticleText`] in hand, or packed by an earlier build and decoded on
/// first use.
#[derive(Clone)]
pub struct LazyText {
    /// The text once decoded; `None` if the packed bytes did not decode.
    decoded: OnceLock<Option<ArticleText>>,
    /// The bytes [`pack`] made, while not decoded.
    packed: Option<Arc<[u8]>>,
}

/// Shows the text if decoded, else the size of its packed bytes: a test's
/// failure message should not be a page of byte values.
impl std::fmt::Debug for LazyText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.decoded.get(), &self.packed) {
            (Some(Some(text)), _) => f.debug_tuple("LazyText").field(text).finish(),
            (Some(None), Some(_)) => f.write_str("LazyText(unreadable)"),
            (None, Some(packed)) => write!(f, "LazyText(packed, {} bytes)", packed.len()),
            (_, None) => f.write_str("LazyText(missing)"),
        }
    }
}

/// The empty text shown for one whose bytes did not decode: the build then
/// fails ([`LazyText::is_unreadable`]), so nothing built with it is published.
static UNREADABLE: ArticleText = ArticleText {
    content_html: String::new(),
    thread: CommentThread {
        comments: Vec::new(),
    },
};

impl LazyText {
    /// A text in hand.
    pub fn new(text: ArticleText) -> Self {
        LazyText {
            decoded: OnceLock::from(Some(text)),
            packed: None,
        }
    }

    /// A text to decode from `packed` (made by [`pack`], and checked against
    /// the hash [`pack`] gave) when first used.
    pub(crate) fn packed(packed: Arc<[u8]>) -> Self {
        LazyText {
            decoded: OnceLock::new(),
            packed: Some(packed),
        }
    }

    /// A text that was never set: what an article's model holds while it is
    /// decoded from the cache, before its packed text is put in.
    pub(crate) fn missing() -> Self {
        LazyText {
            decoded: OnceLock::from(None),
            packed: None,
        }
    }

    /// The text, decoded now if it is still packed. An empty text if it does
    /// not decode, which [`LazyText::is_unreadable`] then tells.
    pub fn get(&self) -> &ArticleText {
        self.decoded
            .get_or_init(|| self.packed.as_deref().and_then(unpack))
            .as_ref()
            .unwrap_or(&UNREADABLE)
    }

    /// Whether the text was used and could not be decoded. The bytes were
    /// checked against their hash when the article was reused, so this is
    /// never expected; a build that meets it must not publish.
    pub fn is_unreadable(&self) -> bool {
        matches!(self.decoded.get(), Some(None))
    }

    /// Whether the text is in hand (decoded, or never packed).
    #[cfg(test)]
    pub(crate) fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }
}

/// `text` serialized and compressed with LZ4 (mostly HTML: about a third of
/// its size), with the hash of those bytes, to check them by when they are
/// read back.
pub(crate) fn pack(text: &ArticleText) -> Option<(Vec<u8>, u64)> {
    let bytes = postcard::to_stdvec(text).ok()?;
    let packed = lz4_flex::compress_prepend_size(&bytes);
    let hash = packed_hash(&packed);
    Some((packed, hash))
}

/// The hash [`pack`] gives of packed bytes.
pub(crate) fn packed_hash(packed: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(packed)
}

/// What [`pack`] or [`crate::site::articles`] compressed, decompressed;
/// none if it is not that (a damaged file).
pub(crate) fn decompress(packed: &[u8]) -> Option<Vec<u8>> {
    // LZ4 expands at most 255-fold: a larger stated size is damage, and
    // would be a needless allocation.
    let stated = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
    if stated > packed.len().saturating_mul(255) {
        return None;
    }
    lz4_flex::decompress_size_prepended(packed).ok()
}

/// What [`pack`] made, read back.
fn unpack(packed: &[u8]) -> Option<ArticleText> {
    postcard::from_bytes(&decompress(packed)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small text with a body and no comments.
    fn body_text() -> ArticleText {
        ArticleText {
            content_html: "<p>Body</p>".into(),
            thread: CommentThread::default(),
        }
    }

    #[test]
    fn a_packed_text_is_debugged_by_its_size_and_a_decoded_one_as_text() {
        let (packed, _) = pack(&body_text()).unwrap();
        let lazy = LazyText::packed(packed.clone().into());
        let shown = format!("{lazy:?}");
        assert_eq!(shown, format!("LazyText(packed, {} bytes)", packed.len()));
        lazy.get();
        assert!(format!("{lazy:?}").contains("<p>Body</p>"), "{lazy:?}");
        let damaged = LazyText::packed(packed[..packed.len() - 3].into());
        damaged.get();
        assert_eq!(format!("{damaged:?}"), "LazyText(unreadable)");
        assert_eq!(format!("{:?}", LazyText::missing()), "LazyText(missing)");
    }

    #[test]
    fn a_packed_text_decodes_as_it_was_and_damage_is_told() {
        let text = body_text();
        let (packed, hash) = pack(&text).unwrap();
        assert_eq!(packed_hash(&packed), hash);
        let lazy = LazyText::packed(packed.clone().into());
        assert!(!lazy.is_unreadable());
        assert_eq!(lazy.get(), &text);
        assert!(!lazy.is_unreadable());

        let damaged = LazyText::packed(packed[..packed.len() - 3].into());
        assert_eq!(damaged.get(), &ArticleText::default());
        assert!(damaged.is_unreadable());
        assert!(LazyText::missing().is_unreadable());
    }

    #[test]
    fn a_stated_size_beyond_what_lz4_can_give_is_refused() {
        assert!(decompress(&[]).is_none());
        assert!(decompress(&[1, 2]).is_none());
        // States 4 GiB from 8 bytes: refused before any allocation.
        assert!(decompress(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]).is_none());
    }
}
