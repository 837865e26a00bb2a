//! Comment threads on disk: `[[comment]]` tables in a TOML file.
//!
//! Reads and type-checks each comment; whether parents exist, ids are unique and
//! replies form a tree is checked by the model, which sees the whole thread.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use toml::Spanned;

use super::{display_path, read_text, to_datetime};
use crate::error::{Error, LineIndex, Location, toml_error};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThreadFile {
    #[serde(default)]
    comment: Vec<Spanned<CommentEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentEntry {
    id: String,
    parent: Option<String>,
    author: Option<String>,
    date: Option<toml::value::Datetime>,
    url: Option<String>,
    #[serde(default)]
    body: String,
}

/// A comment thread as read from disk, in file order.
#[derive(Debug)]
pub struct ThreadSource {
    /// The thread file, relative to the site root.
    pub path: PathBuf,
    /// The comments, in the order written.
    pub comments: Vec<CommentSource>,
}

/// One comment as written. `author` and `date` may be missing here: the model
/// reports that together with the thread's other problems.
#[derive(Debug, Clone)]
pub struct CommentSource {
    /// The id as written, kept so that old `#comment-<id>` links still land.
    pub id: String,
    /// The line of its `[[comment]]` header.
    pub line: usize,
    /// The id of the comment it replies to.
    pub parent: Option<String>,
    /// The commenter's name.
    pub author: Option<String>,
    /// When it was posted.
    pub date: Option<DateTime<FixedOffset>>,
    /// The commenter's website, untrusted.
    pub url: Option<String>,
    /// Markdown written by the public, untrusted.
    pub body: String,
}

/// Reads one thread file.
pub fn load_thread(root: &Path, file: &Path) -> Result<ThreadSource, Vec<Error>> {
    let shown = display_path(root, file);
    let text = read_text(root, file).map_err(|e| vec![e])?;
    let parsed: ThreadFile =
        toml::from_str(&text).map_err(|e| vec![toml_error(&shown, &text, 1, &e)])?;
    let mut errors = Vec::new();
    let mut comments = Vec::with_capacity(parsed.comment.len());
    let lines = LineIndex::new(&text);
    for spanned in parsed.comment {
        // toml's span of a table in an array starts at its `[[comment]]` header.
        let line = lines.line(spanned.span().start);
        let entry = spanned.into_inner();
        let date = match entry.date.as_ref().map(to_datetime) {
            Some(Err(message)) => {
                errors.push(Error::InvalidValue {
                    at: Location::line(&shown, line),
                    message: format!("comment `{}`: `date`: {message}", entry.id),
                });
                None
            }
            Some(Ok(date)) => Some(date),
            None => None,
        };
        comments.push(CommentSource {
            id: entry.id,
            line,
            parent: entry.parent,
            author: entry.author,
            date,
            url: entry.url,
            body: entry.body,
        });
    }
    if errors.is_empty() {
        Ok(ThreadSource {
            path: shown,
            comments,
        })
    } else {
        Err(errors)
    }
}
