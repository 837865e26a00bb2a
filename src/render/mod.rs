//! Rendering: the site model through Tera templates into output files.
//!
//! Owns the template set (built-in theme plus site overrides), the views handed
//! to templates, the feeds and crawler files, and (in `plan`) the list of files
//! a site has. It hands each rendered file to a sink and never touches the
//! output folder itself.

pub mod chars;
pub mod feeds;
mod plan;
pub mod relative;
pub mod search;
pub mod sitemap;
pub mod templates;
pub mod views;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::config::{CONFIG_FILE, UrlStyle};
use crate::error::{ConfigProblem, Error, Location};
use crate::markdown;
use crate::site::pagination::Pager;
use crate::site::{Article, ArticleImage, Site};
use feeds::{ARTICLE_FEED_FILE, absolute};
use plan::Job;
pub use plan::{NO_JEKYLL_FILE, PageOrigin, Plan, PlannedFile, output_path};
use relative::Linker;
use search::SearchIndex;
use sitemap::SitemapEntry;
pub use templates::{Templates, load_templates};
use views::{ArticleSummaryView, ViewBuilder};

/// Receives each rendered file: its path relative to the output folder, and its
/// bytes. Called from several threads at once.
pub type Sink<'s> = dyn Fn(&str, &[u8]) -> Result<(), Error> + Sync + 's;

/// Renders every file of `site` and hands each to `sink`. Returns how many files
/// were written, or every error met.
pub fn render_site(site: &Site, tera: &Templates, sink: &Sink<'_>) -> Result<usize, Vec<Error>> {
    let plan = Plan::new(site)?;
    render_plan(site, tera, &plan, &|_| true, sink)
}

/// Renders the planned files that `wanted` selects and hands each to `sink`,
/// without the characters no output may hold ([`chars`]) and, on pages, with
/// links into the site relative to the page ([`relative`]; unless `[build]
/// urls = "root"`). Returns how many were rendered, or every error met.
pub fn render_plan(
    site: &Site,
    tera: &Templates,
    plan: &Plan,
    wanted: &(dyn Fn(PlannedFile<'_>) -> bool + Sync),
    sink: &Sink<'_>,
) -> Result<usize, Vec<Error>> {
    render_plan_with(site, tera, plan, None, wanted, sink)
}

/// [`render_plan`], taking the search index's files from `search` when it
/// has them (made by the caller through a cache), else from an index made
/// here.
pub(crate) fn render_plan_with(
    site: &Site,
    tera: &Templates,
    plan: &Plan,
    search: Option<&SearchIndex>,
    wanted: &(dyn Fn(PlannedFile<'_>) -> bool + Sync),
    sink: &Sink<'_>,
) -> Result<usize, Vec<Error>> {
    let selected: Vec<(usize, &(String, Job))> = plan
        .files
        .iter()
        .zip(plan.files())
        .filter(|(_, file)| wanted(*file))
        .map(|(planned, _)| planned)
        .enumerate()
        .collect();
    let rendered = selected.len();
    let (index_files, others): (Vec<_>, Vec<_>) = selected
        .into_iter()
        .partition(|(_, (_, job))| job.is_search_index());
    // The index's files first, and an index made for them dropped before the
    // pages: beside the model, a whole index is the most a build holds, and
    // the pages need none of it.
    let mut errors = write_index_files(site, search, &index_files, sink);
    let renderer = Renderer::new(site, tera);
    errors.append(&mut render_each(&renderer, &others, sink));
    // Reported in plan order, as if rendered in one pass.
    errors.sort_by_key(|(position, _)| *position);
    let errors = errors.into_iter().map(|(_, error)| error).collect();
    let mut errors = once_per_template_problem(errors);
    // Whatever showed a text that did not decode showed it empty: never to
    // be published.
    errors.extend(
        site.articles
            .iter()
            .filter(|article| article.text.is_unreadable())
            .map(|article| Error::UnreadableCache {
                path: article.source_path.clone(),
            }),
    );
    if errors.is_empty() {
        Ok(rendered)
    } else {
        Err(errors)
    }
}

/// Writes the search index's files among `jobs` (each with its position in
/// the plan) to `sink`: from `search` when it has every one of them (the
/// caller made them through a cache), else from a whole index made here,
/// each file written as it is made. Returns the errors met, with their
/// jobs' positions.
fn write_index_files(
    site: &Site,
    search: Option<&SearchIndex>,
    jobs: &[(usize, &(String, Job))],
    sink: &Sink<'_>,
) -> Vec<(usize, Error)> {
    let write = |position: usize, path: &str, text: &str| {
        let text = chars::remove_unwritable(text);
        sink(path, text.as_bytes())
            .err()
            .map(|error| (position, error))
    };
    if let Some(index) = search
        && jobs.iter().all(|(_, (_, job))| index.has_file(job))
    {
        return jobs
            .par_iter()
            .filter_map(|(position, (path, job))| {
                let text = index.take_file(job)?;
                write(*position, path, &text)
            })
            .collect();
    }
    let wanted: HashMap<String, (usize, &str)> = jobs
        .iter()
        .filter_map(|(position, (path, job))| {
            Some((search::file_name(job)?, (*position, path.as_str())))
        })
        .collect();
    let errors = Mutex::new(Vec::new());
    SearchIndex::write_whole(site, &|name, text| {
        if let Some(&(position, path)) = wanted.get(name)
            && let Some(error) = write(position, path, text)
        {
            errors.lock().unwrap().push(error);
        }
    });
    errors.into_inner().unwrap()
}

/// Renders each of `jobs` (each with its position in the plan; none of the
/// search index's files) in parallel and hands it to `sink`; returns the
/// errors met, with their jobs' positions.
fn render_each(
    renderer: &Renderer<'_>,
    jobs: &[(usize, &(String, Job))],
    sink: &Sink<'_>,
) -> Vec<(usize, Error)> {
    jobs.par_iter()
        .filter_map(|(position, (path, job))| {
            renderer
                .written(job, path)
                .map_err(|e| on_page(e, path))
                .and_then(|text| sink(path, text.as_bytes()))
                .err()
                .map(|error| (*position, error))
        })
        .collect()
}

/// `text` without the characters no output may hold ([`chars`]).
fn without_unwritable(text: String) -> String {
    match chars::remove_unwritable(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(cleaned) => cleaned,
    }
}

/// A template failure, told the page it broke.
fn on_page(mut error: Error, page: &str) -> Error {
    if let Error::TemplateRender { first_page, .. } = &mut error {
        *first_page = page.to_string();
    }
    error
}

/// The errors with each template failure once: one broken line of a template
/// breaks every page that uses it, and is one thing to fix. Failures are the
/// same when they are at the same line of the same template with the same
/// problem; the first page (by output path) and the count are kept.
fn once_per_template_problem(errors: Vec<Error>) -> Vec<Error> {
    let mut merged: Vec<Error> = Vec::with_capacity(errors.len());
    for error in errors {
        let same = merged.iter_mut().find_map(|seen| match (seen, &error) {
            (
                Error::TemplateRender {
                    template,
                    line,
                    message,
                    first_page,
                    pages,
                },
                Error::TemplateRender {
                    template: t,
                    line: l,
                    message: m,
                    first_page: p,
                    ..
                },
            ) if *template == *t && *line == *l && problem(message) == problem(m) => {
                *pages += 1;
                if p < first_page {
                    first_page.clone_from(p);
                }
                if message != m {
                    // Tera lists what the page had, which differs by page.
                    *message = problem(m).to_string();
                }
                Some(())
            }
            _ => None,
        });
        if same.is_none() {
            merged.push(error);
        }
    }
    merged
}

/// A Tera message without the list of what the page offered instead
/// (`Variable `x` is not defined. Available variables: …`).
fn problem(message: &str) -> &str {
    message.split(". Available ").next().unwrap_or(message)
}

/// Renders jobs, holding what every page shares.
struct Renderer<'a> {
    site: &'a Site,
    tera: &'a Templates,
    views: ViewBuilder<'a>,
    /// Each article as listed, built on first use and shared by all listings.
    summaries: Vec<OnceLock<ArticleSummaryView>>,
    /// Each article's tag and author feed entry content, made once for all
    /// the feeds it is in (making its URLs absolute is a pass over the HTML).
    feed_contents: Vec<OnceLock<String>>,
}

/// What a rendered job produced: the file's text.
type Rendered = Result<String, Error>;

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, tera: &'a Templates) -> Self {
        let views = ViewBuilder::new(site);
        let summaries = site.articles.iter().map(|_| OnceLock::new()).collect();
        let feed_contents = site.articles.iter().map(|_| OnceLock::new()).collect();
        Renderer {
            site,
            tera,
            views,
            summaries,
            feed_contents,
        }
    }

    /// The file of `job` at `path` as it is written: rendered, without the
    /// characters no output may hold ([`chars`]), and, when its links are
    /// relative ([`Self::has_relative_links`]), with every link into the site
    /// relative to it.
    ///
    /// The built-in theme writes every URL from a view, so its pages get
    /// their links relative from their views and are written as rendered. A
    /// site's own templates may write site-root URLs anywhere, so their pages
    /// are rendered with site-root views and then made relative by a pass over
    /// the whole page; so is a built-in page whose content, read alone, may
    /// not end as text (an unclosed tag or `<textarea>` in an author's HTML
    /// also takes in the markup after it).
    fn written(&self, job: &Job, path: &str) -> Result<String, Error> {
        let base_path = self.site.config.base_path();
        let relative = self.has_relative_links(job);
        if relative && self.tera.is_built_in_theme() {
            let views = ViewBuilder::with_linker(self.site, Linker::relative_to(path, base_path));
            let text = self.render(job, &views)?;
            if !views.needs_whole_page() {
                return Ok(without_unwritable(text));
            }
        }
        let text = without_unwritable(self.render(job, &self.views)?);
        if relative {
            relative::relative_page(&text, path, base_path)
        } else {
            Ok(text)
        }
    }

    /// Whether the links of `job`'s file are relative to it: a page's are,
    /// unless the site asks for site-root URLs, or it is the 404 page (a host
    /// serves it at whatever path was missing, so no relative link from it
    /// could be right).
    fn has_relative_links(&self, job: &Job) -> bool {
        let is_page = job.template().is_some_and(|t| t.ends_with(".html"));
        self.site.config.build.urls != UrlStyle::Root && is_page && !matches!(job, Job::NotFound)
    }

    /// Article `i` as listed, with site-root links.
    fn summary(&self, i: usize) -> &ArticleSummaryView {
        self.summaries[i].get_or_init(|| self.views.summary(&self.site.articles[i]))
    }

    /// Articles `shown` as listed on the page of `views`.
    fn listed<'s>(
        &'s self,
        views: &ViewBuilder<'_>,
        shown: impl Iterator<Item = usize>,
    ) -> Result<Vec<Cow<'s, ArticleSummaryView>>, Error> {
        shown.map(|i| views.listed(self.summary(i))).collect()
    }

    /// The file of `job`, with its links as `views` write them.
    fn render(&self, job: &Job, views: &ViewBuilder<'_>) -> Rendered {
        let site = self.site;
        match job {
            Job::Index(pager) => {
                let context =
                    self.listing(views, &site.config.title, pager, "/", &job.shown(site))?;
                self.page(views, "index.html", &pager.url, context)
            }
            Job::Article(i) => self.article(views, &site.articles[*i]),
            Job::CommentFeed(i) => Ok(feeds::comment_feed(site, &site.articles[*i])),
            Job::Authors => {
                let mut context = self.context(views, "Authors", None);
                let authors = site.authors.iter().map(|a| views.author(a));
                context.insert("authors", &authors.collect::<Result<Vec<_>, _>>()?);
                self.page(views, "authors.html", "/authors/", context)
            }
            Job::Author(i, pager) => {
                let author = &site.authors[*i];
                let shown = job.shown(site);
                let mut context =
                    self.listing(views, &author.name, pager, &author.permalink, &shown)?;
                context.insert("author", &views.author(author)?);
                self.page(views, "author.html", &pager.url, context)
            }
            Job::AuthorFeed(i) => {
                let author = &site.authors[*i];
                let title = format!("{} — articles by {}", site.config.title, author.name);
                self.listing_feed(title, &author.permalink, &job.shown(site))
            }
            Job::Tags => {
                let mut context = self.context(views, "Tags", None);
                context.insert("tags", &self.tag_counts(views));
                self.page(views, "tags.html", "/tags/", context)
            }
            Job::Tag(i, pager) => {
                let tag = &site.tags[*i];
                let shown = job.shown(site);
                let mut context = self.listing(views, &tag.name, pager, &tag.permalink, &shown)?;
                context.insert("tag", &views.tag_link(tag));
                self.page(views, "tag.html", &pager.url, context)
            }
            Job::TagFeed(i) => {
                let tag = &site.tags[*i];
                let title = format!("{} — {}", site.config.title, tag.name);
                self.listing_feed(title, &tag.permalink, &job.shown(site))
            }
            Job::Page(i) => {
                let page = &site.pages[*i];
                let mut context = self.context(views, &page.title, page.description.as_deref());
                context.insert(
                    "page",
                    &PageView {
                        title: &page.title,
                        url: views.url(&page.permalink),
                        description: page.description.as_deref(),
                        content_html: &views.content(&page.content_html)?,
                        draft: page.draft,
                        extra: &page.extra,
                    },
                );
                self.page(views, "page.html", &page.permalink, context)
            }
            Job::Archive => {
                let mut context = self.context(views, "Archive", None);
                let all = self.listed(views, 0..site.articles.len())?;
                let all: Vec<&ArticleSummaryView> = all.iter().map(|s| &**s).collect();
                context.insert("years", &views::archive(site, &all));
                self.page(views, "archive.html", "/archive/", context)
            }
            Job::SiteFeed => Ok(self.site_feed(&job.shown(site))),
            Job::Redirect { to, .. } => {
                let mut context = self.context(views, &site.config.title, None);
                context.insert("target_url", &views.url(to));
                context.insert("canonical_url", &absolute(site, to));
                self.render_template("redirect.html", &context)
            }
            Job::RedirectsFile => Ok(self.redirects_file()),
            Job::NoJekyll => Ok(String::new()),
            Job::Sitemap => Ok(sitemap::sitemap(&self.sitemap_entries())),
            Job::Robots => Ok(sitemap::robots_txt(site.config.base_url_trimmed())),
            Job::NotFound => {
                let context = self.context(views, "Page not found", None);
                self.render_template("404.html", &context)
            }
            Job::Stylesheet => self.render_template("style.css", &Context::new()),
            Job::SearchScript => self.render_template("search.js", &Context::new()),
            Job::Search => {
                let context = self.context(views, "Search", None);
                let url = format!("/{}/", search::SEARCH_DIR);
                self.page(views, "search.html", &url, context)
            }
            Job::SearchManifest | Job::SearchTerms(_) | Job::SearchDocs(..) => {
                unreachable!("render_plan writes the search index's files from the index")
            }
            Job::SyntaxStylesheet => {
                // site.toml's check has refused unknown themes already.
                markdown::Highlighting::of(&site.config.highlight.theme)
                    .map(|highlighting| highlighting.stylesheet())
                    .map_err(|e| Error::InvalidConfig {
                        at: Location::file(CONFIG_FILE),
                        key: "[highlight] theme",
                        value: e.name,
                        problem: ConfigProblem::UnknownTheme { known: e.known },
                    })
            }
        }
    }

    fn article(&self, views: &ViewBuilder<'_>, article: &Article) -> Rendered {
        let mut context = self.context(views, &article.title, Some(&article.description));
        context.insert("og_type", "article");
        context.insert("og_image", &self.og_image(article));
        context.insert("article", &views.article(article)?);
        self.page(views, "article.html", &article.permalink, context)
    }

    /// The absolute URL of an article's picture for link previews. A site-root
    /// path given as `image` is under the site's base URL (as an `avatar` is);
    /// anything else resolves against the article's page, as a browser there
    /// (and the feeds) resolve it.
    fn og_image(&self, article: &Article) -> Option<String> {
        let image = match article.image.as_ref()? {
            ArticleImage::Given(path) if path.starts_with('/') && !path.starts_with("//") => {
                return Some(absolute(self.site, path));
            }
            ArticleImage::Given(image) | ArticleImage::InBody(image) => image,
        };
        let page = url::Url::parse(&absolute(self.site, &article.permalink)).ok()?;
        page.join(image).ok().map(String::from)
    }

    /// A context with `site`, `links`, the page's title and its description
    /// (and no `og_image`).
    fn context(
        &self,
        views: &ViewBuilder<'_>,
        page_title: &str,
        description: Option<&str>,
    ) -> Context {
        let mut context = Context::new();
        context.insert("site", &views.site());
        context.insert("links", &views.links());
        context.insert("page_title", page_title);
        context.insert(
            "page_description",
            description.unwrap_or(&self.site.config.description),
        );
        context.insert("og_type", "website");
        context.insert("og_image", &None::<String>);
        context.insert("section", "");
        context
    }

    /// A context for one page of a listing whose first page is at `base`:
    /// `articles` (the `shown` ones, indices into the site's articles),
    /// `pagination` and `feed_url` (the listing's Atom feed).
    fn listing(
        &self,
        views: &ViewBuilder<'_>,
        title: &str,
        pager: &Pager,
        base: &str,
        shown: &[usize],
    ) -> Result<Context, Error> {
        let mut context = self.context(views, title, None);
        context.insert("articles", &self.listed(views, shown.iter().copied())?);
        context.insert("pagination", &views.pagination(pager, base));
        context.insert(
            "feed_url",
            &views.url(&format!("{base}{ARTICLE_FEED_FILE}")),
        );
        Ok(context)
    }

    /// A tag's or an author's feed (`[feeds] listing_content`).
    fn listing_feed(&self, title: String, page_path: &str, articles: &[usize]) -> Rendered {
        let site = self.site;
        let content = site.config.feeds.listing_content;
        let items: Vec<(usize, &str)> = articles
            .iter()
            .map(|&i| {
                let html = self.feed_contents[i]
                    .get_or_init(|| feeds::entry_content(site, &site.articles[i], content));
                (i, html.as_str())
            })
            .collect();
        Ok(feeds::article_feed(site, title, page_path, content, &items))
    }

    /// The site's feed (`[feeds] content`): few entries, made here.
    fn site_feed(&self, articles: &[usize]) -> String {
        let site = self.site;
        let content = site.config.feeds.content;
        let html: Vec<String> = articles
            .iter()
            .map(|&i| feeds::entry_content(site, &site.articles[i], content))
            .collect();
        let items: Vec<(usize, &str)> = articles
            .iter()
            .copied()
            .zip(html.iter().map(String::as_str))
            .collect();
        feeds::article_feed(site, site.config.title.clone(), "/", content, &items)
    }

    fn tag_counts(&self, views: &ViewBuilder<'_>) -> Vec<TagCountView> {
        self.site
            .tags
            .iter()
            .map(|tag| TagCountView {
                name: tag.name.clone(),
                url: views.url(&tag.permalink),
                count: tag.articles.len(),
            })
            .collect()
    }

    /// Netlify-style `_redirects`: one `from to 301` line per alias of a
    /// public article or page.
    fn redirects_file(&self) -> String {
        let articles = self.site.articles.iter().filter(|a| a.is_public());
        let pages = self.site.pages.iter().filter(|p| !p.draft);
        let aliases = articles
            .map(|a| (&a.aliases, &a.permalink))
            .chain(pages.map(|p| (&p.aliases, &p.permalink)));
        let mut lines: Vec<String> = aliases
            .flat_map(|(aliases, target)| {
                aliases.iter().map(move |alias| {
                    format!("{} {} 301", self.views.url(alias), self.views.url(target))
                })
            })
            .collect();
        lines.sort();
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    /// Every canonical page: listings' first pages, public articles, authors,
    /// tags, pages. An article's last modification counts its comments; a
    /// listing's is its newest public article's (listings show comment counts).
    fn sitemap_entries(&self) -> Vec<SitemapEntry> {
        let site = self.site;
        // Each article's, once: listings ask for it again, and it walks the
        // whole thread.
        let modified: Vec<Option<_>> = site
            .articles
            .iter()
            .map(|a| a.is_public().then(|| a.last_modified()))
            .collect();
        let newest = |articles: &[usize]| articles.iter().filter_map(|&i| modified[i]).max();
        let entry = |path: &str, lastmod| SitemapEntry {
            url: absolute(site, path),
            lastmod,
        };
        let newest_of_all = modified.iter().flatten().max().copied();
        let mut entries: Vec<SitemapEntry> = ["/", "/archive/", "/authors/", "/tags/"]
            .iter()
            .map(|path| entry(path, newest_of_all))
            .collect();
        entries.extend(
            site.articles
                .iter()
                .zip(&modified)
                .filter_map(|(a, lastmod)| Some(entry(&a.permalink, Some((*lastmod)?)))),
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

    fn page(
        &self,
        views: &ViewBuilder<'_>,
        template: &str,
        url_path: &str,
        mut context: Context,
    ) -> Rendered {
        context.insert("current_url", &views.url(url_path));
        match nav_section(template) {
            Some(section) => context.insert("section", section),
            // A standalone page is its own section: its link in `site.pages`.
            None if template == "page.html" => context.insert("section", &views.url(url_path)),
            None => {}
        }
        if !context.contains_key("canonical_url") {
            context.insert("canonical_url", &absolute(self.site, url_path));
        }
        self.render_template(template, &context)
    }

    fn render_template(&self, template: &str, context: &Context) -> Result<String, Error> {
        self.tera.render(template, context)
    }
}

/// The navigation section a page template belongs to, for the `section`
/// variable (`aria-current` on its link): a listing and its pages are in
/// their section; an article is reached from many listings, so it is in none.
fn nav_section(template: &str) -> Option<&'static str> {
    match template {
        "index.html" => Some("articles"),
        "authors.html" | "author.html" => Some("authors"),
        "tags.html" | "tag.html" => Some("tags"),
        "archive.html" => Some("archive"),
        "search.html" => Some("search"),
        _ => None,
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::build::{BuildRequest, build_with_model};
    use crate::site::LazyText;

    /// A text that passed its hash check but does not decode (never expected:
    /// a fault in scholia) fails the render, so nothing shown without it is
    /// published.
    #[test]
    fn an_article_text_that_does_not_decode_fails_the_render() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("site.toml"), "title = \"T\"\n").unwrap();
        let articles = root.path().join("content/articles");
        std::fs::create_dir_all(&articles).unwrap();
        std::fs::write(
            articles.join("a.md"),
            "+++\ntitle = \"A\"\ndate = 2020-01-01\n+++\nBody.\n",
        )
        .unwrap();
        let request = BuildRequest {
            root: root.path().to_path_buf(),
            output: Some(root.path().join("public")),
            ..BuildRequest::default()
        };
        let (_, mut site) = build_with_model(&request).unwrap();
        let templates = load_templates(root.path()).unwrap();
        assert!(render_site(&site, &templates, &|_, _| Ok(())).is_ok());

        site.articles[0].text = LazyText::packed(Arc::from(&b"not a text"[..]));
        let errors = render_site(&site, &templates, &|_, _| Ok(())).unwrap_err();
        assert!(
            matches!(&errors[..], [Error::UnreadableCache { path }] if path.ends_with("a.md")),
            "{errors:?}"
        );
    }
}
