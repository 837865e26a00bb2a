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

/// Reads every author in `dir` (absent folder: no authors).
pub fn load_authors(root: &Path, dir: &Path) -> Vec<Result<AuthorSource, Vec<Error>>> {
    match markdown_files_in(root, dir) {
        Ok(files) => read_each(files, |file| read_author(root, file).map_err(|e| vec![e])),
        Err(e) => vec![Err(vec![e])],
    }
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
