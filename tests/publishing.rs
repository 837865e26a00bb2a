//! What a site publishes for readers and machines: the Atom feed, sitemap.xml,
//! robots.txt, 404.html, summaries and page metadata.

mod common;
use common::*;

use chrono::{DateTime, FixedOffset};
use quick_xml::Reader;
use quick_xml::events::Event;
use scraper::Html;

/// site.toml with extra lines appended.
fn site_toml(extra: &str) -> String {
    format!("{SITE_TOML}{extra}")
}

/// Writes an article with any front matter (no fixture defaults).
fn raw_article(site: &Site, file: &str, front: &str, body: &str) {
    site.file(
        &format!("content/articles/{file}"),
        &format!("+++\n{front}+++\n{body}\n"),
    );
}

fn rfc3339(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("`{text}`: {e}"))
}

/// The `content` attribute of the one element matching `css`.
fn content_of(html: &Html, css: &str) -> String {
    attr(one(html, css), "content")
        .unwrap_or_else(|| panic!("`{css}` has no content"))
        .to_string()
}

// --------------------------------------------------------------------- feeds

/// Parses an Atom feed file.
fn feed(site: &Site, relative: &str) -> feed_rs::model::Feed {
    let xml = site.read(relative);
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{relative}: {e}"));
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom, "{relative}");
    feed
}

/// The HTML content of a feed entry.
fn entry_content(entry: &feed_rs::model::Entry) -> &str {
    entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .unwrap_or_else(|| panic!("entry {} has no content", entry.id))
}

#[test]
fn the_site_feed_holds_the_newest_articles_up_to_the_limit() {
    let site = Site::new();
    site.file("site.toml", &site_toml("[feeds]\nlimit = 2\n"));
    site.file(
        "content/authors/bob.md",
        "+++\nname = \"Bob Writer\"\n+++\nBob.\n",
    );
    site.article("oldest", "2016-01-01", "", "Old.");
    site.article("middle", "2016-02-01T10:00:00Z", "", "Middle.");
    raw_article(
        &site,
        "newest.md",
        "title = \"Newest\"\ndate = 2016-03-01T08:00:00Z\nauthors = [\"ann\", \"bob\"]\n",
        "New.",
    );
    site.build();

    let feed = feed(&site, "atom.xml");
    let titles: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.title.as_ref().expect("entry title").content.clone())
        .collect();
    assert_eq!(titles, ["Newest", "Title of middle"]);

    let links: Vec<&str> = feed
        .entries
        .iter()
        .map(|e| e.links[0].href.as_str())
        .collect();
    assert_eq!(
        links,
        [
            "https://example.org/articles/newest/",
            "https://example.org/articles/middle/"
        ]
    );

    let names = |i: usize| -> Vec<&str> {
        feed.entries[i]
            .authors
            .iter()
            .map(|p| p.name.as_deref().unwrap_or_default())
            .collect()
    };
    assert_eq!(names(0), ["Ann Author", "Bob Writer"]);
    assert_eq!(names(1), ["Ann Author"]);

    let published: Vec<String> = feed
        .entries
        .iter()
        .map(|e| e.published.expect("published date").to_rfc3339())
        .collect();
    assert_eq!(
        published,
        ["2016-03-01T08:00:00+00:00", "2016-02-01T10:00:00+00:00"]
    );
}

#[test]
fn every_page_links_the_site_feed() {
    let site = Site::new();
    site.article("a", "2016-01-01", "", "A.");
    site.build();
    for file in ["index.html", "articles/a/index.html", "tags/index.html"] {
        let page = site.page(file);
        let feeds = links_on(
            &page,
            file,
            r#"link[rel="alternate"][type="application/atom+xml"]"#,
        );
        assert!(
            feeds.contains(&"/atom.xml".to_string()),
            "{file}: {feeds:?}"
        );
    }
}

const MARKED_BODY: &str = "Intro paragraph.\n\n<!-- more -->\n\nSecret rest of the article.";

#[test]
fn feed_entries_carry_the_full_article_by_default() {
    let site = Site::new();
    site.article("a", "2016-01-01", "", MARKED_BODY);
    site.build();
    let feed = feed(&site, "atom.xml");
    let content = entry_content(&feed.entries[0]);
    assert!(content.contains("Intro paragraph."), "{content}");
    assert!(content.contains("Secret rest of the article."), "{content}");
}

#[test]
fn feed_entries_carry_only_the_summary_when_configured() {
    let site = Site::new();
    site.file("site.toml", &site_toml("[feeds]\ncontent = \"summary\"\n"));
    site.article("a", "2016-01-01", "", MARKED_BODY);
    site.build();
    let feed = feed(&site, "atom.xml");
    let entry = &feed.entries[0];
    assert!(
        entry.content.is_none(),
        "the summary is not repeated as content"
    );
    let summary = &entry.summary.as_ref().expect("a summary").content;
    assert!(summary.contains("Intro paragraph."), "{summary}");
    assert!(!summary.contains("Secret"), "{summary}");
}

// ------------------------------------------------------------------- sitemap

/// One `<url>` of a sitemap.
#[derive(Debug)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// Parses sitemap.xml, checking it is well-formed and a sitemaps.org urlset.
fn sitemap(site: &Site) -> Vec<SitemapUrl> {
    let xml = site.read("sitemap.xml");
    let mut reader = Reader::from_str(&xml);
    let mut urls = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut root_seen = false;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("sitemap.xml is not well-formed: {e}\n{xml}"));
        match event {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if path.is_empty() {
                    assert_eq!(name, "urlset", "root element");
                    let ns = e
                        .try_get_attribute("xmlns")
                        .unwrap()
                        .expect("urlset has xmlns");
                    assert_eq!(
                        String::from_utf8_lossy(&ns.value),
                        "http://www.sitemaps.org/schemas/sitemap/0.9"
                    );
                    root_seen = true;
                }
                if name == "url" {
                    urls.push(SitemapUrl {
                        loc: String::new(),
                        lastmod: None,
                    });
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => {
                    let name = r.decode().unwrap();
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                        .unwrap_or_else(|| panic!("unknown entity &{name};"));
                    text.push_str(resolved);
                }
            },
            Event::End(_) => {
                let name = path.pop().expect("balanced");
                let parent = path.last().map(String::as_str);
                let url = urls.last_mut();
                match (parent, name.as_str(), url) {
                    (Some("url"), "loc", Some(url)) => url.loc = text.trim().to_string(),
                    (Some("url"), "lastmod", Some(url)) => {
                        url.lastmod = Some(text.trim().to_string())
                    }
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(root_seen, "no <urlset> in\n{xml}");
    assert!(path.is_empty(), "unclosed elements {path:?}");
    urls
}

/// A site with every kind of canonical page, and pages that are not canonical:
/// a second index page, an alias, `page/1/` redirects.
fn full_site() -> Site {
    let site = Site::new();
    site.file("site.toml", &site_toml("[pagination]\nper_page = 1\n"));
    site.file(
        "content/authors/bob.md",
        "+++\nname = \"Bob Writer\"\n+++\nBob.\n",
    );
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n+++\nAbout us.\n",
    );
    site.article(
        "updated",
        "2016-08-22",
        "updated = 2016-08-23T10:00:00Z\ntags = [\"Iran\"]\naliases = [\"/old/updated/\"]\n",
        "U.",
    );
    raw_article(
        &site,
        "plain.md",
        "title = \"Plain\"\ndate = 2016-08-01T09:30:00Z\nauthors = [\"bob\"]\ntags = [\"Russia\"]\n",
        "P.",
    );
    site.build();
    site
}

#[test]
fn the_sitemap_lists_exactly_the_canonical_pages() {
    let site = full_site();
    // Non-canonical pages the build did write, which must stay out.
    for file in [
        "page/2/index.html",
        "page/1/index.html",
        "old/updated/index.html",
    ] {
        assert!(site.output(file).is_file(), "{file}");
    }

    let mut locs: Vec<String> = sitemap(&site).into_iter().map(|u| u.loc).collect();
    locs.sort();
    let mut expected: Vec<String> = [
        "/",
        "/archive/",
        "/authors/",
        "/tags/",
        "/articles/updated/",
        "/articles/plain/",
        "/authors/ann/",
        "/authors/bob/",
        "/tags/iran/",
        "/tags/russia/",
        "/about/",
    ]
    .iter()
    .map(|path| format!("https://example.org{path}"))
    .collect();
    expected.sort();
    assert_eq!(locs, expected);
}

#[test]
fn an_articles_lastmod_is_its_update_else_its_date() {
    let site = full_site();
    let urls = sitemap(&site);
    let lastmod = |loc: &str| {
        let url = urls
            .iter()
            .find(|u| u.loc == loc)
            .unwrap_or_else(|| panic!("{loc} not in sitemap"));
        rfc3339(url.lastmod.as_deref().expect("article has lastmod"))
    };
    assert_eq!(
        lastmod("https://example.org/articles/updated/"),
        rfc3339("2016-08-23T10:00:00Z")
    );
    assert_eq!(
        lastmod("https://example.org/articles/plain/"),
        rfc3339("2016-08-01T09:30:00Z")
    );
}

#[test]
fn robots_txt_names_the_sitemap() {
    let site = Site::new();
    site.build();
    let robots = site.read("robots.txt");
    let sitemaps: Vec<&str> = robots
        .lines()
        .filter_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("sitemap")
                .then_some(value.trim())
        })
        .collect();
    assert_eq!(sitemaps, ["https://example.org/sitemap.xml"], "{robots}");
    assert!(site.output("sitemap.xml").is_file());
}

#[test]
fn the_404_page_is_html_with_a_heading_and_a_way_home() {
    let site = Site::new();
    site.build();
    let raw = site.read("404.html");
    assert!(
        raw.trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html>"),
        "{raw}"
    );
    let page = site.page("404.html");
    assert!(!text(one(&page, "h1")).is_empty());
    let links: Vec<&str> = hrefs(&page, "main a");
    assert!(links.contains(&"/"), "{links:?}");
}

// ------------------------------------------------ summaries and page metadata

/// The text of the `.summary` of the article titled `title` on the home page.
fn listed_summary(site: &Site, title: &str) -> String {
    let index = site.page("index.html");
    let item = select(&index, ".article-item")
        .into_iter()
        .find(|item| {
            let html = Html::parse_fragment(&item.html());
            text(one(&html, "h2 a")) == title
        })
        .unwrap_or_else(|| panic!("{title} not listed"));
    let html = Html::parse_fragment(&item.html());
    text(one(&html, ".summary"))
}

/// The `<meta name="description">` of an article page.
fn description(site: &Site, slug: &str) -> String {
    content_of(
        &site.page(&format!("articles/{slug}/index.html")),
        r#"meta[name="description"]"#,
    )
}

#[test]
fn an_explicit_summary_wins_over_the_more_marker() {
    let site = Site::new();
    site.article(
        "s",
        "2016-01-01",
        "summary = \"Explicit *summary*.\"\n",
        "Lead.\n\n<!-- more -->\n\nRest.",
    );
    site.build();
    assert_eq!(listed_summary(&site, "Title of s"), "Explicit summary.");
    assert_eq!(description(&site, "s"), "Explicit summary.");
}

#[test]
fn without_a_summary_the_text_before_the_more_marker_is_the_summary() {
    let site = Site::new();
    site.article(
        "m",
        "2016-01-01",
        "",
        "Lead one.\n\nLead *two*.\n\n<!-- more -->\n\nRest.",
    );
    site.build();
    assert_eq!(listed_summary(&site, "Title of m"), "Lead one. Lead two.");
    assert_eq!(description(&site, "m"), "Lead one. Lead two.");
}

#[test]
fn without_a_summary_or_marker_the_first_paragraph_is_the_summary() {
    let site = Site::new();
    site.article("p", "2016-01-01", "", "First *para*.\n\nSecond para.");
    site.build();
    assert_eq!(listed_summary(&site, "Title of p"), "First para.");
    assert_eq!(description(&site, "p"), "First para.");
}

#[test]
fn the_description_is_the_listed_summary_when_the_body_opens_with_a_heading() {
    let site = Site::new();
    site.article(
        "h",
        "2016-01-01",
        "",
        "## Background\n\nFirst para.\n\nSecond para.",
    );
    site.build();
    assert_eq!(listed_summary(&site, "Title of h"), "First para.");
    assert_eq!(description(&site, "h"), "First para.");
}

#[test]
fn an_article_page_has_canonical_and_social_metadata() {
    let site = Site::new();
    site.article(
        "meta",
        "2016-08-02T09:30:00Z",
        "summary = \"A *short* take on `JCPOA`.\"\n",
        "The body.",
    );
    site.build();
    let page = site.page("articles/meta/index.html");
    let summary = "A short take on JCPOA.";
    assert_eq!(content_of(&page, r#"meta[name="description"]"#), summary);
    assert_eq!(
        attr(one(&page, r#"link[rel="canonical"]"#), "href"),
        Some("https://example.org/articles/meta/")
    );
    assert_eq!(
        content_of(&page, r#"meta[property="og:title"]"#),
        "Title of meta"
    );
    assert_eq!(
        content_of(&page, r#"meta[property="og:description"]"#),
        summary
    );
    assert_eq!(content_of(&page, r#"meta[property="og:type"]"#), "article");
    assert_eq!(
        rfc3339(&content_of(
            &page,
            r#"meta[property="article:published_time"]"#
        )),
        rfc3339("2016-08-02T09:30:00Z")
    );
    let card = content_of(&page, r#"meta[name="twitter:card"]"#);
    assert!(
        ["summary", "summary_large_image"].contains(&card.as_str()),
        "{card}"
    );

    // A listing is not an article.
    let index = site.page("index.html");
    assert_eq!(content_of(&index, r#"meta[property="og:type"]"#), "website");
}

// ----------------------------------------------------------------- base path

const SUB_FOLDER: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org/archive/\"\n";

#[test]
fn a_site_in_a_sub_folder_publishes_prefixed_urls() {
    let site = Site::new();
    site.file("site.toml", SUB_FOLDER);
    site.article("x", "2016-08-22", "aliases = [\"/old-x/\"]\n", "X.");
    site.build();

    let feed = feed(&site, "atom.xml");
    assert_eq!(
        feed.entries[0].links[0].href,
        "https://example.org/archive/articles/x/"
    );

    let locs: Vec<String> = sitemap(&site).into_iter().map(|u| u.loc).collect();
    assert!(
        locs.contains(&"https://example.org/archive/articles/x/".to_string()),
        "{locs:?}"
    );
    assert!(
        locs.contains(&"https://example.org/archive/".to_string()),
        "{locs:?}"
    );
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://example.org/archive/")),
        "{locs:?}"
    );

    let redirects = site.read("_redirects");
    assert_eq!(
        redirects.lines().collect::<Vec<_>>(),
        ["/archive/old-x/ /archive/articles/x/ 301"]
    );

    let not_found = site.page("404.html");
    let links: Vec<&str> = hrefs(&not_found, "main a");
    assert!(links.contains(&"/archive/"), "{links:?}");
}
