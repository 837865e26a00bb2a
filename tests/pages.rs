//! Whole pages of the example site, as snapshots: a change to any byte a
//! reader gets (markup, metadata, the thread's nesting, the feed) shows up
//! here as a reviewable diff. Built in-process through the library.
//!
//! After an intended change: `INSTA_UPDATE=always cargo test --test pages`,
//! then review `git diff tests/snapshots/` before committing.

mod common;
use common::*;

/// The example article's folder under the output.
const ARTICLE: &str = "articles/disappointment-with-jcpoa-behind-irans-closer-ties-with-russia";

fn example() -> InProcess {
    build_in_process(&example_root()).unwrap_or_else(|e| panic!("the example builds: {e}"))
}

#[test]
fn the_article_page_with_its_thread() {
    insta::assert_snapshot!(example().read(&format!("{ARTICLE}/index.html")));
}

#[test]
fn a_tag_feed() {
    insta::assert_snapshot!(example().read("tags/jcpoa/atom.xml"));
}

#[test]
fn the_author_page() {
    insta::assert_snapshot!(example().read("authors/shireen-hunter/index.html"));
}

#[test]
fn the_home_page() {
    insta::assert_snapshot!(example().read("index.html"));
}

#[test]
fn a_broken_site_returns_typed_errors_not_text() {
    let site = Site::new();
    site.file(
        "content/articles/a.md",
        "+++\ntitle = \"A\"\ndate = 2020-01-01\nauthors = [\"nobody\"]\n+++\nBody.\n",
    );
    let errors = match build_in_process(site.root()) {
        Ok(_) => panic!("an article naming a missing author must not build"),
        Err(errors) => errors.0,
    };
    assert!(
        matches!(
            errors.as_slice(),
            [scholia::Error::MissingAuthor { author, .. }] if author == "nobody"
        ),
        "{errors:?}"
    );
}
