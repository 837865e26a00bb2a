//! Atom feeds, parsed with a feed-parsing crate.

mod common;
use common::*;

const THREAD: &str = r#"
[[comment]]
id = "10"
author = "Older"
url = "https://older.example"
date = 2020-01-03T10:00:00Z
body = "First <b>point</b>."

[[comment]]
id = "11"
parent = "10"
author = "Newer"
date = 2020-01-04T10:00:00Z
body = "A reply."
"#;

#[test]
fn each_article_has_a_comment_feed_linked_from_its_page() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.")
        .comments("talk", THREAD);
    site.build();

    let page = site.page("articles/talk/index.html");
    let alternate = one(
        &page,
        r#"link[rel="alternate"][type="application/atom+xml"][title^="Comments"]"#,
    );
    assert_eq!(attr(alternate, "href"), Some("comments.xml"));

    let xml = site.read("articles/talk/comments.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert_eq!(feed.title.unwrap().content, "Comments on Title of talk");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/articles/talk/#comment-11",
            "https://example.org/articles/talk/#comment-10"
        ],
        "newest first"
    );
    let older = &feed.entries[1];
    assert_eq!(older.authors[0].name.as_deref(), Some("Older"));
    assert_eq!(
        older.authors[0].uri.as_deref(),
        Some("https://older.example")
    );
    let body = older
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .unwrap();
    assert!(body.contains("<b>point</b>"), "{body}");
    assert_eq!(
        feed.updated.unwrap().to_rfc3339(),
        "2020-01-04T10:00:00+00:00"
    );
}

#[test]
fn an_article_without_comments_has_an_empty_valid_feed() {
    let site = Site::new();
    site.article("quiet", "2020-01-02", "", "Body.");
    site.build();
    let xml = site.read("articles/quiet/comments.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    assert!(feed.entries.is_empty());
    assert_eq!(
        feed.updated.unwrap().to_rfc3339(),
        "2020-01-02T00:00:00+00:00"
    );
}

#[test]
fn a_comment_feed_holds_the_newest_comment_limit_comments() {
    let site = Site::new();
    site.file(
        "site.toml",
        &format!("{SITE_TOML}[feeds]\ncomment_limit = 2\n"),
    );
    let thread: String = (1..=5)
        .map(|n| format!("[[comment]]\nid = \"{n}\"\nauthor = \"R\"\ndate = 2020-01-0{n}T10:00:00Z\nbody = \"c{n}\"\n\n"))
        .collect();
    site.article("busy", "2020-01-01", "", "Body.")
        .comments("busy", &thread);
    site.build();
    let xml = site.read("articles/busy/comments.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "https://example.org/articles/busy/#comment-5",
            "https://example.org/articles/busy/#comment-4"
        ]
    );
    assert_eq!(
        select(&site.page("articles/busy/index.html"), "li.comment").len(),
        5
    );
}

/// Ids of a feed's entries, in order.
fn entry_ids(site: &Site, feed: &str) -> Vec<String> {
    let xml = site.read(feed);
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    feed.entries.into_iter().map(|e| e.id).collect()
}

#[test]
fn a_comment_feed_holds_the_newest_ten_comments_by_default() {
    let site = Site::new();
    let thread: String = (1..=12)
        .map(|n| format!("[[comment]]\nid = \"{n}\"\nauthor = \"R\"\ndate = 2020-01-{n:02}T10:00:00Z\nbody = \"c{n}\"\n\n"))
        .collect();
    site.article("busy", "2020-01-01", "", "Body.")
        .comments("busy", &thread);
    site.build();
    let ids = entry_ids(&site, "articles/busy/comments.xml");
    let expected: Vec<String> = (3..=12)
        .rev()
        .map(|n| format!("https://example.org/articles/busy/#comment-{n}"))
        .collect();
    assert_eq!(ids, expected);
}

/// A site with an open and a closed thread, built with `[feeds] comments`
/// set to `setting` (or left out).
fn open_and_closed(setting: Option<&str>) -> Site {
    let site = Site::new();
    if let Some(setting) = setting {
        site.file(
            "site.toml",
            &format!("{SITE_TOML}[feeds]\ncomments = \"{setting}\"\n"),
        );
    }
    site.article("open", "2020-01-02", "", "Body.")
        .comments("open", THREAD);
    site.article("closed", "2020-01-03", "comments_closed = true\n", "Body.")
        .comments("closed", THREAD);
    site.build();
    site
}

/// Whether the article `slug` has a comment feed, and whether its page
/// links to one; both must agree.
fn has_comment_feed(site: &Site, slug: &str) -> bool {
    let page = site.page(&format!("articles/{slug}/index.html"));
    let linked = !select(&page, r#"link[rel="alternate"][href="comments.xml"]"#).is_empty();
    let written = site
        .output(&format!("articles/{slug}/comments.xml"))
        .exists();
    assert_eq!(linked, written, "{slug}: the link and the file disagree");
    written
}

#[test]
fn by_default_only_an_open_thread_has_a_comment_feed() {
    let site = open_and_closed(None);
    assert!(has_comment_feed(&site, "open"));
    assert!(!has_comment_feed(&site, "closed"));
    // The closed thread is still on its page.
    let page = site.page("articles/closed/index.html");
    assert_eq!(select(&page, "li.comment").len(), 2);
}

#[test]
fn comment_feeds_can_be_written_for_every_thread_or_none() {
    let all = open_and_closed(Some("all"));
    assert!(has_comment_feed(&all, "open"));
    assert!(has_comment_feed(&all, "closed"));
    let none = open_and_closed(Some("none"));
    assert!(!has_comment_feed(&none, "open"));
    assert!(!has_comment_feed(&none, "closed"));
}

/// A site with one tagged article, with `extra` appended to site.toml.
fn tagged_site(extra: &str) -> Site {
    let site = Site::new();
    site.file("site.toml", &format!("{SITE_TOML}{extra}"));
    site.article(
        "long",
        "2020-01-02",
        "tags = [\"Iran\"]\n",
        "The summary.\n\n<!-- more -->\n\nThe rest of the *article*.",
    );
    site.build();
    site
}

/// The first entry of a feed: (summary, content), each as given.
fn first_entry(site: &Site, feed: &str) -> (Option<String>, Option<String>) {
    let xml = site.read(feed);
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    let entry = &feed.entries[0];
    (
        entry.summary.as_ref().map(|s| s.content.clone()),
        entry.content.as_ref().and_then(|c| c.body.clone()),
    )
}

#[test]
fn tag_and_author_feeds_carry_summaries_and_the_site_feed_the_full_text_by_default() {
    let site = tagged_site("");
    for feed in ["tags/iran/atom.xml", "authors/ann/atom.xml"] {
        let (summary, content) = first_entry(&site, feed);
        let summary = summary.unwrap_or_else(|| panic!("{feed}: no summary"));
        assert!(summary.contains("The summary."), "{feed}: {summary}");
        assert!(!summary.contains("The rest"), "{feed}: {summary}");
        assert_eq!(
            content, None,
            "{feed}: the summary is not repeated as content"
        );
    }
    let (_, content) = first_entry(&site, "atom.xml");
    let content = content.expect("the site feed has the full text");
    assert!(content.contains("<em>article</em>"), "{content}");
}

#[test]
fn tag_and_author_feeds_carry_the_full_text_when_asked() {
    let site = tagged_site("[feeds]\nlisting_content = \"full\"\ncontent = \"summary\"\n");
    for feed in ["tags/iran/atom.xml", "authors/ann/atom.xml"] {
        let (_, content) = first_entry(&site, feed);
        let content = content.unwrap_or_else(|| panic!("{feed}: no content"));
        assert!(content.contains("<em>article</em>"), "{feed}: {content}");
    }
    let (summary, content) = first_entry(&site, "atom.xml");
    assert_eq!(content, None);
    assert!(summary.expect("a summary").contains("The summary."));
}
