//! The template set: the built-in theme, with a site's own templates on top.
//!
//! The built-in templates are compiled into the binary, so any site builds without
//! a `templates/` folder; a site file `templates/NAME` replaces the built-in `NAME`,
//! and any other file there is added (for the site's own includes).

use std::collections::BTreeMap;
use std::path::Path;

use tera::Tera;
use walkdir::WalkDir;

use crate::content::display_path;
use crate::error::Error;

/// The folder, under the site root, of a site's own templates.
pub const TEMPLATES_DIR: &str = "templates";

/// The built-in theme: (name, source), embedded at compile time.
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("article.html", include_str!("../../templates/article.html")),
    ("author.html", include_str!("../../templates/author.html")),
    ("authors.html", include_str!("../../templates/authors.html")),
    ("tag.html", include_str!("../../templates/tag.html")),
    ("tags.html", include_str!("../../templates/tags.html")),
    ("page.html", include_str!("../../templates/page.html")),
    ("archive.html", include_str!("../../templates/archive.html")),
    (
        "redirect.html",
        include_str!("../../templates/redirect.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "partials/article_list.html",
        include_str!("../../templates/partials/article_list.html"),
    ),
    (
        "partials/pagination.html",
        include_str!("../../templates/partials/pagination.html"),
    ),
    (
        "partials/comments.html",
        include_str!("../../templates/partials/comments.html"),
    ),
    (
        "partials/author_box.html",
        include_str!("../../templates/partials/author_box.html"),
    ),
    ("style.css", include_str!("../../templates/style.css")),
];

/// Loads the built-in templates and the site's overrides from `root/templates`.
pub fn load_templates(root: &Path) -> Result<Tera, Vec<Error>> {
    let mut sources: BTreeMap<String, (String, String)> = BUILTIN_TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                (format!("(built-in) {name}"), text.to_string()),
            )
        })
        .collect();
    let mut errors = Vec::new();
    let dir = root.join(TEMPLATES_DIR);
    if dir.is_dir() {
        for entry in WalkDir::new(&dir).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) if entry.file_type().is_file() => entry,
                Ok(_) => continue,
                Err(e) => {
                    errors.push(Error::Read {
                        path: e.path().map(|p| display_path(root, p)).unwrap_or_default(),
                        source: e.into(),
                    });
                    continue;
                }
            };
            let name = template_name(&dir, entry.path());
            let shown = display_path(root, entry.path()).display().to_string();
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    sources.insert(name, (shown, text));
                }
                Err(source) => errors.push(Error::Read {
                    path: shown.into(),
                    source,
                }),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    compile(&sources)
}

/// A template's name: its path under `templates/`, with `/` separators.
fn template_name(dir: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(dir).unwrap_or(file);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Compiles every template, reporting each one that fails on its own.
fn compile(sources: &BTreeMap<String, (String, String)>) -> Result<Tera, Vec<Error>> {
    let mut errors = Vec::new();
    for (name, (shown, text)) in sources {
        if let Err(e) = Tera::new().add_raw_template(name, text)
            && !matches!(e.kind(), tera::ErrorKind::MissingParent { .. })
        {
            errors.push(Error::Template {
                template: shown.clone(),
                message: e.to_string(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.add_raw_templates(sources.iter().map(|(name, (_, text))| (name, text)))
        .map_err(|e| {
            vec![Error::Template {
                template: "(template set)".into(),
                message: e.to_string(),
            }]
        })?;
    Ok(tera)
}
