//! Content loading: reads `content/` into plain source records.
//!
//! Owns the on-disk format of articles (single files and bundles), comment threads,
//! authors and pages, and the parsing of their front matter. It resolves nothing
//! across files (authors named by articles, comment parents, URLs): that is the
//! model's job. It renders no Markdown and writes nothing.
//!
//! It also decides what may be read at all: regular files of UTF-8 text, of
//! at most [`MAX_TEXT_FILE`] bytes, reached through links only while they stay
//! inside the site's folder ([`check_inside`]).

pub mod article;
pub mod author;
pub mod comments;
pub mod front_matter;
pub mod page;

use std::path::{Component, Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rayon::prelude::*;

pub use article::{
    ArticleSource, BUNDLE_FILES, article_inputs, find_articles, load_article, load_articles,
    thread_file,
};
pub use author::{AuthorSource, BrokenAuthor, load_authors};
pub use comments::{CommentSource, ThreadSource};
pub use page::{PageSource, load_pages};

use crate::error::{DateProblem, Error, LinkProblem, Location};

/// The folder, under the site root, that holds all content.
pub const CONTENT_DIR: &str = "content";

/// Everything read from `content/`, not yet cross-checked.
#[derive(Debug, Default)]
pub struct Content {
    /// Articles with their comment threads, in file-name order.
    pub articles: Vec<ArticleSource>,
    /// Authors, in file-name order.
    pub authors: Vec<AuthorSource>,
    /// The ids of author files that exist but could not be read (their errors
    /// are reported on their own), so that articles naming them are not also
    /// told the author has no file.
    pub broken_authors: Vec<String>,
    /// Standalone pages, in file-name order.
    pub pages: Vec<PageSource>,
}

/// Reads all of `root/content`. Returns what could be read and every error met.
pub fn load_content(root: &Path) -> (Content, Vec<Error>) {
    let content_dir = root.join(CONTENT_DIR);
    let mut errors = Vec::new();
    let articles = collect(
        load_articles(root, &content_dir.join("articles")),
        &mut errors,
    );
    let (authors, broken_authors) = read_authors(root, &mut errors);
    let pages = read_pages(root, &mut errors);
    (
        Content {
            articles,
            authors,
            broken_authors,
            pages,
        },
        errors,
    )
}

/// Every author of `root/content/authors`, and the ids of the author files
/// that failed (their errors added to `errors`), so that articles naming a
/// broken author are not also told it has no file.
pub fn read_authors(root: &Path, errors: &mut Vec<Error>) -> (Vec<AuthorSource>, Vec<String>) {
    let mut authors = Vec::new();
    let mut broken_authors = Vec::new();
    match load_authors(root, &root.join(CONTENT_DIR).join("authors")) {
        Ok(results) => {
            for result in results {
                match result {
                    Ok(author) => authors.push(author),
                    Err(mut broken) => {
                        errors.append(&mut broken.errors);
                        broken_authors.push(broken.id);
                    }
                }
            }
        }
        Err(e) => errors.push(e),
    }
    (authors, broken_authors)
}

/// Every page of `root/content/pages` that loads; the errors of the others
/// are added to `errors`.
pub fn read_pages(root: &Path, errors: &mut Vec<Error>) -> Vec<PageSource> {
    collect(
        load_pages(root, &root.join(CONTENT_DIR).join("pages")),
        errors,
    )
}

fn collect<T>(results: Vec<Result<T, Vec<Error>>>, errors: &mut Vec<Error>) -> Vec<T> {
    let mut items = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(item) => items.push(item),
            Err(mut found) => errors.append(&mut found),
        }
    }
    items
}

/// Reads each file with `read` in parallel, keeping the input order.
fn read_each<T: Send>(
    files: Vec<PathBuf>,
    read: impl Fn(&Path) -> Result<T, Vec<Error>> + Sync,
) -> Vec<Result<T, Vec<Error>>> {
    files.par_iter().map(|file| read(file)).collect()
}

/// The largest file scholia reads as text (128 MiB). Building takes memory
/// about twenty times a file's size, so a cap keeps a stray huge file from
/// exhausting it; a 50 MB article is well within.
pub const MAX_TEXT_FILE: u64 = 128 * 1024 * 1024;

/// Reads a content file to a string, naming it (relative to `root`) on failure.
/// The file must be a regular file inside the site (see [`check_inside`]), at
/// most [`MAX_TEXT_FILE`] bytes, and UTF-8.
fn read_text(root: &Path, file: &Path) -> Result<String, Error> {
    read_text_by(root, file, Route::Unknown)
}

/// How a file to be read is reached from the site root.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Route {
    /// Not known: a link on the way is followed only if it stays in the site.
    #[default]
    Unknown,
    /// Through no link at all: neither the file nor a folder between it and
    /// the root is one, so it is inside the site without checking again.
    Plain,
}

/// [`read_text`], without checking the path again when `route` is known to
/// be [`Route::Plain`].
fn read_text_by(root: &Path, file: &Path, route: Route) -> Result<String, Error> {
    if route == Route::Unknown {
        check_inside(root, file)?;
    }
    read_utf8(&display_path(root, file), file)
}

/// Reads `file` (shown to the user as `shown`) as UTF-8 text of at most
/// [`MAX_TEXT_FILE`] bytes. Only regular files are read: a pipe would block
/// the build forever.
pub fn read_utf8(shown: &Path, file: &Path) -> Result<String, Error> {
    use std::io::Read;
    let read_error = |source| Error::Read {
        path: shown.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(file).map_err(read_error)?;
    if !metadata.is_file() {
        return Err(Error::NotAFile {
            path: shown.to_path_buf(),
        });
    }
    let too_large = |size| Error::TooLarge {
        path: shown.to_path_buf(),
        size,
        limit: MAX_TEXT_FILE,
    };
    if metadata.len() > MAX_TEXT_FILE {
        return Err(too_large(metadata.len()));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // `take` bounds the read even if the file grows while it is read.
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_TEXT_FILE + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_TEXT_FILE {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::NotUtf8 {
            at: Location::line(shown, line),
            offset,
            byte: bytes[offset],
        }
    })
}

/// Refuses a path under the site at `root` that resolves outside it through a
/// symbolic link, or that cannot be resolved (a dangling link, a loop of
/// links). Links that stay within the site are followed. Following a link out
/// is refused rather than skipped with a warning: the link is in the site on
/// purpose, so leaving its content out silently would lose an article, and
/// following it would let a site built from someone else's repository publish
/// any file of the machine building it.
pub fn check_inside(root: &Path, path: &Path) -> Result<(), Error> {
    if no_link_below(root, path) {
        return Ok(());
    }
    let shown = display_path(root, path);
    let target = std::fs::canonicalize(path).map_err(|source| {
        if path.is_symlink() {
            Error::Link {
                link: shown.clone(),
                problem: LinkProblem::Broken(source.to_string()),
            }
        } else {
            Error::Read {
                path: shown.clone(),
                source,
            }
        }
    })?;
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if target.starts_with(&root) {
        Ok(())
    } else {
        Err(Error::Link {
            link: shown,
            problem: LinkProblem::Outside(target),
        })
    }
}

/// Whether `path` is `root` joined with plain names none of which is a
/// symbolic link: then it cannot lead out of the site. One `lstat` per name
/// (four for a bundle's `index.md`), where resolving the path and the root
/// took a `readlink` for each name of both, about sixteen per file read.
pub(crate) fn no_link_below(root: &Path, path: &Path) -> bool {
    let Some(below) = path
        .strip_prefix(root)
        .ok()
        .filter(|b| !b.as_os_str().is_empty())
    else {
        return false;
    };
    let mut at = root.to_path_buf();
    below.components().all(|name| {
        let Component::Normal(name) = name else {
            return false; // `..` leaves a folder without a link
        };
        at.push(name);
        std::fs::symlink_metadata(&at).is_ok_and(|m| !m.file_type().is_symlink())
    })
}

/// The next entry of a walk (that follows links) under the site at `root`
/// that may be read, other than the `read_elsewhere` files (whose reader
/// checks them, so that a bad link is reported once): an entry that cannot be
/// walked, or a link that leads out of the site or cannot be resolved, is
/// added to `errors` as an error naming it, and a linked folder refused so is
/// not entered.
fn next_inside(
    root: &Path,
    walk: &mut walkdir::IntoIter,
    read_elsewhere: &[PathBuf],
    errors: &mut Vec<Error>,
) -> Option<walkdir::DirEntry> {
    let is_read_elsewhere = |path: &Path| read_elsewhere.iter().any(|file| file == path);
    loop {
        let entry = match walk.next()? {
            Ok(entry) => entry,
            // A broken link, say: its reader reports it.
            Err(e) if e.path().is_some_and(is_read_elsewhere) => continue,
            Err(e) => {
                errors.push(walk_error(root, e));
                continue;
            }
        };
        // Only files are left to their reader: a folder of that name (or a
        // link to one) is checked here, and not entered if it leads out.
        if !entry.file_type().is_dir() && is_read_elsewhere(entry.path()) {
            continue;
        }
        if entry.path_is_symlink()
            && let Err(e) = check_inside(root, entry.path())
        {
            errors.push(e);
            if entry.file_type().is_dir() {
                walk.skip_current_dir();
            }
            continue;
        }
        return Some(entry);
    }
}

/// An error met while walking a folder under the site at `root`, as the user
/// should see it: a symbolic link loop or a broken link names the link.
fn walk_error(root: &Path, error: walkdir::Error) -> Error {
    let path = error.path().map(Path::to_path_buf).unwrap_or_default();
    if let Some(ancestor) = error.loop_ancestor() {
        return Error::Link {
            link: display_path(root, &path),
            problem: LinkProblem::Loop(display_path(root, ancestor)),
        };
    }
    if path.is_symlink()
        && let Err(e) = check_inside(root, &path)
    {
        return e;
    }
    Error::Read {
        path: display_path(root, &path),
        source: error.into(),
    }
}

/// A path as the user knows it: relative to the site root.
pub fn display_path(root: &Path, file: &Path) -> PathBuf {
    file.strip_prefix(root).unwrap_or(file).to_path_buf()
}

/// The Markdown files directly in `dir`, sorted; none if `dir` does not exist.
fn markdown_files_in(root: &Path, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let read_error = |source| Error::Read {
        path: display_path(root, dir),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        // A link is kept even when it leads nowhere, so that reading it reports
        // why rather than the file vanishing from the site.
        if path.extension().is_some_and(|e| e == "md") && (path.is_file() || path.is_symlink()) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The file stem as a string (the id or default slug of a content file).
fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Converts a TOML date or datetime to a zoned datetime. A plain date (a TOML
/// local date: the time is unknown) is midnight UTC, which is where it sorts
/// and what feeds say; [`has_time`] tells the two apart so that pages show such
/// a date without a time. A datetime without offset is taken as UTC.
pub fn to_datetime(value: &toml::value::Datetime) -> Result<DateTime<FixedOffset>, DateProblem> {
    let date = value.date.ok_or(DateProblem::NoDay)?;
    let day = NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .ok_or(DateProblem::NotACalendarDate)?;
    let time = match value.time {
        Some(t) => NaiveTime::from_hms_nano_opt(
            t.hour.into(),
            t.minute.into(),
            t.second.unwrap_or(0).into(),
            t.nanosecond.unwrap_or(0),
        )
        .ok_or(DateProblem::InvalidTime)?,
        None => NaiveTime::MIN,
    };
    let offset_seconds = match value.offset {
        Some(toml::value::Offset::Custom { minutes }) => i32::from(minutes) * 60,
        _ => 0,
    };
    let zone = FixedOffset::east_opt(offset_seconds).ok_or(DateProblem::InvalidOffset)?;
    // A fixed offset has no gaps or overlaps, so this is always one instant.
    zone.from_local_datetime(&day.and_time(time))
        .single()
        .ok_or(DateProblem::InvalidTime)
}

/// Whether a TOML date gives a time of day. One that does not (`2016-08-22`)
/// means the time is unknown: it is shown as a date only, never with an
/// invented "00:00".
pub fn has_time(value: &toml::value::Datetime) -> bool {
    value.time.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<DateTime<FixedOffset>, DateProblem> {
        to_datetime(&s.parse().unwrap())
    }

    #[test]
    fn dates_become_datetimes() {
        assert_eq!(
            parse("2016-08-22").unwrap().to_rfc3339(),
            "2016-08-22T00:00:00+00:00"
        );
        assert_eq!(
            parse("2016-08-22T09:30:00+02:00").unwrap().to_rfc3339(),
            "2016-08-22T09:30:00+02:00"
        );
        assert_eq!(parse("09:30:00"), Err(DateProblem::NoDay));
    }
}
