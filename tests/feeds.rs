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
fn a_comment_feed_holds_the_newest_feed_limit_comments() {
    let site = Site::new();
    site.file("site.toml", &format!("{SITE_TOML}[feeds]\nlimit = 2\n"));
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
