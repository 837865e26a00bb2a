//! Comment threads as trees, flattened into display order (the loader has
//! checked them).
//!
//! Every walk here is iterative: a chain of 10,000 replies must not grow the
//! stack. The result is a flat list in display order (each reply right after its
//! parent's earlier replies) with each comment's nesting depth, which templates
//! render with a plain loop.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::{CommentOrder, CommentsConfig};
use crate::content::{CommentSource, ThreadSource};
use crate::error::{Location, Warning};
use crate::markdown::{render_untrusted, safe_url};

/// An article's comments in display order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommentThread {
    /// Comments in display order: depth-first, siblings in the configured order.
    pub comments: Vec<Comment>,
}

/// One comment, ready to show. The model holds every comment of the site
/// until the pages are written (195,158 on the benchmark archive), so its
/// texts are boxed (no spare capacity, 8 bytes less each) and its numbers
/// 32-bit: 96 bytes a comment rather than 144.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// The id as written (the anchor is `comment-<id>`).
    pub id: Box<str>,
    /// The commenter's name.
    pub author: Box<str>,
    /// The commenter's website, only when it is an http(s) URL.
    pub url: Option<Box<str>>,
    /// When it was posted (midnight UTC when only the day is known).
    pub date: DateTime<FixedOffset>,
    /// Whether `date` gives a time of day (else it is a date only).
    pub date_has_time: bool,
    /// The body, rendered and sanitized.
    pub body_html: Box<str>,
    /// Nesting level shown, from 1 (top level) to `max_depth`.
    pub depth: u32,
    /// The comment this one replies to, as an index into the thread.
    pub parent: Option<u32>,
}

impl CommentThread {
    /// The number of comments.
    pub fn len(&self) -> usize {
        self.comments.len()
    }

    /// Whether the thread has no comments.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty()
    }
}

/// Puts a thread in display order. The loader has checked it (ids unique,
/// parents known, no cycles, required fields present), so every comment is
/// reached from the top level.
pub fn build_thread(
    source: &ThreadSource,
    config: &CommentsConfig,
    warnings: &mut Vec<Warning>,
) -> CommentThread {
    let comments = &source.comments;
    let index: HashMap<&str, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let parents: Vec<Option<usize>> = comments
        .iter()
        .map(|c| c.parent.as_deref().and_then(|p| index.get(p).copied()))
        .collect();
    let order = display_order(comments, &parents, config.order);
    warn_replies_before_parents(source, &parents, warnings);
    CommentThread {
        comments: place(comments, &parents, &order, config.max_depth),
    }
}

/// Depth-first order from the top-level comments, siblings sorted by date (then
/// id).
fn display_order(
    comments: &[CommentSource],
    parents: &[Option<usize>],
    order: CommentOrder,
) -> Vec<(usize, usize)> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); comments.len()];
    let mut roots = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent {
            Some(p) => children[*p].push(i),
            None => roots.push(i),
        }
    }
    let sort = |list: &mut Vec<usize>| {
        list.sort_by(|&a, &b| {
            let (ca, cb) = (&comments[a], &comments[b]);
            let oldest_first = ca
                .date
                .cmp(&cb.date)
                .then_with(|| compare_ids(&ca.id, &cb.id));
            match order {
                CommentOrder::Oldest => oldest_first,
                CommentOrder::Newest => oldest_first.reverse(),
            }
        })
    };
    sort(&mut roots);
    children.iter_mut().for_each(sort);

    let mut result = Vec::with_capacity(comments.len());
    // (comment, depth); pushed in reverse so the first sibling pops first.
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 1)).collect();
    while let Some((i, depth)) = stack.pop() {
        result.push((i, depth));
        stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1)));
    }
    result
}

/// Orders ids numerically when both are numbers (WordPress ids: 9 before 10),
/// else as text.
pub fn compare_ids(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

fn warn_replies_before_parents(
    source: &ThreadSource,
    parents: &[Option<usize>],
    warnings: &mut Vec<Warning>,
) {
    for (i, parent) in parents.iter().enumerate() {
        let (Some(p), comment) = (parent, &source.comments[i]) else {
            continue;
        };
        let parent = &source.comments[*p];
        if comment.date < parent.date {
            warnings.push(Warning {
                at: Location::line(&source.path, comment.line),
                message: format!(
                    "comment `{}` is dated before `{}`, the comment it replies to; check both dates",
                    comment.id, parent.id
                ),
            });
        }
    }
}

/// Builds the display list: bodies rendered in parallel, depth capped.
fn place(
    comments: &[CommentSource],
    parents: &[Option<usize>],
    order: &[(usize, usize)],
    max_depth: usize,
) -> Vec<Comment> {
    let mut position = vec![0usize; comments.len()];
    for (pos, &(i, _)) in order.iter().enumerate() {
        position[i] = pos;
    }
    order
        .par_iter()
        .map(|&(i, depth)| {
            let source = &comments[i];
            Comment {
                id: source.id.as_str().into(),
                author: source.author.as_deref().unwrap_or_default().into(),
                url: source.url.as_deref().and_then(safe_url).map(Box::from),
                date: source.date.expect("dates were checked"),
                date_has_time: source.date_has_time,
                body_html: render_untrusted(&source.body).into_boxed_str(),
                depth: narrow(depth.min(max_depth)),
                parent: parents[i].map(|p| narrow(position[p])),
            }
        })
        .collect()
}

/// A depth or a position in a thread as a comment stores it. A thread file
/// holds at most [`crate::content::MAX_TEXT_FILE`] bytes, so far fewer
/// comments than `u32::MAX`.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::compare_ids;
    use std::cmp::Ordering;

    #[test]
    fn numeric_ids_order_as_numbers() {
        assert_eq!(compare_ids("9", "10"), Ordering::Less);
        assert_eq!(compare_ids("b", "a"), Ordering::Greater);
        assert_eq!(compare_ids("10", "a"), Ordering::Less);
    }
}
