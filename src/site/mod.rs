//! The site model: everything the renderer needs, as plain data.
//!
//! Owns cross-file resolution (article authors, tags, URLs and their collisions),
//! Markdown rendering of every text and the checking of comment threads. It is
//! built once from loaded content and then only read. It knows nothing of
//! templates or the output folder.

pub mod article_text;
pub mod articles;
pub mod input_stamps;
pub mod pagination;
pub mod permalink;
pub mod tags;
pub mod thread;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::SiteConfig;
use crate::content::{ArticleSource, AuthorSource, PageSource, Route};
use crate::error::{Error, Location, Warning};
use crate::markdown::{
    self, Highlighting, first_image, first_paragraph, render_trusted, summary_html, summary_text,
};
use crate::slug::tag_slug;
pub use article_text::{ArticleText, LazyText};
pub use articles::ArticleCache;
pub use thread::{Comment, CommentThread};

/// Choices that change which content is built.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Include articles and pages marked `draft = true`.
    pub drafts: bool,
    /// Include articles dated in the future.
    pub future: bool,
}

/// The whole site, resolved.
#[derive(Debug)]
pub struct Site {
    /// `site.toml`.
    pub config: SiteConfig,
    /// Articles, newest first (ties by slug).
    pub articles: Vec<Article>,
    /// Authors, by name.
    pub authors: Vec<Author>,
    /// Tags, by slug.
    pub tags: Vec<Tag>,
    /// Standalone pages, in file-name order.
    pub pages: Vec<Page>,
    /// Built with `--drafts` or `--future`: a preview, which search engines
    /// are asked not to index.
    pub preview: bool,
}

/// An article with everything resolved.
/// Serializable so that a build can keep it for the next (see
/// [`ArticleCache`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    /// Its Markdown file, relative to the site root.
    pub source_path: PathBuf,
    /// The last segment of its URL.
    pub slug: String,
    /// The title.
    pub title: String,
    /// URL path from the site root, e.g. `/articles/slug/`.
    pub permalink: String,
    /// Publication date (midnight UTC when only the day is known).
    pub date: DateTime<FixedOffset>,
    /// Whether `date` gives a time of day (else it is a date only).
    pub date_has_time: bool,
    /// Last update, if given.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Whether `updated` gives a time of day.
    pub updated_has_time: bool,
    /// Author ids, as written (checked to exist).
    pub author_ids: Vec<String>,
    /// Tags as written.
    pub tag_names: Vec<String>,
    /// Indices into [`Site::authors`], in the order written (set on assembly).
    pub authors: Vec<usize>,
    /// Indices into [`Site::tags`], in the order written, without repeats (set
    /// on assembly).
    pub tags: Vec<usize>,
    /// Summary HTML.
    pub summary_html: String,
    /// Summary as plain text, for feeds.
    pub summary_text: String,
    /// A sentence or two for metadata: the front matter's `description`, else
    /// the summary cut at a sentence of about 160 characters.
    pub description: String,
    /// The picture for link previews: the front matter's `image`, else the
    /// body's first image.
    pub image: Option<ArticleImage>,
    /// The number of comments.
    pub comment_count: usize,
    /// The newest comment's date, if there is one.
    pub newest_comment: Option<DateTime<FixedOffset>>,
    /// The body HTML and the comments ([`Article::text`]). Not serialized
    /// with the rest: the cache packs it apart, to decode it only for the
    /// pages that show it.
    #[serde(skip, default = "LazyText::missing")]
    pub text: LazyText,
    /// Whether the thread is closed.
    pub comments_closed: bool,
    /// Whether it is a draft (only present when building drafts).
    pub draft: bool,
    /// Whether it is dated in the future (only present when building with `future`).
    pub scheduled: bool,
    /// Old URL paths that redirect here, each starting with `/`.
    pub aliases: Vec<String>,
    /// Free-form values for templates.
    #[serde(with = "articles::toml_text")]
    pub extra: toml::Table,
    /// Bundle files to copy beside the page: (source, path relative to the page).
    pub assets: Vec<(PathBuf, PathBuf)>,
}

/// The picture that stands for an article in link previews, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ArticleImage {
    /// The front matter's `image`: a URL, a site-root path (under the base
    /// path, like an author's `avatar`) or a path relative to the article.
    Given(String),
    /// The `src` of the body's first image, which means what it means on the
    /// article's page.
    InBody(String),
}

/// An author with their articles.
#[derive(Debug)]
pub struct Author {
    /// Id (file name).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Position or affiliation.
    pub title: Option<String>,
    /// Photo URL.
    pub avatar: Option<String>,
    /// Named links.
    pub links: BTreeMap<String, String>,
    /// Free-form values for templates.
    pub extra: toml::Table,
    /// Bio HTML.
    pub bio_html: String,
    /// The bio's first paragraph, for the list of authors.
    pub bio_summary_html: String,
    /// URL path, `/authors/<id>/`.
    pub permalink: String,
    /// Indices into [`Site::articles`], newest first.
    pub articles: Vec<usize>,
}

/// A tag with its articles.
#[derive(Debug)]
pub struct Tag {
    /// The name as first written.
    pub name: String,
    /// Its URL slug.
    pub slug: String,
    /// URL path, `/tags/<slug>/`.
    pub permalink: String,
    /// Indices into [`Site::articles`], newest first.
    pub articles: Vec<usize>,
}

/// A standalone page.
#[derive(Debug)]
pub struct Page {
    /// Its Markdown file, relative to the site root.
    pub source_path: PathBuf,
    /// The title.
    pub title: String,
    /// A sentence for metadata.
    pub description: Option<String>,
    /// URL path, `/<slug>/`.
    pub permalink: String,
    /// Body HTML.
    pub content_html: String,
    /// Whether it is a draft.
    pub draft: bool,
    /// Old URL paths that redirect here, normalized.
    pub aliases: Vec<String>,
    /// Free-form values for templates.
    pub extra: toml::Table,
}

impl Article {
    /// Whether the article is public: neither a draft nor dated in the future.
    /// Only public articles go into feeds, the sitemap and `_redirects`.
    pub fn is_public(&self) -> bool {
        !self.draft && !self.scheduled
    }

    /// When its page last changed: the newest of its date, its `updated` and
    /// its comments' dates (a new comment changes the page).
    pub fn last_modified(&self) -> DateTime<FixedOffset> {
        [Some(self.date), self.updated, self.newest_comment]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(self.date)
    }

    /// Its body HTML and comments, decoded now if the cache kept them
    /// packed.
    pub fn text(&self) -> &ArticleText {
        self.text.get()
    }
}

impl Site {
    /// The number of comments across all articles.
    pub fn comment_count(&self) -> usize {
        self.articles.iter().map(|a| a.comment_count).sum()
    }
}

impl BuildOptions {
    /// Whether an article that is a draft or not, dated `date`, is built with
    /// these options at the time `now`.
    pub fn includes(&self, draft: bool, date: DateTime<FixedOffset>, now: DateTime<Utc>) -> bool {
        (self.drafts || !draft) && (self.future || date <= now)
    }
}

/// What the model is built from: the loaded authors and pages, and the
/// article files (absolute) with the hash of each one's inputs, which the
/// [`ArticleCache`] loads or reuses.
#[derive(Debug, Default)]
pub struct Sources {
    /// Authors, in file-name order.
    pub authors: Vec<AuthorSource>,
    /// The ids of author files that failed to load (reported by the loader).
    pub broken_authors: Vec<String>,
    /// Standalone pages, in file-name order.
    pub pages: Vec<PageSource>,
    /// Each article's Markdown file with the hash of its inputs.
    pub articles: Vec<(PathBuf, u64)>,
    /// How the articles' folders were reached (see [`find_articles`]).
    ///
    /// [`find_articles`]: crate::content::find_articles
    pub article_folders: Route,
}

/// Resolves the sources into the site model as of `now`, reporting every
/// problem found. Articles come through `cache`: an article whose files and
/// context are unchanged since it last went through is reused, not re-read.
/// The full build (with an empty cache) and serve's rebuilds both build their
/// model here.
pub fn build_site(
    root: &Path,
    config: SiteConfig,
    sources: Sources,
    (options, now): (BuildOptions, DateTime<Utc>),
    cache: &mut ArticleCache,
) -> Result<(Site, Vec<Warning>), Vec<Error>> {
    // site.toml's check has refused an unknown theme already.
    let highlighting =
        Highlighting::of(&config.highlight.theme).unwrap_or_else(|_| Highlighting::plain());
    let authors = resolve_authors(sources.authors, &highlighting);
    // A broken author file is reported by the loader; counting its id as known
    // keeps each article naming it from repeating that as "has no file".
    let known_authors: HashSet<&str> = authors
        .iter()
        .map(|a| a.id.as_str())
        .chain(sources.broken_authors.iter().map(String::as_str))
        .collect();
    let context = articles::Context {
        root,
        config: &config,
        known_authors: &known_authors,
        highlighting: &highlighting,
        article_folders: sources.article_folders,
        options,
        now,
    };
    let (articles, warnings, mut errors) = cache.model(&context, &sources.articles);
    let (pages, mut page_errors) = resolve_pages(sources.pages, options, &highlighting);
    errors.append(&mut page_errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut site = assemble(config, authors, articles, pages, now);
    site.preview = options.drafts || options.future;
    Ok((site, warnings))
}

/// Puts resolved articles, authors and pages together: articles newest first,
/// tags collected, and each article linked with its authors and tags; those
/// dated after `now` are marked scheduled.
pub fn assemble(
    config: SiteConfig,
    mut authors: Vec<Author>,
    mut articles: Vec<Article>,
    pages: Vec<Page>,
    now: DateTime<Utc>,
) -> Site {
    articles.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    let mut tags = tags::collect_tags(&articles);
    let author_index: HashMap<&str, usize> = authors
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let tag_index: HashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    for article in &mut articles {
        article.scheduled = article.date > now;
        article.authors = article
            .author_ids
            .iter()
            .filter_map(|id| author_index.get(id.as_str()).copied())
            .collect();
        article.tags.clear();
        for name in &article.tag_names {
            if let Some(&t) = tag_index.get(tag_slug(name).as_str())
                && !article.tags.contains(&t)
            {
                article.tags.push(t);
            }
        }
    }
    for author in &mut authors {
        author.articles.clear();
    }
    for (i, article) in articles.iter().enumerate() {
        for &a in &article.authors {
            authors[a].articles.push(i);
        }
        for &t in &article.tags {
            tags[t].articles.push(i);
        }
    }
    Site {
        config,
        articles,
        authors,
        tags,
        pages,
        preview: false,
    }
}

/// An article with the warnings its thread raised, or every error it has.
type ArticleResult = Result<(Article, Vec<Warning>), Vec<Error>>;

/// Authors with their bios rendered (code highlighted as `highlighting`
/// says), by name.
pub fn resolve_authors(sources: Vec<AuthorSource>, highlighting: &Highlighting) -> Vec<Author> {
    let mut authors: Vec<Author> = sources
        .into_par_iter()
        .map(|a| {
            let bio_html = render_trusted(&a.bio, highlighting);
            Author {
                permalink: format!("/authors/{}/", a.id),
                bio_summary_html: first_paragraph(&bio_html).unwrap_or_default().to_string(),
                bio_html,
                id: a.id,
                name: a.name,
                title: a.title,
                avatar: a.avatar,
                links: a.links,
                extra: a.extra,
                articles: Vec::new(),
            }
        })
        .collect();
    authors.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    authors
}

/// Checks one article against the site (its authors exist, its slug, aliases
/// and tags make URLs) and renders its texts and its thread (which the loader
/// has checked).
pub fn resolve_article(
    source: ArticleSource,
    config: &SiteConfig,
    known_authors: &HashSet<&str>,
    highlighting: &Highlighting,
) -> ArticleResult {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let at = |line: Option<usize>| Location {
        path: source.path.clone(),
        line,
    };
    if let Err(problem) = permalink::validate_slug(&source.slug) {
        errors.push(Error::InvalidSlug {
            at: at(source.slug_line),
            slug: source.slug.clone(),
            problem,
        });
    }
    for (id, line) in &source.authors {
        if !known_authors.contains(id.as_str()) {
            errors.push(Error::MissingAuthor {
                at: at(Some(*line)),
                author: id.clone(),
            });
        }
    }
    let mut aliases = Vec::with_capacity(source.aliases.len());
    for (alias, line) in &source.aliases {
        match permalink::normalize_alias(alias) {
            Ok(path) => aliases.push(path),
            Err(problem) => errors.push(Error::InvalidAlias {
                at: at(Some(*line)),
                alias: alias.clone(),
                problem,
            }),
        }
    }
    for (tag, line) in &source.tags {
        if tag_slug(tag).is_empty() {
            errors.push(Error::UnsluggableTag {
                at: at(Some(*line)),
                tag: tag.clone(),
            });
        }
    }
    let thread = match &source.thread {
        Some(thread_source) => thread::build_thread(thread_source, &config.comments, &mut warnings),
        None => CommentThread::default(),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let content_html = render_trusted(&source.body, highlighting);
    let summary_html = summary_html(
        source.summary.as_deref(),
        &source.body,
        &content_html,
        highlighting,
    );
    let summary_text = summary_text(source.summary.as_deref(), &source.body);
    let description = source
        .description
        .unwrap_or_else(|| markdown::description(&summary_text));
    let image = source
        .image
        .map(ArticleImage::Given)
        .or_else(|| first_image(&content_html).map(ArticleImage::InBody));
    Ok((
        Article {
            permalink: permalink::resolve(&config.build.permalink, &source.date, &source.slug),
            source_path: source.path,
            slug: source.slug,
            title: source.title,
            date: source.date,
            date_has_time: source.date_has_time,
            updated: source.updated,
            updated_has_time: source.updated_has_time,
            author_ids: source.authors.into_iter().map(|(id, _)| id).collect(),
            tag_names: source.tags.into_iter().map(|(tag, _)| tag).collect(),
            authors: Vec::new(),
            tags: Vec::new(),
            summary_html,
            summary_text,
            description,
            image,
            comment_count: thread.len(),
            newest_comment: thread.comments.iter().map(|c| c.date).max(),
            text: LazyText::new(ArticleText {
                content_html,
                thread,
            }),
            comments_closed: source.comments_closed,
            draft: source.draft,
            scheduled: false,
            aliases,
            extra: source.extra,
            assets: source.assets,
        },
        warnings,
    ))
}

/// The pages built with `options`, rendered; a slug that cannot be one URL
/// segment (`../x`, `a/b`) is an error, since it would be written outside its
/// folder.
pub fn resolve_pages(
    sources: Vec<PageSource>,
    options: BuildOptions,
    highlighting: &Highlighting,
) -> (Vec<Page>, Vec<Error>) {
    let (pages, errors): (Vec<_>, Vec<_>) = sources
        .into_par_iter()
        .filter(|p| options.drafts || !p.draft)
        .map(|source| resolve_page(source, highlighting))
        .partition(Result::is_ok);
    (
        pages.into_iter().flatten().collect(),
        errors.into_iter().filter_map(Result::err).collect(),
    )
}

fn resolve_page(source: PageSource, highlighting: &Highlighting) -> Result<Page, Error> {
    permalink::validate_slug(&source.slug).map_err(|problem| Error::InvalidSlug {
        at: Location {
            path: source.path.clone(),
            line: source.slug_line,
        },
        slug: source.slug.clone(),
        problem,
    })?;
    let aliases = source
        .aliases
        .iter()
        .map(|(alias, line)| {
            permalink::normalize_alias(alias).map_err(|problem| Error::InvalidAlias {
                at: Location::line(&source.path, *line),
                alias: alias.clone(),
                problem,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page {
        aliases,
        permalink: format!("/{}/", source.slug),
        content_html: render_trusted(&source.body, highlighting),
        source_path: source.path,
        title: source.title,
        description: source.description,
        draft: source.draft,
        extra: source.extra,
    })
}
