//! Comment threads on disk: `[[comment]]` tables in a TOML file.
//!
//! Reads and checks a thread on its own: each comment's fields, and that ids
//! are unique, parents exist and replies form a tree. All of that is known from
//! the one file, so it is checked here, where it is found even when the
//! article beside the thread is broken; the model only orders a valid thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use toml::Spanned;

use super::{Route, display_path, has_time, read_text_by, to_datetime};
use crate::error::{CommentProblem, Error, LineIndex, Location, toml_error};

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
    /// Whether `date` gives a time of day (else it is a date only).
    pub date_has_time: bool,
    /// The commenter's website, untrusted.
    pub url: Option<String>,
    /// Markdown written by the public, untrusted.
    pub body: String,
}

/// Reads one thread file, reached by `route`, and checks it, returning every
/// problem found.
pub fn load_thread(root: &Path, file: &Path, route: Route) -> Result<ThreadSource, Vec<Error>> {
    let shown = display_path(root, file);
    let text = read_text_by(root, file, route).map_err(|e| vec![e])?;
    let parsed: ThreadFile =
        toml::from_str(&text).map_err(|e| vec![toml_error(&shown, &text, 1, &e)])?;
    let mut errors = Vec::new();
    let mut comments = Vec::with_capacity(parsed.comment.len());
    let lines = LineIndex::new(&text);
    for spanned in parsed.comment {
        // toml's span of a table in an array starts at its `[[comment]]` header.
        let line = lines.line(spanned.span().start);
        let entry = spanned.into_inner();
        let date = match entry.date.as_ref().map(|d| (d, to_datetime(d))) {
            Some((value, Err(problem))) => {
                errors.push(Error::Comment {
                    at: Location::line(&shown, line),
                    id: entry.id.clone(),
                    problem: CommentProblem::InvalidDate {
                        value: value.to_string(),
                        problem,
                    },
                });
                None
            }
            Some((_, Ok(date))) => Some(date),
            None => None,
        };
        comments.push(CommentSource {
            id: entry.id,
            line,
            parent: entry.parent,
            author: entry.author,
            date,
            date_has_time: entry.date.as_ref().is_some_and(has_time),
            url: entry.url,
            body: entry.body,
        });
    }
    let thread = ThreadSource {
        path: shown,
        comments,
    };
    errors.extend(check_thread(&thread, &errors));
    if errors.is_empty() {
        Ok(thread)
    } else {
        Err(errors)
    }
}

/// Every problem of a thread as a whole, and of each comment's required fields.
/// `found` holds the problems met while reading it: a comment whose date did not
/// convert is not also reported as missing one.
fn check_thread(thread: &ThreadSource, found: &[Error]) -> Vec<Error> {
    let comments = &thread.comments;
    let at = |c: &CommentSource, problem| Error::Comment {
        at: Location::line(&thread.path, c.line),
        id: c.id.clone(),
        problem,
    };
    let bad_date_lines: Vec<usize> = found
        .iter()
        .filter_map(|e| match e {
            Error::Comment { at, .. } => at.line,
            _ => None,
        })
        .collect();
    let mut errors = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(comments.len());
    for (i, comment) in comments.iter().enumerate() {
        if let Some(&first) = index.get(comment.id.as_str()) {
            let first_line = comments[first].line;
            errors.push(at(comment, CommentProblem::DuplicateId { first_line }));
        } else {
            index.insert(&comment.id, i);
        }
        if comment.id.is_empty() || comment.id.chars().any(char::is_whitespace) {
            errors.push(at(comment, CommentProblem::BadId));
        }
        if comment
            .author
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
        {
            errors.push(at(comment, CommentProblem::Missing("author")));
        }
        if comment.date.is_none() && !bad_date_lines.contains(&comment.line) {
            errors.push(at(comment, CommentProblem::Missing("date")));
        }
        if comment.body.trim().is_empty() {
            errors.push(at(comment, CommentProblem::EmptyBody));
        }
    }
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(comments.len());
    for comment in comments {
        parents.push(match &comment.parent {
            None => None,
            Some(parent) => match index.get(parent.as_str()) {
                Some(&p) => Some(p),
                None => {
                    errors.push(at(comment, CommentProblem::UnknownParent(parent.clone())));
                    None
                }
            },
        });
    }
    errors.extend(
        cycles(comments, &parents)
            .into_iter()
            .map(|(first, ids)| at(&comments[first], CommentProblem::Cycle(ids))),
    );
    errors
}

/// Each cycle of replies: the index of its first comment in the file, and the
/// ids along it. A comment is in or under a cycle exactly when walking down
/// from the top-level comments never reaches it. Iterative, so that a chain of
/// 10,000 replies does not grow the stack.
fn cycles(comments: &[CommentSource], parents: &[Option<usize>]) -> Vec<(usize, Vec<String>)> {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); comments.len()];
    let mut stack = Vec::new();
    for (i, parent) in parents.iter().enumerate() {
        match parent {
            Some(p) => children[*p].push(i),
            None => stack.push(i),
        }
    }
    let mut seen = vec![false; comments.len()];
    while let Some(i) = stack.pop() {
        seen[i] = true;
        stack.extend(&children[i]);
    }
    let mut found = Vec::new();
    for start in 0..comments.len() {
        if seen[start] {
            continue;
        }
        // Walk up until a comment repeats: that comment starts the cycle.
        let mut path_position: HashMap<usize, usize> = HashMap::new();
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            if seen[i] && !path_position.contains_key(&i) {
                break; // joins a cycle already reported
            }
            if let Some(&pos) = path_position.get(&i) {
                let cycle = &path[pos..];
                let first = *cycle.iter().min().expect("a cycle has members");
                let mut ids: Vec<String> = cycle
                    .iter()
                    .map(|&c: &usize| comments[c].id.clone())
                    .collect();
                ids.push(comments[cycle[0]].id.clone());
                found.push((first, ids));
                break;
            }
            path_position.insert(i, path.len());
            path.push(i);
            seen[i] = true;
            current = parents[i];
        }
    }
    found
}
