//! The markup that screen readers and keyboards rely on, checked without a
//! browser: the skip link, `aria-current` on the navigation, headings that
//! nest, a name for every comment, and a redirect page that is a page. The
//! same pages pass axe-core in a real browser in `browser.rs`.

mod common;
use common::*;

use scraper::{ElementRef, Html};

/// A site with a standalone page, one article by `ann` with a reply, and an alias.
fn site() -> Site {
    let site = Site::new();
    site.file(
        "site.toml",
        &format!("{SITE_TOML}[build]\npermalink = \"/articles/{{slug}}/\"\n"),
    );
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n+++\nAbout us.\n",
    );
    site.article(
        "first",
        "2020-01-01",
        "tags = [\"Iran\"]\naliases = [\"/old-first/\"]\n",
        "Body.",
    );
    site.comments(
        "first",
        "[[comment]]\nid = \"1\"\nauthor = \"Reader One\"\ndate = 2020-01-02\nbody = \"Hi.\"\n\n\
         [[comment]]\nid = \"2\"\nparent = \"1\"\nauthor = \"Reader Two\"\ndate = 2020-01-03\nbody = \"Yes.\"\n",
    );
    site.build();
    site
}

/// The first element that takes keyboard focus by default.
fn first_focusable(html: &Html) -> ElementRef<'_> {
    select(
        html,
        "body a[href], body button, body input, body select, body textarea, body [tabindex]",
    )
    .into_iter()
    .next()
    .expect("a focusable element")
}

#[test]
fn the_first_focusable_element_of_every_page_skips_to_main() {
    let site = site();
    for page in [
        "index.html",
        "articles/first/index.html",
        "authors/ann/index.html",
        "authors/index.html",
        "tags/index.html",
        "tags/iran/index.html",
        "archive/index.html",
        "about/index.html",
        "404.html",
    ] {
        let html = site.page(page);
        let skip = first_focusable(&html);
        assert_eq!(
            attr(skip, "href"),
            Some("#main"),
            "{page}: the first focusable element is {}",
            skip.html()
        );
        assert_eq!(
            select(&html, "main#main").len(),
            1,
            "{page}: the skip link's target"
        );
    }
}

#[test]
fn the_navigation_marks_the_section_of_the_page_and_nothing_else() {
    let site = site();
    let current = |page: &str| texts(&site.page(page), r#".site-nav a[aria-current="page"]"#);
    assert_eq!(current("index.html"), ["Articles"]);
    assert_eq!(current("authors/index.html"), ["Authors"]);
    assert_eq!(current("authors/ann/index.html"), ["Authors"]);
    assert_eq!(current("tags/index.html"), ["Tags"]);
    assert_eq!(current("tags/iran/index.html"), ["Tags"]);
    assert_eq!(current("archive/index.html"), ["Archive"]);
    assert_eq!(current("about/index.html"), ["About"]);
    assert!(current("articles/first/index.html").is_empty());
    assert!(current("404.html").is_empty());
}

/// The levels of the headings of `html`'s `<main>`, in order.
fn heading_levels(html: &Html) -> Vec<u8> {
    select(html, "main :is(h1, h2, h3, h4, h5, h6)")
        .into_iter()
        .map(|h| h.value().name()[1..].parse().unwrap())
        .collect()
}

#[test]
fn headings_nest_without_skipping_a_level() {
    let site = site();
    for page in [
        "index.html",
        "articles/first/index.html",
        "authors/ann/index.html",
        "authors/index.html",
        "tags/iran/index.html",
        "archive/index.html",
    ] {
        let levels = heading_levels(&site.page(page));
        assert_eq!(levels.first(), Some(&1), "{page}: {levels:?}");
        for pair in levels.windows(2) {
            assert!(
                pair[1] <= pair[0] + 1,
                "{page}: h{} follows h{} ({levels:?})",
                pair[1],
                pair[0]
            );
        }
    }
    let author = site.page("authors/ann/index.html");
    assert_eq!(
        texts(&author, ".article-list h3"),
        ["Title of first"],
        "the author's articles sit under \"Articles by\""
    );
}

#[test]
fn every_comment_is_named_by_its_author_and_date() {
    let site = site();
    let html = site.page("articles/first/index.html");
    let comments = select(&html, "li.comment > article");
    assert_eq!(comments.len(), 2);
    let mut names = Vec::new();
    for comment in comments {
        // One id, naming the comment by its own header.
        let id = attr(comment, "aria-labelledby").expect("aria-labelledby");
        let label = one(&html, &format!("[id=\"{id}\"]"));
        let header = one_in(comment, ":scope > header");
        assert_eq!(label.id(), header.id(), "comment named by another element");
        let author = text(one_in(comment, ":scope > header > b"));
        let name = text(label);
        assert!(name.starts_with(&format!("{author} January ")), "{name:?}");
        names.push(name);
    }
    assert!(!names[0].contains("in reply to"), "{names:?}");
    assert!(names[1].ends_with("in reply to Reader One"), "{names:?}");
}

/// The one element inside `scope` that `css` selects.
fn one_in<'a>(scope: ElementRef<'a>, css: &str) -> ElementRef<'a> {
    let found: Vec<_> = scope.select(&sel(css)).collect();
    assert_eq!(found.len(), 1, "{css}: {} elements", found.len());
    found[0]
}

#[test]
fn a_redirect_page_has_a_viewport_a_main_landmark_and_a_heading() {
    let site = site();
    let html = site.page("old-first/index.html");
    one(&html, r#"meta[name="viewport"]"#);
    one(&html, r#"meta[http-equiv="refresh"]"#);
    assert_eq!(
        attr(one(&html, r#"link[rel="canonical"]"#), "href"),
        Some("https://example.org/articles/first/")
    );
    let main = one(&html, "main");
    assert_eq!(main.select(&sel("h1")).count(), 1);
    assert_eq!(
        links_on(&html, "old-first/index.html", "main a"),
        ["/articles/first/"],
        "one visible link, to the new address"
    );
}
