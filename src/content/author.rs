//! Authors on disk: `content/authors/<id>.md`, front matter plus a Markdown bio.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{display_path, file_stem, front_matter, markdown_files_in, read_each, read_text};
use crate::error::Error;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorFrontMatter {
    name: String,
    title: Option<String>,
    avatar: Option<String>,
    #[serde(default)]
    links: BTreeMap<String, String>,
    #[serde(default)]
    extra: toml::Table,
}

/// One author as read from disk.
#[derive(Debug)]
pub struct AuthorSource {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// The id articles use: the file name without `.md`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Position or affiliation.
    pub title: Option<String>,
    /// Photo URL.
    pub avatar: Option<String>,
    /// Named links (website, …), sorted by name.
    pub links: BTreeMap<String, String>,
    /// Free-form values for templates.
    pub extra: toml::Table,
    /// The Markdown bio.
    pub bio: String,
}

/// An author file that could not be read: its id (known from the file name
/// alone) and its errors. Articles naming the id are not also told the author
/// has no file, since it has one: the fix is in the author's file.
#[derive(Debug)]
pub struct BrokenAuthor {
    /// The id articles use.
    pub id: String,
    /// What is wrong with the file.
    pub errors: Vec<Error>,
}

/// Reads every author in `dir` (absent folder: no authors); an error only when
/// the folder cannot be listed.
pub fn load_authors(
    root: &Path,
    dir: &Path,
) -> Result<Vec<Result<AuthorSource, BrokenAuthor>>, Error> {
    let files = markdown_files_in(root, dir)?;
    let read = read_each(files.clone(), |file| {
        read_author(root, file).map_err(|e| vec![e])
    });
    Ok(read
        .into_iter()
        .zip(&files)
        .map(|(result, file)| {
            result.map_err(|errors| BrokenAuthor {
                id: file_stem(file),
                errors,
            })
        })
        .collect())
}

fn read_author(root: &Path, file: &Path) -> Result<AuthorSource, Error> {
    let shown = display_path(root, file);
    let text = read_text(root, file)?;
    let split = front_matter::split(&shown, &text)?;
    let front: AuthorFrontMatter = front_matter::parse(&shown, &split)?;
    Ok(AuthorSource {
        id: file_stem(file),
        name: front.name,
        title: front.title,
        avatar: front.avatar,
        links: front.links,
        extra: front_matter::extra_for_templates(front.extra),
        bio: split.body.to_string(),
        path: shown,
    })
}
