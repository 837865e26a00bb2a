//! Dates without a time (TOML local dates): shown as a date only, sorted and
//! fed as midnight UTC. FORMAT.md: "a date without a time means the time is
//! unknown and is shown as a date only".

mod common;
use common::*;

const THREAD: &str = r#"
[[comment]]
id = "timed-late"
author = "Late"
date = 2016-08-22T14:02:00Z
body = "Afternoon."

[[comment]]
id = "day-only"
author = "Undated"
date = 2016-08-22
body = "Some time that day."

[[comment]]
id = "timed-early"
author = "Early"
date = 2016-08-21T23:30:00Z
body = "The night before."
"#;

/// The `<time>` of the comment with `id`: (datetime attribute, text).
fn comment_time(page: &scraper::Html, id: &str) -> (String, String) {
    let time = one(page, &format!("#comment-{id} time"));
    (attr(time, "datetime").unwrap().to_string(), text(time))
}

#[test]
fn a_date_only_comment_and_article_show_no_time() {
    let site = Site::new();
    site.article("talk", "2016-08-22", "", "Body.")
        .comments("talk", THREAD);
    site.build();
    let page = site.page("articles/talk/index.html");

    assert_eq!(
        comment_time(&page, "day-only"),
        ("2016-08-22".into(), "August 22, 2016".into())
    );
    assert_eq!(
        comment_time(&page, "timed-late"),
        (
            "2016-08-22T14:02:00+00:00".into(),
            "August 22, 2016 at 14:02".into()
        )
    );
    let byline = one(&page, "article .byline time");
    assert_eq!(attr(byline, "datetime"), Some("2016-08-22"));
    assert_eq!(text(byline), "August 22, 2016");
    let published = one(&page, r#"meta[property="article:published_time"]"#);
    assert_eq!(attr(published, "content"), Some("2016-08-22"));

    // Listings too.
    let index = site.page("index.html");
    let listed = one(&index, "main time");
    assert_eq!(attr(listed, "datetime"), Some("2016-08-22"));
}

#[test]
fn a_date_only_comment_sorts_at_the_start_of_its_day() {
    let site = Site::new();
    site.article("talk", "2016-08-20", "", "Body.")
        .comments("talk", THREAD);
    site.build();
    let page = site.page("articles/talk/index.html");
    let order: Vec<String> = comment_tree(&page).into_iter().map(|(id, _)| id).collect();
    assert_eq!(order, ["timed-early", "day-only", "timed-late"]);
}

#[test]
fn feeds_give_a_date_only_comment_midnight_utc() {
    let site = Site::new();
    site.article("talk", "2016-08-20", "", "Body.")
        .comments("talk", THREAD);
    site.build();
    let xml = site.read("articles/talk/comments.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    let entry = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("#comment-day-only"))
        .expect("the date-only comment's entry");
    assert_eq!(
        entry.updated.unwrap().to_rfc3339(),
        "2016-08-22T00:00:00+00:00"
    );
    // The site feed's entry for a date-only article is a full timestamp too.
    let site_feed = site.read("atom.xml");
    assert!(
        site_feed.contains("<published>2016-08-20T00:00:00+00:00</published>"),
        "{site_feed}"
    );
}

#[test]
fn the_example_comments_have_dates_only() {
    let out = built_example();
    let article = std::fs::read_dir(out.path().join("articles"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("index.html");
    let page = parse_file(&article);
    let times = select(&page, ".comment time");
    assert_eq!(times.len(), 4);
    for time in times {
        let datetime = attr(time, "datetime").unwrap();
        assert_eq!(datetime.len(), "2016-08-22".len(), "{datetime}");
        assert!(!text(time).contains(" at "), "{}", text(time));
    }
}

#[test]
fn same_day_comments_without_times_come_larger_id_first_in_the_feed() {
    let site = Site::new();
    site.article("talk", "2016-08-20", "", "Body.").comments(
        "talk",
        "[[comment]]\nid = \"9\"\nauthor = \"A\"\ndate = 2016-08-22\nbody = \"x\"\n\n\
         [[comment]]\nid = \"10\"\nauthor = \"B\"\ndate = 2016-08-22\nbody = \"y\"\n\n\
         [[comment]]\nid = \"11\"\nauthor = \"C\"\ndate = 2016-08-21\nbody = \"z\"\n",
    );
    site.build();
    let xml = site.read("articles/talk/comments.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    let ids: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.id.rsplit('#').next().unwrap())
        .collect();
    assert_eq!(ids, ["comment-10", "comment-9", "comment-11"]);
}
