//! `init`: a new site, small but complete, that builds at once with the built-in
//! theme, and on request a CI workflow that publishes it. Owns the scaffold's
//! files; writes only into an empty or new folder.

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::output::write_file;

/// The `base_url` a new site starts with: a reserved domain that cannot be
/// anyone's site, which `scholia check` warns about until it is replaced.
pub const PLACEHOLDER_BASE_URL: &str = "https://example.org";

/// The files of a new site: (path under the site folder, contents).
const SCAFFOLD: &[(&str, &str)] = &[
    (
        "site.toml",
        r#"# Every key is optional; see the scholia docs for all of them.
title = "My Commentary Archive"
base_url = "https://example.org"
description = "Essays and the conversations they started"
language = "en"

[pagination]
per_page = 10

[comments]
max_depth = 5
order = "oldest"
"#,
    ),
    (
        "content/authors/editor.md",
        r#"+++
name = "The Editor"
title = "Founding editor"
+++
The editor writes the first article of every archive. Replace this bio with yours.
"#,
    ),
    (
        "content/articles/welcome/index.md",
        r#"+++
title = "Welcome to the archive"
date = 2026-01-05T09:00:00Z
authors = ["editor"]
tags = ["Meta"]
+++
This is the first article. Articles are Markdown files with TOML front matter;
a folder like this one is a *bundle*, so images placed beside `index.md` are
published beside the page.

<!-- more -->

Readers' comments live in `comments.toml` beside the article, one `[[comment]]`
table each. A comment with a `parent` is a reply and is shown under it.
"#,
    ),
    (
        "content/articles/welcome/comments.toml",
        r#"[[comment]]
id = "1"
author = "First Reader"
date = 2026-01-05T12:30:00Z
body = "Glad to see the archive up. Will the old comments come across too?"

[[comment]]
id = "2"
parent = "1"
author = "The Editor"
date = 2026-01-05T14:10:00Z
body = "Yes: every comment keeps its id, so old `#comment-…` links still land."
"#,
    ),
    (
        "content/pages/about.md",
        r#"+++
title = "About"
+++
What this archive is, who keeps it, and how to reach them.
"#,
    ),
    // The staging folder of a build in progress, and the previous output
    // while it is being removed, sit beside the output.
    (
        ".gitignore",
        "/public\n/.public.staging-*\n/.scholia-cache\n",
    ),
];

/// A host whose Pages a CI workflow can publish to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiHost {
    /// GitHub Actions publishing to GitHub Pages.
    GitHub,
    /// GitLab CI publishing to GitLab Pages.
    GitLab,
}

impl CiHost {
    /// Where the workflow goes, under the site folder.
    pub fn workflow_path(self) -> &'static str {
        match self {
            CiHost::GitHub => ".github/workflows/pages.yml",
            CiHost::GitLab => ".gitlab-ci.yml",
        }
    }

    /// The workflow: it installs this version of scholia, pinned, and builds
    /// and publishes the site on every push to the default branch.
    pub fn workflow(self) -> String {
        let template = match self {
            CiHost::GitHub => include_str!("scaffold/github-pages.yml"),
            CiHost::GitLab => include_str!("scaffold/gitlab-ci.yml"),
        };
        template
            .replace("{{version}}", env!("CARGO_PKG_VERSION"))
            .replace("{{rust}}", env!("CARGO_PKG_RUST_VERSION"))
            .replace("{{git}}", SCHOLIA_REPOSITORY)
    }
}

/// The git repository the CI workflows install scholia from: `repository`
/// in scholia's Cargo.toml, empty while it has none (the workflow then
/// stops, asking for it, before it tries to install).
pub const SCHOLIA_REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Creates a new site in `dir`, which must be missing or empty (a `.git`
/// folder alone is fine, so `git init` may come first), with a workflow
/// publishing it to `ci`'s Pages when one is asked for. Returns the files
/// written.
pub fn create_site(dir: &Path, ci: Option<CiHost>) -> Result<Vec<PathBuf>, Error> {
    if dir.exists() {
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        if entries.flatten().any(|entry| entry.file_name() != ".git") {
            return Err(Error::FolderNotEmpty {
                path: dir.to_path_buf(),
            });
        }
    }
    // static/ starts empty: a placeholder file in it would be published.
    std::fs::create_dir_all(dir.join("static")).map_err(|source| Error::Write {
        path: dir.join("static"),
        source,
    })?;
    let mut written = Vec::with_capacity(SCAFFOLD.len());
    for (relative, contents) in SCAFFOLD {
        write_file(dir, relative, contents.as_bytes())?;
        written.push(dir.join(relative));
    }
    if let Some(host) = ci {
        let relative = host.workflow_path();
        write_file(dir, relative, host.workflow().as_bytes())?;
        written.push(dir.join(relative));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::{CiHost, PLACEHOLDER_BASE_URL, SCAFFOLD};

    #[test]
    fn the_scaffold_site_toml_has_the_placeholder_base_url() {
        let (_, site_toml) = SCAFFOLD
            .iter()
            .find(|(path, _)| *path == "site.toml")
            .expect("a site.toml");
        let line = format!("base_url = \"{PLACEHOLDER_BASE_URL}\"");
        assert!(site_toml.lines().any(|l| l == line), "{site_toml}");
    }

    #[test]
    fn workflows_have_every_placeholder_filled() {
        for host in [CiHost::GitHub, CiHost::GitLab] {
            let workflow = host.workflow();
            for placeholder in ["{{version}}", "{{rust}}", "{{git}}"] {
                assert!(!workflow.contains(placeholder), "{host:?}: {placeholder}");
            }
        }
    }
}
