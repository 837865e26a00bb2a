//! Articles on disk: single files (`slug.md` + `slug.comments.toml`) and bundles
//! (`slug/index.md` + `slug/comments.toml` + assets).

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use toml::Spanned;
use walkdir::WalkDir;

use super::comments::{ThreadSource, load_thread};
use super::{
    Route, display_path, file_stem, front_matter, has_time, next_inside, no_link_below, read_each,
    read_text_by, to_datetime,
};
use crate::error::{Error, Location, line_of_offset};

/// File name of a bundle's article.
pub const BUNDLE_INDEX: &str = "index.md";
/// File name of a bundle's comment thread.
const BUNDLE_THREAD: &str = "comments.toml";
/// The names a bundle's own files take: no asset may take them.
pub const BUNDLE_FILES: &[&str] = &[BUNDLE_INDEX, BUNDLE_THREAD];
/// Suffix of a single-file article's comment thread.
pub const THREAD_SUFFIX: &str = ".comments.toml";

/// The front matter of an article, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleFrontMatter {
    title: String,
    date: Spanned<toml::value::Datetime>,
    updated: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    authors: Vec<Spanned<String>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    summary: Option<String>,
    description: Option<String>,
    image: Option<String>,
    slug: Option<Spanned<String>>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    comments_closed: bool,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    extra: toml::Table,
}

/// One article as read from disk, with its comment thread.
#[derive(Debug)]
pub struct ArticleSource {
    /// The Markdown file, relative to the site root.
    pub path: PathBuf,
    /// `slug` from front matter, else the file or folder name.
    pub slug: String,
    /// The line `slug` is written on; `None` when it comes from the file name.
    pub slug_line: Option<usize>,
    /// The title.
    pub title: String,
    /// Publication date.
    pub date: DateTime<FixedOffset>,
    /// Whether `date` gives a time of day (else it is a date only).
    pub date_has_time: bool,
    /// Last update, if given.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Whether `updated` gives a time of day.
    pub updated_has_time: bool,
    /// Author ids, each with the line it is written on.
    pub authors: Vec<(String, usize)>,
    /// Tags as written, each with the line it is written on.
    pub tags: Vec<(String, usize)>,
    /// An explicit summary (Markdown).
    pub summary: Option<String>,
    /// An explicit description for metadata (plain text), used as written.
    pub description: Option<String>,
    /// The picture that stands for the article in link previews: a URL, a
    /// site-root path, or a path relative to the article.
    pub image: Option<String>,
    /// Built only with `--drafts`.
    pub draft: bool,
    /// The thread is shown but closed to new comments.
    pub comments_closed: bool,
    /// Old URLs that should redirect here, each with the line it is written on.
    pub aliases: Vec<(String, usize)>,
    /// Free-form values for templates.
    pub extra: toml::Table,
    /// The Markdown body.
    pub body: String,
    /// Files to copy beside the page: (absolute source, path relative to the bundle).
    pub assets: Vec<(PathBuf, PathBuf)>,
    /// The comment thread, when the article has one.
    pub thread: Option<ThreadSource>,
}

/// Reads every article under `dir` (absent folder: no articles).
pub fn load_articles(root: &Path, dir: &Path) -> Vec<Result<ArticleSource, Vec<Error>>> {
    let (files, folders, mut errors) = find_articles(root, dir);
    let mut results = read_each(files, |path| load_article(root, path, folders));
    if !errors.is_empty() {
        results.push(Err(std::mem::take(&mut errors)));
    }
    results
}

/// Finds the Markdown file of every article: a folder holding `index.md` is a bundle; any other `.md`
/// is a single article. A stray `.comments.toml` is an error, since its comments
/// would otherwise vanish from the site. Also says how every article's folder
/// was reached: [`Route::Plain`] when no folder between it and `root` is a
/// link, so that [`load_article`] need not look again.
pub fn find_articles(root: &Path, dir: &Path) -> (Vec<PathBuf>, Route, Vec<Error>) {
    let mut found = (Vec::new(), Vec::new());
    if !dir.is_dir() {
        return (found.0, Route::Unknown, found.1);
    }
    match walk_plain_folders(root, dir, 0, &mut found) {
        Some(()) if no_link_below(root, dir) => (found.0, Route::Plain, found.1),
        Some(()) => (found.0, Route::Unknown, found.1),
        None => {
            let (files, errors) = walk_following_links(root, dir);
            (files, Route::Unknown, errors)
        }
    }
}

/// [`find_articles`] through a walk that follows links and checks each.
fn walk_following_links(root: &Path, dir: &Path) -> (Vec<PathBuf>, Vec<Error>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    // Links are followed so that one within the site works like what it points
    // at; each is checked before anything behind it is read.
    let mut walk = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = next_inside(root, &mut walk, &[], &mut errors) {
        let path = entry.path();
        if entry.file_type().is_dir() {
            if !found_bundle(root, path, entry.depth(), &mut files, &mut errors) {
                walk.skip_current_dir();
            }
        } else {
            found_file(root, path, &mut files, &mut errors);
        }
    }
    (files, errors)
}

/// [`find_articles`] without a general walk, for the usual articles folder:
/// folders and files, none of them a link. A bundle's folder is then never
/// opened (a walk opens and reads each folder it meets before it can be
/// skipped: four calls per article, on one thread). `None`, with `found`
/// to be dropped, when the folder holds anything else (a link, which the
/// walk checks, or one that cannot be read, which it reports).
fn walk_plain_folders(
    root: &Path,
    dir: &Path,
    depth: usize,
    found: &mut (Vec<PathBuf>, Vec<Error>),
) -> Option<()> {
    let (files, errors) = found;
    if depth == 0
        && std::fs::symlink_metadata(dir)
            .ok()?
            .file_type()
            .is_symlink()
    {
        return None;
    }
    if !found_bundle(root, dir, depth, files, errors) {
        return Some(());
    }
    let mut entries = std::fs::read_dir(dir)
        .ok()?
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let kind = entry.file_type().ok()?;
        let path = entry.path();
        if kind.is_symlink() {
            return None;
        } else if kind.is_dir() {
            walk_plain_folders(root, &path, depth + 1, found)?;
        } else {
            found_file(root, &path, &mut found.0, &mut found.1);
        }
    }
    Some(())
}

/// Looks at a folder met at `depth` of the walk: adds its `index.md` if it
/// is a bundle (the articles folder itself never is), or an error if it
/// holds a thread and is none. Whether the walk goes into it.
fn found_bundle(
    root: &Path,
    folder: &Path,
    depth: usize,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<Error>,
) -> bool {
    if depth > 0 && folder.join(BUNDLE_INDEX).is_file() {
        files.push(folder.join(BUNDLE_INDEX));
        return false;
    }
    if folder.join(BUNDLE_THREAD).is_file() {
        errors.push(Error::OrphanThread {
            at: Location::file(display_path(root, &folder.join(BUNDLE_THREAD))),
            article: display_path(root, &folder.join(BUNDLE_INDEX)),
        });
    }
    true
}

/// Looks at a file the walk met: adds it if it is an article's Markdown,
/// or an error if it is a thread without one.
fn found_file(root: &Path, path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<Error>) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(".md") {
        files.push(path.to_path_buf());
    } else if let Some(stem) = name.strip_suffix(THREAD_SUFFIX)
        && !path.with_file_name(format!("{stem}.md")).is_file()
    {
        errors.push(Error::OrphanThread {
            at: Location::file(display_path(root, path)),
            article: display_path(root, &path.with_file_name(format!("{stem}.md"))),
        });
    }
}

/// Reads one article (its Markdown file, its thread and a bundle's assets),
/// whose folder was reached by `folder_route` (as [`find_articles`] says).
pub fn load_article(
    root: &Path,
    path: &Path,
    folder_route: Route,
) -> Result<ArticleSource, Vec<Error>> {
    let shown = display_path(root, path);
    let (default_slug, thread_path, bundle) = article_layout(path);
    // The thread is read even when the article is broken, so its errors are
    // reported in the same run.
    let mut errors = Vec::new();
    // A bundle of nothing but its text and thread as plain files, in plain
    // folders, needs no more looking at: the usual case, where the checks
    // would cost a dozen calls per article.
    let plain = bundle.and_then(plain_text_files);
    let route = match (&plain, bundle) {
        (Some(_), Some(bundle)) if folder_route == Route::Plain || no_link_below(root, bundle) => {
            Route::Plain
        }
        _ => Route::Unknown,
    };
    let has_thread = match &plain {
        Some(files) => files.contains(&thread_path),
        // A thread that is a broken link is read, so the error says why.
        None => thread_path.is_file() || thread_path.is_symlink(),
    };
    let thread = if has_thread {
        load_thread(root, &thread_path, route)
            .map_err(|mut found| errors.append(&mut found))
            .ok()
    } else {
        None
    };
    let assets = match bundle {
        Some(folder) if plain.is_none() => bundle_assets(root, folder, &mut errors),
        _ => Vec::new(),
    };
    let text = match read_text_by(root, path, route) {
        Ok(text) => text,
        Err(e) => return Err(with(errors, e)),
    };
    let split = match front_matter::split(&shown, &text) {
        Ok(split) => split,
        Err(e) => return Err(with(errors, e)),
    };
    let front: ArticleFrontMatter = match front_matter::parse(&shown, &split) {
        Ok(front) => front,
        Err(e) => return Err(with(errors, e)),
    };
    let line_at = |offset: usize| split.front_line + line_of_offset(split.front, offset) - 1;
    let mut datetime = |value: &Spanned<toml::value::Datetime>, key: &'static str| {
        to_datetime(value.get_ref())
            .map_err(|problem| {
                errors.push(Error::InvalidDate {
                    at: Location::line(&shown, line_at(value.span().start)),
                    key,
                    value: value.get_ref().to_string(),
                    problem,
                })
            })
            .ok()
    };
    let date = datetime(&front.date, "date");
    let updated = front.updated.as_ref().and_then(|u| datetime(u, "updated"));
    let (Some(date), true) = (date, errors.is_empty()) else {
        return Err(errors);
    };
    let with_line =
        |value: &Spanned<String>| (value.get_ref().clone(), line_at(value.span().start));
    Ok(ArticleSource {
        slug_line: front.slug.as_ref().map(|s| line_at(s.span().start)),
        slug: front.slug.map_or(default_slug, Spanned::into_inner),
        title: front.title,
        date,
        date_has_time: has_time(front.date.get_ref()),
        updated,
        updated_has_time: front
            .updated
            .as_ref()
            .is_some_and(|u| has_time(u.get_ref())),
        authors: front.authors.iter().map(with_line).collect(),
        tags: front.tags.iter().map(with_line).collect(),
        summary: front.summary,
        description: front.description,
        image: front.image,
        draft: front.draft,
        comments_closed: front.comments_closed,
        aliases: front.aliases.iter().map(with_line).collect(),
        extra: front_matter::extra_for_templates(front.extra),
        body: split.body.to_string(),
        assets,
        thread,
        path: shown,
    })
}

/// Where an article's parts are: its default slug, its thread file, and its
/// bundle folder if it is a bundle.
fn article_layout(path: &Path) -> (String, PathBuf, Option<&Path>) {
    match path
        .parent()
        .filter(|_| path.file_name().is_some_and(|n| n == BUNDLE_INDEX))
    {
        Some(folder) => (file_stem(folder), folder.join(BUNDLE_THREAD), Some(folder)),
        None => {
            let stem = file_stem(path);
            let thread = path.with_file_name(format!("{stem}{THREAD_SUFFIX}"));
            (stem, thread, None)
        }
    }
}

/// The folder of the article whose Markdown file is `path`, if it is a
/// bundle.
pub fn bundle_folder(path: &Path) -> Option<&Path> {
    article_layout(path).2
}

/// The comment thread file of the article whose Markdown file is `path`
/// (whether or not it exists yet).
pub fn thread_file(path: &Path) -> PathBuf {
    article_layout(path).1
}

/// Every file an article is read from: its Markdown file and thread, and for a
/// bundle every other file in its folder. A rebuild that finds them unchanged
/// can reuse the article. Links are followed, as the loader follows them:
/// a bundle's `index.md` may be a link to a file elsewhere in the site.
pub fn article_inputs(path: &Path) -> Vec<PathBuf> {
    let (_, thread, bundle) = article_layout(path);
    if let Some(files) = bundle.and_then(plain_text_files) {
        return files;
    }
    match bundle {
        Some(folder) => WalkDir::new(folder)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect(),
        None => vec![path.to_path_buf(), thread],
    }
}

/// `errors` with one more.
fn with(mut errors: Vec<Error>, error: Error) -> Vec<Error> {
    errors.push(error);
    errors
}

/// The files of `bundle` in name order, if it holds nothing but its article
/// and thread, as plain files (most bundles of an imported archive): one
/// listing of the folder. `None` for any other bundle: a walk that follows
/// links resolves the bundle's path and opens each folder above it to rule
/// out loops, two dozen calls per article.
fn plain_text_files(bundle: &Path) -> Option<Vec<PathBuf>> {
    let mut files = Vec::with_capacity(BUNDLE_FILES.len());
    for entry in std::fs::read_dir(bundle).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name();
        let own = BUNDLE_FILES.iter().any(|&file| name == file);
        if !own || !entry.file_type().is_ok_and(|t| t.is_file()) {
            return None;
        }
        files.push(entry.path());
    }
    files.sort();
    Some(files)
}

/// Every file of a bundle other than its article and thread, at any depth.
fn bundle_assets(root: &Path, bundle: &Path, errors: &mut Vec<Error>) -> Vec<(PathBuf, PathBuf)> {
    let mut assets = Vec::new();
    let mut walk = WalkDir::new(bundle)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    let read_elsewhere = [bundle.join(BUNDLE_INDEX), bundle.join(BUNDLE_THREAD)];
    while let Some(entry) = next_inside(root, &mut walk, &read_elsewhere, errors) {
        let relative = entry.path().strip_prefix(bundle).unwrap_or(entry.path());
        if entry.file_type().is_file() {
            assets.push((entry.path().to_path_buf(), relative.to_path_buf()));
        } else if !entry.file_type().is_dir() {
            // Copying a pipe would block the build.
            errors.push(Error::NotAFile {
                path: display_path(root, entry.path()),
            });
        }
    }
    assets
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An articles folder with every kind of entry the walk tells apart.
    fn articles_folder() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let articles = root.path().join("content/articles");
        for (file, text) in [
            ("a.md", "a"),
            ("a.comments.toml", ""),
            ("a.b.md", "a.b"),
            ("B.md", "B"),
            ("orphan.comments.toml", ""),
            ("comments.toml", ""),
            ("notes.txt", ""),
            ("a-b/index.md", "bundle"),
            ("a/index.md", "bundle"),
            ("a/comments.toml", ""),
            ("a/map.png", ""),
            ("a/more/deeper.md", "an asset"),
            ("Région/c.md", "c"),
            ("Région/comments.toml", ""),
            ("Région/bundle/index.md", "bundle"),
            ("Région/Sub/d.md", "d"),
            ("Région/Sub/e.md", "e"),
        ] {
            let path = articles.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(articles.join("empty")).unwrap();
        root
    }

    #[test]
    fn the_walk_of_plain_folders_finds_what_the_general_walk_finds() {
        let root = articles_folder();
        let articles = root.path().join("content/articles");
        let mut plain = (Vec::new(), Vec::new());
        assert!(walk_plain_folders(root.path(), &articles, 0, &mut plain).is_some());
        let general = walk_following_links(root.path(), &articles);
        assert_eq!(plain.0, general.0);
        assert_eq!(plain.0.len(), 9, "{:?}", plain.0);
        assert_eq!(format!("{:?}", plain.1), format!("{:?}", general.1));
        assert_eq!(plain.1.len(), 3, "{:?}", plain.1);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_anywhere_leaves_the_walk_to_the_general_one() {
        let root = articles_folder();
        let articles = root.path().join("content/articles");
        std::os::unix::fs::symlink(articles.join("B.md"), articles.join("Région/Sub/f.md"))
            .unwrap();
        let mut plain = (Vec::new(), Vec::new());
        assert!(walk_plain_folders(root.path(), &articles, 0, &mut plain).is_none());
        let (files, _, errors) = find_articles(root.path(), &articles);
        assert!(
            files.contains(&articles.join("Région/Sub/f.md")),
            "{files:?}"
        );
        assert_eq!(errors.len(), 3, "{errors:?}");
    }
}
