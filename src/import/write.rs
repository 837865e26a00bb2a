//! Writing content files: the one place where importers turn what they read
//! into the files that [`crate::content`] loads — articles, comment threads,
//! pages, authors and `site.toml` — with the same keys the loader accepts.
//! A round-trip test below keeps the two in step. It decides nothing about
//! what to import.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::ImportError;

/// An article's front matter and body.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleFile {
    /// The title.
    pub(crate) title: String,
    /// Publication date, in the offset the site used.
    #[serde(serialize_with = "datetime")]
    pub(crate) date: DateTime<FixedOffset>,
    /// Author ids.
    pub(crate) authors: Vec<String>,
    /// Tags as named.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tags: Vec<String>,
    /// An explicit summary (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) summary: Option<String>,
    /// Built only with `--drafts`.
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) draft: bool,
    /// The thread is shown but closed.
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) comments_closed: bool,
    /// Old URL paths that must redirect here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) aliases: Vec<String>,
    /// Values for templates (the source's own ids).
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    pub(crate) extra: toml::Table,
    /// The Markdown body.
    #[serde(skip)]
    pub(crate) body: String,
}

/// A standalone page.
#[derive(Debug, Serialize)]
pub(crate) struct PageFile {
    /// The title.
    pub(crate) title: String,
    /// Built only with `--drafts`.
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) draft: bool,
    /// Old URL paths that must redirect here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) aliases: Vec<String>,
    /// The Markdown body.
    #[serde(skip)]
    pub(crate) body: String,
}

/// An author.
#[derive(Debug, Serialize)]
pub(crate) struct AuthorFile {
    /// Display name.
    pub(crate) name: String,
    /// The Markdown bio.
    #[serde(skip)]
    pub(crate) bio: String,
}

/// One comment of a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct CommentFile {
    /// The id, kept from the source so old `#comment-<id>` links land.
    pub(crate) id: String,
    /// The id of the comment it replies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) parent: Option<String>,
    /// The commenter's name.
    pub(crate) author: String,
    /// When it was posted.
    #[serde(serialize_with = "datetime")]
    pub(crate) date: DateTime<FixedOffset>,
    /// The commenter's website.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    /// Markdown.
    pub(crate) body: String,
}

/// `site.toml`.
#[derive(Debug, Serialize)]
pub(crate) struct SiteFile {
    /// The site's name.
    pub(crate) title: String,
    /// Its public URL.
    pub(crate) base_url: String,
    /// A sentence about it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) description: String,
    /// Its language.
    pub(crate) language: String,
    /// `[build]`.
    pub(crate) build: SiteBuild,
}

/// `[build]` of `site.toml`.
#[derive(Debug, Serialize)]
pub(crate) struct SiteBuild {
    /// The article URL pattern.
    pub(crate) permalink: String,
}

#[derive(Serialize)]
struct ThreadFile<'a> {
    comment: &'a [CommentFile],
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// A datetime as a TOML datetime (not a string), `Z` for UTC.
fn datetime<S: serde::Serializer>(
    value: &DateTime<FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    toml_datetime(value).serialize(serializer)
}

/// A chrono datetime as TOML's datetime.
pub(crate) fn toml_datetime(value: &DateTime<FixedOffset>) -> toml::value::Datetime {
    let text = if value.offset().local_minus_utc() == 0 {
        value.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        value.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    };
    text.parse()
        .expect("a formatted chrono datetime is a TOML datetime")
}

/// Front matter between `+++` fences, then the body.
fn with_front_matter(front: &impl Serialize, body: &str) -> String {
    let toml = toml::to_string_pretty(front).expect("content files serialize to TOML");
    let mut text = format!("+++\n{toml}+++\n");
    if !body.is_empty() {
        text.push('\n');
        text.push_str(body);
        if !body.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

impl ArticleFile {
    /// The file's text.
    pub(crate) fn to_text(&self) -> String {
        with_front_matter(self, &self.body)
    }
}

impl PageFile {
    /// The file's text.
    pub(crate) fn to_text(&self) -> String {
        with_front_matter(self, &self.body)
    }
}

impl AuthorFile {
    /// The file's text.
    pub(crate) fn to_text(&self) -> String {
        with_front_matter(self, &self.bio)
    }
}

impl SiteFile {
    /// The file's text.
    pub(crate) fn to_text(&self) -> String {
        let toml = toml::to_string_pretty(self).expect("site.toml serializes");
        format!("# Written by `scholia import`; every key is documented in docs/format.md.\n{toml}")
    }
}

/// `[[comment]]` tables for a thread file (or to append to one).
pub(crate) fn thread_text(comments: &[CommentFile]) -> String {
    toml::to_string_pretty(&ThreadFile { comment: comments }).expect("comments serialize to TOML")
}

/// Writes `text` to `path`, creating its folder.
pub(crate) fn write_new(path: &Path, text: &str) -> Result<(), ImportError> {
    let error = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(error)?;
    }
    std::fs::write(path, text).map_err(error)
}

/// Replaces `path` with `text` atomically: a reader (or a killed import) sees
/// the old file or the new one, never half of either.
pub(crate) fn replace_atomically(path: &Path, text: &str) -> Result<(), ImportError> {
    let error = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(error)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".scholia-import-")
        .tempfile_in(folder)
        .map_err(error)?;
    std::io::Write::write_all(&mut temp, text.as_bytes()).map_err(error)?;
    temp.as_file().sync_all().map_err(error)?;
    temp.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Route, load_article, load_authors, load_pages};

    fn date(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn what_is_written_loads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let article = ArticleFile {
            title: "Tom & \"Jerry\" — إيران".into(),
            date: date("2016-08-22T05:30:00-04:00"),
            authors: vec!["jane".into()],
            tags: vec!["Iran".into(), "Russia".into()],
            summary: Some("Short.".into()),
            draft: true,
            comments_closed: true,
            aliases: vec!["/2016/08/old/".into()],
            extra: toml::Table::from_iter([("wordpress_id".into(), toml::Value::Integer(7))]),
            body: "Line with ''' and \"\"\" quotes.\n\n<!-- more -->\n\nMore.\n".into(),
        };
        let comments = vec![
            CommentFile {
                id: "12".into(),
                parent: None,
                author: "A.A.".into(),
                date: date("2016-08-22T14:02:00Z"),
                url: Some("https://a.example.org/".into()),
                body: "First line\n\nsecond ''' para".into(),
            },
            CommentFile {
                id: "13".into(),
                parent: Some("12".into()),
                author: "B".into(),
                date: date("2016-08-23T10:00:00+02:00"),
                url: None,
                body: "Reply".into(),
            },
        ];
        let folder = root.join("content/articles/old");
        write_new(&folder.join("index.md"), &article.to_text()).unwrap();
        write_new(&folder.join("comments.toml"), &thread_text(&comments)).unwrap();
        let loaded = load_article(root, &folder.join("index.md"), Route::Unknown).unwrap();
        assert_eq!(loaded.title, article.title);
        assert_eq!(loaded.date, article.date);
        assert_eq!(loaded.date.offset(), article.date.offset());
        let authors: Vec<&str> = loaded.authors.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(authors, ["jane"]);
        let tags: Vec<&String> = loaded.tags.iter().map(|(t, _)| t).collect();
        assert_eq!(tags, article.tags.iter().collect::<Vec<_>>());
        assert_eq!(loaded.summary, article.summary);
        assert!(loaded.draft && loaded.comments_closed);
        let aliases: Vec<&String> = loaded.aliases.iter().map(|(a, _)| a).collect();
        assert_eq!(aliases, article.aliases.iter().collect::<Vec<_>>());
        assert_eq!(loaded.extra, article.extra);
        assert_eq!(loaded.body.trim_start(), article.body);
        let thread = loaded.thread.unwrap();
        for (read, written) in thread.comments.iter().zip(&comments) {
            assert_eq!(read.id, written.id);
            assert_eq!(read.parent, written.parent);
            assert_eq!(read.author.as_deref(), Some(written.author.as_str()));
            assert_eq!(read.date, Some(written.date));
            assert_eq!(read.url, written.url);
            assert_eq!(read.body, written.body);
        }

        let page = PageFile {
            title: "About".into(),
            draft: false,
            aliases: vec!["/company/about/".into()],
            body: "About us.".into(),
        };
        write_new(&root.join("content/pages/about.md"), &page.to_text()).unwrap();
        let pages = load_pages(root, &root.join("content/pages"));
        let page_read = pages[0].as_ref().unwrap();
        assert_eq!(
            (page_read.title.as_str(), page_read.draft),
            ("About", false)
        );
        let page_aliases: Vec<&str> = page_read.aliases.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(page_aliases, page.aliases);
        assert_eq!(page_read.body.trim(), "About us.");

        let author = AuthorFile {
            name: "Jane Q.".into(),
            bio: String::new(),
        };
        write_new(&root.join("content/authors/jane.md"), &author.to_text()).unwrap();
        let authors = load_authors(root, &root.join("content/authors")).unwrap();
        assert_eq!(authors[0].as_ref().unwrap().name, "Jane Q.");
    }

    #[test]
    fn site_file_loads_as_config() {
        let dir = tempfile::tempdir().unwrap();
        let site = SiteFile {
            title: "Blog".into(),
            base_url: "https://blog.example.org".into(),
            description: String::new(),
            language: "en-US".into(),
            build: SiteBuild {
                permalink: "/{year}/{month}/{slug}/".into(),
            },
        };
        write_new(&dir.path().join("site.toml"), &site.to_text()).unwrap();
        let config = crate::config::SiteConfig::load(dir.path()).unwrap();
        assert_eq!(config.build.permalink, "/{year}/{month}/{slug}/");
        assert_eq!(config.language, "en-US");
    }

    #[test]
    fn replacing_atomically_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("comments.toml");
        replace_atomically(&path, "a").unwrap();
        replace_atomically(&path, "b").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "b");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
