//! The output is the same bytes whatever the number of threads building it.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A site with every kind of output: many articles by several authors with
/// shared tags, nested threads (some closed), aliases, a bundle with an
/// asset, a page, a static file, code to highlight, an author with many
/// links (a map, which templates must get in one order).
fn varied_site() -> Site {
    let site = Site::new();
    let links: Vec<String> = [
        "Site", "Blog", "Mastodon", "Archive", "Books", "Press", "Talks", "Code",
    ]
    .iter()
    .map(|name| format!("{name} = \"https://bo.example/{}/\"", name.to_lowercase()))
    .collect();
    site.file(
        "content/authors/bo.md",
        &format!(
            "+++\nname = \"Bo Writer\"\nlinks = {{ {} }}\n+++\nBo writes too.\n",
            links.join(", ")
        ),
    );
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n+++\nAbout us.\n",
    );
    site.file("static/robots-extra.txt", "static file");
    for n in 0..48 {
        let slug = format!("piece-{n:02}");
        let authors = if n % 3 == 0 {
            "[\"ann\", \"bo\"]"
        } else {
            "[\"bo\"]"
        };
        let front = format!(
            "authors = {authors}\ntags = [\"Tag {}\", \"Tag {}\"]\naliases = [\"/old/{n}/\"]\n{}",
            n % 5,
            n % 7,
            if n % 4 == 0 {
                "comments_closed = true\n"
            } else {
                ""
            }
        );
        site.bundle(
            &slug,
            &format!("2019-{:02}-{:02}T{:02}:00:00Z", n % 12 + 1, n % 28 + 1, n % 24),
            "",
            &format!("Intro {n}.\n\n<!-- more -->\n\nBody of {n} with [a link](photo.txt).\n\n```rust\nfn main() {{ println!(\"{n}\"); }}\n```\n"),
        );
        // The fixture's own front matter names ann; replace it with ours.
        let path = site
            .root()
            .join(format!("content/articles/{slug}/index.md"));
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("authors = [\"ann\"]\n", &front);
        std::fs::write(&path, text).unwrap();
        site.file(&format!("content/articles/{slug}/photo.txt"), &slug);
        let thread: String = (0..8)
            .map(|c| {
                let parent = if c % 2 == 1 { format!("parent = \"{}\"\n", c - 1) } else { String::new() };
                format!(
                    "[[comment]]\nid = \"{c}\"\n{parent}author = \"Reader {c}\"\ndate = 2020-01-{:02}T10:00:00Z\nbody = \"Comment {c} on {n}: *emphasis* and https://example.com/{c}\"\n\n",
                    c + 1
                )
            })
            .collect();
        site.file(&format!("content/articles/{slug}/comments.toml"), &thread);
    }
    site
}

/// Builds `site` into `output` with `threads` worker threads; returns every
/// output file with its bytes.
fn build_with_threads(site: &Site, threads: &str, output: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    site.build_with_threads(threads, output);
    files_in(output)
}

#[test]
fn the_output_is_the_same_bytes_with_one_two_or_eight_threads() {
    let site = varied_site();
    let temp = tempfile::tempdir().unwrap();
    let one = build_with_threads(&site, "1", &temp.path().join("one"));
    // 48 articles: pages, feeds, redirects, assets; plus listings and search.
    assert!(one.len() > 48 * 3, "only {} files", one.len());
    for kind in [
        "articles/piece-05/photo.txt",
        "old/5/index.html",
        "tags/tag-3/atom.xml",
        "search/manifest.js",
    ] {
        assert!(one.contains_key(Path::new(kind)), "no {kind}");
    }
    for threads in ["2", "8"] {
        let other = build_with_threads(&site, threads, &temp.path().join(threads));
        let differing: Vec<&PathBuf> = one
            .keys()
            .chain(other.keys())
            .filter(|path| one.get(*path) != other.get(*path))
            .collect();
        assert!(
            differing.is_empty(),
            "{threads} threads: {differing:?} differ"
        );
    }
}
