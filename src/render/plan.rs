//! Which files a site has: one job per file, with its output path, checked so
//! that no two claim one path, and keyed so that a rebuild can tell which
//! files could have changed. Renders nothing.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::{CONTENT_DIR, thread_file};
use crate::error::Error;
use crate::output::join_url_path;
use crate::site::pagination::{Pager, paginate};
use crate::site::{Article, Site};

use super::feeds::{ARTICLE_FEED_FILE, COMMENT_FEED_FILE, has_comment_feed};
use super::search::{SEARCH_DIR, SearchIndex, document_count, shard_count, site_chunks};

/// The empty file at the output root that turns GitHub Pages' Jekyll off.
pub const NO_JEKYLL_FILE: &str = ".nojekyll";

/// One file the site has.
#[derive(Debug, Clone)]
pub(super) enum Job {
    /// A page of the home listing.
    Index(Pager),
    /// An article.
    Article(usize),
    /// The Atom feed of an article's comments.
    CommentFeed(usize),
    /// The list of authors.
    Authors,
    /// A page of an author's listing.
    Author(usize, Pager),
    /// An author's Atom feed.
    AuthorFeed(usize),
    /// The list of tags.
    Tags,
    /// A page of a tag's listing.
    Tag(usize, Pager),
    /// A tag's Atom feed.
    TagFeed(usize),
    /// A standalone page.
    Page(usize),
    /// Every article by year and month.
    Archive,
    /// The site's Atom feed.
    SiteFeed,
    /// A redirect page from an old path to a current one.
    Redirect {
        from: String,
        to: String,
        /// Whose old path it is.
        alias_of: AliasOf,
    },
    /// `_redirects`, the aliases for hosts that read one.
    RedirectsFile,
    /// `.nojekyll`, empty: tells GitHub Pages to publish the folder as it is
    /// rather than run Jekyll over it (which drops `_`-prefixed files).
    NoJekyll,
    /// `sitemap.xml`.
    Sitemap,
    /// `robots.txt`.
    Robots,
    /// `404.html`.
    NotFound,
    /// The theme's stylesheet.
    Stylesheet,
    /// The highlighting stylesheet.
    SyntaxStylesheet,
    /// The search page.
    Search,
    /// The search page's script.
    SearchScript,
    /// The search index's manifest.
    SearchManifest,
    /// One shard of the search index's terms.
    SearchTerms(usize),
    /// One chunk of the search index's shown document fields: its group of
    /// articles and its part of their threads.
    SearchDocs(usize, usize),
}

/// What a redirect page stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AliasOf {
    /// A listing's `page/1/`, which is its first page.
    Listing,
    /// An alias of the article at this index.
    Article(usize),
    /// An alias of the page at this index.
    Page(usize),
}

/// Every file a site has, each with its output path, checked for collisions.
pub struct Plan {
    pub(super) files: Vec<(String, Job)>,
}

/// One planned file, as the caller of [`super::render_plan`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct PlannedFile<'p> {
    /// Its path under the output folder.
    pub path: &'p str,
    /// The article it shows (its page or its comment feed), if it belongs to one.
    pub article: Option<usize>,
}

impl Plan {
    /// Plans `site`'s files; an output path claimed twice is an error.
    pub fn new(site: &Site) -> Result<Plan, Vec<Error>> {
        let files: Vec<(String, Job)> = jobs(site)
            .into_iter()
            .map(|job| (output_of(site, &job), job))
            .collect();
        check_collisions(site, &files)?;
        Ok(Plan { files })
    }

    /// The planned files.
    pub fn files(&self) -> impl Iterator<Item = PlannedFile<'_>> {
        self.files.iter().map(|(path, job)| PlannedFile {
            path,
            article: match job {
                Job::Article(i) | Job::CommentFeed(i) => Some(*i),
                _ => None,
            },
        })
    }
}

/// What a planned page is made from: the template it is rendered with and the
/// content files whose text it shows as a whole, so that a problem found in
/// the built page can be reported where it was written.
#[derive(Debug, Clone)]
pub struct PageOrigin<'p> {
    /// Its path under the output folder.
    pub path: &'p str,
    /// The template it is rendered with (none for feeds and other files).
    pub template: Option<&'static str>,
    /// The content files it shows in full (an article and its thread, a page,
    /// an author's bio), relative to the site root.
    pub sources: Vec<PathBuf>,
}

impl Plan {
    /// Where each planned file comes from.
    pub fn origins<'p>(&'p self, site: &Site) -> Vec<PageOrigin<'p>> {
        self.files
            .iter()
            .map(|(path, job)| PageOrigin {
                path,
                template: job.template(),
                sources: match job {
                    Job::Article(i) => {
                        let file = &site.articles[*i].source_path;
                        vec![file.clone(), thread_file(file)]
                    }
                    Job::Page(i) => vec![site.pages[*i].source_path.clone()],
                    Job::Author(i, _) => vec![
                        Path::new(CONTENT_DIR)
                            .join("authors")
                            .join(format!("{}.md", site.authors[*i].id)),
                    ],
                    _ => Vec::new(),
                },
            })
            .collect()
    }
}

impl Job {
    /// The template this job renders with, if it renders with one.
    pub(super) fn template(&self) -> Option<&'static str> {
        Some(match self {
            Job::Index(_) => "index.html",
            Job::Article(_) => "article.html",
            Job::Authors => "authors.html",
            Job::Author(..) => "author.html",
            Job::Tags => "tags.html",
            Job::Tag(..) => "tag.html",
            Job::Page(_) => "page.html",
            Job::Archive => "archive.html",
            Job::Redirect { .. } => "redirect.html",
            Job::NotFound => "404.html",
            Job::Stylesheet => "style.css",
            Job::Search => "search.html",
            Job::SearchScript => "search.js",
            _ => return None,
        })
    }
}

impl Plan {
    /// A key for each planned file (in [`Plan::files`] order) that changes
    /// whenever the file's content could: equal keys in two builds mean equal
    /// files. `site_key` must stand for everything every page may show besides
    /// articles (configuration, templates, authors, pages); `article_key` for
    /// everything an article shows of itself, on its page and in listings.
    /// The articles a listing or feed shows come from [`Job::shown`], as the
    /// renderer's do. `None` marks small files that are always rendered.
    /// With the build's `search` index already made, each of its files is
    /// keyed by its text, so that only the index files whose bytes changed
    /// need writing; else by every article.
    pub fn content_keys(
        &self,
        site: &Site,
        site_key: u64,
        article_key: &(dyn Fn(&Article) -> u64 + Sync),
        search: Option<&SearchIndex>,
    ) -> Vec<Option<u64>> {
        let article_keys: Vec<u64> = site.articles.par_iter().map(article_key).collect();
        // The search index holds every article: one key for all of them,
        // hashed once rather than once per index file.
        let all_articles_key = {
            let mut hasher = std::hash::DefaultHasher::new();
            article_keys.hash(&mut hasher);
            hasher.finish()
        };
        self.files
            .par_iter()
            .map(|(path, job)| {
                if job.is_search_index()
                    && let Some(index) = search
                {
                    return index.key(job);
                }
                let mut hasher = std::hash::DefaultHasher::new();
                (site_key, path).hash(&mut hasher);
                match job {
                    Job::Index(pager) => (pager.number, pager.total).hash(&mut hasher),
                    // The page's head names the tag, and counts the author's articles.
                    Job::Author(a, pager) => {
                        let count = site.authors[*a].articles.len();
                        (pager.number, pager.total, count).hash(&mut hasher);
                    }
                    Job::Tag(t, pager) => {
                        let tag = &site.tags[*t];
                        (&tag.name, tag.articles.len(), pager.number, pager.total)
                            .hash(&mut hasher);
                    }
                    Job::TagFeed(t) => site.tags[*t].name.hash(&mut hasher),
                    Job::Redirect { to, .. } => to.hash(&mut hasher),
                    Job::SearchManifest | Job::SearchTerms(_) | Job::SearchDocs(..) => {
                        all_articles_key.hash(&mut hasher);
                    }
                    Job::Article(_)
                    | Job::CommentFeed(_)
                    | Job::AuthorFeed(_)
                    | Job::Archive
                    | Job::SiteFeed => {}
                    _ => return None,
                }
                for i in job.shown(site) {
                    article_keys[i].hash(&mut hasher);
                }
                Some(hasher.finish())
            })
            .collect()
    }
}

impl Job {
    /// The articles this job's file shows, in order (indices into the site's
    /// articles): a listing page's share of its articles, a feed's newest
    /// public ones, an article itself. The one place this is decided: the
    /// renderer shows these and the rebuild's keys hash these.
    pub(super) fn shown(&self, site: &Site) -> Vec<usize> {
        let page_of =
            |articles: &[usize], pager: &Pager| pager.items.clone().map(|n| articles[n]).collect();
        match self {
            Job::Index(pager) => pager.items.clone().collect(),
            Job::Author(a, pager) => page_of(&site.authors[*a].articles, pager),
            Job::Tag(t, pager) => page_of(&site.tags[*t].articles, pager),
            Job::AuthorFeed(a) => feed_articles(site, &site.authors[*a].articles),
            Job::TagFeed(t) => feed_articles(site, &site.tags[*t].articles),
            Job::SiteFeed => feed_articles(site, &(0..site.articles.len()).collect::<Vec<_>>()),
            Job::Archive => (0..site.articles.len()).collect(),
            Job::Article(i) | Job::CommentFeed(i) => vec![*i],
            _ => Vec::new(),
        }
    }
}

/// The articles of a feed: the public ones of `articles` (newest first), then
/// the newest `[feeds] limit` of those. Drafts and scheduled articles never
/// enter a feed, even in a preview build.
fn feed_articles(site: &Site, articles: &[usize]) -> Vec<usize> {
    articles
        .iter()
        .copied()
        .filter(|&i| site.articles[i].is_public())
        .take(site.config.feeds.limit)
        .collect()
}

/// Every output file claimed twice (two articles with one slug, an alias onto a
/// page, a page named like a generated one) is an error naming both claimants:
/// rendered in parallel, one would silently overwrite the other.
fn check_collisions(site: &Site, planned: &[(String, Job)]) -> Result<(), Vec<Error>> {
    let url_of = |path: &str| format!("/{}", path.strip_suffix("index.html").unwrap_or(path));
    let mut claimed: HashMap<&str, &Job> = HashMap::with_capacity(planned.len());
    let mut errors = Vec::new();
    for (path, job) in planned {
        if let Some(first) = claimed.insert(path, job) {
            errors.push(Error::UrlCollision {
                first: owner_of(site, first),
                second: owner_of(site, job),
                url: url_of(path),
            });
        }
    }
    // A bundle file named like a generated one (index.html, comments.xml)
    // would replace it when copied.
    for article in &site.articles {
        for (from, relative) in &article.assets {
            let path = join_url_path(&article.permalink, relative);
            if let Some(job) = claimed.get(path.as_str()) {
                errors.push(Error::UrlCollision {
                    first: owner_of(site, job),
                    second: format!("the bundle file {}", from.display()),
                    url: url_of(&path),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The file a job writes, relative to the output folder.
fn output_of(site: &Site, job: &Job) -> String {
    let feed = |page: &str, file: &str| file_path(&format!("{page}{file}"));
    match job {
        Job::Index(pager) | Job::Author(_, pager) | Job::Tag(_, pager) => output_path(&pager.url),
        Job::Article(i) => output_path(&site.articles[*i].permalink),
        Job::CommentFeed(i) => feed(&site.articles[*i].permalink, COMMENT_FEED_FILE),
        Job::Authors => output_path("/authors/"),
        Job::AuthorFeed(i) => feed(&site.authors[*i].permalink, ARTICLE_FEED_FILE),
        Job::Tags => output_path("/tags/"),
        Job::TagFeed(i) => feed(&site.tags[*i].permalink, ARTICLE_FEED_FILE),
        Job::Page(i) => output_path(&site.pages[*i].permalink),
        Job::Archive => output_path("/archive/"),
        Job::SiteFeed => ARTICLE_FEED_FILE.into(),
        Job::Redirect { from, .. } => output_path(from),
        Job::RedirectsFile => "_redirects".into(),
        Job::NoJekyll => NO_JEKYLL_FILE.into(),
        Job::Sitemap => "sitemap.xml".into(),
        Job::Robots => "robots.txt".into(),
        Job::NotFound => "404.html".into(),
        Job::Stylesheet => "style.css".into(),
        Job::SyntaxStylesheet => "syntax.css".into(),
        Job::Search => output_path(&format!("/{SEARCH_DIR}/")),
        Job::SearchScript => "search.js".into(),
        Job::SearchManifest => format!("{SEARCH_DIR}/manifest.js"),
        Job::SearchTerms(n) => format!("{SEARCH_DIR}/terms/{n}.js"),
        Job::SearchDocs(group, part) => format!("{SEARCH_DIR}/docs/{group}-{part}.js"),
    }
}

/// Who asks for a job's file, for collision errors: a source file, or a page
/// the site generates.
fn owner_of(site: &Site, job: &Job) -> String {
    let path = |p: &std::path::Path| p.display().to_string();
    match job {
        Job::Article(i) | Job::CommentFeed(i) => path(&site.articles[*i].source_path),
        Job::Redirect {
            alias_of: AliasOf::Article(i),
            from,
            ..
        } => {
            format!("{} (alias `{from}`)", path(&site.articles[*i].source_path))
        }
        Job::Redirect {
            alias_of: AliasOf::Page(i),
            from,
            ..
        } => {
            format!("{} (alias `{from}`)", path(&site.pages[*i].source_path))
        }
        Job::Page(i) => path(&site.pages[*i].source_path),
        Job::Tag(i, _) | Job::TagFeed(i) => format!("the tag page of “{}”", site.tags[*i].name),
        Job::Author(i, _) | Job::AuthorFeed(i) => {
            format!("the author page of {}", site.authors[*i].id)
        }
        Job::Index(_) => "the home page listing".into(),
        Job::Redirect {
            alias_of: AliasOf::Listing,
            from,
            ..
        } => format!("the listing whose first page `{from}` stands for"),
        Job::Authors => "the list of authors".into(),
        Job::Tags => "the list of tags".into(),
        Job::Archive => "the archive".into(),
        Job::Search => "the search page".into(),
        _ => "a file scholia generates".into(),
    }
}

/// A listing's pages and, when it has several, a redirect from `page/1/` to
/// its first page.
fn listing_jobs(count: usize, per_page: usize, base: &str, job: impl Fn(Pager) -> Job) -> Vec<Job> {
    let mut jobs: Vec<Job> = paginate(count, per_page, base)
        .into_iter()
        .map(job)
        .collect();
    if jobs.len() > 1 {
        jobs.push(Job::Redirect {
            from: format!("{base}page/1/"),
            to: base.to_string(),
            alias_of: AliasOf::Listing,
        });
    }
    jobs
}

/// Every file the site has, in a stable order.
fn jobs(site: &Site) -> Vec<Job> {
    let per_page = site.config.pagination.per_page;
    let mut jobs = listing_jobs(site.articles.len(), per_page, "/", Job::Index);
    for (i, article) in site.articles.iter().enumerate() {
        jobs.push(Job::Article(i));
        if has_comment_feed(site, article) {
            jobs.push(Job::CommentFeed(i));
        }
        let aliases = article.aliases.iter().filter(|_| article.is_public());
        jobs.extend(aliases.map(|alias| Job::Redirect {
            from: alias.clone(),
            to: article.permalink.clone(),
            alias_of: AliasOf::Article(i),
        }));
    }
    jobs.push(Job::Authors);
    for (i, author) in site.authors.iter().enumerate() {
        jobs.extend(listing_jobs(
            author.articles.len(),
            per_page,
            &author.permalink,
            |p| Job::Author(i, p),
        ));
        jobs.push(Job::AuthorFeed(i));
    }
    jobs.push(Job::Tags);
    for (i, tag) in site.tags.iter().enumerate() {
        jobs.extend(listing_jobs(
            tag.articles.len(),
            per_page,
            &tag.permalink,
            |p| Job::Tag(i, p),
        ));
        jobs.push(Job::TagFeed(i));
    }
    for (i, page) in site.pages.iter().enumerate() {
        jobs.push(Job::Page(i));
        let aliases = page.aliases.iter().filter(|_| !page.draft);
        jobs.extend(aliases.map(|alias| Job::Redirect {
            from: alias.clone(),
            to: page.permalink.clone(),
            alias_of: AliasOf::Page(i),
        }));
    }
    jobs.extend([
        Job::Archive,
        Job::SiteFeed,
        Job::RedirectsFile,
        Job::NoJekyll,
        Job::Sitemap,
        Job::Robots,
        Job::NotFound,
        Job::Stylesheet,
        Job::SyntaxStylesheet,
        Job::Search,
        Job::SearchScript,
    ]);
    jobs.extend(search_index_jobs(site));
    jobs
}

/// The files of the search index: its manifest, its term shards and its
/// chunks of shown fields, as many as the site's size calls for.
fn search_index_jobs(site: &Site) -> impl Iterator<Item = Job> {
    let documents = document_count(site);
    std::iter::once(Job::SearchManifest)
        .chain((0..shard_count(documents)).map(Job::SearchTerms))
        .chain(
            site_chunks(site)
                .into_iter()
                .map(|(group, part)| Job::SearchDocs(group, part)),
        )
}

impl Job {
    /// Whether this job writes a file of the search index (all of which come
    /// from one index, built once per build).
    pub(super) fn is_search_index(&self) -> bool {
        matches!(
            self,
            Job::SearchManifest | Job::SearchTerms(_) | Job::SearchDocs(..)
        )
    }
}

/// The output file of a URL path: `/a/b/` → `a/b/index.html`; a path naming a
/// file (`/old.html`) is that file.
pub fn output_path(url_path: &str) -> String {
    match output_file(url_path) {
        ("", name) => name.to_string(),
        (folders, name) => format!("{folders}/{name}"),
    }
}

/// [`output_path`] as its folders (`""` at the root) and its name, without
/// writing it out: `/a/b/` → `a/b` and `index.html`.
pub(crate) fn output_file(url_path: &str) -> (&str, &str) {
    let relative = url_path.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        (&relative[..relative.len().saturating_sub(1)], "index.html")
    } else {
        match relative.rsplit_once('/') {
            Some((folders, name)) if name.contains('.') => (folders, name),
            None if relative.contains('.') => ("", relative),
            _ => (relative, "index.html"),
        }
    }
}

/// The output path of a file's URL path (`/a/atom.xml` → `a/atom.xml`).
pub(super) fn file_path(url_path: &str) -> String {
    url_path.trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::{output_file, output_path};

    #[test]
    fn output_paths() {
        assert_eq!(output_file("/a/b/"), ("a/b", "index.html"));
        assert_eq!(output_file("/"), ("", "index.html"));
        assert_eq!(output_file("/a/old.html"), ("a", "old.html"));
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a//"), "a//index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/old.html"), "old.html");
        assert_eq!(output_path("/2016/08/old"), "2016/08/old/index.html");
    }
}
