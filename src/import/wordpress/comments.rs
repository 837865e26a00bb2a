//! A post's `<wp:comment>`s → its scholia thread: which comments are kept,
//! repeated ids, replies whose parent was left out, missing dates and names.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use super::plan::resolve_date;
use super::records::Comment;
use crate::import::ImportReport;
use crate::import::html::comment_markdown;
use crate::import::thread::kept_parents;
use crate::import::write::CommentFile;

/// The name given to a comment that has none.
const ANONYMOUS: &str = "Anonymous";

/// What the thread of one post is made from.
pub(super) struct ThreadInput<'a> {
    /// The post's comments, in export order.
    pub(super) comments: &'a [Comment],
    /// The post, for the report.
    pub(super) label: &'a str,
    /// The post's date: a comment without one is dated so.
    pub(super) post_date: DateTime<FixedOffset>,
    /// The blog's usual offset.
    pub(super) site_offset: FixedOffset,
    /// Keep pingbacks and trackbacks.
    pub(super) pingbacks: bool,
}

/// The kept comments of a post, threaded, in export order.
pub(super) fn build_thread(input: &ThreadInput<'_>, report: &mut ImportReport) -> Vec<CommentFile> {
    let comments = unique_ids(input, report);
    let parents: HashMap<String, Option<String>> = comments
        .iter()
        .map(|c| (c.id.clone(), c.parent.clone()))
        .collect();
    let mut kept = Vec::new();
    for comment in &comments {
        let label = format!("comment {} on {}", comment.id, input.label);
        if let Some(reason) = skip_reason(comment, input.pingbacks) {
            report.skip(reason, label);
            continue;
        }
        let converted = comment_markdown(&comment.content);
        if converted.markdown.trim().is_empty() {
            report.skip("empty comments", label);
            continue;
        }
        kept.push(comment_file(
            comment,
            converted.markdown,
            input,
            &label,
            report,
        ));
    }
    let order: Vec<String> = kept.iter().map(|c| c.id.clone()).collect();
    for (comment, parent) in kept.iter_mut().zip(kept_parents(&parents, &order)) {
        if comment.parent != parent {
            report.repair(
                "replies whose parent was left out or missing, moved to the nearest kept ancestor",
                format!("comment {} on {}", comment.id, input.label),
            );
        }
        comment.parent = parent;
    }
    kept
}

/// The comments with every id unique: an exact repeat is dropped, a different
/// comment under a taken id gets a new one (`12-2`), a missing id one made
/// from its position.
fn unique_ids(input: &ThreadInput<'_>, report: &mut ImportReport) -> Vec<Comment> {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut unique: Vec<Comment> = Vec::with_capacity(input.comments.len());
    for (n, comment) in input.comments.iter().enumerate() {
        let mut comment = comment.clone();
        if comment.id.is_empty() || comment.id.contains(char::is_whitespace) {
            comment.id = format!("wp-{}", n + 1);
            report.repair("comments without a usable id, numbered", input.label);
        }
        if let Some(&first) = by_id.get(&comment.id) {
            if unique[first] == comment {
                report.repair(
                    "comments repeated in the export, imported once",
                    format!("comment {} on {}", comment.id, input.label),
                );
                continue;
            }
            let original = comment.id.clone();
            let mut k = 2;
            while by_id.contains_key(&format!("{original}-{k}")) {
                k += 1;
            }
            comment.id = format!("{original}-{k}");
            report.repair(
                "different comments sharing one id, the later renamed",
                format!("comment {original} → {} on {}", comment.id, input.label),
            );
        }
        by_id.insert(comment.id.clone(), unique.len());
        unique.push(comment);
    }
    unique
}

/// Why a comment is left out, if it is.
fn skip_reason(comment: &Comment, pingbacks: bool) -> Option<String> {
    let reason = match (comment.approved.as_str(), comment.kind.as_str()) {
        ("spam", _) => "spam comments",
        ("trash" | "post-trashed", _) => "trashed comments",
        ("1", "" | "comment") => return None,
        ("1", "pingback" | "trackback") if pingbacks => return None,
        ("1", "pingback" | "trackback") => {
            "pingbacks and trackbacks (import them with --pingbacks)"
        }
        ("1", other) => return Some(format!("comments of type `{other}`")),
        _ => "unapproved comments",
    };
    Some(reason.to_string())
}

/// A kept comment as written to the thread file (its parent is set later).
fn comment_file(
    comment: &Comment,
    body: String,
    input: &ThreadInput<'_>,
    label: &str,
    report: &mut ImportReport,
) -> CommentFile {
    let date = resolve_date(comment.date_local, comment.date_gmt, input.site_offset)
        .unwrap_or_else(|| {
            report.repair("comments without a date, dated like their post", label);
            input.post_date
        });
    let author = if comment.author.is_empty() {
        report.repair(
            format!("comments without a name, shown as “{ANONYMOUS}”"),
            label,
        );
        ANONYMOUS.to_string()
    } else {
        comment.author.clone()
    };
    let url = comment.url.trim();
    CommentFile {
        id: comment.id.clone(),
        parent: comment.parent.clone(),
        author,
        date,
        url: (url.starts_with("http://") || url.starts_with("https://")).then(|| url.to_string()),
        body,
    }
}
