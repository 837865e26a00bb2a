//! Rendering: the site model through Tera templates into output files.
//!
//! Owns the template set (built-in theme plus site overrides), the views handed to
//! templates, the feeds and crawler files, and the list of files a site has. It
//! hands each rendered file to a sink and never touches the output folder itself.

pub mod feeds;
pub mod sitemap;
pub mod templates;
pub mod views;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::CONFIG_FILE;
use crate::error::{Error, Location};
use crate::markdown;
use crate::site::pagination::{Pager, paginate};
use crate::site::{Article, Site};
use feeds::{ARTICLE_FEED_FILE, COMMENT_FEED_FILE, absolute};
use sitemap::SitemapEntry;
pub use templates::load_templates;
use views::{ArticleSummaryView, ViewBuilder};

/// Receives each rendered file: its path relative to the output folder, and its
/// bytes. Called from several threads at once.
pub type Sink<'s> = dyn Fn(&str, &[u8]) -> Result<(), Error> + Sync + 's;

/// One file the site has.
#[derive(Debug, Clone)]
enum Job {
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
        /// The article whose alias it is; `None` for a listing's `page/1/`.
        alias_of: Option<usize>,
    },
    /// `_redirects`, the aliases for hosts that read one.
    RedirectsFile,
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
}

/// Renders every file of `site` and hands each to `sink`. Returns how many files
/// were written, or every error met.
pub fn render_site(site: &Site, tera: &Tera, sink: &Sink<'_>) -> Result<usize, Vec<Error>> {
    let plan = Plan::new(site)?;
    render_plan(site, tera, &plan, &|_| true, sink)
}

/// Every file a site has, each with its output path, checked for collisions.
pub struct Plan {
    files: Vec<(String, Job)>,
}

/// One planned file, as the caller of [`render_plan`] sees it.
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

impl Plan {
    /// A key for each planned file (in [`Plan::files`] order) that changes
    /// whenever the file's content could, for the same templates and
    /// configuration: equal keys in two builds mean equal files. `article_key`
    /// must do the same for everything an article shows of itself (on its page
    /// and in listings). `None` marks small files that are always rendered.
    pub fn content_keys(
        &self,
        site: &Site,
        article_key: &(dyn Fn(&Article) -> u64 + Sync),
    ) -> Vec<Option<u64>> {
        let article_keys: Vec<u64> = site.articles.par_iter().map(article_key).collect();
        let keys_of = |hasher: &mut std::hash::DefaultHasher,
                       articles: &mut dyn Iterator<Item = usize>| {
            for i in articles {
                article_keys[i].hash(hasher);
            }
        };
        let limit = site.config.feeds.limit;
        self.files
            .par_iter()
            .map(|(path, job)| {
                let mut hasher = std::hash::DefaultHasher::new();
                path.hash(&mut hasher);
                match job {
                    Job::Article(i) | Job::CommentFeed(i) => article_keys[*i].hash(&mut hasher),
                    Job::Index(pager) => {
                        (pager.number, pager.total).hash(&mut hasher);
                        keys_of(&mut hasher, &mut pager.items.clone());
                    }
                    Job::Author(a, pager) => {
                        (pager.number, pager.total).hash(&mut hasher);
                        let articles = &site.authors[*a].articles;
                        keys_of(&mut hasher, &mut pager.items.clone().map(|n| articles[n]));
                    }
                    Job::Tag(t, pager) => {
                        (&site.tags[*t].name, pager.number, pager.total).hash(&mut hasher);
                        let articles = &site.tags[*t].articles;
                        keys_of(&mut hasher, &mut pager.items.clone().map(|n| articles[n]));
                    }
                    Job::AuthorFeed(a) => keys_of(
                        &mut hasher,
                        &mut site.authors[*a].articles.iter().copied().take(limit),
                    ),
                    Job::TagFeed(t) => {
                        site.tags[*t].name.hash(&mut hasher);
                        keys_of(
                            &mut hasher,
                            &mut site.tags[*t].articles.iter().copied().take(limit),
                        );
                    }
                    Job::Archive => keys_of(&mut hasher, &mut (0..site.articles.len())),
                    Job::Redirect { to, .. } => to.hash(&mut hasher),
                    _ => return None,
                }
                Some(hasher.finish())
            })
            .collect()
    }
}

/// Renders the planned files that `wanted` selects and hands each to `sink`.
/// Returns how many were rendered, or every error met.
pub fn render_plan(
    site: &Site,
    tera: &Tera,
    plan: &Plan,
    wanted: &(dyn Fn(PlannedFile<'_>) -> bool + Sync),
    sink: &Sink<'_>,
) -> Result<usize, Vec<Error>> {
    let renderer = Renderer::new(site, tera);
    let selected: Vec<&(String, Job)> = plan
        .files
        .iter()
        .zip(plan.files())
        .filter(|(_, file)| wanted(*file))
        .map(|(planned, _)| planned)
        .collect();
    let errors: Vec<Error> = selected
        .par_iter()
        .filter_map(|(path, job)| {
            renderer
                .render(job)
                .and_then(|text| sink(path, text.as_bytes()))
                .err()
        })
        .collect();
    if errors.is_empty() {
        Ok(selected.len())
    } else {
        Err(errors)
    }
}

/// Every output file claimed twice (two articles with one slug, an alias onto a
/// page, a page named like a generated one) is an error naming both claimants:
/// rendered in parallel, one would silently overwrite the other.
fn check_collisions(site: &Site, planned: &[(String, Job)]) -> Result<(), Vec<Error>> {
    let mut claimed: HashMap<&str, &Job> = HashMap::with_capacity(planned.len());
    let mut errors = Vec::new();
    for (path, job) in planned {
        if let Some(first) = claimed.insert(path, job) {
            errors.push(Error::UrlCollision {
                first: owner_of(site, first),
                second: owner_of(site, job),
                url: format!("/{}", path.strip_suffix("index.html").unwrap_or(path)),
            });
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
        Job::Sitemap => "sitemap.xml".into(),
        Job::Robots => "robots.txt".into(),
        Job::NotFound => "404.html".into(),
        Job::Stylesheet => "style.css".into(),
        Job::SyntaxStylesheet => "syntax.css".into(),
    }
}

/// Who asks for a job's file, for collision errors: a source file, or a page
/// the site generates.
fn owner_of(site: &Site, job: &Job) -> String {
    let path = |p: &std::path::Path| p.display().to_string();
    match job {
        Job::Article(i) | Job::CommentFeed(i) => path(&site.articles[*i].source_path),
        Job::Redirect {
            alias_of: Some(i),
            from,
            ..
        } => {
            format!("{} (alias `{from}`)", path(&site.articles[*i].source_path))
        }
        Job::Page(i) => path(&site.pages[*i].source_path),
        Job::Tag(i, _) | Job::TagFeed(i) => format!("the tag page of “{}”", site.tags[*i].name),
        Job::Author(i, _) | Job::AuthorFeed(i) => {
            format!("the author page of {}", site.authors[*i].id)
        }
        Job::Index(_) | Job::Redirect { alias_of: None, .. } => "the home page listing".into(),
        Job::Authors => "the list of authors".into(),
        Job::Tags => "the list of tags".into(),
        Job::Archive => "the archive".into(),
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
            alias_of: None,
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
        jobs.push(Job::CommentFeed(i));
        let aliases = article.aliases.iter().filter(|_| article.is_public());
        jobs.extend(aliases.map(|alias| Job::Redirect {
            from: alias.clone(),
            to: article.permalink.clone(),
            alias_of: Some(i),
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
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.extend([
        Job::Archive,
        Job::SiteFeed,
        Job::RedirectsFile,
        Job::Sitemap,
        Job::Robots,
        Job::NotFound,
        Job::Stylesheet,
        Job::SyntaxStylesheet,
    ]);
    jobs
}

/// The output file of a URL path: `/a/b/` → `a/b/index.html`; a path naming a
/// file (`/old.html`) is that file.
pub fn output_path(url_path: &str) -> String {
    let relative = url_path.trim_start_matches('/');
    if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else if relative
        .rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'))
    {
        relative.to_string()
    } else {
        format!("{relative}/index.html")
    }
}

/// Renders jobs, holding what every page shares.
struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    views: ViewBuilder<'a>,
    /// Each article as listed, built on first use and shared by all listings.
    summaries: Vec<OnceLock<ArticleSummaryView>>,
}

/// What a rendered job produced: the file's text.
type Rendered = Result<String, Error>;

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, tera: &'a Tera) -> Self {
        let views = ViewBuilder::new(site);
        let summaries = site.articles.iter().map(|_| OnceLock::new()).collect();
        Renderer {
            site,
            tera,
            views,
            summaries,
        }
    }

    /// Article `i` as listed.
    fn summary(&self, i: usize) -> &ArticleSummaryView {
        self.summaries[i].get_or_init(|| self.views.summary(&self.site.articles[i]))
    }

    fn render(&self, job: &Job) -> Rendered {
        let site = self.site;
        match job {
            Job::Index(pager) => {
                let context = self.listing(&site.config.title, pager, "/", |n| n);
                self.page("index.html", &pager.url, context)
            }
            Job::Article(i) => self.article(&site.articles[*i]),
            Job::CommentFeed(i) => Ok(feeds::comment_feed(site, &site.articles[*i])),
            Job::Authors => {
                let mut context = self.context("Authors", None);
                let authors: Vec<_> = site.authors.iter().map(|a| self.views.author(a)).collect();
                context.insert("authors", &authors);
                self.page("authors.html", "/authors/", context)
            }
            Job::Author(i, pager) => {
                let author = &site.authors[*i];
                let mut context = self.listing(&author.name, pager, &author.permalink, |n| {
                    author.articles[n]
                });
                context.insert("author", &self.views.author(author));
                self.page("author.html", &pager.url, context)
            }
            Job::AuthorFeed(i) => {
                let author = &site.authors[*i];
                let title = format!("{} — articles by {}", site.config.title, author.name);
                self.listing_feed(title, &author.permalink, &author.articles)
            }
            Job::Tags => {
                let mut context = self.context("Tags", None);
                context.insert("tags", &self.tag_counts());
                self.page("tags.html", "/tags/", context)
            }
            Job::Tag(i, pager) => {
                let tag = &site.tags[*i];
                let mut context =
                    self.listing(&tag.name, pager, &tag.permalink, |n| tag.articles[n]);
                context.insert("tag", &self.views.tag_link(tag));
                self.page("tag.html", &pager.url, context)
            }
            Job::TagFeed(i) => {
                let tag = &site.tags[*i];
                let title = format!("{} — {}", site.config.title, tag.name);
                self.listing_feed(title, &tag.permalink, &tag.articles)
            }
            Job::Page(i) => {
                let page = &site.pages[*i];
                let mut context = self.context(&page.title, page.description.as_deref());
                context.insert(
                    "page",
                    &PageView {
                        title: &page.title,
                        url: self.views.url(&page.permalink),
                        description: page.description.as_deref(),
                        content_html: &page.content_html,
                        draft: page.draft,
                        extra: &page.extra,
                    },
                );
                self.page("page.html", &page.permalink, context)
            }
            Job::Archive => {
                let mut context = self.context("Archive", None);
                let all: Vec<&ArticleSummaryView> =
                    (0..site.articles.len()).map(|i| self.summary(i)).collect();
                context.insert("years", &views::archive(site, &all));
                self.page("archive.html", "/archive/", context)
            }
            Job::SiteFeed => {
                let all: Vec<usize> = (0..site.articles.len()).collect();
                self.listing_feed(site.config.title.clone(), "/", &all)
            }
            Job::Redirect { to, .. } => {
                let mut context = self.context(&site.config.title, None);
                context.insert("target_url", &self.views.url(to));
                context.insert("canonical_url", &absolute(site, to));
                self.render_template("redirect.html", &context)
            }
            Job::RedirectsFile => Ok(self.redirects_file()),
            Job::Sitemap => Ok(sitemap::sitemap(&self.sitemap_entries())),
            Job::Robots => Ok(sitemap::robots_txt(site.config.base_url_trimmed())),
            Job::NotFound => {
                let context = self.context("Page not found", None);
                self.render_template("404.html", &context)
            }
            Job::Stylesheet => self.render_template("style.css", &Context::new()),
            Job::SyntaxStylesheet => {
                markdown::stylesheet(&site.config.highlight.theme).map_err(|e| {
                    Error::InvalidValue {
                        at: Location::file(CONFIG_FILE),
                        message: e.to_string(),
                    }
                })
            }
        }
    }

    fn article(&self, article: &Article) -> Rendered {
        let mut context = self.context(&article.title, Some(&article.summary_text));
        context.insert("og_type", "article");
        context.insert("article", &self.views.article(article));
        self.page("article.html", &article.permalink, context)
    }

    /// A context with `site`, the page's title and its description.
    fn context(&self, page_title: &str, description: Option<&str>) -> Context {
        let mut context = Context::new();
        context.insert("site", &self.views.site());
        context.insert("page_title", page_title);
        context.insert(
            "page_description",
            description.unwrap_or(&self.site.config.description),
        );
        context.insert("og_type", "website");
        context
    }

    /// A context for one page of a listing whose first page is at `base`:
    /// `articles`, `pagination` and `feed_url` (the listing's Atom feed). `article_at` maps a position in the listing to
    /// an index into the site's articles.
    fn listing(
        &self,
        title: &str,
        pager: &Pager,
        base: &str,
        article_at: impl Fn(usize) -> usize,
    ) -> Context {
        let mut context = self.context(title, None);
        let articles: Vec<&ArticleSummaryView> = pager
            .items
            .clone()
            .map(|n| self.summary(article_at(n)))
            .collect();
        context.insert("articles", &articles);
        context.insert("pagination", &self.views.pagination(pager, base));
        context.insert(
            "feed_url",
            &self.views.url(&format!("{base}{ARTICLE_FEED_FILE}")),
        );
        context
    }

    fn listing_feed(&self, title: String, page_path: &str, articles: &[usize]) -> Rendered {
        Ok(feeds::article_feed(self.site, title, page_path, articles))
    }

    fn tag_counts(&self) -> Vec<TagCountView> {
        self.site
            .tags
            .iter()
            .map(|tag| TagCountView {
                name: tag.name.clone(),
                url: self.views.url(&tag.permalink),
                count: tag.articles.len(),
            })
            .collect()
    }

    /// Netlify-style `_redirects`: one `from to 301` line per alias.
    fn redirects_file(&self) -> String {
        let mut lines: Vec<String> = self
            .site
            .articles
            .iter()
            .filter(|a| a.is_public())
            .flat_map(|a| {
                a.aliases.iter().map(|alias| {
                    format!(
                        "{} {} 301",
                        self.views.url(alias),
                        self.views.url(&a.permalink)
                    )
                })
            })
            .collect();
        lines.sort();
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    /// Every canonical page: listings' first pages, public articles, authors,
    /// tags, pages. A listing's last modification is its newest public article's.
    fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        let site = self.site;
        let newest = |articles: &[usize]| {
            public(site, articles)
                .map(|a| a.updated.unwrap_or(a.date))
                .max()
        };
        let entry = |path: &str, lastmod| SitemapEntry {
            url: absolute(site, path),
            lastmod,
        };
        let all: Vec<usize> = (0..site.articles.len()).collect();
        let mut entries: Vec<SitemapEntry> = ["/", "/archive/", "/authors/", "/tags/"]
            .iter()
            .map(|path| entry(path, newest(&all)))
            .collect();
        entries.extend(
            public(site, &all).map(|a| entry(&a.permalink, Some(a.updated.unwrap_or(a.date)))),
        );
        entries.extend(
            site.authors
                .iter()
                .map(|a| entry(&a.permalink, newest(&a.articles))),
        );
        entries.extend(
            site.tags
                .iter()
                .map(|t| entry(&t.permalink, newest(&t.articles))),
        );
        let public_pages = site.pages.iter().filter(|p| !p.draft);
        entries.extend(public_pages.map(|p| entry(&p.permalink, None)));
        entries
    }

    fn page(&self, template: &str, url_path: &str, mut context: Context) -> Rendered {
        context.insert("current_url", &self.views.url(url_path));
        if !context.contains_key("canonical_url") {
            context.insert("canonical_url", &absolute(self.site, url_path));
        }
        self.render_template(template, &context)
    }

    fn render_template(&self, template: &str, context: &Context) -> Result<String, Error> {
        self.tera
            .render(template, context)
            .map_err(|e| Error::Template {
                template: template.to_string(),
                message: e.to_string(),
            })
    }
}

/// The public ones of `articles` (indices into the site's articles).
fn public<'s>(site: &'s Site, articles: &'s [usize]) -> impl Iterator<Item = &'s Article> {
    articles
        .iter()
        .map(|&i| &site.articles[i])
        .filter(|a| a.is_public())
}

/// The output path of a file's URL path (`/a/atom.xml` → `a/atom.xml`).
fn file_path(url_path: &str) -> String {
    url_path.trim_start_matches('/').to_string()
}

/// A standalone page, for `page.html`.
#[derive(Debug, Serialize)]
struct PageView<'a> {
    title: &'a str,
    url: String,
    description: Option<&'a str>,
    content_html: &'a str,
    draft: bool,
    extra: &'a toml::Table,
}

/// A tag with its article count, for `tags.html`.
#[derive(Debug, Serialize)]
struct TagCountView {
    name: String,
    url: String,
    count: usize,
}

#[cfg(test)]
mod tests {
    use super::output_path;

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/old.html"), "old.html");
        assert_eq!(output_path("/2016/08/old"), "2016/08/old/index.html");
    }
}
