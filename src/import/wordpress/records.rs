//! The records of a WordPress export (WXR 1.0–1.2) as typed values: the
//! channel, its authors, and its items with their comments. Reads only what
//! the import uses; e-mail and IP fields are never read.

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use crate::import::html::plain_text;
use crate::import::xml::{Element, Ns};

/// What the channel says about the blog.
#[derive(Debug, Default, Clone)]
pub(super) struct Channel {
    /// The blog's name.
    pub(super) title: String,
    /// The blog's address (`wp:base_blog_url`, else `<link>`).
    pub(super) url: String,
    /// Its tagline.
    pub(super) description: String,
    /// Its language (`en-US`).
    pub(super) language: String,
    /// When the export was made.
    pub(super) exported: Option<DateTime<FixedOffset>>,
}

impl Channel {
    /// Takes what it needs from one child of `<channel>`.
    pub(super) fn read(&mut self, element: &Element) {
        let text = element.text.trim();
        match (element.ns, element.name.as_str()) {
            (Ns::None, "title") => self.title = plain_text(text),
            (Ns::None, "link") if self.url.is_empty() => self.url = text.to_string(),
            (Ns::Wp, "base_blog_url") if !text.is_empty() => self.url = text.to_string(),
            (Ns::None, "description") => self.description = plain_text(text),
            (Ns::None, "language") => self.language = text.to_string(),
            (Ns::None, "pubDate") => self.exported = DateTime::parse_from_rfc2822(text).ok(),
            _ => {}
        }
    }
}

/// A `<wp:author>`: a user of the blog.
#[derive(Debug, Clone)]
pub(super) struct Author {
    /// The login posts name it by.
    pub(super) login: String,
    /// The name shown.
    pub(super) display_name: String,
    /// A bio, where the export carries one.
    pub(super) description: String,
}

impl Author {
    /// Reads a `<wp:author>`.
    pub(super) fn read(element: &Element) -> Author {
        let mut display_name = plain_text(element.text_of(Ns::Wp, "author_display_name"));
        if display_name.is_empty() {
            let first = plain_text(element.text_of(Ns::Wp, "author_first_name"));
            let last = plain_text(element.text_of(Ns::Wp, "author_last_name"));
            display_name = format!("{first} {last}").trim().to_string();
        }
        Author {
            login: element.text_of(Ns::Wp, "author_login").to_string(),
            display_name,
            description: element.text_of(Ns::Wp, "author_description").to_string(),
        }
    }
}

/// What kind of thing an item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ItemKind {
    /// A blog post: an article.
    Post,
    /// A page.
    Page,
    /// A file in the media library.
    Attachment,
    /// An entry of a navigation menu.
    MenuItem,
    /// An old version of a post.
    Revision,
    /// Any other post type (a plugin's, a theme's).
    Other(String),
}

/// An `<item>`, with its comments.
#[derive(Debug, Clone)]
pub(super) struct Item {
    /// `wp:post_id`.
    pub(super) id: Option<u64>,
    /// `wp:post_type`.
    pub(super) kind: ItemKind,
    /// `wp:status`: publish, draft, pending, future, private, trash, …
    pub(super) status: String,
    /// Whether it is password-protected.
    pub(super) protected: bool,
    /// The title, as plain text.
    pub(super) title: String,
    /// The address it was published at.
    pub(super) link: String,
    /// `wp:post_name`, percent-decoded.
    pub(super) name: String,
    /// `wp:post_date`, local to the blog.
    pub(super) date_local: Option<NaiveDateTime>,
    /// `wp:post_date_gmt`.
    pub(super) date_gmt: Option<NaiveDateTime>,
    /// `<pubDate>`.
    pub(super) pub_date: Option<DateTime<FixedOffset>>,
    /// `wp:post_modified_gmt`.
    pub(super) modified_gmt: Option<NaiveDateTime>,
    /// `dc:creator`: the author's login.
    pub(super) creator: String,
    /// `<category>`s: (domain, nicename, name).
    pub(super) terms: Vec<(String, String, String)>,
    /// `content:encoded`: the body's HTML.
    pub(super) content: String,
    /// `excerpt:encoded`.
    pub(super) excerpt: String,
    /// `wp:comment_status` is `closed`.
    pub(super) comments_closed: bool,
    /// `wp:post_parent`.
    pub(super) parent: Option<u64>,
    /// `wp:attachment_url`, for attachments.
    pub(super) attachment_url: String,
    /// The comments, in export order.
    pub(super) comments: Vec<Comment>,
}

impl Item {
    /// Reads an `<item>`.
    pub(super) fn read(element: &Element) -> Item {
        let wp = |name| element.text_of(Ns::Wp, name);
        let kind = match wp("post_type") {
            "post" | "" => ItemKind::Post,
            "page" => ItemKind::Page,
            "attachment" => ItemKind::Attachment,
            "nav_menu_item" => ItemKind::MenuItem,
            "revision" => ItemKind::Revision,
            other => ItemKind::Other(other.to_string()),
        };
        let terms = element
            .children_named(Ns::None, "category")
            .map(|c| {
                (
                    c.attr(Ns::None, "domain").unwrap_or("").to_string(),
                    c.attr(Ns::None, "nicename").unwrap_or("").to_string(),
                    plain_text(&c.text),
                )
            })
            .collect();
        Item {
            id: wp("post_id").parse().ok(),
            kind,
            status: wp("status").to_string(),
            protected: !wp("post_password").is_empty(),
            title: plain_text(element.text_of(Ns::None, "title")),
            link: element.text_of(Ns::None, "link").to_string(),
            name: percent_decoded(wp("post_name")),
            date_local: wp_datetime(wp("post_date")),
            date_gmt: wp_datetime(wp("post_date_gmt")),
            pub_date: DateTime::parse_from_rfc2822(element.text_of(Ns::None, "pubDate")).ok(),
            modified_gmt: wp_datetime(wp("post_modified_gmt")),
            creator: element.text_of(Ns::Dc, "creator").to_string(),
            terms,
            content: text_of_raw(element, Ns::Content, "encoded"),
            excerpt: text_of_raw(element, Ns::Excerpt, "encoded"),
            comments_closed: wp("comment_status") == "closed",
            parent: wp("post_parent").parse().ok().filter(|&p| p != 0),
            attachment_url: wp("attachment_url").to_string(),
            comments: element
                .children_named(Ns::Wp, "comment")
                .map(Comment::read)
                .collect(),
        }
    }

    /// A short name for the report: its title and id.
    pub(super) fn label(&self) -> String {
        let id = self
            .id
            .map_or_else(|| "no id".to_string(), |id| id.to_string());
        if self.title.is_empty() {
            format!("item {id}")
        } else {
            format!("“{}” ({id})", self.title)
        }
    }
}

/// A `<wp:comment>`. Its e-mail and IP address are not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Comment {
    /// `wp:comment_id`, as written.
    pub(super) id: String,
    /// `wp:comment_parent`; `None` for `0` or nothing.
    pub(super) parent: Option<String>,
    /// `wp:comment_approved`: `1`, `0`, `spam`, `trash`, …
    pub(super) approved: String,
    /// `wp:comment_type`: empty or `comment` for a comment; `pingback`, `trackback`, …
    pub(super) kind: String,
    /// The commenter's name.
    pub(super) author: String,
    /// The commenter's website.
    pub(super) url: String,
    /// `wp:comment_date`, local to the blog.
    pub(super) date_local: Option<NaiveDateTime>,
    /// `wp:comment_date_gmt`.
    pub(super) date_gmt: Option<NaiveDateTime>,
    /// The comment's HTML.
    pub(super) content: String,
}

impl Comment {
    fn read(element: &Element) -> Comment {
        let wp = |name| element.text_of(Ns::Wp, name);
        Comment {
            id: wp("comment_id").to_string(),
            parent: Some(wp("comment_parent"))
                .filter(|p| !p.is_empty() && *p != "0")
                .map(str::to_string),
            approved: wp("comment_approved").to_string(),
            kind: wp("comment_type").to_string(),
            author: plain_text(wp("comment_author")),
            url: wp("comment_author_url").to_string(),
            date_local: wp_datetime(wp("comment_date")),
            date_gmt: wp_datetime(wp("comment_date_gmt")),
            content: text_of_raw(element, Ns::Wp, "comment_content"),
        }
    }
}

/// The text of a child, untrimmed but for surrounding blank lines (HTML keeps
/// its inner whitespace).
fn text_of_raw(element: &Element, ns: Ns, name: &str) -> String {
    element
        .child(ns, name)
        .map_or(String::new(), |c| c.text.trim_matches('\n').to_string())
}

/// A WordPress date (`2016-08-22 09:30:00`); `None` for the `0000-00-00
/// 00:00:00` of drafts, or anything unreadable.
pub(super) fn wp_datetime(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%d %H:%M:%S").ok()
}

/// Percent-decoded text (post names and link paths of non-ASCII slugs).
pub(super) fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text.trim())
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_dates_are_none() {
        assert!(wp_datetime("0000-00-00 00:00:00").is_none());
        assert!(wp_datetime("2016-08-22 09:30:00").is_some());
    }

    #[test]
    fn post_names_are_decoded() {
        assert_eq!(percent_decoded("%d8%a5%d9%8a%d8%b1%d8%a7%d9%86"), "إيران");
    }
}
