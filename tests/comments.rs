//! Comment threads: nesting, order, the depth cap, closed threads, counts,
//! commenter links, bare URLs, dates, validation errors and large threads.

mod common;
use common::*;

use scraper::{ElementRef, Html};

/// One `[[comment]]` table with an author named after its id.
fn comment(id: &str, parent: Option<&str>, date: &str, body: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!("parent = {}\n", toml_str(p)));
    format!(
        "[[comment]]\nid = {}\n{parent}author = {}\ndate = {date}\nbody = {}\n\n",
        toml_str(id),
        toml_str(&format!("Author {id}")),
        toml_str(body)
    )
}

/// One comment in the rendered thread, read back from the page's structure.
#[derive(Debug, PartialEq, Eq)]
struct Shown {
    /// The id, from `li#comment-<id>`.
    id: String,
    /// How many replies lists (`li.comment > ol`) it is nested in, plus one.
    level: usize,
    /// The id of the comment item it is nested in.
    under: Option<String>,
}

fn shown(id: &str, level: usize, under: Option<&str>) -> Shown {
    Shown {
        id: id.to_string(),
        level,
        under: under.map(str::to_string),
    }
}

fn is_comment_item(e: &ElementRef<'_>) -> bool {
    e.value().name() == "li" && e.value().classes().any(|c| c == "comment")
}

/// Whether `e` is a list of replies: an `ol` right inside a comment item.
fn is_replies_list(e: &ElementRef<'_>) -> bool {
    e.value().name() == "ol"
        && e.parent()
            .and_then(ElementRef::wrap)
            .is_some_and(|parent| is_comment_item(&parent))
}

fn comment_id(li: ElementRef<'_>) -> String {
    let id = li.value().id().expect("a comment item has an id");
    id.strip_prefix("comment-")
        .unwrap_or_else(|| panic!("comment item id {id:?} does not start with comment-"))
        .to_string()
}

/// The thread as rendered: each comment item in document order with its nesting.
fn thread(page: &Html) -> Vec<Shown> {
    select(page, "#comments li.comment")
        .into_iter()
        .map(|li| {
            let ancestors: Vec<ElementRef> = li.ancestors().filter_map(ElementRef::wrap).collect();
            let replies_lists = ancestors.iter().filter(|e| is_replies_list(e)).count();
            Shown {
                id: comment_id(li),
                level: replies_lists + 1,
                under: ancestors
                    .iter()
                    .find(|e| is_comment_item(e))
                    .map(|e| comment_id(*e)),
            }
        })
        .collect()
}

/// A comment's own `article` (not its replies).
fn own<'a>(page: &'a Html, id: &str) -> ElementRef<'a> {
    let li = one(page, &format!("li#comment-{id}"));
    li.children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "article")
        .unwrap_or_else(|| panic!("comment {id} has no article"))
}

/// The `href` of a comment's "in reply to" link, if it has one.
fn reply_link(page: &Html, id: &str) -> Option<String> {
    let links: Vec<ElementRef> = own(page, id).select(&sel("header > span > a")).collect();
    assert!(
        links.len() <= 1,
        "comment {id} has {} in-reply-to links",
        links.len()
    );
    links
        .first()
        .and_then(|a| attr(*a, "href"))
        .map(str::to_string)
}

const PAGE: &str = "articles/talk/index.html";

fn site_with(config: &str, thread: &str) -> Site {
    let site = Site::new();
    site.file("site.toml", &format!("{SITE_TOML}{config}"));
    site.article("talk", "2020-01-01", "", "The article.");
    site.comments("talk", thread);
    site
}

// ---------------------------------------------------------------- nesting, order

#[test]
fn replies_nest_under_their_parents_oldest_first_ties_by_id() {
    // Written out of order: display order must come from dates, then ids.
    let toml = [
        comment("1", None, "2020-01-02T10:00:00Z", "one"),
        comment("7", None, "2020-01-02T09:00:00Z", "seven, same time as two"),
        comment("3", Some("1"), "2020-01-02T11:00:00Z", "three"),
        comment("4", Some("1"), "2020-01-02T10:30:00Z", "four"),
        comment("5", Some("4"), "2020-01-02T12:00:00Z", "five"),
        comment("6", Some("5"), "2020-01-02T13:00:00Z", "six"),
        comment("2", None, "2020-01-02T09:00:00Z", "two"),
        comment(
            "8",
            Some("4"),
            "2020-01-02T12:00:00Z",
            "eight, same time as five",
        ),
    ]
    .concat();
    let site = site_with("", &toml);
    site.build();
    let page = site.page(PAGE);
    assert_eq!(
        thread(&page),
        [
            shown("2", 1, None),
            shown("7", 1, None),
            shown("1", 1, None),
            shown("4", 2, Some("1")),
            shown("5", 3, Some("4")),
            shown("6", 4, Some("5")),
            shown("8", 3, Some("4")),
            shown("3", 2, Some("1")),
        ]
    );
    for (id, parent) in [("4", "1"), ("5", "4"), ("6", "5"), ("8", "4"), ("3", "1")] {
        assert_eq!(
            reply_link(&page, id).as_deref(),
            Some(format!("#comment-{parent}").as_str()),
            "comment {id} replies to {parent}"
        );
    }
    for id in ["1", "2", "7"] {
        assert_eq!(reply_link(&page, id), None, "top-level comment {id}");
    }
    let body = one(&page, "li#comment-6 > article > div");
    assert_eq!(text(body), "six");
    let author = one(&page, "li#comment-6 > article > header > b");
    assert_eq!(text(author), "Author 6");
}

#[test]
fn siblings_are_ordered_by_instant_whatever_the_offset() {
    // 10:00 at UTC-5 is 15:00 UTC: after 14:00 UTC.
    let toml = [
        comment("a", None, "2020-01-02T10:00:00-05:00", "later"),
        comment("b", None, "2020-01-02T14:00:00Z", "earlier"),
    ]
    .concat();
    let site = site_with("", &toml);
    site.build();
    let ids: Vec<String> = thread(&site.page(PAGE)).into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["b", "a"]);
}

#[test]
fn newest_order_flips_siblings_at_every_level() {
    let toml = [
        comment("1", None, "2020-01-02T01:00:00Z", "x"),
        comment("2", None, "2020-01-02T02:00:00Z", "x"),
        comment("3", None, "2020-01-02T03:00:00Z", "x"),
        comment("4", Some("1"), "2020-01-02T04:00:00Z", "x"),
        comment("5", Some("1"), "2020-01-02T05:00:00Z", "x"),
        comment("6", Some("4"), "2020-01-02T06:00:00Z", "x"),
    ]
    .concat();
    let site = site_with("[comments]\norder = \"newest\"\n", &toml);
    site.build();
    assert_eq!(
        thread(&site.page(PAGE)),
        [
            shown("3", 1, None),
            shown("2", 1, None),
            shown("1", 1, None),
            shown("5", 2, Some("1")),
            shown("4", 2, Some("1")),
            shown("6", 3, Some("4")),
        ]
    );

    // The same thread, oldest first (the default, and when said explicitly).
    for config in ["", "[comments]\norder = \"oldest\"\n"] {
        let site = site_with(config, &toml);
        site.build();
        let ids: Vec<String> = thread(&site.page(PAGE)).into_iter().map(|c| c.id).collect();
        assert_eq!(ids, ["1", "4", "6", "5", "2", "3"], "config {config:?}");
    }
}

#[test]
fn replies_deeper_than_max_depth_render_at_max_depth_with_an_in_reply_to_link() {
    let toml = [
        comment("1", None, "2020-01-02T01:00:00Z", "level 1"),
        comment("2", Some("1"), "2020-01-02T02:00:00Z", "level 2"),
        comment("3", Some("2"), "2020-01-02T03:00:00Z", "level 3"),
        comment("4", Some("3"), "2020-01-02T04:00:00Z", "level 4"),
        comment("5", None, "2020-01-02T05:00:00Z", "another top-level"),
    ]
    .concat();
    let site = site_with("[comments]\nmax_depth = 2\n", &toml);
    site.build();
    let page = site.page(PAGE);
    assert_eq!(
        thread(&page),
        [
            shown("1", 1, None),
            shown("2", 2, Some("1")),
            shown("3", 2, Some("1")),
            shown("4", 2, Some("1")),
            shown("5", 1, None),
        ]
    );
    // The level-4 reply sits inside exactly one replies list...
    let li = one(&page, "li#comment-4");
    let lists = li
        .ancestors()
        .filter_map(ElementRef::wrap)
        .filter(is_replies_list)
        .count();
    assert_eq!(lists, 1);
    // ...and says whom it answers, with a link to that comment's anchor.
    assert_eq!(reply_link(&page, "4").as_deref(), Some("#comment-3"));
    assert_eq!(reply_link(&page, "3").as_deref(), Some("#comment-2"));
    one(&page, "li#comment-3");
    let in_reply = one(&page, "li#comment-4 > article > header > span");
    assert!(text(in_reply).contains("Author 3"), "{}", text(in_reply));
}

#[test]
fn default_max_depth_is_five() {
    let mut toml = comment("1", None, "2020-01-02T01:00:00Z", "x");
    for i in 2..=7 {
        toml.push_str(&comment(
            &i.to_string(),
            Some(&(i - 1).to_string()),
            &format!("2020-01-02T0{i}:00:00Z"),
            "x",
        ));
    }
    let site = site_with("", &toml);
    site.build();
    let levels: Vec<usize> = thread(&site.page(PAGE))
        .into_iter()
        .map(|c| c.level)
        .collect();
    assert_eq!(levels, [1, 2, 3, 4, 5, 5, 5]);
}

#[test]
fn ids_are_kept_as_written_in_anchors_and_permalinks() {
    let toml = [
        comment("wp-4711", None, "2020-01-02T01:00:00Z", "x"),
        comment("0042", Some("wp-4711"), "2020-01-02T02:00:00Z", "x"),
    ]
    .concat();
    let site = site_with("", &toml);
    site.build();
    let page = site.page(PAGE);
    for id in ["wp-4711", "0042"] {
        let permalink = one(&page, &format!("li#comment-{id} > article > header > a"));
        assert_eq!(
            attr(permalink, "href"),
            Some(format!("#comment-{id}").as_str())
        );
    }
    assert_eq!(
        reply_link(&page, "0042").as_deref(),
        Some("#comment-wp-4711")
    );
}

// ------------------------------------------------------- closed threads, counts

#[test]
fn a_closed_thread_says_so_and_still_shows_its_comments() {
    let site = Site::new();
    site.article("closed", "2020-01-01", "comments_closed = true\n", "x");
    site.comments(
        "closed",
        &comment("1", None, "2020-01-02T01:00:00Z", "still here"),
    );
    site.article(
        "closed-empty",
        "2020-01-01",
        "comments_closed = true\n",
        "x",
    );
    site.article("open", "2020-01-01", "", "x");
    site.comments(
        "open",
        &comment("1", None, "2020-01-02T01:00:00Z", "open thread"),
    );
    site.build();

    let closed = site.page("articles/closed/index.html");
    assert_eq!(
        texts(&closed, "#comments p.comments-closed"),
        ["Comments are closed."]
    );
    assert_eq!(
        text(one(&closed, "li#comment-1 > article > div")),
        "still here"
    );

    let empty = site.page("articles/closed-empty/index.html");
    assert_eq!(
        texts(&empty, "#comments p.comments-closed"),
        ["Comments are closed."]
    );
    assert!(select(&empty, "li.comment").is_empty());

    let open = site.page("articles/open/index.html");
    one(&open, "li#comment-1");
    assert!(select(&open, ".comments-closed").is_empty());
    assert!(
        !text(one(&open, "body")).contains("Comments are closed"),
        "an open thread must not say it is closed"
    );
}

#[test]
fn the_thread_header_counts_every_comment_replies_included() {
    let site = Site::new();
    site.article("three", "2020-01-01", "", "x");
    site.comments(
        "three",
        &[
            comment("1", None, "2020-01-02T01:00:00Z", "x"),
            comment("2", Some("1"), "2020-01-02T02:00:00Z", "x"),
            comment("3", Some("2"), "2020-01-02T03:00:00Z", "x"),
        ]
        .concat(),
    );
    site.article("single", "2020-01-01", "", "x");
    site.comments("single", &comment("1", None, "2020-01-02T01:00:00Z", "x"));
    site.build();
    let three = site.page("articles/three/index.html");
    assert_eq!(texts(&three, "#comments-title"), ["3 comments"]);
    assert_eq!(
        attr(one(&three, "#comments"), "aria-labelledby"),
        Some("comments-title")
    );
    let single = site.page("articles/single/index.html");
    assert_eq!(texts(&single, "#comments-title"), ["1 comment"]);
}

/// Each listed article on a listing page: (title link href, comment count link
/// href, comment count text).
/// Each listed article of the page written at `file`: where its title and
/// its comment count lead (from the site root), and the count's text.
fn listed(page: &Html, file: &str) -> Vec<(String, String, String)> {
    select(page, "li.article-item")
        .into_iter()
        .map(|item| {
            let title = item
                .select(&sel(":is(h2, h3) a"))
                .next()
                .expect("a title link");
            let count: Vec<ElementRef> = item.select(&sel("a.comment-count")).collect();
            assert_eq!(count.len(), 1, "one comment count per listed article");
            (
                leads_to(file, attr(title, "href").unwrap_or("")),
                leads_to(file, attr(count[0], "href").unwrap_or("")),
                text(count[0]),
            )
        })
        .collect()
}

#[test]
fn listing_pages_link_comment_counts_to_the_thread() {
    let site = Site::new();
    site.file(
        "site.toml",
        &format!("{SITE_TOML}[build]\npermalink = \"/{{year}}/{{month}}/{{day}}/{{slug}}/\"\n"),
    );
    site.article("busy", "2020-03-04", "tags = [\"Iran Deal\"]\n", "x");
    site.comments(
        "busy",
        &[
            comment("1", None, "2020-03-05T01:00:00Z", "x"),
            comment("2", Some("1"), "2020-03-05T02:00:00Z", "x"),
            comment("3", None, "2020-03-05T03:00:00Z", "x"),
        ]
        .concat(),
    );
    site.article("quiet", "2020-03-03", "tags = [\"Iran Deal\"]\n", "x");
    site.comments("quiet", &comment("1", None, "2020-03-05T01:00:00Z", "x"));
    site.article("silent", "2020-03-02", "tags = [\"Iran Deal\"]\n", "x");
    site.build();

    let expected = [
        (
            "/2020/03/04/busy/".to_string(),
            "/2020/03/04/busy/#comments".to_string(),
            "3 comments".to_string(),
        ),
        (
            "/2020/03/03/quiet/".to_string(),
            "/2020/03/03/quiet/#comments".to_string(),
            "1 comment".to_string(),
        ),
        (
            "/2020/03/02/silent/".to_string(),
            "/2020/03/02/silent/#comments".to_string(),
            "No comments".to_string(),
        ),
    ];
    for listing in [
        "index.html",
        "tags/iran-deal/index.html",
        "authors/ann/index.html",
    ] {
        assert_eq!(
            listed(&site.page(listing), listing),
            expected,
            "on {listing}"
        );
    }
    // The fragment lands: the article page has the element it names.
    let busy = site.page("2020/03/04/busy/index.html");
    one(&busy, "section#comments");
}

// ------------------------------------------------------- commenter links, bodies

#[test]
fn a_commenter_url_is_a_link_only_when_it_is_http_or_https() {
    let cases: &[(&str, Option<&str>, Option<&str>)] = &[
        (
            "https",
            Some("https://example.org/me"),
            Some("https://example.org/me"),
        ),
        (
            "http",
            Some("http://example.org/"),
            Some("http://example.org/"),
        ),
        (
            "upper",
            Some("HTTPS://EXAMPLE.ORG/"),
            Some("HTTPS://EXAMPLE.ORG/"),
        ),
        (
            "padded",
            Some("  https://example.org/padded  "),
            Some("https://example.org/padded"),
        ),
        ("none", None, None),
        ("empty", Some(""), None),
        ("ftp", Some("ftp://example.org/"), None),
        ("mailto", Some("mailto:me@example.org"), None),
        ("relative", Some("/about/"), None),
        ("protocol-relative", Some("//example.org/"), None),
        ("bare-host", Some("example.org"), None),
        ("javascript", Some("javascript:alert(1)"), None),
        ("https-no-slashes", Some("https:example.org"), None),
    ];
    let mut toml = String::new();
    for (id, url, _) in cases {
        toml.push_str(&format!(
            "[[comment]]\nid = \"{id}\"\nauthor = \"Name {id}\"\ndate = 2020-01-02T01:00:00Z\nbody = \"x\"\n"
        ));
        if let Some(url) = url {
            toml.push_str(&format!("url = {}\n", toml_str(url)));
        }
    }
    let site = site_with("", &toml);
    site.build();
    let page = site.page(PAGE);
    for (id, url, expected) in cases {
        let author = one(&page, &format!("li#comment-{id} > article > header > b"));
        assert_eq!(
            text(author),
            format!("Name {id}"),
            "{id}: the name is shown"
        );
        let links: Vec<ElementRef> = author.select(&sel("a")).collect();
        match expected {
            Some(href) => {
                assert_eq!(links.len(), 1, "{id}: {url:?} is linked");
                assert_eq!(attr(links[0], "href"), Some(*href), "{id}");
                let rel: Vec<&str> = attr(links[0], "rel")
                    .unwrap_or("")
                    .split_whitespace()
                    .collect();
                for needed in ["nofollow", "ugc", "noopener"] {
                    assert!(rel.contains(&needed), "{id}: rel {rel:?} lacks {needed}");
                }
            }
            None => assert!(
                links.is_empty(),
                "{id}: {url:?} must not be a link, got {:?}",
                attr(links[0], "href")
            ),
        }
    }
}

#[test]
fn bare_urls_in_comment_bodies_become_links() {
    let body = "See https://example.org/a/b?c=1 and http://example.net now.\n\n\
                Trailing: https://example.org/end. In parens (https://example.org/paren).";
    let site = site_with("", &comment("1", None, "2020-01-02T01:00:00Z", body));
    site.build();
    let page = site.page(PAGE);
    let links = select(&page, "li#comment-1 > article > div a");
    let found: Vec<(String, String)> = links
        .iter()
        .map(|a| (attr(*a, "href").unwrap_or("").to_string(), text(*a)))
        .collect();
    let expected: Vec<(String, String)> = [
        "https://example.org/a/b?c=1",
        "http://example.net",
        "https://example.org/end",
        "https://example.org/paren",
    ]
    .iter()
    .map(|u| (u.to_string(), u.to_string()))
    .collect();
    assert_eq!(found, expected);
    for a in links {
        let rel: Vec<&str> = attr(a, "rel").unwrap_or("").split_whitespace().collect();
        for needed in ["nofollow", "ugc", "noopener"] {
            assert!(rel.contains(&needed), "rel {rel:?} lacks {needed}");
        }
    }
    // The text around the links is unchanged.
    assert_eq!(
        text(one(&page, "li#comment-1 > article > div")),
        "See https://example.org/a/b?c=1 and http://example.net now. \
         Trailing: https://example.org/end. In parens (https://example.org/paren)."
    );
}

#[test]
fn urls_in_code_spans_and_links_are_not_linked_again() {
    let body = "Type `https://example.org/span` here. \
                Or [the text https://example.org/inner](https://example.org/target).";
    let site = site_with("", &comment("1", None, "2020-01-02T01:00:00Z", body));
    site.build();
    let page = site.page(PAGE);
    assert!(
        select(&page, "li#comment-1 code a").is_empty(),
        "a link inside a code span"
    );
    let links = select(&page, "li#comment-1 > article > div a");
    assert_eq!(links.len(), 1, "one link, the one written");
    assert_eq!(attr(links[0], "href"), Some("https://example.org/target"));
}

#[test]
fn urls_in_code_blocks_are_not_linked() {
    let body =
        "```\ncurl https://example.org/fenced\n```\n\n    wget https://example.org/indented\n";
    let site = site_with("", &comment("1", None, "2020-01-02T01:00:00Z", body));
    site.build();
    let page = site.page(PAGE);
    let blocks = texts(&page, "li#comment-1 pre");
    assert_eq!(
        blocks,
        [
            "curl https://example.org/fenced",
            "wget https://example.org/indented"
        ]
    );
    assert!(
        select(&page, "li#comment-1 pre a").is_empty(),
        "code blocks show code as written, without links"
    );
}

#[test]
fn the_text_of_a_raw_html_link_is_not_linked_again() {
    let body = "<a href=\"https://example.org/target\">https://example.org/shown</a>";
    let site = site_with("", &comment("1", None, "2020-01-02T01:00:00Z", body));
    site.build();
    let page = site.page(PAGE);
    let links = select(&page, "li#comment-1 > article > div a");
    let found: Vec<(Option<&str>, String)> =
        links.iter().map(|a| (attr(*a, "href"), text(*a))).collect();
    assert_eq!(
        found,
        [(
            Some("https://example.org/target"),
            "https://example.org/shown".to_string()
        )]
    );
}

#[test]
fn comment_times_carry_rfc3339_datetimes() {
    let toml = [
        comment("utc", None, "2016-08-23T14:02:00Z", "x"),
        comment("offset", None, "2016-08-23T14:02:30-04:00", "x"),
        comment("plain", None, "2016-08-24", "x"),
    ]
    .concat();
    let site = site_with("", &toml);
    site.build();
    let page = site.page(PAGE);
    let cases = [
        ("utc", "2016-08-23T14:02:00+00:00"),
        ("offset", "2016-08-23T18:02:30+00:00"),
    ];
    for (id, instant) in cases {
        let time = one(
            &page,
            &format!("li#comment-{id} > article > header > a time"),
        );
        let datetime = attr(time, "datetime").unwrap_or_else(|| panic!("{id}: no datetime"));
        let parsed = chrono::DateTime::parse_from_rfc3339(datetime)
            .unwrap_or_else(|e| panic!("{id}: {datetime:?} is not RFC 3339: {e}"));
        let expected = chrono::DateTime::parse_from_rfc3339(instant).unwrap();
        assert_eq!(parsed, expected, "{id}: {datetime}");
        assert!(!text(time).is_empty(), "{id}: the time has text for people");
    }
    // A date without a time is a valid HTML date string, the day alone
    // (tests/dates.rs has the rest).
    let plain = one(&page, "li#comment-plain time");
    assert_eq!(attr(plain, "datetime"), Some("2016-08-24"));
    // The offset as written is kept.
    let offset = one(&page, "li#comment-offset time");
    assert!(
        attr(offset, "datetime").is_some_and(|d| d.ends_with("-04:00")),
        "{:?}",
        attr(offset, "datetime")
    );
}

// -------------------------------------------------------------------- validation

/// The stderr lines that report an error about comment `id` in `file`.
fn errors_about<'a>(stderr: &'a str, file: &str, id: &str) -> Vec<&'a str> {
    let needle = format!("comment `{id}`");
    stderr
        .lines()
        .filter(|l| l.starts_with("error:") && l.contains(file) && l.contains(&needle))
        .collect()
}

/// Asserts one error line about comment `id` in `file` mentions every word in `words`.
fn assert_reported(stderr: &str, file: &str, id: &str, words: &[&str]) {
    let lines = errors_about(stderr, file, id);
    assert!(
        lines.iter().any(|l| {
            let lower = l.to_lowercase();
            words.iter().all(|w| lower.contains(&w.to_lowercase()))
        }),
        "no error about comment `{id}` in {file} mentioning {words:?}; stderr:\n{stderr}"
    );
}

/// Threads with one problem each: (slug, thread, id named, words the error uses).
fn broken_threads() -> Vec<(&'static str, String, &'static str, Vec<&'static str>)> {
    vec![
        (
            "unknown-parent",
            [
                comment("1", None, "2020-01-02T01:00:00Z", "x"),
                comment("2", Some("404"), "2020-01-02T02:00:00Z", "x"),
            ]
            .concat(),
            "2",
            vec!["parent", "404"],
        ),
        (
            "duplicate",
            [
                comment("1", None, "2020-01-02T01:00:00Z", "x"),
                comment("1", None, "2020-01-02T02:00:00Z", "x"),
            ]
            .concat(),
            "1",
            vec!["already used"],
        ),
        (
            "cycle",
            [
                comment("0", None, "2020-01-02T00:00:00Z", "x"),
                comment("a", Some("b"), "2020-01-02T01:00:00Z", "x"),
                comment("b", Some("a"), "2020-01-02T02:00:00Z", "x"),
            ]
            .concat(),
            "a",
            vec!["cycle", "a", "b"],
        ),
        (
            "no-author",
            "[[comment]]\nid = \"na\"\ndate = 2020-01-02T01:00:00Z\nbody = \"x\"\n".to_string(),
            "na",
            vec!["author"],
        ),
        (
            "no-date",
            "[[comment]]\nid = \"nd\"\nauthor = \"A\"\nbody = \"x\"\n".to_string(),
            "nd",
            vec!["date"],
        ),
        (
            "empty-body",
            "[[comment]]\nid = \"eb\"\nauthor = \"A\"\ndate = 2020-01-02T01:00:00Z\nbody = \"  \\n \"\n"
                .to_string(),
            "eb",
            vec!["body"],
        ),
    ]
}

#[test]
fn each_thread_problem_names_the_file_and_comment_and_all_come_in_one_run() {
    let site = Site::new();
    let broken = broken_threads();
    for (slug, toml, _, _) in &broken {
        site.article(slug, "2020-01-01", "", "x");
        site.comments(slug, toml);
    }
    let stderr = site.build_fails();
    for (slug, _, id, words) in &broken {
        let file = format!("content/articles/{slug}.comments.toml");
        assert_reported(&stderr, &file, id, words);
    }
    assert!(!site.output("index.html").exists(), "nothing is published");
}

#[test]
fn every_problem_of_one_thread_is_reported_in_one_run() {
    let toml = [
        comment("1", None, "2020-01-02T01:00:00Z", "x"),
        comment("2", Some("404"), "2020-01-02T02:00:00Z", "x"),
        comment("1", None, "2020-01-02T03:00:00Z", "x"),
        comment("a", Some("b"), "2020-01-02T04:00:00Z", "x"),
        comment("b", Some("a"), "2020-01-02T05:00:00Z", "x"),
        "[[comment]]\nid = \"na\"\ndate = 2020-01-02T01:00:00Z\nbody = \"x\"\n\n".to_string(),
        "[[comment]]\nid = \"nd\"\nauthor = \"A\"\nbody = \"x\"\n\n".to_string(),
        "[[comment]]\nid = \"eb\"\nauthor = \"A\"\ndate = 2020-01-02T01:00:00Z\nbody = \"\"\n\n"
            .to_string(),
    ]
    .concat();
    let site = site_with("", &toml);
    let stderr = site.build_fails();
    let file = "content/articles/talk.comments.toml";
    assert_reported(&stderr, file, "2", &["parent", "404"]);
    assert_reported(&stderr, file, "1", &["already used"]);
    assert_reported(&stderr, file, "na", &["author"]);
    assert_reported(&stderr, file, "nd", &["date"]);
    assert_reported(&stderr, file, "eb", &["body"]);
    assert_reported(&stderr, file, "a", &["cycle", "a", "b"]);
}

#[test]
fn errors_point_at_the_line_of_the_comment() {
    let toml = [
        comment("1", None, "2020-01-02T01:00:00Z", "x"),
        comment("2", Some("404"), "2020-01-02T02:00:00Z", "x"),
        comment("2", None, "2020-01-02T03:00:00Z", "x"),
    ]
    .concat();
    // The lines (from 1) of the three [[comment]] headers.
    let headers: Vec<usize> = toml
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "[[comment]]")
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(headers.len(), 3);
    let site = site_with("", &toml);
    let stderr = site.build_fails();
    let file = "content/articles/talk.comments.toml";
    let lines = errors_about(&stderr, file, "2");
    let unknown = format!("{file}:{}: comment `2`: `parent", headers[1]);
    assert!(
        lines.iter().any(|l| l.contains(&unknown)),
        "expected `{unknown}` in:\n{stderr}"
    );
    let duplicate = format!("{file}:{}: comment `2`", headers[2]);
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&duplicate) && l.contains(&format!("line {}", headers[1]))),
        "expected `{duplicate}` naming line {} in:\n{stderr}",
        headers[1]
    );
}

#[test]
fn a_self_reply_is_a_cycle() {
    let site = site_with("", &comment("me", Some("me"), "2020-01-02T01:00:00Z", "x"));
    let stderr = site.build_fails();
    assert_reported(
        &stderr,
        "content/articles/talk.comments.toml",
        "me",
        &["cycle"],
    );
}

#[test]
fn bundle_threads_are_read_and_named_in_errors() {
    let site = Site::new();
    site.file(
        "content/articles/bundled/index.md",
        "+++\ntitle = \"Bundled\"\ndate = 2020-01-01\nauthors = [\"ann\"]\n+++\nx\n",
    );
    site.file(
        "content/articles/bundled/comments.toml",
        &comment("1", None, "2020-01-02T01:00:00Z", "in a bundle"),
    );
    site.build();
    let page = site.page("articles/bundled/index.html");
    assert_eq!(
        text(one(&page, "li#comment-1 > article > div")),
        "in a bundle"
    );

    site.file(
        "content/articles/bundled/comments.toml",
        &comment("1", Some("nope"), "2020-01-02T01:00:00Z", "x"),
    );
    let stderr = site.build_fails();
    assert_reported(
        &stderr,
        "content/articles/bundled/comments.toml",
        "1",
        &["parent", "nope"],
    );
}

#[test]
fn a_reply_dated_before_its_parent_builds_with_a_warning_naming_it() {
    let toml = [
        comment("early-parent", None, "2020-01-02T10:00:00Z", "x"),
        comment(
            "time-traveller",
            Some("early-parent"),
            "2020-01-01T10:00:00Z",
            "x",
        ),
        comment("fine", Some("early-parent"), "2020-01-03T10:00:00Z", "x"),
    ]
    .concat();
    let site = site_with("", &toml);
    let run = site.build();
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.to_lowercase().starts_with("warning"))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|l| l.contains("talk.comments.toml") && l.contains("time-traveller")),
        "no warning naming the comment; stderr:\n{}",
        run.stderr
    );
    assert!(
        !warnings.iter().any(|l| l.contains("`fine`")),
        "a reply dated after its parent is fine: {warnings:?}"
    );
    // It is still shown, under its parent.
    let page = site.page(PAGE);
    assert!(thread(&page).contains(&shown("time-traveller", 2, Some("early-parent"))));
}

#[test]
fn a_thread_in_order_builds_without_warnings() {
    let toml = [
        comment("1", None, "2020-01-02T10:00:00Z", "x"),
        comment("2", Some("1"), "2020-01-02T10:00:00Z", "same instant"),
    ]
    .concat();
    let site = site_with("", &toml);
    let run = site.build();
    assert!(
        !run.stderr.lines().any(|l| l.starts_with("warning")),
        "{}",
        run.stderr
    );
}

// ------------------------------------------------------------------------- scale

/// A date `seconds` after 2020-01-01T00:00:00Z (less than a day).
fn nth_second(seconds: usize) -> String {
    assert!(seconds < 86_400);
    format!(
        "2020-01-01T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[test]
fn ten_thousand_top_level_comments_build() {
    let n = 10_000;
    let mut toml = String::with_capacity(n * 90);
    for i in 1..=n {
        toml.push_str(&comment(&format!("c{i}"), None, &nth_second(i), "Top."));
    }
    let site = site_with("", &toml);
    site.build();
    let page = site.page(PAGE);
    assert_eq!(texts(&page, "#comments-title"), [format!("{n} comments")]);
    let items = select(&page, "li.comment");
    assert_eq!(items.len(), n);
    let last = one(&page, &format!("li#comment-c{n}"));
    assert_eq!(
        last.value().id(),
        items.last().and_then(|li| li.value().id()),
        "the newest is last"
    );
    assert!(select(&page, "li.comment > ol").is_empty());
    one(&page, "footer.site-footer");
}

#[test]
fn a_chain_of_ten_thousand_replies_builds_and_is_capped_at_depth_five() {
    let n = 10_000;
    let mut toml = String::with_capacity(n * 100);
    toml.push_str(&comment("r1", None, &nth_second(1), "Root."));
    for i in 2..=n {
        toml.push_str(&comment(
            &format!("r{i}"),
            Some(&format!("r{}", i - 1)),
            &nth_second(i),
            "Reply.",
        ));
    }
    let site = site_with("", &toml);
    site.build();
    let page = site.page(PAGE);
    assert_eq!(select(&page, "li.comment").len(), n);
    let deepest = one(&page, &format!("li#comment-r{n}"));
    let lists = deepest
        .ancestors()
        .filter_map(ElementRef::wrap)
        .filter(is_replies_list)
        .count();
    assert_eq!(lists, 4, "the deepest reply renders at depth 5");
    assert_eq!(
        reply_link(&page, &format!("r{n}")),
        Some(format!("#comment-r{}", n - 1))
    );
    // Only four levels of replies lists exist at all.
    assert_eq!(select(&page, "li.comment > ol").len(), 4);
    let footer = one(&page, "footer.site-footer");
    let comments = one(&page, "#comments");
    assert!(!footer.ancestors().any(|a| a.id() == comments.id()));
}

#[test]
fn only_web_addresses_become_links() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.").comments(
        "talk",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-03T00:00:00Z\nbody = \"See ftp://files.example.org/x and https://example.org/y\"\n",
    );
    site.build();
    let page = site.page("articles/talk/index.html");
    let links: Vec<&str> = hrefs(&page, "#comment-1 > article > div a");
    assert_eq!(links, ["https://example.org/y"]);
    assert!(text(one(&page, "#comment-1 > article > div")).contains("ftp://files.example.org/x"));
}
