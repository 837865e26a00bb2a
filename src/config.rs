//! The site configuration, `site.toml`.
//!
//! Owns the configuration types, their documented defaults and their validation.
//! It reads one file and knows nothing of content, templates or output.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{ConfigProblem, Error, Location, line_of_offset, toml_error};

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.toml";

/// The whole of `site.toml`. Every table and key is optional; unknown keys are errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// The site's name, shown in the header and the title of every page.
    pub title: String,
    /// The public URL of the site root, e.g. `https://archive.example.org`.
    pub base_url: String,
    /// A sentence about the site, for the home page and metadata.
    pub description: String,
    /// The language of the content, as a BCP 47 tag (`<html lang>`).
    pub language: String,
    /// Where and how the site is written.
    pub build: BuildConfig,
    /// Listing pages.
    pub pagination: PaginationConfig,
    /// Comment threads.
    pub comments: CommentsConfig,
    /// Code highlighting.
    pub highlight: HighlightConfig,
    /// Atom feeds.
    pub feeds: FeedsConfig,
    /// Anything else, handed to templates as `site.extra`.
    pub extra: toml::Table,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Untitled archive".into(),
            base_url: "http://localhost".into(),
            description: String::new(),
            language: "en".into(),
            build: BuildConfig::default(),
            pagination: PaginationConfig::default(),
            comments: CommentsConfig::default(),
            highlight: HighlightConfig::default(),
            feeds: FeedsConfig::default(),
            extra: toml::Table::new(),
        }
    }
}

/// `[build]`: where the output goes and what article URLs look like.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Output folder, relative to the site root. Default `public`.
    pub output_dir: PathBuf,
    /// Article URL pattern with the tokens `{year}`, `{month}`, `{day}`, `{slug}`.
    /// Default `/articles/{slug}/`.
    pub permalink: String,
    /// How pages link to the site's own files. Default relative.
    pub urls: UrlStyle,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: PathBuf::from("public"),
            permalink: "/articles/{slug}/".into(),
            urls: UrlStyle::Relative,
        }
    }
}

/// How the links, stylesheets and images of a page name the site's own files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UrlStyle {
    /// Relative to the page, naming a folder's `index.html`
    /// (`../tags/iran/index.html`): the output works from any folder of any
    /// host and opened from disk.
    Relative,
    /// From the site root, with the base path (`/tags/iran/`): pretty URLs
    /// for a site that is only ever served from its `base_url`.
    Root,
}

/// `[pagination]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaginationConfig {
    /// Articles per listing page. Default 10.
    pub per_page: usize,
}

impl Default for PaginationConfig {
    fn default() -> Self {
        PaginationConfig { per_page: 10 }
    }
}

/// `[comments]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommentsConfig {
    /// Deepest nesting level shown; deeper replies render at this level. Default 5.
    pub max_depth: usize,
    /// Order among siblings. Default oldest first.
    pub order: CommentOrder,
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            max_depth: 5,
            order: CommentOrder::Oldest,
        }
    }
}

/// Order of comments that reply to the same parent (or of top-level comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentOrder {
    /// Oldest first, as WordPress shows threads by default.
    Oldest,
    /// Newest first.
    Newest,
}

/// `[highlight]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HighlightConfig {
    /// A syntect theme name, used to generate `/syntax.css`. Default `InspiredGitHub`.
    pub theme: String,
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            theme: "InspiredGitHub".into(),
        }
    }
}

/// `[feeds]`: the site, tag, author and comment Atom feeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// How many of the newest articles the site, tag and author feeds hold.
    /// Default 20.
    pub limit: usize,
    /// Whether the site feed's entries carry the full article or its
    /// summary. Default full: it is the feed most readers subscribe to.
    pub content: FeedContent,
    /// The same for tag and author feeds. Default summary: an article is in
    /// several of them, and the full text is one click (or the site feed) away.
    pub listing_content: FeedContent,
    /// Which articles get a comment feed. Default: those whose thread is open.
    pub comments: CommentFeeds,
    /// How many of the newest comments a comment feed holds. Default 10, as
    /// WordPress's comment feeds.
    pub comment_limit: usize,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            limit: 20,
            content: FeedContent::Full,
            listing_content: FeedContent::Summary,
            comments: CommentFeeds::Open,
            comment_limit: 10,
        }
    }
}

/// What a feed entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The whole article.
    Full,
    /// The summary only.
    Summary,
}

/// Which articles get a comment feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentFeeds {
    /// Articles whose thread is open: a closed thread never changes, so
    /// there is nothing to subscribe to; its page is the record.
    Open,
    /// Every article.
    All,
    /// None.
    None,
}

impl CommentFeeds {
    /// Whether an article whose thread is `closed` gets a comment feed.
    pub fn for_thread(self, closed: bool) -> bool {
        match self {
            CommentFeeds::Open => !closed,
            CommentFeeds::All => true,
            CommentFeeds::None => false,
        }
    }
}

impl SiteConfig {
    /// Reads and validates `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<SiteConfig, Vec<Error>> {
        let path = root.join(CONFIG_FILE);
        let text = crate::content::read_utf8(Path::new(CONFIG_FILE), &path).map_err(|e| {
            vec![match e {
                Error::Read { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    Error::NoSiteConfig {
                        root: root.to_path_buf(),
                    }
                }
                other => other,
            }]
        })?;
        let mut config: SiteConfig = toml::from_str(&text)
            .map_err(|e| vec![toml_error(Path::new(CONFIG_FILE), &text, 1, &e)])?;
        config.extra = crate::content::front_matter::extra_for_templates(config.extra);
        let problems = config.validate(&text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Every value that parses but cannot be used, each at the line of its key
    /// in `text` (the file's contents).
    fn validate(&self, text: &str) -> Vec<Error> {
        let mut problems = Vec::new();
        let mut invalid = |table: &str, key: &'static str, value: String, problem| {
            let name = key.rsplit(' ').next().unwrap_or(key);
            problems.push(Error::InvalidConfig {
                at: Location {
                    path: PathBuf::from(CONFIG_FILE),
                    line: key_line(text, table, name),
                },
                key,
                value,
                problem,
            })
        };
        let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
        if let Err(problem) = crate::site::permalink::validate_pattern(&self.build.permalink) {
            invalid(
                "build",
                "[build] permalink",
                quoted(&self.build.permalink),
                ConfigProblem::Permalink(problem),
            );
        }
        if self.pagination.per_page == 0 {
            invalid(
                "pagination",
                "[pagination] per_page",
                "0".into(),
                ConfigProblem::Zero,
            );
        }
        if let Err(e) = crate::markdown::built_in_theme(&self.highlight.theme) {
            invalid(
                "highlight",
                "[highlight] theme",
                quoted(&self.highlight.theme),
                ConfigProblem::UnknownTheme { known: e.known },
            );
        }
        if self.comments.max_depth == 0 {
            invalid(
                "comments",
                "[comments] max_depth",
                "0".into(),
                ConfigProblem::Zero,
            );
        }
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            invalid(
                "",
                "base_url",
                quoted(&self.base_url),
                ConfigProblem::NotHttp,
            );
        }
        problems
    }

    /// The path part of `base_url` without a trailing slash (`""` for a site at a
    /// domain's root): prefixed to every link so a site can live in a sub-folder.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme
            .find('/')
            .map_or("", |i| &after_scheme[i..])
            .trim_end_matches('/')
    }

    /// `base_url` without a trailing slash.
    pub fn base_url_trimmed(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// The 1-based line on which `key` of `table` (`""` for the top level) is
/// written in `text`; `None` when it is not written (a default is at fault).
/// serde's view of the file has no places, so the file is read again as a
/// tree of spanned keys.
fn key_line(text: &str, table: &str, key: &str) -> Option<usize> {
    let document = toml::de::DeTable::parse(text).ok()?;
    let mut map = document.get_ref();
    if !table.is_empty() {
        map = map
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == table)?
            .1
            .get_ref()
            .as_table()?;
    }
    let offset = map
        .keys()
        .find(|k| k.get_ref().as_ref() == key)?
        .span()
        .start;
    Some(line_of_offset(text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_base(url: &str) -> SiteConfig {
        SiteConfig {
            base_url: url.into(),
            ..SiteConfig::default()
        }
    }

    #[test]
    fn base_path_is_the_url_path_without_trailing_slash() {
        assert_eq!(with_base("https://a.org").base_path(), "");
        assert_eq!(with_base("https://a.org/").base_path(), "");
        assert_eq!(with_base("https://a.org/archive/").base_path(), "/archive");
    }

    #[test]
    fn rejects_unknown_keys() {
        let err = toml::from_str::<SiteConfig>("titel = \"x\"").unwrap_err();
        assert!(err.message().contains("titel"), "{}", err.message());
    }

    #[test]
    fn finds_the_line_of_a_key() {
        let text = "title = \"x\"\n\n[pagination]\nper_page = 0\n";
        assert_eq!(key_line(text, "", "title"), Some(1));
        assert_eq!(key_line(text, "pagination", "per_page"), Some(4));
        assert_eq!(key_line(text, "build", "permalink"), None);
    }
}
