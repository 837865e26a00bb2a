//! The template set: the built-in theme, with a site's own templates on top.
//!
//! The built-in templates are compiled into the binary, so any site builds without
//! a `templates/` folder; a site file `templates/NAME` replaces the built-in `NAME`,
//! and any other file there is added (for the site's own includes). Each
//! template remembers its file, so that a template error names the file to fix.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::content::display_path;
use crate::error::{Error, TemplateFile};

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
    ("search.html", include_str!("../../templates/search.html")),
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
    ("search.js", include_str!("../../templates/search.js")),
];

/// The compiled templates, each with the file it came from.
pub struct Templates {
    tera: Tera,
    files: BTreeMap<String, TemplateFile>,
    built_in_theme: bool,
}

impl Templates {
    /// Whether the built-in theme is all there is: the site has no template
    /// of its own, or only copies of built-in ones (as this repository's
    /// example site has). Only then is every URL on a page one of its views'.
    pub fn is_built_in_theme(&self) -> bool {
        self.built_in_theme
    }

    /// Renders the template `name`. A failure is reported at the template file
    /// and line it happened in (which may be a parent or an include of `name`),
    /// on no page yet: the caller knows which page it was rendering.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, Error> {
        self.tera.render(name, context).map_err(|e| {
            let (template, line, message) = self.locate(name, &e);
            Error::TemplateRender {
                template,
                line,
                message,
                first_page: String::new(),
                pages: 1,
            }
        })
    }

    /// The file a template comes from.
    pub fn file(&self, name: &str) -> TemplateFile {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| TemplateFile::BuiltIn(name.to_string()))
    }

    /// Where a Tera error happened: the template's file, its line, and Tera's
    /// message without its drawing of the source line (the file and line say
    /// where to look; one line per error keeps a long report readable).
    fn locate(&self, name: &str, error: &tera::Error) -> (TemplateFile, Option<usize>, String) {
        locate(error, |found| self.file(found), name)
    }
}

/// Where a Tera error happened, with `file` naming the file of a template;
/// `name` is the template being compiled or rendered.
fn locate(
    error: &tera::Error,
    file: impl Fn(&str) -> TemplateFile,
    name: &str,
) -> (TemplateFile, Option<usize>, String) {
    match error.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let found = if report.filename().is_empty() {
                name
            } else {
                report.filename()
            };
            (
                file(found),
                Some(report.span().start_line),
                report.message().to_string(),
            )
        }
        other => (file(name), None, other.to_string()),
    }
}

/// The file the template `name` comes from in the site at `root`: the site's
/// own `templates/NAME` if there is one, else the built-in.
pub fn template_file(root: &Path, name: &str) -> TemplateFile {
    let own = Path::new(TEMPLATES_DIR).join(name);
    if root.join(&own).is_file() {
        TemplateFile::Site(own)
    } else {
        TemplateFile::BuiltIn(name.to_string())
    }
}

/// Loads the built-in templates and the site's overrides from `root/templates`.
pub fn load_templates(root: &Path) -> Result<Templates, Vec<Error>> {
    let mut sources: BTreeMap<String, (TemplateFile, String)> = BUILTIN_TEMPLATES
        .iter()
        .map(|(name, text)| {
            (
                name.to_string(),
                (
                    TemplateFile::BuiltIn(name.to_string()),
                    prepared(name, text),
                ),
            )
        })
        .collect();
    let mut errors = Vec::new();
    // Whether every file of the site's is a copy of a built-in template.
    let mut built_in_theme = true;
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
            let shown = display_path(root, entry.path());
            match std::fs::read_to_string(entry.path()) {
                Ok(text) => {
                    // A copy of a built-in template is read as the built-in
                    // one, but errors in it are still shown at its file.
                    let text = match built_in(&name) {
                        Some(built_in) if built_in == text => sources[&name].1.clone(),
                        _ => {
                            built_in_theme = false;
                            text
                        }
                    };
                    sources.insert(name, (TemplateFile::Site(shown), text));
                }
                Err(source) => errors.push(Error::Read {
                    path: shown,
                    source,
                }),
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut templates = compile(sources)?;
    templates.built_in_theme = built_in_theme;
    Ok(templates)
}

/// The source of the built-in template `name`, if there is one.
fn built_in(name: &str) -> Option<&'static str> {
    BUILTIN_TEMPLATES
        .iter()
        .find(|(built_in, _)| *built_in == name)
        .map(|(_, text)| *text)
}

/// A built-in template's source as it is compiled.
fn prepared(name: &str, source: &str) -> String {
    if name.ends_with(".html") {
        without_indentation(source)
    } else {
        source.to_string()
    }
}

/// A built-in page template without the indentation of its lines: it is
/// there for whoever reads the theme, and written out it would be bytes on
/// every page. Lines are kept, so errors keep their line numbers. (No
/// built-in template has a `<pre>` or `<textarea>`, whose spaces are text.)
fn without_indentation(source: &str) -> String {
    source
        .split_inclusive('\n')
        .map(|line| line.trim_start_matches([' ', '\t']))
        .collect()
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
fn compile(sources: BTreeMap<String, (TemplateFile, String)>) -> Result<Templates, Vec<Error>> {
    let files: BTreeMap<String, TemplateFile> = sources
        .iter()
        .map(|(name, (file, _))| (name.clone(), file.clone()))
        .collect();
    let file = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| TemplateFile::BuiltIn(name.to_string()))
    };
    let syntax_error = |name: &str, e: &tera::Error| {
        let (template, line, message) = locate(e, file, name);
        Error::TemplateSyntax {
            template,
            line,
            message,
        }
    };
    let mut errors = Vec::new();
    for (name, (_, text)) in &sources {
        // Alone, a template that extends another cannot find its parent; that
        // is checked below, with the whole set.
        if let Err(e) = Tera::new().add_raw_template(name, text)
            && !matches!(e.kind(), tera::ErrorKind::MissingParent { .. })
        {
            errors.push(syntax_error(name, &e));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".xml"]);
    tera.add_raw_templates(sources.iter().map(|(name, (_, text))| (name, text)))
        .map_err(|e| {
            let name = match e.kind() {
                tera::ErrorKind::MissingParent { current, .. } => current.clone(),
                tera::ErrorKind::CircularExtend { tpl, .. } => tpl.clone(),
                _ => String::new(),
            };
            vec![syntax_error(&name, &e)]
        })?;
    Ok(Templates {
        tera,
        files,
        built_in_theme: false,
    })
}
