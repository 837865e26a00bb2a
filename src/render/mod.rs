//! Rendering: the site model through Tera templates into output files.
//!
//! Owns the template set (built-in theme plus site overrides), the views handed to
//! templates and the list of pages a site has. It hands each rendered file to a
//! sink and never touches the output folder itself.

pub mod feeds;
pub mod templates;
pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::error::Error;
use crate::markdown;
use crate::site::Site;
use crate::site::pagination::{Pager, paginate};
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
    /// The list of tags.
    Tags,
    /// A page of a tag's listing.
    Tag(usize, Pager),
    /// A standalone page.
    Page(usize),
    /// The theme's stylesheet.
    Stylesheet,
    /// The highlighting stylesheet.
    SyntaxStylesheet,
}

/// Renders every file of `site` and hands each to `sink`. Returns how many files
/// were written, or every error met.
pub fn render_site(site: &Site, tera: &Tera, sink: &Sink<'_>) -> Result<usize, Vec<Error>> {
    let renderer = Renderer::new(site, tera);
    let jobs = jobs(site);
    let errors: Vec<Error> = jobs
        .par_iter()
        .filter_map(|job| {
            renderer
                .render(job)
                .and_then(|(path, bytes)| sink(&path, bytes.as_bytes()))
                .err()
        })
        .collect();
    if errors.is_empty() {
        Ok(jobs.len())
    } else {
        Err(errors)
    }
}

/// Every file the site has, in a stable order.
fn jobs(site: &Site) -> Vec<Job> {
    let per_page = site.config.pagination.per_page;
    let mut jobs: Vec<Job> = paginate(site.articles.len(), per_page, "/")
        .into_iter()
        .map(Job::Index)
        .collect();
    jobs.extend((0..site.articles.len()).map(Job::Article));
    jobs.extend((0..site.articles.len()).map(Job::CommentFeed));
    jobs.push(Job::Authors);
    for (i, author) in site.authors.iter().enumerate() {
        let pages = paginate(author.articles.len(), per_page, &author.permalink);
        jobs.extend(pages.into_iter().map(|p| Job::Author(i, p)));
    }
    jobs.push(Job::Tags);
    for (i, tag) in site.tags.iter().enumerate() {
        let pages = paginate(tag.articles.len(), per_page, &tag.permalink);
        jobs.extend(pages.into_iter().map(|p| Job::Tag(i, p)));
    }
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs.push(Job::Stylesheet);
    jobs.push(Job::SyntaxStylesheet);
    jobs
}

/// The output file of a URL path: `/a/b/` → `a/b/index.html`.
pub fn output_path(url_path: &str) -> String {
    format!("{}index.html", url_path.trim_start_matches('/'))
}

/// Renders jobs, holding what every page shares.
struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Tera,
    views: ViewBuilder<'a>,
    /// Every article as listed, built once for all listings.
    summaries: Vec<ArticleSummaryView>,
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, tera: &'a Tera) -> Self {
        let views = ViewBuilder::new(site);
        let summaries = site.articles.par_iter().map(|a| views.summary(a)).collect();
        Renderer {
            site,
            tera,
            views,
            summaries,
        }
    }

    fn render(&self, job: &Job) -> Result<(String, String), Error> {
        let site = self.site;
        match job {
            Job::Index(pager) => {
                let context = self.listing(&site.config.title, pager, "/", |n| n);
                self.page("index.html", &pager.url, context)
            }
            Job::Article(i) => {
                let article = &site.articles[*i];
                let mut context = self.context(&article.title);
                context.insert("article", &self.views.article(article));
                self.page("article.html", &article.permalink, context)
            }
            Job::CommentFeed(i) => {
                let article = &site.articles[*i];
                let path = format!(
                    "{}{}",
                    article.permalink.trim_start_matches('/'),
                    feeds::COMMENT_FEED_FILE
                );
                Ok((path, feeds::comment_feed(site, article)))
            }
            Job::Authors => {
                let mut context = self.context("Authors");
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
            Job::Tags => {
                let mut context = self.context("Tags");
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
            Job::Page(i) => {
                let page = &site.pages[*i];
                let mut context = self.context(&page.title);
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
            Job::Stylesheet => {
                let text = self.render_template("style.css", &Context::new())?;
                Ok(("style.css".into(), text))
            }
            Job::SyntaxStylesheet => markdown::stylesheet(&site.config.highlight.theme)
                .map(|css| ("syntax.css".to_string(), css))
                .map_err(|e| Error::InvalidValue {
                    at: crate::error::Location::file(crate::config::CONFIG_FILE),
                    message: e.to_string(),
                }),
        }
    }

    /// A context with `site` and the page's title.
    fn context(&self, page_title: &str) -> Context {
        let mut context = Context::new();
        context.insert("site", &self.views.site());
        context.insert("page_title", page_title);
        context
    }

    /// A context for one page of a listing whose first page is at `base`:
    /// `articles` and `pagination`. `article_at` maps a position in the listing to
    /// an index into the site's articles.
    fn listing(
        &self,
        title: &str,
        pager: &Pager,
        base: &str,
        article_at: impl Fn(usize) -> usize,
    ) -> Context {
        let mut context = self.context(title);
        let articles: Vec<&ArticleSummaryView> = pager
            .items
            .clone()
            .map(|n| &self.summaries[article_at(n)])
            .collect();
        context.insert("articles", &articles);
        context.insert("pagination", &self.views.pagination(pager, base));
        context
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

    fn page(
        &self,
        template: &str,
        url_path: &str,
        mut context: Context,
    ) -> Result<(String, String), Error> {
        context.insert("current_url", &self.views.url(url_path));
        let html = self.render_template(template, &context)?;
        Ok((output_path(url_path), html))
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
