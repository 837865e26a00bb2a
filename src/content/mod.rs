//! Content loading: reads `content/` into plain source records.
//!
//! Owns the on-disk format of articles (single files and bundles), comment threads,
//! authors and pages, and the parsing of their front matter. It resolves nothing
//! across files (authors named by articles, comment parents, URLs): that is the
//! model's job. It renders no Markdown and writes nothing.

pub mod article;
pub mod author;
pub mod comments;
pub mod front_matter;
pub mod page;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rayon::prelude::*;

pub use article::{
    ArticleSource, BUNDLE_FILES, article_inputs, find_articles, load_article, load_articles,
    thread_file,
};
pub use author::{AuthorSource, BrokenAuthor, load_authors};
pub use comments::{CommentSource, ThreadSource};
pub use page::{PageSource, load_pages};

use crate::error::{DateProblem, Error};

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
    let mut broken_authors = Vec::new();
    let mut authors = Vec::new();
    match load_authors(root, &content_dir.join("authors")) {
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
    let pages = collect(load_pages(root, &content_dir.join("pages")), &mut errors);
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

/// Reads a file to a string, naming it (relative to `root`) on failure.
fn read_text(root: &Path, file: &Path) -> Result<String, Error> {
    std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: display_path(root, file),
        source,
    })
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
        if path.extension().is_some_and(|e| e == "md") && path.is_file() {
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

/// Converts a TOML date or datetime to a zoned datetime. A plain date is midnight
/// UTC; a datetime without offset is taken as UTC.
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
