//! Standalone pages on disk: `content/pages/<slug>.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{display_path, file_stem, front_matter, markdown_files_in, read_each, read_text};
use crate::error::{Error, line_of_offset};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFrontMatter {
    title: String,
    slug: Option<Spanned<String>>,
    description: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    extra: toml::Table,
}

/// One page as read from disk.
#[derive(Debug)]
pub struct PageSource {
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// `slug` from front matter, else the file name: the page lives at `/<slug>/`.
    pub slug: String,
    /// The line `slug` is written on; `None` when it comes from the file name.
    pub slug_line: Option<usize>,
    /// The title.
    pub title: String,
    /// A sentence for `<meta name="description">`.
    pub description: Option<String>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// Old URLs that should redirect here, each with the line it is written on.
    pub aliases: Vec<(String, usize)>,
    /// Free-form values for templates.
    pub extra: toml::Table,
    /// The Markdown body.
    pub body: String,
}

/// Reads every page in `dir` (absent folder: no pages).
pub fn load_pages(root: &Path, dir: &Path) -> Vec<Result<PageSource, Vec<Error>>> {
    match markdown_files_in(root, dir) {
        Ok(files) => read_each(files, |file| read_page(root, file).map_err(|e| vec![e])),
        Err(e) => vec![Err(vec![e])],
    }
}

fn read_page(root: &Path, file: &Path) -> Result<PageSource, Error> {
    let shown = display_path(root, file);
    let text = read_text(root, file)?;
    let split = front_matter::split(&shown, &text)?;
    let front: PageFrontMatter = front_matter::parse(&shown, &split)?;
    let line_at = |offset: usize| split.front_line + line_of_offset(split.front, offset) - 1;
    Ok(PageSource {
        slug_line: front.slug.as_ref().map(|s| line_at(s.span().start)),
        slug: front
            .slug
            .map_or_else(|| file_stem(file), Spanned::into_inner),
        title: front.title,
        description: front.description,
        draft: front.draft,
        aliases: front
            .aliases
            .iter()
            .map(|a| (a.get_ref().clone(), line_at(a.span().start)))
            .collect(),
        extra: front_matter::extra_for_templates(front.extra),
        body: split.body.to_string(),
        path: shown,
    })
}
