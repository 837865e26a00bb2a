//! The print stylesheet, read as a browser would pick rules out of it: the
//! selectors of the `@media print` block are matched against a built article
//! page, so a renamed class in a template or the stylesheet fails here.

mod common;
use common::*;

use scraper::{Html, Selector};

/// One rule: its selector list and its declarations (whitespace collapsed).
struct Rule {
    selectors: String,
    declarations: String,
}

/// The text inside the braces of the `@media print` block of `css`.
fn print_block(css: &str) -> &str {
    let start = css.find("@media print").expect("an @media print block");
    let open = start + css[start..].find('{').unwrap();
    let mut depth = 0;
    for (i, c) in css[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &css[open + 1..open + i];
                }
            }
            _ => {}
        }
    }
    panic!("the @media print block is not closed");
}

/// The plain rules of a block (comments dropped; at-rules such as `@page`
/// skipped).
fn rules(block: &str) -> Vec<Rule> {
    let mut text = String::new();
    let mut rest = block;
    while let Some(at) = rest.find("/*") {
        text.push_str(&rest[..at]);
        rest = &rest[at + rest[at..].find("*/").unwrap() + 2..];
    }
    text.push_str(rest);
    text.split('}')
        .filter_map(|chunk| chunk.split_once('{'))
        .map(|(selectors, declarations)| Rule {
            selectors: selectors.split_whitespace().collect::<Vec<_>>().join(" "),
            declarations: declarations
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        })
        .filter(|rule| !rule.selectors.starts_with('@') && !rule.selectors.is_empty())
        .collect()
}

/// The selectors of the rules that hide what they match.
fn hidden(rules: &[Rule]) -> Vec<Selector> {
    rules
        .iter()
        .filter(|r| r.declarations.contains("display: none"))
        .flat_map(|r| r.selectors.split(',').map(str::trim).map(sel))
        .collect()
}

fn is_hidden(element: scraper::ElementRef<'_>, hidden: &[Selector]) -> bool {
    element
        .ancestors()
        .filter_map(scraper::ElementRef::wrap)
        .chain(std::iter::once(element))
        .any(|e| hidden.iter().any(|s| s.matches(&e)))
}

fn article_with_thread() -> Site {
    let site = Site::new();
    site.article(
        "talk",
        "2020-01-01",
        "tags = [\"t\"]\n",
        "See [the source](https://example.org/source) and [the tags](/tags/).",
    )
    .comments(
        "talk",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-02\nbody = \"First.\"\n\n\
         [[comment]]\nid = \"2\"\nparent = \"1\"\nauthor = \"B\"\ndate = 2020-01-03\nbody = \"Reply.\"\n",
    );
    site.build();
    site
}

#[test]
fn printing_hides_the_site_chrome_and_keeps_the_article_and_its_thread() {
    let site = article_with_thread();
    let rules = rules(print_block(&site.read("style.css")));
    let hidden = hidden(&rules);
    let page: Html = site.page("articles/talk/index.html");

    for chrome in [
        "header nav",
        "body > footer",
        ".skip-link",
        "form[role=search]",
    ] {
        for element in select(&page, chrome) {
            assert!(is_hidden(element, &hidden), "`{chrome}` is printed");
        }
    }
    // The navigation and footer exist, so the loop above checked something.
    assert!(!select(&page, "header nav").is_empty());
    assert!(!select(&page, "body > footer").is_empty());

    for kept in [
        "article h1",
        ".article-body p",
        "#comment-1",
        "#comment-2 > article > div",
    ] {
        let element = one(&page, kept);
        assert!(!is_hidden(element, &hidden), "`{kept}` is not printed");
    }
}

#[test]
fn printing_shows_external_link_addresses_and_keeps_threads_narrow_and_whole() {
    let site = article_with_thread();
    let rules = rules(print_block(&site.read("style.css")));
    let page = site.page("articles/talk/index.html");

    let shows_address: Vec<Selector> = rules
        .iter()
        .filter(|r| r.declarations.contains("attr(href)"))
        .flat_map(|r| r.selectors.split(','))
        .map(|s| sel(s.trim().trim_end_matches("::after")))
        .collect();
    let matched = |a: scraper::ElementRef<'_>| shows_address.iter().any(|s| s.matches(&a));
    let external = one(
        &page,
        r#".article-body a[href="https://example.org/source"]"#,
    );
    assert!(
        matched(external),
        "the external link's address is not printed"
    );
    let internal = one(&page, r#".article-body a[href*="tags/"]"#);
    assert!(!matched(internal), "an internal link's address is printed");

    let declarations = |selector: &str| -> String {
        rules
            .iter()
            .filter(|r| r.selectors.split(',').any(|s| s.trim() == selector))
            .map(|r| r.declarations.clone())
            .collect()
    };
    assert!(
        declarations(".comment > article").contains("break-inside: avoid"),
        "comments may be split across pages"
    );
    let replies = declarations(".comment > ol");
    let indent = replies
        .split(';')
        .find_map(|d| d.trim().strip_prefix("margin-left:"))
        .expect("the print block sets the replies' indentation");
    let rem: f32 = indent.trim().trim_end_matches("rem").parse().unwrap();
    assert!(rem <= 1.0, "replies indented {indent} on paper");
    // Black on white whatever the reader's colour scheme.
    let root = declarations(":root");
    assert!(
        root.contains("--text: #000") && root.contains("--bg: #fff"),
        "{root}"
    );
}
