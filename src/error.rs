//! Errors and warnings of a build, each knowing where in the site's files it happened.
//!
//! Owns the typed [`Error`], the [`Location`] it points at, and [`BuildErrors`], the
//! collection a build returns so that every problem is reported in one run. It never
//! prints: the command layer decides how errors reach the user.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::site::permalink::MAX_SEGMENT_BYTES;

/// A place in the site's files: a path (relative to the site root where possible)
/// and, when known, a 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

/// One problem found while building a site. Each kind carries the data of its
/// problem (what was written, and where) rather than a sentence, so callers and
/// tests can match on it; `Display` turns it into a message that says what to do.
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
    /// The folder given as the site root has no `site.toml`.
    #[error(
        "{}: no site.toml here; run scholia in a site's folder, or pass --root DIR (`scholia init DIR` makes a new site)",
        root.display()
    )]
    NoSiteConfig {
        /// The folder looked in.
        root: PathBuf,
    },
    /// The output folder would replace the site's own files when published.
    #[error(
        "{}: the output folder would replace the site's own files; choose a folder such as `public`",
        path.display()
    )]
    OutputOverlapsSources {
        /// The output folder asked for.
        path: PathBuf,
    },
    /// `scholia init` was pointed at a folder that already holds files.
    #[error(
        "{}: this folder is not empty; scholia init only writes into a new or empty folder",
        path.display()
    )]
    FolderNotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// A TOML document (site.toml, front matter, a comment thread) did not parse or
    /// did not match what scholia expects (a wrong type, an unknown key). The
    /// message is the TOML parser's, with a hint of what to do where we have one.
    #[error("{at}: {message}")]
    Toml {
        /// Where.
        at: Location,
        /// The parser's explanation, with a hint where we have one.
        message: String,
    },
    /// A content file does not start with a `+++` line.
    #[error(
        "{at}: the file must start with a `+++` line, then TOML front matter, then another `+++` line"
    )]
    FrontMatterMissing {
        /// The file (line 1).
        at: Location,
    },
    /// Front matter opened with `+++` is never closed.
    #[error("{at}: front matter opened with `+++` is never closed; add a `+++` line after it")]
    FrontMatterUnclosed {
        /// The file (line 1).
        at: Location,
    },
    /// A comment thread file has no article beside it, so its comments would
    /// vanish from the site.
    #[error(
        "{at}: this comment thread has no article beside it; create {} or rename the thread",
        article.display()
    )]
    OrphanThread {
        /// The thread file.
        at: Location,
        /// The article file it would belong to.
        article: PathBuf,
    },
    /// A date in front matter is not a date scholia can place in time.
    #[error("{at}: `{key}` = {value}: {problem}")]
    InvalidDate {
        /// Where the value is written.
        at: Location,
        /// The key (`date`, `updated`).
        key: &'static str,
        /// The value as written.
        value: String,
        /// What is wrong with it.
        problem: DateProblem,
    },
    /// A `slug` (written, or taken from the file name) cannot be one URL segment.
    #[error("{at}: slug `{slug}` {problem}")]
    InvalidSlug {
        /// Where the slug is written (the file, when it comes from the file name).
        at: Location,
        /// The slug.
        slug: String,
        /// What is wrong with it.
        problem: SlugProblem,
    },
    /// An entry of `aliases` cannot be served as a redirect page.
    #[error("{at}: alias `{alias}` {problem}")]
    InvalidAlias {
        /// Where the alias is written.
        at: Location,
        /// The alias as written.
        alias: String,
        /// What is wrong with it.
        problem: AliasProblem,
    },
    /// A tag has no letter or digit, so no URL can be made from it.
    #[error("{at}: tag `{tag}` has no letters or digits to make a URL from; rename it")]
    UnsluggableTag {
        /// Where the tag is written.
        at: Location,
        /// The tag as written.
        tag: String,
    },
    /// A value in `site.toml` is well-formed but not acceptable.
    #[error("{at}: {key} = {value}: {problem}")]
    InvalidConfig {
        /// Where the key is written (the file alone when the default is at fault).
        at: Location,
        /// The key, with its table (`[build] permalink`).
        key: &'static str,
        /// The value in use, as TOML would write it.
        value: String,
        /// What is wrong with it.
        problem: ConfigProblem,
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
    /// A template does not compile.
    #[error("{}: {message}; fix the template{}", at(template, *line), template.fallback_hint())]
    TemplateSyntax {
        /// The template's file.
        template: TemplateFile,
        /// The line, when Tera gives one.
        line: Option<usize>,
        /// Tera's explanation.
        message: String,
    },
    /// A template failed while rendering. Reported once for all the pages the
    /// same problem broke, since fixing the template fixes them all.
    #[error(
        "{}: {message} (while rendering {first_page}{}); fix the template{}",
        at(template, *line),
        others(*pages),
        template.fallback_hint()
    )]
    TemplateRender {
        /// The template's file (the one the failing line is in, which may be
        /// a parent or an include of the page's own template).
        template: TemplateFile,
        /// The line, when Tera gives one.
        line: Option<usize>,
        /// Tera's explanation.
        message: String,
        /// The first page (by output path) this broke.
        first_page: String,
        /// How many pages it broke.
        pages: usize,
    },
    /// A rendered page whose links could not be made relative
    /// (`[build] urls = "relative"`).
    #[error(
        "{page}: cannot make its links relative: {message}; set `[build] urls = \"root\"` in site.toml to build with site-root links"
    )]
    RelativeUrls {
        /// The page, as a path under the output folder.
        page: String,
        /// The rewriter's explanation.
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
    /// An article's text, packed by an earlier build in the build cache and
    /// checked against its hash when reused, did not decode: a fault in
    /// scholia, not in the site. The build publishes nothing rather than a
    /// page without its text.
    #[error(
        "{}: the build cache's copy of this article cannot be read; delete the `.scholia-cache` folder and build again (and please report it)",
        path.display()
    )]
    UnreadableCache {
        /// The article's Markdown file, relative to the site root.
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

/// A template and its line as `file:line`.
fn at(template: &TemplateFile, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{template}:{line}"),
        None => template.to_string(),
    }
}

/// " and N other pages", or nothing.
fn others(pages: usize) -> String {
    match pages {
        0 | 1 => String::new(),
        2 => " and 1 other page".into(),
        n => format!(" and {} other pages", n - 1),
    }
}

/// Where a template comes from: the site's own file, or scholia's built-in theme.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TemplateFile {
    /// `templates/NAME` in the site, relative to the site root.
    Site(PathBuf),
    /// A built-in template, by name.
    BuiltIn(String),
}

impl TemplateFile {
    /// What else the user can do about a broken site template: delete it.
    fn fallback_hint(&self) -> String {
        match self {
            TemplateFile::Site(path) => format!(
                " or delete {} to use the built-in one where there is one",
                path.display()
            ),
            TemplateFile::BuiltIn(_) => String::new(),
        }
    }
}

impl fmt::Display for TemplateFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateFile::Site(path) => write!(f, "{}", path.display()),
            TemplateFile::BuiltIn(name) => write!(f, "built-in template {name}"),
        }
    }
}

/// Why a TOML date cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// A time alone, without a day.
    NoDay,
    /// A day that no calendar has (2015-02-29).
    NotACalendarDate,
    /// A time that no clock shows.
    InvalidTime,
    /// A UTC offset beyond ±24 hours.
    InvalidOffset,
}

impl fmt::Display for DateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateProblem::NoDay => "has no day; write it as 2016-08-22 or 2016-08-22T09:30:00Z",
            DateProblem::NotACalendarDate => {
                "is not a day of the calendar; check the month and day"
            }
            DateProblem::InvalidTime => {
                "is not a time of day; check the hours, minutes and seconds"
            }
            DateProblem::InvalidOffset => {
                "has a UTC offset beyond a day; write one such as +02:00, or Z"
            }
        })
    }
}

/// Why a slug cannot be one segment of a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugProblem {
    /// Empty, `.` or `..`, which would escape or replace its folder.
    NotASegment,
    /// It holds a character that splits or ends a URL path.
    Character(char),
    /// Longer (in UTF-8 bytes, given) than a file name may be.
    TooLong(usize),
}

impl fmt::Display for SlugProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlugProblem::NotASegment => {
                f.write_str("cannot be a URL segment; write a `slug` of letters, digits and `-`")
            }
            SlugProblem::Character(c) => write!(
                f,
                "contains {c:?}; write a `slug` of letters, digits and `-`"
            ),
            SlugProblem::TooLong(bytes) => write!(
                f,
                "is {bytes} bytes long, more than the {MAX_SEGMENT_BYTES} a folder name may be; \
                 write a shorter `slug`"
            ),
        }
    }
}

/// Why an alias cannot be a redirect page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasProblem {
    /// A whole URL (`https://…`) instead of a path.
    FullUrl,
    /// A `..`, `.`, `?`, `#` or `\`, which a static host cannot serve as a file.
    NotAPlainPath,
    /// The site root, which is the home page.
    SiteRoot,
    /// A file name that web hosts run as a program or read as their own
    /// settings (`.htaccess`, `_worker.js`, `x.php`, …).
    HostFile,
    /// A segment longer (in UTF-8 bytes, given) than a file name may be.
    SegmentTooLong(usize),
}

impl fmt::Display for AliasProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fixed = match self {
            AliasProblem::FullUrl => {
                "is a full URL; write only its path, e.g. `/2016/08/22/old-slug/`"
            }
            AliasProblem::NotAPlainPath => {
                "must be a plain path; remove `..`, `.`, `?`, `#` and `\\`"
            }
            AliasProblem::SiteRoot => "is the site root, where the home page lives; remove it",
            AliasProblem::HostFile => {
                "would be written as a file that web hosts run or read as their settings; \
                 end it with `/` to make it a folder (`/old.php/`), or remove it"
            }
            AliasProblem::SegmentTooLong(bytes) => {
                return write!(
                    f,
                    "has a part {bytes} bytes long, more than the {MAX_SEGMENT_BYTES} a file \
                     or folder name may be; shorten it or remove the alias"
                );
            }
        };
        f.write_str(fixed)
    }
}

/// Why a `site.toml` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigProblem {
    /// The article URL pattern is not usable.
    Permalink(PermalinkProblem),
    /// A count that must be at least 1.
    Zero,
    /// No highlighting theme has this name.
    UnknownTheme {
        /// The names there are.
        known: Vec<String>,
    },
    /// The base URL is not an http(s) URL.
    NotHttp,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::Permalink(problem) => write!(f, "{problem}"),
            ConfigProblem::Zero => f.write_str("must be at least 1"),
            ConfigProblem::UnknownTheme { known } => {
                write!(f, "is not a known theme; use one of: {}", known.join(", "))
            }
            ConfigProblem::NotHttp => {
                f.write_str("must start with http:// or https://, e.g. https://archive.example.org")
            }
        }
    }
}

/// Why a `[build] permalink` pattern cannot make article URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermalinkProblem {
    /// It does not start and end with `/`.
    NotSlashed,
    /// It has no `{slug}`, so articles of one day would share a URL.
    NoSlug,
    /// A `{` is never closed.
    Unclosed,
    /// A `{token}` that is not one of the permalink tokens.
    UnknownToken(String),
}

impl fmt::Display for PermalinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PermalinkProblem::NotSlashed => f.write_str("must start and end with `/`"),
            PermalinkProblem::NoSlug => {
                f.write_str("must contain {slug}, or articles would share a URL")
            }
            PermalinkProblem::Unclosed => f.write_str("has a `{` without `}`; close it"),
            PermalinkProblem::UnknownToken(token) => write!(
                f,
                "`{token}` is not a permalink token; use {{year}}, {{month}}, {{day}}, {{slug}}"
            ),
        }
    }
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
    /// `date` cannot be placed in time.
    InvalidDate {
        /// The date as written.
        value: String,
        /// What is wrong with it.
        problem: DateProblem,
    },
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
            CommentProblem::InvalidDate { value, problem } => {
                write!(f, "`date` = {value}: {problem}")
            }
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
