//! Atom feeds (RFC 4287), written with an XML library so escaping and structure
//! are right by construction rather than by template care.

use atom_syndication::{Category, Content, Entry, Feed, Generator, Link, Person, Text};
use chrono::{DateTime, FixedOffset};
use url::Url;

use crate::config::FeedContent;
use crate::markdown::absolute_urls;
use crate::site::thread::compare_ids;
use crate::site::{Article, Comment, Site};

use super::views::anchor;

/// The file name of an article's comment feed, beside its page.
pub const COMMENT_FEED_FILE: &str = "comments.xml";

/// Whether `article` gets a comment feed (`[feeds] comments`).
pub fn has_comment_feed(site: &Site, article: &Article) -> bool {
    site.config
        .feeds
        .comments
        .for_thread(article.comments_closed)
}

/// The absolute URL of a site-root path.
pub fn absolute(site: &Site, path: &str) -> String {
    format!("{}{path}", site.config.base_url_trimmed())
}

/// The first line of a reply's feed entry: a link to the comment it answers.
/// The commenter's name is untrusted text, so it is escaped.
fn reply_line(page: &str, parent: &Comment) -> String {
    let href = format!("{page}#{}", anchor(&parent.id));
    format!(
        "<p>In reply to <a href=\"{}\">{}</a>:</p>\n",
        html_escape::encode_double_quoted_attribute(&href),
        html_escape::encode_text(&parent.author)
    )
}

/// HTML for a feed entry of `article`: every URL in it absolute, resolved
/// against the article's page as the browser resolves it there. A feed reader
/// would otherwise resolve `photo.jpg` against the feed's own URL. The `url`
/// crate resolves by the WHATWG URL standard, as browsers and feed readers do.
fn feed_html(site: &Site, article: &Article, html: &str) -> String {
    match Url::parse(&absolute(site, &article.permalink)) {
        Ok(page) => absolute_urls(html, &page),
        // base_url is checked to start with http(s)://; a host the URL standard
        // refuses still leaves the content readable.
        Err(_) => html.to_string(),
    }
}

fn link(rel: &str, href: String, mime_type: &str) -> Link {
    Link {
        rel: rel.into(),
        href,
        mime_type: Some(mime_type.into()),
        ..Link::default()
    }
}

/// A feed with its required parts: id and self link (the feed's URL), the page it
/// stands for, a title and the time of its newest entry.
fn feed(
    site: &Site,
    title: String,
    feed_path: &str,
    page_path: &str,
    updated: DateTime<FixedOffset>,
    entries: Vec<Entry>,
) -> String {
    let feed = Feed {
        title: Text::plain(title),
        id: absolute(site, feed_path),
        updated,
        links: vec![
            link("self", absolute(site, feed_path), "application/atom+xml"),
            link("alternate", absolute(site, page_path), "text/html"),
        ],
        generator: Some(Generator {
            value: "scholia".into(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        lang: Some(site.config.language.clone()),
        entries,
        ..Feed::default()
    };
    feed.to_string()
}

/// The Atom feed of an article's newest `[feeds] comment_limit` comments,
/// newest first.
/// A reply names the comment it answers, in its title and in a first line
/// linking to it: read alone in a feed reader, a reply needs its context.
pub fn comment_feed(site: &Site, article: &Article) -> String {
    let page = absolute(site, &article.permalink);
    let comments = &article.text().thread.comments;
    // Newest first; on equal dates (the comments of one day whose times are
    // unknown) the larger id first, as a thread ordered newest first shows them.
    let mut newest_first: Vec<&Comment> = comments.iter().collect();
    newest_first.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| compare_ids(&b.id, &a.id)));
    // The page has the whole thread; a feed reader wants what is new.
    newest_first.truncate(site.config.feeds.comment_limit);
    let entries: Vec<Entry> = newest_first
        .into_iter()
        .map(|comment| {
            let url = format!("{page}#{}", anchor(&comment.id));
            let parent = comment.parent.map(|p| &comments[p as usize]);
            let title = match parent {
                Some(parent) => format!(
                    "{} replied to {} on {}",
                    comment.author, parent.author, article.title
                ),
                None => format!("Comment by {} on {}", comment.author, article.title),
            };
            let body = feed_html(site, article, &comment.body_html);
            let content = match parent {
                Some(parent) => format!("{}{body}", reply_line(&page, parent)),
                None => body,
            };
            Entry {
                title: Text::plain(title),
                id: url.clone(),
                // A comment is never edited here: `updated` (required) is
                // its date, and a `published` equal to it would only add bytes.
                updated: comment.date,
                authors: vec![Person {
                    name: comment.author.to_string(),
                    uri: comment.url.as_deref().map(str::to_string),
                    ..Person::default()
                }],
                links: vec![link("alternate", url, "text/html")],
                content: Some(Content {
                    value: Some(content),
                    content_type: Some("html".into()),
                    ..Content::default()
                }),
                ..Entry::default()
            }
        })
        .collect();
    let updated = entries
        .first()
        .map_or(article.updated.unwrap_or(article.date), |e| e.updated);
    feed(
        site,
        format!("Comments on {}", article.title),
        &format!("{}{COMMENT_FEED_FILE}", article.permalink),
        &article.permalink,
        updated,
        entries,
    )
}

/// An Atom feed of `articles` for the site, a tag or an author, carrying
/// `content`: each item is an article (an index into the site's articles, as
/// the plan chose them) with its [`entry_content`] for that choice.
pub fn article_feed(
    site: &Site,
    title: String,
    page_path: &str,
    content: FeedContent,
    articles: &[(usize, &str)],
) -> String {
    let entries: Vec<Entry> = articles
        .iter()
        .map(|&(i, html)| article_entry(site, &site.articles[i], html, content))
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset());
    feed(
        site,
        title,
        &format!("{page_path}{ARTICLE_FEED_FILE}"),
        page_path,
        updated,
        entries,
    )
}

/// The file name of a listing's article feed, beside its first page.
pub const ARTICLE_FEED_FILE: &str = "atom.xml";

/// The HTML a feed entry of `article` carries, with every URL absolute: its
/// body or its summary, as `content` says.
pub fn entry_content(site: &Site, article: &Article, content: FeedContent) -> String {
    match content {
        FeedContent::Full => feed_html(site, article, &article.text().content_html),
        FeedContent::Summary => feed_html(site, article, &article.summary_html),
    }
}

/// An article's entry. With the full text, `html` is the entry's content
/// and the summary is plain text; with the summary alone, `html` is the
/// entry's summary and there is no content (Atom allows it when the entry
/// links to the page), rather than the same text twice.
fn article_entry(site: &Site, article: &Article, html: &str, content: FeedContent) -> Entry {
    let url = absolute(site, &article.permalink);
    let (summary, content) = match content {
        FeedContent::Full => (
            Text::plain(article.summary_text.clone()),
            Some(Content {
                value: Some(html.to_string()),
                content_type: Some("html".into()),
                ..Content::default()
            }),
        ),
        FeedContent::Summary => (Text::html(html.to_string()), None),
    };
    Entry {
        title: Text::plain(article.title.clone()),
        id: url.clone(),
        updated: article.updated.unwrap_or(article.date),
        published: Some(article.date),
        authors: article
            .authors
            .iter()
            .map(|&a| Person {
                name: site.authors[a].name.clone(),
                uri: Some(absolute(site, &site.authors[a].permalink)),
                ..Person::default()
            })
            .collect(),
        categories: article
            .tags
            .iter()
            .map(|&t| Category {
                term: site.tags[t].slug.clone(),
                label: Some(site.tags[t].name.clone()),
                ..Category::default()
            })
            .collect(),
        links: vec![link("alternate", url, "text/html")],
        summary: Some(summary),
        content,
        ..Entry::default()
    }
}
