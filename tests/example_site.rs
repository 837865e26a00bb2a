//! The repository's own example site: one LobeLog op-ed, its author and its four
//! reader comments, checked against the published original
//! (`../shared/seed/lobelog-jcpoa-russia.txt`) and against the repo's own content.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use scraper::Html;
use tempfile::TempDir;

const SLUG: &str = "disappointment-with-jcpoa-behind-irans-closer-ties-with-russia";
const ARTICLE: &str =
    "articles/disappointment-with-jcpoa-behind-irans-closer-ties-with-russia/index.html";
const TITLE: &str = "Disappointment with JCPOA Behind Iran’s Closer Ties with Russia";
const AUTHOR_NAME: &str = "Shireen Hunter";

/// The example site built into a fresh temp dir (never into the repo's public/).
struct Built {
    dir: TempDir,
}

impl Built {
    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn page(&self, relative: &str) -> Html {
        parse_file(&self.out().join(relative))
    }
}

fn build_example() -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let root = example_root();
    let run = scholia(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.code, Some(0), "example build failed:\n{}", run.stderr);
    Built { dir }
}

/// Text with runs of whitespace collapsed, as [`text`] gives it for elements.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown paragraphs of a text: blocks between blank lines, collapsed, leaving
/// out raw HTML blocks (which render as themselves, not as `<p>`).
fn markdown_paragraphs(markdown: &str) -> Vec<String> {
    markdown
        .split("\n\n")
        .map(str::trim)
        .filter(|block| !block.is_empty() && !block.starts_with('<'))
        .map(collapse)
        .collect()
}

/// The body of a content file: what follows its closing `+++`.
fn body_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut parts = text.splitn(3, "+++\n");
    parts.next();
    parts.next();
    parts.next().expect("front matter closed").to_string()
}

/// The article as published, from the shared seed file.
struct Seed {
    title: String,
    body: Vec<String>,
    bio: String,
    comments: Vec<Vec<String>>,
}

/// Reads the seed. Its absence fails the test rather than skipping it: a
/// test that passes silently without its reference proves nothing.
fn seed() -> Seed {
    let path = example_root().join("../shared/seed/lobelog-jcpoa-russia.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; these tests compare the example with the published article, so `shared/` must sit beside the repository (CI lays it there)",
            path.display()
        )
    });
    // Blocks between blank lines; a comment starts "  N. " and its later
    // paragraphs are indented.
    let blocks: Vec<&str> = text
        .split("\n\n")
        .map(|b| b.trim_matches('\n').trim_end())
        .filter(|b| !b.trim().is_empty())
        .collect();
    let byline = blocks
        .iter()
        .position(|b| *b == format!("by {AUTHOR_NAME}"))
        .expect("seed has a byline");
    let bio_heading = blocks
        .iter()
        .position(|b| *b == AUTHOR_NAME)
        .expect("seed has the author box");
    let mut comments: Vec<Vec<String>> = Vec::new();
    for block in &blocks[bio_heading + 2..] {
        let trimmed = block.trim_start();
        if *block == "Comments are closed." {
            break;
        }
        match trimmed.split_once(". ") {
            Some((n, rest)) if block.starts_with("  ") && n.parse::<usize>().is_ok() => {
                assert_eq!(
                    n,
                    (comments.len() + 1).to_string(),
                    "seed comment numbering"
                );
                comments.push(vec![collapse(rest)]);
            }
            _ => comments
                .last_mut()
                .expect("a continuation follows a comment")
                .push(collapse(trimmed)),
        }
    }
    Seed {
        title: blocks[0].to_string(),
        body: blocks[byline + 1..bio_heading]
            .iter()
            .map(|b| collapse(b))
            .collect(),
        bio: collapse(blocks[bio_heading + 1]),
        comments,
    }
}

/// The repo's own comment thread: each comment's id and body paragraphs.
fn repo_comments() -> Vec<(String, Vec<String>)> {
    let path = example_root().join(format!("content/articles/{SLUG}/comments.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let thread: toml::Table = toml::from_str(&text).unwrap();
    thread["comment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                markdown_paragraphs(c["body"].as_str().unwrap()),
            )
        })
        .collect()
}

fn body_paragraphs(page: &Html) -> Vec<String> {
    texts(page, ".article-body p")
}

fn comment_paragraphs(page: &Html) -> Vec<Vec<String>> {
    select(page, "li.comment")
        .into_iter()
        .map(|li| {
            li.select(&sel(":scope > article > div p"))
                .map(text)
                .collect()
        })
        .collect()
}

#[test]
fn example_site_builds_every_expected_page() {
    let built = build_example();
    for file in [
        "index.html",
        ARTICLE,
        "authors/shireen-hunter/index.html",
        "tags/index.html",
        "tags/russia/index.html",
        "about/index.html",
    ] {
        assert!(built.out().join(file).is_file(), "{file} was not written");
    }
}

#[test]
fn article_title_is_the_published_title() {
    let page = build_example().page(ARTICLE);
    assert_eq!(text(one(&page, "h1")), TITLE);
    assert_eq!(text(one(&page, "h1")), seed().title);
}

#[test]
fn byline_links_to_the_author_page() {
    let page = build_example().page(ARTICLE);
    let link = one(&page, ".byline a[rel=author]");
    assert_eq!(text(link), AUTHOR_NAME);
    assert_eq!(
        attr(link, "href"),
        Some("../../authors/shireen-hunter/index.html")
    );
}

#[test]
fn author_box_holds_the_bio() {
    let page = build_example().page(ARTICLE);
    let bio = texts(&page, ".author-box .bio");
    let repo_bio = markdown_paragraphs(&body_of(
        &example_root().join("content/authors/shireen-hunter.md"),
    ))
    .join(" ");
    assert_eq!(bio, vec![repo_bio]);
    assert_eq!(bio, vec![seed().bio]);
}

#[test]
fn tags_link_to_their_tag_pages() {
    let page = build_example().page(ARTICLE);
    let links: Vec<(String, String)> = select(&page, ".article-footer .tags a[rel=tag]")
        .into_iter()
        .map(|a| (text(a), attr(a, "href").unwrap_or("").to_string()))
        .collect();
    let expected: Vec<(String, String)> = ["Iran", "Russia", "JCPOA", "Syria"]
        .iter()
        .map(|t| {
            let link = format!("../../tags/{}/index.html", t.to_lowercase());
            (t.to_string(), link)
        })
        .collect();
    assert_eq!(links, expected);
}

#[test]
fn body_paragraphs_are_the_repo_articles_paragraphs() {
    let page = build_example().page(ARTICLE);
    let markdown = body_of(&example_root().join(format!("content/articles/{SLUG}/index.md")));
    let expected = markdown_paragraphs(&markdown);
    assert_eq!(expected.len(), 10, "the example article has ten paragraphs");
    assert_eq!(body_paragraphs(&page), expected);
}

#[test]
fn body_paragraphs_are_the_published_paragraphs() {
    let seed = seed();
    let page = build_example().page(ARTICLE);
    assert_eq!(seed.body.len(), 10, "seed parsed into ten paragraphs");
    assert_eq!(body_paragraphs(&page), seed.body);
}

#[test]
fn comments_appear_in_order_with_their_anchors() {
    let page = build_example().page(ARTICLE);
    let ids: Vec<&str> = select(&page, "ol.comment-list li.comment")
        .into_iter()
        .map(|li| attr(li, "id").unwrap_or(""))
        .collect();
    assert_eq!(ids, ["comment-1", "comment-2", "comment-3", "comment-4"]);
}

#[test]
fn comment_bodies_are_the_repo_threads_paragraphs() {
    let page = build_example().page(ARTICLE);
    let expected: Vec<Vec<String>> = repo_comments().into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        expected.iter().map(Vec::len).collect::<Vec<_>>(),
        [1, 1, 3, 2]
    );
    assert_eq!(comment_paragraphs(&page), expected);
}

#[test]
fn comment_bodies_are_the_published_comments() {
    let seed = seed();
    let page = build_example().page(ARTICLE);
    assert_eq!(
        seed.comments.iter().map(Vec::len).collect::<Vec<_>>(),
        [1, 1, 3, 2],
        "seed parsed into four comments"
    );
    assert_eq!(comment_paragraphs(&page), seed.comments);
}

#[test]
fn thread_is_shown_closed_with_its_count() {
    let page = build_example().page(ARTICLE);
    assert_eq!(text(one(&page, "#comments-title")), "4 comments");
    assert_eq!(
        text(one(&page, "#comments .comments-closed")),
        "Comments are closed."
    );
}

#[test]
fn build_is_deterministic() {
    let first = build_example();
    let second = build_example();
    let (a, b) = (files_in(&first.out()), files_in(&second.out()));
    assert!(a.contains_key(Path::new(ARTICLE)), "nothing built");
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the two builds wrote different files"
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between builds",
            path.display()
        );
    }
}
