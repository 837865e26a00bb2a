//! What templates see: lean, serializable views built from the model.
//!
//! Each view holds just what its page needs, with URLs already prefixed by the
//! site's base path (or, for the built-in theme, already relative to the page:
//! see [`Linker`]) and dates already formatted, so templates stay simple and the
//! model stays free to change. The variables are documented in docs/templates.md.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use crate::error::Error;
use crate::markdown::{may_link_into_site, site_root_urls};
use crate::render::feeds::{COMMENT_FEED_FILE, has_comment_feed};
use crate::render::relative::Linker;
use crate::site::pagination::{Pager, page_url};
use crate::site::{Article, Author, Comment, Site, Tag};

/// Date format for people: "August 22, 2016".
static DATE_DISPLAY: LazyLock<DateFormat> = LazyLock::new(|| DateFormat::new("%B %-d, %Y"));
/// Date and time for people, for comments: "August 23, 2016 at 14:02".
static DATETIME_DISPLAY: LazyLock<DateFormat> =
    LazyLock::new(|| DateFormat::new("%B %-d, %Y at %H:%M"));
/// The day alone, for machines: "2016-08-22".
pub(crate) static ISO_DAY: LazyLock<DateFormat> = LazyLock::new(|| DateFormat::new("%Y-%m-%d"));

/// A date format, parsed once: `format` parses its string again for each
/// of a build's 400,000 dates.
pub(crate) struct DateFormat(Vec<Item<'static>>);

impl DateFormat {
    /// `format`: one of the constant formats above, which tests show.
    fn new(format: &'static str) -> Self {
        DateFormat(StrftimeItems::new(format).parse().unwrap_or_default())
    }

    /// `date` in this format. Its local date and time are formatted (the
    /// formats name no offset): formatting a `DateTime` writes its offset
    /// out as text first.
    pub(crate) fn of(&self, date: &DateTime<FixedOffset>) -> String {
        date.naive_local()
            .format_with_items(self.0.iter())
            .to_string()
    }
}

/// A date for `<time datetime>` and metadata: RFC 3339, or the day alone
/// (`2016-08-22`) when only the day is known (a TOML local date).
fn machine_date(date: &DateTime<FixedOffset>, has_time: bool) -> String {
    if has_time {
        date.to_rfc3339()
    } else {
        ISO_DAY.of(date)
    }
}

/// A comment's date for people: with its time when that is known.
fn comment_date_display(comment: &Comment) -> String {
    let format = if comment.date_has_time {
        &DATETIME_DISPLAY
    } else {
        &DATE_DISPLAY
    };
    format.of(&comment.date)
}

/// `site`: the configuration, available in every template.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// Site title.
    pub title: &'a str,
    /// Public URL of the site root, without trailing slash.
    pub base_url: &'a str,
    /// Path of the site root (`""` at a domain root): prefix of every link.
    pub base_path: &'a str,
    /// Site description.
    pub description: &'a str,
    /// Content language.
    pub language: &'a str,
    /// `[extra]` from site.toml.
    pub extra: &'a toml::Table,
    /// Standalone pages, for navigation.
    pub pages: Vec<LinkView>,
    /// Built with `--drafts` or `--future`: every page asks not to be indexed.
    pub preview: bool,
}

/// `links`: the site's own pages and files every page may link to.
#[derive(Debug, Serialize)]
pub struct LinksView {
    /// The newest articles: the site's home page.
    pub home: String,
    /// The list of authors.
    pub authors: String,
    /// The list of tags.
    pub tags: String,
    /// The archive.
    pub archive: String,
    /// The search page.
    pub search: String,
    /// The site's Atom feed.
    pub feed: String,
    /// The theme's stylesheet.
    pub stylesheet: String,
    /// The code highlighting stylesheet.
    pub syntax_stylesheet: String,
    /// The search page's script.
    pub search_script: String,
}

/// A link to an author or a tag.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    /// Display name.
    pub name: String,
    /// Link target.
    pub url: String,
}

/// An article as listed on index, tag and author pages.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummaryView {
    /// Title.
    pub title: String,
    /// Link to the article.
    pub url: String,
    /// Publication date, RFC 3339 (for `<time datetime>`), or `YYYY-MM-DD`
    /// when only the day is known.
    pub date: String,
    /// Publication date for people.
    pub date_display: String,
    /// Authors, linked.
    pub authors: Vec<LinkView>,
    /// Tags, linked.
    pub tags: Vec<LinkView>,
    /// Summary HTML.
    pub summary_html: String,
    /// Summary as plain text.
    pub summary_text: String,
    /// Number of comments.
    pub comment_count: usize,
    /// Link to the thread (`<url>#comments`).
    pub comments_url: String,
    /// Whether it is a draft.
    pub draft: bool,
    /// Whether it is dated in the future.
    pub scheduled: bool,
}

/// An author's box under an article, or the head of their page.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorView<'a> {
    /// Id.
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Link to the author page.
    pub url: String,
    /// Position or affiliation.
    pub title: Option<&'a str>,
    /// Photo URL.
    pub avatar: Option<String>,
    /// Named links.
    pub links: Cow<'a, BTreeMap<String, String>>,
    /// Bio HTML.
    pub bio_html: Cow<'a, str>,
    /// The bio's first paragraph.
    pub bio_summary_html: Cow<'a, str>,
    /// Number of articles.
    pub article_count: usize,
    /// Free-form values.
    pub extra: &'a toml::Table,
}

/// One comment in display order, with what a plain loop needs to nest it.
#[derive(Debug, Serialize)]
pub struct CommentView<'a> {
    /// Id as written.
    pub id: &'a str,
    /// `comment-<id>`, the element id and fragment.
    pub anchor: String,
    /// Commenter's name.
    pub author: &'a str,
    /// Commenter's website (http(s) only).
    pub url: Option<&'a str>,
    /// RFC 3339 date, or `YYYY-MM-DD` when only the day is known.
    pub date: String,
    /// Date for people, with the time when it is known.
    pub date_display: String,
    /// Sanitized body HTML.
    pub body_html: Cow<'a, str>,
    /// Nesting level shown, 1 = top level.
    pub depth: u32,
    /// The parent, for replies.
    pub reply_to: Option<ReplyToView<'a>>,
    /// True when the next comment is a reply nested one level deeper: open a
    /// nested list after this comment instead of closing its item.
    pub opens: bool,
    /// When `opens` is false: after closing this comment's item, how many nested
    /// lists (each with its parent's item) to close.
    pub closes: u32,
}

/// The comment a reply answers.
#[derive(Debug, Serialize)]
pub struct ReplyToView<'a> {
    /// Its author.
    pub author: &'a str,
    /// Its anchor, `comment-<id>`.
    pub anchor: String,
}

/// Links between the pages of a listing.
#[derive(Debug, Serialize)]
pub struct PaginationView {
    /// 1-based number of this page.
    pub current: usize,
    /// Number of pages.
    pub total: usize,
    /// Previous page, if any.
    pub prev_url: Option<String>,
    /// Next page, if any.
    pub next_url: Option<String>,
    /// Every page: number, link, and whether it is this one.
    pub pages: Vec<PageLinkView>,
}

/// One numbered link of a pagination bar.
#[derive(Debug, Serialize)]
pub struct PageLinkView {
    /// Page number.
    pub number: usize,
    /// Link.
    pub url: String,
    /// Whether it is the page shown.
    pub current: bool,
    /// Whether numbers were skipped before this one (show "…").
    pub gap_before: bool,
}

/// How many numbered links to show on each side of the current page.
const PAGE_WINDOW: usize = 2;

/// The page numbers a pagination bar links: the first, the last, and a window
/// around the current one. A bar with all 1,000 pages of a big archive would
/// be useless to readers and cost quadratic time to build.
fn page_numbers(current: usize, total: usize) -> Vec<usize> {
    let low = current.saturating_sub(PAGE_WINDOW).max(1);
    let high = (current + PAGE_WINDOW).min(total);
    let mut numbers = vec![1];
    numbers.extend((low..=high).filter(|&n| n > 1 && n < total));
    if total > 1 {
        numbers.push(total);
    }
    numbers
}

#[cfg(test)]
mod tests {
    use super::{DATE_DISPLAY, DATETIME_DISPLAY, ISO_DAY, page_numbers};

    #[test]
    fn dates_are_written_in_their_local_time() {
        let date = chrono::DateTime::parse_from_rfc3339("2016-08-02T23:30:00-05:00").unwrap();
        assert_eq!(DATE_DISPLAY.of(&date), "August 2, 2016");
        assert_eq!(DATETIME_DISPLAY.of(&date), "August 2, 2016 at 23:30");
        assert_eq!(ISO_DAY.of(&date), "2016-08-02");
    }

    #[test]
    fn pagination_shows_ends_and_a_window() {
        assert_eq!(page_numbers(1, 1), [1]);
        assert_eq!(page_numbers(2, 4), [1, 2, 3, 4]);
        assert_eq!(page_numbers(50, 100), [1, 48, 49, 50, 51, 52, 100]);
        assert_eq!(page_numbers(1, 100), [1, 2, 3, 100]);
    }
}

/// Builds the views of one page, with its links written as its [`Linker`]
/// writes them.
pub struct ViewBuilder<'a> {
    site: &'a Site,
    linker: Linker<'a>,
}

impl<'a> ViewBuilder<'a> {
    /// A builder for views shown on any page: links as site-root URLs.
    pub fn new(site: &'a Site) -> Self {
        Self::with_linker(site, Linker::site_root(site.config.base_path()))
    }

    /// A builder for the views of one page, linked by `linker`.
    pub fn with_linker(site: &'a Site, linker: Linker<'a>) -> Self {
        ViewBuilder { site, linker }
    }

    /// A site-root path as a link: prefixed with the base path, then as the
    /// page links it.
    pub fn url(&self, path: &str) -> String {
        self.linker.url(&self.site_root_url(path))
    }

    fn site_root_url(&self, path: &str) -> String {
        format!("{}{path}", self.site.config.base_path())
    }

    /// Content HTML as the page shows it.
    pub fn content<'h>(&self, html: &'h str) -> Result<Cow<'h, str>, Error> {
        self.linker.content(html)
    }

    /// Whether some content of the page, read alone, may not have ended as
    /// text, so that only a pass over the whole page makes its links right
    /// (see [`Linker::needs_whole_page`]).
    pub fn needs_whole_page(&self) -> bool {
        self.linker.needs_whole_page()
    }

    /// The `site` variable.
    pub fn site(&self) -> SiteView<'a> {
        let config = &self.site.config;
        SiteView {
            title: &config.title,
            base_url: config.base_url_trimmed(),
            base_path: config.base_path(),
            description: &config.description,
            language: &config.language,
            extra: &config.extra,
            pages: self
                .site
                .pages
                .iter()
                .map(|p| LinkView {
                    name: p.title.clone(),
                    url: self.url(&p.permalink),
                })
                .collect(),
            preview: self.site.preview,
        }
    }

    /// The `links` variable.
    pub fn links(&self) -> LinksView {
        LinksView {
            home: self.url("/"),
            authors: self.url("/authors/"),
            tags: self.url("/tags/"),
            archive: self.url("/archive/"),
            search: self.url("/search/"),
            feed: self.url("/atom.xml"),
            stylesheet: self.url("/style.css"),
            syntax_stylesheet: self.url("/syntax.css"),
            search_script: self.url("/search.js"),
        }
    }

    /// An article as listed, with site-root links: what [`Self::listed`]
    /// shows on any page.
    pub fn summary(&self, article: &Article) -> ArticleSummaryView {
        let url = self.site_root_url(&article.permalink);
        // Listings show it at other depths than the article's page.
        let summary_html = site_root_urls(&article.summary_html, &url);
        let link = |name: &str, permalink: &str| LinkView {
            name: name.to_string(),
            url: self.site_root_url(permalink),
        };
        ArticleSummaryView {
            title: article.title.clone(),
            comments_url: format!("{url}#comments"),
            url,
            date: machine_date(&article.date, article.date_has_time),
            date_display: DATE_DISPLAY.of(&article.date),
            authors: article
                .authors
                .iter()
                .map(|&a| &self.site.authors[a])
                .map(|a| link(&a.name, &a.permalink))
                .collect(),
            tags: article
                .tags
                .iter()
                .map(|&t| &self.site.tags[t])
                .map(|t| link(&t.name, &t.permalink))
                .collect(),
            summary_html,
            summary_text: article.summary_text.clone(),
            comment_count: article.comment_count,
            draft: article.draft,
            scheduled: article.scheduled,
        }
    }

    /// `summary` (from [`Self::summary`]) as this page lists it.
    pub fn listed<'s>(
        &self,
        summary: &'s ArticleSummaryView,
    ) -> Result<Cow<'s, ArticleSummaryView>, Error> {
        if !self.linker.is_relative() {
            return Ok(Cow::Borrowed(summary));
        }
        let relink = |links: &[LinkView]| -> Vec<LinkView> {
            links
                .iter()
                .map(|link| LinkView {
                    name: link.name.clone(),
                    url: self.linker.url(&link.url),
                })
                .collect()
        };
        Ok(Cow::Owned(ArticleSummaryView {
            title: summary.title.clone(),
            url: self.linker.url(&summary.url),
            date: summary.date.clone(),
            date_display: summary.date_display.clone(),
            authors: relink(&summary.authors),
            tags: relink(&summary.tags),
            summary_html: self.content(&summary.summary_html)?.into_owned(),
            summary_text: summary.summary_text.clone(),
            comment_count: summary.comment_count,
            comments_url: self.linker.url(&summary.comments_url),
            draft: summary.draft,
            scheduled: summary.scheduled,
        }))
    }

    /// A tag as a link.
    pub fn tag_link(&self, tag: &Tag) -> LinkView {
        LinkView {
            name: tag.name.clone(),
            url: self.url(&tag.permalink),
        }
    }

    /// An author in full.
    pub fn author(&self, author: &'a Author) -> Result<AuthorView<'a>, Error> {
        let links = if self.linker.is_relative() {
            let relinked = author.links.iter();
            Cow::Owned(
                relinked
                    .map(|(k, v)| (k.clone(), self.linker.url(v)))
                    .collect(),
            )
        } else {
            Cow::Borrowed(&author.links)
        };
        Ok(AuthorView {
            id: &author.id,
            name: &author.name,
            url: self.url(&author.permalink),
            title: author.title.as_deref(),
            // A site-root path (a file in static/) moves with the base path.
            avatar: author.avatar.as_deref().map(|a| {
                if a.starts_with('/') && !a.starts_with("//") {
                    self.url(a)
                } else {
                    self.linker.url(a)
                }
            }),
            links,
            bio_html: self.content(&author.bio_html)?,
            bio_summary_html: self.content(&author.bio_summary_html)?,
            article_count: author.articles.len(),
            extra: &author.extra,
        })
    }

    /// A pagination bar for `pager`, in a listing whose first page is at `base`.
    pub fn pagination(&self, pager: &Pager, base: &str) -> PaginationView {
        let link = |n: usize| self.url(&page_url(base, n));
        PaginationView {
            current: pager.number,
            total: pager.total,
            prev_url: (pager.number > 1).then(|| link(pager.number - 1)),
            next_url: (pager.number < pager.total).then(|| link(pager.number + 1)),
            pages: page_numbers(pager.number, pager.total)
                .into_iter()
                .scan(0, |previous, number| {
                    let gap_before = number > *previous + 1;
                    *previous = number;
                    Some(PageLinkView {
                        number,
                        url: link(number),
                        current: number == pager.number,
                        gap_before,
                    })
                })
                .collect(),
        }
    }

    /// The thread as a flat list a template can nest with a plain loop (no
    /// recursion, whatever the depth).
    pub fn comments(&self, comments: &'a [Comment]) -> Result<Vec<CommentView<'a>>, Error> {
        comments
            .iter()
            .enumerate()
            .map(|(i, comment)| {
                let next_depth = comments.get(i + 1).map_or(1, |next| next.depth);
                let opens = next_depth > comment.depth;
                let parent = comment.parent.map(|p| &comments[p as usize]);
                Ok(CommentView {
                    id: &comment.id,
                    anchor: anchor(&comment.id),
                    author: &comment.author,
                    // An absolute http(s) URL, which no page changes.
                    url: comment.url.as_deref(),
                    date: machine_date(&comment.date, comment.date_has_time),
                    date_display: comment_date_display(comment),
                    body_html: if may_link_into_site(&comment.body_html) {
                        self.content(&comment.body_html)?
                    } else {
                        Cow::Borrowed(&comment.body_html)
                    },
                    depth: comment.depth,
                    reply_to: parent.map(|parent| ReplyToView {
                        author: &parent.author,
                        anchor: anchor(&parent.id),
                    }),
                    opens,
                    closes: if opens { 0 } else { comment.depth - next_depth },
                })
            })
            .collect()
    }
}

/// The element id of a comment.
pub fn anchor(id: &str) -> String {
    format!("comment-{id}")
}

/// An article page: the listed fields plus body, author boxes and thread.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    /// Everything a listing shows.
    #[serde(flatten)]
    pub summary: ArticleSummaryView,
    /// Body HTML.
    pub content_html: Cow<'a, str>,
    /// Last update, RFC 3339 (or `YYYY-MM-DD` when only the day is known).
    pub updated: Option<String>,
    /// Authors in full, for the bio boxes.
    pub author_boxes: Vec<AuthorView<'a>>,
    /// The thread in display order.
    pub comments: Vec<CommentView<'a>>,
    /// Whether the thread is closed.
    pub comments_closed: bool,
    /// Link to the Atom feed of the comments, if it has one.
    pub comments_feed_url: Option<String>,
    /// Free-form values.
    pub extra: &'a toml::Table,
}

impl<'a> ViewBuilder<'a> {
    /// An article in full.
    pub fn article(&self, article: &'a Article) -> Result<ArticleView<'a>, Error> {
        Ok(ArticleView {
            summary: self.listed(&self.summary(article))?.into_owned(),
            content_html: self.content(&article.text().content_html)?,
            updated: article
                .updated
                .map(|d| machine_date(&d, article.updated_has_time)),
            author_boxes: article
                .authors
                .iter()
                .map(|&a| self.author(&self.site.authors[a]))
                .collect::<Result<_, _>>()?,
            comments: self.comments(&article.text().thread.comments)?,
            comments_closed: article.comments_closed,
            comments_feed_url: has_comment_feed(self.site, article)
                .then(|| self.url(&format!("{}{COMMENT_FEED_FILE}", article.permalink))),
            extra: &article.extra,
        })
    }
}

/// One year of the archive.
#[derive(Debug, Serialize)]
pub struct ArchiveYearView<'a> {
    /// The year, e.g. 2016.
    pub year: i32,
    /// Its months, newest first.
    pub months: Vec<ArchiveMonthView<'a>>,
}

/// One month of the archive.
#[derive(Debug, Serialize)]
pub struct ArchiveMonthView<'a> {
    /// Month number, 1–12.
    pub month: u32,
    /// Month name, e.g. "August".
    pub name: String,
    /// Its articles, newest first.
    pub articles: Vec<&'a ArticleSummaryView>,
}

/// Every article grouped by year and month, newest first. `summaries` are the
/// site's articles as listed, in the site's (newest first) order.
pub fn archive<'a>(site: &Site, summaries: &[&'a ArticleSummaryView]) -> Vec<ArchiveYearView<'a>> {
    use chrono::Datelike;
    let mut years: Vec<ArchiveYearView<'a>> = Vec::new();
    for (article, summary) in site.articles.iter().zip(summaries) {
        let (year, month) = (article.date.year(), article.date.month());
        if years.last().is_none_or(|y| y.year != year) {
            years.push(ArchiveYearView {
                year,
                months: Vec::new(),
            });
        }
        let months = &mut years.last_mut().expect("pushed above").months;
        if months.last().is_none_or(|m| m.month != month) {
            months.push(ArchiveMonthView {
                month,
                name: article.date.format("%B").to_string(),
                articles: Vec::new(),
            });
        }
        months
            .last_mut()
            .expect("pushed above")
            .articles
            .push(summary);
    }
    years
}
