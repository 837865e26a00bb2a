//! Errors and warnings of a build, each knowing where in the site's files it happened.
//!
//! Owns the typed [`Error`], the [`Location`] it points at, and [`BuildErrors`], the
//! collection a build returns so that every problem is reported in one run. It never
//! prints: the command layer decides how errors reach the user.

use std::fmt;
use std::path::{Path, PathBuf};

/// A place in the site's files: a path (relative to the site root where possible)
/// and, when known, a 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user would type it from the site root.
    pub path: PathBuf,
    /// The 1-based line, when the problem has one.
    pub line: Option<usize>,
}

impl Location {
    /// A location naming a whole file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
        }
    }

    /// A location naming one line of a file.
    pub fn line(path: impl Into<PathBuf>, line: usize) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path.display(), line),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// One problem found while building a site.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("{}: cannot read: {source}", path.display())]
    Read {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The output could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// What could not be written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A TOML document (site.toml, front matter, a comment thread) did not parse or
    /// did not match what scholia expects (a wrong type, an unknown key).
    #[error("{at}: {message}")]
    Toml {
        /// Where.
        at: Location,
        /// The parser's explanation, with a hint where we have one.
        message: String,
    },
    /// Front matter is missing or not closed.
    #[error("{at}: {message}")]
    FrontMatter {
        /// Where.
        at: Location,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A file is where scholia cannot use it (a thread with no article).
    #[error("{at}: {message}")]
    Layout {
        /// The file.
        at: Location,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A value is well-formed TOML but not acceptable (a bad date, a bad permalink).
    #[error("{at}: {message}")]
    InvalidValue {
        /// Where.
        at: Location,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An article names an author that has no file in `content/authors/`.
    #[error(
        "{at}: author `{author}` has no file; create content/authors/{author}.md or fix the id in `authors`"
    )]
    MissingAuthor {
        /// The article's `authors` entry.
        at: Location,
        /// The id it names.
        author: String,
    },
    /// A problem with one comment of a thread.
    #[error("{at}: comment `{id}`: {problem}")]
    Comment {
        /// The comment's place in its thread file.
        at: Location,
        /// The comment's id as written.
        id: String,
        /// What is wrong with it.
        problem: CommentProblem,
    },
    /// Two things would be written to the same URL: articles, pages, aliases, or
    /// one of them and a page the site generates.
    #[error(
        "{first} and {second} both resolve to {url}; change the `slug` or alias of one of them"
    )]
    UrlCollision {
        /// What claims it first (a file, or a generated page).
        first: String,
        /// What claims it second.
        second: String,
        /// The URL they share.
        url: String,
    },
    /// A template did not compile or failed while rendering a page.
    #[error("template {template}: {message}")]
    Template {
        /// The template's name (or the page being rendered).
        template: String,
        /// Tera's explanation.
        message: String,
    },
    /// A file that is not UTF-8 text.
    #[error(
        "{at}: not UTF-8 text: byte {offset} of the file ({byte:#04x}) is not part of a UTF-8 character; save the file as UTF-8"
    )]
    NotUtf8 {
        /// The file and the line of the first bad byte.
        at: Location,
        /// The first bad byte's offset from the start of the file.
        offset: usize,
        /// Its value.
        byte: u8,
    },
    /// A file larger than scholia reads, so that a stray huge file cannot
    /// exhaust memory.
    #[error(
        "{}: the file is {size} bytes, more than the {limit} bytes scholia reads from one file; split it or remove it",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The most scholia reads.
        limit: u64,
    },
    /// Something under `content/` that is not a regular file where one was
    /// expected (a pipe, a socket, a device): reading it could block forever.
    #[error(
        "{}: not a regular file (a pipe, socket or device); replace it with a file or remove it",
        path.display()
    )]
    NotAFile {
        /// What was found.
        path: PathBuf,
    },
    /// A symbolic link under `content/` that scholia does not follow.
    #[error("{}: {problem}", link.display())]
    Link {
        /// The link (or a path through it), relative to the site root.
        link: PathBuf,
        /// Why it is not followed.
        problem: LinkProblem,
    },
}

/// Why a symbolic link is not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// It leads out of the site's folder, where a build must not read: a site
    /// built from someone else's repository would publish what it points at.
    Outside(PathBuf),
    /// It leads back to a folder that holds it, so walking it never ends.
    Loop(PathBuf),
    /// It cannot be resolved: it points to nothing, or through a loop of links.
    Broken(String),
}

impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkProblem::Outside(target) => write!(
                f,
                "symbolic link to {}, outside the site's folder; scholia follows links only within the site: copy what it points at into the site",
                target.display()
            ),
            LinkProblem::Loop(ancestor) => write!(
                f,
                "symbolic link back to {}, which holds it, so it never ends; remove the link",
                ancestor.display()
            ),
            LinkProblem::Broken(why) => write!(
                f,
                "symbolic link that cannot be followed ({why}): it points to nothing or to itself through other links; fix or remove it"
            ),
        }
    }
}

/// What is wrong with a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommentProblem {
    /// `parent` names no comment of the thread.
    UnknownParent(String),
    /// The id is used by an earlier comment (at that line).
    DuplicateId {
        /// Line of the first comment with this id.
        first_line: usize,
    },
    /// Following `parent` from this comment comes back to it.
    Cycle(Vec<String>),
    /// A required field is absent.
    Missing(&'static str),
    /// The body is empty.
    EmptyBody,
    /// The id is empty or has white space, so it cannot be an anchor.
    BadId,
}

impl fmt::Display for CommentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommentProblem::UnknownParent(parent) => write!(
                f,
                "`parent = \"{parent}\"` names no comment in this thread; fix the id or remove `parent`"
            ),
            CommentProblem::DuplicateId { first_line } => write!(
                f,
                "this id is already used by the comment at line {first_line}; ids must be unique within a thread"
            ),
            CommentProblem::Cycle(ids) => write!(
                f,
                "replies form a cycle ({}); one of them must have no `parent` or another one",
                ids.join(" → ")
            ),
            CommentProblem::Missing(field) => {
                write!(f, "`{field}` is missing; every comment needs one")
            }
            CommentProblem::EmptyBody => {
                write!(f, "`body` is empty; remove the comment or give it text")
            }
            CommentProblem::BadId => write!(
                f,
                "the id must be non-empty and without spaces, since it becomes the link #comment-<id>"
            ),
        }
    }
}

/// Every error a build found, in the order found. Never empty.
#[derive(Debug)]
pub struct BuildErrors(pub Vec<Error>);

impl fmt::Display for BuildErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.0 {
            writeln!(f, "error: {error}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} found", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for BuildErrors {}

impl From<Error> for BuildErrors {
    fn from(error: Error) -> Self {
        BuildErrors(vec![error])
    }
}

impl From<Vec<Error>> for BuildErrors {
    fn from(errors: Vec<Error>) -> Self {
        BuildErrors(errors)
    }
}

/// Something worth telling the user that does not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub at: Location,
    /// What, and what to do about it.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The 1-based line of a byte offset in `text`.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line starts of a text, for many offset → line look-ups in logarithmic
/// time (a thread file of 10,000 comments needs 10,000 of them).
#[derive(Debug)]
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        LineIndex {
            newlines: text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&n| n < offset) + 1
    }
}

/// Turns a TOML parse error into an [`Error::Toml`] whose line is counted from
/// `first_line`, the line of the file on which `text` starts. Files without an
/// `[extra]` table (comment threads) get no hint to use one.
pub fn toml_error(path: &Path, text: &str, first_line: usize, error: &toml::de::Error) -> Error {
    let line = error
        .span()
        .map(|span| first_line + line_of_offset(text, span.start) - 1)
        .unwrap_or(first_line);
    // serde speaks of sequences; TOML users write arrays.
    let message = error.message().trim().replace("a sequence", "an array");
    Error::Toml {
        at: Location::line(path, line),
        message: format!("{message}{}", toml_hint(&message, has_extra(path))),
    }
}

/// Whether a file may hold an `[extra]` table: everything but comment threads.
fn has_extra(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md") || path.ends_with(crate::config::CONFIG_FILE)
}

/// What to do about the most common TOML mistakes.
fn toml_hint(message: &str, extra_allowed: bool) -> String {
    if message.starts_with("unknown field") && extra_allowed {
        " (check the spelling; custom values go under [extra])".into()
    } else if message.starts_with("unknown field") {
        " (check the spelling)".into()
    } else if message.contains("expected a TOML datetime") {
        " (write dates without quotes: 2016-08-22 or 2016-08-22T09:30:00Z)".into()
    } else if message.contains("expected an array") {
        " (write a list in brackets: [\"Iran\", \"Russia\"])".into()
    } else if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        format!(" (add `{field} = …`)")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_from_one() {
        let index = LineIndex::new("a\nb\nc");
        for (offset, line) in [(0, 1), (1, 1), (2, 2), (4, 3), (99, 3)] {
            assert_eq!(line_of_offset("a\nb\nc", offset), line);
            assert_eq!(index.line(offset), line);
        }
    }
}
